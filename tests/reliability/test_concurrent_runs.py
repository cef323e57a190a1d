"""Two runs at once never duplicate: AWX schedules, a cron and a person can overlap.

Two runs of the same thing are started together against one emulator: two protect runs of one
policy, two snapshot_batch calls, two restores of a snapshot to a new disk, two vault creates.
Seeded latency rules on the reads and the creates make them interleave differently per seed
(the k-th list or create that arrives waits the k-th drawn latency): both find nothing and both
create; one creates before the other looks; one re-checks before the other's create lands...

The two runs log in as two users of the same project (a second user is added to tenant-a in the
emulator's config), and the request log names, for every create, the ids it created. So the
checks come from the emulator, not from the modules: after both runs exactly one resource of the
name is left, both runs ended ok and report that one, and every DELETE a run sent was of a
resource that run created itself.

Nothing sleeps for a cloud timing: timings are 0; the only waits are the injected latencies
(at most 0.6 s each) and the local processes.
"""

from __future__ import annotations

import concurrent.futures
import copy
import multiprocessing
import os
import random
import re
import threading
from pathlib import Path

import pytest
import yaml

from conftest import CONFIG, REPO, Cloud, record_figures, run_playbook
from evs_emulator.testing import EmulatorProcess

SEEDS = [int(s) for s in os.environ.get("RELIABILITY_CONCURRENCY_SEEDS", "1,2,3").split(",")]
FIRST, SECOND = "tenant-a", "tenant-a-second"
ZONE = "eu-de-01"


def second_user_config(path: Path) -> Path:
    """The default config with a second user (carol) in tenant-a's domain and project."""
    data = copy.deepcopy(CONFIG.data)
    first = next(t for t in data["tenants"] if t["cloud"] == FIRST)
    second = copy.deepcopy(first)
    second["cloud"] = SECOND
    second["user"] = {"id": "0a1a00000000000000000000000000c3", "name": "carol", "password": "carol-secret-3",
                      "access_key": "AKCAROL0000000000003", "secret_key": "skCarol" + "0" * 32 + "3"}
    data["tenants"].append(second)
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    """One emulator for the module's scenarios: each starts from a reset."""
    tmp_path = tmp_path_factory.mktemp("concurrent")
    config = second_user_config(tmp_path / "config.yaml")
    process = EmulatorProcess(state_dir=tmp_path / "emulator", config=config).start()
    process.config = config
    try:
        yield process
    finally:
        process.kill()


def auth(emulator, cloud: str) -> dict:
    tenant = next(t for t in yaml.safe_load(Path(emulator.config).read_text())["tenants"] if t["cloud"] == cloud)
    return {"auth": {"auth_url": f"{emulator.base_url}/identity/v3", "username": tenant["user"]["name"],
                     "password": tenant["user"]["password"], "user_domain_name": tenant["domain"]["name"],
                     "project_id": tenant["project"]["id"]}, "region": "eu-de"}


def _run_in_child(name: str, args: dict) -> dict:
    from unittest import mock

    from ansible.module_utils import basic
    from inprocess import run
    # the module's own warn() calls, kept here: where core sends warnings depends on what an
    # earlier test of the same worker process loaded (a controller-side Display prints them)
    warned = []
    with mock.patch.object(basic.AnsibleModule, "warn", lambda self, warning: warned.append(warning)):
        result, _ = run(name, args)
    result["warnings"] = warned
    return result


def run_together(calls: list[tuple[str, dict]]) -> list[dict]:
    """Run the module calls at the same time, each in its own (forked) process."""
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(len(calls), mp_context=context) as pool:
        futures = [pool.submit(_run_in_child, name, args) for name, args in calls]
        return [future.result(timeout=120) for future in futures]


