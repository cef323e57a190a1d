"""SDRS's model: protection groups, replication pairs, protected instances, DR drills and their
jobs as stored, their transitions on the emulator clock, and the checks on request values.

Every mutating call starts a lifecycle operation on the group (or member) and on a job with the
same timing, so the job reaches SUCCESS (or FAIL) exactly when the resource settles. Pairs and
instances mirror their group's protection status while they are otherwise idle (`member_status`).

Replication is real: `write_blocks` is the one path disk content is written through (the admin
disk API uses it). While a group replicates, a write on the active disk of a pair lands on its
peer in the same transaction (RPO 0) and a write on the passive disk is refused. `start`,
`reprotect` and pair creation copy the active side onto the passive side when accepted (the
initial synchronisation), so the passive disk holds exactly the active disk's bytes from then on.
The HTTP side (routes, request bodies, views, lists) is `api.py`.
"""

from __future__ import annotations

import re
import uuid

from starlette.requests import Request

from ... import auth, errors, lifecycle, validators
from ...clock import cinder_time
from ...context import ProjectCall
from ...lifecycle import GONE, Operation, begin, settle
from ...resources import Repository, new_id
from ...store import Selection
from .. import evs, vpc
from ..compute import SERVER
from ..evs import SNAPSHOT, VOLUME

GROUP, INSTANCE, PAIR, DRILL, JOB = "sdrs_group", "sdrs_instance", "sdrs_pair", "sdrs_drill", "sdrs_job"
DOMAIN_NAMESPACE = uuid.UUID("8f0d2f64-1c55-4b0a-9a43-5cf1a7c1d0aa")
MAX_DOMAIN_KM = 100
QUOTAS = {"server_groups": 10, "replications": 100}
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DEVICE_RE = re.compile(r"^/dev/(vd|sd|xvd)[a-z]{1,2}$")
GROUP_OPS = lifecycle.operations(
    Operation("sdrs.group.create", None, "creating", "available"),
    Operation("sdrs.group.delete", frozenset({"available", "error", "error-deleting"}), "deleting", GONE),
    Operation("sdrs.group.start", frozenset({"available", "error-starting"}), "starting", "protected"),
    Operation("sdrs.group.stop", frozenset({"protected", "error-stopping"}), "stopping", "available"),
    Operation("sdrs.group.failover", frozenset({"protected", "error-failing-over", "error-reversing"}),
              "failing-over", "failed-over"),
    Operation("sdrs.group.reverse", frozenset({"protected", "error-reversing"}), "reversing", "protected"),
    Operation("sdrs.group.reprotect", frozenset({"failed-over", "error-reprotecting"}), "reprotecting",
              "protected"),
)
INSTANCE_OPS = lifecycle.operations(
    Operation("sdrs.instance.create", None, "creating", "available"),
    Operation("sdrs.instance.delete", frozenset({"available", "error", "error-deleting", "invalid", "fault"}),
              "deleting", GONE),
)
PAIR_OPS = lifecycle.operations(
    Operation("sdrs.pair.create", None, "creating", "available"),
    Operation("sdrs.pair.delete", frozenset({"available", "error", "error-deleting", "invalid", "fault"}),
              "deleting", GONE),
    Operation("sdrs.pair.attach", frozenset({"available"}), "attaching", "available"),
    Operation("sdrs.pair.detach", frozenset({"available"}), "detaching", "available"),
)
DRILL_OPS = lifecycle.operations(
    Operation("sdrs.drill.create", None, "creating", "available"),
    Operation("sdrs.drill.delete", frozenset({"available", "error", "error-deleting"}), "deleting", GONE),
)
JOB_TYPES = {
    "sdrs.group.create": "createProtectionGroupNoCG", "sdrs.group.delete": "deleteProtectionGroupNoCG",
    "sdrs.group.start": "startProtectionGroupNoCG", "sdrs.group.stop": "stopProtectionGroupNoCG",
    "sdrs.group.failover": "failoverProtectionGroupNoCG", "sdrs.group.reverse": "reverseProtectionGroupNoCG",
    "sdrs.group.reprotect": "reprotectProtectionGroupNoCG",
    "sdrs.instance.create": "createProtectedInstanceNoCG", "sdrs.instance.delete": "deleteProtectedInstanceNoCG",
    "sdrs.pair.create": "createReplicationPairNoCG", "sdrs.pair.delete": "deleteReplicationPairNoCG",
    "sdrs.pair.attach": "attachReplicationPairNew", "sdrs.pair.detach": "detachReplicationPairNew",
    "sdrs.drill.create": "createDisasterRecoveryDrill", "sdrs.drill.delete": "deleteDisasterRecoveryDrill",
}


# Statuses in which the group's pairs replicate: a write on the active disk is on the passive one.
REPLICATING = frozenset({"starting", "protected", "stopping", "reversing", "reprotecting"})


