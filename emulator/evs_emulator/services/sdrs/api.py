"""SDRS's HTTP side: routes, request bodies, the views the cloud answers, and its list queries.

Canonical URL `{base}/sdrs/v1/{project_id}`; plain `/v1/...` routes as well for
huaweicloudsdksdrs (which keeps only the scheme and host of an endpoint). Every mutating call
answers `{"job_id"}`: the handler reads the request and lets `model` check it and start the
operation and its job. Errors answer {"error": {"code": "SDRS.xxxx", "message"}}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from starlette.requests import Request
from starlette.routing import Mount, Route

from ... import validators
from ...clock import cinder_time
from ...listing import OffsetRules, filter_items, offset_page
from ...resources import Repository
from ...routing import resource_routes
from ...store import Selection
from ...web import base_url, empty, json_response
from .. import backup_common as common
from .. import evs
from . import model
from .model import (JOB, QUOTAS, REPLICATING, RPO_TYPES, Call, active_az, bad, domains, group_time, member_status,
                    passive_az, sdrs_error)

MOUNT = "/sdrs"


CATALOG = [("sdrs", "sdrs", "/sdrs/v1/{project_id}")]


# Every SDRS request first records what it sees of the project's RPO (model.observe_rpo).
endpoint = common.scheduled_endpoint(Call, model.observe_rpo)

PAGING = OffsetRules(
    not_numbers=lambda: bad("SDRS.0201", "limit and offset must be integers."),
    bad_limit=lambda limit, most: bad("SDRS.0221", f"limit {limit} out of range 1..{most}."),
    bad_offset=lambda offset, most: bad("SDRS.0222", f"offset {offset} must not be negative."))


def invalid(message: str):
    return bad("SDRS.0201", message)


def job_view(job: dict) -> dict:
    done = job["status"] in ("SUCCESS", "FAIL")
    return {"status": job["status"], "job_id": job["id"], "job_type": job["job_type"],
            "begin_time": cinder_time(job["begin_time"])[:23] + "Z",
            "end_time": cinder_time(job["updated_at"])[:23] + "Z" if done else "",
            "error_code": job["error_code"], "fail_reason": job["fail_reason"], "entities": dict(job["entities"])}


def job_answer(job_id: str):
    return json_response({"job_id": job_id})


@endpoint
async def show_job(call: Call):
    job = call.jobs.get(call.request.path_params["job_id"], call.project_id)
    if job is None:
        raise sdrs_error(404, "SDRS.0201", f"The job {call.request.path_params['job_id']} does not exist.")
    return json_response(job_view(job))


async def _optional_body(call: Call, key: str | None) -> dict:
    """A delete's body, which may be empty (then {})."""
    if not await call.request.body():
        return {}
    return await validators.request_object(call.request, key, invalid)


def _path(call: Call, name: str) -> str:
    return call.request.path_params[name]


@dataclass(frozen=True)
class Body:
    """What a mutating request's body holds: the object under `key` (None: the body itself);
    `optional`: an empty body stands for {} (the deletes)."""
    key: str | None
    optional: bool = False


def job_endpoint(transition: Callable[..., str], *loads: tuple[str, str], body: Body | None = None):
    """The handler of a mutating call: load the resources its path names (each a Call finder and
    its path parameter, 404 with the resource's own code), read the body, let the model's
    `transition` check everything and start the operation; answer its job."""
    async def handler(call: Call):
        args = [getattr(call, find)(_path(call, param)) for find, param in loads]
        if body is not None:
            args.append(await (_optional_body(call, body.key) if body.optional else
                               validators.request_object(call.request, body.key, invalid)))
        return job_answer(transition(call, *args))
    handler.__name__ = transition.__name__
    return endpoint(handler)


def _paged(call: Call, items: list[dict], key: str):
    """SDRS lists: `limit`/`offset` (no marker), the total as `count`."""
    page = offset_page(items, call.request.query_params, PAGING, markers=False)
    return json_response({key: page.items, "count": len(items)})


