"""Minimal ECS: servers, and volume attachments through both APIs the cloud offers for them.

The native ECS API (`/v1/{project_id}/cloudservers/{server_id}/attachvolume` and
`.../detachvolume/{volume_id}`) answers a job (`/v1/{project_id}/jobs/{job_id}`); the Nova
compatible `os-volume_attachments` (`/v2.1/...`, marked "discarded" by the ECS API reference but
still served) answers at once. Both start the same volume operations and share one set of rules.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.routing import Mount, Route

from .. import auth, errors, lifecycle
from ..clock import cinder_time, iso_millis_z, nova_time
from ..context import ProjectCall, project_endpoint
from ..lifecycle import GONE, Operation, begin
from ..listing import ListRules, filter_items, page, sort_items
from ..resources import Repository, new_id
from ..web import empty, json_response, read_json, required_object
from .evs import VOLUME, VOLUME_OPS

MOUNT = "/ecs"
CATALOG = [("compute", "nova", "/ecs/v2.1/{project_id}"), ("ecs", "ecs", "/ecs/v1/{project_id}")]
SERVER, JOB = "server", "ecs_job"

SERVER_OPS = lifecycle.operations(
    Operation("server.create", None, "BUILD", "ACTIVE"),
    # ECS shows DELETED while a server is being removed, then it is gone (404).
    Operation("server.delete", frozenset({"ACTIVE", "BUILD", "SHUTOFF", "ERROR"}), "DELETED", GONE),
    # Nova keeps the status while a stop or start runs and shows the task in
    # `OS-EXT-STS:task_state` (`powering-off`, `powering-on`); "Stopping an ECS (Native OpenStack API)".
    Operation("server.stop", frozenset({"ACTIVE"}), "ACTIVE", "SHUTOFF"),
    Operation("server.start", frozenset({"SHUTOFF"}), "SHUTOFF", "ACTIVE"),
    # A CBR restore of the whole server (services/cbr): the server stays stopped while its disks
    # are written, then is started unless the restore said `power_on: false`.
    Operation("backup.restore", frozenset({"SHUTOFF"}), "SHUTOFF", "ACTIVE"),
)
TASK_STATES = {"server.stop": "powering-off", "server.start": "powering-on", "backup.restore": "restoring"}
# An ECS job runs exactly as long as the volume operation it stands for (ECS API reference,
# "Querying Job Execution Status": INIT, RUNNING, then SUCCESS or FAIL).
JOB_OPS = lifecycle.operations(
    Operation("volume.attach", None, "RUNNING", "SUCCESS"),
    Operation("volume.detach", None, "RUNNING", "SUCCESS"),
)
JOB_TYPES = {"volume.attach": "attachVolume", "volume.detach": "detachVolume"}
LIST_RULES = ListRules(sort_keys=("created", "name", "id", "status"), default_sort_key="created")
DEVICES = [f"/dev/vd{letter}" for letter in "bcdefghijklmnopqrstuvwxyz"]
# KVM names disks /dev/vdX, Xen /dev/sdX ("Attaching a Disk to an ECS", `device`); /dev/vda and
# /dev/sda are the system disk's.
DEVICE_RE = re.compile(r"^/dev/(vd|sd|xvd)[a-z]{1,2}$")
# A few general-purpose flavors of the region (name = id on ECS). ECS documents `disk`, `swap`,
# `OS-FLV-EXT-DATA:ephemeral` as unused, always 0 / "" / 0: disks are EVS volumes, never local
# (ECS API reference, "Querying Details About an ECS Flavor (Native OpenStack API)",
# GET /v2.1/{project_id}/flavors/{flavor_id}, and the list ".../flavors/detail").
FLAVORS = {"s3.medium.1": (1, 1024), "s3.medium.2": (1, 2048), "s3.large.2": (2, 4096), "s3.xlarge.2": (4, 8192)}


class Call(ProjectCall):
    """A compute request: adds server and volume repositories and their lookups."""

    def __init__(self, request: Request, principal: auth.Principal):
        super().__init__(request, principal)
        self.servers = Repository(self.emu, SERVER)
        self.volumes = Repository(self.emu, VOLUME)
        self.jobs = Repository(self.emu, JOB)

    def require_zone_up(self, az: str) -> None:
        if self.emu.zone_is_down(az):
            raise errors.fault(500, f"Availability zone {az} is unavailable.")

    def server(self, server_id: str) -> dict:
        return self.find_reachable(self.servers, server_id, "Instance")

    def volume(self, volume_id: str) -> dict:
        return self.find_reachable(self.volumes, volume_id, "Volume")

    def attached_volumes(self, server_id: str) -> list[tuple[dict, dict]]:
        """(volume, attachment) pairs of the server, including attachments still in progress."""
        found = []
        for volume in self.volumes.list(self.project_id):
            upcoming = lifecycle.pending_value(volume, "attachments", [])
            for attachment in volume["attachments"] + upcoming:
                if attachment["server_id"] == server_id and (volume, attachment) not in found:
                    found.append((volume, attachment))
        return found


endpoint = project_endpoint(Call)


# -- views -----------------------------------------------------------------
def _links(call: Call, sid: str) -> list[dict]:
    return [{"href": f"{call.endpoint}/servers/{sid}", "rel": "self"},
            {"href": f"{call.base_url}/ecs/{call.project_id}/servers/{sid}", "rel": "bookmark"}]


def server_view(call: Call, s: dict) -> dict:
    down = call.emu.zone_is_down(s["availability_zone"])
    volumes = [{"id": v["id"], "delete_on_termination": False} for v, _ in call.attached_volumes(s["id"])]
    return {
        "id": s["id"], "name": s["name"], "status": "ERROR" if down else s["status"],
        "tenant_id": s["project_id"], "user_id": s["user_id"], "metadata": dict(s["metadata"]),
        "created": nova_time(s["created_at"]), "updated": nova_time(s["updated_at"]),
        "OS-EXT-AZ:availability_zone": s["availability_zone"], "links": _links(call, s["id"]),
        "os-extended-volumes:volumes_attached": volumes, "image": "", "flavor": {"id": s["flavor"]},
        "addresses": {}, "accessIPv4": "", "accessIPv6": "", "hostId": "", "OS-EXT-STS:vm_state":
            s["status"].lower(), "OS-EXT-STS:task_state": task_state(s), "key_name": None,
    }


def task_state(server: dict) -> str | None:
    """The task a server is busy with (a stop, start or restore still running), or None."""
    pending = server.get(lifecycle.PENDING_KEY) or {}
    return TASK_STATES.get(pending.get("op"))


def flavor_view(call: Call, name: str) -> dict:
    vcpus, ram = FLAVORS[name]
    return {"id": name, "name": name, "vcpus": vcpus, "ram": ram, "disk": 0, "swap": "",
            "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False, "rxtx_factor": 1.0,
            "os-flavor-access:is_public": True,
            "links": [{"href": f"{call.endpoint}/flavors/{name}", "rel": "self"},
                      {"href": f"{call.base_url}/ecs/{call.project_id}/flavors/{name}", "rel": "bookmark"}]}


def attachment_view(volume: dict, attachment: dict) -> dict:
    return {"id": volume["id"], "volumeId": volume["id"], "serverId": attachment["server_id"],
            "device": attachment["device"]}


# -- servers ---------------------------------------------------------------
@endpoint
async def create_server(call: Call):
    spec = required_object(await read_json(call.request), "server")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise errors.bad_request("Invalid input for field/attribute name.")
    region = call.region
    zone = spec.get("availability_zone") or call.emu.config.availability_zones(region)[0]
    if zone not in call.emu.config.availability_zones(region):
        raise errors.bad_request(f"The requested availability zone is not available: {zone}.")
    call.require_zone_up(zone)
    server = {
        "id": new_id(), "project_id": call.project_id, "region": region, "user_id": call.principal.user_id,
        "name": name, "status": None, "availability_zone": zone, "metadata": dict(spec.get("metadata") or {}),
        "flavor": str(spec.get("flavorRef", "s3.medium.1")), "created_at": call.now, "updated_at": call.now,
    }
    server = call.servers.save(begin(server, SERVER_OPS["server.create"], call.now, call.timings()))
    return json_response({"server": {"id": server["id"], "links": _links(call, server["id"]),
                                     "OS-DCF:diskConfig": "MANUAL", "adminPass": new_id()[:12]}}, 202)


def _listed_servers(call: Call) -> list[dict]:
    items = [server_view(call, s) for s in call.servers.list(call.project_id)]
    return filter_items(items, call.request.query_params, ("name", "status"))


@endpoint
async def list_servers(call: Call):
    items = sort_items(_listed_servers(call), call.request.query_params, LIST_RULES)
    chosen, links = page(items, call.request.query_params, LIST_RULES, f"{call.endpoint}/servers")
    body = {"servers": [{"id": s["id"], "name": s["name"], "links": s["links"]} for s in chosen]}
    return json_response(body | ({"servers_links": links} if links else {}))


@endpoint
async def list_servers_detail(call: Call):
    items = sort_items(_listed_servers(call), call.request.query_params, LIST_RULES)
    chosen, links = page(items, call.request.query_params, LIST_RULES, f"{call.endpoint}/servers/detail")
    return json_response({"servers": chosen} | ({"servers_links": links} if links else {}))


@endpoint
async def show_server(call: Call):
    return json_response({"server": server_view(call, call.server(call.request.path_params["server_id"]))})


@endpoint
async def delete_server(call: Call):
    server = call.server(call.request.path_params["server_id"])
    # Deleting a server detaches its volumes (they go back to available).
    for volume, _ in call.attached_volumes(server["id"]):
        if volume["status"] == "in-use":
            _start_detach(call, volume, server["id"])
    call.servers.save(begin(server, SERVER_OPS["server.delete"], call.now, call.timings()))
    return empty(204)


# Nova "Stop Server (os-stop Action)" / "Start Server (os-start Action)": 202, empty body; a
# server in another status, or busy with a task, answers 409 conflictingRequest.
SERVER_ACTIONS = {"os-stop": "server.stop", "os-start": "server.start"}


@endpoint
async def server_action(call: Call):
    server = call.server(call.request.path_params["server_id"])
    body = await read_json(call.request)
    actions = [name for name in SERVER_ACTIONS if isinstance(body, dict) and name in body]
    if len(actions) != 1:
        raise errors.bad_request(f"Invalid server action: one of {', '.join(SERVER_ACTIONS)} is expected.")
    operation = SERVER_OPS[SERVER_ACTIONS[actions[0]]]
    busy = task_state(server)
    if busy is not None or not operation.allows(server["status"]):
        state = f"task_state {busy}" if busy else f"vm_state {server['status'].lower()}"
        raise errors.fault(409, f"Cannot '{actions[0][3:]}' instance {server['id']} while it is in {state}.")
    call.servers.save(begin(server, operation, call.now, call.timings()))
    return empty(202)


# -- flavors (read only) ----------------------------------------------------
@endpoint
async def list_flavors(call: Call):
    return json_response({"flavors": [{k: v for k, v in flavor_view(call, name).items() if k in ("id", "name", "links")}
                                      for name in FLAVORS]})


@endpoint
async def list_flavors_detail(call: Call):
    return json_response({"flavors": [flavor_view(call, name) for name in FLAVORS]})


@endpoint
async def show_flavor(call: Call):
    name = call.request.path_params["flavor_id"]
    if name not in FLAVORS:
        raise errors.not_found(f"Flavor {name} could not be found.")
    return json_response({"flavor": flavor_view(call, name)})


# -- volume attachments ----------------------------------------------------
class AttachRefused(Exception):
    """A rule of the cloud refused an attach or detach; each API words it in its own errors."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def _start_detach(call: Call, volume: dict, server_id: str) -> None:
    remaining = [a for a in volume["attachments"] if a["server_id"] != server_id]
    done = {"attachments": remaining}
    # Another server keeps a multiattach volume in use.
    final = "in-use" if remaining else None
    call.volumes.save(begin(volume, VOLUME_OPS["volume.detach"], call.now, call.timings(), on_done=done,
                            final_status=final))


