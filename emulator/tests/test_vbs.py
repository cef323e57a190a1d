"""VBS over real HTTP: backup and restore jobs, disk states, bytes, errors, policies on the clock."""

from __future__ import annotations

import pytest

from conftest import available_volume


def vbs(tenant, path: str, version: str = "v2") -> str:
    return f"{tenant.base_url}/vbs/{version}/{tenant.project_id}{path}"


def job(tenant, job_id: str, version: str = "v1") -> dict:
    answer = tenant.call("GET", vbs(tenant, f"/jobs/{job_id}", version))
    assert answer.status == 200, answer.body
    return answer.body


def create_backup(tenant, volume_id: str, name: str = "bk1", **fields) -> dict:
    answer = tenant.call("POST", vbs(tenant, "/cloudbackups"), {"backup": {"volume_id": volume_id, "name": name,
                                                                           **fields}})
    assert answer.status == 200, answer.body
    return job(tenant, answer.body["job_id"])


def backup(tenant, backup_id: str) -> dict:
    answer = tenant.call("GET", vbs(tenant, f"/backups/{backup_id}", "v3"))
    assert answer.status == 200, answer.body
    return answer.body["backup"]


def test_backup_job_states_and_bytes(admin, alice):
    admin.freeze()
    volume = available_volume(admin, alice, {"0": "first"}, size=20)
    created = create_backup(alice, volume["id"], description="nightly")
    assert created["status"] == "RUNNING" and created["job_type"] == "bksCreateBackup"
    backup_id = created["entities"]["backup_id"]
    assert created["entities"]["volume_id"] == volume["id"]
    assert alice.volume(volume["id"])["status"] == "backing-up"
    shown = backup(alice, backup_id)
    assert (shown["status"], shown["size"], shown["is_incremental"]) == ("creating", 20, False)
    admin.write_disk(volume["id"], {"0": "second"})  # after acceptance: not in the backup
    admin.advance(30)
    assert alice.volume(volume["id"])["status"] == "available"
    done = job(alice, created["job_id"])
    assert done["status"] == "SUCCESS" and done["end_time"]
    assert job(alice, created["job_id"], "v2")["status"] == "SUCCESS"  # where otcextensions looks
    assert backup(alice, backup_id)["status"] == "available"
    # Restore onto the original disk: the first bytes come back when the restore completes.
    answer = alice.call("POST", vbs(alice, f"/cloudbackups/{backup_id}/restore"),
                        {"restore": {"volume_id": volume["id"]}})
    assert answer.status == 200
    restore_job = job(alice, answer.body["job_id"])
    assert restore_job["job_type"] == "bksRestoreBackup"
    assert restore_job["entities"] == {"backup_id": backup_id, "volume_id": volume["id"]}
    assert alice.volume(volume["id"])["status"] == "restoring-backup"
    assert backup(alice, backup_id)["status"] == "restoring"
    assert admin.disk(volume["id"]) == {"0": "second"}
    admin.advance(30)
    assert alice.volume(volume["id"])["status"] == "available"
    assert admin.disk(volume["id"]) == {"0": "first"}


def test_incremental_and_full(fast, alice):
    volume = available_volume(fast, alice, {"0": "a"})
    first = create_backup(alice, volume["id"], "one")["entities"]["backup_id"]
    second = create_backup(alice, volume["id"], "two")["entities"]["backup_id"]
    third = create_backup(alice, volume["id"], "three", extend_param={"FullBackup": "true"})["entities"]["backup_id"]
    assert [backup(alice, b)["is_incremental"] for b in (first, second, third)] == [False, True, False]
    assert backup(alice, first)["has_dependent_backups"] is True