def _ids(query, single: str, plural: str) -> set[str] | None:
    wanted = set()
    if query.get(single):
        wanted.add(query.get(single))
    if query.get(plural):
        wanted |= set(query.get(plural).split(","))
    return wanted or None


# -- views -----------------------------------------------------------------
def _replication_status(group: dict) -> str:
    if group["status"] in REPLICATING:
        return "active"
    return "active-stopped" if group["status"] in ("failing-over", "failed-over") else "inactive"


def group_view(call: Call, g: dict) -> dict:
    down = [az for az in (g["source_availability_zone"], g["target_availability_zone"]) if call.emu.zone_is_down(az)]
    pairs = call.members(call.pairs, g["id"])
    return {
        "id": g["id"], "name": g["name"], "description": g["description"], "status": g["status"],
        "progress": 0 if g["status"] in ("creating", "starting", "reprotecting") else 100,
        "source_availability_zone": g["source_availability_zone"],
        "target_availability_zone": g["target_availability_zone"],
        "domain_id": g["domain_id"], "domain_name": g["domain_name"], "priority_station": g["priority_station"],
        "source_vpc_id": g["source_vpc_id"], "target_vpc_id": g["source_vpc_id"], "test_vpc_id": "",
        "dr_type": g["dr_type"], "protected_instance_num": len(call.members(call.instances, g["id"])),
        "replication_num": len(pairs), "disaster_recovery_drill_num": len(call.members(call.drills, g["id"])),
        "protected_status": "started" if g["status"] in REPLICATING else "stopped",
        "replication_status": _replication_status(g),
        "health_status": "abnormal" if down or g["status"].startswith("error") else "normal",
        "protection_type": "replication-pair" if pairs else None, "replication_model": "hypermetro",
        "server_type": "ECS", "created_at": group_time(g["created_at"]), "updated_at": group_time(g["updated_at"]),
    }


def pair_view(call: Call, p: dict, group: dict | None = None) -> dict:
    group = group or call.groups.get(p["server_group_id"], None)
    fault_level = 0
    if group is not None:
        production_down = call.emu.zone_is_down(active_az(group))
        dr_down = call.emu.zone_is_down(passive_az(group))
        fault_level = 5 if production_down and dr_down else 2 if production_down else 3 if dr_down else 0
    return {
        "id": p["id"], "name": p["name"], "description": p["description"], "replication_model": "hypermetro",
        "status": member_status(p, group), "progress": 0 if p["status"] == "creating" else 100,
        "replication_status": _replication_status(group) if group else "inactive",
        "attachment": [dict(a) for a in p["attachment"]], "server_group_id": p["server_group_id"],
        "volume_ids": f"{p['source_volume_id']},{p['target_volume_id']}",
        "priority_station": group["priority_station"] if group else "source", "fault_level": str(fault_level),
        "failure_detail": "", "created_at": cinder_time(p["created_at"]), "updated_at": cinder_time(p["updated_at"]),
        "record_metadata": dict(p["record_metadata"]),
    }


def instance_view(call: Call, i: dict, group: dict | None = None) -> dict:
    group = group or call.groups.get(i["server_group_id"], None)
    return {
        "id": i["id"], "name": i["name"], "description": i["description"], "server_group_id": i["server_group_id"],
        "status": member_status(i, group), "progress": 0 if i["status"] == "creating" else 100,
        "source_server": i["source_server"], "target_server": i["target_server"],
        "priority_station": group["priority_station"] if group else "source",
        "attachment": [dict(a) for a in i["attachment"]], "tags": [dict(t) for t in i["tags"]],
        "metadata": {"__system__frozen": ""},
        "created_at": group_time(i["created_at"]), "updated_at": group_time(i["updated_at"]),
    }


