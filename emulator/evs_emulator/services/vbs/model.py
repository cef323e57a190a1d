"""VBS's model: backups, jobs, backup policies and their tasks as stored, their transitions on
the emulator clock (manual and scheduled backups, restores, retention), and the checks on
request values. The HTTP side (routes, bodies, views, lists) is `api.py`.

Error bodies: documented codes answer {"error": {"message", "code": "VolumeBackup.xxxx"}} (or
`AutoBackup.xxxx` for policies); malformed requests without a documented code answer the
Cinder wrapper ({"badRequest": {"message", "code": 400}}). See README, "Choices".
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from starlette.requests import Request

from ... import auth, errors, lifecycle, validators
from ...context import ProjectCall
from ...lifecycle import GONE, Operation, begin
from ...resources import Repository, new_id
from ...store import Selection
from .. import backup_common as common
from ..backup_common import VBS_BACKUP, VOLUME

JOB, POLICY, TASK = "vbs_job", "vbs_policy", "vbs_task"
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
POLICY_NAME_RE = NAME_RE
HOUR_RE = re.compile(r"^([01]\d|2[0-3]):00$")
WEEK_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
BACKUP_OPS = lifecycle.operations(
    Operation("backup.create", None, "creating", "available"),
    Operation("backup.delete", frozenset({"available", "error"}), "deleting", GONE),
    Operation("backup.restore", frozenset({"available"}), "restoring", "available"),
)
# A job runs exactly as long as the operation it stands for.
JOB_OPS = lifecycle.operations(
    Operation("backup.create", None, "RUNNING", "SUCCESS"),
    Operation("backup.delete", None, "RUNNING", "SUCCESS"),
    Operation("backup.restore", None, "RUNNING", "SUCCESS"),
)
JOB_TYPES = {"backup.create": "bksCreateBackup", "backup.delete": "bksDeleteBackup",
             "backup.restore": "bksRestoreBackup"}


def vbs_error(status: int, code: str, message: str) -> errors.ApiError:
    return errors.ApiError(status, {"error": {"message": message, "code": code}})


# -- context ---------------------------------------------------------------
class Call(ProjectCall):
    """A VBS request: the project's backups, jobs, policies and tasks, and VBS's not-found errors."""

    def __init__(self, request: Request, principal: auth.Principal):
        super().__init__(request, principal)
        self.backups = Repository(self.emu, VBS_BACKUP)
        self.volumes = Repository(self.emu, VOLUME)
        self.jobs = Repository(self.emu, JOB)
        self.policies = Repository(self.emu, POLICY)
        self.tasks = Repository(self.emu, TASK)

    def backup(self, backup_id: str, code: str | None = None) -> dict:
        backup = self.backups.get(backup_id, self.project_id)
        if backup is None:
            if code:
                raise vbs_error(404, code, f"Backup {backup_id} could not be found.")
            raise errors.not_found(f"Backup {backup_id} could not be found.")
        return backup

    def volume(self, volume_id: str, code: str) -> dict:
        volume = self.volumes.get(volume_id, self.project_id)
        if volume is None:
            raise vbs_error(404, code, f"Volume {volume_id} could not be found.")
        if self.emu.zone_is_down(volume["availability_zone"]):
            raise vbs_error(500, "VolumeBackup.0014", f"Submitting the task failed: availability zone "
                                                      f"{volume['availability_zone']} is unavailable.")
        return volume

    def policy(self, policy_id: str) -> dict:
        policy = self.policies.get(policy_id, self.project_id)
        if policy is None:
            raise vbs_error(404, "AutoBackup.0205", f"Backup policy {policy_id} does not exist.")
        return policy


# -- backups ---------------------------------------------------------------
def _text(value, field: str, limit: int = 64) -> str:
    error = errors.bad_request(f"Invalid {field}: at most {limit} characters, no '<' or '>'.")
    return validators.optional_text(value, limit, error, forbidden="<>")


def backups_used(call: Call) -> tuple[int, int]:
    """How many backups the project has and their total size (store.usage, not a scan)."""
    totals = call.backups.usage(call.project_id).values()
    return sum(count for count, _ in totals), sum(size for _, size in totals)


def _check_quota(call: Call, size: int) -> None:
    count, used = backups_used(call)
    quotas = call.emu.config.quotas
    if 0 <= int(quotas.get("backups", -1)) < count + 1:
        raise vbs_error(400, "VolumeBackup.0080", "The backup count quota is exceeded.")
    if 0 <= int(quotas.get("backup_gigabytes", -1)) < used + size:
        raise vbs_error(400, "VolumeBackup.0081", "The backup capacity quota is exceeded.")


def start_backup(call: Call, volume: dict, name: str, description: str, at: float, full: bool = False,
                 policy_id: str | None = None, tags: list | None = None) -> dict:
    """Accept a backup of `volume` at instant `at`: the backup copies the disk's blocks as they are."""
    of_disk = call.backups.scan(call.project_id, Selection(equal=(("volume_id", volume["id"]),), order=("seq",)))
    previous = [b for _, b in of_disk if b["status"] == "available"]
    last = max(previous, key=lambda b: b["created_at"]) if previous else None
    incremental = last is not None and not full
    blocks = dict(volume["_blocks"])
    changed = common.changed_blocks(blocks, last["_blocks"] if incremental else None)
    backup = {
        "id": new_id(), "project_id": call.project_id, "region": volume["region"], "name": name,
        "description": description, "status": None, "volume_id": volume["id"], "size": volume["size"],
        "availability_zone": volume["availability_zone"], "created_at": at, "updated_at": at,
        "is_incremental": incremental, "tags": tags or [], "_policy_id": policy_id,
        # A backup is its own copy of the disk's block map (object storage, apart from the disk).
        "_blocks": blocks, "_size": volume["size"],
        "_used_mb": min(volume["size"] * 1024, changed * 1024) if incremental else volume["size"] * 1024,
    }
    backup = call.backups.save(begin(backup, BACKUP_OPS["backup.create"], at, call.timings()))
    # OTC EVS user guide names VBS's snapshots by who started the backup (evs_01_0011).
    prefix = "autobk_snapshot_vbs_" if policy_id else "manualbk_snapshot_vbs_"
    backup["_snapshot_id"] = common.take_backup_snapshot(call.emu, volume, prefix, backup["id"], at)["id"]
    call.backups.save(backup)
    if at == call.now or backup["_pending"]["due"] > call.now:  # a past policy run left the disk as it was
        common.start_disk_backup(call.emu, volume, at)
    return backup