# Group statuses an idle member (pair, instance) shows as its own.
MIRRORED = frozenset({"starting", "protected", "stopping", "reversing", "failing-over", "failed-over",
                      "reprotecting", "error-starting", "error-stopping", "error-reversing",
                      "error-failing-over", "error-reprotecting"})


def sdrs_error(status: int, code: str, message: str) -> errors.ApiError:
    return errors.ApiError(status, {"error": {"code": code, "message": message}})


def bad(code: str, message: str) -> errors.ApiError:
    return sdrs_error(400, code, message)


def group_time(epoch: float) -> str:
    """`2019-04-01 12:00:00.000` (protection groups, instances, drills)."""
    return cinder_time(epoch).replace("T", " ")[:23]


# -- active-active domains -------------------------------------------------
def domains(config, region: str) -> list[dict]:
    """One domain per AZ pair of the region at most MAX_DOMAIN_KM apart (the config's distances)."""
    found = []
    for a, b, km in config.regions.get(region, {}).get("distances_km", []):
        if float(km) <= MAX_DOMAIN_KM:
            name = f"{a}_{b}"
            found.append({"id": str(uuid.uuid5(DOMAIN_NAMESPACE, f"{region}/{name}")), "name": name,
                          "description": f"active-active domain {a} <-> {b} ({km:g} km)", "sold_out": False,
                          "local_replication_cluster": {"availability_zone": a},
                          "remote_replication_cluster": {"availability_zone": b}})
    return found


# -- context ---------------------------------------------------------------
class Call(ProjectCall):
    """An SDRS request. It also carries what `evs.start_volume_creates` needs to make DR disks."""

    def __init__(self, request: Request, principal: auth.Principal):
        super().__init__(request, principal)
        self.groups = Repository(self.emu, GROUP)
        self.instances = Repository(self.emu, INSTANCE)
        self.pairs = Repository(self.emu, PAIR)
        self.drills = Repository(self.emu, DRILL)
        self.jobs = Repository(self.emu, JOB)
        self.volumes = Repository(self.emu, VOLUME)
        self.snapshots = Repository(self.emu, SNAPSHOT)
        self.servers = Repository(self.emu, SERVER)
        self.rpo_points = Repository(self.emu, RPO_POINT)

    def require_zone_up(self, az: str) -> None:
        if self.emu.zone_is_down(az):
            raise sdrs_error(500, "SDRS.0013", f"Internal error: availability zone {az} is unavailable.")

    def _get(self, repo: Repository, rid: str, code: str, what: str) -> dict:
        item = repo.get(rid, self.project_id)
        if item is None:
            raise sdrs_error(404, code, f"The {what} {rid} does not exist.")
        return item

    def group(self, gid: str) -> dict:
        return self._get(self.groups, gid, "SDRS.0207", "protection group")

    def instance(self, iid: str) -> dict:
        return self._get(self.instances, iid, "SDRS.0208", "protected instance")

    def pair(self, pid: str) -> dict:
        return self._get(self.pairs, pid, "SDRS.0213", "replication pair")

    def drill(self, did: str) -> dict:
        return self._get(self.drills, did, "SDRS.0201", "DR drill")

    def members(self, repo: Repository, group_id: str) -> list[dict]:
        """The group's pairs, instances or drills in creation order, selected in SQL (by index)."""
        selection = Selection(equal=(("server_group_id", group_id),), order=("seq",))
        return [member for _, member in repo.scan(self.project_id, selection)]

    def save_volume(self, volume: dict) -> dict:
        return self.volumes.save(volume)


# -- sides: which AZ / disk / server is production now ----------------------
def active_az(group: dict) -> str:
    return group["source_availability_zone"] if group["priority_station"] == "source" \
        else group["target_availability_zone"]


def passive_az(group: dict) -> str:
    return group["target_availability_zone"] if group["priority_station"] == "source" \
        else group["source_availability_zone"]


def active_of(member: dict, group: dict, source_key: str, target_key: str) -> str:
    return member[source_key] if group["priority_station"] == "source" else member[target_key]


def passive_of(member: dict, group: dict, source_key: str, target_key: str) -> str:
    return member[target_key] if group["priority_station"] == "source" else member[source_key]


def member_status(member: dict, group: dict | None) -> str:
    if member["status"] == "available" and group is not None and group["status"] in MIRRORED:
        return group["status"]
    return member["status"]


# -- disk content: the one write path --------------------------------------
class NotWritable(Exception):
    """A write on the passive disk of a replicating pair."""