def _start_attach(call: Call, server: dict, volume: dict, device: str | None) -> dict:
    """The rules of "Attaching a Disk to an ECS" (ECS API reference, native and Nova pages,
    "Constraints"): the server must be running (ACTIVE; the reference refuses SUSPENDED/PAUSED,
    and this emulator has no other state in which an attach would succeed), disk and server in
    the same AZ, the disk `available` (or `in-use` when it is shareable, EVS "Shared EVS Disks":
    `multiattach`, never twice on one server), and a device name that no disk of the server has."""
    if server["status"] != "ACTIVE":
        raise AttachRefused("server_state", f"Cannot 'attach_volume' instance {server['id']} while it is in "
                                            f"vm_state {server['status'].lower()}.")
    if volume["availability_zone"] != server["availability_zone"]:
        raise AttachRefused("zone", f"Invalid volume: Instance {server['id']} and volume {volume['id']} are not in "
                                    f"the same availability_zone.")
    if any(a["server_id"] == server["id"] for a in volume["attachments"] + lifecycle.pending_value(
            volume, "attachments", [])):
        raise AttachRefused("attached", f"Invalid volume: volume {volume['id']} is already attached to this instance.")
    can_share = volume["status"] == "in-use" and volume["multiattach"]
    if volume["status"] != "available" and not can_share:
        detail = "it is not shareable (multiattach)" if volume["status"] == "in-use" else ""
        raise AttachRefused("status", f"Invalid volume: volume {volume['id']} status must be 'available'; current "
                                      f"status is '{volume['status']}'" + (f"; {detail}." if detail else "."))
    used = {a["device"] for _, a in call.attached_volumes(server["id"])}
    if device is not None:
        if not isinstance(device, str) or not DEVICE_RE.match(device):
            raise AttachRefused("device", f"Invalid device name {device!r}: use /dev/vdX (KVM) or /dev/sdX (Xen).")
        if device in used:
            raise AttachRefused("device_used", f"The supplied device path ({device}) is in use.")
    device = device or next(d for d in DEVICES if d not in used)
    attachment = {"server_id": server["id"], "attachment_id": new_id(), "attached_at": cinder_time(call.now),
                  "host_name": None, "volume_id": volume["id"], "device": device, "id": volume["id"]}
    on_done = {"attachments": volume["attachments"] + [attachment]}
    call.volumes.save(begin(volume, VOLUME_OPS["volume.attach"], call.now, call.timings(), on_done=on_done))
    return attachment