def interleave(admin, seed: int, lists: str, creates: str, reads: int = 4, meet: int = 0) -> None:
    """Seeded latency: the k-th list (path regex ``lists``) and the k-th create (POST ``creates``)
    that arrive wait the k-th latency drawn from ``seed``. With ``meet`` (the creates of both runs
    together), the creates are instead held until that many have arrived (an emulator barrier):
    runs that start seconds apart on a loaded machine still race for the same create. It counts
    every run's creates, not two: a run sends its disks' creates side by side (the batch engine's
    concurrent changes), so a barrier of two could be met by one run alone, and nothing raced."""
    rng = random.Random(seed)
    admin.clear_faults()
    for index in range(reads):
        # the first two lists (each run's look before its create) overlap, so both may find nothing
        low, high = (0.2, 0.6) if index < 2 else (0.01, 0.4)
        admin.add_fault(method="GET", path=lists, latency=round(rng.uniform(low, high), 3), count=1)
    if meet:
        admin.add_fault(method="POST", path=creates, barrier=meet, barrier_timeout=60, count=meet)
        return
    for _ in range(2):
        admin.add_fault(method="POST", path=creates, latency=round(rng.uniform(0.01, 0.6), 3), count=1)


def who_did_what(admin, emulator_users: dict, creates: str, deletes: str) -> dict:
    """{cloud: (ids its creates created, ids it deleted)} from the request log."""
    done = {cloud: (set(), set()) for cloud in emulator_users.values()}
    for entry in admin.requests(mutating=True):
        cloud = emulator_users.get(entry["user_id"])
        if cloud is None:
            continue
        if entry["method"] == "POST" and re.search(creates, entry["path"]):
            done[cloud][0].update(entry["created"])
        match = re.search(deletes, entry["path"]) if entry["method"] == "DELETE" else None
        if match:
            done[cloud][1].add(match.group(1))
    return done


def users(emulator) -> dict:
    return {t["user"]["id"]: t["cloud"] for t in yaml.safe_load(Path(emulator.config).read_text())["tenants"]
            if t["cloud"] in (FIRST, SECOND)}


def check_pair(emulator, results, live, creates, deletes, what: str, survivors=None) -> dict:
    """The checks every scenario shares; returns the figures of this interleaving."""
    admin = emulator.admin()
    assert [r for r in results if r["failed"]] == [], f"{what}: a run failed: {[r.get('msg') for r in results]}"
    assert len(live) == 1, f"{what}: {len(live)} left, not 1: {[(r['id'], r.get('status')) for r in live]}"
    done = who_did_what(admin, users(emulator), creates, deletes)
    for cloud, (created, deleted) in done.items():
        assert deleted <= created, f"{what}: {cloud} deleted {sorted(deleted - created)}, which it did not create"
    made = sum(len(created) for created, _ in done.values())
    assert made >= 1
    # a run that deleted its own copy says so, naming the copy the other run made and it kept
    for result, (_, deleted) in zip(results, done.values()):
        if deleted and "warnings" in result:
            assert any(s["id"] in w and d in w for w in result["warnings"] for d in deleted
                       for s in survivors or live), (
                f"{what}: a run replaced its copy without naming the one it kept: {result['warnings']}")
    # both runs sent a create (the second may fail on the cloud: a vault's disk is taken)
    senders = {entry["user_id"] for entry in admin.requests(method="POST") if re.search(creates, entry["path"])}
    return {"created": made, "raced": int(len(senders) == 2),
            "discarded": sum(len(deleted) for _, deleted in done.values()),
            "requests": len(admin.requests())}


def prepare(emulator) -> tuple:
    admin = emulator.admin()
    admin.reset()
    admin.zero_timings()
    return admin, Cloud(emulator.base_url)


def scenarios(emulator, make_calls, find_live, lists, creates, deletes, what):
    """Every seed on a fresh state; the figures summed; at least one seed must really race."""
    totals = {"created": 0, "raced": 0, "discarded": 0, "requests": 0}
    for seed in SEEDS:
        admin, cloud = prepare(emulator)
        calls = make_calls(admin, cloud)
        admin.clear_requests()
        interleave(admin, seed, lists, creates)
        results = run_together(calls)
        admin.clear_faults()
        figures = check_pair(emulator, results, find_live(cloud), creates, deletes, f"{what}, seed {seed}")
        ids = set()
        for result in results:
            ids.update(resource_ids(result))
        assert ids == {r["id"] for r in find_live(cloud)}, f"{what}, seed {seed}: the runs report {ids}"
        for key, value in figures.items():
            totals[key] += value
    assert totals["raced"] >= 1, f"{what}: no seed made both runs create; the test proves nothing: {totals}"
    record_figures(f"concurrent-{what}", duplicates=0, interleavings=len(SEEDS), **totals)
    return totals