def drill_view(d: dict) -> dict:
    return {"id": d["id"], "name": d["name"], "status": d["status"], "server_group_id": d["server_group_id"],
            "drill_vpc_id": d["drill_vpc_id"], "drill_servers": [dict(s) for s in d["drill_servers"]],
            "created_at": group_time(d["created_at"]), "updated_at": group_time(d["updated_at"])}


# -- active-active domains and quotas ---------------------------------------
@endpoint
async def list_domains(call: Call):
    return json_response({"domains": domains(call.emu.config, call.region)})


@endpoint
async def show_quotas(call: Call):
    used = {"server_groups": len(call.groups.list(call.project_id)),
            "replications": len(call.pairs.list(call.project_id))}
    resources = [{"type": k, "used": used[k], "quota": q, "min": 0, "max": q * 10} for k, q in QUOTAS.items()]
    return json_response({"quotas": {"resources": resources}})


@endpoint
async def list_groups(call: Call):
    query = call.request.query_params
    items = [group_view(call, g) for g in call.groups.list(call.project_id)]
    items = filter_items(items, query, ("name", "status"))
    zone = query.get("availability_zone")
    if zone:
        items = [g for g in items if zone in (g["source_availability_zone"], g["target_availability_zone"])]
    query_type = query.get("query_type", "general")
    if query_type == "status_abnormal":
        items = [g for g in items if g["health_status"] == "abnormal"]
    elif query_type == "stop_protected":
        items = [g for g in items if g["protected_status"] == "stopped"]
    elif query_type == "period_no_dr_drill":
        items = [g for g in items if g["disaster_recovery_drill_num"] == 0]
    elif query_type != "general":
        raise bad("SDRS.0201", f"Invalid query_type {query_type!r}.")
    return _paged(call, items, "server_groups")


def _listed_members(call: Call, repo: Repository, view) -> list[dict]:
    query = call.request.query_params
    groups = _ids(query, "server_group_id", "server_group_ids")
    if groups is not None and len(groups) == 1:
        items = call.members(repo, next(iter(groups)))
    else:
        items = [m for m in repo.list(call.project_id) if groups is None or m["server_group_id"] in groups]
    items = [view(call, m) for m in items]
    items = filter_items(items, query, ("name", "status"))
    zone = query.get("availability_zone")
    if zone:
        zoned = {g["id"] for g in call.groups.list(call.project_id) if active_az(g) == zone}
        items = [m for m in items if m["server_group_id"] in zoned]
    return items


@endpoint
async def list_pairs(call: Call):
    items = _listed_members(call, call.pairs, pair_view)
    instances = _ids(call.request.query_params, "protected_instance_id", "protected_instance_ids")
    if instances is not None:
        items = [p for p in items if any(a["protected_instance"] in instances for a in p["attachment"])]
    return _paged(call, items, "replications")


@endpoint
async def list_instances(call: Call):
    items = _listed_members(call, call.instances, instance_view)
    wanted = _ids(call.request.query_params, "protected_instance_id", "protected_instance_ids")
    if wanted is not None:
        items = [i for i in items if i["id"] in wanted]
    return _paged(call, items, "protected_instances")


@endpoint
async def list_drills(call: Call):
    query = call.request.query_params
    group_id = query.get("server_group_id")
    items = call.members(call.drills, group_id) if group_id is not None else call.drills.list(call.project_id)
    items = filter_items([drill_view(d) for d in items], query, ("server_group_id", "name", "status", "drill_vpc_id"))
    return _paged(call, items, "disaster_recovery_drills")


# -- show and rename: the same two actions on every SDRS resource -----------
@dataclass(frozen=True)
class Named:
    """An SDRS resource as its show (GET) and rename (PUT) routes see it."""
    collection: str   # URL segment, e.g. "server-groups"
    id_param: str     # path parameter of its id
    key: str          # the answer's and the rename body's key
    find: str         # the Call method that loads it (404 with its own code)
    repo: str         # the Call attribute of its repository
    view: Callable[[Call, dict], dict]