def write_blocks(emu, volume: dict, blocks: dict) -> dict:
    """Store `blocks` as the volume's content, and on its peer while the pair replicates."""
    now = emu.now()
    link = volume.get("_sdrs_pair")
    pair = settle(emu.store.get(PAIR, link), now) if link else None
    group = settle(emu.store.get(GROUP, pair["server_group_id"]), now) if pair else None
    peer = None
    if group is not None and group["status"] in REPLICATING:
        active = active_of(pair, group, "source_volume_id", "target_volume_id")
        if volume["id"] != active:
            raise NotWritable(f"volume {volume['id']} is the DR disk of replication pair {pair['id']} "
                              f"(protection group status {group['status']}): not writable while protected")
        peer = emu.store.get(VOLUME, passive_of(pair, group, "source_volume_id", "target_volume_id"))
    volume = volume | {"_blocks": dict(blocks)}
    emu.store.put(VOLUME, volume["id"], volume, volume.get("project_id"), volume.get("region"))
    if peer is not None:
        emu.store.put(VOLUME, peer["id"], peer | {"_blocks": dict(blocks)}, peer.get("project_id"),
                      peer.get("region"))
    return volume


def _synchronise(call: Call, group: dict) -> None:
    """Initial (or re-) synchronisation: every pair's passive disk gets the active disk's bytes."""
    for pair in call.members(call.pairs, group["id"]):
        source = call.volumes.get(active_of(pair, group, "source_volume_id", "target_volume_id"), None)
        target = call.volumes.get(passive_of(pair, group, "source_volume_id", "target_volume_id"), None)
        if source is not None and target is not None:
            call.volumes.save(target | {"_blocks": dict(source["_blocks"])})


def start_job(call: Call, op_name: str, entities: dict, failure: tuple[str, str] | None = None) -> str:
    if "replication_id" in entities:
        # OTC documents `replication_id`, Huawei Cloud's model (JobEntities) `replication_pair_id`
        entities = entities | {"replication_pair_id": entities["replication_id"]}
    job = {"id": uuid.uuid4().hex, "project_id": call.project_id, "region": call.region, "status": None,
           "job_type": JOB_TYPES[op_name], "begin_time": call.now, "entities": entities,
           "error_code": None, "fail_reason": None}
    on_done = {"error_code": failure[0], "fail_reason": failure[1]} if failure else {}
    call.jobs.save(begin(job, Operation(op_name, None, "RUNNING", "SUCCESS"), call.now, call.timings(),
                         on_done=on_done, final_status="FAIL" if failure else None))
    return job["id"]


# -- validation helpers ----------------------------------------------------
def check_name(value) -> str:
    if not validators.is_name(value, NAME_RE):
        raise bad("SDRS.0202", f"Invalid name {value!r}: 1..64 characters of letters, digits, '.', '_' or '-'.")
    return value


def _description(value) -> str:
    error = bad("SDRS.0201", "Invalid description: at most 64 bytes, no '<' or '>'.")
    return validators.optional_text(value, 64, error, in_bytes=True, forbidden="<>")


# -- protection groups -----------------------------------------------------
def create_group(call: Call, spec: dict) -> str:
    name = check_name(spec.get("name"))
    description = _description(spec.get("description"))
    zones = call.emu.config.availability_zones(call.region)
    source, target = spec.get("source_availability_zone"), spec.get("target_availability_zone")
    for zone in (source, target):
        if zone not in zones:
            raise bad("SDRS.0203", f"Invalid availability zone {zone!r}.")
    if source == target:
        raise bad("SDRS.0203", "The production and DR availability zones must differ.")
    distance = call.emu.config.distance_km(call.region, source, target)
    if distance is None or distance > MAX_DOMAIN_KM:
        raise bad("SDRS.0203", f"Availability zones {source} and {target} are not in one active-active domain "
                               f"({'unknown distance' if distance is None else f'{distance:g} km apart'}; "
                               f"at most {MAX_DOMAIN_KM} km).")
    domain = next((d for d in domains(call.emu.config, call.region) if d["id"] == spec.get("domain_id")), None)
    if domain is None or {source, target} != {domain["local_replication_cluster"]["availability_zone"],
                                               domain["remote_replication_cluster"]["availability_zone"]}:
        raise bad("SDRS.0205", f"Invalid domain_id {spec.get('domain_id')!r} for {source} and {target}.")
    vpc_id = spec.get("source_vpc_id")
    if not isinstance(vpc_id, str) or vpc.find_vpc(call.emu, call.project_id, call.region, vpc_id) is None:
        raise bad("SDRS.0204", f"Invalid source_vpc_id {vpc_id!r}.")
    dr_type = spec.get("dr_type", "migration")
    if dr_type != "migration":
        raise bad("SDRS.0201", f"Invalid dr_type {dr_type!r}: only migration.")
    if len(call.groups.list(call.project_id)) >= QUOTAS["server_groups"]:
        raise bad("SDRS.0305", "The protection group quota is exhausted.")
    group = {"id": new_id(), "project_id": call.project_id, "region": call.region, "name": name,
             "description": description, "status": None, "source_availability_zone": source,
             "target_availability_zone": target, "domain_id": domain["id"], "domain_name": domain["name"],
             "priority_station": "source", "source_vpc_id": vpc_id, "dr_type": dr_type,
             "created_at": call.now, "updated_at": call.now}
    call.groups.save(begin(group, GROUP_OPS["sdrs.group.create"], call.now, call.timings()))
    return start_job(call, "sdrs.group.create", {"server_group_id": group["id"]})


