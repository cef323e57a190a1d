"""Minimal Nova: servers and volume attachments move volumes in and out of use."""

from __future__ import annotations


def attach(tenant, server_id, volume_id):
    return tenant.call("POST", tenant.ecs(f"/servers/{server_id}/os-volume_attachments"),
                       {"volumeAttachment": {"volumeId": volume_id}})


def test_server_build_then_active(admin, alice):
    admin.freeze()
    server = alice.create_server(name="web")
    assert alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]["status"] == "BUILD"
    admin.advance(10)
    shown = alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]
    assert (shown["status"], shown["name"], shown["OS-EXT-AZ:availability_zone"]) == ("ACTIVE", "web", "eu-de-01")
    listed = alice.call("GET", alice.ecs("/servers")).body["servers"]
    assert [s["id"] for s in listed] == [server["id"]]
    assert alice.call("GET", alice.ecs("/servers/detail")).body["servers"][0]["status"] == "ACTIVE"


def test_flavors_as_ecs_documents_them(alice):
    """ECS's native flavor API: no local disks (`disk`, `swap`, ephemeral unused), name = id."""
    listed = alice.call("GET", alice.ecs("/flavors")).body["flavors"]
    detailed = alice.call("GET", alice.ecs("/flavors/detail")).body["flavors"]
    assert [f["id"] for f in listed] == [f["name"] for f in detailed] == [f["id"] for f in detailed]
    assert {(f["disk"], f["swap"], f["OS-FLV-EXT-DATA:ephemeral"]) for f in detailed} == {(0, "", 0)}
    shown = alice.call("GET", alice.ecs("/flavors/s3.medium.1")).body["flavor"]
    assert (shown["vcpus"], shown["ram"]) == (1, 1024)
    assert alice.call("GET", alice.ecs("/flavors/m1.tiny")).status == 404


def test_attach_and_detach_walk_the_volume_states(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0, "server.create": 0})
    server = alice.create_server()
    volume = alice.create_volume()
    admin.advance(0.001)
    answer = attach(alice, server["id"], volume["id"])
    assert answer.status == 200
    assert answer.body["volumeAttachment"] == {"id": volume["id"], "volumeId": volume["id"],
                                               "serverId": server["id"], "device": "/dev/vdb"}
    attaching = alice.volume(volume["id"])
    assert (attaching["status"], attaching["attachments"]) == ("attaching", [])
    admin.advance(2)
    in_use = alice.volume(volume["id"])
    assert in_use["status"] == "in-use"
    (record,) = in_use["attachments"]
    assert (record["server_id"], record["volume_id"], record["device"]) == (server["id"], volume["id"], "/dev/vdb")
    assert record["attachment_id"] and record["attached_at"]
    listed = alice.call("GET", alice.ecs(f"/servers/{server['id']}/os-volume_attachments")).body
    assert [a["volumeId"] for a in listed["volumeAttachments"]] == [volume["id"]]
    refused = alice.call("DELETE", alice.evs(f"/volumes/{volume['id']}"))
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1046"
    assert alice.call("DELETE", alice.ecs(f"/servers/{server['id']}/os-volume_attachments/{volume['id']}")).status == 202
    assert alice.volume(volume["id"])["status"] == "detaching"
    admin.advance(2)
    detached = alice.volume(volume["id"])
    assert (detached["status"], detached["attachments"]) == ("available", [])


def test_attach_refusals(admin, alice):
    admin.zero_timings()
    server = alice.create_server(zone="eu-de-01")
    far_volume = alice.create_volume(zone="eu-de-02")
    volume = alice.create_volume()
    cross = attach(alice, server["id"], far_volume["id"])
    assert cross.status == 400 and "availability_zone" in cross.body["badRequest"]["message"]
    assert attach(alice, server["id"], volume["id"]).status == 200
    other = alice.create_server(name="other")
    busy = attach(alice, other["id"], volume["id"])
    assert busy.status == 400
    assert attach(alice, server["id"], "missing").status == 404
    assert attach(alice, "missing", volume["id"]).status == 404


def test_multiattach_volume_can_be_shared(fast, alice):
    volume = alice.create_volume(multiattach=True)
    one, two = alice.create_server(name="one"), alice.create_server(name="two")
    assert attach(alice, one["id"], volume["id"]).status == 200
    assert attach(alice, two["id"], volume["id"]).status == 200
    assert len(alice.volume(volume["id"])["attachments"]) == 2
    alice.call("DELETE", alice.ecs(f"/servers/{one['id']}/os-volume_attachments/{volume['id']}"))
    still = alice.volume(volume["id"])
    assert (still["status"], len(still["attachments"])) == ("in-use", 1)


def test_attach_refused_while_server_builds(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0})
    server = alice.create_server()
    volume = alice.create_volume()
    answer = attach(alice, server["id"], volume["id"])
    assert answer.status == 409 and "conflictingRequest" in answer.body


def test_deleting_a_server_detaches_its_volumes(fast, alice):
    server = alice.create_server()
    volume = alice.create_volume()
    attach(alice, server["id"], volume["id"])
    assert alice.volume(volume["id"])["status"] == "in-use"
    assert alice.call("DELETE", alice.ecs(f"/servers/{server['id']}")).status == 204
    assert alice.volume(volume["id"])["status"] == "available"
    assert alice.call("GET", alice.ecs(f"/servers/{server['id']}")).status == 404


def test_other_tenants_server_is_404(fast, alice, bob):
    server = alice.create_server()
    assert bob.call("GET", bob.ecs(f"/servers/{server['id']}")).status == 404
    assert bob.call("GET", bob.ecs("/servers")).body["servers"] == []
