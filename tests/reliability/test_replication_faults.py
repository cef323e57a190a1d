"""Replicating backups to another region under about 30% injected faults (lost answers of the
CopyBackup requests included, the case that could copy a backup twice) ends with exactly one
replica per backup in the destination region, no replica that no source backup's record names
(an orphan), no failed copy; a rerun under other faults changes nothing and sends no mutating
request.

The fault rules are those of test_faults_random.py (the first matching rule applies, about 30%
of requests in all), from a seeded generator, so a seed always gives the same faults to the same
requests. Timings are 0: a copy is available at once, nothing waits for a cloud timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cloud, auth_of, clouds_yaml, record_figures, run_playbook
from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token
from inprocess import run
from test_faults_random import FAULT_KINDS, assert_rerun_changed_nothing

PLAYBOOK = Path(__file__).parent / "playbooks" / "replicate.yml"
DESTINATION = "eu-nl"
CONFIG = Config.load(region_projects=True)  # each tenant has a project in eu-nl too
DISKS = 4
BACKUPS_PER_DISK = 2
SEED = 20261208
VAULT_BILLING = {"object_type": "disk", "size": 100, "consistent_level": "crash_consistent", "cloud_type": "public",
                 "charging_mode": "post_paid"}


@pytest.fixture
def regions(tmp_path):
    process = EmulatorProcess(state_dir=tmp_path / "emulator", region_projects=True).start()
    try:
        yield process
    finally:
        process.kill()


def make_vault(base: str, token: str, project_id: str, name: str, protect_type: str) -> None:
    answer = http("POST", f"{base}/cbr/v3/{project_id}/vaults", {"vault": {
        "name": name, "resources": [], "billing": dict(VAULT_BILLING, protect_type=protect_type)}},
        {"X-Auth-Token": token})
    assert answer.status == 200, answer.body


def prepare(emulator) -> list[str]:
    """Disks with CBR backups in eu-de, the replication vault in eu-nl; returns the backups' names."""
    admin = emulator.admin()
    admin.reset()
    admin.zero_timings()
    base = emulator.base_url
    cloud = Cloud(base)
    make_vault(base, cloud.token, cloud.project_id, "rr-vault", "backup")
    make_vault(base, *tenant_token(base, "tenant-a", CONFIG, region=DESTINATION), "rr-replicas", "replication")
    connection = {"auth": auth_of(base), "region": "eu-de"}
    names = []
    for disk in range(DISKS):
        volume = cloud.create_volume(f"rr-disk{disk}")
        for number in range(BACKUPS_PER_DISK):
            name = f"rr-disk{disk}-{number}"
            made, _ = run("backup", dict(connection, disk=volume["id"], name=name, vault="rr-vault"))
            assert not made["failed"], made.get("msg")
            names.append(name)
    return names


def replication_state(emulator) -> dict:
    """Per source backup (by name) its records to the destination that count (not failed), and
    the replicas in the destination region (by id, with their status)."""
    base = emulator.base_url
    source = Cloud(base)
    token, nl_project = tenant_token(base, "tenant-a", CONFIG, region=DESTINATION)
    listed = source.call("GET", f"{base}/cbr/v3/{source.project_id}/backups?limit=1000").body["backups"]
    records, failed = {}, []
    for backup in listed:
        detail = source.call("GET", f"{base}/cbr/v3/{source.project_id}/backups/{backup['id']}").body["backup"]
        mine = [r for r in detail.get("replication_records") or [] if r["destination_region"] == DESTINATION]
        failed += [r for r in mine if r["status"] == "failed"]
        records[detail["name"]] = [r["destination_backup_id"] for r in mine if r["status"] != "failed"]
    replicas = http("GET", f"{base}/cbr/v3/{nl_project}/backups?image_type=replication&limit=1000", None,
                    {"X-Auth-Token": token}).body["backups"]
    return {"records": records, "failed": failed, "replicas": {r["id"]: r["status"] for r in replicas}}


def replicate(emulator, tmp_path: Path, names: list[str], seed: int, verbosity: str = "",
              playbook: Path = PLAYBOOK, backups: list | None = None) -> tuple[int, str, dict]:
    """Run `playbook` on `backups` (default: the backup names) under the random faults of `seed`."""
    admin = emulator.admin()
    admin.seed_faults(seed)
    for _, rule in FAULT_KINDS:
        admin.add_fault(**rule)
    env = {"OS_CLIENT_CONFIG_FILE": str(clouds_yaml(emulator.base_url, tmp_path / "clouds.yaml")),
           "OS_CLOUD": "tenant-a"}
    status, output = run_playbook(playbook, {"rr_backups": names if backups is None else backups}, env=env,
                                  scratch=tmp_path, verbosity=verbosity)
    rules = admin.faults()
    admin.clear_faults()
    return status, output, {kind: rule["hits"] for (kind, _), rule in zip(FAULT_KINDS, rules)}


def assert_one_replica_per_backup(emulator, names: list[str]) -> dict:
    """Exactly one available replica per backup in the destination, each named by its backup's
    record (no orphan, none missing, no failed copy); returns the state."""
    state = replication_state(emulator)
    assert sorted(state["records"]) == sorted(names)
    assert all(len(copies) == 1 for copies in state["records"].values()), state["records"]
    named = sorted(copies[0] for copies in state["records"].values())
    assert sorted(state["replicas"]) == named, "a replica no backup's record names (an orphan), or one missing"
    assert set(state["replicas"].values()) == {"available"}, state["replicas"]
    assert state["failed"] == []
    return state


def test_replication_under_30_percent_faults_makes_one_replica_per_backup_and_a_rerun_changes_nothing(regions, tmp_path):
    names = prepare(regions)
    admin = regions.admin()
    admin.clear_requests()
    status, output, hits = replicate(regions, tmp_path, names, SEED)
    sent = len(admin.requests())
    assert status == 0, f"seed {SEED}: faults {hits}\n" + output[-6000:]
    faulted = sum(hits.values())
    assert 0.15 < faulted / sent < 0.45, (faulted, sent)
    assert hits["lost answer of a change"] > 0, hits  # a CopyBackup carried out whose answer was lost

    state = assert_one_replica_per_backup(regions, names)
    record_figures("replication-faults", seed=SEED, requests=sent, faults=faulted, by_kind=hits,
                   backups=len(names), replicas=len(state["replicas"]), duplicates=0, orphans=0)

    # the same run again, under other faults: nothing to do, so no mutating request at all
    mark = max(r["seq"] for r in admin.requests())
    status, output, hits = replicate(regions, tmp_path, names, SEED + 1)
    assert_rerun_changed_nothing(admin, mark, status, output, SEED + 1)
    assert replication_state(regions) == state
    record_figures("replication-faults-rerun", seed=SEED + 1, requests=len(admin.requests(since_seq=mark)),
                   faults=sum(hits.values()), duplicates=0)