def delete_group(call: Call, group: dict) -> str:
    """A group with members is not deleted: they go first."""
    for repo, code, what in ((call.instances, "SDRS.1001", "protected instances"),
                             (call.pairs, "SDRS.1010", "replication pairs"), (call.drills, "SDRS.1003", "DR drills")):
        if call.members(repo, group["id"]):
            raise bad(code, f"Protection group {group['id']} still has {what}; delete them first.")
    op = GROUP_OPS["sdrs.group.delete"]
    if not op.allows(group["status"]):
        raise bad("SDRS.1002", f"Protection group {group['id']} cannot be deleted in status {group['status']}.")
    call.groups.save(begin(group, op, call.now, call.timings()))
    return start_job(call, "sdrs.group.delete", {"server_group_id": group["id"]})


def _set_servers(call: Call, group: dict, production_station: str) -> None:
    """Start the servers of the side that becomes production, stop the other side's."""
    for instance in call.members(call.instances, group["id"]):
        for key, station in (("source_server", "source"), ("target_server", "target")):
            server = call.servers.get(instance[key], None)
            if server is not None:
                status = "ACTIVE" if station == production_station else "SHUTOFF"
                call.servers.save(server | {"status": status, "updated_at": call.now})


def _group_action(call: Call, group: dict, op_name: str, needs: tuple[str, ...], on_done: dict | None = None):
    """Start `op_name` on the group. If an AZ it needs is down, the job fails into error-<status>."""
    op = GROUP_OPS[op_name]
    if not op.allows(group["status"]):
        raise bad("SDRS.1002", f"The operation is not allowed for protection group {group['id']} in status "
                               f"{group['status']}.")
    if op_name != "sdrs.group.stop" and not call.members(call.pairs, group["id"]):
        raise bad("SDRS.1002", f"Protection group {group['id']} has no replication pairs.")
    down = [az for az in needs if call.emu.zone_is_down(az)]
    failure = ("SDRS.0405", f"availability zone {down[0]} is unavailable") if down else None
    final = "error-" + op.during if down else None
    call.groups.save(begin(group, op, call.now, call.timings(), on_done=None if down else on_done,
                           final_status=final))
    return failure


def group_action(call: Call, group: dict, body: dict) -> str:
    """Start, stop, fail over or reverse the group (exactly one action in the body). `start` of a
    failed-over group reprotects it; start and reprotect resynchronise the pairs."""
    actions = [k for k in ("start-server-group", "stop-server-group", "failover-server-group",
                           "reverse-server-group") if k in body]
    if len(actions) != 1 or len(body) != 1:
        raise bad("SDRS.0206", f"Invalid action: {', '.join(body) or '(none)'}.")
    action = actions[0]
    both = (group["source_availability_zone"], group["target_availability_zone"])
    flipped = "target" if group["priority_station"] == "source" else "source"
    if action == "start-server-group":
        if GROUP_OPS["sdrs.group.reprotect"].allows(group["status"]):
            op_name, failure = "sdrs.group.reprotect", _group_action(call, group, "sdrs.group.reprotect", both)
        else:
            op_name, failure = "sdrs.group.start", _group_action(call, group, "sdrs.group.start", both)
        if not failure:
            _synchronise(call, group)
    elif action == "stop-server-group":
        op_name = "sdrs.group.stop"
        failure = _group_action(call, group, op_name, (active_az(group),))
    elif action == "failover-server-group":
        # Works while the production AZ answers nothing: only the DR side must be up.
        op_name = "sdrs.group.failover"
        failure = _group_action(call, group, op_name, (passive_az(group),), {"priority_station": flipped})
        if not failure:
            _set_servers(call, group, flipped)
    else:
        spec = body[action]
        wanted = spec.get("priority_station") if isinstance(spec, dict) else None
        if wanted not in ("source", "target"):
            raise bad("SDRS.0201", "reverse-server-group needs priority_station 'source' or 'target'.")
        if wanted == group["priority_station"]:
            raise bad("SDRS.1002", f"Protection group {group['id']} already has priority_station {wanted}.")
        op_name = "sdrs.group.reverse"
        failure = _group_action(call, group, op_name, both, {"priority_station": wanted})
        if not failure:
            _set_servers(call, group, wanted)
    return start_job(call, op_name, {"server_group_id": group["id"]}, failure)


def _require_group_status(group: dict, allowed: set[str], code: str = "SDRS.1002") -> None:
    if group["status"] not in allowed:
        raise bad(code, f"The operation is not allowed for protection group {group['id']} in status "
                        f"{group['status']}.")


