"""EVS snapshots, vendor rollback and disk content over real HTTP."""

from __future__ import annotations



def available_volume(admin, tenant, **fields):
    volume = tenant.create_volume(**fields)
    admin.advance(3600)
    return tenant.volume(volume["id"])


def test_snapshot_lifecycle_on_the_clock(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice, size=20)["id"]
    snapshot = alice.create_snapshot(vid, name="daily", description="d", metadata={"k": "v"})
    assert (snapshot["status"], snapshot["size"], snapshot["volume_id"]) == ("creating", 20, vid)
    admin.advance(2)
    assert alice.snapshot(snapshot["id"])["status"] == "creating"
    admin.advance(1)
    shown = alice.snapshot(snapshot["id"])
    assert shown["status"] == "available"
    assert shown["os-extended-snapshot-attributes:progress"] == "100%"
    assert shown["os-extended-snapshot-attributes:project_id"] == alice.project_id
    assert alice.call("DELETE", alice.evs(f"/snapshots/{snapshot['id']}")).status == 202
    assert alice.snapshot(snapshot["id"])["status"] == "deleting"
    admin.advance(2)
    assert alice.call("GET", alice.evs(f"/snapshots/{snapshot['id']}")).status == 404


def test_force_rule(admin, alice):
    """available: always; in-use: only with force; anything else: 400."""
    admin.freeze()
    creating = alice.create_volume()
    refused = alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": creating["id"], "force": True}})
    assert refused.status == 400 and "badRequest" in refused.body
    admin.zero_timings()  # the running create keeps its due time: the clock must pass it
    server = alice.create_server()
    admin.advance(5)
    assert alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                      {"volumeAttachment": {"volumeId": creating["id"]}}).status == 200
    admin.advance(1)
    assert alice.volume(creating["id"])["status"] == "in-use"
    unforced = alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": creating["id"]}})
    assert unforced.status == 400 and "force" in unforced.body["badRequest"]["message"]
    assert alice.create_snapshot(creating["id"], force=True)["status"] == "creating"


def test_snapshot_validation(fast, alice):
    vid = alice.create_volume()["id"]
    assert alice.call("POST", alice.evs("/snapshots"), {"snapshot": {}}).status == 400
    assert alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": "nope"}}).status == 404
    reserved = alice.call("POST", alice.evs("/snapshots"),
                          {"snapshot": {"volume_id": vid, "name": "autobk_snapshot_x"}})
    assert reserved.status == 400


def test_snapshot_list_filters_paging_update_metadata(fast, alice):
    v1, v2 = alice.create_volume()["id"], alice.create_volume(zone="eu-de-02")["id"]
    s1 = alice.create_snapshot(v1, name="one")
    s2 = alice.create_snapshot(v1, name="two")
    s3 = alice.create_snapshot(v2, name="three")
    detail = alice.call("GET", alice.evs(f"/snapshots/detail?volume_id={v1}&sort_dir=asc")).body["snapshots"]
    assert [s["id"] for s in detail] == [s1["id"], s2["id"]]
    assert [s["name"] for s in alice.call("GET", alice.evs("/snapshots?name=three")).body["snapshots"]] == ["three"]
    zone = alice.call("GET", alice.evs("/snapshots/detail?availability_zone=eu-de-02")).body["snapshots"]
    assert [s["id"] for s in zone] == [s3["id"]]
    first = alice.call("GET", alice.evs("/snapshots/detail?limit=2")).body
    assert len(first["snapshots"]) == 2 and first["snapshots_links"][0]["rel"] == "next"
    assert alice.call("GET", alice.evs("/snapshots?status=available")).body["snapshots"][0]["status"] == "available"
    updated = alice.call("PUT", alice.evs(f"/snapshots/{s1['id']}"), {"snapshot": {"display_name": "uno"}})
    assert updated.status == 200 and updated.body["snapshot"]["name"] == "uno"
    url = alice.evs(f"/snapshots/{s1['id']}/metadata")
    assert alice.call("POST", url, {"metadata": {"a": "1"}}).body == {"metadata": {"a": "1"}}
    assert alice.call("GET", f"{url}/a").body == {"meta": {"a": "1"}}


def test_snapshot_delete_state_rule(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice)["id"]
    snapshot = alice.create_snapshot(vid)
    refused = alice.call("DELETE", alice.evs(f"/snapshots/{snapshot['id']}"))
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1047"


def rollback(tenant, snapshot_id, volume_id, vendor="os-vendor-snapshots", **extra):
    return tenant.call("POST", tenant.evs(f"/{vendor}/{snapshot_id}/rollback"),
                       {"rollback": {"volume_id": volume_id, **extra}})


def test_rollback_brings_back_the_snapshot_bytes(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice)["id"]
    assert admin.disk(vid) == {}
    admin.write_disk(vid, {"0": "boot", "1": "v1"})
    snapshot = alice.create_snapshot(vid, name="before")
    admin.advance(3)
    admin.write_disk(vid, {"1": "v2", "2": "new"}, merge=True)
    assert admin.disk(vid) == {"0": "boot", "1": "v2", "2": "new"}
    answer = rollback(alice, snapshot["id"], vid, name="restored")
    assert answer.status == 202
    assert answer.body == {"rollback": {"volume_id": vid}}
    volume, snap = alice.volume(vid), alice.snapshot(snapshot["id"])
    assert (volume["status"], snap["status"], volume["name"]) == ("rollbacking", "rollbacking", "restored")
    assert admin.disk(vid)["1"] == "v2"  # the bytes land when the rollback completes
    refused = alice.call("DELETE", alice.evs(f"/snapshots/{snapshot['id']}"))
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1047"
    admin.advance(5)
    assert (alice.volume(vid)["status"], alice.snapshot(snapshot["id"])["status"]) == ("available", "available")
    assert admin.disk(vid) == {"0": "boot", "1": "v1"}


