"""Scale-out by AWX job slicing: the per-disk protect play (extensions/awx/playbooks/protect.yml)
over the dataprotection.evs.disks inventory, run as N slices side by side by ansible-runner, as
AWX runs a sliced job template: slice k of N gets the hosts k, k+N, k+2N, ... of the inventory
sorted by name (applied here as a limit). For each N: the total wall time (first start to last
end), each slice's, and from the cloud's request log that every disk got exactly one snapshot
(no overlap, nothing missed).

    python bench/slicing.py [--disks 40] [--slices 1,2,3,4] [--snapshot-seconds 3]
                                                   (make bench BENCH=slicing)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchlib import ROOT, Emulator, ansible_env, log, save_result

PLAYBOOK = ROOT / "extensions" / "awx" / "playbooks" / "protect.yml"
RUNNER = ROOT / "build" / "bench-venv" / "bin" / "ansible-runner"
FORKS = 5


def hosts(emu: Emulator, inventory: Path) -> list[str]:
    out = subprocess.run(["ansible-inventory", "-i", str(inventory), "--list"], env=ansible_env(emu),
                         check=True, capture_output=True, text=True, cwd=str(emu.dir))
    return sorted(json.loads(out.stdout)["_meta"]["hostvars"])


def start_slice(emu: Emulator, work: Path, inventory: Path, prefix: str, limit: list[str]) -> subprocess.Popen:
    """One sliced job: ansible-runner with its own private data dir, as an AWX job is."""
    work.mkdir(parents=True)
    (work / "project").mkdir()
    (work / "project" / "protect.yml").write_text(PLAYBOOK.read_text())
    env = ansible_env(emu, extra={"ANSIBLE_FORKS": str(FORKS)})
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)  # the timing callback reads one log position: not shared
    command = [str(RUNNER), "run", str(work), "-p", "protect.yml", "--inventory", str(inventory), "--limit",
               ",".join(limit), "--cmdline", f"-e protect_prefix={prefix} -e ansible_python_interpreter={sys.executable}"]
    with open(work / "runner.out", "w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def run_sliced(emu: Emulator, inventory: Path, names: list[str], count: int) -> dict:
    prefix = f"slice{count}"
    start = emu.last_seq()
    slices = [names[k::count] for k in range(count)]
    t0 = time.monotonic()
    jobs = [start_slice(emu, emu.dir / f"jobs-{count}" / str(k + 1), inventory, prefix, part)
            for k, part in enumerate(slices)]
    ends = []
    for job in jobs:
        job.wait()
        ends.append(time.monotonic() - t0)
    failed = [k + 1 for k, job in enumerate(jobs) if job.returncode != 0]
    posts = [e for e in emu.requests_since(start) if e["method"] == "POST" and e["path"].endswith("/snapshots")]
    snapshots = emu.api("GET", "/evs/v2/{pid}/snapshots/detail?limit=1000")["snapshots"]
    mine = Counter(s["volume_id"] for s in snapshots if s["name"].startswith(prefix + "-"))
    return {"slices": count, "wall_s": round(max(ends), 1), "slice_wall_s": [round(x, 1) for x in ends],
            "disks_per_slice": [len(s) for s in slices], "failed_slices": failed,
            "snapshot_posts": len(posts), "disks_with_one": sum(1 for n in mine.values() if n == 1),
            "disks_with_more": sum(1 for n in mine.values() if n > 1), "disks": len(names),
            "limits_overlap": len(set(names)) != sum(len(set(s)) for s in slices)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--disks", type=int, default=40)
    parser.add_argument("--slices", default="1,2,3,4")
    parser.add_argument("--snapshot-seconds", type=float, default=3.0)
    args = parser.parse_args(argv or [])
    if not RUNNER.exists():
        raise SystemExit(f"{RUNNER} missing: make bench-venv installs ansible-runner")
    with Emulator("slicing") as emu:
        emu.admin.zero_timings()
        emu.create_disks(args.disks, "slice-disk", {"tier": "bronze"})
        emu.admin.set_timings({"snapshot.create": args.snapshot_seconds})
        inventory = emu.dir / "estate.evs_disks.yml"
        inventory.write_text("plugin: dataprotection.evs.disks\n")
        names = hosts(emu, inventory)
        rows = []
        for count in [int(x) for x in args.slices.split(",")]:
            row = run_sliced(emu, inventory, names, count)
            rows.append(row)
            log(f"{count} slice(s): {row['wall_s']} s in all (slices {row['slice_wall_s']}); "
                f"{row['disks_with_one']} of {row['disks']} disks got exactly one snapshot, "
                f"{row['disks_with_more']} more than one; failed slices {row['failed_slices']}")
    one = rows[0]["wall_s"]
    for row in rows:
        row["speedup"] = round(one / row["wall_s"], 2) if row["wall_s"] else None
        # the cloud's own time: each fork of each slice waits for its disks' snapshots one after another
        row["cloud_floor_s"] = round(-(-args.disks // (FORKS * row["slices"])) * args.snapshot_seconds, 1)
    result = {"rows": rows, "disks": args.disks, "forks": FORKS, "snapshot_seconds": args.snapshot_seconds}
    save_result("slicing", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