def _production_member(call: Call, group: dict, store, spec: dict, key: str, code: str, noun: str) -> dict:
    """The disk or server (``noun``, in ``store``) that ``spec[key]`` names for a new pair or instance
    of ``group``: refused with ``code`` when there is none or it is not in the group's production AZ."""
    found = store.get(str(spec.get(key)), call.project_id)
    if found is None:
        raise bad(code, f"Invalid {key} {spec.get(key)!r}.")
    production = active_az(group)
    if found["availability_zone"] != production:
        raise bad(code, f"{noun} {found['id']} is in {found['availability_zone']}, not in the production "
                        f"availability zone {production} of protection group {group['id']}.")
    return found


# -- replication pairs -----------------------------------------------------
def create_pair(call: Call, spec: dict) -> str:
    """Pair a production disk with a new DR disk in the group's DR AZ, with its bytes."""
    group = call.group(str(spec.get("server_group_id")))
    name = check_name(spec.get("name"))
    description = _description(spec.get("description"))
    _require_group_status(group, {"available", "protected"})
    volume = _production_member(call, group, call.volumes, spec, "volume_id", "SDRS.0211", "Disk")
    production, dr = active_az(group), passive_az(group)
    if volume.get("_sdrs_pair") and call.pairs.get(volume["_sdrs_pair"], None) is not None:
        raise bad("SDRS.1601", f"Disk {volume['id']} already belongs to replication pair {volume['_sdrs_pair']}.")
    if volume["status"] not in ("available", "in-use"):
        raise bad("SDRS.1601", f"Disk {volume['id']} must be available or in-use, not {volume['status']}.")
    call.require_zone_up(production)
    call.require_zone_up(dr)
    if len(call.pairs.list(call.project_id)) >= QUOTAS["replications"]:
        raise bad("SDRS.0305", "The replication pair quota is exhausted.")
    (dr_volume,) = evs.start_volume_creates(call, {"availability_zone": dr, "size": volume["size"],
                                                  "volume_type": volume["volume_type"], "name": volume["name"],
                                                  "description": volume["description"]})
    pair_id = new_id()
    # Initial synchronisation: the DR disk starts with the production disk's bytes.
    call.volumes.save(dr_volume | {"_blocks": dict(volume["_blocks"]), "_sdrs_pair": pair_id})
    call.volumes.save(volume | {"_sdrs_pair": pair_id})
    source_id, target_id = (volume["id"], dr_volume["id"]) if group["priority_station"] == "source" \
        else (dr_volume["id"], volume["id"])
    pair = {"id": pair_id, "project_id": call.project_id, "region": call.region, "name": name,
            "description": description, "status": None, "server_group_id": group["id"], "attachment": [],
            "source_volume_id": source_id, "target_volume_id": target_id, "created_at": call.now,
            "updated_at": call.now, "record_metadata": {"multiattach": volume["multiattach"], "bootable": False,
                                                        "volume_size": volume["size"],
                                                        "volume_type": volume["volume_type"]}}
    call.pairs.save(begin(pair, PAIR_OPS["sdrs.pair.create"], call.now, call.timings()))
    # api docs name the entity replication_id; the Huawei SDK's JobEntities replication_pair_id and volume_ids
    return start_job(call, "sdrs.pair.create", {
        "replication_id": pair_id, "server_group_id": group["id"],
        "volume_ids": f"{source_id},{target_id}"})


def _members_removable(group: dict) -> bool:
    """Whether the group's pairs and instances may be deleted in its status."""
    return group["status"] in {"available", "protected", "failed-over"} or group["status"].startswith("error")


def _refuse_member_delete(group: dict, member: dict, op, kind: str, codes: tuple, of_group: str,
                          attached) -> None:
    """What SDRS answers to the delete of a pair or an instance (``kind``) of ``group``: refused
    (``codes``: for the group's status, for the member's own) while the group's status does not let
    members go, while the member has attachments (``attached(attachment)`` says which), or while its own
    status does not allow ``op``."""
    group_code, member_code = codes
    if not _members_removable(group):
        raise bad(group_code, f"{kind}s of {of_group} cannot be deleted in status {group['status']}.")
    if member["attachment"]:
        raise bad(member_code, f"{kind} {member['id']} {attached(member['attachment'])}.")
    if not op.allows(member["status"]):
        raise bad(member_code, f"{kind} {member['id']} cannot be deleted in status {member['status']}.")