def new_job(call: Call, op: str, entities: dict, at: float | None = None) -> dict:
    at = call.now if at is None else at
    job = {"id": new_id(), "project_id": call.project_id, "region": call.region, "status": None,
           "job_type": JOB_TYPES[op], "begin_time": at, "entities": entities}
    return call.jobs.save(begin(job, JOB_OPS[op], at, call.timings()))


def _backup_volume_ready(call: Call, volume: dict) -> None:
    if volume["status"] not in ("available", "in-use"):
        raise vbs_error(400, "VolumeBackup.0012", f"The disk {volume['id']} status must be available or in-use, "
                                                  f"but current status is: {volume['status']}.")


def _no_snapshot_in_progress(call: Call, volume: dict) -> None:
    """A backup starts with a snapshot of the disk, and a disk takes one snapshot at a time (EVS
    User Guide "Creating a Snapshot"; a `creating` snapshot allows no operation): refused while a
    snapshot of the disk is `creating`. The code is the disk-status one, `.0012` (chosen)."""
    creating = common.snapshot_in_progress(call.emu, volume)
    if creating is not None:
        raise vbs_error(400, "VolumeBackup.0012", f"The disk {volume['id']} cannot be backed up now: its snapshot "
                                                  f"{creating['id']} is being created.")


def create_backup(call: Call, spec: dict) -> dict:
    """A manual backup (`cloudbackups`): its disk must be ready; answers the job."""
    volume_id, name = spec.get("volume_id"), spec.get("name")
    if not volume_id:
        raise errors.bad_request("Missing required element 'volume_id' in backup.")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise errors.bad_request("Invalid name: 1..64 characters of letters, digits, '_' and '-' are required.")
    if name.startswith("auto"):
        raise errors.bad_request("Invalid name: the prefix 'auto' is reserved for policy backups.")
    description = _text(spec.get("description"), "description")
    extend = spec.get("extend_param") or {}
    full = str(extend.get("FullBackup", "false")).lower() == "true" if isinstance(extend, dict) else False
    tags = spec.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, dict) and "key" in t for t in tags):
        raise errors.bad_request("Invalid tags: a list of {key, value} is expected.")
    volume = call.volume(volume_id, "VolumeBackup.0021")
    _backup_volume_ready(call, volume)
    _no_snapshot_in_progress(call, volume)
    _check_quota(call, volume["size"])
    backup = start_backup(call, volume, name, description, call.now, full=full, tags=tags)
    return new_job(call, "backup.create", {"backup_id": backup["id"], "volume_id": volume["id"],
                                            "snapshot_id": backup["_snapshot_id"],
                                            "bks_create_volume_name": "autobk_volume"})