def resource_ids(result) -> set:
    for key in ("snapshot", "disk", "vault", "backup", "protection_group"):
        if isinstance(result.get(key), dict):
            return {result[key]["id"]}
    return {item["snapshot"]["id"] for item in result.get("snapshots") or ()}


def live_snapshots(cloud, name):
    return [s for s in cloud.snapshots(name) if s["status"] not in ("deleting",)]


def test_two_snapshot_batch_calls_at_once_leave_one_snapshot_per_disk(cloud):
    def calls(admin, tenant):
        disks = [tenant.create_volume(f"cc-db0{i}")["id"] for i in (1, 2)]
        args = {"disks": disks, "name": "cc-daily", "owner_metadata": {"dp_evs_policy": "cc"}}
        return [("snapshot_batch", dict(args, **auth(cloud, FIRST))),
                ("snapshot_batch", dict(args, **auth(cloud, SECOND)))]

    # two disks, so one snapshot each: check_pair wants one left per name and disk
    totals = {"raced": 0}
    for seed in SEEDS:
        admin, tenant = prepare(cloud)
        pair = calls(admin, tenant)
        admin.clear_requests()
        interleave(admin, seed, r"/snapshots/detail", r"/snapshots$")
        results = run_together(pair)
        admin.clear_faults()
        found = live_snapshots(tenant, "cc-daily")
        assert sorted(s["volume_id"] for s in found) == sorted(pair[0][1]["disks"]), (
            f"seed {seed}: snapshots left: {[(s['id'], s['volume_id']) for s in found]}")
        figures = check_pair(cloud, results, found[:1], r"/snapshots$", r"/snapshots/([0-9a-f-]{36})$",
                             f"snapshot_batch, seed {seed}", survivors=found)
        assert set().union(*(resource_ids(r) for r in results)) == {s["id"] for s in found}
        totals = {k: totals.get(k, 0) + v for k, v in figures.items()}
    assert totals["raced"] >= 1, totals
    record_figures("concurrent-snapshot_batch", duplicates=0, interleavings=len(SEEDS), **totals)


def test_two_restores_of_a_snapshot_to_a_new_disk_at_once_leave_one_disk(cloud):
    def calls(admin, tenant):
        source = tenant.create_volume("cc-src")
        answer = tenant.call("POST", tenant.evs("/snapshots"), {"snapshot": {"volume_id": source["id"],
                                                                             "name": "cc-src-snap"}})
        assert answer.status == 202, answer.body
        args = {"name": "cc-restored", "availability_zone": ZONE, "snapshot": answer.body["snapshot"]["id"]}
        return [("disk", dict(args, **auth(cloud, FIRST))), ("disk", dict(args, **auth(cloud, SECOND)))]

    scenarios(cloud, calls, lambda tenant: [v for v in tenant.volumes("cc-restored") if v["status"] != "deleting"],
              r"/volumes/detail", r"/volumes$", r"/volumes/([0-9a-f-]{36})$", "disk-restore")


def test_two_vault_creates_at_once_leave_one_vault(cloud):
    def calls(admin, tenant):
        disk = tenant.create_volume("cc-vaulted")
        args = {"name": "cc-vault", "size": 100, "resources": [disk["id"]]}
        return [("vault", dict(args, **auth(cloud, FIRST))), ("vault", dict(args, **auth(cloud, SECOND)))]

    def live(tenant):
        answer = tenant.call("GET", f"{cloud.base_url}/cbr/v3/{tenant.project_id}/vaults?name=cc-vault")
        return answer.body["vaults"]

    # the vault's disk makes the later create fail on the cloud ("in another vault") or be
    # refused before it is sent: both must end in the first vault
    scenarios(cloud, calls, live, r"/vaults$", r"/vaults$", r"/vaults/([0-9a-f-]{36})$", "vault")


def test_two_protection_group_creates_at_once_leave_one_group(cloud):
    def calls(admin, tenant):
        args = {"name": "cc-group", "source_availability_zone": ZONE, "target_availability_zone": "eu-de-02",
                "vpc": "vpc-default"}
        return [("protection_group", dict(args, **auth(cloud, FIRST))),
                ("protection_group", dict(args, **auth(cloud, SECOND)))]

    def live(tenant):
        answer = tenant.call("GET", f"{cloud.base_url}/sdrs/v1/{tenant.project_id}/server-groups?name=cc-group")
        return [g for g in answer.body["server_groups"] if g["status"] != "deleting"]

    scenarios(cloud, calls, live, r"/server-groups$", r"/server-groups$", r"/server-groups/([0-9a-f-]{36})$",
              "protection_group")


