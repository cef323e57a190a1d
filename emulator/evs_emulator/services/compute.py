"""Minimal Nova (ECS): servers and os-volume_attachments, enough to move volumes in and out of use."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Mount, Route

from .. import auth, errors, lifecycle
from ..clock import cinder_time, nova_time
from ..context import ProjectCall, project_endpoint
from ..lifecycle import GONE, Operation, begin
from ..listing import ListRules, filter_items, page, sort_items
from ..resources import Repository, new_id
from ..web import empty, json_response, read_json, required_object
from .evs import VOLUME, VOLUME_OPS

MOUNT = "/ecs"
CATALOG = [("compute", "nova", "/ecs/v2.1/{project_id}")]
SERVER = "server"

SERVER_OPS = lifecycle.operations(
    Operation("server.create", None, "BUILD", "ACTIVE"),
    # ECS shows DELETED while a server is being removed, then it is gone (404).
    Operation("server.delete", frozenset({"ACTIVE", "BUILD", "SHUTOFF", "ERROR"}), "DELETED", GONE),
)
LIST_RULES = ListRules(sort_keys=("created", "name", "id", "status"), default_sort_key="created")
DEVICES = [f"/dev/vd{letter}" for letter in "bcdefghijklmnopqrstuvwxyz"]
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
            s["status"].lower(), "key_name": None,
    }


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
def _start_detach(call: Call, volume: dict, server_id: str) -> None:
    remaining = [a for a in volume["attachments"] if a["server_id"] != server_id]
    done = {"attachments": remaining}
    # Another server keeps a multiattach volume in use.
    final = "in-use" if remaining else None
    call.volumes.save(begin(volume, VOLUME_OPS["volume.detach"], call.now, call.timings(), on_done=done,
                            final_status=final))


@endpoint
async def attach_volume(call: Call):
    server = call.server(call.request.path_params["server_id"])
    spec = required_object(await read_json(call.request), "volumeAttachment")
    if not spec.get("volumeId"):
        raise errors.bad_request("Invalid input for field/attribute volumeAttachment: 'volumeId' is required.")
    volume = call.volume(spec["volumeId"])
    if server["status"] != "ACTIVE":
        raise errors.fault(409, f"Cannot 'attach_volume' instance {server['id']} while it is in vm_state "
                                f"{server['status'].lower()}.")
    if volume["availability_zone"] != server["availability_zone"]:
        raise errors.bad_request(f"Invalid volume: Instance {server['id']} and volume {volume['id']} are not in the "
                                 f"same availability_zone.")
    if any(a["server_id"] == server["id"] for a in volume["attachments"]):
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} is already attached to this instance.")
    can_share = volume["status"] == "in-use" and volume["multiattach"]
    if volume["status"] != "available" and not can_share:
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} status must be 'available'; "
                                 f"current status is '{volume['status']}'.")
    used = {a["device"] for _, a in call.attached_volumes(server["id"])}
    device = spec.get("device") or next(d for d in DEVICES if d not in used)
    attachment = {"server_id": server["id"], "attachment_id": new_id(), "attached_at": cinder_time(call.now),
                  "host_name": None, "volume_id": volume["id"], "device": device, "id": volume["id"]}
    on_done = {"attachments": volume["attachments"] + [attachment]}
    call.volumes.save(begin(volume, VOLUME_OPS["volume.attach"], call.now, call.timings(), on_done=on_done))
    return json_response({"volumeAttachment": attachment_view(volume, attachment)})


@endpoint
async def list_attachments(call: Call):
    server = call.server(call.request.path_params["server_id"])
    attached = [attachment_view(v, a) for v, a in call.attached_volumes(server["id"])]
    return json_response({"volumeAttachments": attached})


def _attachment(call: Call, server: dict, volume_id: str) -> tuple[dict, dict]:
    for volume, attachment in call.attached_volumes(server["id"]):
        if volume["id"] == volume_id:
            return volume, attachment
    raise errors.not_found(f"volume_id not found: {volume_id}")


@endpoint
async def show_attachment(call: Call):
    server = call.server(call.request.path_params["server_id"])
    volume, attachment = _attachment(call, server, call.request.path_params["volume_id"])
    return json_response({"volumeAttachment": attachment_view(volume, attachment)})


@endpoint
async def detach_volume(call: Call):
    server = call.server(call.request.path_params["server_id"])
    volume, _ = _attachment(call, server, call.request.path_params["volume_id"])
    if volume["status"] != "in-use":
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} status must be 'in-use'; "
                                 f"current status is '{volume['status']}'.")
    _start_detach(call, volume, server["id"])
    return empty(202)


def mounts() -> list:
    pid = "/{project_id}"
    routes = [
        Route(f"{pid}/servers", create_server, methods=["POST"]),
        Route(f"{pid}/servers", list_servers, methods=["GET"]),
        Route(f"{pid}/servers/detail", list_servers_detail, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}", show_server, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}", delete_server, methods=["DELETE"]),
        Route(f"{pid}/flavors", list_flavors, methods=["GET"]),
        Route(f"{pid}/flavors/detail", list_flavors_detail, methods=["GET"]),
        Route(f"{pid}/flavors/{{flavor_id}}", show_flavor, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments", attach_volume, methods=["POST"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments", list_attachments, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments/{{volume_id}}", show_attachment, methods=["GET"]),
        Route(f"{pid}/servers/{{server_id}}/os-volume_attachments/{{volume_id}}", detach_volume, methods=["DELETE"]),
    ]
    return [Mount("/ecs/v2.1", routes=routes)]
