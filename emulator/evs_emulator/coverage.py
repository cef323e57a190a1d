"""Generate the endpoint coverage table (moto IMPLEMENTATION_COVERAGE style) from the router.

    python -m evs_emulator.coverage

Implemented rows come from the routes themselves, so the table cannot drift from the code;
notes and the known-but-missing endpoints are declared here next to it.
"""

from __future__ import annotations

import re

from starlette.routing import Mount, Route

# (method, path) -> (implemented, note); paths as printed in the table.
NOTES = {
    ("POST", "/identity/v3/auth/tokens"): ("partial", "password (user by name+domain or id) and token methods; "
                                                      "project/domain scope; no assume_role, no totp"),
    ("GET", "/identity/v3/auth/tokens"): ("yes", "validation; HEAD too (no body)"),
    ("GET", "/identity/v3/auth/catalog"): ("yes", "token or AK/SK (project from X-Project-Id)"),
    ("GET", "/identity/v3/projects"): ("yes", "projects of the caller's domain; token or AK/SK"),
    ("POST", "/evs/{v2,v3}/{project_id}/volumes"): ("partial", "blank, from snapshot_id, or from backup_id (a VBS or "
                                                               "CBR backup, any AZ of the region); imageRef, "
                                                               "source_volid refused with 400; no count (batch)"),
    ("POST", "/vbs/v2/{project_id}/cloudbackups"): ("yes", "job bksCreateBackup; no temporary autobk_snapshot_*"),
    ("POST", "/vbs/v2/{project_id}/cloudbackups/{backup_id}"): ("yes", "vendor delete (deprecated), job "
                                                                      "bksDeleteBackup"),
    ("GET", "/vbs/v2/{project_id}/jobs/{job_id}"): ("yes", "same as /vbs/v1 (the path otcextensions' Job resource names)"),
    ("POST", "/vbs/v2/{project_id}/backups/{backup_id}/restore"): ("partial", "onto an existing disk (volume_id "
                                                                             "required); no new-volume restore"),
    ("POST", "/vbs/v3/{project_id}/backups/{backup_id}/restore"): ("partial", "onto an existing disk (volume_id "
                                                                             "required); no new-volume restore"),
    ("POST", "/cbr/v3/{project_id}/backups/{backup_id}/restore"): ("partial", "disk backups onto a disk "
                                                                             "(volume_id); no server restore"),
    ("POST", "/cbr/v3/{project_id}/vaults"): ("partial", "disk vaults fully; server/turbo vaults stored only"),
    ("POST", "/cbr/v3/{project_id}/policies"): ("partial", "replication policies are stored and associated, "
                                                           "never run"),
    ("POST", "/evs/{v2,v3}/{project_id}/volumes/{volume_id}/action"): ("partial", "os-extend only"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudvolumes/detail"): ("partial", "vendor list: Cinder items plus count; "
                                                                         "filters name, status, availability_zone, "
                                                                         "metadata, id, ids (<= 60); not "
                                                                         "multiattach, server_id, volume_type_id, "
                                                                         "dedicated storage, enterprise project"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudvolumes/{volume_id}"): ("yes", "vendor show (ShowVolume), same body as "
                                                                          "GET volumes/{volume_id}"),
    ("PUT", "/evs/{v2,v3}/{project_id}/cloudvolumes/{volume_id}"): ("yes", "vendor update: name/description only, "
                                                                          "the disk's fields at the top level"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of GET snapshot"),
    ("PUT", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of PUT snapshot"),
    ("GET", "/cbr/v3/{project_id}/operation-logs"): ("partial", "backup, restore, delete and vault_delete logs; "
                                                               "never replication/copy/sync/remove_resource"),
    ("GET", "/sdrs/v1/{project_id}/task-center/failure-jobs"): ("yes", "jobs that ended FAIL (group actions "
                                                                      "during an AZ outage), until deleted"),
    ("GET", "/sdrs/"): ("yes", "API versions (no auth); also `/v1` unprefixed for the Huawei SDK"),
    ("POST", "/evs/{v2,v3}/{project_id}/cloudsnapshots"): ("yes", "vendor alias of POST snapshots"),
    ("POST", "/evs/v2.1/{project_id}/cloudvolumes"): ("partial", "same fields as the Cinder create plus count "
                                                                 "(1..100, names get -0001...); bssParam ignored; "
                                                                 "answers 202 {job_id, volume_ids}"),
    ("GET", "/evs/v1/{project_id}/jobs/{job_id}"): ("partial", "jobs of the vendor create only (createVolume, "
                                                               "batchCreateVolume with sub_jobs)"),
    ("GET", "/evs/{v2,v3}/{project_id}/cloudsnapshots/detail"): ("partial", "vendor list: Cinder items plus count; "
                                                                           "filters also by id"),
    ("DELETE", "/evs/{v2,v3}/{project_id}/cloudsnapshots/{snapshot_id}"): ("yes", "vendor alias of DELETE snapshot"),
    ("GET", "/evs/{v2,v3}/{project_id}/os-quota-sets/{target_project_id}"): ("yes", "own project only (403 else)"),
    ("POST", "/ecs/v2.1/{project_id}/servers"): ("partial", "name, availability_zone, metadata; no networks, "
                                                            "images or flavors checked"),
    ("DELETE", "/ecs/v2.1/{project_id}/servers/{server_id}"): ("yes", "detaches its volumes"),
}

NOT_IMPLEMENTED = [
    ("evs", "POST", "/evs/v2.1/{project_id}/cloudvolumes/{volume_id}/action", "vendor extend (job)"),
    ("evs", "DELETE", "/evs/v2/{project_id}/cloudvolumes/{volume_id}", "vendor delete (job)"),
    ("evs", "POST", "/evs/{v2,v3}/{project_id}/volumes/{volume_id}/action", "os-attach, os-detach, os-reserve "
                                                                             "(deprecated; attach through ECS)"),
    ("evs", "GET", "/evs/v5/{project_id}/...", "Huawei v5 snapshot APIs (not on OTC)"),
    ("identity", "POST", "/identity/v3/auth/tokens", "assume_role (agency) and totp methods"),
    ("compute", "POST", "/ecs/v2.1/{project_id}/servers/{server_id}/action", "os-stop/os-start (later issue)"),
    ("vbs", "*", "/vbs/v2/{project_id}/backuppolicy/{policy_id}/tags", "policy tags API"),
    ("cbr", "POST", "/cbr/v3/{project_id}/checkpoints/replicate", "replication to another region"),
    ("cbr", "POST", "/cbr/v3/{project_id}/backups/{backup_id}/replicate", "replication to another region"),
    ("cbr", "*", "/cbr/v3/{project_id}/backups/{backup_id}/members", "backup sharing"),
    ("cbr", "*", "/cbr/v3/{project_id}/vault/...", "vault tags"),
    ("sdrs", "POST", "/sdrs/v1/{project_id}/protected-instances/batch", "batch create (and batch delete)"),
    ("sdrs", "POST", "/sdrs/v1/{project_id}/protected-instances/{instance_id}/nic", "NIC add/delete"),
    ("sdrs", "POST", "/sdrs/v1/{project_id}/protected-instances/{instance_id}/resize", "resize"),
    ("sdrs", "POST", "/sdrs/v1/{project_id}/replications/{pair_id}/action", "extend-replication (expand a pair)"),
    ("sdrs", "*", "/sdrs/v1/{project_id}/protected-instances/{instance_id}/tags", "instance tags API"),
]


def _walk(routes, prefix=""):
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            # Starlette answers HEAD wherever GET is routed; the table lists GET only.
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def implemented_rows() -> list[tuple[str, str, str, str, str]]:
    from .app import build_routes, service_of
    from .services import evs

    # The unprefixed EVS mounts repeat the /evs routes for the Huawei SDKs (see README).
    unprefixed = {mount.path for mount in evs.unprefixed_mounts()}
    rows, seen = [], set()
    routes = [r for r in build_routes() if not (isinstance(r, Mount) and r.path in unprefixed)]
    # The unprefixed CBR routes repeat the /cbr ones for the Huawei CBR SDK (see README).
    routes = [r for r in routes if not (isinstance(r, Route) and r.path.startswith("/v3/"))]
    # The unprefixed SDRS routes repeat the /sdrs ones for the Huawei SDRS SDK (see README).
    routes = [r for r in routes if not (isinstance(r, Route) and r.path.startswith("/v1/"))]
    for method, path in _walk(routes):
        shown = re.sub(r"^/evs/v[23](/\{project_id\})", r"/evs/{v2,v3}\1", path)
        if (method, shown) in seen:
            continue
        seen.add((method, shown))
        status, note = NOTES.get((method, shown), ("yes", ""))
        rows.append((service_of(path), method, shown, status, note))
    for service, method, path, note in NOT_IMPLEMENTED:
        rows.append((service, method, path, "no", note))
    order = {"identity": 0, "evs": 1, "compute": 2, "vbs": 3, "cbr": 4, "sdrs": 5, "vpc": 6, "admin": 9}
    return sorted(rows, key=lambda r: (order[r[0]], r[2], r[1]))


def markdown() -> str:
    lines = ["| service | method | path | implemented | notes |", "| --- | --- | --- | --- | --- |"]
    for service, method, path, status, note in implemented_rows():
        lines.append(f"| {service} | {method} | `{path}` | {status} | {note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
