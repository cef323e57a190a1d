"""CBR over real HTTP: vaults, capacity, policies on the clock, checkpoints, backups, restores."""

from __future__ import annotations

from conftest import available_volume

DISK = "OS::Cinder::Volume"


def cbr(tenant, path: str, prefix: str = "/cbr") -> str:
    return f"{tenant.base_url}{prefix}/v3/{tenant.project_id}{path}"


def make_vault(tenant, name="v1", size=100, resources=(), **fields) -> dict:
    body = {"vault": {"name": name, "billing": {"object_type": "disk", "protect_type": "backup", "size": size,
                                                "consistent_level": "crash_consistent", "cloud_type": "public",
                                                "charging_mode": "post_paid"},
                      "resources": [{"id": r, "type": DISK} for r in resources], **fields}}
    answer = tenant.call("POST", cbr(tenant, "/vaults"), body)
    assert answer.status == 200, answer.body
    return answer.body["vault"]


def checkpoint(tenant, vault_id: str, **params) -> dict:
    answer = tenant.call("POST", cbr(tenant, "/checkpoints"), {"checkpoint": {"vault_id": vault_id,
                                                                              "parameters": params}})
    assert answer.status == 200, answer.body
    return answer.body["checkpoint"]


def backups(tenant, query: str = "") -> dict:
    answer = tenant.call("GET", cbr(tenant, f"/backups{query}"))
    assert answer.status == 200, answer.body
    return answer.body


def test_vault_crud_and_resources(fast, alice, bob):
    v1, v2 = available_volume(fast, alice), available_volume(fast, alice)
    vault = make_vault(alice, resources=[v1["id"]], description="d", tags=[{"key": "env", "value": "prod"}])
    assert vault["billing"]["spec_code"] == "vault.backup.volume.normal" and vault["billing"]["used"] == 0
    assert vault["provider_id"] == "d1603440-187d-4516-af25-121250c7cc97"
    assert [r["id"] for r in vault["resources"]] == [v1["id"]]
    added = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/addresources"),
                       {"resources": [{"id": v2["id"], "type": DISK}]})
    assert added.body == {"add_resource_ids": [v2["id"]]}
    second = make_vault(alice, name="v2")
    taken = alice.call("POST", cbr(alice, f"/vaults/{second['id']}/addresources"),
                       {"resources": [{"id": v1["id"], "type": DISK}]})
    assert taken.status == 400 and taken.body["error_code"] == "BackupService.6103"
    wrong_type = alice.call("POST", cbr(alice, f"/vaults/{second['id']}/addresources"),
                            {"resources": [{"id": "x", "type": "OS::Nova::Server"}]})
    assert wrong_type.body["error_code"] == "BackupService.6102"
    dup = alice.call("POST", cbr(alice, f"/vaults/{second['id']}/addresources"),
                     {"resources": [{"id": "x", "type": DISK}, {"id": "x", "type": DISK}]})
    assert dup.body["error_code"] == "BackupService.6104"
    unknown = alice.call("POST", cbr(alice, f"/vaults/{second['id']}/addresources"),
                         {"resources": [{"id": "nope", "type": DISK}]})
    assert unknown.status == 404 and unknown.body["error_code"] == "BackupService.6302"
    removed = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/removeresources"), {"resource_ids": [v2["id"]]})
    assert removed.body == {"remove_resource_ids": [v2["id"]]}
    not_in = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/removeresources"), {"resource_ids": [v2["id"]]})
    assert not_in.body["error_code"] == "BackupService.6135"
    listed = alice.call("GET", cbr(alice, "/vaults?name=v1")).body
    assert listed["count"] == 1 and listed["vaults"][0]["id"] == vault["id"]
    assert alice.call("GET", cbr(alice, f"/vaults?resource_ids={v1['id']}")).body["count"] == 1
    renamed = alice.call("PUT", cbr(alice, f"/vaults/{vault['id']}"), {"vault": {"name": "v1b",
                                                                                 "billing": {"size": 200}}})
    assert renamed.body["vault"]["name"] == "v1b" and renamed.body["vault"]["billing"]["size"] == 200
    assert bob.call("GET", cbr(bob, f"/vaults/{vault['id']}")).status == 404
    for bad in ({"vault": {"name": "x", "billing": {"object_type": "disk", "size": 5}, "resources": []}},
                {"vault": {"name": "x", "billing": {"object_type": "tape", "size": 50}, "resources": []}},
                {"vault": {"name": "x y", "billing": {"object_type": "disk", "size": 50}, "resources": []}},
                {"vault": {"name": "x", "billing": {"object_type": "disk", "size": 50}}}, {}):
        answer = alice.call("POST", cbr(alice, "/vaults"), bad)
        assert answer.status == 400 and answer.body["error_code"].startswith("BackupService."), bad
    assert alice.call("DELETE", cbr(alice, f"/vaults/{vault['id']}")).status == 204
    missing = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}"))
    assert missing.status == 404 and missing.body["error_code"] == "BackupService.6105"


