"""EVS: Cinder v2/v3 compatible volumes and snapshots, vendor rollback, quotas.

Error bodies: a failure with a documented EVS code answers {"error": {"message", "code":
"EVS.xxxx"}}; one without (missing resource, malformed body) answers the Cinder fault wrapper
({"itemNotFound": {"message", "code": 404}}, {"badRequest": ...}). See README, "Choices".
"""

from __future__ import annotations

import ast
import json

from starlette.requests import Request
from starlette.routing import Mount, Route

from .. import auth, errors, lifecycle
from ..clock import cinder_time, iso_millis_z
from ..lifecycle import GONE, PREVIOUS, Operation, begin
from ..context import ProjectCall, project_endpoint
from ..listing import Listed, ListRules, filtered_page
from ..resources import Repository, new_id
from ..routing import resource_routes
from ..store import Selection
from ..web import base_url, bool_value, empty, json_response, query_flag, read_json, required_object
from . import backup_common

MOUNT = "/evs"
CATALOG = [
    ("volumev2", "cinderv2", "/evs/v2/{project_id}"),
    ("volumev3", "cinderv3", "/evs/v3/{project_id}"),
    ("evs", "evs", "/evs/v2/{project_id}"),
]
VOLUME, SNAPSHOT, JOB = "volume", "snapshot", "evs_job"
RESERVED_SNAPSHOT_PREFIX = "autobk_snapshot_"
# The names VBS/CBR (and CSBS) give the snapshot a backup leaves on its disk (OTC EVS user guide,
# "Deleting an EVS Snapshot" evs_01_0011 and "Creating an EVS Disk from a Snapshot": such a
# snapshot "can only be viewed": it cannot be deleted, rolled back or turned into a disk). The
# API reference reserves `autobk_snapshot_` ("Creating an EVS Snapshot", name); the emulator
# reserves all of them, so a user's snapshot never looks like one (README, "Choices").
BACKUP_SNAPSHOT_PREFIXES = (RESERVED_SNAPSHOT_PREFIX, "manualbk_snapshot_vbs_", "manualbk_snapshot_csbs_")


def made_by_backup(snapshot: dict) -> bool:
    return snapshot["name"].startswith(BACKUP_SNAPSHOT_PREFIXES)


def _refuse_backup_snapshot(snapshot: dict, what: str) -> None:
    if made_by_backup(snapshot):
        raise errors.bad_request(f"Snapshot {snapshot['id']} was made by a backup and cannot be {what}.")


def _reserved_name(name: str) -> str:
    if name.startswith(BACKUP_SNAPSHOT_PREFIXES):
        raise errors.bad_request(f"Invalid name: the prefixes {', '.join(BACKUP_SNAPSHOT_PREFIXES)} are reserved "
                                 f"for the snapshots of backups.")
    return name
DATA_DISK_SIZE = (10, 32768)

VOLUME_OPS = lifecycle.operations(
    Operation("volume.create", None, "creating", "available"),
    Operation("volume.delete", frozenset({"available", "error", "error_extending", "error_restoring",
                                          "error_rollbacking"}), "deleting", GONE),
    Operation("volume.extend", frozenset({"available", "in-use"}), "extending", PREVIOUS),
    Operation("volume.attach", frozenset({"available", "in-use"}), "attaching", "in-use"),
    Operation("volume.detach", frozenset({"in-use"}), "detaching", "available"),
    Operation("snapshot.rollback", frozenset({"available", "error_rollbacking"}), "rollbacking", "available"),
)
SNAPSHOT_OPS = lifecycle.operations(
    Operation("snapshot.create", None, "creating", "available"),
    Operation("snapshot.delete", frozenset({"available", "error"}), "deleting", GONE),
    Operation("snapshot.rollback", frozenset({"available"}), "rollbacking", "available"),
)

# A vendor job runs exactly as long as the operation it stands for.
JOB_OPS = lifecycle.operations(
    Operation("volume.create", None, "RUNNING", "SUCCESS"),
    Operation("volume.delete", None, "RUNNING", "SUCCESS"),
    Operation("volume.extend", None, "RUNNING", "SUCCESS"),
)

LIST_RULES = ListRules(
    sort_keys=("id", "status", "size", "created_at", "name"), default_sort_key="created_at",
    bad_limit=lambda m: errors.evs_error(400, "EVS.1023", m),
    bad_marker=lambda m: errors.evs_error(400, "EVS.1024", m),
    bad_sort_key=lambda m: errors.evs_error(400, "EVS.1039", m),
    bad_sort_dir=lambda m: errors.evs_error(400, "EVS.1040", m),
)


# -- context ---------------------------------------------------------------
class Call(ProjectCall):
    """An EVS request: adds the volume and snapshot repositories and their lookups."""

    def __init__(self, request: Request, principal: auth.Principal):
        super().__init__(request, principal)
        self.volumes = Repository(self.emu, VOLUME)
        self.snapshots = Repository(self.emu, SNAPSHOT)
        self.jobs = Repository(self.emu, JOB)

    def require_zone_up(self, az: str) -> None:
        if self.emu.zone_is_down(az):
            raise errors.evs_error(500, "EVS.2002", f"Internal error: availability zone {az} is unavailable.")

    def volume(self, volume_id: str) -> dict:
        return self.find_reachable(self.volumes, volume_id, "Volume")

    def snapshot(self, snapshot_id: str) -> dict:
        return self.find_reachable(self.snapshots, snapshot_id, "Snapshot", zone_key="_availability_zone")


