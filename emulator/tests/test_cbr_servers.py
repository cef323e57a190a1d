"""CBR server vaults over real HTTP: servers as vault resources, server backups with one child
disk backup per disk taken at one instant, restores of a whole server and of one disk, policies."""

from __future__ import annotations

from test_cbr import DISK, available_volume, backups, cbr, checkpoint, make_policy, make_vault

SERVER = "OS::Nova::Server"


def server_with_disks(admin, alice, disks: dict, name: str = "db") -> tuple[dict, dict]:
    """A running server with one attached disk per name of `disks` ({name: (size, blocks)});
    answers the server and {name: disk}."""
    server = alice.create_server(name=name)
    volumes = {label: available_volume(admin, alice, blocks, size=size, name=label)
               for label, (size, blocks) in disks.items()}
    for volume in volumes.values():
        answer = alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                            {"volumeAttachment": {"volumeId": volume["id"]}})
        assert answer.status == 200, answer.body
    admin.advance(3600)
    return server, volumes


def server_vault(tenant, servers=(), size=100, excluded=None, **fields) -> dict:
    resources = [{"id": s, "type": SERVER, **({"extra_info": {"exclude_volumes": excluded}} if excluded else {})}
                 for s in servers]
    body = {"vault": {"name": "servers", "billing": {"object_type": "server", "protect_type": "backup",
                                                     "size": size, "consistent_level": "crash_consistent"},
                      "resources": resources, **fields}}
    answer = tenant.call("POST", cbr(tenant, "/vaults"), body)
    assert answer.status == 200, answer.body
    return answer.body["vault"]


def backup(tenant, backup_id: str) -> dict:
    answer = tenant.call("GET", cbr(tenant, f"/backups/{backup_id}"))
    assert answer.status == 200, answer.body
    return answer.body["backup"]


def server_action(tenant, server_id: str, action: str):
    return tenant.call("POST", tenant.ecs(f"/servers/{server_id}/action"), {action: None})


def server_status(tenant, server_id: str) -> str:
    return tenant.call("GET", tenant.ecs(f"/servers/{server_id}")).body["server"]["status"]


def restore(tenant, backup_id: str, **spec):
    return tenant.call("POST", cbr(tenant, f"/backups/{backup_id}/restore"), {"restore": spec})


def test_server_vault_resources_are_strict(fast, alice, bob):
    server, disks = server_with_disks(fast, alice, {"data": (20, None), "log": (10, None), "scratch": (40, None)})
    vault = server_vault(alice, [server["id"]], excluded=[disks["scratch"]["id"]])
    assert vault["billing"]["spec_code"] == "vault.backup.server.normal"
    assert vault["provider_id"] == "0daac4c5-6707-4851-97ba-169e36266b66"
    (resource,) = vault["resources"]
    assert (resource["type"], resource["name"], resource["size"]) == (SERVER, "db", 30)  # scratch excluded
    assert resource["extra_info"] == {"exclude_volumes": [disks["scratch"]["id"]]}
    disk_vault = make_vault(alice, name="disks")
    add = cbr(alice, f"/vaults/{disk_vault['id']}/addresources")
    refused = alice.call("POST", add, {"resources": [{"id": server["id"], "type": SERVER}]})
    assert refused.status == 400 and refused.body["error_code"] == "BackupService.6102"
    refused = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/addresources"),
                         {"resources": [{"id": disks["data"]["id"], "type": DISK}]})
    assert refused.status == 400 and refused.body["error_code"] == "BackupService.6102"
    second = server_vault(alice)
    add = cbr(alice, f"/vaults/{second['id']}/addresources")
    taken = alice.call("POST", add, {"resources": [{"id": server["id"], "type": SERVER}]})
    assert taken.status == 400 and taken.body["error_code"] == "BackupService.6103"
    unknown = alice.call("POST", add, {"resources": [{"id": "nope", "type": SERVER}]})
    assert unknown.status == 404 and unknown.body["error_code"] == "BackupService.6302"
    bobs = alice.call("POST", add, {"resources": [{"id": bob.create_server()["id"], "type": SERVER}]})
    assert bobs.status == 404 and bobs.body["error_code"] == "BackupService.6302"
    other = alice.create_server(name="app")
    bad = alice.call("POST", add, {"resources": [{"id": other["id"], "type": SERVER,
                                                   "extra_info": {"exclude_volumes": "all"}}]})
    assert bad.status == 400 and bad.body["error_code"] == "BackupService.0002"
    assert alice.call("POST", add, {"resources": [{"id": other["id"], "type": SERVER}]}).status == 200
    assert alice.call("GET", cbr(alice, "/vaults?object_type=server")).body["count"] == 2


