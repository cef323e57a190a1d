"""VBS's HTTP side: routes, request bodies, the views the cloud answers, and its list queries.

Canonical URLs: `{base}/vbs/v2/{project_id}` (vendor `cloudbackups`, `backuppolicy`, and the
Cinder-compatible `backups`), `{base}/vbs/v3/{project_id}/backups...`, jobs at
`{base}/vbs/v1/{project_id}/jobs/{job_id}` (also under `/vbs/v2/...`, where otcextensions looks).
Every handler reads the request, lets `model` check and change the state, and answers a view.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from starlette.routing import Mount, Route

from ...clock import cinder_time, iso_millis_z
from ...listing import Listed, ListRules, filter_items, filtered_page, page, sort_items
from ...routing import resource_routes
from ...store import Selection
from ...web import empty, json_response, query_flag, read_json, required_object
from .. import backup_common as common
from . import model
from .model import Call, vbs_error

MOUNT = "/vbs"
# The real catalog lists VBS twice: type `vbsv2` (with the project id) and type `vbs` named
# `volume-backup` (without the project id: otcextensions' volume_backup service looks up `vbs`
# and appends the project id itself). ../shared/api/endpoints.md; issue 16.
CATALOG = [
    ("vbsv2", "vbsv2", "/vbs/v2/{project_id}"),
    ("vbs", "volume-backup", "/vbs/v2"),
]
LIST_RULES = ListRules(sort_keys=("id", "name", "status", "size", "created_at"), default_sort_key="created_at")
TASK_RULES = ListRules(sort_keys=("created_at", "id"), default_sort_key="created_at")


# Authenticate, then bring the project's policy schedules up to the clock, then handle.
endpoint = common.scheduled_endpoint(Call, model.run_due_policies)


def _path(call: Call, name: str) -> str:
    return call.request.path_params[name]


async def _body(call: Call, key: str | None = None) -> dict:
    data = await read_json(call.request)
    return data if key is None else required_object(data, key)


def _job_answer(job: dict):
    return json_response({"job_id": job["id"]})


# -- views -----------------------------------------------------------------
def _links(call: Call, rid: str) -> list[dict]:
    return [{"href": f"{call.endpoint}/backups/{rid}", "rel": "self"},
            {"href": f"{call.base_url}/vbs/{call.project_id}/backups/{rid}", "rel": "bookmark"}]


def backup_view(call: Call, b: dict) -> dict:
    of_disk = call.backups.scan(call.project_id, Selection(equal=(("volume_id", b["volume_id"]),)))
    dependents = [o for _, o in of_disk if o["created_at"] > b["created_at"] and o["is_incremental"]]
    # OTC VBS API "Querying Details About a VBS Backup (Native OpenStack API)": `snapshot_id` is
    # "ID of the snapshot associated with the backup", the one the backup was read from (the
    # job's `entities.snapshot_id`, the disk's manualbk_/autobk_snapshot_vbs_*), and the example
    # carries it in service_metadata too. It stays recorded after the next backup replaces that
    # snapshot on the disk.
    snapshot_id = b.get("_snapshot_id")
    service_metadata = {"DESC": b["description"], "INC": 1 if b["is_incremental"] else 0,
                        "AZ": b["availability_zone"], "SNAP_ID": snapshot_id, "BACKUP_SIZE": b["_used_mb"],
                        "SS": 0, "VOL_SIZE": b["size"]}
    return {
        "id": b["id"], "name": b["name"], "description": b["description"], "status": b["status"],
        "volume_id": b["volume_id"], "snapshot_id": snapshot_id, "size": b["size"],
        "availability_zone": b["availability_zone"], "container": b["id"],
        "object_count": len(b["_blocks"]), "fail_reason": None,
        "created_at": cinder_time(b["created_at"]), "updated_at": cinder_time(b["updated_at"]),
        "data_timestamp": cinder_time(b["created_at"]), "links": _links(call, b["id"]),
        "os-backup-project-attr:project_id": b["project_id"], "is_incremental": b["is_incremental"],
        "has_dependent_backups": bool(dependents), "service_metadata": json.dumps(service_metadata),
        # Huawei Cloud VBS "Querying Details About a VBS Backup (Native OpenStack API)" names the
        # owner `os-bak-tenant-attr:tenant_id`; it lists no `tags` (they are a create parameter).
        "os-bak-tenant-attr:tenant_id": b["project_id"],
    }


# Query filter -> stored column (store.LISTED_COLUMNS); the status is filtered on the views.
LIST_FILTERS = {"name": "name", "status": None, "volume_id": "volume_id", "availability_zone": "zone"}


def _listed(call: Call, collection: str, counted: bool = False) -> Listed:
    return filtered_page(call.backups, call.project_id, lambda body: backup_view(call, body), LIST_FILTERS,
                         call.request.query_params, LIST_RULES, f"{call.endpoint}/{collection}", counted=counted)


def _list_body(items, links, count=None) -> dict:
    body = {"backups": items}
    if links:
        body["backups_links"] = links
    if count is not None:
        body["count"] = count
    return body


@endpoint
async def create_cloudbackup(call: Call):
    return _job_answer(model.create_backup(call, await _body(call, "backup")))


@endpoint
async def list_backups(call: Call):
    listed = _listed(call, "backups")
    summaries = [{"id": b["id"], "name": b["name"], "links": b["links"]} for b in listed.items]
    return json_response(_list_body(summaries, listed.links))


@endpoint
async def list_backups_detail(call: Call):
    listed = _listed(call, "backups/detail", counted=query_flag(call.request, "with_count"))
    return json_response(_list_body(listed.items, listed.links, listed.count))


show_backup = common.show_endpoint(endpoint, "backup", backup_view)
delete_backup = common.delete_endpoint(endpoint, "backup", model.delete_backup, 202)


@endpoint
async def delete_cloudbackup(call: Call):
    """Vendor delete (deprecated): `POST /v2/{pid}/cloudbackups/{id}` answers a job."""
    return _job_answer(model.delete_backup_job(call, call.backup(_path(call, "backup_id"), "VolumeBackup.0111")))


@endpoint
async def restore_cloudbackup(call: Call):
    backup = call.backup(_path(call, "backup_id"), "VolumeBackup.0111")
    spec = await _body(call, "restore")
    volume = model.restore_backup(call, backup, spec)
    return _job_answer(model.new_job(call, "backup.restore", {"backup_id": backup["id"], "volume_id": volume["id"]}))


@endpoint
async def restore_backup(call: Call):
    """Cinder-compatible restore: 202 {"restore": {backup_id, volume_id, volume_name}}."""
    backup = call.backup(_path(call, "backup_id"))
    spec = await _body(call, "restore")
    volume = model.restore_backup(call, backup, spec)
    return json_response({"restore": {"backup_id": backup["id"], "volume_id": volume["id"],
                                      "volume_name": volume["name"]}}, 202)


@endpoint
async def show_quota(call: Call):
    count, used = model.backups_used(call)
    quotas = call.emu.config.quotas
    resources = [
        {"type": "backups", "used": count, "quota": int(quotas.get("backups", -1)), "min": 0},
        {"type": "backup_gigabytes", "used": used,
         "quota": int(quotas.get("backup_gigabytes", -1)), "min": 0},
    ]
    return json_response({"quotas": {"resources": resources}})


# -- jobs ------------------------------------------------------------------
@endpoint
async def show_job(call: Call):
    job = call.jobs.get(call.request.path_params["job_id"], call.project_id)
    if job is None:
        raise vbs_error(404, "common.0011", f"Querying the task failed: job {call.request.path_params['job_id']} "
                                            f"does not exist.")
    done = job["status"] == "SUCCESS"
    return json_response({
        "status": job["status"], "job_id": job["id"], "job_type": job["job_type"],
        "begin_time": iso_millis_z(job["begin_time"]), "end_time": iso_millis_z(job["updated_at"]) if done else "",
        "error_code": None, "fail_reason": None, "entities": dict(job["entities"]),
    })


def policy_view(p: dict) -> dict:
    return {"backup_policy_id": p["id"], "backup_policy_name": p["name"],
            "scheduled_policy": dict(p["scheduled_policy"]), "policy_resource_count": len(p["resources"]),
            "tags": list(p.get("tags", []))}


@endpoint
async def create_policy(call: Call):
    return json_response({"backup_policy_id": model.create_policy(call, await _body(call))["id"]})


@endpoint
async def list_policies(call: Call):
    items = [policy_view(p) for p in call.policies.list(call.project_id)]
    return json_response({"backup_policies": items, "count": len(items)})


@endpoint
async def update_policy(call: Call):
    policy = call.policy(_path(call, "policy_id"))
    return json_response(policy_view(model.update_policy(call, policy, await _body(call))))


@endpoint
async def delete_policy(call: Call):
    policy = call.policy(_path(call, "policy_id"))
    call.emu.store.delete(model.POLICY, policy["id"])
    return empty(204)


@endpoint
async def execute_policy(call: Call):
    """Run now: one backup of every bound disk, then the policy's retention."""
    policy = call.policy(_path(call, "policy_id"))
    model.run_policy(call, policy, call.now)
    return empty(200)