endpoint = project_endpoint(Call)


# -- views -----------------------------------------------------------------
def _links(call: Call, collection: str, rid: str) -> list[dict]:
    bookmark = f"{call.base_url}/evs/{call.project_id}/{collection}/{rid}"
    return [{"href": f"{call.endpoint}/{collection}/{rid}", "rel": "self"}, {"href": bookmark, "rel": "bookmark"}]


def volume_view(call: Call, v: dict) -> dict:
    down = call.emu.zone_is_down(v["availability_zone"])
    return {
        "id": v["id"], "name": v["name"], "description": v["description"],
        "status": "error" if down else v["status"],
        "size": v["size"], "availability_zone": v["availability_zone"], "volume_type": v["volume_type"],
        "bootable": "false", "encrypted": v["metadata"].get("__system__encrypted") == "1",
        "multiattach": v["multiattach"], "shareable": str(v["multiattach"]).lower(),
        "metadata": dict(v["metadata"]), "snapshot_id": v["snapshot_id"], "source_volid": None,
        "created_at": cinder_time(v["created_at"]), "updated_at": cinder_time(v["updated_at"]),
        "user_id": v["user_id"], "links": _links(call, "volumes", v["id"]),
        "attachments": [dict(a) for a in v["attachments"]],
        "os-vol-tenant-attr:tenant_id": v["project_id"], "os-vol-host-attr:host": f"{v['availability_zone']}#evs",
        "os-vol-mig-status-attr:migstat": None, "os-vol-mig-status-attr:name_id": None,
        "replication_status": "disabled", "consistencygroup_id": None, "storage_cluster_id": None,
        "wwn": v["wwn"],
    }


def snapshot_view(call: Call, s: dict) -> dict:
    down = call.emu.zone_is_down(s["_availability_zone"])
    return {
        "id": s["id"], "name": s["name"], "description": s["description"],
        "status": "error" if down else s["status"], "size": s["size"], "volume_id": s["volume_id"],
        "metadata": dict(s["metadata"]), "created_at": cinder_time(s["created_at"]),
        "updated_at": cinder_time(s["updated_at"]),
        "os-extended-snapshot-attributes:project_id": s["project_id"],
        "os-extended-snapshot-attributes:progress": "100%" if s["status"] == "available" else "0%",
    }


def summary(call: Call, item: dict, collection: str) -> dict:
    return {"id": item["id"], "name": item["name"], "links": _links(call, collection, item["id"])}


# -- validation helpers ----------------------------------------------------
def _text(value, field: str, limit: int = 255) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise errors.bad_request(f"Invalid {field}: a string is expected.")
    if len(value.encode()) > limit:
        raise errors.bad_request(f"Invalid {field}: longer than {limit} bytes.")
    return value


def _metadata(value, field: str = "metadata") -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise errors.bad_request(f"Invalid {field}: a map of strings is expected.")
    for key, val in value.items():
        if not key or len(key) > 255 or len(val) > 255:
            raise errors.bad_request(f"Invalid {field}: keys must be 1..255 and values 0..255 characters.")
    return dict(value)


def _size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise errors.evs_error(400, "EVS.1010", "Invalid size: an integer number of GB is expected.")
    try:
        return int(value)
    except ValueError:
        raise errors.evs_error(400, "EVS.1010", f"Invalid size '{value}'.") from None


def _metadata_query(raw: str | None) -> dict | None:
    if raw is None:
        return None
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        try:
            parsed = ast.literal_eval(raw)  # clients send a Python dict repr, e.g. {'k': 'v'}
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            raise errors.bad_request(f"Invalid metadata filter '{raw}'.") from None
    if not isinstance(parsed, dict):
        raise errors.bad_request(f"Invalid metadata filter '{raw}'.")
    return {str(k): str(v) for k, v in parsed.items()}


# -- quotas ----------------------------------------------------------------
def usage(call: Call) -> dict:
    """Counted in SQL per volume type (store.usage), not by reading every resource."""
    volumes = call.volumes.usage(call.project_id)
    snapshots = call.snapshots.usage(call.project_id)
    # VBS backups count against the Cinder backup quotas (CBR accounts in its vaults instead).
    vbs_backups = Repository(call.emu, "vbs_backup").usage(call.project_id).values()
    used = {"volumes": sum(n for n, _ in volumes.values()), "gigabytes": sum(gb for _, gb in volumes.values()),
            "snapshots": sum(n for n, _ in snapshots.values()),
            "backups": sum(n for n, _ in vbs_backups), "backup_gigabytes": sum(gb for _, gb in vbs_backups)}
    for type_name in call.emu.config.volume_type_names():
        used[f"volumes_{type_name}"], used[f"gigabytes_{type_name}"] = volumes.get(type_name, (0, 0))
        used[f"snapshots_{type_name}"] = snapshots.get(type_name, (0, 0))[0]
    return used


def limit_of(call: Call, name: str) -> int:
    return int(call.emu.config.quotas.get(name, -1))


def check_quota(call: Call, volumes: int = 0, gigabytes: int = 0, snapshots: int = 0) -> None:
    used = usage(call)
    if volumes and 0 <= limit_of(call, "volumes") < used["volumes"] + volumes:
        raise errors.evs_error(400, "EVS.1034", "Volume count quota exceeded.")
    if gigabytes and 0 <= limit_of(call, "gigabytes") < used["gigabytes"] + gigabytes:
        raise errors.evs_error(400, "EVS.1042", "Volume gigabytes quota exceeded.")
    if snapshots and 0 <= limit_of(call, "snapshots") < used["snapshots"] + snapshots:
        raise errors.fault(413, "Maximum number of snapshots allowed exceeded.", retryAfter="0")