def test_a_vault_holds_at_most_256_resources(fast, alice):
    # the cloud counts before it looks the resources up: ids that do not exist show the limit
    # without 257 disks (the default volume quota is 50)
    many = [{"id": f"d-{n:03d}", "type": DISK} for n in range(257)]
    body = {"vault": {"name": "big", "billing": {"object_type": "disk", "protect_type": "backup", "size": 100},
                      "resources": many}}
    created = alice.call("POST", cbr(alice, "/vaults"), body)
    assert created.status == 400 and created.body["error_code"] == "BackupService.6100"
    assert alice.call("GET", cbr(alice, "/vaults?name=big")).body["count"] == 0
    vault = make_vault(alice, name="big", resources=[available_volume(fast, alice)["id"]])
    too_many = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/addresources"), {"resources": many})
    assert too_many.status == 400 and too_many.body["error_code"] == "BackupService.0002"
    full = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/addresources"), {"resources": many[:256]})
    assert full.status == 400 and full.body["error_code"] == "BackupService.6100"
    assert len(alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["resources"]) == 1


def test_checkpoint_states_capacity_and_restore(admin, alice):
    admin.freeze()
    admin.set_timings({"cbr.queue": 0})  # the queue states: test_limits.py
    volume = available_volume(admin, alice, {"0": "first"}, size=20)
    vault = make_vault(alice, size=40, resources=[volume["id"]])
    taken = checkpoint(alice, vault["id"], name="nightly", description="d")
    assert taken["status"] == "protecting" and taken["vault"]["resources"][0]["id"] == volume["id"]
    assert alice.volume(volume["id"])["status"] == "backing-up"
    listed = backups(alice, f"?checkpoint_id={taken['id']}")
    assert listed["count"] == 1
    backup = listed["backups"][0]
    assert (backup["status"], backup["name"], backup["resource_size"]) == ("protecting", "nightly", 20)
    assert backup["extend_info"]["incremental"] is False and backup["resource_az"] == "eu-de-01"
    busy = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"]}})
    assert busy.status == 400 and busy.body["error_code"] == "BackupService.0001"
    admin.write_disk(volume["id"], {"0": "second"})
    admin.advance(30)
    assert alice.volume(volume["id"])["status"] == "available"
    assert alice.call("GET", cbr(alice, f"/checkpoints/{taken['id']}")).body["checkpoint"]["status"] == "available"
    shown = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]
    assert shown["billing"]["used"] == 20 * 1024 and shown["resources"][0]["backup_count"] == 1
    # Incremental: one changed block counts 1 GB; a second full one does not fit in 40 GB.
    incremental = checkpoint(alice, vault["id"])
    admin.advance(30)
    inc = backups(alice, f"?checkpoint_id={incremental['id']}")["backups"][0]
    assert inc["extend_info"]["incremental"] is True and inc["name"].startswith("manualbk_")
    assert alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["billing"]["used"] == 21 * 1024
    full = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"], "parameters": {
        "incremental": False}}})
    assert full.status == 400 and full.body["error_code"] == "BackupService.6113"
    shrink = alice.call("PUT", cbr(alice, f"/vaults/{vault['id']}"), {"vault": {"billing": {"size": 20}}})
    assert shrink.status == 400 and shrink.body["error_code"] == "BackupService.6114"
    # Restore the first backup onto the original disk.
    answer = alice.call("POST", cbr(alice, f"/backups/{backup['id']}/restore"), {"restore": {"volume_id": volume["id"]}})
    assert answer.status == 202 and answer.body is None
    assert alice.volume(volume["id"])["status"] == "restoring-backup"
    assert alice.call("GET", cbr(alice, f"/backups/{backup['id']}")).body["backup"]["status"] == "restoring"
    again = alice.call("POST", cbr(alice, f"/backups/{inc['id']}/restore"), {"restore": {"volume_id": volume["id"]}})
    assert again.status == 400 and again.body["error_code"] == "BackupService.2011"
    admin.advance(30)
    assert admin.disk(volume["id"]) == {"0": "first"}