def test_create_refusals(admin, alice, bob):
    admin.freeze()
    creating = alice.create_volume()
    url = vbs(alice, "/cloudbackups")
    busy = alice.call("POST", url, {"backup": {"volume_id": creating["id"], "name": "b"}})
    assert busy.status == 400 and busy.body["error"]["code"] == "VolumeBackup.0012"
    missing = alice.call("POST", url, {"backup": {"volume_id": "nope", "name": "b"}})
    assert missing.status == 404 and missing.body["error"]["code"] == "VolumeBackup.0021"
    other = bob.call("POST", vbs(bob, "/cloudbackups"), {"backup": {"volume_id": creating["id"], "name": "b"}})
    assert other.status == 404  # another tenant's disk does not exist for bob
    for bad in ({"volume_id": creating["id"]}, {"volume_id": creating["id"], "name": "autobk_x"},
                {"volume_id": creating["id"], "name": "bad name"}, {"name": "x"},
                {"volume_id": creating["id"], "name": "x", "description": "<b>"}):
        answer = alice.call("POST", url, {"backup": bad})
        assert answer.status == 400 and "badRequest" in answer.body, bad
    assert alice.call("POST", url, {}).status == 400
    assert not [r for r in admin.requests(mutating="true", service="vbs") if r["status"] < 400]


def test_restore_refusals(fast, alice):
    volume = available_volume(fast, alice, {"0": "x"}, size=20)
    backup_id = create_backup(alice, volume["id"])["entities"]["backup_id"]
    small = available_volume(fast, alice, size=10)
    url = vbs(alice, f"/cloudbackups/{backup_id}/restore")
    too_small = alice.call("POST", url, {"restore": {"volume_id": small["id"]}})
    assert too_small.status == 400 and "smaller" in too_small.body["badRequest"]["message"]
    unknown_disk = alice.call("POST", url, {"restore": {"volume_id": "nope"}})
    assert unknown_disk.status == 404 and unknown_disk.body["error"]["code"] == "VolumeBackup.0111"
    unknown_backup = alice.call("POST", vbs(alice, "/cloudbackups/nope/restore"),
                                {"restore": {"volume_id": volume["id"]}})
    assert unknown_backup.status == 404 and unknown_backup.body["error"]["code"] == "VolumeBackup.0111"
    server = alice.create_server()
    fast.advance(1)
    assert alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                      {"volumeAttachment": {"volumeId": volume["id"]}}).status == 200
    fast.advance(1)
    in_use = alice.call("POST", url, {"restore": {"volume_id": volume["id"]}})
    assert in_use.status == 400 and in_use.body["error"]["code"] == "VolumeBackup.0012"
    # Cinder-compatible restore onto a larger detached disk.
    big = available_volume(fast, alice, size=30)
    native = alice.call("POST", vbs(alice, f"/backups/{backup_id}/restore", "v3"),
                        {"restore": {"volume_id": big["id"]}})
    assert native.status == 202 and native.body["restore"]["volume_id"] == big["id"]
    fast.advance(1)
    assert fast.disk(big["id"]) == {"0": "x"}


def test_list_filters_paging_delete(fast, alice):
    v1 = available_volume(fast, alice)
    v2 = available_volume(fast, alice, zone="eu-de-02")
    ids = [create_backup(alice, v1["id"], f"b{i}")["entities"]["backup_id"] for i in range(3)]
    other = create_backup(alice, v2["id"], "x")["entities"]["backup_id"]
    detail = alice.call("GET", vbs(alice, f"/backups/detail?volume_id={v1['id']}&sort_dir=asc")).body
    assert [b["id"] for b in detail["backups"]] == ids
    assert [b["id"] for b in alice.call("GET", vbs(alice, "/backups?name=x")).body["backups"]] == [other]
    first = alice.call("GET", vbs(alice, "/backups/detail?limit=2&with_count=true", "v3")).body
    assert len(first["backups"]) == 2 and first["count"] == 4 and first["backups_links"][0]["rel"] == "next"
    assert alice.call("DELETE", vbs(alice, f"/backups/{ids[0]}", "v3")).status == 202
    assert alice.call("GET", vbs(alice, f"/backups/{ids[0]}")).status == 404
    vendor = alice.call("POST", vbs(alice, f"/cloudbackups/{ids[1]}"))
    assert vendor.status == 200 and job(alice, vendor.body["job_id"])["job_type"] == "bksDeleteBackup"
    fast.advance(1)
    assert alice.call("GET", vbs(alice, f"/backups/{ids[1]}")).status == 404
    quota = alice.call("GET", vbs(alice, "/cloudbackups/quota")).body["quotas"]["resources"]
    assert {q["type"]: q["used"] for q in quota}["backups"] == 2


