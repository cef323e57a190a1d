"""SDRS fan-out: the replication role over 1 and 100 disks (with BENCH_FANOUT_SIZES=...,1000 also
1,000) with the emulator's default SDRS timings (a group made in 3 s, a pair in 10 s, an attach in
5 s, a protected instance in 20 s, protection enabled in 10 s), one fresh emulator per run; wall time
ratios against 1 disk. With a baseline commit (BENCH_BASELINE) each size of --baseline-sizes runs
first with the collection (its roles) at that commit: there the role calls replication_pair once
per disk, here replication_pair_batch once for all.

    python bench/sdrs_fanout.py [--sizes 1,100] [--baseline COMMIT [--baseline-sizes 1,100]]
                                [--disks-per-server 0]

The disks are attached to no server by default (--disks-per-server 0): the role then makes one
group, one pair per disk and enables protection, so the figures are the pairs' fan-out. With N > 0,
every N disks are attached to a server of their own first, and the role also protects each server
(protected instances are one module call per server).

1,000 disks need a project whose SDRS quota is raised: the cloud's (and the emulator's) is 100
replication pairs per project (SDRS.0305 past it).
"""

from __future__ import annotations

import argparse
import json
import os

from ansiballz import baseline_tree
from benchlib import BENCH, BUILD, Emulator, log, run_playbook, save_result
from fanout import ROLES_AND_CODE, analyse
from replication import default_sizes, ratios_of, sizes_of

PLAYBOOK = BENCH / "playbooks" / "replication_role.yml"
POLICY = BENCH / "policies" / "replication.yml"
#: the module of the pair step: the loop before, the batch now
PAIR_MODULES = ("dataprotection.evs.replication_pair", "dataprotection.evs.replication_pair_batch")


def attach_to_servers(emu: Emulator, disks: list[str], per_server: int) -> int:
    """Every ``per_server`` disks attached to a server of their own in eu-de-01; the number of servers."""
    servers = 0
    for first in range(0, len(disks), per_server):
        server = emu.api("POST", "/ecs/v2.1/{pid}/servers", {"server": {
            "name": f"sdrs-app-{servers:03d}", "availability_zone": "eu-de-01", "flavorRef": "s3.medium.1",
            "imageRef": "i"}})["server"]
        for disk in disks[first:first + per_server]:
            emu.api("POST", f"/ecs/v2.1/{{pid}}/servers/{server['id']}/os-volume_attachments",
                    {"volumeAttachment": {"volumeId": disk}})
        servers += 1
    return servers


def run_size(size: int, per_server: int, name: str = "fanout_sdrs", collections=None) -> dict:
    with Emulator(f"{name}-{size}") as emu:
        emu.admin.set_timings({"volume.create": 0, "volume.attach": 0, "server.create": 0})
        disks = emu.create_disks(size, "sdrs", {"tier": "gold"})
        servers = attach_to_servers(emu, disks, per_server) if per_server else 0
        log(f"{name}: the replication role over {size} disks ({servers} servers), default SDRS timings"
            + (f", collection from {collections}" if collections else ""))
        run = run_playbook(emu, PLAYBOOK, f"{name}-{size}", ["-e", f"@{POLICY}"],
                           extra_env={"ANSIBLE_COLLECTIONS_PATH": str(collections)} if collections else None)
        result = analyse(run)
        pairs, offset = [], 0
        while True:  # pages of 1,000 at most
            page = emu.api("GET", f"/sdrs/v1/{{pid}}/replications?limit=1000&offset={offset}")["replications"]
            pairs += page
            offset += len(page)
            if len(page) < 1000:
                break
        groups = emu.api("GET", "/sdrs/v1/{pid}/server-groups")["server_groups"]
        result.update(disks=size, servers=servers, pairs=len(pairs),
                      pairs_attached=sum(1 for p in pairs if p.get("attachment")),
                      protected=[g["status"] for g in groups] == ["protected"])
        pair_task = [t for t in result["tasks"] if t["action"] in PAIR_MODULES]
        result["pair_step"] = {"seconds": sum(t["seconds"] for t in pair_task),
                               "module_calls": sum(t["items"] or 1 for t in pair_task),
                               "requests": sum(t["requests"] for t in pair_task)}
        log(f"  {size} disks: {result['wall']:.1f} s wall, {result['module_calls']} module calls, "
            f"{result['requests']} requests ({result['mutating']} mutating); pair step {result['pair_step']}; "
            f"{result['pairs']} pairs, protected: {result['protected']}")
        assert result["pairs"] == size and result["protected"], result
        return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=default_sizes())
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or None,
                        help="a commit: the sizes of --baseline-sizes run first with its collection")
    parser.add_argument("--baseline-sizes", default=os.environ.get("BENCH_SDRS_BASELINE_SIZES", "1,100"),
                        help="the baseline's sizes (one call per disk, each waiting for its pair: about 15 s per disk)")
    parser.add_argument("--disks-per-server", type=int, default=int(os.environ.get("BENCH_SDRS_DISKS_PER_SERVER", "0")),
                        help="attach every N disks to a server of their own (0: no server)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the runs of the last result and add these sizes (e.g. --sizes 1000 --keep)")
    args = parser.parse_args(argv)
    sizes = sizes_of(args.sizes)
    runs, baseline = {}, {}
    if args.keep:
        from benchlib import load_results
        last = load_results().get("fanout_sdrs") or {}
        runs = dict((int(size), run) for size, run in last.get("runs", {}).items())
        baseline = dict((int(size), run) for size, run in (last.get("baseline") or {}).get("runs", {}).items())
        args.baseline = args.baseline or (last.get("baseline") or {}).get("commit")
    asked_baseline = [size for size in sizes if size in sizes_of(args.baseline_sizes)] if args.baseline else []
    tree = baseline_tree(args.baseline, BUILD / "fanout_sdrs-baseline-collection", ROLES_AND_CODE) \
        if asked_baseline and not (args.keep and set(asked_baseline) <= set(baseline)) else None

    def save() -> dict:  # after every run: a failure later keeps what was measured
        result = {"playbook": str(PLAYBOOK.relative_to(BENCH.parent)), "policy": str(POLICY.relative_to(BENCH.parent)),
                  "disks_per_server": args.disks_per_server, "runs": runs, "ratios": ratios_of(runs) if runs else {},
                  "targets": {"1000": 1.5, "10000": 3.0}}
        if baseline:
            result["baseline"] = {"commit": args.baseline, "runs": baseline,
                                  "ratios": ratios_of(baseline) if baseline else {}}
        save_result("fanout_sdrs", result)
        return result

    for size in sizes:  # side by side: the baseline and this collection, one size after the other
        if tree and size in sizes_of(args.baseline_sizes):
            baseline[size] = run_size(size, args.disks_per_server, "fanout_sdrs-baseline", tree)
            save()
        runs[size] = run_size(size, args.disks_per_server)
        save()
    result = save()
    for size, ratio in sorted(result["ratios"].items()):
        log(f"fanout_sdrs: {size} disks / {min(runs)} disk = {ratio}x")
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k not in ("runs", "baseline")}, indent=2))
