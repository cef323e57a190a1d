"""CBR's HTTP side: routes, request bodies, the views the cloud answers, and its list queries.

Canonical URL `{base}/cbr/v3/{project_id}`; the same routes are also served without the
`/cbr` prefix (`{base}/v3/{project_id}/vaults...`) for the Huawei SDK, which keeps only the
scheme and host of an endpoint. Errors answer {"error_code": "BackupService.xxxx", "error_msg"}.
Every handler reads the request, lets `model` check and change the state, and answers a view.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from starlette.routing import Mount, Route

from ... import validators
from ...listing import OffsetRules, filter_items, offset_page, sort_by_clauses, time_window
from ...routing import resource_routes
from ...store import Selection
from ...web import empty, json_response
from .. import backup_common as common
from .. import evs
from . import model
from .model import DISK_TYPE, PROVIDERS, Call, backups_where, cbr_error, cbr_time, invalid

MOUNT = "/cbr"
CATALOG = [("cbr", "cbr", "/cbr/v3/{project_id}")]

# Authenticate, bring vault bind rules and policy schedules up to the clock, then handle.
endpoint = common.scheduled_endpoint(Call, model.run_due_policies)

PAGING = OffsetRules(
    not_numbers=lambda: invalid("Invalid limit or offset: integers expected."),
    bad_limit=lambda limit, most: invalid(f"Invalid limit (1..{most}) or offset (>= 0)."),
    bad_offset=lambda offset, most: invalid(f"Invalid limit (1..{most}) or offset (>= 0)."),
    bad_marker=lambda marker: invalid(f"Invalid marker '{marker}'."))


async def _body(call: Call, key: str | None = None) -> dict:
    return await validators.request_object(call.request, key, invalid)


def _path(call: Call, name: str) -> str:
    return call.request.path_params[name]


def _create_endpoint(kind: str, transition, view):
    """POST of a vault or policy: the body's object `kind`, checked and stored by the model's
    `transition`, answered as `{kind: view}`."""
    async def create(call: Call):
        return json_response({kind: view(call, transition(call, await _body(call, kind)))})
    create.__name__ = transition.__name__
    return endpoint(create)


def _update_endpoint(kind: str, transition, view):
    """PUT of a vault or policy: the path's resource (404 first), then the body's object `kind`."""
    async def update(call: Call):
        resource = common.in_path(call, kind)
        return json_response({kind: view(call, transition(call, resource, await _body(call, kind)))})
    update.__name__ = transition.__name__
    return endpoint(update)


# -- views -----------------------------------------------------------------
def vault_view(call: Call, v: dict) -> dict:
    backups = backups_where(call, vault_id=v["id"])
    resources = []
    for r in v["resources"]:
        mine = [b for b in backups if b["resource_id"] == r["id"]]
        name = r.get("name") or (call.volumes.get(r["id"], call.project_id) or {}).get("name", "")
        resources.append({"id": r["id"], "name": name, "type": r["type"],
                          "size": model.resource_size(call, r), "extra_info": r.get("extra_info", {}),
                          "protect_status": "available", "backup_count": len(mine),
                          "backup_size": sum(b["_used_mb"] for b in mine)})
    billing = dict(v["billing"])
    billing["used"] = sum(b["_used_mb"] for b in backups)
    return {"id": v["id"], "name": v["name"], "description": v["description"], "project_id": v["project_id"],
            "provider_id": PROVIDERS[billing["object_type"]], "user_id": v["user_id"],
            "created_at": cbr_time(v["created_at"]), "auto_bind": v["auto_bind"], "bind_rules": v["bind_rules"],
            "auto_expand": v["auto_expand"], "locked": False, "tags": list(v["tags"]), "resources": resources,
            "billing": billing, "smn_notify": v.get("smn_notify", True), "threshold": v.get("threshold", 80),
            "enterprise_project_id": "0"}


def policy_view(call: Call, p: dict) -> dict:
    vaults = [{"vault_id": v["id"], "destination_vault_id": v.get("destination_vault_id")}
              for v in call.vaults.list(call.project_id) if p["id"] in (v.get("policy_id"),
                                                                         v.get("replication_policy_id"))]
    return {"id": p["id"], "name": p["name"], "enabled": p["enabled"], "operation_type": p["operation_type"],
            "operation_definition": dict(p["operation_definition"]), "trigger": p["trigger"],
            "associated_vaults": vaults}


def checkpoint_view(c: dict) -> dict:
    return {"id": c["id"], "project_id": c["project_id"], "status": c["status"],
            "created_at": cbr_time(c["created_at"]),
            "extra_info": {"name": c["name"], "description": c["description"], "retention_duration": -1},
            "vault": {"id": c["vault_id"], "name": c["vault_name"], "resources": c["resources"],
                      "skipped_resources": c["skipped_resources"]}}


def replication_record_view(record: dict) -> dict:
    """huaweicloudsdkcbr ReplicationRecordGet (a source backup's `replication_records`)."""
    return {key: record[key] for key in (*model.RECORD_ENDS, "id", "status", "vault_id", "destination_vault_id")} | {
        "created_at": cbr_time(record["created_at"]),
        "extra_info": {"progress": 100 if record["status"] == "available" else 0,
                       "fail_code": record.get("fail_code", ""), "fail_reason": record.get("fail_reason", ""),
                       "auto_trigger": record["auto_trigger"], "destination_vault_id": record["destination_vault_id"]}}


def replication_records(call: Call, b: dict) -> list[dict]:
    records = (call.replications.get(rid, call.project_id) for rid in b.get("_replication_record_ids", []))
    return [replication_record_view(r) for r in records if r is not None]


def backup_view(b: dict, api_flavour: str = "otc", records: list | None = None, children: list | None = None) -> dict:
    """A backup as CBR answers it; a server backup lists its disk backups in `children`, each
    naming it as `parent_id`."""
    server = b["resource_type"] == model.SERVER_TYPE
    view = {
        "id": b["id"], "name": b["name"], "description": b["description"], "checkpoint_id": b["checkpoint_id"],
        "vault_id": b["vault_id"], "project_id": b["project_id"], "provider_id": model.provider_of(b),
        "resource_id": b["resource_id"], "resource_name": b["resource_name"], "resource_type": b["resource_type"],
        "resource_size": b["resource_size"], "resource_az": b["resource_az"],
        "image_type": b.get("image_type", "backup"),
        "status": b["status"], "created_at": cbr_time(b["created_at"]), "updated_at": cbr_time(b["updated_at"]),
        "expired_at": cbr_time(b["expired_at"]) if b.get("expired_at") else None,
        "protected_at": cbr_time(b["created_at"]), "parent_id": b.get("parent_id"),
        "children": [backup_view(c, api_flavour) for c in children or []],
        "replication_records": records or [],
        "enterprise_project_id": "0",
        "extend_info": {"auto_trigger": b["auto_trigger"], "bootable": False, "incremental": b["incremental"],
                        "snapshot_id": None if server else b.get("_snapshot_id"), "support_lld": False,
                        "supported_restore_mode": "backup",
                        "system_disk": False, "contain_system_disk": False, "encrypted": False,
                        "os_images_data": None, "progress": 100 if b["status"] == "available" else 0},
    }
    if api_flavour == "huawei":
        # OTC documents `incremental` and `progress` in extend_info (../shared/api/cbr.md); Huawei
        # Cloud's model has `incremental` at the top level and neither in extend_info
        # (huaweicloudsdkcbr BackupResp.incremental, BackupExtendInfo; API Explorer api=ShowBackup).
        extend = view["extend_info"]
        view["incremental"] = extend.pop("incremental")
        del extend["progress"]
    return view


def oplog_view(log: dict) -> dict:
    done = log["status"] != "running"
    extra = {k: dict(v) for k, v in log["extra_info"].items()}
    extra["common"]["progress"] = 100 if done else 0
    return {"id": log["id"], "operation_type": log["operation_type"], "status": log["status"],
            "checkpoint_id": log["checkpoint_id"], "policy_id": log["policy_id"], "provider_id": log["provider_id"],
            "vault_id": log["vault_id"], "vault_name": log["vault_name"], "project_id": log["project_id"],
            "created_at": cbr_time(log["created_at"]), "started_at": cbr_time(log["created_at"]),
            "ended_at": cbr_time(log["updated_at"]) if done else None, "updated_at": cbr_time(log["updated_at"]),
            "error_info": dict(log.get("error_info") or {"code": "", "message": ""}), "extra_info": extra}


# -- vaults ----------------------------------------------------------------
create_vault = _create_endpoint("vault", model.create_vault, vault_view)


@endpoint
async def list_vaults(call: Call):
    query = call.request.query_params
    vaults = filter_items(call.vaults.list(call.project_id), query, ("name", "id"), as_text=False)
    for field in ("object_type", "protect_type", "cloud_type", "status"):
        if query.get(field) is not None:
            vaults = [v for v in vaults if v["billing"][field] == query[field]]
    if query.get("policy_id") is not None:
        vaults = [v for v in vaults if query["policy_id"] in (v.get("policy_id"), v.get("replication_policy_id"))]
    if query.get("resource_ids") is not None:
        wanted = set(query["resource_ids"].split(","))
        vaults = [v for v in vaults if wanted & {r["id"] for r in v["resources"]}]
    page = offset_page(vaults, query, PAGING, markers=False)
    return json_response({"vaults": [vault_view(call, v) for v in page.items], "count": len(vaults),
                          "limit": page.limit, "offset": page.offset})


show_vault = common.show_endpoint(endpoint, "vault", vault_view)
update_vault = _update_endpoint("vault", model.update_vault, vault_view)
delete_vault = common.delete_endpoint(endpoint, "vault", model.delete_vault, 204)


@endpoint
async def add_resources(call: Call):
    vault = call.vault(_path(call, "vault_id"))
    spec = await _body(call)
    return json_response({"add_resource_ids": model.add_resources(call, vault, spec.get("resources"))})


@endpoint
async def remove_resources(call: Call):
    vault = call.vault(_path(call, "vault_id"))
    spec = await _body(call)
    return json_response({"remove_resource_ids": model.remove_resources(call, vault, spec.get("resource_ids"))})


@endpoint
async def associate_policy(call: Call):
    vault = call.vault(_path(call, "vault_id"))
    spec = await _body(call)
    policy = call.policy(spec.get("policy_id") or "")
    model.associate_policy(call, vault, policy, spec.get("destination_vault_id"))
    return json_response({"associate_policy": {"vault_id": vault["id"], "policy_id": policy["id"]}})


@endpoint
async def dissociate_policy(call: Call):
    vault = call.vault(_path(call, "vault_id"))
    spec = await _body(call)
    policy = call.policy(spec.get("policy_id") or "")
    model.dissociate_policy(call, vault, policy)
    return json_response({"dissociate_policy": {"vault_id": vault["id"], "policy_id": policy["id"]}})


@endpoint
async def show_summary(call: Call):
    """Huawei Cloud CBR API Reference, "Querying Vault Usage of a Project" (api=ShowSummary): the
    total capacity and used capacity of the project's vaults, in GB (used rounded up, so a vault
    holding any backup shows at least 1)."""
    vaults = call.vaults.list(call.project_id)
    used_mb = sum(model.vault_used_mb(call, v["id"]) for v in vaults)
    return json_response({"size": sum(v["billing"]["size"] for v in vaults), "used_size": math.ceil(used_mb / 1024)})


# -- policies --------------------------------------------------------------
create_policy = _create_endpoint("policy", model.create_policy, policy_view)


@endpoint
async def list_policies(call: Call):
    query = call.request.query_params
    policies = call.policies.list(call.project_id)
    if query.get("operation_type"):
        policies = [p for p in policies if p["operation_type"] == query["operation_type"]]
    items = [policy_view(call, p) for p in policies]
    if query.get("vault_id"):
        items = [p for p in items if any(v["vault_id"] == query["vault_id"] for v in p["associated_vaults"])]
    return json_response({"policies": items, "count": len(items)})


show_policy = common.show_endpoint(endpoint, "policy", policy_view)
update_policy = _update_endpoint("policy", model.update_policy, policy_view)
delete_policy = common.delete_endpoint(endpoint, "policy", model.delete_policy, 204)


# -- checkpoints and backups -----------------------------------------------
@endpoint
async def create_checkpoint(call: Call):
    checkpoint = model.create_checkpoint(call, await _body(call, "checkpoint"))
    return json_response({"checkpoint": checkpoint_view(checkpoint)})


show_checkpoint = common.show_endpoint(endpoint, "checkpoint", lambda call, checkpoint: checkpoint_view(checkpoint))


BACKUP_SORT_KEYS = ("created_at", "updated_at", "name", "status", "resource_name", "resource_size", "id")


@endpoint
async def list_backups(call: Call):
    query = call.request.query_params
    stored = {field: query[field] for field in ("vault_id", "resource_id") if query.get(field) is not None}
    items = sorted(backups_where(call, **stored), key=lambda b: b["id"])
    items = filter_items(items, query, ("vault_id", "resource_id", "resource_name", "resource_type", "resource_az",
                                        "checkpoint_id", "name"), as_text=False)
    # The disk backups of a server backup are listed with `parent_id`, otherwise in their parent's `children`.
    items = [b for b in items if b.get("parent_id") == query.get("parent_id")]
    if query.get("image_type") is not None:
        items = [b for b in items if b.get("image_type", "backup") == query["image_type"]]
    statuses = query.getlist("status")
    if statuses:
        items = [b for b in items if b["status"] in statuses]
    items = time_window(items, query, "created_at", invalid)
    items = sort_by_clauses(items, query.get("sort"), BACKUP_SORT_KEYS, "created_at:desc", invalid)
    page = offset_page(items, query, PAGING)
    return json_response({"backups": [full_backup_view(call, b) for b in page.items],
                          "count": len(items),
                          "limit": page.limit, "offset": page.offset})


def full_backup_view(call: Call, backup: dict) -> dict:
    return backup_view(backup, call.emu.config.api_flavour, replication_records(call, backup),
                       model.children_of(call, backup))


show_backup = common.show_endpoint(endpoint, "backup", full_backup_view)
delete_backup = common.delete_endpoint(endpoint, "backup", model.delete_backup, 204)


@endpoint
async def restore_backup(call: Call):
    backup = call.backup(_path(call, "backup_id"))
    model.restore_backup(call, backup, await _body(call, "restore"))
    return empty(202)


# -- replication -------------------------------------------------------------
def _replication_answer(call: Call, vault_id: str, record: dict) -> dict:
    """The fields CopyBackup and CopyCheckpoint answer alike (BackupReplicateRespBody,
    CheckpointReplicateRespBody)."""
    return {"destination_project_id": record["destination_project_id"],
            "destination_region": record["destination_region"],
            "destination_vault_id": record["destination_vault_id"], "project_id": call.project_id,
            "provider_id": PROVIDERS["disk"], "source_region": call.region, "vault_id": vault_id}


@endpoint
async def replicate_backup(call: Call):
    """CopyBackup: 200 {"replication": {..., "backup_id", "replication_record_id"}}."""
    backup = call.backup(_path(call, "backup_id"))
    spec = await _body(call, "replicate")
    record = model.copy_backup(call, backup, spec)
    answer = _replication_answer(call, backup["vault_id"], record)
    del answer["vault_id"]  # not in BackupReplicateRespBody
    return json_response({"replication": answer | {"backup_id": backup["id"], "replication_record_id": record["id"]}})


@endpoint
async def replicate_checkpoint(call: Call):
    """CopyCheckpoint: 200 {"replication": {..., "backups": [{"backup_id", "replication_record_id"}]}}."""
    vault, records = model.replicate_checkpoint(call, await _body(call, "replicate"))
    backups = [{"backup_id": r["source_backup_id"], "replication_record_id": r["id"]} for r in records]
    return json_response({"replication": _replication_answer(call, vault["id"], records[0]) | {"backups": backups}})


@endpoint
async def replication_capabilities(call: Call):
    """ShowReplicationCapabilities: every region and where it replicates to."""
    return json_response({"regions": model.replication_capabilities(call.emu.config)})


# -- operation logs ---------------------------------------------------------
@endpoint
async def list_oplogs(call: Call):
    query = call.request.query_params
    logs = [body for _, body in call.oplogs.scan(call.project_id, Selection())]
    for field, allowed in (("operation_type", model.OPLOG_TYPES), ("status", model.OPLOG_STATUSES)):
        if query.get(field) is not None and query[field] not in allowed:
            raise invalid(f"Invalid {field} '{query[field]}'.")
    logs = filter_items(logs, query, ("operation_type", "status", "vault_id", "vault_name", "provider_id",
                                      "resource_id", "resource_name"), as_text=False)
    logs = time_window(logs, query, "created_at", invalid)
    logs.sort(key=lambda log: (log["created_at"], log["id"]), reverse=True)
    page = offset_page(logs, query, PAGING, markers=False)
    return json_response({"operation_logs": [oplog_view(log) for log in page.items],
                          "count": len(logs), "limit": page.limit, "offset": page.offset})


show_oplog = common.show_endpoint(endpoint, "operation_log", lambda call, log: oplog_view(log))


# -- protectables ------------------------------------------------------------
# Huawei Cloud CBR API Reference, "Querying Protectable Resources" (api=ListProtectable) and
# "Querying a Specified Protectable Resource" (api=ShowProtectable): a resource that may be put in
# a vault, its details, whether it can be backed up now and which vault protects it. The emulator
# models disks; `server`, `turbo`, `workspace` and `workspace_v2` are documented types it refuses.
PROTECTABLE_TYPES = ("server", "disk", "turbo", "workspace", "workspace_v2")
PROTECTABLE_PAGING = PAGING.limited(50)  # "A maximum of 50 records can be displayed on each page."


def _protectable_type(call: Call) -> str:
    kind = _path(call, "protectable_type")
    if kind not in PROTECTABLE_TYPES:
        raise invalid(f"Invalid protectable_type '{kind}': one of {', '.join(PROTECTABLE_TYPES)}.")
    if kind != "disk":
        raise invalid(f"protectable_type '{kind}' is not emulated (disks only; see the emulator README).")
    return kind


def protectable_view(call: Call, volume: dict, protecting: dict[str, dict]) -> dict:
    """A disk as a protectable: `detail` is its Cinder view (links to EVS, as the reference's
    example), `status` the disk's own status (the example shows the resource's status, `in-use`),
    `protectable.vault` the vault that holds it (null if none)."""
    evs_call = SimpleNamespace(emu=call.emu, base_url=call.base_url, project_id=call.project_id,
                               endpoint=f"{call.base_url}/evs/v2/{call.project_id}")
    detail = evs.volume_view(evs_call, volume)
    refusal = model.backup_refusal(call, volume)
    vault = protecting.get(volume["id"])
    result = {"result": refusal is None, "vault": vault_view(call, vault) if vault else None}
    if refusal is not None:
        result |= {"code": refusal[0], "reason": refusal[1], "message": refusal[1]}
    return {"id": volume["id"], "name": volume["name"], "type": DISK_TYPE, "size": volume["size"],
            "status": detail["status"], "detail": detail, "children": [], "protectable": result}


def _protecting(call: Call) -> dict[str, dict]:
    return {r["id"]: v for v in call.vaults.list(call.project_id) for r in v["resources"]}


@endpoint
async def list_protectables(call: Call):
    _protectable_type(call)
    query = call.request.query_params
    equal = tuple((field, query[field]) for field in ("id", "name") if query.get(field) is not None)
    disks = [volume for _, volume in call.volumes.scan(call.project_id, Selection(equal=equal))]
    if query.get("server_id") is not None:
        disks = [d for d in disks if any(a.get("server_id") == query["server_id"] for a in d["attachments"])]
    protecting = _protecting(call)
    items = filter_items([protectable_view(call, d, protecting) for d in disks], query, ("status",), as_text=False)
    return json_response({"instances": offset_page(items, query, PROTECTABLE_PAGING).items})


@endpoint
async def show_protectable(call: Call):
    _protectable_type(call)
    volume = call.volumes.get(_path(call, "instance_id"), call.project_id)
    if volume is None:
        raise cbr_error(404, "BackupService.6302", f"The resource {_path(call, 'instance_id')} does not exist.")
    return json_response({"instance": protectable_view(call, volume, _protecting(call))})


# -- routing ---------------------------------------------------------------
def api_routes(prefix: str = "") -> list:
    pid = prefix + "/{project_id}"
    return [
        *resource_routes(f"{pid}/vaults", "vault_id", create=create_vault, listing=list_vaults, summary=show_summary,
                         show=show_vault, update=update_vault, delete=delete_vault),
        Route(f"{pid}/vaults/{{vault_id}}/addresources", add_resources, methods=["POST"]),
        Route(f"{pid}/vaults/{{vault_id}}/removeresources", remove_resources, methods=["POST"]),
        Route(f"{pid}/vaults/{{vault_id}}/associatepolicy", associate_policy, methods=["POST"]),
        Route(f"{pid}/vaults/{{vault_id}}/dissociatepolicy", dissociate_policy, methods=["POST"]),
        *resource_routes(f"{pid}/policies", "policy_id", create=create_policy, listing=list_policies, show=show_policy,
                         update=update_policy, delete=delete_policy),
        Route(f"{pid}/checkpoints", create_checkpoint, methods=["POST"]),
        Route(f"{pid}/checkpoints/replicate", replicate_checkpoint, methods=["POST"]),
        Route(f"{pid}/checkpoints/{{checkpoint_id}}", show_checkpoint, methods=["GET"]),
        *resource_routes(f"{pid}/backups", "backup_id", listing=list_backups, show=show_backup, delete=delete_backup),
        Route(f"{pid}/backups/{{backup_id}}/restore", restore_backup, methods=["POST"]),
        Route(f"{pid}/backups/{{backup_id}}/replicate", replicate_backup, methods=["POST"]),
        Route(f"{pid}/replication-capabilities", replication_capabilities, methods=["GET"]),
        Route(f"{pid}/operation-logs", list_oplogs, methods=["GET"]),
        Route(f"{pid}/operation-logs/{{operation_log_id}}", show_oplog, methods=["GET"]),
        Route(f"{pid}/protectables/{{protectable_type}}/instances", list_protectables, methods=["GET"]),
        Route(f"{pid}/protectables/{{protectable_type}}/instances/{{instance_id}}", show_protectable,
              methods=["GET"]),
    ]


def mounts() -> list:
    return [Mount(MOUNT, routes=[Mount("/v3", routes=api_routes())])]


def unprefixed_routes() -> list:
    """Plain routes (not a mount, so unmatched paths fall through to the EVS fallback)."""
    return api_routes("/v3")