def test_backup_outlives_disk_and_zone(fast, alice):
    """Delete the disk, take its AZ down: the backup makes a new disk in another AZ with its bytes."""
    volume = available_volume(fast, alice, {"0": "precious", "7": "tail"}, size=20)
    backup_id = create_backup(alice, volume["id"])["entities"]["backup_id"]
    fast.advance(1)
    assert alice.call("DELETE", alice.evs(f"/volumes/{volume['id']}?cascade=true")).status == 202
    fast.start_outage("eu-de-01")
    fast.advance(1)
    assert backup(alice, backup_id)["status"] == "available"
    refused = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-02",
                                                                    "backup_id": backup_id, "size": 10}})
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1010"
    answer = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-02",
                                                                   "backup_id": backup_id, "name": "new"}})
    assert answer.status == 202, answer.body
    new = answer.body["volume"]
    assert new["size"] == 20 and new["availability_zone"] == "eu-de-02"
    fast.advance(1)
    assert fast.disk(new["id"]) == {"0": "precious", "7": "tail"}
    both = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-02",
                                                                 "backup_id": backup_id, "snapshot_id": "x"}})
    assert both.status == 400 and both.body["error"]["code"] == "EVS.1016"
    unknown = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-02",
                                                                    "backup_id": "nope"}})
    assert unknown.status == 400


def test_jobs_are_tenant_scoped(fast, alice, bob):
    volume = available_volume(fast, alice)
    created = create_backup(alice, volume["id"])
    assert bob.call("GET", vbs(bob, f"/jobs/{created['job_id']}", "v1")).status == 404
    assert bob.call("GET", vbs(bob, f"/backups/{created['entities']['backup_id']}")).status == 404
    assert bob.call("GET", vbs(bob, "/backups/detail")).body["backups"] == []


# -- policies --------------------------------------------------------------
def make_policy(tenant, **schedule) -> str:
    body = {"backup_policy_name": "daily", "scheduled_policy": {"start_time": "02:00", "frequency": 1,
                                                                "rentention_num": 3, "status": "ON", **schedule}}
    answer = tenant.call("POST", vbs(tenant, "/backuppolicy"), body)
    assert answer.status == 200, answer.body
    return answer.body["backup_policy_id"]


def bind(tenant, policy_id: str, *volume_ids) -> dict:
    answer = tenant.call("POST", vbs(tenant, "/backuppolicyresources"),
                         {"backup_policy_id": policy_id,
                          "resources": [{"resource_id": v, "resource_type": "volume"} for v in volume_ids]})
    assert answer.status == 200, answer.body
    return answer.body


