"""Generate the endpoint coverage table (moto IMPLEMENTATION_COVERAGE style) from the router.

    python -m evs_emulator.coverage

Implemented rows come from the routes themselves, so the table cannot drift from the code;
notes and the known-but-missing endpoints are declared here next to it. Every operation of the
vendors' SDKs (vendor_operations.py) is a row: matched to a route by method and path shape, or
listed as not emulated. The last column is the reference: the operation's name (its page in
Huawei Cloud's API reference) or the project's API notes (../shared/api/<file>).

vendor_operations.py was generated from the installed SDKs' clients (`<name>_invoker` methods
and their `method`/`resource_path`); regenerate it the same way after an SDK upgrade.
"""

from __future__ import annotations

import re

from starlette.routing import Mount, Route

from .routing import walk_routes
from .vendor_operations import VENDOR_OPERATIONS

VBS_RESTORE = ("partial", "onto an existing disk (volume_id required); no new-volume restore")  # v2 and v3 alike
# (method, path) -> (implemented, note); paths as printed in the table.
NOTES = {
    ("POST", "/identity/v3/auth/tokens"): ("partial", "password (user by name+domain or id) and token methods; "
                                                      "project/domain scope; no assume_role, no totp"),
    ("GET", "/identity/v3/auth/tokens"): ("yes", "validation; HEAD too (no body)"),
    ("GET", "/ecs/v2.1/{project_id}/flavors/detail"): ("partial", "four s3 flavors, disk/swap/ephemeral unused (0) "
                                                                  "as the ECS API documents; no minDisk, minRam, "
                                                                  "sort or paging"),
    ("GET", "/identity/v3/auth/catalog"): ("yes", "token or AK/SK (project from X-Project-Id)"),
    ("GET", "/identity/v3/projects"): ("yes", "projects of the caller's domain, filters name, domain_id; token or "
                                              "AK/SK (huaweicloudsdkcore's project id discovery); also at "
                                              "`/v3/...` for the Huawei SDKs"),
    ("GET", "/identity/v3/auth/domains"): ("yes", "the caller's domain (huaweicloudsdkcore's GlobalCredentials "
                                                  "discovery); token or AK/SK"),
    ("GET", "/identity/v3/services"): ("yes", "the catalog's services; filter type"),
    ("GET", "/identity/v3/endpoints"): ("yes", "the endpoint templates (`$(tenant_id)s` for the project id); "
                                               "filters interface, service_id"),
    ("POST", "/evs/{v2,v3}/{project_id}/volumes"): ("partial", "blank, from snapshot_id, or from backup_id (a VBS or "
                                                               "CBR backup, any AZ of the region); imageRef, "
                                                               "source_volid refused with 400; no count (batch)"),
    ("POST", "/vbs/v2/{project_id}/cloudbackups"): ("yes", "job bksCreateBackup; leaves the disk's backup "
                                                           "snapshot manualbk_snapshot_vbs_* (policy runs: "
                                                           "autobk_snapshot_vbs_*)"),
    ("POST", "/cbr/v3/{project_id}/checkpoints"): ("yes", "one backup per disk, or per server with one child "
                                                          "backup per disk (all at one instant), each leaving the "
                                                          "disk's backup snapshot autobk_snapshot_*"),
    ("POST", "/vbs/v2/{project_id}/cloudbackups/{backup_id}"): ("yes", "vendor delete (deprecated), job "
                                                                      "bksDeleteBackup"),
    ("GET", "/vbs/v2/{project_id}/jobs/{job_id}"): ("yes", "same as /vbs/v1 (the path otcextensions' Job resource names)"),
    ("POST", "/vbs/v2/{project_id}/backups/{backup_id}/restore"): VBS_RESTORE,
    ("POST", "/vbs/v3/{project_id}/backups/{backup_id}/restore"): VBS_RESTORE,
    ("POST", "/cbr/v3/{project_id}/backups/{backup_id}/restore"): (
        "partial", "disk backups onto a disk (volume_id); server backups onto their stopped server (server_id, "
                   "mappings, power_on); no details (file restore)"),
    ("POST", "/cbr/v3/{project_id}/vaults"): ("partial", "disk and server vaults fully; turbo vaults stored only"),
    ("POST", "/cbr/v3/{project_id}/policies"): ("yes", "backup and replication policies, run on the clock"),
    ("POST", "/cbr/v3/{project_id}/backups/{backup_id}/replicate"): (
        "partial", "disk backups into a replication vault of the caller's project in another region; "
                   "enable_acceleration and cross_account_urn ignored"),
    ("POST", "/cbr/v3/{project_id}/checkpoints/replicate"): (
        "partial", "every backup of the vault not yet in the destination region; cross_account_urn ignored"),
    ("POST", "/evs/{v2,v3}/{project_id}/volumes/{volume_id}/action"): ("partial", "os-extend only"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudvolumes/detail"): ("partial", "vendor list: Cinder items plus count; "
                                                                         "filters name, status, availability_zone, "
                                                                         "metadata, id, ids (<= 60); not "
                                                                         "multiattach, server_id, volume_type_id, "
                                                                         "dedicated storage, enterprise project"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudvolumes/{volume_id}"): ("yes", "the Cinder body without "
                                                                          "storage_cluster_id (not in the vendor "
                                                                          "model)"),
    ("PUT", "/evs/{v2,v3}/{project_id}/cloudvolumes/{volume_id}"): ("yes", "vendor update: name/description only, "
                                                                          "the disk's fields at the top level"),
    ("DELETE", "/evs/{v2,v3}/{project_id}/cloudvolumes/{volume_id}"): ("yes", "the Cinder delete's rules (snapshots "
                                                                             "refused), answered with a job "
                                                                             "deleteVolume"),
    ("POST", "/evs/v2.1/{project_id}/cloudvolumes/{volume_id}/action"): ("partial", "os-extend (the Cinder "
                                                                                   "rules), job extendVolume; "
                                                                                   "bssParam ignored"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of GET snapshot"),
    ("PUT", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of PUT snapshot"),
    ("GET", "/cbr/v3/{project_id}/operation-logs"): ("partial", "backup, restore, delete, replication and "
                                                               "vault_delete logs; never copy/sync/remove_resource"),
    ("GET", "/cbr/v3/{project_id}/protectables/{protectable_type}/instances"): (
        "partial", "disks only (server, turbo, workspace refused); filters id, name, status, server_id; limit "
                   "1..50, offset or marker; protectable.vault names the protecting vault"),
    ("GET", "/cbr/v3/{project_id}/protectables/{protectable_type}/instances/{instance_id}"): (
        "partial", "disks only; protectable.result false with code and reason when a backup would be refused"),
    ("GET", "/cbr/v3/{project_id}/vaults/summary"): ("yes", "sum of the vaults' sizes; used GB rounded up"),
    ("GET", "/sdrs/v1/{project_id}/resource/rpo-statistics"): (
        "yes", "minutes seen by an SDRS request in which protected pairs could not replicate (an AZ of the "
               "group down); filters start_time, end_time, resource_type; see Replication"),
    ("GET", "/sdrs/v1/{project_id}/task-center/failure-jobs"): ("yes", "jobs that ended FAIL (group actions "
                                                                      "during an AZ outage), until deleted"),
    ("GET", "/sdrs/"): ("yes", "API versions (no auth); also `/v1` unprefixed for the Huawei SDK"),
    ("POST", "/evs/{v2,v3}/{project_id}/cloudsnapshots"): ("yes", "vendor alias of POST snapshots"),
    ("POST", "/evs/v2.1/{project_id}/cloudvolumes"): ("partial", "same fields as the Cinder create plus count "
                                                                 "(1..100, names get -0001...); bssParam ignored; "
                                                                 "answers 202 {job_id, volume_ids}"),
    ("GET", "/evs/v1/{project_id}/jobs/{job_id}"): ("partial", "jobs of the vendor create, delete and "
                                                               "extend (createVolume, batchCreateVolume with "
                                                               "sub_jobs, deleteVolume, extendVolume)"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudsnapshots/detail"): ("partial", "vendor list: Cinder items plus count; "
                                                                           "filters also by id"),
    ("DELETE", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of DELETE snapshot"),
    ("GET", "/evs/{v2,v3}/{project_id}/os-quota-sets/{target_project_id}"): ("yes", "own project only (403 else)"),
    ("POST", "/ecs/v2.1/{project_id}/servers"): ("partial", "name, availability_zone, metadata; no networks, "
                                                            "images or flavors checked"),
    ("DELETE", "/ecs/v2.1/{project_id}/servers/{server_id}"): ("yes", "detaches its volumes"),
    ("POST", "/ecs/v2.1/{project_id}/servers/{server_id}/action"): (
        "partial", "os-stop, os-start (409 while busy or in another status); no reboot, resize, rebuild"),
    ("POST", "/ecs/v1/{project_id}/cloudservers/{server_id}/attachvolume"): (
        "partial", "ECS API \"Attaching a Disk to an ECS\": job attachVolume; volumeId, device; no dry_run"),
    ("DELETE", "/ecs/v1/{project_id}/cloudservers/{server_id}/detachvolume/{volume_id}"): (
        "yes", "ECS API \"Detaching an EVS Disk from an ECS\": job detachVolume; delete_flag 0/1 accepted"),
    ("GET", "/ecs/v1/{project_id}/jobs/{job_id}"): (
        "yes", "ECS API \"Querying Job Execution Status\": attachVolume/detachVolume jobs only"),
    ("POST", "/ecs/v2.1/{project_id}/servers/{server_id}/os-volume_attachments"): (
        "yes", "ECS API \"Attaching a Disk to an ECS (Native OpenStack API)\" (discarded there, still served)"),
    ("DELETE", "/ecs/v2.1/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}"): (
        "yes", "ECS API \"Detaching a Disk from an ECS (Native OpenStack API)\""),
}

# IAM rows name huaweicloudsdkiam's operations (its 200-odd operations are not all listed:
# the collection needs only these).
IAM_OPERATIONS = {
    ("POST", "/identity/v3/auth/tokens"): "KeystoneCreateUserTokenByPassword",
    ("GET", "/identity/v3/auth/tokens"): "KeystoneValidateToken",
    ("GET", "/identity/v3/auth/catalog"): "KeystoneShowCatalog",
    ("GET", "/identity/v3/auth/projects"): "KeystoneListAuthProjects",
    ("GET", "/identity/v3/auth/domains"): "KeystoneListAuthDomains",
    ("GET", "/identity/v3/projects"): "KeystoneListProjects",
    ("GET", "/identity/v3/regions"): "KeystoneListRegions",
    ("GET", "/identity/v3/services"): "KeystoneListServices",
    ("GET", "/identity/v3/endpoints"): "KeystoneListEndpoints",
}

# Documented operations outside the vendor SDKs that are not emulated.
NOT_IMPLEMENTED = [
    ("evs", "POST", "/evs/{v2,v3}/{project_id}/volumes/{volume_id}/action", "os-attach, os-detach, os-reserve "
                                                                             "(deprecated; attach through ECS)"),
    ("identity", "POST", "/identity/v3/auth/tokens", "assume_role (agency) and totp methods"),
    ("vbs", "*", "/vbs/v2/{project_id}/backuppolicy/{policy_id}/tags", "policy tags API"),
]
# Notes on vendor SDK operations that are not emulated (vendor_operations.py lists them all).
VENDOR_NOTES = {
    "AddMember": "backup sharing", "DeleteMember": "backup sharing", "ShowMemberDetail": "backup sharing",
    "ShowMembersDetail": "backup sharing", "UpdateMemberStatus": "backup sharing",
    "BatchCreateProtectedInstances": "batch create", "BatchDeleteProtectedInstances": "batch delete",
    "AddProtectedInstanceNic": "NIC add", "DeleteProtectedInstanceNic": "NIC delete",
    "ResizeProtectedInstance": "resize", "ExpandReplication": "extend-replication (expand a pair)",
}
VENDOR_PREFIX = {"evs": "/evs", "cbr": "/cbr", "sdrs": "/sdrs"}
# Reference of a row that no vendor SDK operation names: the project's API notes.
DOCS = {"identity": "keystone.md", "evs": "evs.md", "compute": "evs.md (attach)", "vbs": "vbs.md", "cbr": "cbr.md",
        "sdrs": "sdrs.md", "vpc": "sdrs.md (VPCs)", "admin": "emulator only"}


def _shape(path: str) -> str:
    """A path with its service prefix dropped and every parameter written `{}`, to match the
    router's paths with the SDKs' (`{volume_id}` there may be `{id}` here)."""
    path = re.sub(r"^/(evs|cbr|sdrs)(?=/)", "", path)
    path = re.sub(r"\{[^}]*\}", "{}", path)
    if re.fullmatch(r"/v[0-9.]+/?", path):
        return "/{}"
    return path.rstrip("/") or "/"


def _shapes(service: str, method: str, shown: str) -> set[tuple[str, str, str]]:
    versions = ("/evs/v2", "/evs/v3") if "{v2,v3}" in shown else (None,)
    paths = [shown.replace("/evs/{v2,v3}", v) for v in versions] if versions[0] else [shown]
    return {(service, method, _shape(path)) for path in paths}


def _vendor_operations() -> dict[tuple[str, str, str], list[str]]:
    """(service, method, path shape) -> the SDK operations on it (several share one path:
    the SDRS group actions, the EVS tag actions)."""
    operations: dict[tuple[str, str, str], list[str]] = {}
    for service, method, path, name in VENDOR_OPERATIONS:
        operations.setdefault((service, method, _shape(path)), []).append(name)
    return operations


def implemented_rows() -> list[tuple[str, str, str, str, str, str]]:
    from .app import build_routes, service_of
    from .services import evs

    # The unprefixed EVS mounts repeat the /evs routes for the Huawei SDKs (see README).
    unprefixed = {mount.path for mount in evs.unprefixed_mounts()}
    rows, seen = [], set()
    routes = [r for r in build_routes() if not (isinstance(r, Mount) and r.path in unprefixed)]
    # The unprefixed CBR routes repeat the /cbr ones for the Huawei CBR SDK (see README).
    routes = [r for r in routes if not (isinstance(r, Route) and r.path.startswith("/v3/"))]
    # The unprefixed SDRS routes repeat the /sdrs ones for the Huawei SDRS SDK (see README).
    routes = [r for r in routes if not (isinstance(r, Route) and (r.path.startswith("/v1/") or r.path == "/v1"))]
    vendor = _vendor_operations()
    matched = set()
    for method, path, _ in walk_routes(routes):  # GET only: HEAD is answered wherever GET is
        shown = re.sub(r"^/evs/v[23](/\{project_id\})", r"/evs/{v2,v3}\1", path)
        if (method, shown) in seen:
            continue
        seen.add((method, shown))
        service = service_of(path)
        status, note = NOTES.get((method, shown), ("yes", ""))
        keys = [key for key in _shapes(service, method, shown) if key in vendor]
        names = sorted(name for key in keys for name in vendor[key])
        matched.update(keys)
        if (method, shown) in IAM_OPERATIONS:
            names.append(IAM_OPERATIONS[(method, shown)])
        reference = ", ".join(f"`{name}`" for name in names) or DOCS[service]
        rows.append((service, method, shown, status, note, reference))
    for service, method, path, note in NOT_IMPLEMENTED:
        rows.append((service, method, path, "no", note, DOCS[service]))
    for service, method, path, name in VENDOR_OPERATIONS:
        if (service, method, _shape(path)) in matched:
            continue
        note = VENDOR_NOTES.get(name, "Huawei Cloud v5 API (not on OTC)" if path.startswith("/v5/") else "")
        rows.append((service, method, VENDOR_PREFIX[service] + path, "no", note, f"`{name}`"))
    order = {"identity": 0, "evs": 1, "compute": 2, "vbs": 3, "cbr": 4, "sdrs": 5, "vpc": 6, "admin": 9}
    return sorted(rows, key=lambda r: (order[r[0]], r[2], r[1]))


def markdown() -> str:
    lines = ["| service | method | path | implemented | notes | reference |",
             "| --- | --- | --- | --- | --- | --- |"]
    for service, method, path, status, note, reference in implemented_rows():
        lines.append(f"| {service} | {method} | `{path}` | {status} | {note} | {reference} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