def delete_backup(call: Call, backup: dict) -> None:
    operation = BACKUP_OPS["backup.delete"]
    if not operation.allows(backup["status"]):
        raise vbs_error(400, "VolumeBackup.0064", f"Invalid backup: backup status must be available or error, "
                                                  f"but current status is: {backup['status']}.")
    call.backups.save(begin(backup, operation, call.now, call.timings()))


def delete_backup_job(call: Call, backup: dict) -> dict:
    """The vendor delete (deprecated `POST cloudbackups/{id}`): the delete, and its job."""
    delete_backup(call, backup)
    return new_job(call, "backup.delete", {"backup_id": backup["id"]})


def restore_backup(call: Call, backup: dict, spec: dict) -> dict:
    """Restore onto the existing disk `volume_id`; answers the disk."""
    volume_id = spec.get("volume_id")
    if not volume_id:
        raise errors.bad_request("Missing required element 'volume_id' in restore (this cloud restores onto an "
                                 "existing disk).")
    volume = call.volume(volume_id, "VolumeBackup.0111")
    if not BACKUP_OPS["backup.restore"].allows(backup["status"]):
        raise vbs_error(400, "VolumeBackup.0064", f"Backup {backup['id']} status must be available, but current "
                                                  f"status is: {backup['status']}.")
    if not common.DISK_OPS["backup.restore"].allows(volume["status"]):
        raise vbs_error(400, "VolumeBackup.0012", f"The disk {volume['id']} status must be available, but current "
                                                  f"status is: {volume['status']}.")
    if common.in_replication_pair(call.emu, volume):
        raise errors.bad_request(f"Invalid volume: volume {volume['id']} is in an SDRS replication pair; a backup "
                                 f"cannot be restored onto it.")
    if volume["size"] < backup["size"]:
        raise errors.bad_request(f"Invalid volume: volume size {volume['size']} GB is smaller than the backup size "
                                 f"{backup['size']} GB.")
    common.start_disk_restore(call.emu, volume, backup["_blocks"], call.now)
    call.backups.save(begin(backup, BACKUP_OPS["backup.restore"], call.now, call.timings()))
    return volume


# -- backup policies -------------------------------------------------------
def _one_of(schedule: dict, first: str, second: str) -> str:
    """Which of two alternative keys `schedule` sets: `first` wins (and `second` is dropped);
    neither is refused."""
    if schedule.get(first) is not None:
        schedule.pop(second, None)
        return first
    if schedule.get(second) is None:
        raise errors.bad_request(f"One of {first} and {second} is required in scheduled_policy.")
    return second


def _require_whole_number(schedule: dict, key: str, low: int, high: int, meaning: str) -> None:
    if not validators.is_whole_number_in(schedule[key], low, high):
        raise errors.bad_request(f"Invalid {key} '{schedule[key]}': {meaning}.")


def _schedule(spec: dict, current: dict | None = None) -> dict:
    """Validate a `scheduled_policy` (merged over `current` for updates)."""
    if not isinstance(spec, dict):
        raise errors.bad_request("Invalid scheduled_policy: an object is expected.")
    merged = dict(current or {}) | spec
    times = merged.get("start_time")
    if not isinstance(times, str) or not times:
        raise errors.bad_request("Missing required element 'start_time' in scheduled_policy.")
    hours = times.split(",")
    if not all(HOUR_RE.match(h) for h in hours) or hours != sorted(hours) or len(set(hours)) != len(hours):
        raise errors.bad_request(f"Invalid start_time '{times}': full UTC hours HH:00, ascending, comma-separated.")
    if _one_of(merged, "frequency", "week_frequency") == "frequency":
        _require_whole_number(merged, "frequency", 1, 30, "an interval of 1..30 days")
    else:
        days = merged["week_frequency"]
        if not isinstance(days, list) or not days or not all(d in WEEK_DAYS for d in days):
            raise errors.bad_request(f"Invalid week_frequency: a list of {', '.join(WEEK_DAYS)}.")
    if _one_of(merged, "rentention_num", "rentention_day") == "rentention_num":
        _require_whole_number(merged, "rentention_num", 2, 99, "2..99")
    else:
        _require_whole_number(merged, "rentention_day", 2, 99999, "2..99999")
    keep_first = merged.get("remain_first_backup_of_curMonth", "N")
    if keep_first not in ("Y", "N"):
        raise errors.bad_request("Invalid remain_first_backup_of_curMonth: Y or N.")
    merged["remain_first_backup_of_curMonth"] = keep_first
    status = merged.get("status", "ON")
    if status not in ("ON", "OFF"):
        raise vbs_error(400, "AutoBackup.0104", f"Invalid status '{status}': ON or OFF.")
    merged["status"] = status
    allowed = {"start_time", "frequency", "week_frequency", "rentention_num", "rentention_day",
               "remain_first_backup_of_curMonth", "status", "time_zone"}
    return {k: v for k, v in merged.items() if k in allowed}