def test_policy_crud_and_binding(fast, alice):
    v1, v2 = available_volume(fast, alice), available_volume(fast, alice)
    pid = make_policy(alice, remain_first_backup_of_curMonth="N")
    listed = alice.call("GET", vbs(alice, "/backuppolicy")).body["backup_policies"]
    assert listed[0]["backup_policy_name"] == "daily" and listed[0]["scheduled_policy"]["rentention_num"] == 3
    answer = bind(alice, pid, v1["id"], "nope")
    assert [r["resource_id"] for r in answer["success_resources"]] == [v1["id"]]
    assert answer["fail_resources"][0]["error_code"] == "VolumeBackup.0021"
    second = alice.call("POST", vbs(alice, "/backuppolicy"), {"backup_policy_name": "weekly", "scheduled_policy": {
        "start_time": "03:00", "week_frequency": ["SUN"], "rentention_day": 30}}).body["backup_policy_id"]
    taken = bind(alice, second, v1["id"], v2["id"])
    assert taken["fail_resources"][0]["resource_id"] == v1["id"]
    assert alice.call("GET", vbs(alice, "/backuppolicy")).body["backup_policies"][0]["policy_resource_count"] == 1
    off = alice.call("PUT", vbs(alice, f"/backuppolicy/{pid}"), {"scheduled_policy": {"status": "OFF"}})
    assert off.status == 200 and off.body["scheduled_policy"]["status"] == "OFF"
    assert off.body["scheduled_policy"]["rentention_num"] == 3
    unbound = alice.call("POST", vbs(alice, f"/backuppolicyresources/{pid}/deleted_resources"),
                         {"resources": [{"resource_id": v1["id"]}]})
    assert unbound.body["success_resources"][0]["resource_id"] == v1["id"]
    for bad in ({"backup_policy_name": "default_x", "scheduled_policy": {"start_time": "02:00", "frequency": 1,
                                                                         "rentention_num": 2}},
                {"backup_policy_name": "p", "scheduled_policy": {"start_time": "02:30", "frequency": 1,
                                                                 "rentention_num": 2}},
                {"backup_policy_name": "p", "scheduled_policy": {"start_time": "02:00", "rentention_num": 2}},
                {"backup_policy_name": "p", "scheduled_policy": {"start_time": "02:00", "frequency": 1}},
                {"backup_policy_name": "daily", "scheduled_policy": {"start_time": "02:00", "frequency": 1,
                                                                     "rentention_num": 2}}):
        assert alice.call("POST", vbs(alice, "/backuppolicy"), bad).status == 400, bad
    assert alice.call("DELETE", vbs(alice, f"/backuppolicy/{pid}")).status == 204
    missing = alice.call("DELETE", vbs(alice, f"/backuppolicy/{pid}"))
    assert missing.status == 404 and missing.body["error"]["code"] == "AutoBackup.0205"


def test_policy_runs_on_the_clock_with_retention(admin, alice):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-03-01T00:30:00Z")
    volume = available_volume(admin, alice, {"0": "v"})
    manual = create_backup(alice, volume["id"], "manual")["entities"]["backup_id"]
    pid = make_policy(alice, rentention_num=3)
    bind(alice, pid, volume["id"])
    admin.advance(7 * 86400)  # a week: 7 runs at 02:00, 3 kept
    backups = alice.call("GET", vbs(alice, f"/backups/detail?volume_id={volume['id']}")).body["backups"]
    auto = [b for b in backups if b["name"].startswith("autobk_")]
    assert len(auto) == 3 and manual in [b["id"] for b in backups]
    assert sorted(b["created_at"][:16] for b in auto) == [f"2026-03-0{d}T02:00" for d in (5, 6, 7)]
    tasks = alice.call("GET", vbs(alice, f"/backuppolicy/{pid}/backuptasks")).body
    assert tasks["count"] == 7 and {t["status"] for t in tasks["tasks"]} == {"EXECUTE_SUCCESS"}
    # Run now, then OFF: no more scheduled backups.
    assert alice.call("POST", vbs(alice, f"/backuppolicy/{pid}/action")).status == 200
    alice.call("PUT", vbs(alice, f"/backuppolicy/{pid}"), {"scheduled_policy": {"status": "OFF"}})
    admin.advance(3 * 86400)
    backups = alice.call("GET", vbs(alice, f"/backups/detail?volume_id={volume['id']}")).body["backups"]
    assert len([b for b in backups if b["name"].startswith("autobk_")]) == 3


@pytest.mark.parametrize("days,expected", [(10, 10), (35, 35)])
def test_retention_by_days_over_35_days(admin, alice, days, expected):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-04-01T00:00:00Z")
    volume = available_volume(admin, alice)
    answer = alice.call("POST", vbs(alice, "/backuppolicy"), {"backup_policy_name": "keepdays", "scheduled_policy": {
        "start_time": "01:00", "frequency": 1, "rentention_day": days}})
    bind(alice, answer.body["backup_policy_id"], volume["id"])
    admin.advance(35 * 86400)
    backups = alice.call("GET", vbs(alice, "/backups/detail")).body["backups"]
    assert len(backups) == expected