NAMED = {named.collection: named for named in (
    Named("server-groups", "group_id", "server_group", "group", "groups", group_view),
    Named("replications", "pair_id", "replication", "pair", "pairs", pair_view),
    Named("protected-instances", "instance_id", "protected_instance", "instance", "instances", instance_view),
    Named("disaster-recovery-drills", "drill_id", "disaster_recovery_drill", "drill", "drills",
          lambda call, drill: drill_view(drill)),
)}


def show_and_rename(named: Named) -> tuple:
    """The show (GET) and rename (PUT) handlers of one of `named`'s items."""
    def load(call: Call) -> dict:
        return getattr(call, named.find)(call.request.path_params[named.id_param])

    @endpoint
    async def show(call: Call):
        return json_response({named.key: named.view(call, load(call))})

    @endpoint
    async def rename(call: Call):
        item = load(call)
        spec = await validators.request_object(call.request, named.key, invalid)
        item = getattr(call, named.repo).save(item | {"name": model.check_name(spec.get("name")),
                                                      "updated_at": call.now})
        return json_response({named.key: named.view(call, item)})

    return show, rename


def sdrs_routes(pid: str, collection: str, create, listing, delete) -> list[Route]:
    """The routes every SDRS resource collection has: create (POST) and list (GET) on the collection,
    show, rename and delete on one of its items."""
    show, rename = show_and_rename(NAMED[collection])
    return resource_routes(f"{pid}/{collection}", NAMED[collection].id_param, create=create, listing=listing,
                           show=show, update=rename, delete=delete)


# -- task center -----------------------------------------------------------
# SDRS API "Task Center" (Huawei Cloud sdrs_05_0901..0904; ../shared/api/sdrs.md): the jobs that
# ended FAIL, until deleted. Without `server_group_id` only protection-group jobs are listed.
FAILED_RESOURCE = (("ProtectionGroup", "server_groups", "server_group_id"),
                   ("ProtectedInstance", "protected_instances", "protected_instance_id"),
                   ("ReplicationPair", "replications", "replication_id"),
                   ("DisasterRecoveryDrill", "disaster_recovery_drills", "disaster_recovery_drill_id"))


FAILURE_VERB = re.compile(r"^(create|delete|attach|detach|expand|resize|start|stop|reverse|failover|reprotect)")


FAILURE_REPOS = {"server_groups": "groups", "protected_instances": "instances", "replications": "pairs",
                 "disaster_recovery_drills": "drills"}


def _failure_view(call: Call, job: dict) -> dict:
    resource_type, key = next(((rtype, key) for word, rtype, key in FAILED_RESOURCE if word in job["job_type"]),
                              ("server_groups", "server_group_id"))
    resource_id = job["entities"].get(key) or ""
    resource = getattr(call, FAILURE_REPOS[resource_type]).get(resource_id, call.project_id) if resource_id else None
    verb = FAILURE_VERB.match(job["job_type"])
    return {"job_id": job["id"], "job_type": job["job_type"], "job_status": job["status"],
            "begin_time": cinder_time(job["begin_time"])[:23] + "Z",
            "failure_status": f"{verb.group(1) if verb else 'create'}Fail", "resource_id": resource_id,
            "resource_name": (resource or {}).get("name", ""), "resource_type": resource_type,
            "error_code": job["error_code"], "fail_reason": job["fail_reason"],
            "_server_group_id": job["entities"].get("server_group_id")}


def _failures(call: Call, group_id: str | None = None) -> list[dict]:
    views = [_failure_view(call, job) for _, job in call.jobs.scan(call.project_id, Selection())
             if job["status"] == "FAIL" and not job.get("_failure_cleared")]
    if group_id is None:
        return [v for v in views if v["resource_type"] == "server_groups"]
    return [v for v in views if v["_server_group_id"] == group_id]


@endpoint
async def list_failure_jobs(call: Call):
    query = call.request.query_params
    views = filter_items(_failures(call, query.get("server_group_id")), query,
                   ("failure_status", "resource_name", "resource_type"))
    views.sort(key=lambda v: v["begin_time"], reverse=True)
    return _paged(call, [{k: v for k, v in view.items() if not k.startswith("_")} for view in views], "failure_jobs")


