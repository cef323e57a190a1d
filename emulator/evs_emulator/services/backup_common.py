"""What VBS and CBR share: the disk side of a backup and a restore, and schedules on the clock.

A backup is stored apart from its disk (its own resource kind, its own copy of the disk's
block map), so deleting the disk or an outage of the disk's AZ leaves it restorable into a
new disk in any AZ of the region. A snapshot, by contrast, lives with its disk.

Schedules run on the emulator clock without threads: every VBS or CBR request of a project
first materialises the policy runs that fell due since the last request (in time order, each
followed by its retention), so moving the clock by a week and then listing backups shows the
week's scheduled backups, already pruned.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from .. import errors, lifecycle
from ..lifecycle import PREVIOUS, Operation, begin, settle
from ..context import project_endpoint
from ..resources import Repository, new_id
from ..store import Selection
from ..web import empty, json_response

VOLUME = "volume"  # the EVS kind (services/evs.py)
SNAPSHOT = "snapshot"  # services/evs.py
VBS_BACKUP, CBR_BACKUP = "vbs_backup", "cbr_backup"
SDRS_PAIR = "sdrs_pair"  # services/sdrs/model.py

# The disk side of a backup and of a restore, with the same timings as the backup side.
DISK_OPS = lifecycle.operations(
    Operation("backup.create", frozenset({"available", "in-use"}), "backing-up", PREVIOUS),
    Operation("backup.restore", frozenset({"available"}), "restoring-backup", "available"),
)
# A CBR restore of a whole server writes its disks while they stay attached to the stopped server.
ATTACHED_DISK_OPS = lifecycle.operations(
    Operation("backup.restore", frozenset({"in-use"}), "restoring-backup", PREVIOUS),
)


def restore_operation(attached: bool = False) -> Operation:
    """The disk side of a restore: onto a detached disk, or onto a disk of a stopped server."""
    return (ATTACHED_DISK_OPS if attached else DISK_OPS)["backup.restore"]

MAX_RUNS_PER_READ = 20000  # a clock moved by years does not hang the emulator


def scheduled_endpoint(call_class, run_due_policies: Callable):
    """Like `project_endpoint`, and first bring the project's policy schedules up to the clock
    (policies run on the emulator's clock when a request looks, not in a background thread)."""
    def decorate(handler):
        async def with_schedules(call):
            run_due_policies(call)
            return await handler(call)
        with_schedules.__name__ = handler.__name__
        with_schedules.__doc__ = handler.__doc__
        return project_endpoint(call_class)(with_schedules)
    return decorate


# -- one resource named by the path: the reads and deletes CBR and VBS answer alike ---------
def in_path(call, kind: str) -> dict:
    """The resource `.../{<kind>_id}` names, by the Call's finder of that name (404 with the
    service's own code)."""
    return getattr(call, kind)(call.request.path_params[f"{kind}_id"])


def show_endpoint(endpoint, kind: str, view: Callable):
    """GET of one resource: `{kind: view(call, resource)}`."""
    async def show(call):
        return json_response({kind: view(call, in_path(call, kind))})
    show.__name__ = f"show_{kind}"
    return endpoint(show)


def delete_endpoint(endpoint, kind: str, transition: Callable, status: int):
    """DELETE of one resource: the model's `transition` checks and deletes it; an empty answer."""
    async def delete(call):
        transition(call, in_path(call, kind))
        return empty(status)
    delete.__name__ = transition.__name__
    return endpoint(delete)


def volumes(emu) -> Repository:
    return Repository(emu, VOLUME)


def start_disk_backup(emu, volume: dict, now: float, queued: float = 0) -> dict:
    """The disk shows `backing-up` while the backup copies it (and while the job is `queued`
    seconds in the service's queue before that), then its previous status."""
    return volumes(emu).save(begin(volume, DISK_OPS["backup.create"], now, emu.timings(), queued=(None, queued)))


# The snapshot a backup leaves on its disk (../shared/api/vbs.md, "Side effects"; evs.md, snapshot
# status `backing-up`): `backing-up` while the backup copies the disk, then `available`; the
# disk's previous backup-made snapshot is deleted when the next backup of the disk (by VBS or
# CBR) is accepted, so a disk carries at most one (it is the base of the next incremental).
# It is an ordinary Cinder snapshot otherwise: listed, counted in the project's snapshot quota
# (never refused by it: the backup service makes it, not the user), deleted by a cascade delete
# of the disk; services/evs.py refuses to delete, change, roll back or clone it.
BACKUP_SNAPSHOT_OPS = lifecycle.operations(Operation("backup.create", None, "backing-up", "available"))


def take_backup_snapshot(emu, volume: dict, name_prefix: str, backup_id: str, at: float) -> dict:
    """The backup's snapshot of `volume` at instant `at`, replacing the disk's previous one."""
    from .evs import SNAPSHOT, made_by_backup  # evs imports this module lazily too
    snapshots = Repository(emu, SNAPSHOT)
    for _, old in snapshots.scan(volume["project_id"], Selection(equal=(("volume_id", volume["id"]),))):
        if old is not None and made_by_backup(old):
            emu.store.delete(SNAPSHOT, old["id"])
    snapshot = {
        "id": new_id(), "project_id": volume["project_id"], "region": volume["region"],
        "name": name_prefix + backup_id.replace("-", ""), "description": "", "status": None,
        "size": volume["size"], "volume_id": volume["id"], "metadata": {}, "created_at": at, "updated_at": at,
        "_availability_zone": volume["availability_zone"], "_volume_type": volume["volume_type"],
        "_blocks": dict(volume["_blocks"]),
    }
    return snapshots.save(begin(snapshot, BACKUP_SNAPSHOT_OPS["backup.create"], at, emu.timings()))


def start_disk_restore(emu, volume: dict, blocks: dict, now: float, queued: float = 0, attached: bool = False) -> dict:
    """The disk shows `restoring-backup` (also while the job is queued); the backup's blocks land
    on it when the restore completes."""
    return volumes(emu).save(begin(volume, restore_operation(attached), now, emu.timings(),
                                   on_done={"_blocks": dict(blocks)}, queued=(None, queued)))


def snapshots_of(emu, volume: dict) -> list[dict]:
    """The disk's snapshots as they are now (settled; gone ones left out), selected in SQL."""
    rows = Repository(emu, SNAPSHOT).scan(volume["project_id"], Selection(equal=(("volume_id", volume["id"]),)))
    return [body for _, body in rows if body is not None]


def snapshot_in_progress(emu, volume: dict) -> dict | None:
    """A snapshot of the disk still `creating`, when the config keeps the cloud's rule that VBS and
    CBR do not back up a disk while one is (README "Limits of the real cloud"), else None."""
    if not emu.config.limits.get("backup_refused_while_snapshot_creating"):
        return None
    return next((s for s in snapshots_of(emu, volume) if s["status"] == "creating"), None)


def in_replication_pair(emu, volume: dict) -> bool:
    """True while the disk belongs to an SDRS replication pair: its bytes may only change through
    the replicated write path, so a restore onto it is refused (as a snapshot rollback is)."""
    link = volume.get("_sdrs_pair")
    return bool(link) and settle(emu.store.get(SDRS_PAIR, link), emu.now()) is not None


def changed_blocks(blocks: dict, previous: dict | None) -> int:
    """How many blocks an incremental backup copies relative to the previous backup's map."""
    if previous is None:
        return len(blocks)
    keys = set(blocks) | set(previous)
    return sum(1 for k in keys if blocks.get(k) != previous.get(k))


def find_backup_source(emu, project_id: str, backup_id: str) -> dict | None:
    """A VBS or CBR backup of the project (for EVS `backup_id` creates), settled, or None."""
    for kind in (VBS_BACKUP, CBR_BACKUP):
        found = Repository(emu, kind).get(backup_id, project_id)
        if found is not None:
            return found
    return None


def source_for_new_volume(emu, project_id: str, backup_id: str, region: str) -> dict:
    """What EVS needs to create a disk from a backup: its size and blocks (any AZ of its region)."""
    backup = find_backup_source(emu, project_id, backup_id)
    if backup is None or backup.get("region") != region:
        raise errors.evs_error(400, "EVS.1016", f"Invalid backup_id {backup_id}: no such backup.")
    if backup.get("_children") is not None:  # a CBR server backup: its disks are its children
        raise errors.evs_error(400, "EVS.1016", f"Invalid backup_id {backup_id}: a server backup; create the disk "
                                                f"from one of its disk backups (children).")
    if backup["status"] != "available":
        raise errors.evs_error(400, "EVS.1016", f"Backup {backup_id} status must be available, but current "
                                                f"status is: {backup['status']}.")
    return {"id": backup["id"], "size": backup["_size"], "_blocks": dict(backup["_blocks"]), "kind": "backup"}


# -- schedules -------------------------------------------------------------
def _utc_day(epoch: float) -> datetime:
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def due_instants(after: float, until: float, day_matches: Callable[[datetime], bool],
                 times: Iterable[tuple[int, int]]) -> list[float]:
    """Instants in (after, until] on days that match, at the given (hour, minute) UTC times."""
    times = sorted(set(times))
    found: list[float] = []
    if until <= after or not times:
        return found
    day = _utc_day(after)
    last = _utc_day(until)
    while day <= last and len(found) < MAX_RUNS_PER_READ:
        if day_matches(day):
            for hour, minute in times:
                instant = (day + timedelta(hours=hour, minutes=minute)).timestamp()
                if after < instant <= until:
                    found.append(instant)
        day += timedelta(days=1)
    return found


def days_between(anchor: float, day: datetime) -> int:
    return (day - _utc_day(anchor)).days


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