def test_auto_expand(fast, alice):
    volume = available_volume(fast, alice, size=20)
    vault = make_vault(alice, size=10, resources=[volume["id"]], auto_expand=True)
    checkpoint(alice, vault["id"])
    assert alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["billing"]["size"] == 20


def test_restore_refusals_and_other_disk(fast, alice):
    volume = available_volume(fast, alice, {"3": "x"}, size=20)
    vault = make_vault(alice, resources=[volume["id"]])
    checkpoint(alice, vault["id"])
    backup = backups(alice)["backups"][0]
    small = available_volume(fast, alice, size=10)
    url = cbr(alice, f"/backups/{backup['id']}/restore")
    assert alice.call("POST", url, {"restore": {"volume_id": small["id"]}}).body["error_code"] == "BackupService.2001"
    assert alice.call("POST", url, {"restore": {"volume_id": "nope"}}).body["error_code"] == "BackupService.6302"
    assert alice.call("POST", url, {"restore": {}}).status == 400
    assert alice.call("POST", cbr(alice, "/backups/nope/restore"),
                      {"restore": {"volume_id": small["id"]}}).body["error_code"] == "BackupService.6200"
    other = available_volume(fast, alice, size=40, zone="eu-de-03")
    assert alice.call("POST", url, {"restore": {"volume_id": other["id"]}}).status == 202
    fast.advance(1)
    assert fast.disk(other["id"]) == {"3": "x"}


def test_backup_list_filters_sort_paging_delete(fast, alice):
    v1 = available_volume(fast, alice, name="one")
    v2 = available_volume(fast, alice, name="two", zone="eu-de-02")
    vault = make_vault(alice, size=1000, resources=[v1["id"], v2["id"]])
    for i in range(3):
        checkpoint(alice, vault["id"], name=f"cp{i}")
        fast.advance(60)
    everything = backups(alice)
    assert everything["count"] == 6 and everything["limit"] == 1000 and everything["offset"] == 0
    times = [b["created_at"] for b in everything["backups"]]
    assert times == sorted(times, reverse=True)
    mine = backups(alice, f"?resource_id={v1['id']}&sort=created_at:asc")["backups"]
    assert [b["name"] for b in mine] == ["cp0", "cp1", "cp2"]
    assert backups(alice, "?resource_az=eu-de-02")["count"] == 3
    assert backups(alice, "?resource_name=two&name=cp1")["count"] == 1
    paged = backups(alice, "?limit=4&offset=4")
    assert len(paged["backups"]) == 2 and paged["count"] == 6 and paged["offset"] == 4
    assert backups(alice, "?status=available&status=error")["count"] == 6
    assert backups(alice, "?status=error")["count"] == 0
    assert backups(alice, f"?vault_id={vault['id']}&image_type=replication")["count"] == 0
    assert alice.call("GET", cbr(alice, "/backups?limit=0")).status == 400
    assert alice.call("GET", cbr(alice, "/backups?sort=bogus:asc")).status == 400
    doomed = mine[0]["id"]
    assert alice.call("DELETE", cbr(alice, f"/backups/{doomed}")).status == 204
    fast.advance(1)
    gone = alice.call("GET", cbr(alice, f"/backups/{doomed}"))
    assert gone.status == 404 and gone.body["error_code"] == "BackupService.6200"


def test_backup_outlives_disk_and_zone(fast, alice):
    volume = available_volume(fast, alice, {"0": "keep me"}, size=20)
    vault = make_vault(alice, resources=[volume["id"]])
    checkpoint(alice, vault["id"])
    backup_id = backups(alice)["backups"][0]["id"]
    fast.advance(1)
    assert alice.call("DELETE", alice.evs(f"/volumes/{volume['id']}?cascade=true")).status == 202
    fast.start_outage("eu-de-01")
    fast.advance(1)
    assert alice.call("GET", cbr(alice, f"/backups/{backup_id}")).body["backup"]["status"] == "available"
    answer = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-03",
                                                                   "backup_id": backup_id, "name": "back"}})
    assert answer.status == 202, answer.body
    fast.advance(1)
    assert fast.disk(answer.body["volume"]["id"]) == {"0": "keep me"}


