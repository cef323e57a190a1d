"""Request economy: the requests each module sends for a create, a no-op rerun and in check mode,
counted from the emulator's request log, against the minimum the API allows; and the same
snapshot task with openstack.cloud.volume_snapshot (from build/bench-venv).

Minimum = 1 token (password auth) + 1 lookup per resource the task names + the mutating
requests of the change (0 in a no-op or check run) + 1 read per wait (all timings are 0, so the
first read after the accepting request shows the result).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from benchlib import BENCH, ROOT, Emulator, log, run_playbook, save_result

BENCH_VENV = ROOT / "build" / "bench-venv"

# (lookups, mutating, waits) per module and scenario; the reasons are in the comments
MINIMUM = {
    # disk by name: 1 lookup; create: POST + 1 read until available
    "disk": {"create": (1, 1, 1), "noop": (1, 0, 0), "check-noop": (1, 0, 0), "check-create": (1, 0, 0)},
    # one filtered list
    "disk_info": {"read": (1, 0, 0), "check-read": (1, 0, 0)},
    # the disk by name, the snapshot by name among the disk's: 2 lookups; POST + 1 read
    "snapshot": {"create": (2, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0), "check-create": (2, 0, 0)},
    # one disk: the same as snapshot (many disks: one listing of disks and of snapshots instead)
    "snapshot_batch": {"create": (2, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0), "check-create": (2, 0, 0)},
    # the disk by name + one filtered list
    "snapshot_info": {"read": (2, 0, 0), "check-read": (2, 0, 0)},
    # disk + snapshot; rollback POST + 1 read + the metadata record (a 2nd mutating request)
    "snapshot_rollback": {"create": (2, 2, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0),
                          "check-create": (2, 0, 0)},
    # disk + the backup by name among the disk's; POST + 1 read
    "backup": {"create": (2, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0), "check-create": (2, 0, 0)},
    # disk + one filtered list
    "backup_info": {"read": (2, 0, 0), "check-read": (2, 0, 0)},
    # disk + backup; restore POST + 1 read + the metadata record
    "backup_restore": {"create": (2, 2, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0),
                       "check-create": (2, 0, 0)},
}
# replication (SDRS). A create needs every named resource; a no-op only what it must compare:
# resources given by id are compared with the ids the existing resource holds.
MINIMUM.update({
    # create: the group by name, its VPC by name and the active-active domain of the two AZs (the
    # API needs its id), POST + 1 job read; no-op: the group and the VPC (to compare its id)
    "protection_group": {"create": (3, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0),
                         "check-create": (3, 0, 0),
                         # protection: enabled names only the group: start + 1 job read
                         "enable": (1, 1, 1), "enable-noop": (1, 0, 0)},
    "protection_group_info": {"read": (1, 0, 0)},
    # create: the group, the instance by name in it, the server; no-op: group + instance
    "protected_instance": {"create": (3, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0)},
    "protected_instance_info": {"read": (2, 0, 0)},
    # create: the group, the pair by name, the disk, the protected instance by name; create and
    # attach, each waited for; no-op: group, pair, protected instance (the disk is given by id)
    "replication_pair": {"create": (4, 2, 2), "noop": (3, 0, 0), "check-noop": (3, 0, 0)},
    "replication_pair_info": {"read": (2, 0, 0)},
    # the group, the drill by name
    "dr_drill": {"create": (2, 1, 1), "noop": (2, 0, 0), "check-noop": (2, 0, 0)},
    "dr_drill_info": {"read": (2, 0, 0)},
})
MINIMUM["openstack.cloud.volume_snapshot"] = MINIMUM["snapshot"]


NO_TOKEN_CACHE = {"DP_EVS_TOKEN_CACHE": "off"}


def is_token(r: dict) -> bool:
    return r["method"] == "POST" and r["path"].rstrip("/").endswith("/auth/tokens")


def score(record: dict) -> list[dict]:
    rows = []
    for task in record.get("tasks", []):
        module, _, scenario = task["name"].partition(" | ")
        if module == "setup" or module not in MINIMUM:
            continue
        reqs = task["requests"]
        tokens = sum(1 for r in reqs if is_token(r))
        mutating = sum(1 for r in reqs if r["mutating"])
        lookups, min_mut, waits = MINIMUM[module][scenario]
        minimum = 1 + lookups + min_mut + waits
        rows.append({"module": module, "scenario": scenario, "requests": len(reqs), "minimum": minimum,
                     "excess": len(reqs) - minimum, "tokens": tokens, "mutating": mutating,
                     "min_mutating": min_mut, "changed": task["changed"], "failed": task["failed"],
                     "seconds": round(task["end"] - task["start"], 3),
                     "sent": [f"{r['method']} {r['path']}{'?' + r['query'] if r['query'] else ''} {r['status']}"
                              for r in reqs]})
    return rows


def openstack_runs(emu: Emulator) -> tuple[list[dict], str | None]:
    playbook_bin = BENCH_VENV / "bin" / "ansible-playbook"
    if not playbook_bin.exists():
        return [], f"{BENCH_VENV} has no ansible-playbook (run `make bench-venv`)"
    env = {"PATH": f"{BENCH_VENV / 'bin'}:{os.environ.get('PATH', '')}",
           "ANSIBLE_COLLECTIONS_PATH": ""}
    # ansible-playbook of the bench venv, with its own python (openstacksdk is installed there)
    run = run_playbook(emu, BENCH / "playbooks" / "economy_openstack.yml", "economy-openstack",
                       extra_env=env, check=False, bin_dir=BENCH_VENV / "bin")
    if run["rc"] != 0:
        return score(run["log"]), f"openstack.cloud playbook failed (rc {run['rc']}), see {run['output']}"
    return score(run["log"]), None


def main() -> dict:
    with Emulator("economy") as emu:
        emu.admin.zero_timings()
        log("economy: the collection's modules (create, no-op, check mode)")
        # every task as a first task of a run: its own token, as the minimum counts it (the token
        # cache, which spares it, is measured by noop_requests)
        run = run_playbook(emu, BENCH / "playbooks" / "economy.yml", "economy", check=False, extra_env=NO_TOKEN_CACHE)
        rows = score(run["log"])
        failure = None if run["rc"] == 0 else f"economy playbook rc {run['rc']}, see {run['output']}"
        log("economy: the replication modules")
        disk_id = emu.create_disks(1, "eco-rep-disk")[0]
        server = emu.api("POST", "/ecs/v2.1/{pid}/servers", {"server": {
            "name": "eco-app", "availability_zone": "eu-de-01", "flavorRef": "s3.medium.1",
            "imageRef": "test-image"}})["server"]
        emu.api("POST", f"/ecs/v2.1/{{pid}}/servers/{server['id']}/os-volume_attachments",
                {"volumeAttachment": {"volumeId": disk_id}})
        sdrs = run_playbook(emu, BENCH / "playbooks" / "economy_sdrs.yml", "economy-sdrs", check=False, extra_env=NO_TOKEN_CACHE,
                            args=["-e", f"rep_disk_id={disk_id}", "-e", f"rep_server_id={server['id']}"])
        rows += score(sdrs["log"])
        if sdrs["rc"] != 0:
            failure = (failure or "") + f" replication playbook rc {sdrs['rc']}, see {sdrs['output']}"
        log("economy: openstack.cloud.volume_snapshot from build/bench-venv")
        os_rows, os_failure = openstack_runs(emu)
    result = {"rows": rows, "openstack": os_rows, "failure": failure, "openstack_failure": os_failure}
    for row in rows + os_rows:
        log(f"  {row['module']:34} {row['scenario']:12} {row['requests']:3} requests (min {row['minimum']}),"
            f" {row['mutating']} mutating, {row['tokens']} token")
    save_result("economy", result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2)[:3000])