def test_a_server_backup_captures_every_disk_at_one_instant(admin, alice):
    """Crash-consistent across the server's disks: what is written to any disk after the
    checkpoint's instant is in none of its disk backups, even while they are still being taken."""
    admin.freeze()
    admin.set_timings({"volume.create": 0, "volume.attach": 0, "server.create": 0, "cbr.queue": 5,
                       "backup.create": 30})
    server, disks = server_with_disks(admin, alice, {"data": (20, {"0": "row 1", "7": "row 7"}),
                                                     "log": (10, {"0": "commit 1"}), "tmp": (10, {"0": "junk"})})
    vault = server_vault(alice, [server["id"]], excluded=[disks["tmp"]["id"]])
    taken = checkpoint(alice, vault["id"], name="before-upgrade")
    assert taken["status"] == "protecting"
    assert [(r["id"], r["type"], r["resource_size"]) for r in taken["vault"]["resources"]] == [
        (server["id"], SERVER, "30")]
    # The application goes on writing on both disks right after the checkpoint was accepted.
    admin.write_disk(disks["data"]["id"], {"7": "row 7 changed", "8": "row 8"}, merge=True)
    admin.write_disk(disks["log"]["id"], {"1": "commit 2"}, merge=True)
    (server_backup,) = backups(alice, f"?checkpoint_id={taken['id']}")["backups"]
    assert (server_backup["resource_id"], server_backup["resource_type"], server_backup["resource_size"]) == (
        server["id"], SERVER, 30)
    assert server_backup["provider_id"] == "0daac4c5-6707-4851-97ba-169e36266b66"
    assert server_backup["status"] == "waiting_protect" and server_backup["parent_id"] is None
    children = server_backup["children"]
    assert [(c["resource_id"], c["resource_type"], c["parent_id"]) for c in children] == [
        (disks["data"]["id"], DISK, server_backup["id"]), (disks["log"]["id"], DISK, server_backup["id"])]
    assert {c["status"] for c in children} == {"waiting_protect"}
    assert {alice.volume(d["id"])["status"] for d in (disks["data"], disks["log"])} == {"backing-up"}
    assert alice.volume(disks["tmp"]["id"])["status"] == "in-use"
    admin.advance(5)
    assert backup(alice, server_backup["id"])["status"] == "protecting"
    admin.advance(30)
    done = backup(alice, server_backup["id"])
    assert done["status"] == "available" and {c["status"] for c in done["children"]} == {"available"}
    assert {alice.volume(d["id"])["status"] for d in disks.values()} == {"in-use"}
    # Listed: the server backup only; its disk backups with parent_id; each shown by id.
    assert [b["id"] for b in backups(alice)["backups"]] == [server_backup["id"]]
    listed = backups(alice, f"?parent_id={server_backup['id']}")
    assert sorted(b["id"] for b in listed["backups"]) == sorted(c["id"] for c in children)
    assert backup(alice, children[0]["id"])["parent_id"] == server_backup["id"]
    # The vault counts the server's disks once (full backups: 30 GB); the resource its backups.
    shown = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]
    assert shown["billing"]["used"] == 30 * 1024
    assert (shown["resources"][0]["backup_count"], shown["resources"][0]["backup_size"]) == (1, 30 * 1024)
    # Each disk backup makes a new disk holding exactly what its disk held at the checkpoint.
    for child, expected in zip(children, ({"0": "row 1", "7": "row 7"}, {"0": "commit 1"})):
        answer = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-02",
                                                                       "backup_id": child["id"], "name": "copy"}})
        assert answer.status == 202, answer.body
        admin.advance(1)
        assert admin.disk(answer.body["volume"]["id"]) == expected
    whole = alice.call("POST", alice.evs("/volumes"), {"volume": {"availability_zone": "eu-de-01",
                                                                  "backup_id": server_backup["id"]}})
    assert whole.status == 400 and whole.body["error"]["code"] == "EVS.1016"
    # The next backup is incremental per disk: 2 blocks changed on data, 1 on log.
    incremental = checkpoint(alice, vault["id"])
    admin.advance(35)
    (second,) = backups(alice, f"?checkpoint_id={incremental['id']}")["backups"]
    assert [c["extend_info"]["incremental"] for c in second["children"]] == [True, True]
    assert alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["billing"]["used"] == 33 * 1024