def _bind_answer(success: list, fail: list):
    return json_response({"success_resources": success, "fail_resources": fail})


@endpoint
async def bind_resources(call: Call):
    return _bind_answer(*model.bind_resources(call, await _body(call)))


@endpoint
async def unbind_resources(call: Call):
    policy = call.policy(_path(call, "policy_id"))
    return _bind_answer(*model.unbind_resources(call, policy, await _body(call)))


def _task_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(epoch * 1000) % 1000:03d}"


@endpoint
async def list_tasks(call: Call):
    policy = call.policy(_path(call, "policy_id"))
    query = call.request.query_params
    tasks = [t for t in call.tasks.list(call.project_id) if t["policy_id"] == policy["id"]]
    items = [{"job_id": t["id"], "id": t["id"], "backup_name": t["backup_name"], "resource_id": t["resource_id"],
              "resource_type": "volume", "status": t["status"], "created_at": t["created_at"],
              "finished_at": t["finished_at"]} for t in tasks]
    items = filter_items(items, query, ("status", "job_id"))
    items = sort_items(items, query, TASK_RULES)
    count = len(items)
    chosen, _ = page(items, query, TASK_RULES, f"{call.endpoint}/backuppolicy/{policy['id']}/backuptasks")
    for item in chosen:
        item["created_at"] = _task_time(item["created_at"])
        item["finished_at"] = _task_time(item["finished_at"]) if item["finished_at"] else None
        item.pop("id")
    return json_response({"tasks": chosen, "count": count})