def _clear_failures(call: Call, job_ids) -> None:
    for job_id in job_ids:
        call.jobs.save(call.jobs.get(job_id, call.project_id) | {"_failure_cleared": True})


@endpoint
async def delete_failure_job(call: Call):
    job_id = call.request.path_params["failure_job_id"]
    job = call.jobs.get(job_id, call.project_id)
    if job is None or job["status"] != "FAIL" or job.get("_failure_cleared"):
        raise sdrs_error(404, "SDRS.0201", f"The failure job {job_id} does not exist.")
    _clear_failures(call, [job_id])
    return empty(204)


@endpoint
async def delete_failure_jobs(call: Call):
    _clear_failures(call, [v["job_id"] for v in _failures(call)])
    return empty(204)


@endpoint
async def delete_group_failure_jobs(call: Call):
    group = call.group(call.request.path_params["group_id"])
    _clear_failures(call, [v["job_id"] for v in _failures(call, group["id"])])
    return empty(204)


# -- API versions ------------------------------------------------------------
# SDRS API "Querying API Versions" / "Querying a Specified API Version" (no authentication).
def _version_view(request: Request, prefix: str) -> dict:
    return {"id": "v1", "links": [{"href": f"{base_url(request)}{prefix}/v1/", "rel": "self"}], "min_version": "",
            "status": "CURRENT", "updated": "2019-01-01T00:00:00Z", "version": ""}


def versions_of(prefix: str):
    async def versions(request: Request):
        return json_response({"versions": [_version_view(request, prefix)]})
    return versions


def version_of(prefix: str):
    async def version(request: Request):
        if request.path_params.get("api_version", "v1") != "v1":
            raise sdrs_error(404, "SDRS.0201", f"API version {request.path_params['api_version']} does not exist.")
        return json_response({"version": _version_view(request, prefix)})
    return version


def _rpo_instant(query, field: str) -> float | None:
    """`start_time`/`end_time` as the reference writes them ("yyyy-MM-dd HH:mm:ss.SSS")."""
    raw = query.get(field)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise bad("SDRS.0201", f"{field} '{raw}' is not in the format yyyy-MM-dd HH:mm:ss.SSS.") from None


def rpo_point_view(point: dict) -> dict:
    return {"id": point["id"], "point_time": group_time(point["point"])[:16], "resource_num": point["resource_num"],
            "resource_type": point["resource_type"], "created_at": group_time(point["created_at"]),
            "updated_at": group_time(point["updated_at"])}


@endpoint
async def list_rpo_statistics(call: Call):
    query = call.request.query_params
    kind = query.get("resource_type")
    if kind is not None and kind not in RPO_TYPES:
        raise bad("SDRS.0201", f"resource_type '{kind}' is not one of {', '.join(RPO_TYPES)}.")
    start, end = _rpo_instant(query, "start_time"), _rpo_instant(query, "end_time")
    points = sorted(call.rpo_points.list(call.project_id), key=lambda p: p["point"])
    points = [p for p in points if (start is None or p["point"] >= start) and (end is None or p["point"] <= end)]
    return _paged(call, [rpo_point_view(p) for p in points], "resource_rpo_statistics")