def test_a_server_is_backed_up_whole_or_skipped(fast, alice):
    server, disks = server_with_disks(fast, alice, {"data": (20, None), "log": (10, None)})
    empty = alice.create_server(name="empty")
    fast.advance(1)
    vault = server_vault(alice, [server["id"], empty["id"]], size=20)
    full = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"]}})
    assert full.status == 400 and full.body["error_code"] == "BackupService.6113"  # 30 GB into 20
    alice.call("PUT", cbr(alice, f"/vaults/{vault['id']}"), {"vault": {"auto_expand": True}})
    fast.set_timings({"snapshot.create": 60})
    alice.create_snapshot(disks["log"]["id"], force=True)  # one disk cannot be backed up now: the server is skipped
    busy = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"]}})
    assert busy.status == 400 and busy.body["error_code"] == "BackupService.0001"
    assert disks["log"]["id"] in busy.body["error_msg"] and "no disk" in busy.body["error_msg"]
    fast.advance(60)
    taken = checkpoint(alice, vault["id"])
    assert [r["id"] for r in taken["vault"]["resources"]] == [server["id"]]
    assert [(s["id"], s["type"], s["code"]) for s in taken["vault"]["skipped_resources"]] == [
        (empty["id"], SERVER, "BackupService.0001")]
    assert alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["billing"]["size"] == 30
    alice.call("DELETE", alice.ecs(f"/servers/{empty['id']}"))
    fast.advance(1)
    fast.start_outage("eu-de-01")  # the other server's AZ: it cannot be reached either
    refused = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"]}})
    assert refused.status == 400 and refused.body["error_code"] == "BackupService.0001"
    fast.end_outage("eu-de-01")
    fast.advance(1)
    again = checkpoint(alice, vault["id"])
    assert [(s["id"], s["code"]) for s in again["vault"]["skipped_resources"]] == [(empty["id"], "BackupService.6302")]
    assert [c["resource_id"] for c in backups(alice)["backups"][0]["children"]] == [disks["data"]["id"],
                                                                                  disks["log"]["id"]]