def delete_pair(call: Call, pair: dict, spec: dict) -> str:
    """`spec.delete_target_volume`: the DR disk goes too."""
    group = call.group(pair["server_group_id"])
    op = PAIR_OPS["sdrs.pair.delete"]
    _refuse_member_delete(group, pair, op, "Replication pair", ("SDRS.1002", "SDRS.0214"),
                          f"protection group {group['id']}",
                          lambda attachment: f"is attached to protected instance "
                                             f"{attachment[0]['protected_instance']}; detach it first")
    passive = passive_of(pair, group, "source_volume_id", "target_volume_id")
    for volume_id in (pair["source_volume_id"], pair["target_volume_id"]):
        volume = call.volumes.get(volume_id, None)
        if volume is None:
            continue
        volume = call.volumes.save({k: v for k, v in volume.items() if k != "_sdrs_pair"})
        if volume_id == passive and spec.get("delete_target_volume") is True \
                and evs.VOLUME_OPS["volume.delete"].allows(volume["status"]):
            call.volumes.save(begin(volume, evs.VOLUME_OPS["volume.delete"], call.now, call.timings()))
    call.pairs.save(begin(pair, op, call.now, call.timings()))
    return start_job(call, "sdrs.pair.delete", {"replication_id": pair["id"],
                                                           "server_group_id": group["id"]})


# -- protected instances ---------------------------------------------------
def _new_server(call: Call, name: str, status: str, zone: str, metadata: dict, flavor: str) -> dict:
    """A server SDRS makes (a DR server, a drill server), stored as ECS stores its own."""
    return call.servers.save({"id": new_id(), "project_id": call.project_id, "region": call.region,
                              "user_id": call.principal.user_id, "name": name, "status": status,
                              "availability_zone": zone, "metadata": metadata, "flavor": flavor,
                              "created_at": call.now, "updated_at": call.now})


def create_instance(call: Call, spec: dict) -> str:
    """Protect a production server: a DR server of the same name and flavor, stopped in the DR AZ."""
    group = call.group(str(spec.get("server_group_id")))
    name = check_name(spec.get("name"))
    description = _description(spec.get("description"))
    _require_group_status(group, {"available", "protected"}, "SDRS.1323")
    server = _production_member(call, group, call.servers, spec, "server_id", "SDRS.0210", "Server")
    production, dr = active_az(group), passive_az(group)
    if server["status"] not in ("ACTIVE", "SHUTOFF"):
        raise bad("SDRS.1333", f"Server {server['id']} must be ACTIVE or SHUTOFF, not {server['status']}.")
    for other in call.instances.list(call.project_id):
        if server["id"] in (other["source_server"], other["target_server"]):
            raise bad("SDRS.0210", f"Server {server['id']} is already protected by instance {other['id']}.")
    tags = validators.tag_list(spec.get("tags") or [], "tags", lambda m: bad("SDRS.0201", m), max_tags=None)
    call.require_zone_up(production)
    call.require_zone_up(dr)
    dr_server = _new_server(call, server["name"], "SHUTOFF", dr, {}, str(spec.get("flavorRef") or server["flavor"]))
    source_id, target_id = (server["id"], dr_server["id"]) if group["priority_station"] == "source" \
        else (dr_server["id"], server["id"])
    instance = {"id": new_id(), "project_id": call.project_id, "region": call.region, "name": name,
                "description": description, "status": None, "server_group_id": group["id"],
                "source_server": source_id, "target_server": target_id, "attachment": [],
                "tags": tags,
                "created_at": call.now, "updated_at": call.now}
    call.instances.save(begin(instance, INSTANCE_OPS["sdrs.instance.create"], call.now, call.timings()))
    return start_job(call, "sdrs.instance.create", {"protected_instance_id": instance["id"],
                                                               "server_group_id": group["id"]})


def delete_instance(call: Call, instance: dict, spec: dict) -> str:
    """`spec.delete_target_server`: the DR server goes too."""
    group = call.group(instance["server_group_id"])
    op = INSTANCE_OPS["sdrs.instance.delete"]
    _refuse_member_delete(group, instance, op, "Protected instance", ("SDRS.1301", "SDRS.1301"),
                          f"group {group['id']}",
                          lambda attachment: "still has replication pairs attached; detach them first")
    if spec.get("delete_target_server") is True:
        dr_server = call.servers.get(passive_of(instance, group, "source_server", "target_server"), None)
        if dr_server is not None:
            call.emu.store.delete(SERVER, dr_server["id"])
    call.instances.save(begin(instance, op, call.now, call.timings()))
    return start_job(call, "sdrs.instance.delete", {"protected_instance_id": instance["id"],
                                                               "server_group_id": group["id"]})


def _attach_volume(call: Call, volume_id: str, server_id: str, device: str) -> None:
    volume = call.volumes.get(volume_id, None)
    if volume is None or any(a["server_id"] == server_id for a in volume["attachments"]):
        return
    attachment = {"server_id": server_id, "attachment_id": new_id(), "attached_at": cinder_time(call.now),
                  "host_name": None, "volume_id": volume_id, "device": device, "id": volume_id}
    call.volumes.save(volume | {"status": "in-use", "attachments": volume["attachments"] + [attachment],
                                "updated_at": call.now})


def _detach_volume(call: Call, volume_id: str, server_id: str) -> None:
    volume = call.volumes.get(volume_id, None)
    if volume is None:
        return
    remaining = [a for a in volume["attachments"] if a["server_id"] != server_id]
    call.volumes.save(volume | {"status": "in-use" if remaining else "available", "attachments": remaining,
                                "updated_at": call.now})