def make_policy(tenant, definition: dict, pattern: str = "FREQ=DAILY;BYHOUR=02;BYMINUTE=00", **fields) -> dict:
    body = {"policy": {"name": "daily", "operation_type": "backup", "operation_definition": definition,
                       "trigger": {"properties": {"pattern": [pattern]}}, **fields}}
    answer = tenant.call("POST", cbr(tenant, "/policies"), body)
    assert answer.status == 200, answer.body
    return answer.body["policy"]


def test_policy_crud_and_association(fast, alice):
    vault = make_vault(alice)
    policy = make_policy(alice, {"max_backups": 7})
    assert policy["enabled"] is True and policy["trigger"]["type"] == "time"
    assert policy["trigger"]["properties"]["start_time"]
    answer = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/associatepolicy"), {"policy_id": policy["id"]})
    assert answer.body == {"associate_policy": {"vault_id": vault["id"], "policy_id": policy["id"]}}
    shown = alice.call("GET", cbr(alice, f"/policies/{policy['id']}")).body["policy"]
    assert shown["associated_vaults"] == [{"vault_id": vault["id"], "destination_vault_id": None}]
    assert alice.call("GET", cbr(alice, f"/policies?vault_id={vault['id']}")).body["count"] == 1
    assert alice.call("GET", cbr(alice, f"/vaults?policy_id={policy['id']}")).body["count"] == 1
    updated = alice.call("PUT", cbr(alice, f"/policies/{policy['id']}"), {"policy": {
        "enabled": False, "operation_definition": {"retention_duration_days": 30}}})
    assert updated.body["policy"]["enabled"] is False
    assert updated.body["policy"]["operation_definition"] == {"max_backups": 7, "retention_duration_days": 30}
    replication = alice.call("POST", cbr(alice, "/policies"), {"policy": {
        "name": "rep", "operation_type": "replication", "trigger": {"properties": {"pattern": [
            "FREQ=WEEKLY;BYDAY=MO;BYHOUR=03;BYMINUTE=00"]}},
        "operation_definition": {"destination_region": "eu-nl", "destination_project_id": "p"}}})
    assert replication.status == 200 and replication.body["policy"]["operation_type"] == "replication"
    for bad in ({"name": "x", "operation_type": "backup", "trigger": {"properties": {"pattern": ["FREQ=HOURLY"]}}},
                {"name": "x", "operation_type": "backup", "trigger": {"properties": {"pattern": [
                    "FREQ=DAILY;BYHOUR=01,01;BYMINUTE=00,30"]}}},
                {"name": "x", "operation_type": "backup", "operation_definition": {"max_backups": 0},
                 "trigger": {"properties": {"pattern": ["FREQ=DAILY;BYHOUR=01;BYMINUTE=00"]}}},
                {"name": "x", "operation_type": "backup", "operation_definition": {"day_backups": 3},
                 "trigger": {"properties": {"pattern": ["FREQ=DAILY;BYHOUR=01;BYMINUTE=00"]}}},
                {"name": "x", "operation_type": "replication",
                 "trigger": {"properties": {"pattern": ["FREQ=DAILY;BYHOUR=01;BYMINUTE=00"]}}},
                {"name": "x", "operation_type": "copy"}):
        answer = alice.call("POST", cbr(alice, "/policies"), {"policy": bad})
        assert answer.status == 400, bad
    dissociated = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/dissociatepolicy"),
                             {"policy_id": policy["id"]})
    assert dissociated.status == 200
    assert alice.call("DELETE", cbr(alice, f"/policies/{policy['id']}")).status == 204
    gone = alice.call("GET", cbr(alice, f"/policies/{policy['id']}"))
    assert gone.status == 404 and gone.body["error_code"] == "BackupService.6000"


def schedule_setup(admin, alice, definition, pattern="FREQ=DAILY;BYHOUR=02;BYMINUTE=00"):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-03-01T00:00:00Z")
    volume = available_volume(admin, alice, {"0": "v"})
    vault = make_vault(alice, size=10000, resources=[volume["id"]])
    checkpoint(alice, vault["id"], name="manual")  # manual backups are not subject to retention
    policy = make_policy(alice, definition, pattern)
    alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/associatepolicy"), {"policy_id": policy["id"]})
    return volume, vault, policy