# -- routing ---------------------------------------------------------------
# What the mutating routes load from their path: (Call finder, path parameter).
GROUP_IN_PATH, PAIR_IN_PATH = ("group", "group_id"), ("pair", "pair_id")
INSTANCE_IN_PATH, DRILL_IN_PATH = ("instance", "instance_id"), ("drill", "drill_id")
# The mutating calls: one handler each (the prefixed and the plain route share it).
create_group = job_endpoint(model.create_group, body=Body("server_group"))
delete_group = job_endpoint(model.delete_group, GROUP_IN_PATH)
group_action = job_endpoint(model.group_action, GROUP_IN_PATH, body=Body(None))
create_pair = job_endpoint(model.create_pair, body=Body("replication"))
delete_pair = job_endpoint(model.delete_pair, PAIR_IN_PATH, body=Body("replication", optional=True))
create_instance = job_endpoint(model.create_instance, body=Body("protected_instance"))
delete_instance = job_endpoint(model.delete_instance, INSTANCE_IN_PATH, body=Body(None, optional=True))
attach_pair = job_endpoint(model.attach_pair, INSTANCE_IN_PATH, body=Body("replicationAttachment"))
detach_pair = job_endpoint(model.detach_pair, INSTANCE_IN_PATH, PAIR_IN_PATH)
create_drill = job_endpoint(model.create_drill, body=Body("disaster_recovery_drill"))
delete_drill = job_endpoint(model.delete_drill, DRILL_IN_PATH)


def api_routes(prefix: str = "") -> list:
    pid = prefix + "/{project_id}"
    instances = f"{pid}/protected-instances"
    return [
        Route(f"{pid}/active-domains", list_domains, methods=["GET"]),
        Route(f"{pid}/sdrs/quotas", show_quotas, methods=["GET"]),
        Route(f"{pid}/jobs/{{job_id}}", show_job, methods=["GET"]),
        *sdrs_routes(pid, "server-groups", create_group, list_groups, delete_group),
        Route(f"{pid}/server-groups/{{group_id}}/action", group_action, methods=["POST"]),
        *sdrs_routes(pid, "replications", create_pair, list_pairs, delete_pair),
        *sdrs_routes(pid, "protected-instances", create_instance, list_instances, delete_instance),
        Route(f"{instances}/{{instance_id}}/attachreplication", attach_pair, methods=["POST"]),
        Route(f"{instances}/{{instance_id}}/detachreplication/{{pair_id}}", detach_pair, methods=["DELETE"]),
        *sdrs_routes(pid, "disaster-recovery-drills", create_drill, list_drills, delete_drill),
        Route(f"{pid}/task-center/failure-jobs", list_failure_jobs, methods=["GET"]),
        Route(f"{pid}/resource/rpo-statistics", list_rpo_statistics, methods=["GET"]),
        Route(f"{pid}/task-center/failure-jobs/batch", delete_failure_jobs, methods=["DELETE"]),
        Route(f"{pid}/task-center/failure-jobs/{{failure_job_id}}", delete_failure_job, methods=["DELETE"]),
        Route(f"{pid}/task-center/{{group_id}}/failure-jobs/batch", delete_group_failure_jobs, methods=["DELETE"]),
    ]


def mounts() -> list:
    return [Route("/sdrs/", versions_of("/sdrs"), methods=["GET"]),
            Route("/sdrs/v1", version_of("/sdrs"), methods=["GET"]),
            Route("/sdrs/v1/", version_of("/sdrs"), methods=["GET"]),
            Mount("/sdrs/v1", routes=api_routes())]


async def show_unprefixed_job(request: Request):
    """`/v1/{project_id}/jobs/{job_id}` without the /sdrs prefix is shared with the EVS vendor
    jobs (the Huawei SDKs keep only the host of an endpoint): an SDRS job answers as SDRS."""
    if request.app.state.emulator.store.get(JOB, request.path_params["job_id"]) is not None:
        return await show_job(request)
    return await evs.show_job(request)


def unprefixed_routes() -> list:
    """Plain `/v1/...` routes for huaweicloudsdksdrs (not a mount, so other paths fall through)."""
    routes = [r for r in api_routes("/v1") if not r.path.endswith("/jobs/{job_id}")]
    return routes + [Route("/v1/{project_id}/jobs/{job_id}", show_unprefixed_job, methods=["GET"]),
                     # huaweicloudsdksdrs ShowSpecifiedApiVersion (`GET /{api_version}` on the SDRS host)
                     Route("/v1", version_of(""), methods=["GET"])]