PROJECT_QUOTAS = ("volumes", "snapshots", "gigabytes", "backups", "backup_gigabytes")
PER_TYPE_QUOTAS = ("volumes", "gigabytes", "snapshots")


@endpoint
async def show_quotas(call: Call):
    target = call.request.path_params["target_project_id"]
    if target != call.project_id:
        raise auth.project_mismatch()
    limits = {name: limit_of(call, name) for name in PROJECT_QUOTAS}
    # The seed sets no per-volume-type limits; Cinder shows them as -1 (unlimited).
    limits |= {f"{n}_{t}": -1 for t in call.emu.config.volume_type_names() for n in PER_TYPE_QUOTAS}
    if query_flag(call.request, "usage"):
        used = usage(call)
        limits = {name: {"in_use": used.get(name, 0), "limit": limit, "reserved": 0} for name, limit in limits.items()}
    return json_response({"quota_set": {"id": target} | limits})


# -- volumes ---------------------------------------------------------------
def _volume_source(call: Call, spec: dict) -> dict | None:
    """The snapshot a new volume starts from, checked; None for a blank volume."""
    sources = [k for k in ("snapshot_id", "imageRef", "source_volid", "backup_id") if spec.get(k)]
    if len(sources) > 1:
        raise errors.evs_error(400, "EVS.1016", "Only one of imageRef, snapshot_id, source_volid and backup_id "
                                                "may be given.")
    if not sources:
        return None
    if sources == ["backup_id"]:  # a VBS or CBR backup: any AZ of its region (services/backup_common.py)
        from .backup_common import source_for_new_volume
        return source_for_new_volume(call.emu, call.project_id, spec["backup_id"], call.region)
    if sources != ["snapshot_id"]:
        raise errors.bad_request(f"Creating a volume from {sources[0]} is not supported by this cloud emulator.")
    snapshot = call.snapshots.get(spec["snapshot_id"], call.project_id)
    if snapshot is None:
        raise errors.evs_error(400, "EVS.2045", f"Invalid snapshot_id {spec['snapshot_id']}.")
    _refuse_backup_snapshot(snapshot, "used to create a disk")
    if snapshot["status"] not in ("available", "backing-up"):
        raise errors.evs_error(400, "EVS.2043", f"Snapshot {snapshot['id']} status must be available.")
    return snapshot


def _new_volume_size(spec: dict, source: dict | None, zone: str) -> int:
    """The size of a new volume: given, or the snapshot's; never below the snapshot's."""
    if source is None:
        if "size" not in spec:
            raise errors.evs_error(400, "EVS.1010", "Invalid size: size is required.")
        size = _size(spec["size"])
    else:
        size = _size(spec.get("size", source["size"]))
        if size < source["size"]:
            raise errors.evs_error(400, "EVS.1010", f"Invalid size {size}: smaller than the "
                                                    f"{source.get('kind', 'snapshot')} ({source['size']} GB).")
        if source.get("kind") != "backup" and source["_availability_zone"] != zone:
            raise errors.evs_error(400, "EVS.1036", "The volume must be in the availability zone of the snapshot.")
    low, high = DATA_DISK_SIZE
    if not low <= size <= high:
        raise errors.evs_error(400, "EVS.1010", f"Invalid size {size}: must be within {low}..{high} GB.")
    return size


def start_volume_creates(call: Call, spec: dict, count: int = 1) -> list[dict]:
    """Validate a create request and start `count` volumes (vendor batches name them name-0001...)."""
    config = call.emu.config
    zone = spec.get("availability_zone")
    if zone not in config.availability_zones(call.region):
        raise errors.evs_error(400, "EVS.1036", f"Invalid availability_zone '{zone}'.")
    source = _volume_source(call, spec)
    size = _new_volume_size(spec, source, zone)
    volume_type = spec.get("volume_type") or config.default_volume_type
    if volume_type not in config.volume_type_names():
        raise errors.evs_error(400, "EVS.1020", f"Invalid volume_type '{volume_type}'.")
    name = _text(spec.get("name"), "name")
    fields = {"description": _text(spec.get("description"), "description"),
              "metadata": _metadata(spec.get("metadata")),
              "multiattach": bool_value(spec.get("multiattach", False), "multiattach")}
    call.require_zone_up(zone)
    check_quota(call, volumes=count, gigabytes=size * count)
    started = []
    for index in range(count):
        volume_id = new_id()
        volume = fields | {
            "id": volume_id, "name": f"{name}-{index + 1:04d}" if count > 1 else name,
            "project_id": call.project_id, "region": call.region, "user_id": call.principal.user_id,
            "status": None, "size": size, "availability_zone": zone, "volume_type": volume_type,
            "snapshot_id": source["id"] if source and source.get("kind") != "backup" else None,
            "backup_id": source["id"] if source and source.get("kind") == "backup" else None, "attachments": [],
            "created_at": call.now, "updated_at": call.now, "wwn": "688860300" + volume_id.replace("-", "")[:23],
            # Disk content ground truth: a small block map; a volume from a snapshot starts with its blocks.
            "_blocks": dict(source["_blocks"]) if source else {},
        }
        started.append(call.volumes.save(begin(volume, VOLUME_OPS["volume.create"], call.now, call.timings())))
    return started