def auto_backups(alice) -> list:
    return [b for b in backups(alice, "?sort=created_at:asc")["backups"] if b["extend_info"]["auto_trigger"]]


def test_policy_runs_35_days_with_max_backups(admin, alice):
    schedule_setup(admin, alice, {"max_backups": 7})
    admin.advance(35 * 86400)
    auto = auto_backups(alice)
    assert len(auto) == 7
    assert [b["created_at"][:13] for b in auto][-1] == "2026-04-04T02"
    assert all(b["name"].startswith("autobk_") for b in auto)
    assert backups(alice, "?name=manual")["count"] == 1


def test_policy_runs_35_days_with_retention_days_and_weekly(admin, alice):
    schedule_setup(admin, alice, {"retention_duration_days": 14}, "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=02;BYMINUTE=00")
    admin.advance(35 * 86400)  # Mondays and Thursdays from 2026-03-02 to 2026-04-02: 10 runs
    auto = auto_backups(alice)
    assert [b["created_at"][:10] for b in auto] == ["2026-03-23", "2026-03-26", "2026-03-30", "2026-04-02"]
    assert auto[0]["expired_at"].startswith("2026-04-06T02:00")


def test_long_term_retention(admin, alice):
    schedule_setup(admin, alice, {"max_backups": 3, "week_backups": 2, "month_backups": 2, "timezone": "UTC+00:00"})
    admin.advance(40 * 86400)  # daily 2026-03-01 02:00 .. 2026-04-09 02:00
    kept = [b["created_at"][:10] for b in auto_backups(alice)]
    # newest 3, latest of each of the last 2 ISO weeks (Sun 04-05 and Thu 04-09), latest of March
    assert kept == ["2026-03-31", "2026-04-05", "2026-04-07", "2026-04-08", "2026-04-09"]


def test_disabled_policy_and_unassociated_vault_do_not_run(admin, alice):
    _, vault, policy = schedule_setup(admin, alice, {"max_backups": 7})
    alice.call("PUT", cbr(alice, f"/policies/{policy['id']}"), {"policy": {"enabled": False}})
    admin.advance(3 * 86400)
    assert auto_backups(alice) == []
    alice.call("PUT", cbr(alice, f"/policies/{policy['id']}"), {"policy": {"enabled": True}})
    alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/dissociatepolicy"), {"policy_id": policy["id"]})
    admin.advance(3 * 86400)
    assert auto_backups(alice) == []


def test_auto_bind_by_metadata(fast, alice):
    vault = make_vault(alice, auto_bind=True, bind_rules={"tags": [{"key": "backup", "value": "yes"}]})
    tagged = available_volume(fast, alice, metadata={"backup": "yes"})
    available_volume(fast, alice)
    shown = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]
    assert [r["id"] for r in shown["resources"]] == [tagged["id"]]


def test_unprefixed_paths_for_the_huawei_sdk(fast, alice):
    vault = make_vault(alice)
    answer = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}", prefix=""))
    assert answer.status == 200 and answer.body["vault"]["id"] == vault["id"]
    assert alice.call("GET", alice.evs("/volumes", "v3").replace("/evs", "")).status == 200  # EVS still reachable


def test_no_restore_onto_a_disk_of_a_replication_pair(fast, alice):
    """Bytes reach a paired disk only through the replicated write path (like a snapshot rollback)."""
    from test_sdrs import Sdrs
    from test_vbs import create_backup

    sdrs = Sdrs(alice)
    volume = available_volume(fast, alice, {"0": "x"})
    vault = make_vault(alice, resources=[volume["id"]])
    checkpoint(alice, vault["id"])
    cbr_backup = backups(alice)["backups"][0]["id"]
    vbs_backup = create_backup(alice, volume["id"])["entities"]["backup_id"]
    group = sdrs.create_group()
    sdrs.create_pair(group["id"], volume["id"])
    refused = alice.call("POST", cbr(alice, f"/backups/{cbr_backup}/restore"), {"restore": {"volume_id": volume["id"]}})
    assert refused.status == 400 and refused.body["error_code"] == "BackupService.2011"
    assert "replication pair" in refused.body["error_msg"]
    vbs_refused = alice.call("POST", f"{alice.base_url}/vbs/v2/{alice.project_id}/cloudbackups/{vbs_backup}/restore",
                             {"restore": {"volume_id": volume["id"]}})
    assert vbs_refused.status == 400 and "replication pair" in vbs_refused.body["badRequest"]["message"]