def _check_detach(volume: dict) -> None:
    if volume["status"] != "in-use":
        raise AttachRefused("status", f"Invalid volume: volume {volume['id']} status must be 'in-use'; current "
                                      f"status is '{volume['status']}'.")


NOVA_STATUS = {"server_state": 409}


def _nova_refusal(refused: AttachRefused) -> errors.ApiError:
    return errors.fault(NOVA_STATUS.get(refused.kind, 400), refused.message)


@endpoint
async def attach_volume(call: Call):
    server = call.server(call.request.path_params["server_id"])
    spec = required_object(await read_json(call.request), "volumeAttachment")
    if not spec.get("volumeId"):
        raise errors.bad_request("Invalid input for field/attribute volumeAttachment: 'volumeId' is required.")
    volume = call.volume(spec["volumeId"])
    try:
        attachment = _start_attach(call, server, volume, spec.get("device"))
    except AttachRefused as refused:
        raise _nova_refusal(refused) from None
    return json_response({"volumeAttachment": attachment_view(volume, attachment)})


@endpoint
async def list_attachments(call: Call):
    server = call.server(call.request.path_params["server_id"])
    attached = [attachment_view(v, a) for v, a in call.attached_volumes(server["id"])]
    return json_response({"volumeAttachments": attached})


def _attachment(call: Call, server: dict, volume_id: str) -> tuple[dict, dict] | None:
    for volume, attachment in call.attached_volumes(server["id"]):
        if volume["id"] == volume_id:
            return volume, attachment
    return None


