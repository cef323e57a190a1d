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


# -- the native ECS API: attach and detach answer jobs ------------------------
def ecs_v1(tenant, path):
    return f"{tenant.base_url}/ecs/v1/{tenant.project_id}{path}"


def ecs_attach(tenant, server_id, volume_id, device=None):
    spec = {"volumeId": volume_id} | ({"device": device} if device else {})
    return tenant.call("POST", ecs_v1(tenant, f"/cloudservers/{server_id}/attachvolume"), {"volumeAttachment": spec})


def ecs_detach(tenant, server_id, volume_id):
    return tenant.call("DELETE", ecs_v1(tenant, f"/cloudservers/{server_id}/detachvolume/{volume_id}"))


def job(tenant, job_id):
    return tenant.call("GET", ecs_v1(tenant, f"/jobs/{job_id}")).body


def test_ecs_attach_and_detach_are_jobs_on_the_clock(admin, alice):
    """"Attaching a Disk to an ECS" / "Detaching an EVS Disk from an ECS": a job id, the disk
    attaching -> in-use (detaching -> available) while the job runs, SUCCESS when it is done."""
    admin.freeze()
    admin.set_timings({"volume.create": 0, "server.create": 0})
    server = alice.create_server()
    volume = alice.create_volume()
    admin.advance(0.001)
    answer = ecs_attach(alice, server["id"], volume["id"], device="/dev/vdc")
    assert answer.status == 200 and set(answer.body) == {"job_id"}
    running = job(alice, answer.body["job_id"])
    assert (running["status"], running["job_type"], running["entities"]) == (
        "RUNNING", "attachVolume", {"server_id": server["id"], "volume_id": volume["id"]})
    assert alice.volume(volume["id"])["status"] == "attaching"
    admin.advance(2)
    assert job(alice, answer.body["job_id"])["status"] == "SUCCESS"
    attached = alice.volume(volume["id"])
    assert attached["status"] == "in-use" and attached["attachments"][0]["device"] == "/dev/vdc"
    shown = alice.call("GET", alice.ecs(f"/servers/{server['id']}/os-volume_attachments/{volume['id']}")).body
    assert shown["volumeAttachment"]["device"] == "/dev/vdc"
    answer = ecs_detach(alice, server["id"], volume["id"])
    assert answer.status == 200
    assert (alice.volume(volume["id"])["status"], job(alice, answer.body["job_id"])["job_type"]) == (
        "detaching", "detachVolume")
    admin.advance(2)
    assert job(alice, answer.body["job_id"])["status"] == "SUCCESS"
    assert (alice.volume(volume["id"])["status"], alice.volume(volume["id"])["attachments"]) == ("available", [])


def test_ecs_attach_refusals_carry_ecs_codes(fast, alice, bob):
    server = alice.create_server(zone="eu-de-01")
    volume, far = alice.create_volume(), alice.create_volume(zone="eu-de-02")

    def code(answer):
        return answer.status, answer.body["error"]["code"]

    assert code(ecs_attach(alice, "missing", volume["id"])) == (404, "Ecs.0114")
    assert code(ecs_attach(alice, server["id"], "missing")) == (404, "Ecs.0005")
    assert code(ecs_attach(alice, server["id"], far["id"])) == (400, "Ecs.0219")
    assert code(ecs_attach(alice, server["id"], volume["id"], device="vdb")) == (400, "Ecs.0005")
    assert ecs_attach(alice, server["id"], volume["id"], device="/dev/vdb").status == 200
    other = alice.create_volume()
    assert code(ecs_attach(alice, server["id"], other["id"], device="/dev/vdb")) == (400, "Ecs.0221")
    # a disk that is not shareable is in use: no second server, not twice on the same one
    second = alice.create_server(name="second")
    assert code(ecs_attach(alice, second["id"], volume["id"])) == (400, "Ecs.0220")
    assert code(ecs_attach(alice, server["id"], volume["id"])) == (400, "Ecs.0220")
    # detach: only what is attached to that server; another tenant sees no server
    assert code(ecs_detach(alice, second["id"], volume["id"])) == (400, "Ecs.0220")
    assert code(bob.call("DELETE", ecs_v1(bob, f"/cloudservers/{server['id']}/detachvolume/{volume['id']}"))) == (
        404, "Ecs.0114")
    assert alice.volume(volume["id"])["attachments"][0]["server_id"] == server["id"]


def test_ecs_attach_shareable_disk_on_two_servers(fast, alice):
    volume = alice.create_volume(multiattach=True)
    one, two = alice.create_server(name="one"), alice.create_server(name="two")
    assert ecs_attach(alice, one["id"], volume["id"]).status == 200
    assert ecs_attach(alice, two["id"], volume["id"]).status == 200
    assert {a["server_id"] for a in alice.volume(volume["id"])["attachments"]} == {one["id"], two["id"]}


def test_nova_attach_refuses_a_device_in_use(fast, alice):
    server = alice.create_server()
    first, second = alice.create_volume(), alice.create_volume()
    assert alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                      {"volumeAttachment": {"volumeId": first["id"], "device": "/dev/vdd"}}).status == 200
    taken = alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                       {"volumeAttachment": {"volumeId": second["id"], "device": "/dev/vdd"}})
    assert taken.status == 400 and "in use" in taken.body["badRequest"]["message"]
    assert alice.volume(second["id"])["status"] == "available"


def test_stop_and_start_on_the_clock(admin, alice):
    """Nova os-stop / os-start: the status stays while the task runs (`OS-EXT-STS:task_state`),
    then changes; a busy server or one in the wrong status answers 409."""
    admin.freeze()
    admin.set_timings({"server.create": 0, "server.stop": 5, "server.start": 5})
    server = alice.create_server()
    url = alice.ecs(f"/servers/{server['id']}/action")
    assert alice.call("POST", url, {"os-start": None}).status == 409  # not stopped
    assert alice.call("POST", url, {"os-stop": None}).status == 202
    shown = alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ACTIVE", "powering-off")
    busy = alice.call("POST", url, {"os-stop": None})
    assert busy.status == 409 and "powering-off" in busy.body["conflictingRequest"]["message"]
    admin.advance(5)
    shown = alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("SHUTOFF", None)
    assert alice.call("POST", url, {"os-stop": None}).status == 409
    assert alice.call("POST", url, {"reboot": {"type": "SOFT"}}).status == 400
    assert alice.call("POST", url, {"os-start": None}).status == 202
    admin.advance(5)
    assert alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]["status"] == "ACTIVE"