def _member_ready(call: Call, group: dict, *members: dict) -> None:
    if group["status"] not in ("available", "protected"):
        raise bad("SDRS.1002", f"Protection group {group['id']} must be available or protected, not "
                               f"{group['status']}.")
    for member in members:
        status = member_status(member, group)
        if status not in ("available", "protected"):
            raise bad("SDRS.0214", f"{member['id']} must be available or protected, not {status}.")


def attach_pair(call: Call, instance: dict, spec: dict) -> str:
    """Attach a pair's disks to the instance's servers, on both sides, at the same device."""
    pair = call.pair(str(spec.get("replication_id")))
    device = spec.get("device")
    if not isinstance(device, str) or not DEVICE_RE.match(device):
        raise bad("SDRS.0201", f"Invalid device {device!r}: e.g. /dev/vdb.")
    if pair["server_group_id"] != instance["server_group_id"]:
        raise bad("SDRS.0213", f"Replication pair {pair['id']} is not in the group of instance {instance['id']}.")
    group = call.group(instance["server_group_id"])
    _member_ready(call, group, instance, pair)
    if pair["attachment"]:
        raise bad("SDRS.0214", f"Replication pair {pair['id']} is already attached to protected instance "
                               f"{pair['attachment'][0]['protected_instance']}.")
    if any(a["device"] == device for a in instance["attachment"]):
        raise bad("SDRS.0201", f"Device {device} is already used on protected instance {instance['id']}.")
    for az in (group["source_availability_zone"], group["target_availability_zone"]):
        call.require_zone_up(az)
    production_volume = call.volumes.get(active_of(pair, group, "source_volume_id", "target_volume_id"), None)
    production_server = active_of(instance, group, "source_server", "target_server")
    if production_volume and any(a["server_id"] != production_server for a in production_volume["attachments"]):
        raise bad("SDRS.1601", f"Disk {production_volume['id']} is attached to another server.")
    for side in ("source", "target"):
        _attach_volume(call, pair[f"{side}_volume_id"], instance[f"{side}_server"], device)
    call.instances.save(instance | {"attachment": instance["attachment"] + [{"replication": pair["id"],
                                                                             "device": device}],
                                    "updated_at": call.now})
    pair = pair | {"attachment": [{"device": device, "protected_instance": instance["id"]}]}
    call.pairs.save(begin(pair, PAIR_OPS["sdrs.pair.attach"], call.now, call.timings()))
    return start_job(call, "sdrs.pair.attach", {"protected_instance_id": instance["id"],
                                                           "replication_id": pair["id"]})


def detach_pair(call: Call, instance: dict, pair: dict) -> str:
    if not any(a["replication"] == pair["id"] for a in instance["attachment"]):
        raise bad("SDRS.0214", f"Replication pair {pair['id']} is not attached to protected instance "
                               f"{instance['id']}.")
    group = call.group(instance["server_group_id"])
    _member_ready(call, group, instance, pair)
    for side in ("source", "target"):
        _detach_volume(call, pair[f"{side}_volume_id"], instance[f"{side}_server"])
    call.instances.save(instance | {"attachment": [a for a in instance["attachment"] if a["replication"] != pair["id"]],
                                    "updated_at": call.now})
    call.pairs.save(begin(pair | {"attachment": []}, PAIR_OPS["sdrs.pair.detach"], call.now, call.timings()))
    return start_job(call, "sdrs.pair.detach", {"protected_instance_id": instance["id"],
                                                           "replication_id": pair["id"]})