@endpoint
async def create_volume(call: Call):
    (volume,) = start_volume_creates(call, required_object(await read_json(call.request), "volume"))
    return json_response({"volume": volume_view(call, volume)}, 202)


def _listed(call: Call, repo: Repository, view, fields: dict[str, str | None], collection: str,
            counted: bool = False) -> Listed:
    query = call.request.query_params
    return filtered_page(repo, call.project_id, lambda body: view(call, body), fields, query, LIST_RULES,
                         f"{call.endpoint}/{collection}", metadata=_metadata_query(query.get("metadata")),
                         counted=counted)


VOLUME_FILTERS = {"name": "name", "status": None, "availability_zone": "zone"}


def _listed_volumes(call: Call, collection: str, counted: bool = False) -> Listed:
    return _listed(call, call.volumes, volume_view, VOLUME_FILTERS, collection, counted)


@endpoint
async def list_volumes(call: Call):
    listed = _listed_volumes(call, "volumes")
    return _list_answer("volumes", [summary(call, v, "volumes") for v in listed.items], listed.links)


@endpoint
async def list_volumes_detail(call: Call):
    listed = _listed_volumes(call, "volumes/detail", counted=query_flag(call.request, "with_count"))
    body = _list_body("volumes", listed.items, listed.links)
    if listed.count is not None:
        body["count"] = listed.count
    return json_response(body)


# The vendor lists also filter by `id`, and volumes by `ids` (Huawei Cloud EVS API "Querying Details
# About All EVS Disks", evs_04_2066: `ids=['id1','id2']`, at most 60, unknown ids ignored, `id`
# ignored when `ids` is given).
VENDOR_VOLUME_FILTERS = VOLUME_FILTERS | {"id": "id"}
MAX_IDS = 60


