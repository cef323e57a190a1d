"""The snapshot a VBS or CBR backup leaves on its disk: named, listed, replaced, and refused for
every use but viewing (OTC EVS user guide evs_01_0011; README, "Choices")."""

from __future__ import annotations

from test_cbr import cbr, checkpoint, make_vault
from test_vbs import available_volume, bind, create_backup, make_policy, vbs


def snapshots_of(tenant, volume_id: str) -> list[dict]:
    answer = tenant.call("GET", tenant.evs(f"/snapshots/detail?volume_id={volume_id}"))
    assert answer.status == 200, answer.body
    return answer.body["snapshots"]


def quota_in_use(tenant) -> int:
    answer = tenant.call("GET", tenant.evs(f"/os-quota-sets/{tenant.project_id}?usage=True"))
    return answer.body["quota_set"]["snapshots"]["in_use"]


def test_vbs_backup_leaves_one_snapshot_backing_up_then_available_and_replaces_it(admin, alice):
    admin.freeze()
    volume = available_volume(admin, alice, {"0": "a"})
    mine = alice.create_snapshot(volume["id"], name="mine")
    admin.advance(60)
    used = quota_in_use(alice)
    job = create_backup(alice, volume["id"], "first")
    (made,) = [s for s in snapshots_of(alice, volume["id"]) if s["id"] != mine["id"]]
    assert made["name"].startswith("manualbk_snapshot_vbs_") and made["status"] == "backing-up"
    assert job["entities"]["snapshot_id"] == made["id"]
    assert quota_in_use(alice) == used + 1  # a snapshot of the project like any other
    admin.advance(30)
    assert alice.snapshot(made["id"])["status"] == "available"
    create_backup(alice, volume["id"], "second")
    admin.advance(30)
    listed = snapshots_of(alice, volume["id"])
    assert len(listed) == 2 and made["id"] not in [s["id"] for s in listed]  # the next backup replaced it
    assert quota_in_use(alice) == used + 1


def test_policy_runs_and_cbr_backups_share_the_one_snapshot(fast, alice):
    volume = available_volume(fast, alice)
    # the policy starts at the next full hour (VBS takes HH:00) of the cloud's clock, whatever the time of day
    at = (int(fast.clock()["epoch"]) // 3600 + 1) * 3600
    bind(alice, make_policy(alice, start_time="%02d:00" % (at % 86400 // 3600)), volume["id"])
    fast.advance(at - fast.clock()["epoch"] + 60)
    alice.call("GET", vbs(alice, "/backuppolicy"))  # the runs materialise on a VBS request
    (by_policy,) = snapshots_of(alice, volume["id"])
    assert by_policy["name"].startswith("autobk_snapshot_vbs_") and by_policy["status"] == "available"
    vault = make_vault(alice, resources=[volume["id"]])
    checkpoint(alice, vault["id"])
    (by_cbr,) = snapshots_of(alice, volume["id"])
    assert by_cbr["name"].startswith("autobk_snapshot_") and by_cbr["id"] != by_policy["id"]
    backup = alice.call("GET", cbr(alice, f"/backups?resource_id={volume['id']}")).body["backups"][0]
    assert backup["extend_info"]["snapshot_id"] == by_cbr["id"]


def test_the_snapshot_can_only_be_viewed(fast, alice):
    volume = available_volume(fast, alice, {"0": "a"})
    create_backup(alice, volume["id"])
    fast.advance(60)
    (made,) = snapshots_of(alice, volume["id"])
    sid = made["id"]
    refused = {
        "delete": alice.call("DELETE", alice.evs(f"/snapshots/{sid}")),
        "rollback": alice.call("POST", alice.evs(f"/os-vendor-snapshots/{sid}/rollback"),
                               {"rollback": {"volume_id": volume["id"]}}),
        "new disk": alice.call("POST", alice.evs("/volumes"), {"volume": {"snapshot_id": sid,
                                                                          "availability_zone": "eu-de-01"}}),
        "update": alice.call("PUT", alice.evs(f"/snapshots/{sid}"), {"snapshot": {"name": "mine"}}),
        "metadata": alice.call("POST", alice.evs(f"/snapshots/{sid}/metadata"), {"metadata": {"k": "v"}}),
    }
    assert {k: (a.status, "made by a backup" in str(a.body)) for k, a in refused.items()} == {
        k: (400, True) for k in refused}
    assert alice.snapshot(sid)["name"] == made["name"]
    for name in ("autobk_snapshot_x", "manualbk_snapshot_vbs_x", "manualbk_snapshot_csbs_x"):
        answer = alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": volume["id"], "name": name}})
        assert answer.status == 400 and "reserved" in str(answer.body), name
    mine = alice.create_snapshot(volume["id"], name="mine")
    renamed = alice.call("PUT", alice.evs(f"/snapshots/{mine['id']}"), {"snapshot": {"name": "autobk_snapshot_1"}})
    assert renamed.status == 400


def test_disk_delete_counts_it_and_a_cascade_takes_it(fast, alice):
    volume = available_volume(fast, alice)
    create_backup(alice, volume["id"])
    fast.advance(60)
    plain = alice.call("DELETE", alice.evs(f"/volumes/{volume['id']}"))
    assert plain.status == 400 and "1 dependent snapshots (1 made by backups)" in str(plain.body)
    assert alice.call("DELETE", alice.evs(f"/volumes/{volume['id']}?cascade=true")).status == 202
    fast.advance(60)
    assert snapshots_of(alice, volume["id"]) == []
    assert alice.call("GET", vbs(alice, "/backups?volume_id=" + volume["id"], "v3")).body["backups"]