def test_two_cbr_backups_of_a_disk_at_once_leave_one_backup(cloud):
    def calls(admin, tenant):
        disk = tenant.create_volume("cc-backed")
        answer = tenant.call("POST", f"{cloud.base_url}/cbr/v3/{tenant.project_id}/vaults", {"vault": {
            "name": "cc-backups", "resources": [{"id": disk["id"], "type": "OS::Cinder::Volume"}],
            "billing": {"object_type": "disk", "protect_type": "backup", "size": 100,
                        "consistent_level": "crash_consistent", "cloud_type": "public", "charging_mode": "post_paid"}}})
        assert answer.status == 200, answer.body
        args = {"name": "cc-backup", "disk": "cc-backed", "vault": "cc-backups"}
        return [("backup", dict(args, **auth(cloud, FIRST))), ("backup", dict(args, **auth(cloud, SECOND)))]

    def live(tenant):
        answer = tenant.call("GET", f"{cloud.base_url}/cbr/v3/{tenant.project_id}/backups?name=cc-backup")
        return [b for b in answer.body["backups"] if b["status"] not in ("deleting", "waiting_delete")]

    scenarios(cloud, calls, live, r"/backups$", r"/checkpoints$", r"/backups/([0-9a-f-]{36})$", "backup")


POLICY = {"name": "cc", "tiers": [{"name": "daily", "failure": "disk", "rpo": "1d", "retention": {"last": 2},
                                   "disks": {"metadata": {"tier": "gold"}}}]}


def test_two_protect_runs_of_one_policy_at_once_leave_one_snapshot_per_disk(cloud, tmp_path):
    from evs_emulator.cli import clouds_yaml as render
    from evs_emulator.config import Config
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(render(Config.load(cloud.config), cloud.base_url))
    totals = {"raced": 0}
    for seed in SEEDS[:1]:
        admin, tenant = prepare(cloud)
        admin.set_time("2026-06-01T10:00:00Z")
        disks = []
        for name in ("cc-web01", "cc-web02"):
            answer = tenant.call("POST", tenant.evs("/volumes"), {"volume": {
                "name": name, "size": 10, "availability_zone": ZONE, "metadata": {"tier": "gold"}}})
            assert answer.status == 202, answer.body
            disks.append(answer.body["volume"]["id"])
        admin.clear_requests()
        interleave(admin, seed, r"/snapshots/detail", r"/snapshots$", reads=6, meet=2 * len(disks))
        outcomes = {}

        def protect(name):
            outcomes[name] = run_playbook(REPO / "playbooks" / "protect.yml", {"dr_policy": POLICY}, env={
                "OS_CLIENT_CONFIG_FILE": str(clouds), "OS_CLOUD": name}, scratch=tmp_path / name, timeout=120)

        (tmp_path / FIRST).mkdir(exist_ok=True)
        (tmp_path / SECOND).mkdir(exist_ok=True)
        threads = [threading.Thread(target=protect, args=(name,)) for name in (FIRST, SECOND)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        admin.clear_faults()
        for name, (status, output) in outcomes.items():
            assert status == 0, f"seed {seed}: protect as {name} failed\n" + output[-4000:]
        found = [s for s in tenant.snapshots() if s["status"] != "deleting"]
        per_disk = sorted(s["volume_id"] for s in found)
        assert per_disk == sorted(disks), f"seed {seed}: snapshots left: {[(s['name'], s['volume_id']) for s in found]}"
        figures = check_pair(cloud, [{"failed": False}], found[:1], r"/snapshots$", r"/snapshots/([0-9a-f-]{36})$",
                             f"protect, seed {seed}")
        totals = {k: totals.get(k, 0) + v for k, v in figures.items()}
    assert totals["raced"] >= 1, f"protect: the runs did not both create; the test proves nothing: {totals}"
    record_figures("concurrent-protect", duplicates=0, interleavings=len(SEEDS[:1]), **totals)
