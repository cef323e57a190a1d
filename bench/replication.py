"""Replication fan-out: the CBR backups of 1 and 100 disks (with BENCH_FANOUT_SIZES=...,1000 also
1,000) replicated to eu-nl with the backup_replica module, one call per backup; wall time
ratios against 1 disk, measured in one run, one fresh emulator per size.

    python bench/replication.py [--sizes 1,100]

Each size: disks made through the batch API, one CBR checkpoint of a vault holding them all (a
backup per disk), a replication vault in eu-nl, then bench/playbooks/replicate.yml. Copies take
0 s in the emulator (cbr.queue and cbr.replicate 0), so the figures are the module calls' own
cost: a real copy takes minutes per backup, which the module waits for one after another.
"""

from __future__ import annotations

import argparse
import json
import os

from benchlib import BENCH, Emulator, log, run_playbook, save_result
from fanout import analyse

PLAYBOOK = BENCH / "playbooks" / "replicate.yml"
DISK_GB = 10
DISK = "OS::Cinder::Volume"


def vault(name: str, protect_type: str, size_gb: int, resources: list[str]) -> dict:
    return {"vault": {"name": name, "resources": [{"id": r, "type": DISK} for r in resources],
                      "billing": {"object_type": "disk", "protect_type": protect_type, "size": size_gb,
                                  "consistent_level": "crash_consistent", "cloud_type": "public",
                                  "charging_mode": "post_paid"}}}


def default_sizes() -> str:
    """1 and 100; the fan-out bench's large-size option (BENCH_FANOUT_SIZES with 1000) adds 1,000."""
    asked = os.environ.get("BENCH_FANOUT_SIZES", "")
    return "1,100,1000" if "1000" in asked.split(",") else "1,100"


def run_size(size: int) -> dict:
    with Emulator(f"replication-{size}", region_projects=True) as emu:
        emu.admin.set_timings({"volume.create": 0, "backup.create": 0, "cbr.queue": 0, "cbr.replicate": 0})
        disks = emu.create_disks(size, "rep", {})
        room = size * DISK_GB + DISK_GB
        source = emu.api("POST", "/cbr/v3/{pid}/vaults", vault("bench-vault", "backup", room, disks))["vault"]
        emu.api("POST", "/cbr/v3/{pid}/checkpoints", {"checkpoint": {"vault_id": source["id"], "parameters": {}}})
        emu.api("POST", "/cbr/v3/{pid}/vaults", vault("bench-replicas", "replication", room, []), region="eu-nl")
        backups = [b["id"] for b in emu.api("GET", f"/cbr/v3/{{pid}}/backups?vault_id={source['id']}&limit=1000")["backups"]]
        assert len(backups) == size, (len(backups), size)
        log(f"replication: {size} backups to eu-nl, one backup_replica call each")
        vars_file = emu.dir / "backups.json"
        vars_file.write_text(json.dumps({"bench_backups": backups}))
        run = run_playbook(emu, PLAYBOOK, f"replication-{size}", ["-e", f"@{vars_file}"])
        result = analyse(run)
        replicas = emu.api("GET", "/cbr/v3/{pid}/backups?image_type=replication&limit=1000", region="eu-nl")["backups"]
        result.update(disks=size, replicas_available=sum(1 for r in replicas if r["status"] == "available"))
        log(f"  {size} disks: {result['wall']:.1f} s wall, {result['module_calls']} module calls, "
            f"{result['requests']} requests, {result['replicas_available']} replicas")
        return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=default_sizes())
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = {size: run_size(size) for size in sizes}
    one = runs[sizes[0]]
    ratios = {size: round(r["wall"] / one["wall"], 2) for size, r in runs.items()}
    per_disk = {size: round((r["wall"] - one["wall"]) / (size - sizes[0]), 3) for size, r in runs.items() if size != sizes[0]}
    result = {"playbook": str(PLAYBOOK.relative_to(BENCH.parent)), "runs": runs, "ratios": ratios,
              "seconds_per_extra_disk": per_disk}
    save_result("replication", result)
    for size, ratio in ratios.items():
        log(f"replication: {size} disks / {sizes[0]} disk = {ratio}x")
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "runs"}, indent=2))