def _ids_query(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    ids = tuple(part.strip().strip("'\"") for part in raw.strip().strip("[]").split(","))
    ids = tuple(i for i in ids if i)
    if len(ids) > MAX_IDS:
        raise errors.evs_error(400, "EVS.1002", f"Invalid ids: at most {MAX_IDS} ids can be queried at once.")
    return ids


@endpoint
async def list_cloudvolumes_detail(call: Call):
    """Vendor list (Huawei SDK ListVolumes): same items, plus `count` of all matches."""
    query = call.request.query_params
    ids = _ids_query(query.get("ids"))
    fields = VOLUME_FILTERS if ids is not None else VENDOR_VOLUME_FILTERS
    listed = filtered_page(call.volumes, call.project_id, lambda body: vendor_volume_view(call, body), fields, query,
                           LIST_RULES, f"{call.endpoint}/cloudvolumes/detail",
                           metadata=_metadata_query(query.get("metadata")), counted=True, ids=ids)
    return json_response({"count": listed.count} | _list_body("volumes", listed.items, listed.links))


def _list_body(key: str, items: list[dict], links: list[dict]) -> dict:
    body = {key: items}
    if links:
        body[f"{key}_links"] = links
    return body


def _list_answer(key: str, items: list[dict], links: list[dict]):
    return json_response(_list_body(key, items, links))


@endpoint
async def show_volume(call: Call):
    return json_response({"volume": volume_view(call, call.volume(call.request.path_params["volume_id"]))})


# `storage_cluster_id` is in OTC's Cinder volume object, not in the vendor API's (Huawei Cloud
# EVS API evs_04_2065 "Querying Details About an EVS Disk", huaweicloudsdkevs VolumeDetail).
def vendor_volume_view(call: Call, v: dict) -> dict:
    view = volume_view(call, v)
    del view["storage_cluster_id"]
    return view


@endpoint
async def show_cloudvolume(call: Call):
    return json_response({"volume": vendor_volume_view(call, call.volume(call.request.path_params["volume_id"]))})


def _apply_update(spec: dict, item: dict, display_aliases: bool = False) -> dict:
    """Apply name/description/metadata from an update body (v2 snapshots also take display_*)."""
    updated = dict(item)
    for field, alias in (("name", "display_name"), ("description", "display_description")):
        key = field if field in spec else (alias if display_aliases and alias in spec else None)
        if key:
            updated[field] = _text(spec[key], field)
    if "metadata" in spec:
        updated["metadata"] = _metadata(spec["metadata"])
    return updated


async def _updated_volume(call: Call, fields: tuple[str, ...] | None = None) -> dict:
    volume = call.volume(call.request.path_params["volume_id"])
    spec = required_object(await read_json(call.request), "volume")
    if fields is not None:
        spec = {k: v for k, v in spec.items() if k in fields}
        if all(spec.get(k) is None for k in fields):
            raise errors.bad_request(f"Invalid volume: {' and '.join(fields)} cannot both be null.")
    return volume_view(call, call.volumes.save(_apply_update(spec, volume) | {"updated_at": call.now}))


@endpoint
async def update_volume(call: Call):
    return json_response({"volume": await _updated_volume(call)})


# The vendor update (PUT /v2/{project_id}/cloudvolumes/{volume_id}, Huawei Cloud EVS API
# evs_04_2009) changes only name and description and answers the disk's fields at the top level
# (huaweicloudsdkevs UpdateVolumeResponse), without the fields that model does not list.
VENDOR_UPDATE_FIELDS = ("attachments", "availability_zone", "bootable", "created_at", "id", "links", "metadata",
                        "multiattach", "name", "os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id", "shareable",
                        "size", "snapshot_id", "source_volid", "status", "volume_type", "description")


@endpoint
async def update_cloudvolume(call: Call):
    view = await _updated_volume(call, ("name", "description"))
    return json_response({k: view[k] for k in VENDOR_UPDATE_FIELDS})


@endpoint
async def delete_volume(call: Call):
    _start_volume_delete(call, call.volume(call.request.path_params["volume_id"]))
    return empty(202)


def _start_volume_delete(call: Call, volume: dict) -> None:
    operation = VOLUME_OPS["volume.delete"]
    if not operation.allows(volume["status"]):
        raise errors.evs_error(400, "EVS.1046", f"Invalid volume: volume status must be available or error, "
                                                f"but current status is: {volume['status']}.")
    dependents = [s for _, s in call.snapshots.scan(call.project_id, Selection(equal=(("volume_id", volume["id"]),)))]
    if dependents and not query_flag(call.request, "cascade"):
        # A backup's snapshot counts like any other (Cinder's rule names no exception); only a
        # cascade delete, as the console's, takes it with the disk (README, "Choices").
        by_backup = sum(1 for s in dependents if made_by_backup(s))
        raise errors.bad_request(f"Invalid volume: Volume {volume['id']} still has {len(dependents)} "
                                 f"dependent snapshots" + (f" ({by_backup} made by backups)" if by_backup else "")
                                 + ".")
    for snapshot in dependents:
        _start_snapshot_delete(call, snapshot)
    call.volumes.save(begin(volume, operation, call.now, call.timings()))


async def _extend_request(call: Call) -> tuple[dict, int]:
    volume = call.volume(call.request.path_params["volume_id"])
    body = await read_json(call.request)
    if "os-extend" not in body:
        raise errors.bad_request(f"There is no such action: {', '.join(body) or '(none)'}.")
    spec = body["os-extend"]
    if not isinstance(spec, dict) or "new_size" not in spec:
        raise errors.bad_request("Missing required element 'new_size' in os-extend.")
    return volume, _size(spec["new_size"])


@endpoint
async def volume_action(call: Call):
    _start_volume_extend(call, *await _extend_request(call))
    return empty(202)


def _start_volume_extend(call: Call, volume: dict, new_size: int) -> None:
    operation = VOLUME_OPS["volume.extend"]
    if not operation.allows(volume["status"]):
        raise errors.evs_error(400, "EVS.1048", f"Invalid volume: cannot extend a volume in status {volume['status']}.")
    if new_size <= volume["size"]:
        raise errors.evs_error(400, "EVS.1010", f"Invalid size {new_size}: the new size must be greater than "
                                                f"{volume['size']}.")
    if new_size > DATA_DISK_SIZE[1]:
        raise errors.evs_error(400, "EVS.1010", f"Invalid size {new_size}: larger than {DATA_DISK_SIZE[1]} GB.")
    check_quota(call, gigabytes=new_size - volume["size"])
    call.volumes.save(begin(volume, operation, call.now, call.timings(), on_done={"size": new_size}))


# -- vendor create and jobs ------------------------------------------------
MAX_BATCH = 100


@endpoint
async def create_cloudvolumes(call: Call):
    """Vendor create (`/v2.1/{project_id}/cloudvolumes`): answers a job instead of the volume."""
    spec = required_object(await read_json(call.request), "volume")
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
        raise errors.bad_request(f"Invalid count '{count}': must be within 1..{MAX_BATCH}.")
    volumes = start_volume_creates(call, spec, count)
    job = _start_job(call, "volume.create", "batchCreateVolume" if count > 1 else "createVolume",
                     [v["id"] for v in volumes])
    return json_response({"job_id": job["id"], "volume_ids": job["volume_ids"]}, 202)


def _start_job(call: Call, op_name: str, job_type: str, volume_ids: list[str]) -> dict:
    job = {"id": new_id(), "project_id": call.project_id, "region": call.region, "status": None,
           "job_type": job_type, "begin_time": call.now, "volume_ids": volume_ids}
    return call.jobs.save(begin(job, JOB_OPS[op_name], call.now, call.timings()))


# Vendor delete and extend (Huawei Cloud EVS API "Deleting an EVS Disk" evs_04_2010, DELETE
# /v2/{project_id}/cloudvolumes/{volume_id}, and "Expanding EVS Disk Capacity" evs_04_2011, POST
# /v2.1/{project_id}/cloudvolumes/{volume_id}/action): the Cinder rules, answered with a job.
@endpoint
async def delete_cloudvolume(call: Call):
    volume = call.volume(call.request.path_params["volume_id"])
    _start_volume_delete(call, volume)
    return json_response({"job_id": _start_job(call, "volume.delete", "deleteVolume", [volume["id"]])["id"]}, 202)


@endpoint
async def resize_cloudvolume(call: Call):
    volume, new_size = await _extend_request(call)
    _start_volume_extend(call, volume, new_size)
    return json_response({"job_id": _start_job(call, "volume.extend", "extendVolume", [volume["id"]])["id"]}, 202)


def _job_view(job: dict, volume_id: str | None = None, sub_jobs: list | None = None) -> dict:
    view = {"status": job["status"], "job_id": job["id"], "job_type": job["job_type"],
            "begin_time": iso_millis_z(job["begin_time"]),
            # A settled operation's updated_at is the instant it completed.
            "end_time": iso_millis_z(job["updated_at"]) if job["status"] == "SUCCESS" else "",
            "error_code": None, "fail_reason": None, "entities": {}}
    if sub_jobs is not None:
        view["entities"]["sub_jobs"] = sub_jobs
    elif volume_id:
        view["entities"]["volume_id"] = volume_id
    return view


@endpoint
async def show_job(call: Call):
    job = call.jobs.get(call.request.path_params["job_id"], call.project_id)
    if job is None:
        raise errors.not_found(f"Job {call.request.path_params['job_id']} could not be found.")
    if job["job_type"] != "batchCreateVolume":
        return json_response(_job_view(job, job["volume_ids"][0]))
    subs = [_job_view(job | {"job_type": "createVolume"}, vid) for vid in job["volume_ids"]]
    return json_response(_job_view(job, sub_jobs=subs))


# -- snapshots -------------------------------------------------------------
def _check_disk_snapshot_limits(call: Call, volume: dict) -> None:
    """The per-disk rules of the real cloud (config `limits`; README "Limits of the real cloud").

    - At most 7 manual snapshots per disk: OTC EVS User Guide "Creating an EVS Snapshot"
      (evs_01_2721, "You can manually create a maximum of seven snapshots for a disk"); the
      snapshots a backup makes (`autobk_snapshot_*`) are not manual and do not count. No error
      code is documented for it: 400 badRequest (chosen).
    - One snapshot `creating` per disk at a time: Huawei Cloud EVS User Guide "Creating a
      Snapshot" ("You can create one ... snapshot for a disk at a time"), and OTC "Checking EVS
      Snapshot Details": a `creating` snapshot allows no operation. 400 badRequest (chosen).
    """
    limits = call.emu.config.limits
    mine = [s for s in backup_common.snapshots_of(call.emu, volume) if not made_by_backup(s)]
    if limits.get("one_snapshot_creating_per_disk"):
        creating = next((s for s in mine if s["status"] == "creating"), None)
        if creating is not None:
            raise errors.bad_request(f"Invalid volume: snapshot {creating['id']} of volume {volume['id']} is "
                                     f"still being created; one snapshot of a disk is created at a time.")
    most = limits.get("snapshots_per_disk")
    if most is not None and len(mine) >= int(most):
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} already has {len(mine)} snapshots; at most "
                                 f"{most} manual snapshots can be created for a disk.")