def _path_attachment(call: Call) -> tuple[dict, dict, dict]:
    """(server, volume, attachment) of the path's server_id and volume_id; 404 when that volume is
    not attached to that server."""
    server = call.server(call.request.path_params["server_id"])
    found = _attachment(call, server, call.request.path_params["volume_id"])
    if found is None:
        raise errors.not_found(f"volume_id not found: {call.request.path_params['volume_id']}")
    return (server, *found)


@endpoint
async def show_attachment(call: Call):
    _, volume, attachment = _path_attachment(call)
    return json_response({"volumeAttachment": attachment_view(volume, attachment)})


@endpoint
async def detach_volume(call: Call):
    server, volume, _ = _path_attachment(call)
    try:
        _check_detach(volume)
    except AttachRefused as refused:
        raise _nova_refusal(refused) from None
    _start_detach(call, volume, server["id"])
    return empty(202)


# -- the native ECS API (jobs) -----------------------------------------------
# Error bodies `{"error": {"code": "Ecs.xxxx", "message"}}` (ECS API reference, "Error Codes").
# The reference says most ECS APIs fail in the job and "HTTP status codes may not be accurate";
# this emulator refuses at once what it can check at once (see README decisions).
ECS_CODES = {"server_state": (409, "Ecs.0614"), "zone": (400, "Ecs.0219"), "attached": (400, "Ecs.0220"),
             "status": (400, "Ecs.0220"), "device": (400, "Ecs.0005"), "device_used": (400, "Ecs.0221")}


def ecs_error(status: int, code: str, message: str) -> errors.ApiError:
    return errors.evs_error(status, code, message)  # the same body shape as EVS's documented codes


def _ecs_server(call: Call) -> dict:
    sid = call.request.path_params["server_id"]
    server = call.servers.get(sid, call.project_id)
    if server is None:
        raise ecs_error(404, "Ecs.0114", f"The ECS {sid} does not exist.")
    call.require_zone_up(server["availability_zone"])
    return server