def test_week_frequency_and_first_of_month(admin, alice):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-03-01T00:00:00Z")  # a Sunday
    volume = available_volume(admin, alice)
    answer = alice.call("POST", vbs(alice, "/backuppolicy"), {"backup_policy_name": "weekly", "scheduled_policy": {
        "start_time": "01:00,13:00", "week_frequency": ["MON", "THU"], "rentention_num": 2,
        "remain_first_backup_of_curMonth": "Y"}})
    bind(alice, answer.body["backup_policy_id"], volume["id"])
    admin.advance(14 * 86400)  # Mondays 2, 9; Thursdays 5, 12: 8 runs
    backups = alice.call("GET", vbs(alice, "/backups/detail?sort_dir=asc")).body["backups"]
    stamps = [b["created_at"][:13] for b in backups]
    assert stamps == ["2026-03-02T01", "2026-03-12T01", "2026-03-12T13"]


def test_delete_state_rule(admin, alice):
    admin.freeze()
    volume = available_volume(admin, alice)
    backup_id = create_backup(alice, volume["id"])["entities"]["backup_id"]
    creating = alice.call("DELETE", vbs(alice, f"/backups/{backup_id}", "v3"))
    assert creating.status == 400 and creating.body["error"]["code"] == "VolumeBackup.0064"
    admin.advance(30)
    assert alice.call("DELETE", vbs(alice, f"/backups/{backup_id}", "v3")).status == 202
    assert backup(alice, backup_id)["status"] == "deleting"
    admin.advance(5)
    assert alice.call("GET", vbs(alice, f"/backups/{backup_id}")).status == 404


def test_vbs_backups_count_in_the_evs_quota_set(fast, alice):
    volume = available_volume(fast, alice, size=20)
    create_backup(alice, volume["id"])
    quota = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}?usage=True")).body["quota_set"]
    assert quota["backups"]["in_use"] == 1 and quota["backup_gigabytes"]["in_use"] == 20


# -- schedule arithmetic (pure) --------------------------------------------
def test_due_instants_are_in_the_window_on_matching_days():
    from datetime import datetime, timezone

    from evs_emulator.services.backup_common import due_instants

    def at(text):
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()

    every_day = due_instants(at("2026-03-01T02:00:00"), at("2026-03-03T02:00:00"), lambda d: True, [(2, 0), (14, 30)])
    assert every_day == [at("2026-03-01T14:30:00"), at("2026-03-02T02:00:00"), at("2026-03-02T14:30:00"),
                         at("2026-03-03T02:00:00")]  # (after, until]: the start excluded, the end included
    mondays = due_instants(at("2026-03-01T00:00:00"), at("2026-03-31T00:00:00"), lambda d: d.weekday() == 0, [(1, 0)])
    assert len(mondays) == 5
    assert due_instants(10.0, 10.0, lambda d: True, [(0, 0)]) == []


def test_policy_run_skips_a_deleted_disk_and_fails_in_an_outage(admin, alice):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-05-01T00:00:00Z")
    gone, down = available_volume(admin, alice), available_volume(admin, alice, zone="eu-de-02")
    pid = make_policy(alice)
    bind(alice, pid, gone["id"], down["id"])
    assert alice.call("DELETE", alice.evs(f"/volumes/{gone['id']}")).status == 202
    admin.start_outage("eu-de-02")
    admin.advance(86400)
    tasks = alice.call("GET", vbs(alice, f"/backuppolicy/{pid}/backuptasks")).body["tasks"]
    assert sorted(t["status"] for t in tasks) == ["EXECUTE_FAIL", "SKIP"]
    admin.end_outage("eu-de-02")
    assert alice.call("GET", vbs(alice, "/backups/detail")).body["backups"] == []