@endpoint
async def create_snapshot(call: Call):
    spec = required_object(await read_json(call.request), "snapshot")
    if not spec.get("volume_id"):
        raise errors.bad_request("Missing required element 'volume_id' in snapshot.")
    volume = call.volume(spec["volume_id"])
    force = bool_value(spec.get("force", False), "force")
    name = _reserved_name(_text(spec.get("name"), "name"))
    # Cinder's rule: an available volume always, an in-use one only with force, nothing else.
    if not (volume["status"] == "available" or (volume["status"] == "in-use" and force)):
        hint = " (use force for an in-use volume)" if volume["status"] == "in-use" else ""
        raise errors.bad_request(f"Invalid volume: Volume {volume['id']} status must be available, "
                                 f"but current status is: {volume['status']}{hint}.")
    _check_disk_snapshot_limits(call, volume)
    check_quota(call, snapshots=1)
    snapshot = {
        "id": new_id(), "project_id": call.project_id, "region": volume["region"], "name": name,
        "description": _text(spec.get("description"), "description"), "status": None, "size": volume["size"],
        "volume_id": volume["id"], "metadata": _metadata(spec.get("metadata")),
        "created_at": call.now, "updated_at": call.now,
        "_availability_zone": volume["availability_zone"], "_volume_type": volume["volume_type"],
        # A snapshot is the volume's content at the moment it was accepted.
        "_blocks": dict(volume["_blocks"]),
    }
    snapshot = begin(snapshot, SNAPSHOT_OPS["snapshot.create"], call.now, call.timings())
    call.snapshots.save(snapshot)
    return json_response({"snapshot": snapshot_view(call, snapshot)}, 202)


SNAPSHOT_FILTERS = {"name": "name", "status": None, "volume_id": "volume_id", "availability_zone": "zone"}


def _listed_snapshots(call: Call, collection: str, counted: bool = False) -> Listed:
    return _listed(call, call.snapshots, snapshot_view, SNAPSHOT_FILTERS, collection, counted)


@endpoint
async def list_snapshots(call: Call):
    listed = _listed_snapshots(call, "snapshots")
    summaries = [{k: s[k] for k in ("id", "name", "status", "size", "volume_id", "description", "created_at",
                                    "metadata")} for s in listed.items]
    return _list_answer("snapshots", summaries, listed.links)


@endpoint
async def list_snapshots_detail(call: Call):
    listed = _listed_snapshots(call, "snapshots/detail")
    return _list_answer("snapshots", listed.items, listed.links)


@endpoint
async def list_cloudsnapshots_detail(call: Call):
    """Vendor list (Huawei SDK ListSnapshots): same items, plus `count` of all matches."""
    listed = _listed(call, call.snapshots, snapshot_view, SNAPSHOT_FILTERS | {"id": "id"}, "cloudsnapshots/detail",
                     counted=True)
    return json_response({"count": listed.count} | _list_body("snapshots", listed.items, listed.links))


@endpoint
async def show_snapshot(call: Call):
    return json_response({"snapshot": snapshot_view(call, call.snapshot(call.request.path_params["snapshot_id"]))})