def _policy_name(name) -> str:
    if not validators.is_name(name, POLICY_NAME_RE):
        raise vbs_error(400, "AutoBackup.0101", "Invalid backup_policy_name: 1..64 letters, digits, '_' or '-'.")
    if name.startswith("default"):
        raise vbs_error(400, "AutoBackup.0102", "Invalid backup_policy_name: the prefix 'default' is reserved.")
    return name


def _unique_name(call: Call, value, policy_id: str | None = None) -> str:
    """A policy name no other policy of the project has."""
    name = _policy_name(value)
    if any(p["name"] == name and p["id"] != policy_id for p in call.policies.list(call.project_id)):
        raise vbs_error(400, "AutoBackup.0101", f"A backup policy named {name} already exists.")
    return name


def create_policy(call: Call, spec: dict) -> dict:
    name = _unique_name(call, spec.get("backup_policy_name"))
    if "scheduled_policy" not in spec:
        raise errors.bad_request("Missing required element 'scheduled_policy'.")
    policy = {"id": new_id(), "project_id": call.project_id, "region": call.region, "name": name,
              "scheduled_policy": _schedule(spec["scheduled_policy"]), "tags": list(spec.get("tags") or []),
              "resources": [], "created_at": call.now, "_evaluated_until": call.now}
    return call.policies.save(policy)


def update_policy(call: Call, policy: dict, spec: dict) -> dict:
    changes = validators.changed({}, spec, {
        "backup_policy_name": lambda value: _unique_name(call, value, policy["id"]),
        "scheduled_policy": lambda value: _schedule(value, policy["scheduled_policy"])})
    renamed = {"name": changes.pop("backup_policy_name")} if "backup_policy_name" in changes else {}
    return call.policies.save(policy | renamed | changes)


def bind_resources(call: Call, spec: dict) -> tuple[list, list]:
    """Bind disks to the policy `spec.backup_policy_id`; answers the (success, fail) entries."""
    policy = call.policy(spec.get("backup_policy_id") or "")
    resources = spec.get("resources")
    if not isinstance(resources, list) or not resources:
        raise errors.bad_request("Missing required element 'resources': a non-empty list.")
    bound = {r: p["id"] for p in call.policies.list(call.project_id) for r in p["resources"]}
    success, fail = [], []
    for entry in resources:
        rid = entry.get("resource_id") if isinstance(entry, dict) else None
        rtype = entry.get("resource_type", "volume") if isinstance(entry, dict) else "volume"
        volume = call.volumes.get(rid, call.project_id) if rid else None
        if volume is None:
            fail.append({"resource_id": rid, "resource_type": rtype, "error_code": "VolumeBackup.0021",
                         "error_msg": f"The disk {rid} does not exist."})
        elif bound.get(rid) not in (None, policy["id"]):
            fail.append({"resource_id": rid, "resource_type": rtype, "error_code": "AutoBackup.0300",
                         "error_msg": f"The disk {rid} is already bound to backup policy {bound[rid]}."})
        else:
            if rid not in policy["resources"]:
                policy = policy | {"resources": policy["resources"] + [rid]}
            bound[rid] = policy["id"]
            success.append({"resource_id": rid, "resource_type": rtype,
                            "availability_zone": volume["availability_zone"],
                            "os_vol_host_attr": f"{volume['availability_zone']}#evs"})
    call.policies.save(policy)
    return success, fail


