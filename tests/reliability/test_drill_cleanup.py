"""A DR drill cleans up after itself under faults and API outages, and the next drill removes
what an earlier one could not, never anything without a drill's marks, never a drill that may
still be running.

The estate: disk rf-files with a snapshot, and protection group rf-gold replicating disk rf-db of
server rf-app. Besides, things a user made that look like a drill's: a disk named like a scratch
disk without the marks, one with only the run mark, and a DR drill named like one of the old
naming (dp-drill-<run>-g0). They must survive every run.

The outage is a fault rule (503 with Retry-After 0 to the next N requests) that the test's
application check (playbooks/tasks/drill_outage.yml) starts while the scratch disk and the DR drill
exist; the role's cleanup retries are told a delay of 0, so nothing sleeps for a cloud timing.
Every check reads the emulator (its resources and request log) and the report file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REPO, SOURCE_TREE, Cloud, auth_of, clouds_yaml, run_playbook
from inprocess import run
from test_faults_random import FAULT_KINDS

# DRILL_TEST_COLLECTIONS: run the attack against another build of the collection (an older one)
COLLECTIONS = Path(os.environ.get("DRILL_TEST_COLLECTIONS", str(SOURCE_TREE)))
PLAYBOOK = COLLECTIONS / "ansible_collections" / "dataprotection" / "evs" / "playbooks" / "drill.yml"
OUTAGE_CHECK = REPO / "tests" / "reliability" / "playbooks" / "tasks" / "drill_outage.yml"
START = "2026-06-01T10:00:00Z"
USER_DISKS = ["dp-drill-x1-rf-files-snapshot", "dp-drill-x2-rf-files-snapshot"]
USER_DRILL = "dp-drill-x1-g0"
LEASE = 86400  # the role's default drill_lease_seconds


def build_estate(emulator) -> dict:
    admin = emulator.admin()
    admin.reset()
    admin.zero_timings()
    admin.set_time(START)
    base = emulator.base_url
    cloud = Cloud(base)
    connection = {"auth": auth_of(base), "region": "eu-de"}

    def module(module_name, **args):
        result, _ = run(module_name, dict(connection, **args))
        assert not result["failed"], (module_name, result.get("msg"))
        return result

    files = module("disk", name="rf-files", availability_zone="eu-de-01", size=10)["disk"]
    module("snapshot", disk=files["id"], name="rf-files-1")
    db = module("disk", name="rf-db", availability_zone="eu-de-01", size=10)["disk"]
    compute = f"{base}/ecs/v2.1/{cloud.project_id}/servers"
    server = cloud.call("POST", compute, {"server": {"name": "rf-app", "availability_zone": "eu-de-01",
                                                     "flavorRef": "s3.medium.1", "imageRef": "test-image"}})
    assert server.status == 202, server.body
    server_id = server.body["server"]["id"]
    attached = cloud.call("POST", f"{compute}/{server_id}/os-volume_attachments",
                          {"volumeAttachment": {"volumeId": db["id"]}})
    assert attached.status == 200, attached.body
    module("protection_group", name="rf-gold", source_availability_zone="eu-de-01",
           target_availability_zone="eu-de-02", vpc="vpc-default")
    module("protected_instance", protection_group="rf-gold", name="rf-app", server=server_id)
    module("replication_pair", protection_group="rf-gold", name="rf-db", disk=db["id"], protected_instance="rf-app",
           device="/dev/vdb")
    module("protection_group", name="rf-gold", protection="enabled")
    # a user's resources with a drill's name: one without marks, one with the run mark only
    module("disk", name=USER_DISKS[0], availability_zone="eu-de-01", size=10)
    module("disk", name=USER_DISKS[1], availability_zone="eu-de-01", size=10, metadata={"dp_evs_drill": "x2"})
    module("dr_drill", name=USER_DRILL, protection_group="rf-gold")
    return {"files": files["id"]}


def drills(emulator) -> list:
    cloud = Cloud(emulator.base_url)
    answer = cloud.call("GET", f"{emulator.base_url}/sdrs/v1/{cloud.project_id}/disaster-recovery-drills")
    assert answer.status == 200, answer.body
    return answer.body["disaster_recovery_drills"]


def scratch_left(emulator) -> tuple[list, list]:
    """(disks, DR drills) named like a drill's, other than the user's own."""
    disks = [v["name"] for v in Cloud(emulator.base_url).volumes()
             if v["name"].startswith("dp-drill-") and v["name"] not in USER_DISKS]
    return sorted(disks), sorted(d["name"] for d in drills(emulator) if d["name"] != USER_DRILL)


def assert_user_resources_untouched(emulator):
    names = [v["name"] for v in Cloud(emulator.base_url).volumes()]
    assert all(names.count(name) == 1 for name in USER_DISKS), names
    assert [d["name"] for d in drills(emulator)].count(USER_DRILL) == 1


def drill(emulator, tmp_path: Path, name: str, **extra) -> tuple[int, str, dict | None]:
    """One run of the drill playbook: (rc, output, the report file or None)."""
    report = tmp_path / f"{name}.json"
    env = {"OS_CLIENT_CONFIG_FILE": str(clouds_yaml(emulator.base_url, tmp_path / "clouds.yaml")),
           "OS_CLOUD": "tenant-a", "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS)}
    variables = dict({"drill_disks": ["rf-files"], "drill_sources": ["snapshot"],
                      "drill_protection_groups": ["rf-gold"], "drill_report_path": str(report),
                      "drill_cleanup_delay": 0}, **extra)
    status, output = run_playbook(PLAYBOOK, variables, env=env, scratch=tmp_path)
    return status, output, json.loads(report.read_text()) if report.exists() else None


def outage(emulator, requests: int) -> dict:
    return {"drill_verify_tasks": str(OUTAGE_CHECK), "drill_test_emulator_url": emulator.base_url,
            "drill_test_outage_requests": requests}


def test_a_drill_cleans_up_and_reports_failed_after_an_api_outage(emulator, tmp_path):
    build_estate(emulator)
    admin = emulator.admin()
    admin.clear_requests()
    # 40 requests in a row answer 503: more than the client's retry budget (5 attempts) of eight
    # module calls; the role's cleanup retries (10) outlast it
    status, output, report = drill(emulator, tmp_path, "outage", **outage(emulator, 40))
    assert report is not None, "no report after the outage:\n" + output[-4000:]
    assert admin.faults() == [], "the outage did not last through the cleanup"  # a spent rule is removed
    assert status != 0, "a failed drill must fail the play (drill_fail_on_error)"
    assert report["passed"] is False
    by_kind = {d["kind"]: d for d in report["drills"]}
    assert by_kind["disk"]["verification"]["passed"] is True
    assert by_kind["protection_group"]["verification"]["passed"] is False
    assert [d["cleanup"] for d in report["drills"]] == ["deleted", "deleted"], report
    assert scratch_left(emulator) == ([], []), output[-4000:]
    assert_user_resources_untouched(emulator)
    # what it deleted is what it made: one scratch disk, one DR drill
    made = [r for r in admin.requests(mutating=True) if r["method"] == "POST"]
    deleted = [r["path"].rsplit("/", 1)[1] for r in admin.requests(mutating=True) if r["method"] == "DELETE"]
    assert len(made) == 2 and len(deleted) == 2, (made, deleted)
    assert sorted(deleted) == sorted(d["scratch"]["id"] for d in report["drills"])


def test_the_next_drill_removes_what_an_earlier_drill_left_once_its_lease_is_over(emulator, tmp_path):
    estate = build_estate(emulator)
    admin = emulator.admin()
    # an outage that outlasts the cleanup's retries (1 here): the drill leaves its scratch behind
    status, output, first = drill(emulator, tmp_path, "first", drill_cleanup_retries=1, **outage(emulator, 10000))
    admin.clear_faults()
    assert first is not None and first["passed"] is False, output[-4000:]
    assert all(d["cleanup"].startswith("failed") for d in first["drills"]), first
    left = scratch_left(emulator)
    assert left == ([f"dp-drill-{first['run']}-rf-files-snapshot"], [first["drills"][1]["scratch"]["name"]]), left
    marks = [v["metadata"] for v in Cloud(emulator.base_url).volumes() if v["name"] == left[0][0]][0]
    assert marks["dp_evs_drill"] == first["run"] and marks["dp_evs_drill_of"] == estate["files"], marks

    # a second drill while the first one's lease runs (it may still be running): leaves it alone
    admin.clear_requests()
    status, output, second = drill(emulator, tmp_path, "second")
    assert status == 0 and second["passed"] is True, output[-4000:]
    assert scratch_left(emulator) == left
    assert sorted((r["kind"], r["name"], r["action"]) for r in second["leftovers"]) == sorted(
        [("disk", left[0][0], "kept: in use"), ("dr_drill", left[1][0], "kept: in use")]), second["leftovers"]
    deleted = [r["path"].rsplit("/", 1)[1] for r in admin.requests(mutating=True) if r["method"] == "DELETE"]
    assert sorted(deleted) == sorted(d["scratch"]["id"] for d in second["drills"]), deleted

    # a day later the lease is over: the next drill removes the leftovers first and says so
    admin.advance(LEASE + 60)
    status, output, third = drill(emulator, tmp_path, "third")
    assert status == 0 and third["passed"] is True, output[-4000:]
    assert scratch_left(emulator) == ([], [])
    assert sorted((r["kind"], r["name"], r["action"]) for r in third["leftovers"]) == sorted(
        [("disk", left[0][0], "removed"), ("dr_drill", left[1][0], "removed")]), third["leftovers"]
    assert all(r["run"] == first["run"] for r in third["leftovers"])
    assert_user_resources_untouched(emulator)


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("DRILL_SEEDS", "1,2").split(",")])
def test_a_drill_under_30_percent_faults_leaves_nothing_behind(emulator, tmp_path, seed):
    build_estate(emulator)
    admin = emulator.admin()
    admin.seed_faults(seed)
    for _, rule in FAULT_KINDS:
        admin.add_fault(**rule)
    status, output, report = drill(emulator, tmp_path, "faults")
    hits = sum(rule["hits"] for rule in admin.faults())
    admin.clear_faults()
    assert hits > 0
    assert report is not None, f"seed {seed}: no report\n" + output[-4000:]
    # the drill may fail (a request can meet more faults than the retries allow), never silently
    assert report["passed"] is (status == 0), output[-4000:]
    assert scratch_left(emulator) == ([], []), f"seed {seed}: {report}"
    assert_user_resources_untouched(emulator)