@endpoint
async def update_snapshot(call: Call):
    snapshot = call.snapshot(call.request.path_params["snapshot_id"])
    _refuse_backup_snapshot(snapshot, "changed")
    spec = required_object(await read_json(call.request), "snapshot")
    updated = _apply_update(spec, snapshot, display_aliases=True) | {"updated_at": call.now}
    _reserved_name(updated["name"])
    return json_response({"snapshot": snapshot_view(call, call.snapshots.save(updated))})


def _start_snapshot_delete(call: Call, snapshot: dict) -> None:
    operation = SNAPSHOT_OPS["snapshot.delete"]
    if not operation.allows(snapshot["status"]):
        raise errors.evs_error(400, "EVS.1047", f"Invalid snapshot: snapshot status must be available or error, "
                                                f"but current status is: {snapshot['status']}.")
    call.snapshots.save(begin(snapshot, operation, call.now, call.timings()))


@endpoint
async def delete_snapshot(call: Call):
    snapshot = call.snapshot(call.request.path_params["snapshot_id"])
    # The backup service replaces it at the next backup of the disk; a cascade delete of the
    # disk deletes it with the disk's other snapshots (_start_volume_delete).
    _refuse_backup_snapshot(snapshot, "deleted")
    _start_snapshot_delete(call, snapshot)
    return empty(202)


@endpoint
async def rollback_snapshot(call: Call):
    snapshot = call.snapshot(call.request.path_params["snapshot_id"])
    spec = required_object(await read_json(call.request), "rollback")
    if not spec.get("volume_id"):
        raise errors.bad_request("Missing required element 'volume_id' in rollback.")
    name = _text(spec["name"], "name") if spec.get("name") is not None else None
    _refuse_backup_snapshot(snapshot, "rolled back")
    if not SNAPSHOT_OPS["snapshot.rollback"].allows(snapshot["status"]):
        raise errors.evs_error(400, "EVS.2043", f"Snapshot {snapshot['id']} status must be available, "
                                                f"but current status is: {snapshot['status']}.")
    if spec["volume_id"] != snapshot["volume_id"]:
        raise errors.bad_request(f"Snapshot {snapshot['id']} can only be rolled back to its own volume "
                                 f"{snapshot['volume_id']}.")
    volume = call.volume(spec["volume_id"])
    if volume.get("_sdrs_pair"):  # SDRS keeps a paired disk's bytes equal on both sides (services/sdrs/model.py)
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} is in an SDRS replication pair; "
                                 f"a snapshot cannot be rolled back onto it.")
    volume_op = VOLUME_OPS["snapshot.rollback"]
    # Only onto an `available` (detached) or `error_rollbacking` disk: OTC EVS User Guide "Rolling
    # Back Disk Data from a Snapshot"; EVS API "EVS Snapshot Status" (rollbacking, NOTE).
    if not volume_op.allows(volume["status"]):
        raise errors.bad_request(f"Invalid volume: volume status must be available or error_rollbacking, "
                                 f"but current status is: {volume['status']}.")
    if name is not None:
        volume = volume | {"name": name}
    # The snapshot's blocks land on the disk when the rollback completes.
    call.volumes.save(begin(volume, volume_op, call.now, call.timings(),
                            on_done={"_blocks": dict(snapshot["_blocks"])}))
    call.snapshots.save(begin(snapshot, SNAPSHOT_OPS["snapshot.rollback"], call.now, call.timings()))
    return json_response({"rollback": {"volume_id": volume["id"]}}, 202)


# -- metadata (volumes and snapshots share these) --------------------------
def metadata_routes(collection: str, id_param: str, kind: str) -> list[Route]:
    def load(call: Call, writing: bool = False) -> tuple[Repository, dict]:
        rid = call.request.path_params[id_param]
        if kind == VOLUME:
            return call.volumes, call.volume(rid)
        snapshot = call.snapshot(rid)
        if writing:
            _refuse_backup_snapshot(snapshot, "changed")
        return call.snapshots, snapshot

    @endpoint
    async def show_all(call: Call):
        return json_response({"metadata": load(call)[1]["metadata"]})

    @endpoint
    async def write_all(call: Call):
        repo, item = load(call, writing=True)
        given = _metadata(required_object(await read_json(call.request), "metadata"))
        merged = given if call.request.method == "PUT" else item["metadata"] | given
        repo.save(item | {"metadata": merged, "updated_at": call.now})
        return json_response({"metadata": merged})

    @endpoint
    async def show_key(call: Call):
        key = call.request.path_params["key"]
        metadata = load(call)[1]["metadata"]
        if key not in metadata:
            raise errors.not_found(f"Metadata item {key} could not be found.")
        return json_response({"meta": {key: metadata[key]}})

    @endpoint
    async def write_key(call: Call):
        repo, item = load(call, writing=True)
        key = call.request.path_params["key"]
        meta = _metadata(required_object(await read_json(call.request), "meta"), "meta")
        if list(meta) != [key]:
            raise errors.bad_request("Request body and URI mismatch.")
        repo.save(item | {"metadata": item["metadata"] | meta, "updated_at": call.now})
        return json_response({"meta": meta})

    @endpoint
    async def delete_key(call: Call):
        repo, item = load(call, writing=True)
        key = call.request.path_params["key"]
        if key not in item["metadata"]:
            raise errors.not_found(f"Metadata item {key} could not be found.")
        repo.save(item | {"metadata": {k: v for k, v in item["metadata"].items() if k != key},
                          "updated_at": call.now})
        return empty(200)

    base = f"/{{project_id}}/{collection}/{{{id_param}}}/metadata"
    return [
        Route(base, show_all, methods=["GET"]),
        Route(base, write_all, methods=["POST", "PUT"]),
        Route(base + "/{key}", show_key, methods=["GET"]),
        Route(base + "/{key}", write_key, methods=["PUT"]),
        Route(base + "/{key}", delete_key, methods=["DELETE"]),
    ]