def unbind_resources(call: Call, policy: dict, spec: dict) -> tuple[list, list]:
    resources = spec.get("resources")
    if not isinstance(resources, list) or not resources:
        raise errors.bad_request("Missing required element 'resources': a non-empty list.")
    success, fail = [], []
    for entry in resources:
        rid = entry.get("resource_id") if isinstance(entry, dict) else None
        if rid in policy["resources"]:
            policy = policy | {"resources": [r for r in policy["resources"] if r != rid]}
            success.append({"resource_id": rid, "resource_type": "volume"})
        else:
            fail.append({"resource_id": rid, "resource_type": "volume", "error_code": "AutoBackup.0301",
                         "error_msg": f"The disk {rid} is not bound to backup policy {policy['id']}."})
    call.policies.save(policy)
    return success, fail


# -- schedules on the clock ------------------------------------------------
def _day_matcher(policy: dict):
    schedule = policy["scheduled_policy"]
    if schedule.get("frequency"):
        every = int(schedule["frequency"])
        return lambda day: common.days_between(policy["created_at"], day) % every == 0
    days = {WEEK_DAYS.index(d) for d in schedule["week_frequency"]}
    return lambda day: (day.weekday() + 1) % 7 in days  # Python Monday=0; VBS SUN first


def _times(policy: dict) -> list[tuple[int, int]]:
    return [(int(h[:2]), 0) for h in policy["scheduled_policy"]["start_time"].split(",")]


def run_due_policies(call: Call) -> None:
    """Materialise every scheduled run of this project's policies that fell due since the last request."""
    for policy in call.policies.list(call.project_id):
        after = policy["_evaluated_until"]
        if call.now <= after:
            continue
        if policy["scheduled_policy"]["status"] == "ON":
            for instant in common.due_instants(after, call.now, _day_matcher(policy), _times(policy)):
                policy = run_policy(call, policy, instant)
        call.policies.save(policy | {"_evaluated_until": call.now})


def run_policy(call: Call, policy: dict, at: float) -> dict:
    """One run at instant `at`: back up every bound disk (autobk_*), record tasks, apply retention."""
    for volume_id in policy["resources"]:
        volume = call.volumes.get(volume_id, call.project_id)
        task = {"id": new_id(), "project_id": call.project_id, "region": call.region, "policy_id": policy["id"],
                "resource_id": volume_id, "created_at": at, "finished_at": at,
                "backup_name": "autobk_" + new_id().replace("-", "")[:4]}
        if volume is None or call.emu.zone_is_down(volume["availability_zone"]) or \
                volume["status"] not in ("available", "in-use") or common.snapshot_in_progress(call.emu, volume):
            call.tasks.save(task | {"status": "EXECUTE_FAIL" if volume else "SKIP"})
            continue
        try:
            _check_quota(call, volume["size"])
        except errors.ApiError:
            call.tasks.save(task | {"status": "EXECUTE_FAIL"})
            continue
        backup = start_backup(call, volume, task["backup_name"], "", at, policy_id=policy["id"])
        call.tasks.save(task | {"status": "EXECUTE_SUCCESS", "finished_at": backup["_pending"]["due"],
                                "backup_id": backup["id"]})
        _apply_retention(call, policy, volume_id, at)
    return policy


def _apply_retention(call: Call, policy: dict, volume_id: str, at: float) -> None:
    """Delete this policy's oldest backups of the disk beyond `rentention_num` or older than
    `rentention_day`, keeping the month's first one when asked. Manual backups are never touched."""
    schedule = policy["scheduled_policy"]
    mine = sorted((b for b in call.backups.list(call.project_id)
                   if b.get("_policy_id") == policy["id"] and b["volume_id"] == volume_id),
                  key=lambda b: (b["created_at"], b["id"]), reverse=True)
    if schedule.get("rentention_num"):
        doomed = mine[int(schedule["rentention_num"]):]
    else:
        doomed = [b for b in mine if b["created_at"] <= at - int(schedule["rentention_day"]) * 86400]
    if schedule.get("remain_first_backup_of_curMonth") == "Y":
        month = datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m")
        this_month = [b for b in mine if datetime.fromtimestamp(b["created_at"], tz=timezone.utc)
                      .strftime("%Y-%m") == month]
        if this_month:
            first = this_month[-1]["id"]
            doomed = [b for b in doomed if b["id"] != first]
    for backup in doomed:
        call.emu.store.delete(VBS_BACKUP, backup["id"])