def test_restore_a_whole_server_backup_onto_the_stopped_server(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0, "volume.attach": 0, "server.create": 0, "server.stop": 0,
                       "server.start": 0, "cbr.queue": 0, "backup.create": 0, "backup.restore": 30})
    server, disks = server_with_disks(admin, alice, {"data": (20, {"0": "good data"}), "log": (10, {"0": "good log"})})
    vault = server_vault(alice, [server["id"]])
    checkpoint(alice, vault["id"])
    admin.advance(1)
    (server_backup,) = backups(alice)["backups"]
    data_backup, log_backup = server_backup["children"]
    admin.write_disk(disks["data"]["id"], {"0": "corrupted", "1": "garbage"})
    admin.write_disk(disks["log"]["id"], {})
    mappings = [{"backup_id": data_backup["id"], "volume_id": disks["data"]["id"]},
                {"backup_id": log_backup["id"], "volume_id": disks["log"]["id"]}]
    running = restore(alice, server_backup["id"], server_id=server["id"], mappings=mappings)
    assert running.status == 400 and running.body["error_code"] == "BackupService.2008"
    assert server_action(alice, server["id"], "os-stop").status == 202
    admin.advance(1)
    refusals = [
        ({"mappings": mappings}, "BackupService.0002"),  # no server_id
        ({"server_id": server["id"], "mappings": mappings[:1]}, "BackupService.0002"),  # a disk left out
        ({"server_id": server["id"], "mappings": [mappings[0], {**mappings[1], "volume_id": disks["data"]["id"]}]},
         "BackupService.0002"),  # two disk backups onto one disk
        ({"server_id": server["id"], "mappings": mappings, "power_on": "yes"}, "BackupService.0002"),
        ({"server_id": alice.create_server(name="other")["id"], "mappings": mappings}, "BackupService.2003"),
    ]
    detached = available_volume(admin, alice, size=40)
    refusals.append(({"server_id": server["id"], "mappings": [mappings[0], {**mappings[1], "volume_id":
                                                                           detached["id"]}]}, "BackupService.2012"))
    server_action(alice, server["id"], "os-start")
    admin.advance(1)
    small = available_volume(admin, alice, size=10)  # attached to the running server, which is stopped again
    alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
               {"volumeAttachment": {"volumeId": small["id"]}})
    admin.advance(1)
    server_action(alice, server["id"], "os-stop")
    admin.advance(1)
    refusals.append(({"server_id": server["id"], "mappings": [{**mappings[0], "volume_id": small["id"]},
                                                             mappings[1]]}, "BackupService.2001"))
    for spec, code in refusals:
        refused = restore(alice, server_backup["id"], **spec)
        assert refused.status == 400 and refused.body["error_code"] == code, (spec, refused.body)
    assert restore(alice, server_backup["id"], server_id=server["id"], mappings=mappings).status == 202
    assert backup(alice, server_backup["id"])["status"] == "restoring"
    assert {alice.volume(d["id"])["status"] for d in disks.values()} == {"restoring-backup"}
    shown = alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("SHUTOFF", "restoring")
    assert server_action(alice, server["id"], "os-start").status == 409
    again = restore(alice, server_backup["id"], server_id=server["id"], mappings=mappings)
    assert again.status == 400 and again.body["error_code"] == "BackupService.2005"
    assert admin.disk(disks["data"]["id"]) == {"0": "corrupted", "1": "garbage"}  # written when it completes
    admin.advance(30)
    assert admin.disk(disks["data"]["id"]) == {"0": "good data"} and admin.disk(disks["log"]["id"]) == {"0": "good log"}
    assert {alice.volume(d["id"])["status"] for d in disks.values()} == {"in-use"}
    assert server_status(alice, server["id"]) == "ACTIVE"  # power_on defaults to true
    logs = alice.call("GET", cbr(alice, "/operation-logs?operation_type=restore")).body["operation_logs"]
    assert [(log["status"], log["extra_info"]["restore"]["target_resource_id"]) for log in logs] == [
        ("success", server["id"])]
    # power_on false: the server stays stopped.
    server_action(alice, server["id"], "os-stop")
    admin.advance(1)
    assert restore(alice, server_backup["id"], server_id=server["id"], mappings=mappings, power_on=False).status == 202
    admin.advance(30)
    assert server_status(alice, server["id"]) == "SHUTOFF"
    # A deleted server cannot be restored.
    alice.call("DELETE", alice.ecs(f"/servers/{server['id']}"))
    admin.advance(60)
    gone = restore(alice, server_backup["id"], server_id=server["id"], mappings=mappings)
    assert gone.status == 400 and gone.body["error_code"] == "BackupService.2007"


def test_one_disk_backup_restores_onto_a_detached_disk_and_goes_with_its_server_backup(fast, alice):
    server, disks = server_with_disks(fast, alice, {"data": (20, {"3": "data"}), "log": (10, {"3": "log"})})
    vault = server_vault(alice, [server["id"]])
    checkpoint(alice, vault["id"])
    fast.advance(1)
    (server_backup,) = backups(alice)["backups"]
    data_backup = server_backup["children"][0]
    target = available_volume(fast, alice, {"0": "old"}, size=20, zone="eu-de-03")
    assert restore(alice, data_backup["id"], volume_id=target["id"]).status == 202
    fast.advance(1)
    assert fast.disk(target["id"]) == {"3": "data"}
    refused = alice.call("DELETE", cbr(alice, f"/backups/{data_backup['id']}"))
    assert refused.status == 400 and refused.body["error_code"] == "BackupService.2006"
    assert alice.call("DELETE", cbr(alice, f"/backups/{server_backup['id']}")).status == 204
    fast.advance(1)
    for gone in (server_backup, *server_backup["children"]):
        answer = alice.call("GET", cbr(alice, f"/backups/{gone['id']}"))
        assert answer.status == 404 and answer.body["error_code"] == "BackupService.6200"
    assert alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]["billing"]["used"] == 0


