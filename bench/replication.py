"""Replication fan-out: the CBR backups of 1 and 100 disks (with BENCH_FANOUT_SIZES=...,1000 also
1,000) replicated to eu-nl by bench/playbooks/replicate.yml (one backup_replica_batch call; before
commit 6644b35 one backup_replica call per backup); wall time ratios against 1 disk, measured in one
run, one fresh emulator per size.

    python bench/replication.py [--sizes 1,100] [--baseline COMMIT [--baseline-sizes 1,100]]
                                [--timed-sizes 1,100,1000]

Each size: disks made through the batch API, one CBR checkpoint of a vault holding them all (a
backup per disk), a replication vault in eu-nl, then the playbook. Copies take 0 s in the emulator
(cbr.queue and cbr.replicate 0), so the figures are the module calls' own cost. With a baseline
commit (BENCH_BASELINE), each size of --baseline-sizes runs first with the collection and the
playbook of that commit. --timed-sizes (BENCH_REPLICATION_TIMED_SIZES) runs this collection again
with the emulator's default copy timings (cbr.queue 5 s, cbr.replicate 120 s): what a user waits
for; a loop of one call per backup would wait that long for each backup in turn.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ansiballz import baseline_tree
from benchlib import BENCH, BUILD, Emulator, log, run_playbook, save_result
from fanout import ROLES_AND_CODE, analyse

PLAYBOOK = BENCH / "playbooks" / "replicate.yml"
DISK_GB = 10
DISK = "OS::Cinder::Volume"
#: the cloud's limit of disks per vault: a larger estate has several source vaults
VAULT_DISKS = 256
#: the emulator's default timings of a copy (emulator/README.md, Timings)
DEFAULT_COPY = {"cbr.queue": 5, "cbr.replicate": 120}
INSTANT_COPY = {"cbr.queue": 0, "cbr.replicate": 0}


def vault(name: str, protect_type: str, size_gb: int, resources: list[str]) -> dict:
    return {"vault": {"name": name, "resources": [{"id": r, "type": DISK} for r in resources],
                      "billing": {"object_type": "disk", "protect_type": protect_type, "size": size_gb,
                                  "consistent_level": "crash_consistent", "cloud_type": "public",
                                  "charging_mode": "post_paid"}}}


def default_sizes() -> str:
    """1 and 100; the fan-out bench's large-size option (BENCH_FANOUT_SIZES with 1000) adds 1,000."""
    asked = os.environ.get("BENCH_FANOUT_SIZES", "")
    return "1,100,1000" if "1000" in asked.split(",") else "1,100"


def sizes_of(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def run_size(size: int, name: str = "replication", collections: Path | None = None, copy: dict = INSTANT_COPY) -> dict:
    with Emulator(f"{name}-{size}", region_projects=True) as emu:
        emu.admin.set_timings({"volume.create": 0, "backup.create": 0, "cbr.queue": 0})
        disks = emu.create_disks(size, "rep", {})
        room = size * DISK_GB + DISK_GB
        backups = []
        for first in range(0, size, VAULT_DISKS):  # bench-vault, then bench-vault-2, ...
            vault_name = "bench-vault" + (f"-{first // VAULT_DISKS + 1}" if first else "")
            part = disks[first:first + VAULT_DISKS]
            source = emu.api("POST", "/cbr/v3/{pid}/vaults", vault(vault_name, "backup", len(part) * DISK_GB + DISK_GB,
                                                                  part))["vault"]
            emu.api("POST", "/cbr/v3/{pid}/checkpoints", {"checkpoint": {"vault_id": source["id"], "parameters": {}}})
            backups += [b["id"] for b in emu.api("GET", f"/cbr/v3/{{pid}}/backups?vault_id={source['id']}&limit=1000")[
                "backups"]]
        emu.api("POST", "/cbr/v3/{pid}/vaults", vault("bench-replicas", "replication", room, []), region="eu-nl")
        assert len(backups) == size, (len(backups), size)
        emu.admin.set_timings(copy)
        playbook = PLAYBOOK if collections is None else \
            collections / "ansible_collections" / "dataprotection" / "evs" / PLAYBOOK.relative_to(BENCH.parent)
        log(f"{name}: {size} backups to eu-nl (copy {copy['cbr.queue'] + copy['cbr.replicate']} s)"
            + (f", collection and playbook from {collections}" if collections else ""))
        vars_file = emu.dir / "backups.json"
        vars_file.write_text(json.dumps({"bench_backups": backups}))
        run = run_playbook(emu, playbook, f"{name}-{size}", ["-e", f"@{vars_file}"],
                           extra_env={"ANSIBLE_COLLECTIONS_PATH": str(collections)} if collections else None)
        result = analyse(run)
        replicas, offset = [], 0
        while True:  # the cloud pages at 1,000
            page = emu.api("GET", f"/cbr/v3/{{pid}}/backups?image_type=replication&limit=1000&offset={offset}",
                           region="eu-nl")["backups"]
            replicas += page
            offset += len(page)
            if len(page) < 1000:
                break
        result.update(disks=size, copy_seconds=copy["cbr.queue"] + copy["cbr.replicate"],
                      replicas_available=sum(1 for r in replicas if r["status"] == "available"))
        log(f"  {size} disks: {result['wall']:.1f} s wall, {result['module_calls']} module calls, "
            f"{result['requests']} requests ({result['mutating']} mutating), {result['replicas_available']} replicas")
        assert result["replicas_available"] == size, result["replicas_available"]
        return result


def ratios_of(runs: dict) -> dict:
    one = runs[min(runs)]["wall"]
    return {size: round(r["wall"] / one, 2) for size, r in runs.items()}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=default_sizes())
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or None,
                        help="a commit: the sizes of --baseline-sizes run first with its collection and playbook")
    parser.add_argument("--baseline-sizes", default="1,100",
                        help="the baseline's sizes (one call per backup: about 4 s per backup on this machine)")
    parser.add_argument("--timed-sizes", default=os.environ.get("BENCH_REPLICATION_TIMED_SIZES", ""),
                        help="sizes run again with the emulator's default copy timings (this collection only)")
    args = parser.parse_args(argv)
    sizes = sizes_of(args.sizes)
    runs, baseline = {}, {}
    tree = baseline_tree(args.baseline, BUILD / "replication-baseline-collection",
                         ROLES_AND_CODE + ("bench/playbooks",)) if args.baseline else None
    timed = {}

    def save() -> dict:  # after every run: a failure later keeps what was measured
        result = {"playbook": str(PLAYBOOK.relative_to(BENCH.parent)), "runs": runs, "ratios": ratios_of(runs),
                  "targets": {"1000": 1.5}}
        if tree:
            result["baseline"] = {"commit": args.baseline, "runs": baseline, "ratios": ratios_of(baseline)}
        if timed:
            result["timed"] = {"copy": DEFAULT_COPY, "runs": timed, "ratios": ratios_of(timed)}
        save_result("replication", result)
        return result

    for size in sizes:  # side by side: the baseline and this collection, one size after the other
        if tree and size in sizes_of(args.baseline_sizes):
            baseline[size] = run_size(size, "replication-baseline", tree)
        runs[size] = run_size(size)
        save()
    for size in sizes_of(args.timed_sizes):
        timed[size] = run_size(size, "replication-timed", copy=DEFAULT_COPY)
        save()
    result = save()
    for size, ratio in result["ratios"].items():
        log(f"replication: {size} disks / {sizes[0]} disk = {ratio}x")
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k not in ("runs", "baseline", "timed")}, indent=2))