# -- small read-only catalogues --------------------------------------------
@endpoint
async def list_types(call: Call):
    # The fields of EVS API "Querying EVS Disk Types" (evs_04_2071); its extra_specs are reserved.
    types = [{"id": t["id"], "name": t["name"], "description": None, "is_public": True, "extra_specs": {}}
             for t in call.emu.config.volume_types]
    return json_response({"volume_types": types})


@endpoint
async def list_zones(call: Call):
    region = call.region
    zones = [{"zoneName": z, "zoneState": {"available": not call.emu.zone_is_down(z)}}
             for z in call.emu.config.availability_zones(region)]
    return json_response({"availabilityZoneInfo": zones})


# -- versions --------------------------------------------------------------
def _version(request: Request, major: str) -> dict:
    return {
        "id": f"v{major}.0", "status": "CURRENT" if major == "3" else "SUPPORTED",
        "version": "3.0" if major == "3" else "", "min_version": "3.0" if major == "3" else "",
        "updated": "2017-02-25T12:00:00Z",
        "links": [{"href": f"{base_url(request)}/evs/v{major}/", "rel": "self"}],
        "media-types": [{"base": "application/json", "type": f"application/vnd.openstack.volume+json;version={major}"}],
    }


async def versions(request: Request):
    return json_response({"versions": [_version(request, "2"), _version(request, "3")]}, 300)


def version_of(major: str):
    async def show(request: Request):
        return json_response({"versions": [_version(request, major)]})
    return show


# -- routing ---------------------------------------------------------------
def api_routes() -> list:
    """Routes below a version mount (/evs/v2, /evs/v3)."""
    pid = "/{project_id}"
    snapshot = {"create": create_snapshot, "show": show_snapshot, "update": update_snapshot, "delete": delete_snapshot}
    return [
        *resource_routes(f"{pid}/volumes", "volume_id", create=create_volume, listing=list_volumes,
                         detail=list_volumes_detail, show=show_volume, update=update_volume, delete=delete_volume),
        Route(f"{pid}/volumes/{{volume_id}}/action", volume_action, methods=["POST"]),
        *metadata_routes("volumes", "volume_id", VOLUME),
        *resource_routes(f"{pid}/cloudvolumes", "volume_id", detail=list_cloudvolumes_detail, show=show_cloudvolume,
                         update=update_cloudvolume, delete=delete_cloudvolume),
        *resource_routes(f"{pid}/snapshots", "snapshot_id", listing=list_snapshots, detail=list_snapshots_detail,
                         **snapshot),
        *metadata_routes("snapshots", "snapshot_id", SNAPSHOT),
        # Vendor snapshot paths (same bodies as the Cinder ones; used by the Huawei SDK).
        *resource_routes(f"{pid}/cloudsnapshots", "snapshot_id", detail=list_cloudsnapshots_detail, **snapshot),
        Route(f"{pid}/os-vendor-snapshots/{{snapshot_id}}/rollback", rollback_snapshot, methods=["POST"]),
        Route(f"{pid}/cloudsnapshots/{{snapshot_id}}/rollback", rollback_snapshot, methods=["POST"]),
        Route(f"{pid}/os-quota-sets/{{target_project_id}}", show_quotas, methods=["GET"]),
        Route(f"{pid}/types", list_types, methods=["GET"]),
        Route(f"{pid}/os-availability-zone", list_zones, methods=["GET"]),
    ]


def vendor_routes() -> dict[str, list]:
    """Vendor paths on their own version prefixes."""
    pid = "/{project_id}"
    return {
        "/v2.1": [Route(f"{pid}/cloudvolumes", create_cloudvolumes, methods=["POST"]),
                  Route(f"{pid}/cloudvolumes/{{volume_id}}/action", resize_cloudvolume, methods=["POST"])],
        "/v1": [Route(f"{pid}/jobs/{{job_id}}", show_job, methods=["GET"])],
    }


def mounts() -> list:
    api = api_routes()
    vendor = [Mount(prefix, routes=routes) for prefix, routes in vendor_routes().items()]
    return [
        Mount("/evs", routes=[
            Route("/", versions, methods=["GET"]),
            Route("/v2", version_of("2"), methods=["GET"]),
            Route("/v2/", version_of("2"), methods=["GET"]),
            Route("/v3", version_of("3"), methods=["GET"]),
            Route("/v3/", version_of("3"), methods=["GET"]),
            Mount("/v2", routes=api),
            Mount("/v3", routes=api),
            *vendor,
        ]),
    ]


def unprefixed_mounts() -> list:
    """EVS paths without the /evs prefix, for SDKs that drop an endpoint's path (huaweicloudsdk*)."""
    api = api_routes()
    vendor = [Mount(prefix, routes=routes) for prefix, routes in vendor_routes().items()]
    return [Mount("/v2", routes=api), Mount("/v3", routes=api), *vendor]