# -- routing ---------------------------------------------------------------
def cinder_routes() -> list:
    pid = "/{project_id}"
    return [
        *resource_routes(f"{pid}/backups", "backup_id", listing=list_backups, detail=list_backups_detail,
                         show=show_backup, delete=delete_backup),
        Route(f"{pid}/backups/{{backup_id}}/restore", restore_backup, methods=["POST"]),
    ]


def v2_routes() -> list:
    pid = "/{project_id}"
    return cinder_routes() + [
        Route(f"{pid}/cloudbackups", create_cloudbackup, methods=["POST"]),
        Route(f"{pid}/cloudbackups/quota", show_quota, methods=["GET"]),
        Route(f"{pid}/cloudbackups/{{backup_id}}", delete_cloudbackup, methods=["POST"]),
        Route(f"{pid}/cloudbackups/{{backup_id}}/restore", restore_cloudbackup, methods=["POST"]),
        Route(f"{pid}/jobs/{{job_id}}", show_job, methods=["GET"]),
        *resource_routes(f"{pid}/backuppolicy", "policy_id", create=create_policy, listing=list_policies,
                         update=update_policy, delete=delete_policy),
        Route(f"{pid}/backuppolicy/{{policy_id}}/action", execute_policy, methods=["POST"]),
        Route(f"{pid}/backuppolicy/{{policy_id}}/backuptasks", list_tasks, methods=["GET"]),
        Route(f"{pid}/backuppolicyresources", bind_resources, methods=["POST"]),
        Route(f"{pid}/backuppolicyresources/{{policy_id}}/deleted_resources", unbind_resources, methods=["POST"]),
    ]


def mounts() -> list:
    return [Mount(MOUNT, routes=[
        Mount("/v2", routes=v2_routes()),
        Mount("/v3", routes=cinder_routes()),
        Mount("/v1", routes=[Route("/{project_id}/jobs/{job_id}", show_job, methods=["GET"])]),
    ])]