def _ecs_volume(call: Call, volume_id) -> dict:
    volume = call.volumes.get(volume_id, call.project_id) if isinstance(volume_id, str) and volume_id else None
    if volume is None:
        raise ecs_error(404, "Ecs.0005", f"The disk {volume_id} does not exist.")
    call.require_zone_up(volume["availability_zone"])
    return volume


def _start_ecs_job(call: Call, op_name: str, server: dict, volume: dict) -> dict:
    job = {"id": new_id(), "project_id": call.project_id, "region": call.region, "status": None,
           "job_type": JOB_TYPES[op_name], "begin_time": call.now, "server_id": server["id"],
           "volume_id": volume["id"]}
    return call.jobs.save(begin(job, JOB_OPS[op_name], call.now, call.timings()))


@endpoint
async def ecs_attach_volume(call: Call):
    """POST /v1/{project_id}/cloudservers/{server_id}/attachvolume -> 200 {"job_id"}."""
    server = _ecs_server(call)
    spec = required_object(await read_json(call.request), "volumeAttachment")
    volume = _ecs_volume(call, spec.get("volumeId"))
    try:
        _start_attach(call, server, volume, spec.get("device"))
    except AttachRefused as refused:
        raise ecs_error(*ECS_CODES[refused.kind], refused.message) from None
    return json_response({"job_id": _start_ecs_job(call, "volume.attach", server, volume)["id"]})


@endpoint
async def ecs_detach_volume(call: Call):
    """DELETE /v1/{project_id}/cloudservers/{server_id}/detachvolume/{volume_id}[?delete_flag=0|1]."""
    server = _ecs_server(call)
    volume = _ecs_volume(call, call.request.path_params["volume_id"])
    if call.request.query_params.get("delete_flag", "0") not in ("0", "1"):
        raise ecs_error(400, "Ecs.0005", "delete_flag must be 0 or 1.")
    if _attachment(call, server, volume["id"]) is None:
        raise ecs_error(400, "Ecs.0220", f"The disk {volume['id']} is not attached to the ECS {server['id']}.")
    try:
        _check_detach(volume)
    except AttachRefused as refused:
        raise ecs_error(*ECS_CODES[refused.kind], refused.message) from None
    _start_detach(call, volume, server["id"])
    return json_response({"job_id": _start_ecs_job(call, "volume.detach", server, volume)["id"]})


@endpoint
async def ecs_show_job(call: Call):
    job = call.jobs.get(call.request.path_params["job_id"], call.project_id)
    if job is None:
        raise ecs_error(404, "Ecs.0005", f"The job {call.request.path_params['job_id']} does not exist.")
    return json_response({
        "status": job["status"], "job_id": job["id"], "job_type": job["job_type"],
        "begin_time": iso_millis_z(job["begin_time"]),
        "end_time": iso_millis_z(job["updated_at"]) if job["status"] == "SUCCESS" else "",
        "error_code": None, "fail_reason": None,
        "entities": {"server_id": job["server_id"], "volume_id": job["volume_id"]},
    })


def mounts() -> list:
    pid = "/{project_id}"
    routes = [
        Route(f"{pid}/servers", create_server, methods=["POST"]),
        Route(f"{pid}/servers", list_servers, methods=["GET"]),
        Route(f"{pid}/servers/detail", list_servers_detail, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}", show_server, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}", delete_server, methods=["DELETE"]),
        Route(f"{pid}/servers/{{server_id}}/action", server_action, methods=["POST"]),
        Route(f"{pid}/flavors", list_flavors, methods=["GET"]),
        Route(f"{pid}/flavors/detail", list_flavors_detail, methods=["GET"]),
        Route(f"{pid}/flavors/{{flavor_id}}", show_flavor, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments", attach_volume, methods=["POST"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments", list_attachments, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments/{{volume_id}}", show_attachment, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments/{{volume_id}}", detach_volume, methods=["DELETE"]),
    ]
    native = [
        Route(f"{pid}/cloudservers/{{server_id}}/attachvolume", ecs_attach_volume, methods=["POST"]),
        Route(f"{pid}/cloudservers/{{server_id}}/detachvolume/{{volume_id}}", ecs_detach_volume, methods=["DELETE"]),
        Route(f"{pid}/jobs/{{job_id}}", ecs_show_job, methods=["GET"]),
    ]
    return [Mount("/ecs/v2.1", routes=routes), Mount("/ecs/v1", routes=native)]