def test_a_policy_backs_up_every_server_of_its_vault_with_retention(admin, alice):
    admin.zero_timings()
    admin.freeze()
    admin.set_time("2026-03-01T00:00:00Z")
    db, _ = server_with_disks(admin, alice, {"data": (20, {"0": "d"}), "log": (10, {"0": "l"})}, name="db")
    app, _ = server_with_disks(admin, alice, {"root": (10, {"0": "a"})}, name="app")
    vault = server_vault(alice, [db["id"], app["id"]], size=1000)
    policy = make_policy(alice, {"max_backups": 2})
    bound = alice.call("POST", cbr(alice, f"/vaults/{vault['id']}/associatepolicy"), {"policy_id": policy["id"]})
    assert bound.status == 200
    admin.advance(5 * 86400)  # daily at 02:00 from 03-02 (set up at 02:00): 5 runs, the newest 2 kept per server
    listed = backups(alice, "?sort=created_at:asc")["backups"]
    assert sorted((b["resource_name"], b["created_at"][:10]) for b in listed) == [
        ("app", "2026-03-05"), ("app", "2026-03-06"), ("db", "2026-03-05"), ("db", "2026-03-06")]
    assert all(b["extend_info"]["auto_trigger"] and b["name"].startswith("autobk_") for b in listed)
    assert sorted(len(b["children"]) for b in listed) == [1, 1, 2, 2]
    kept_children = sum(backups(alice, f"?parent_id={b['id']}")["count"] for b in listed)
    assert kept_children == 6  # the pruned server backups took their disk backups with them
    logs = alice.call("GET", cbr(alice, "/operation-logs?operation_type=backup")).body
    assert logs["count"] == 10 and {log["provider_id"] for log in logs["operation_logs"]} == {
        "0daac4c5-6707-4851-97ba-169e36266b66"}


def test_server_backups_are_not_replicated(fast, alice):
    server, _ = server_with_disks(fast, alice, {"data": (10, None)})
    vault = server_vault(alice, [server["id"]])
    checkpoint(alice, vault["id"])
    fast.advance(1)
    (server_backup,) = backups(alice)["backups"]
    spec = {"destination_region": "eu-nl", "destination_project_id": "p", "destination_vault_id": "v"}
    for backup_id in (server_backup["id"], server_backup["children"][0]["id"]):
        refused = alice.call("POST", cbr(alice, f"/backups/{backup_id}/replicate"), {"replicate": spec})
        assert refused.status == 400 and refused.body["error_code"] == "BackupService.6122", refused.body


def test_a_server_vault_binds_the_servers_carrying_its_tags(fast, alice):
    """CreateVault `bind_rules`: the resources carrying those tags are associated, of the vault's
    type: servers by their metadata in a server vault (disks carrying the tags stay out)."""
    rules = {"tags": [{"key": "tier", "value": "db"}]}
    vault = server_vault(alice, auto_bind=True, bind_rules=rules)
    server = {"name": "db", "availability_zone": "eu-de-01", "flavorRef": "s3.medium.1", "imageRef": "x"}
    tagged = alice.expect(202, "server", "POST", alice.ecs("/servers"), {"server": dict(server, metadata={"tier": "db"})})
    alice.expect(202, "server", "POST", alice.ecs("/servers"), {"server": dict(server, name="web", metadata={"tier": "web"})})
    available_volume(fast, alice, metadata={"tier": "db"})
    shown = alice.call("GET", cbr(alice, f"/vaults/{vault['id']}")).body["vault"]
    assert [(r["id"], r["type"]) for r in shown["resources"]] == [(tagged["id"], SERVER)]