def test_rollback_rules(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice)["id"]
    other = available_volume(admin, alice)["id"]
    snapshot = alice.create_snapshot(vid)
    not_ready = rollback(alice, snapshot["id"], vid)
    assert not_ready.status == 400 and not_ready.body["error"]["code"] == "EVS.2043"
    admin.advance(3)
    assert rollback(alice, snapshot["id"], other).status == 400  # only onto its own volume
    assert rollback(alice, "missing", vid).status == 404
    missing_body = alice.call("POST", alice.evs(f"/os-vendor-snapshots/{snapshot['id']}/rollback"), {})
    assert missing_body.status == 400
    admin.zero_timings()
    server = alice.create_server()
    admin.advance(1)
    alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"), {"volumeAttachment": {"volumeId": vid}})
    admin.advance(1)
    in_use = rollback(alice, snapshot["id"], vid)
    assert in_use.status == 400 and "in-use" in in_use.body["badRequest"]["message"]


def test_cloudsnapshots_rollback_path_is_the_same_operation(fast, alice):
    vid = alice.create_volume()["id"]
    sid = alice.create_snapshot(vid)["id"]
    assert rollback(alice, sid, vid, vendor="cloudsnapshots").status == 202


def test_new_volume_from_snapshot_starts_with_its_bytes(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice, size=20, zone="eu-de-02")["id"]
    admin.write_disk(vid, {"0": "gold"})
    sid = alice.create_snapshot(vid)["id"]
    admin.write_disk(vid, {"0": "later"})
    too_small = alice.call("POST", alice.evs("/volumes"),
                           {"volume": {"size": 10, "availability_zone": "eu-de-02", "snapshot_id": sid}})
    assert too_small.status == 400 and too_small.body["error"]["code"] == "EVS.2043"  # still creating
    admin.advance(3)
    too_small = alice.call("POST", alice.evs("/volumes"),
                           {"volume": {"size": 10, "availability_zone": "eu-de-02", "snapshot_id": sid}})
    assert too_small.status == 400 and too_small.body["error"]["code"] == "EVS.1010"
    other_zone = alice.call("POST", alice.evs("/volumes"),
                            {"volume": {"availability_zone": "eu-de-01", "snapshot_id": sid}})
    assert other_zone.status == 400 and other_zone.body["error"]["code"] == "EVS.1036"
    copy = alice.call("POST", alice.evs("/volumes"),
                      {"volume": {"availability_zone": "eu-de-02", "snapshot_id": sid}}).body["volume"]
    assert (copy["size"], copy["snapshot_id"]) == (20, sid)
    assert admin.disk(copy["id"]) == {"0": "gold"}


def test_other_tenants_snapshot_is_404(fast, alice, bob):
    vid = alice.create_volume()["id"]
    sid = alice.create_snapshot(vid)["id"]
    assert bob.call("GET", bob.evs(f"/snapshots/{sid}")).status == 404
    assert bob.call("DELETE", bob.evs(f"/snapshots/{sid}")).status == 404
    assert bob.call("POST", bob.evs(f"/os-vendor-snapshots/{sid}/rollback"),
                    {"rollback": {"volume_id": vid}}).status == 404
    bob_volume = bob.create_volume()["id"]
    answer = bob.call("POST", bob.evs("/volumes"), {"volume": {"availability_zone": "eu-de-01", "snapshot_id": sid}})
    assert answer.status == 400 and answer.body["error"]["code"] == "EVS.2045"
    assert bob.call("POST", bob.evs("/snapshots"), {"snapshot": {"volume_id": vid}}).status == 404
    assert bob_volume


def test_snapshot_quota_is_the_cinder_over_limit(fast, alice):
    vids = [alice.create_volume()["id"] for _ in range(15)]  # at most 7 snapshots per disk
    for index in range(100):
        alice.create_snapshot(vids[index // 7])
    answer = alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": vids[-1]}})
    assert answer.status == 413
    assert answer.body["overLimit"]["code"] == 413
    usage = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}?usage=true")).body["quota_set"]
    assert usage["snapshots"] == {"in_use": 100, "limit": 100, "reserved": 0}


def test_outage_covers_snapshots_of_volumes_in_that_zone(fast, alice):
    vid = alice.create_volume(zone="eu-de-03")["id"]
    sid = alice.create_snapshot(vid)["id"]
    fast.start_outage("eu-de-03")
    assert alice.call("GET", alice.evs(f"/snapshots/{sid}")).status == 500
    assert alice.call("POST", alice.evs("/snapshots"), {"snapshot": {"volume_id": vid}}).status == 500
    assert alice.call("GET", alice.evs("/snapshots/detail")).body["snapshots"][0]["status"] == "error"
    fast.end_outage("eu-de-03")
    assert alice.snapshot(sid)["status"] == "available"
