"""CBR's model: vaults, policies, checkpoints, backups and operation logs as stored, their
transitions on the emulator clock, and the checks on the values a request gives them.

Capacity: a vault's `used` (MB) is the sum of its backups' stored sizes (a running total the
store keeps per vault). A full backup stores
the disk's size; an incremental one stores 1 GB per block of the disk's block map that changed
since the previous backup of that disk in the vault (at most the disk's size). See README.

Policies run on the clock (`run_due_policies`, before every CBR request): the checkpoints and
replications that fell due since the last request are made, in time order, each followed by its
retention. Replication copies a backup into a replication vault of the caller's project in
another region (see "replication to another region" below and the README's "Regions").
The HTTP side (routes, request bodies, views) is `api.py`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from starlette.requests import Request

from ... import auth, errors, lifecycle, validators
from ...context import ProjectCall
from ...lifecycle import GONE, Operation, begin
from ...resources import Repository, new_id
from ...store import Selection
from .. import backup_common as common
from ..backup_common import CBR_BACKUP, VOLUME
from ..compute import SERVER, SERVER_OPS, task_state


VAULT, POLICY, CHECKPOINT, OPLOG = "cbr_vault", "cbr_policy", "cbr_checkpoint", "cbr_oplog"
REPLICATION = "cbr_replication"  # a replication record, kept in the source backup's project
DISK_TYPE, SERVER_TYPE = "OS::Cinder::Volume", "OS::Nova::Server"
RESOURCE_TYPES = {"server": SERVER_TYPE, "disk": DISK_TYPE, "turbo": "OS::Sfs::Turbo"}
PROVIDERS = {"server": "0daac4c5-6707-4851-97ba-169e36266b66", "disk": "d1603440-187d-4516-af25-121250c7cc97",
             "turbo": "d1603440-187d-4516-af25-121250c7cc98"}
SPEC_CODES = {"server": "vault.backup.server.normal", "disk": "vault.backup.volume.normal",
              "turbo": "vault.backup.turbo.normal"}
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VAULT_SIZE = (10, 10485760)
MAX_VAULT_RESOURCES = 256
STATUSES = ("available", "protecting", "deleting", "restoring", "error", "waiting_protect", "waiting_delete",
            "waiting_restore")
BACKUP_OPS = lifecycle.operations(
    Operation("backup.create", None, "protecting", "available"),
    Operation("backup.delete", frozenset({"available", "error"}), "deleting", GONE),
    Operation("backup.restore", frozenset({"available"}), "restoring", "available"),
)
CHECKPOINT_OPS = lifecycle.operations(Operation("backup.create", None, "protecting", "available"),
                                     Operation("cbr.replicate", None, "protecting", "available"))
# A replica in the destination vault is `protecting` while it is copied, like a backup being taken;
# its replication record is `replicating`, then `available` (README "Regions": chosen names).
REPLICA_OPS = lifecycle.operations(Operation("cbr.replicate", None, "protecting", "available"))
RECORD_OPS = lifecycle.operations(Operation("cbr.replicate", None, "replicating", "available"))


# CBR API "Querying Tasks" / "Querying a Single Task" (GET /operation-logs[/{id}]; OTC
# cbr_apis/tasks, Huawei ListOpLogs/ShowOpLog). One log per backup, restore and delete
# operation, and per vault delete; `running` while the operation runs, then `success`. A log
# runs exactly as long as the operation it records; `vault_delete` lasts as long as a backup delete.
OPLOG_OPS = lifecycle.operations(
    Operation("backup.create", None, "running", "success"),
    Operation("backup.delete", None, "running", "success"),
    Operation("backup.restore", None, "running", "success"),
    Operation("cbr.replicate", None, "running", "success"),
)
OPLOG_TIMINGS = {"backup": "backup.create", "restore": "backup.restore", "delete": "backup.delete",
                 "vault_delete": "backup.delete", "replication": "cbr.replicate"}
OPLOG_TYPES = ("backup", "restore", "delete", "replication", "copy", "sync", "vault_delete", "remove_resource")
OPLOG_STATUSES = ("success", "skipped", "failed", "running", "timeout", "waiting")
PATTERN_KEYS = {"FREQ", "BYDAY", "BYHOUR", "BYMINUTE", "INTERVAL"}
LONG_TERM = ("day_backups", "week_backups", "month_backups", "year_backups")


def queue_seconds(call: Call) -> float:
    """How long a CBR job waits in the service's queue before it runs: the backup shows
    `waiting_protect`, `waiting_restore` or `waiting_delete` (CBR API Reference, backup `status`
    enum; OTC cbr_apis/backups "Querying All Backups"), its operation log `waiting` (the task
    `status` enum). The timing `cbr.queue` decides how long (a config without it: no queue)."""
    return float(call.timings().get("cbr.queue", 0))


def cbr_error(status: int, code: str, message: str) -> errors.ApiError:
    return errors.ApiError(status, {"error_code": code, "error_msg": message})


def invalid(message: str) -> errors.ApiError:
    """Malformed parameters (the cloud's generic code is unconfirmed; see README)."""
    return cbr_error(400, "BackupService.0002", message)


def cbr_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


# -- context ---------------------------------------------------------------
class Call(ProjectCall):
    """A CBR request: the project's CBR resources, and lookups that answer CBR's not-found errors."""

    def __init__(self, request: Request, principal: auth.Principal):
        super().__init__(request, principal)
        self.vaults = Repository(self.emu, VAULT)
        self.policies = Repository(self.emu, POLICY)
        self.checkpoints = Repository(self.emu, CHECKPOINT)
        self.backups = Repository(self.emu, CBR_BACKUP)
        self.volumes = Repository(self.emu, VOLUME)
        self.servers = Repository(self.emu, SERVER)
        self.oplogs = Repository(self.emu, OPLOG)
        self.replications = Repository(self.emu, REPLICATION)

    def _found(self, repo: Repository, resource_id: str, code: str, message: str) -> dict:
        item = repo.get(resource_id, self.project_id)
        if item is None:
            raise cbr_error(404, code, message)
        return item

    def vault(self, vault_id: str, where: str = "") -> dict:
        return self._found(self.vaults, vault_id, "BackupService.6105", f"The vault {vault_id} does not exist{where}.")

    def policy(self, policy_id: str) -> dict:
        return self._found(self.policies, policy_id, "BackupService.6000", f"The policy {policy_id} does not exist.")

    def backup(self, backup_id: str) -> dict:
        return self._found(self.backups, backup_id, "BackupService.6200", f"The backup {backup_id} does not exist.")

    def checkpoint(self, checkpoint_id: str) -> dict:
        return self._found(self.checkpoints, checkpoint_id, "BackupService.6217", "The checkpoint does not exist.")

    def operation_log(self, log_id: str) -> dict:
        return self._found(self.oplogs, log_id, "BackupService.6500", "The operation log does not exist.")

    def volume(self, volume_id: str) -> dict:
        return self.reachable(self.volumes.get(volume_id, self.project_id), volume_id)

    def server(self, server_id: str) -> dict:
        return self.reachable(self.servers.get(server_id, self.project_id), server_id)

    def reachable(self, resource: dict | None, resource_id: str) -> dict:
        """A disk or server of the project whose AZ answers, else CBR's not-found or AZ-down error."""
        if resource is None:
            raise cbr_error(404, "BackupService.6302", f"The resource {resource_id} does not exist.")
        if self.emu.zone_is_down(resource["availability_zone"]):
            raise cbr_error(500, "BackupService.0003", f"Internal error: availability zone "
                                                       f"{resource['availability_zone']} is unavailable.")
        return resource


# -- vaults ----------------------------------------------------------------
def backups_where(call: Call, **equal: str) -> list[dict]:
    """The project's backups with these stored values (vault_id, resource_id), in creation order,
    selected in SQL (store.LISTED_COLUMNS) instead of read whole and filtered."""
    selection = Selection(equal=tuple(equal.items()), order=("seq",))
    return [backup for _, backup in call.backups.scan(call.project_id, selection)]


def vault_used_mb(call: Call, vault_id: str) -> int:
    """The sum of the vault's backups' stored sizes, from the store's running total per vault (the
    room check of every backup and replica asks, so it must not read the vault's backups)."""
    return call.backups.vault_used(call.project_id, vault_id)


def server_disks(call: Call, server_id: str, extra_info: dict) -> list[dict]:
    """The disks a backup of the server takes: those attached to it (attachments completed), in
    device order, without the resource's `extra_info.exclude_volumes`."""
    excluded = set(extra_info.get("exclude_volumes") or [])
    attached = [(a["device"], volume) for volume in call.volumes.list(call.project_id) if volume["id"] not in excluded
                for a in volume["attachments"] if a["server_id"] == server_id]
    return [volume for _, volume in sorted(attached, key=lambda pair: pair[0])]


def resource_size(call: Call, resource: dict) -> int:
    """A vault resource's size in GB: the disk's, or the sum of the disks a server backup takes."""
    if resource["type"] == SERVER_TYPE:
        return sum(v["size"] for v in server_disks(call, resource["id"], resource.get("extra_info") or {}))
    volume = call.volumes.get(resource["id"], call.project_id)
    return (volume or {}).get("size", resource.get("size", 0))


# -- checks on request values ---------------------------------------------
def _name(value, field: str = "name") -> str:
    return validators.name(value, NAME_RE, invalid(f"Invalid {field}: 1..64 letters, digits, '_' or '-'."))


def _description(value) -> str:
    return validators.optional_text(value, 255, invalid("Invalid description: at most 255 characters."))


def _size(value) -> int:
    if not validators.is_whole_number_in(value, *VAULT_SIZE):
        raise cbr_error(400, "BackupService.6101", f"Invalid vault capacity '{value}': {VAULT_SIZE[0]}.."
                                                   f"{VAULT_SIZE[1]} GB.")
    return value


def _bool(value, field: str) -> bool:
    return validators.boolean(value, field, invalid)


def _tags(value, field: str = "tags") -> list:
    return validators.tag_list(value, field, invalid)


def _bind_rules(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("Invalid bind_rules: an object is expected.")
    return {"tags": _tags(value.get("tags"), "bind_rules.tags")} if "tags" in value else {}


def _with_resources(call: Call, vault: dict, entries) -> tuple[dict, list[str]]:
    """The vault with `entries` added (checked), and the ids added."""
    if not isinstance(entries, list):
        raise invalid("Invalid resources: a list is expected.")
    wanted_type = RESOURCE_TYPES[vault["billing"]["object_type"]]
    ids = [e.get("id") if isinstance(e, dict) else None for e in entries]
    if len(set(ids)) != len(ids):
        raise cbr_error(400, "BackupService.6104", "The request contains duplicate resources.")
    if len(vault["resources"]) + len(entries) > MAX_VAULT_RESOURCES:
        raise cbr_error(400, "BackupService.6100", f"A vault holds at most {MAX_VAULT_RESOURCES} resources.")
    elsewhere = {r["id"]: v["id"] for v in call.vaults.list(call.project_id) for r in v["resources"]}
    added = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("type"):
            raise invalid("Invalid resources: each entry needs id and type.")
        if entry["type"] != wanted_type:
            raise cbr_error(400, "BackupService.6102", f"The vault does not support resource type {entry['type']}.")
        if entry["type"] in (DISK_TYPE, SERVER_TYPE):
            found = (call.volume if entry["type"] == DISK_TYPE else call.server)(entry["id"])
            name = entry.get("name") or found["name"]
        else:
            name = entry.get("name", "")
        if entry["id"] in elsewhere:
            raise cbr_error(400, "BackupService.6103", f"The resource {entry['id']} is already in vault "
                                                       f"{elsewhere[entry['id']]}.")
        added.append({"id": entry["id"], "type": entry["type"], "name": name, "extra_info": _extra_info(entry)})
    return vault | {"resources": vault["resources"] + added}, [a["id"] for a in added]


def _extra_info(entry: dict) -> dict:
    """A resource's `extra_info`; for a server, `exclude_volumes` is a list of disk ids."""
    extra = entry.get("extra_info") or {}
    excluded = extra.get("exclude_volumes", []) if isinstance(extra, dict) else None
    if not isinstance(excluded, list) or not all(isinstance(v, str) for v in excluded):
        raise invalid("Invalid extra_info: an object, its exclude_volumes a list of disk ids.")
    return extra


def _choice(value, field: str, allowed: tuple[str, ...], hint: str | None = None):
    if value not in allowed:
        raise invalid(f"Invalid {field} '{value}'" + (f": {hint}." if hint else "."))
    return value


def create_vault(call: Call, spec: dict) -> dict:
    billing = spec.get("billing")
    if not isinstance(billing, dict):
        raise invalid("Missing required element 'billing' in vault.")
    if "resources" not in spec:
        raise invalid("Missing required element 'resources' in vault.")
    object_type = _choice(billing.get("object_type"), "billing.object_type", tuple(RESOURCE_TYPES),
                          "server, disk or turbo")
    protect_type = _choice(billing.get("protect_type", "backup"), "billing.protect_type", ("backup", "replication"),
                           "backup or replication")
    consistent = _choice(billing.get("consistent_level", "crash_consistent"), "billing.consistent_level",
                         ("crash_consistent", "app_consistent"))
    vault = {
        "id": new_id(), "project_id": call.project_id, "region": call.region, "user_id": call.principal.user_id,
        "name": _name(spec.get("name")), "description": _description(spec.get("description")),
        "created_at": call.now, "auto_bind": _bool(spec.get("auto_bind", False), "auto_bind"),
        "bind_rules": _bind_rules(spec.get("bind_rules")),
        "auto_expand": _bool(spec.get("auto_expand", False), "auto_expand"), "tags": _tags(spec.get("tags")),
        "resources": [], "policy_id": None,
        "billing": {"allocated": 0, "charging_mode": billing.get("charging_mode", "post_paid"),
                    "cloud_type": billing.get("cloud_type", "public"), "consistent_level": consistent,
                    "object_type": object_type, "protect_type": protect_type, "size": _size(billing.get("size")),
                    "spec_code": SPEC_CODES[object_type], "status": "available", "storage_unit": "",
                    "used": 0, "frozen_scene": None, "order_id": None, "product_id": None},
    }
    vault, _ = _with_resources(call, vault, spec["resources"])
    if spec.get("backup_policy_id"):
        policy = call.policy(spec["backup_policy_id"])
        vault["policy_id"] = policy["id"]
    return call.vaults.save(vault)


def update_vault(call: Call, vault: dict, spec: dict) -> dict:
    vault = validators.changed(vault, spec, {
        "name": _name, "description": _description, "auto_bind": lambda v: _bool(v, "auto_bind"),
        "auto_expand": lambda v: _bool(v, "auto_expand"), "smn_notify": lambda v: _bool(v, "smn_notify"),
        "bind_rules": _bind_rules, "threshold": lambda v: v})
    if isinstance(spec.get("billing"), dict) and "size" in spec["billing"]:
        size = _size(spec["billing"]["size"])
        if size * 1024 < vault_used_mb(call, vault["id"]):
            raise cbr_error(400, "BackupService.6114", f"The used capacity of vault {vault['id']} exceeds "
                                                       f"{size} GB.")
        vault = vault | {"billing": vault["billing"] | {"size": size}}
    return call.vaults.save(vault)


def delete_vault(call: Call, vault: dict) -> None:
    """The vault goes at once; its backups are deleted (queued like any delete)."""
    for backup in backups_where(call, vault_id=vault["id"]):
        if backup["status"] != "deleting":
            call.backups.save(begin(backup, BACKUP_OPS["backup.delete"] if backup["status"] in ("available", "error")
                                    else lifecycle.Operation("backup.delete", None, "deleting", GONE),
                                    call.now, call.timings(), queued=("waiting_delete", queue_seconds(call))))
    record_operation(call, "vault_delete", vault, call.now)
    call.emu.store.delete(VAULT, vault["id"])


def add_resources(call: Call, vault: dict, entries) -> list[str]:
    """Put resources in the vault; answers the ids added."""
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_VAULT_RESOURCES:
        raise invalid("Invalid resources: 1..256 entries.")
    vault, added = _with_resources(call, vault, entries)
    call.vaults.save(vault)
    return added


def remove_resources(call: Call, vault: dict, ids) -> list[str]:
    if not isinstance(ids, list) or not ids:
        raise invalid("Invalid resource_ids: a non-empty list is expected.")
    present = {r["id"] for r in vault["resources"]}
    missing = [i for i in ids if i not in present]
    if missing:
        raise cbr_error(400, "BackupService.6135", f"The resource {missing[0]} is not in vault {vault['id']}.")
    call.vaults.save(vault | {"resources": [r for r in vault["resources"] if r["id"] not in ids]})
    return ids


def associate_policy(call: Call, vault: dict, policy: dict, destination_vault_id) -> dict:
    """A vault has one backup policy and one replication policy (with its destination vault)."""
    if policy["operation_type"] == "replication":
        if not destination_vault_id:
            raise invalid("Missing destination_vault_id for a replication policy.")
        policy_target(call, policy, vault, destination_vault_id)
        vault = vault | {"replication_policy_id": policy["id"], "destination_vault_id": destination_vault_id}
    else:
        vault = vault | {"policy_id": policy["id"]}
    return call.vaults.save(vault)


def dissociate_policy(call: Call, vault: dict, policy: dict) -> dict:
    if vault.get("policy_id") == policy["id"]:
        vault = vault | {"policy_id": None}
    elif vault.get("replication_policy_id") == policy["id"]:
        vault = vault | {"replication_policy_id": None, "destination_vault_id": None}
    else:
        raise cbr_error(400, "BackupService.6002", f"The policy {policy['id']} is not associated with vault "
                                                   f"{vault['id']}.")
    return call.vaults.save(vault)


# -- policies --------------------------------------------------------------


def parse_pattern(pattern) -> dict:
    """`FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=14;BYMINUTE=00` (RFC 2445 subset, UTC)."""
    if not isinstance(pattern, str):
        raise invalid("Invalid trigger pattern: a string is expected.")
    try:
        parts = dict(p.split("=", 1) for p in pattern.strip().split(";") if p)
    except ValueError:
        raise invalid(f"Invalid trigger pattern '{pattern}'.") from None
    if set(parts) - PATTERN_KEYS or parts.get("FREQ") not in ("DAILY", "WEEKLY"):
        raise invalid(f"Invalid trigger pattern '{pattern}': FREQ DAILY or WEEKLY with BYDAY, BYHOUR, BYMINUTE, "
                      f"INTERVAL.")
    try:
        hours = [int(h) for h in parts.get("BYHOUR", "0").split(",")]
        minutes = [int(m) for m in parts.get("BYMINUTE", "0").split(",")]
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        raise invalid(f"Invalid trigger pattern '{pattern}': numbers expected.") from None
    days = parts.get("BYDAY", ",".join(common.WEEKDAYS)).split(",")
    if not all(0 <= h <= 23 for h in hours) or not all(0 <= m <= 59 for m in minutes) or interval < 1 or \
            not all(d in common.WEEKDAYS for d in days):
        raise invalid(f"Invalid trigger pattern '{pattern}': value out of range.")
    return {"freq": parts["FREQ"], "days": days, "times": [(h, m) for h in hours for m in minutes],
            "interval": interval}


def _trigger(spec, current: dict | None = None) -> dict:
    if not isinstance(spec, dict) or not isinstance(spec.get("properties"), dict):
        raise invalid("Missing required element 'trigger.properties'.")
    patterns = spec["properties"].get("pattern")
    if not isinstance(patterns, list) or not 1 <= len(patterns) <= 24:
        raise invalid("Invalid trigger.properties.pattern: 1..24 patterns.")
    times = sorted(t for p in patterns for t in parse_pattern(p)["times"])
    minutes = [h * 60 + m for h, m in times]
    if any(b - a < 60 for a, b in zip(minutes, minutes[1:])):
        raise invalid("Invalid trigger: the minimum interval between backups is 1 hour.")
    base = current or {"id": new_id(), "name": "default", "type": "time"}
    return base | {"properties": {"pattern": list(patterns), "start_time": spec["properties"].get("start_time")}}


def _retention_value(definition: dict, field: str, low: int, high: int) -> None:
    value = definition.get(field)
    if value is None:
        return
    if not (validators.is_whole_number_in(value, -1, -1) or validators.is_whole_number_in(value, low, high)):
        raise invalid(f"Invalid operation_definition.{field} '{value}': -1 or {low}..{high}.")


def _definition(spec, operation_type: str, current: dict | None = None) -> dict:
    if not isinstance(spec, dict):
        raise invalid("Invalid operation_definition: an object is expected.")
    merged = dict(current or {}) | spec
    _retention_value(merged, "max_backups", 1, 99999)
    _retention_value(merged, "retention_duration_days", 1, 99999)
    for field in LONG_TERM:
        value = merged.get(field)
        if value is not None and not validators.is_whole_number_in(value, 0, 100):
            raise invalid(f"Invalid operation_definition.{field} '{value}': 0..100.")
    if any(merged.get(f) for f in LONG_TERM) and not merged.get("timezone"):
        raise invalid("operation_definition.timezone is required with day/week/month/year_backups.")
    if merged.get("timezone") is not None and not re.match(r"^UTC[+-]\d{2}:\d{2}$", str(merged["timezone"])):
        raise invalid(f"Invalid operation_definition.timezone '{merged['timezone']}': e.g. UTC+01:00.")
    if operation_type == "replication" and not (merged.get("destination_region")
                                                and merged.get("destination_project_id")):
        raise invalid("A replication policy needs destination_region and destination_project_id.")
    return merged


def _stamped(trigger: dict, now: float) -> dict:
    """A trigger as set now: the cloud answers the instant it was set as its start_time."""
    trigger["properties"]["start_time"] = cbr_time(now)
    return trigger


def create_policy(call: Call, spec: dict) -> dict:
    operation_type = _choice(spec.get("operation_type"), "operation_type", ("backup", "replication"),
                             "backup or replication")
    if "trigger" not in spec:
        raise invalid("Missing required element 'trigger' in policy.")
    limit = int(call.emu.config.quotas.get("cbr_policies", 32))
    if len(call.policies.list(call.project_id)) >= limit:
        raise cbr_error(400, "BackupService.6001", f"At most {limit} policies are allowed.")
    policy = {"id": new_id(), "project_id": call.project_id, "region": call.region,
              "name": _name(spec.get("name")), "enabled": _bool(spec.get("enabled", True), "enabled"),
              "operation_type": operation_type,
              "operation_definition": _definition(spec.get("operation_definition") or {}, operation_type),
              "trigger": _stamped(_trigger(spec["trigger"]), call.now), "created_at": call.now,
              "_evaluated_until": call.now}
    return call.policies.save(policy)


def update_policy(call: Call, policy: dict, spec: dict) -> dict:
    return call.policies.save(validators.changed(policy, spec, {
        "name": _name, "enabled": lambda v: _bool(v, "enabled"),
        "operation_definition": lambda v: _definition(v, policy["operation_type"], policy["operation_definition"]),
        "trigger": lambda v: _stamped(_trigger(v, policy["trigger"]), call.now)}))


def delete_policy(call: Call, policy: dict) -> None:
    """The policy goes; the vaults it was bound to keep their backups, without a policy."""
    for vault in call.vaults.list(call.project_id):
        if vault.get("policy_id") == policy["id"]:
            call.vaults.save(vault | {"policy_id": None})
        if vault.get("replication_policy_id") == policy["id"]:
            call.vaults.save(vault | {"replication_policy_id": None, "destination_vault_id": None})
    call.emu.store.delete(POLICY, policy["id"])


# -- checkpoints and backups -----------------------------------------------


def _backup_need_mb(call: Call, vault: dict, volume: dict, incremental: bool) -> tuple[bool, int]:
    previous = [b for b in backups_where(call, vault_id=vault["id"], resource_id=volume["id"])
                if b["status"] != "deleting"]
    last = max(previous, key=lambda b: b["created_at"]) if previous else None
    if not incremental or last is None:
        return False, volume["size"] * 1024
    changed = common.changed_blocks(volume["_blocks"], last["_blocks"])
    return True, min(volume["size"], changed) * 1024


def backup_refusal(call: Call, volume: dict | None) -> tuple[str, str] | None:
    """Why a disk cannot be backed up now (code, reason), or None: one rule for a checkpoint's
    skipped resources and a protectable's `protectable.result`."""
    if volume is None or call.emu.zone_is_down(volume["availability_zone"]):
        return "BackupService.6302", "The resource is not available."
    if not common.DISK_OPS["backup.create"].allows(volume["status"]):
        code = "BackupService.2002" if volume["status"] == "backing-up" else "BackupService.2011"
        return code, f"The resource status is {volume['status']}."
    creating = common.snapshot_in_progress(call.emu, volume)
    if creating is not None:  # a backup starts with a snapshot; a disk takes one at a time
        return "BackupService.2002", f"A snapshot of the resource ({creating['id']}) is being created."
    return None


def _with_room(call: Call, vault: dict, need_mb: int) -> dict:
    """The vault, grown if it auto-expands, when `need_mb` more fits in it; else the cloud's refusal."""
    used = vault_used_mb(call, vault["id"])
    free = vault["billing"]["size"] * 1024 - used
    if need_mb <= free:
        return vault
    if not vault["auto_expand"]:
        raise cbr_error(400, "BackupService.6113", f"Backup is not allowed: vault {vault['id']} has "
                                                   f"{max(free, 0) // 1024} GB free and the backup needs "
                                                   f"{math.ceil(need_mb / 1024)} GB.")
    return call.vaults.save(vault | {"billing": vault["billing"] | {"size": math.ceil((used + need_mb) / 1024)}})


def _save_checkpoint(call: Call, checkpoint_id: str, vault: dict, name: str, description: str, at: float,
                     resources: list, skipped: list, operation: Operation) -> dict:
    checkpoint = {"id": checkpoint_id, "project_id": call.project_id, "region": call.region, "status": None,
                  "vault_id": vault["id"], "vault_name": vault["name"], "name": name,
                  "description": description, "created_at": at, "resources": resources,
                  "skipped_resources": skipped}
    return call.checkpoints.save(begin(checkpoint, operation, at, call.timings(), queued=(None, queue_seconds(call))))


def _backup_plan(call: Call, vault: dict, entry: dict) -> tuple[dict | None, list[dict], tuple[str, str] | None]:
    """What a checkpoint backs up for one vault resource: (the disk or server, its disks, why it
    is skipped or None). A server is backed up whole or not at all: every disk it would take
    must be backup-able, or the server is skipped with the first disk's reason."""
    if entry["type"] == DISK_TYPE:
        volume = call.volumes.get(entry["id"], call.project_id)
        return volume, [volume], backup_refusal(call, volume)
    server = call.servers.get(entry["id"], call.project_id)
    if server is None or call.emu.zone_is_down(server["availability_zone"]) or \
            server["status"] not in ("ACTIVE", "SHUTOFF"):
        return server, [], ("BackupService.6302", "The resource is not available.")
    disks = server_disks(call, server["id"], entry.get("extra_info") or {})
    if not disks:
        return server, [], ("BackupService.0001", "The server has no disk to back up.")
    for volume in disks:
        refusal = backup_refusal(call, volume)
        if refusal is not None:
            return server, [], (refusal[0], f"Disk {volume['id']}: {refusal[1]}")
    return server, disks, None


def _checkpoint_resource(resource_id: str, name: str, kind: str, size: int) -> dict:
    # backup_count/backup_size are strings, as in huaweicloudsdkcbr's CheckpointResourceResp
    return {"id": resource_id, "name": name, "type": kind, "resource_size": str(size), "protect_status": "protecting",
            "backup_count": "0", "backup_size": "0", "extra_info": "{}"}


def _new_backup(call: Call, taken: dict, resource: dict, kind: str, size: int, fields: dict) -> dict:
    """A backup row of the checkpoint `taken` (its shared values) for a disk or a server, started."""
    at = taken["created_at"]
    backup = taken | {
        "id": new_id(), "project_id": call.project_id, "region": resource["region"], "resource_id": resource["id"],
        "resource_name": resource["name"], "resource_type": kind, "resource_size": size,
        "resource_az": resource["availability_zone"], "status": None, "updated_at": at, "parent_id": None} | fields
    backup = begin(backup, BACKUP_OPS["backup.create"], at, call.timings(),
                   queued=("waiting_protect", queue_seconds(call)))
    backup["_available_at"] = backup["_pending"]["due"]  # what a replication policy's run may copy
    return backup


def _disk_backup(call: Call, taken: dict, volume: dict, is_incremental: bool, need: int,
                 parent_id: str | None = None) -> dict:
    """The backup of one disk: its own copy of the disk's blocks as they are at the checkpoint's
    instant, kept apart from the disk (object storage), and the snapshot it leaves on the disk."""
    at = taken["created_at"]
    backup = _new_backup(call, taken, volume, DISK_TYPE, volume["size"], {
        "incremental": is_incremental, "parent_id": parent_id, "_blocks": dict(volume["_blocks"]),
        "_size": volume["size"], "_used_mb": need})
    # The API reference names the prefix only (evs_04_2098 "Creating an EVS Snapshot": a disk
    # backup makes a snapshot named autobk_snapshot_*); the rest of the name is chosen.
    backup["_snapshot_id"] = common.take_backup_snapshot(call.emu, volume, "autobk_snapshot_", backup["id"], at)["id"]
    backup = call.backups.save(backup)
    if at == call.now or backup["_pending"]["due"] > call.now:
        common.start_disk_backup(call.emu, volume, at, queued=queue_seconds(call))
    return backup


def _server_backup(call: Call, taken: dict, server: dict, disks: list[tuple[dict, bool, int]]) -> dict:
    """A server backup and its `children`, one disk backup per disk, all captured in this one
    transaction at the checkpoint's instant: crash-consistent across the server's disks. The
    server backup holds the capacity its children use (they count 0, so the vault counts it once)."""
    parent_id = new_id()
    children = [_disk_backup(call, taken, volume, is_incremental, 0, parent_id) for volume, is_incremental, _ in disks]
    server_backup = _new_backup(call, taken, server, SERVER_TYPE, sum(v["size"] for v, _, _ in disks), {
        "incremental": all(c["incremental"] for c in children), "_children": [c["id"] for c in children],
        "_used_mb": sum(need for _, _, need in disks)})
    return call.backups.save(server_backup | {"id": parent_id})


def take_checkpoint(call: Call, vault: dict, params: dict, at: float, auto: bool = False,
                    policy: dict | None = None) -> dict:
    """Back up the chosen resources of `vault` at instant `at`: one backup per disk, or per
    server (with one child backup per disk)."""
    chosen = params.get("resources")
    in_vault = {r["id"]: r for r in vault["resources"]}
    if chosen is None:
        chosen = list(in_vault)
    if not isinstance(chosen, list) or not all(isinstance(r, str) for r in chosen):
        raise invalid("Invalid parameters.resources: a list of resource ids is expected.")
    for rid in chosen:
        if rid not in in_vault:
            raise cbr_error(400, "BackupService.6135", f"The resource {rid} is not in vault {vault['id']}.")
    incremental = params.get("incremental", True)
    name = params.get("name")
    if name is not None:
        _name(name)
    base_name = name or (("autobk_" if auto else "manualbk_") + new_id().replace("-", "")[:4])
    description = _description(params.get("description"))
    checkpoint_id = new_id()
    plans, skipped = [], []
    for rid in chosen:
        found, disks, refusal = _backup_plan(call, vault, in_vault[rid])
        if refusal is not None:
            code, reason = refusal
            skipped.append({"id": rid, "name": (found or in_vault[rid])["name"], "type": in_vault[rid]["type"],
                            "code": code, "reason": reason})
            continue
        plans.append((found, [(volume, *_backup_need_mb(call, vault, volume, bool(incremental))) for volume in disks]))
    if not plans:
        raise cbr_error(400, "BackupService.0001", "No resource available for backup: "
                        + "; ".join(f"{s['id']}: {s['reason']}" for s in skipped or
                                    [{"id": vault["id"], "reason": "the vault has no resources"}]))
    vault = _with_room(call, vault, sum(need for _, disks in plans for _, _, need in disks))
    retention_days = (policy or {}).get("operation_definition", {}).get("retention_duration_days", -1) or -1
    taken = {"name": base_name, "description": description, "checkpoint_id": checkpoint_id, "vault_id": vault["id"],
             "created_at": at, "auto_trigger": auto, "_policy_id": (policy or {}).get("id"),
             "expired_at": at + retention_days * 86400 if retention_days > 0 else None}
    resources = []
    for found, disks in plans:
        if in_vault[found["id"]]["type"] == SERVER_TYPE:
            backup = _server_backup(call, taken, found, disks)
        else:
            backup = _disk_backup(call, taken, *disks[0])
        record_operation(call, "backup", vault, at, backup=backup, policy_id=(policy or {}).get("id"))
        resources.append(_checkpoint_resource(found["id"], found["name"], backup["resource_type"],
                                              backup["resource_size"]))
    return _save_checkpoint(call, checkpoint_id, vault, base_name, description, at, resources, skipped,
                            CHECKPOINT_OPS["backup.create"])


def create_checkpoint(call: Call, spec: dict) -> dict:
    """A manual checkpoint of a vault (`parameters`: which resources, name, incremental)."""
    vault = call.vault(spec.get("vault_id") or "")
    if vault["billing"]["status"] != "available":
        raise cbr_error(400, "BackupService.6113", f"Backup is not allowed in vault status "
                                                   f"{vault['billing']['status']}.")
    params = spec.get("parameters") or {}
    if not isinstance(params, dict):
        raise invalid("Invalid parameters: an object is expected.")
    if "incremental" in params:
        _bool(params["incremental"], "parameters.incremental")
    return take_checkpoint(call, vault, params, call.now, auto=bool(params.get("auto_trigger", False)))


def children_of(call: Call, backup: dict) -> list[dict]:
    """The disk backups of a server backup (none for a disk backup)."""
    found = (call.backups.get(child_id, call.project_id) for child_id in backup.get("_children", []))
    return [child for child in found if child is not None]


def delete_backup(call: Call, backup: dict) -> None:
    """A server backup is deleted with its disk backups; a disk backup of a server backup is not
    deleted alone (it belongs to the server backup, restored as a whole: chosen, README)."""
    operation = BACKUP_OPS["backup.delete"]
    if not operation.allows(backup["status"]):
        raise cbr_error(400, "BackupService.2006", f"The backup cannot be deleted in status {backup['status']}.")
    if backup.get("parent_id"):
        raise cbr_error(400, "BackupService.2006", f"The backup {backup['id']} is a disk backup of server backup "
                                                   f"{backup['parent_id']}; delete the server backup.")
    for doomed in [backup] + children_of(call, backup):
        call.backups.save(begin(doomed, operation, call.now, call.timings(),
                                queued=("waiting_delete", queue_seconds(call))))
    record_operation(call, "delete", call.vaults.get(backup["vault_id"], call.project_id), call.now, backup=backup)


def _restorable(backup: dict) -> None:
    if not BACKUP_OPS["backup.restore"].allows(backup["status"]):
        raise cbr_error(400, "BackupService.2005", f"Restoring is not allowed in backup status {backup['status']}.")


def _check_restore_target(call: Call, backup: dict, volume: dict, attached: bool) -> None:
    """A disk a disk backup may be written onto: detached (or, for a server restore, attached to
    the stopped server; a disk being restored is in neither status), outside SDRS, large enough."""
    if not common.restore_operation(attached).allows(volume["status"]):
        wanted = "in-use (attached to the server)" if attached else "available (detached)"
        raise cbr_error(400, "BackupService.2011", f"Restoring is not allowed in disk status {volume['status']}; "
                                                   f"the disk must be {wanted}.")
    if common.in_replication_pair(call.emu, volume):
        raise cbr_error(400, "BackupService.2011", f"Restoring is not allowed: the disk {volume['id']} is in an "
                                                   f"SDRS replication pair.")
    if volume["size"] < backup["resource_size"]:
        raise cbr_error(400, "BackupService.2001", f"The disk ({volume['size']} GB) is smaller than the backup "
                                                   f"({backup['resource_size']} GB).")


def restore_backup(call: Call, backup: dict, spec: dict) -> None:
    """Restore a disk backup (also one of a server backup's children) onto the disk `volume_id`
    (or `resource_id`); a server backup onto its server (`restore_server_backup`)."""
    if backup.get("_children") is not None:
        return restore_server_backup(call, backup, spec)
    volume_id = spec.get("volume_id") or spec.get("resource_id")
    if not volume_id:
        raise invalid("Missing required element 'volume_id' in restore.")
    _restorable(backup)
    volume = call.volume(volume_id)
    _check_restore_target(call, backup, volume, attached=False)
    common.start_disk_restore(call.emu, volume, backup["_blocks"], call.now, queued=queue_seconds(call))
    _start_restore(call, backup, volume)


def _start_restore(call: Call, backup: dict, target: dict) -> None:
    call.backups.save(begin(backup, BACKUP_OPS["backup.restore"], call.now, call.timings(),
                            queued=("waiting_restore", queue_seconds(call))))
    record_operation(call, "restore", call.vaults.get(backup["vault_id"], call.project_id), call.now, backup=backup,
                     target=target)


def _mapped_disks(call: Call, backup: dict, server: dict, mappings) -> list[tuple[dict, dict]]:
    """(disk backup, target disk) for every child of the server backup: the mappings must name
    each child once, each onto a different disk attached to the server."""
    if not isinstance(mappings, list) or not all(isinstance(m, dict) and isinstance(m.get("backup_id"), str)
                                                 and isinstance(m.get("volume_id"), str) for m in mappings):
        raise invalid("Invalid mappings: a list of {backup_id, volume_id} is expected for a server restore.")
    children = children_of(call, backup)
    onto = {m["backup_id"]: m["volume_id"] for m in mappings}
    if len(onto) != len(mappings) or set(onto) != {c["id"] for c in children} or \
            len(set(onto.values())) != len(mappings):
        raise invalid(f"Invalid mappings: each disk backup of server backup {backup['id']} "
                      f"({', '.join(c['id'] for c in children)}) must be mapped once, each onto another disk.")
    attached = {v["id"] for v in server_disks(call, server["id"], {})}
    pairs = []
    for child in children:
        volume = call.volume(onto[child["id"]])
        if volume["id"] not in attached:
            raise cbr_error(400, "BackupService.2012", f"Restoring disk {volume['id']} is not allowed: it is not "
                                                       f"attached to server {server['id']}.")
        _check_restore_target(call, child, volume, attached=True)
        pairs.append((child, volume))
    return pairs


def restore_server_backup(call: Call, backup: dict, spec: dict) -> None:
    """RestoreBackup of a whole server backup onto its own server (`server_id`), which must be
    stopped (`SHUTOFF`), each disk backup onto the disk `mappings` names. The disks show
    `restoring-backup` and the server its `restoring` task until the restore completes; the
    server is then started unless `power_on` is false."""
    server_id = spec.get("server_id")
    if not isinstance(server_id, str) or not server_id:
        raise invalid("Missing required element 'server_id' in restore: a server backup is restored onto a server.")
    power_on = _bool(spec.get("power_on", True), "power_on")
    _restorable(backup)
    if server_id != backup["resource_id"]:
        raise cbr_error(400, "BackupService.2003", f"Restoration to a different server is not allowed: backup "
                                                   f"{backup['id']} is of server {backup['resource_id']}.")
    if call.servers.get(server_id, call.project_id) is None:
        raise cbr_error(400, "BackupService.2007", f"The server {server_id} has been deleted and cannot be restored.")
    server = call.server(server_id)
    busy = task_state(server)
    if server["status"] != "SHUTOFF" or busy:
        raise cbr_error(400, "BackupService.2008", f"Restoration is not allowed in server status {server['status']}"
                                                   + (f" (task {busy})" if busy else "") + "; stop the server first.")
    for child, volume in _mapped_disks(call, backup, server, spec.get("mappings")):
        common.start_disk_restore(call.emu, volume, child["_blocks"], call.now, queued=queue_seconds(call),
                                  attached=True)
    call.servers.save(begin(server, SERVER_OPS["backup.restore"], call.now, call.timings(),
                            final_status="ACTIVE" if power_on else "SHUTOFF", queued=(None, queue_seconds(call))))
    _start_restore(call, backup, server)


def provider_of(backup: dict | None) -> str:
    """The provider id of a backup's resource type (a vault delete's log: disk's)."""
    return PROVIDERS["server" if (backup or {}).get("resource_type") == SERVER_TYPE else "disk"]


def record_operation(call: Call, operation_type: str, vault: dict | None, at: float, backup: dict | None = None,
                     policy_id: str | None = None, target: dict | None = None,
                     replication: dict | None = None) -> dict:
    vault = vault or {"id": (backup or {}).get("vault_id"), "name": None}
    request_id = call.request.scope.get("state", {}).get("request_id") or new_id()
    extra: dict = {"common": {"progress": 0, "request_id": request_id, "task_id": new_id()}}
    if backup is not None:
        extra["resource"] = {"id": backup["resource_id"], "name": backup["resource_name"],
                             "type": backup["resource_type"]}
        names = {"backup_id": backup["id"], "backup_name": backup["name"]}
        if operation_type == "backup":
            extra["backup"] = names | {"incremental": str(bool(backup["incremental"])).lower()}
        elif operation_type == "restore":
            extra["restore"] = names | {"target_resource_id": target["id"], "target_resource_name": target["name"]}
        elif operation_type == "replication":
            # huaweicloudsdkcbr OpExtendInfoReplication
            extra["replication"] = {key: replication[key] for key in RECORD_ENDS} | {
                "source_backup_name": backup["name"], "destination_backup_name": backup["name"]}
        else:
            extra["delete"] = names
    else:
        total = len(backups_where(call, vault_id=vault["id"]))
        extra["vault_delete"] = {"fail_count": 0, "total_count": total}
    log = {"id": new_id(), "project_id": call.project_id, "region": call.region, "status": None,
           "operation_type": operation_type, "checkpoint_id": (backup or {}).get("checkpoint_id"),
           "policy_id": policy_id or "", "provider_id": provider_of(backup), "vault_id": vault["id"],
           "vault_name": vault.get("name"), "resource_id": (backup or {}).get("resource_id"),
           "resource_name": (backup or {}).get("resource_name"), "created_at": at, "updated_at": at,
           "extra_info": extra}
    return call.oplogs.save(begin(log, OPLOG_OPS[OPLOG_TIMINGS[operation_type]], at, call.timings(),
                                  queued=("waiting", queue_seconds(call))))


# -- replication to another region ------------------------------------------
# CopyBackup (`POST /backups/{id}/replicate`), CopyCheckpoint (`POST /checkpoints/replicate`) and
# replication policies copy a disk backup, as it was when it was taken, into a replication vault
# of the caller's project in another region. The copy takes the timing `cbr.replicate` (after
# `cbr.queue`); meanwhile the replica is `protecting` in the destination vault and the record
# `replicating`. Codes from the CBR error code table (Huawei Cloud api-cbr ErrorCode: .1002,
# .1005, .1009, .1011); the others are chosen (README "Regions").
RECORD_ENDS = ("source_backup_id", "source_checkpoint_id", "source_project_id", "source_region",
               "destination_backup_id", "destination_checkpoint_id", "destination_project_id", "destination_region")


def replication_target(call: Call, source_vault: dict, spec: dict) -> tuple[Call, dict]:
    """The destination of a replication out of `source_vault`: (the call acting in the destination
    project, the destination vault), after the cloud's checks."""
    kind = source_vault["billing"]["object_type"]
    if kind != "disk":  # CBR's code for it; replicating server backups is not modelled (README)
        raise cbr_error(400, "BackupService.6122", f"The resource type of vault {source_vault['id']} ({kind}) does "
                                                   f"not support replication here.")
    wanted = {field: spec.get(field) for field in ("destination_region", "destination_project_id",
                                                   "destination_vault_id")}
    for field, value in wanted.items():
        if not isinstance(value, str) or not value:
            raise invalid(f"Missing required element '{field}'.")
    region = wanted["destination_region"]
    if region not in call.emu.config.replication_destinations(call.region):
        raise cbr_error(400, "BackupService.1005", f"The destination region {region} does not support replication "
                                                   f"from {call.region}.")
    project = call.principal.tenant.project_in(region)
    if project is None or project["id"] != wanted["destination_project_id"]:
        raise cbr_error(400, "BackupService.1011", f"The destination project {wanted['destination_project_id']} "
                                                   f"does not support replication.")
    if call.emu.region_is_down(region):
        raise cbr_error(500, "BackupService.0003", f"Internal error: region {region} is unavailable.")
    destination = call.in_project(project["id"])
    vault = destination.vault(wanted["destination_vault_id"], f" in region {region}")
    kind = source_vault["billing"]["object_type"]
    if vault["billing"]["protect_type"] != "replication" or vault["billing"]["object_type"] != kind:
        raise cbr_error(400, "BackupService.6102", f"The destination vault {vault['id']} is not a replication "
                                                   f"vault for {kind} backups.")
    return destination, vault


def policy_target(call: Call, policy: dict, vault: dict, destination_vault_id) -> tuple[Call, dict]:
    """The destination of a replication policy bound to `vault` with that destination vault."""
    definition = policy["operation_definition"]
    return replication_target(call, vault, {"destination_region": definition.get("destination_region"),
                                            "destination_project_id": definition.get("destination_project_id"),
                                            "destination_vault_id": destination_vault_id})


def replica_of(call: Call, backup: dict, region: str) -> dict | None:
    """The record of the backup's replica in `region` that still counts (copying or copied, and
    the replica not deleted), if any: one replica per backup per destination."""
    for record_id in backup.get("_replication_record_ids", []):
        record = call.replications.get(record_id, call.project_id)
        if record and record["destination_region"] == region and record["status"] != "failed" and \
                call.backups.get(record["destination_backup_id"], record["destination_project_id"]) is not None:
            return record
    return None


def _refuse_unreplicable(backup: dict) -> None:
    if backup.get("image_type", "backup") != "backup":
        raise cbr_error(400, "BackupService.1002", f"Replication is not allowed for backup {backup['id']}: it is a "
                                                   f"{backup['image_type']}, not a backup.")
    if backup["status"] != "available":
        raise cbr_error(400, "BackupService.2005", f"Replication is not allowed in backup status {backup['status']}.")


def copy_backup(call: Call, backup: dict, spec: dict) -> dict:
    """CopyBackup: the backup's own refusals first, then the destination's."""
    _refuse_unreplicable(backup)
    named = {"name": _name(spec["name"]) if spec.get("name") is not None else backup["name"],
             "description": _description(spec.get("description", backup["description"]))}
    return replicate_backup(call, backup, replication_target(call, call.vault(backup["vault_id"]), spec), call.now,
                            named=named)


def replicate_backup(call: Call, backup: dict, target: tuple[Call, dict], at: float, auto: bool = False,
                     policy_id: str | None = None, named: dict | None = None) -> dict:
    """Copy `backup` (its blocks as taken) into the target vault, under the source's name and
    description unless `named` gives others; answers the replication record."""
    _refuse_unreplicable(backup)
    destination, vault = target
    if replica_of(call, backup, destination.region) is not None:
        raise cbr_error(400, "BackupService.1009", f"The backup {backup['id']} is being replicated or has been "
                                                   f"replicated to region {destination.region}.")
    need = backup["resource_size"] * 1024  # a replica is a full copy
    vault = _with_room(destination, vault, need)
    checkpoint_id, timings = new_id(), call.timings()
    replica = {key: backup[key] for key in ("name", "description", "resource_id", "resource_name", "resource_type",
                                            "resource_size", "resource_az", "_size")} | (named or {}) | {
        "id": new_id(), "project_id": destination.project_id, "region": destination.region,
        "checkpoint_id": checkpoint_id, "vault_id": vault["id"], "image_type": "replication", "status": None,
        "created_at": at, "updated_at": at, "auto_trigger": auto, "incremental": False, "expired_at": None,
        "_blocks": dict(backup["_blocks"]), "_used_mb": need, "_source_backup_id": backup["id"]}
    destination.backups.save(begin(replica, REPLICA_OPS["cbr.replicate"], at, timings,
                                   queued=(None, queue_seconds(call))))
    resource = _checkpoint_resource(backup["resource_id"], backup["resource_name"], DISK_TYPE, backup["resource_size"])
    _save_checkpoint(destination, checkpoint_id, vault, replica["name"], replica["description"], at, [resource], [],
                     CHECKPOINT_OPS["cbr.replicate"])
    record = {"id": new_id(), "project_id": call.project_id, "region": call.region, "status": None,
              "created_at": at, "updated_at": at, "vault_id": backup["vault_id"], "destination_vault_id": vault["id"],
              "source_backup_id": backup["id"], "source_checkpoint_id": backup["checkpoint_id"],
              "source_project_id": call.project_id, "source_region": call.region,
              "destination_backup_id": replica["id"], "destination_checkpoint_id": checkpoint_id,
              "destination_project_id": destination.project_id, "destination_region": destination.region,
              "auto_trigger": auto}
    record = call.replications.save(begin(record, RECORD_OPS["cbr.replicate"], at, timings,
                                          queued=(None, queue_seconds(call))))
    call.backups.save(backup | {"_replication_record_ids": backup.get("_replication_record_ids", []) + [record["id"]]})
    log = record_operation(call, "replication", call.vaults.get(backup["vault_id"], call.project_id), at,
                           backup=backup, policy_id=policy_id, replication=record)
    return call.replications.save(record | {"_oplog_id": log["id"]})


def fail_copies_with(emu, region: str) -> None:
    """A region going down fails the copies into or out of it still running (the emulator has no
    partial copy): the record `failed` with its fail code and reason, the replica and its
    checkpoint `error`, the operation log `failed`. The backup may then be copied again (CopyBackup,
    or the policy's next run). The code is chosen (README "Regions")."""
    code, reason = "BackupService.0003", f"Region {region} became unavailable during the replication."
    for record in Repository(emu, REPLICATION).list(None):
        if record["status"] != "replicating" or region not in (record["source_region"], record["destination_region"]):
            continue
        _stop(emu, REPLICATION, record, "failed", fail_code=code, fail_reason=reason)
        _stop(emu, CBR_BACKUP, emu.store.get(CBR_BACKUP, record["destination_backup_id"]), "error")
        _stop(emu, CHECKPOINT, emu.store.get(CHECKPOINT, record["destination_checkpoint_id"]), "error")
        _stop(emu, OPLOG, emu.store.get(OPLOG, record["_oplog_id"]), "failed", error_info={"code": code,
                                                                                        "message": reason})


def _stop(emu, kind: str, body: dict | None, status: str, **fields) -> None:
    """End a running operation of a stored resource now, in `status`."""
    if body is None:
        return
    stopped = {k: v for k, v in body.items() if k != lifecycle.PENDING_KEY}
    stopped |= fields | {"status": status, "updated_at": emu.now()}
    emu.store.put(kind, body["id"], stopped, body.get("project_id"), body.get("region"))


def replicable_backups(call: Call, vault: dict, region: str, at: float) -> list[dict]:
    """The vault's backups that were available at `at` and have no replica in `region`."""
    return [b for b in backups_where(call, vault_id=vault["id"])
            if b.get("image_type", "backup") == "backup" and b["status"] == "available"
            and b.get("_available_at", b["created_at"]) <= at and replica_of(call, b, region) is None]


def replicate_checkpoint(call: Call, spec: dict) -> tuple[dict, list[dict]]:
    """CopyCheckpoint: replicate every backup of the vault `vault_id` not yet in the destination
    region (the body names a vault, not a checkpoint; chosen reading, README "Regions")."""
    vault = call.vault(spec.get("vault_id") or "")
    target = replication_target(call, vault, spec)
    backups = replicable_backups(call, vault, target[0].region, call.now)
    if not backups:
        raise cbr_error(400, "BackupService.1009", f"Every backup of vault {vault['id']} is being replicated or has "
                                                   f"been replicated to region {target[0].region}.")
    auto = validators.boolean(spec.get("auto_trigger", False), "auto_trigger", invalid)
    return vault, [replicate_backup(call, b, target, call.now, auto=auto) for b in backups]


def replicate_on_schedule(call: Call, policy: dict, vault: dict, at: float) -> None:
    """A replication policy's run on a vault: copy what is new since the last run; a run that
    cannot reach its destination (region down, vault gone or full) copies nothing, and the next
    run takes what it missed."""
    try:
        target = policy_target(call, policy, vault, vault.get("destination_vault_id"))
        for backup in replicable_backups(call, vault, target[0].region, at):
            replicate_backup(call, backup, target, at, auto=True, policy_id=policy["id"])
    except errors.ApiError:
        return
    apply_retention(target[0], policy, target[1]["id"], at)


def replication_capabilities(config) -> list[dict]:
    return [{"name": region, "replication_destinations": config.replication_destinations(region)}
            for region in config.regions]


# -- schedules on the clock ------------------------------------------------
def _matcher(policy: dict, rule: dict):
    anchor = policy["created_at"]
    wanted = {common.WEEKDAYS.index(d) for d in rule["days"]}

    def matches(day: datetime) -> bool:
        elapsed = common.days_between(anchor, day)
        if rule["freq"] == "DAILY":
            return elapsed % rule["interval"] == 0 and day.weekday() in wanted
        return day.weekday() in wanted and (elapsed // 7) % rule["interval"] == 0
    return matches


def _auto_bind(call: Call) -> None:
    """Vaults with auto_bind take in the resources of their type (disks, or servers in a server
    vault) whose metadata carries every bind-rule tag (key=value). CBR's bind rules associate
    "resources carrying those tags" (CreateVault `bind_rules`), of the vault's type."""
    vaults = [v for v in call.vaults.list(call.project_id)
              if v["auto_bind"] and v["billing"]["object_type"] in ("disk", "server")]
    if not vaults:
        return
    taken = {r["id"] for v in call.vaults.list(call.project_id) for r in v["resources"]}
    for vault in vaults:
        tags = vault["bind_rules"].get("tags") or []
        servers = vault["billing"]["object_type"] == "server"
        kind, candidates = (SERVER_TYPE, call.servers) if servers else (DISK_TYPE, call.volumes)
        added = []
        for resource in candidates.list(call.project_id):
            metadata = resource.get("metadata") or {}
            if resource["id"] in taken or not all(metadata.get(t["key"]) == t["value"] for t in tags):
                continue
            added.append({"id": resource["id"], "type": kind, "name": resource["name"], "extra_info": {}})
            taken.add(resource["id"])
        if added and len(vault["resources"]) + len(added) <= MAX_VAULT_RESOURCES:
            call.vaults.save(vault | {"resources": vault["resources"] + added})


def run_due_policies(call: Call) -> None:
    """Materialise the scheduled runs that fell due since the last request, in every project of
    the caller's domain whose region is up: a replica a policy of another region makes shows in
    this region without a request there."""
    for project in call.principal.tenant.projects:
        if project["id"] == call.project_id or not call.emu.region_is_down(project["region"]):
            _run_project_policies(call.in_project(project["id"]))


def _run_project_policies(call: Call) -> None:
    """The project's scheduled checkpoints and replications that fell due, with retention, in time
    order across its policies (a backup policy's run before a replication policy's at the same
    instant), so a long clock jump replicates the backups taken during it."""
    _auto_bind(call)
    runs, seen = [], []
    for policy in call.policies.list(call.project_id):
        after = policy["_evaluated_until"]
        if call.now <= after:
            continue
        seen.append(policy)
        if policy["enabled"]:
            instants = set()
            for pattern in policy["trigger"]["properties"]["pattern"]:
                rule = parse_pattern(pattern)
                instants.update(common.due_instants(after, call.now, _matcher(policy, rule), rule["times"]))
            order = list(POLICY_RUNS).index(policy["operation_type"])
            runs += [(instant, order, len(seen), policy) for instant in instants]
    for instant, _, _, policy in sorted(runs, key=lambda run: run[:3]):
        bound_by, run = POLICY_RUNS[policy["operation_type"]]
        for vault in call.vaults.list(call.project_id):
            if vault.get(bound_by) == policy["id"]:
                run(call, policy, vault, instant)
    for policy in seen:
        call.policies.save(policy | {"_evaluated_until": call.now})


def run_policy_on_vault(call: Call, policy: dict, vault: dict, at: float) -> None:
    try:
        take_checkpoint(call, vault, {}, at, auto=True, policy=policy)
    except errors.ApiError:
        pass  # nothing to back up or the vault is full: the run fails, like a failed operation log entry
    apply_retention(call, policy, vault["id"], at)


# Which vaults a policy runs on (the vault field that binds it), and its run there at an instant.
POLICY_RUNS = {"backup": ("policy_id", run_policy_on_vault),
               "replication": ("replication_policy_id", replicate_on_schedule)}


def _period_keys(epoch: float, offset: timedelta) -> dict[str, object]:
    local = datetime.fromtimestamp(epoch, tz=timezone.utc) + offset
    iso = local.isocalendar()
    return {"day_backups": local.date(), "week_backups": (iso[0], iso[1]),
            "month_backups": (local.year, local.month), "year_backups": local.year}


def _tz_offset(text: str | None) -> timedelta:
    if not text:
        return timedelta(0)
    sign = -1 if text[3] == "-" else 1
    hours, minutes = int(text[4:6]), int(text[7:9])
    return sign * timedelta(hours=hours, minutes=minutes)


def apply_retention(call: Call, policy: dict, vault_id: str, at: float) -> None:
    """Keep, per resource, the automatic backups the policy's retention allows; delete the rest.

    Kept: the newest `max_backups`, those younger than `retention_duration_days`, and (long-term
    retention) the newest backup of each of the latest N days/weeks/months/years. Without
    `max_backups` and `retention_duration_days` everything is kept. Manual backups are never touched.
    """
    definition = policy["operation_definition"]
    max_backups = definition.get("max_backups", -1)
    days = definition.get("retention_duration_days", -1)
    max_backups = -1 if max_backups is None else max_backups
    days = -1 if days is None else days
    if max_backups == -1 and days == -1:
        return
    offset = _tz_offset(definition.get("timezone"))
    auto = [b for b in backups_where(call, vault_id=vault_id)
            if b["auto_trigger"] and b["status"] != "deleting" and not b.get("parent_id")]
    for resource_id in {b["resource_id"] for b in auto}:
        mine = sorted((b for b in auto if b["resource_id"] == resource_id),
                      key=lambda b: (b["created_at"], b["id"]), reverse=True)
        keep = set()
        if max_backups > 0:
            keep.update(b["id"] for b in mine[:max_backups])
        if days > 0:
            keep.update(b["id"] for b in mine if b["created_at"] > at - days * 86400)  # younger than N days
        for field in LONG_TERM:
            periods = definition.get(field) or 0
            seen = []
            for b in mine:  # newest first: the first backup met in a period is its newest
                key = _period_keys(b["created_at"], offset)[field]
                if key not in seen:
                    seen.append(key)
                    if len(seen) <= periods:
                        keep.add(b["id"])
        for b in mine:
            if b["id"] not in keep:
                for doomed in [b] + children_of(call, b):
                    call.emu.store.delete(CBR_BACKUP, doomed["id"])