# -- DR drills -------------------------------------------------------------
def create_drill(call: Call, spec: dict) -> str:
    """A drill: a server per protected instance in the DR AZ, with clones of the DR disks, in a
    VPC of the group's CIDR (given, or made for the drill)."""
    group = call.group(str(spec.get("server_group_id")))
    name = check_name(spec.get("name"))
    allowed = group["status"] in ("available", "protected", "failed-over") or (
        group["status"].startswith("error") and group["status"] != "error-deleting")
    if not allowed:
        raise bad("SDRS.1002", f"A DR drill cannot be created for protection group {group['id']} in status "
                               f"{group['status']}.")
    zone = passive_az(group)
    call.require_zone_up(zone)
    group_vpc = vpc.find_vpc(call.emu, call.project_id, call.region, group["source_vpc_id"])
    drill_vpc_id, own_vpc = spec.get("drill_vpc_id"), False
    if drill_vpc_id is not None:
        drill_vpc = vpc.find_vpc(call.emu, call.project_id, call.region, str(drill_vpc_id))
        if drill_vpc is None or group_vpc is None or drill_vpc["cidr"] != group_vpc["cidr"]:
            raise bad("SDRS.0204", f"Invalid drill_vpc_id {drill_vpc_id!r}: it must be a VPC with the CIDR of the "
                                   f"protection group's VPC.")
    else:
        cidr = group_vpc["cidr"] if group_vpc else vpc.DEFAULT_CIDR
        drill_vpc_id = vpc.create_vpc(call.emu, call.project_id, call.region, f"sdrs-drill-{name}", cidr,
                                      call.now)["id"]
        own_vpc = True
    drill_servers, drill_volumes = [], []
    for instance in call.members(call.instances, group["id"]):
        server = _new_server(call, f"{instance['name']}-drill", "ACTIVE", zone, {"sdrs_drill": name}, "s3.medium.1")
        drill_servers.append({"protected_instance": instance["id"], "drill_server_id": server["id"]})
        for attached in instance["attachment"]:
            pair = call.pairs.get(attached["replication"], None)
            replica = pair and call.volumes.get(passive_of(pair, group, "source_volume_id", "target_volume_id"), None)
            if replica is None:
                continue
            # The drill disk is a clone of the replicated (DR) data at the moment of the drill.
            (clone,) = evs.start_volume_creates(call, {"availability_zone": zone, "size": replica["size"],
                                                      "volume_type": replica["volume_type"],
                                                      "name": f"{pair['name']}-drill"})
            settled = {k: v for k, v in clone.items() if k != lifecycle.PENDING_KEY}
            call.volumes.save(settled | {"_blocks": dict(replica["_blocks"]), "status": "available"})
            _attach_volume(call, clone["id"], server["id"], attached["device"])
            drill_volumes.append(clone["id"])
    drill = {"id": new_id(), "project_id": call.project_id, "region": call.region, "name": name, "status": None,
             "server_group_id": group["id"], "drill_vpc_id": drill_vpc_id, "drill_servers": drill_servers,
             "_volume_ids": drill_volumes, "_own_vpc": own_vpc, "created_at": call.now, "updated_at": call.now}
    call.drills.save(begin(drill, DRILL_OPS["sdrs.drill.create"], call.now, call.timings()))
    return start_job(call, "sdrs.drill.create", {"disaster_recovery_drill_id": drill["id"],
                                                            "server_group_id": group["id"]})


def delete_drill(call: Call, drill: dict) -> str:
    op = DRILL_OPS["sdrs.drill.delete"]
    if not op.allows(drill["status"]):
        raise bad("SDRS.1002", f"DR drill {drill['id']} cannot be deleted in status {drill['status']}.")
    # Only what the drill made goes: its servers, its cloned disks and a VPC it created.
    for server in drill["drill_servers"]:
        call.emu.store.delete(SERVER, server["drill_server_id"])
    for volume_id in drill["_volume_ids"]:
        call.emu.store.delete(VOLUME, volume_id)
    if drill["_own_vpc"]:
        vpc.delete_vpc(call.emu, drill["drill_vpc_id"])
    call.drills.save(begin(drill, op, call.now, call.timings()))
    return start_job(call, "sdrs.drill.delete", {"disaster_recovery_drill_id": drill["id"],
                                                            "server_group_id": drill["server_group_id"]})


# -- RPO statistics ----------------------------------------------------------
# Huawei Cloud SDRS API Reference, "Querying Resource RPO Failure Records" (api=ListRpoStatistics,
# GET /v1/{project_id}/resource/rpo-statistics): points in time (`point_time`, to the minute) with
# how many replication pairs exceeded their RPO then. The emulator replicates synchronously (a
# write lands on the peer in the same transaction: RPO 0), so a pair exceeds its RPO only while its
# group should replicate (REPLICATING) and an AZ of the group is down, where the write cannot reach
# the peer. There is no background sampler: each SDRS request records the point of its minute when
# pairs exceed (the most seen in that minute), so the record holds the minutes the emulator saw.
RPO_POINT = "sdrs_rpo_point"


RPO_SAMPLE = 60  # seconds: `point_time` is "yyyy-MM-dd HH:mm"


RPO_TYPES = ("replication",)


def rpo_exceeding(call: Call) -> int:
    count = 0
    for group in call.groups.list(call.project_id):
        zones = (group["source_availability_zone"], group["target_availability_zone"])
        if group["status"] in REPLICATING and any(call.emu.zone_is_down(az) for az in zones):
            count += len(call.members(call.pairs, group["id"]))
    return count


def observe_rpo(call: Call) -> None:
    exceeding = rpo_exceeding(call)
    if not exceeding:
        return
    minute = call.now // RPO_SAMPLE * RPO_SAMPLE
    point_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sdrs-rpo/{call.project_id}/{minute}"))
    seen = call.rpo_points.get(point_id, call.project_id)
    if seen is not None and seen["resource_num"] >= exceeding:
        return
    call.rpo_points.save((seen or {"id": point_id, "project_id": call.project_id, "region": call.region,
                                   "point": minute, "resource_type": "replication", "created_at": call.now})
                         | {"resource_num": exceeding, "updated_at": call.now})
