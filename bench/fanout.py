"""Fan-out: a playbook over 1, 10, 100 (and with BENCH_FANOUT_SIZES=1,10,100,1000 also 1,000)
disks, with snapshot creation taking 20 s in the emulator; wall time ratios against 1 disk, and
where the time goes.

    python bench/fanout.py [--playbook playbooks/protect.yml] [--policy bench/policies/daily.yml]
                           [--sizes 1,10,100] [-e k=v ...]

By default the `protect` playbook with the policy `bench/policies/daily.yml`. The playbook must
select the disks that carry the metadata `backup: daily` (that policy's selector, and the
snapshot playbook's default). Each size runs against a fresh emulator.

Where the time goes, per run (from the bench_log callback and the request log):
- ansible startup and play overhead: wall time minus the sum of the task durations;
- per task: duration, loop items, and the median time per item;
- waiting: when one task starts all operations and waits for them (snapshot_batch), waiting =
  the end of that task - its last mutating request. When a looped task starts them and a later
  task (same module, no mutating request) waits in the same order at the same pace, only the
  first wait can block: waiting = max(0, creation time - (start of the waiting task - the first
  mutating request of the starting task)), with request times from the emulator's log;
- requests: how many the emulator logged during each task (their server time is about 1 to 3 ms
  each, from the emulator benchmark).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import statistics
import time
from pathlib import Path

import yaml

from ansiballz import baseline_tree
from benchlib import BUILD, ROOT, Emulator, log, run_playbook, save_result

SNAPSHOT_SECONDS = 20
ROLES_AND_CODE = ("plugins", "meta", "galaxy.yml", "roles", "playbooks")


def parse_time(value: str) -> float:
    return datetime.datetime.strptime(value.rstrip("Z")[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def analyse(run: dict, operation_seconds: float | None = None) -> dict:
    record = run["log"]
    tasks = []
    for task in record.get("tasks", []):
        ends = [i["end"] for i in task["items"]]
        gaps = [b - a for a, b in zip([task["start"]] + ends[:-1], ends)]
        tasks.append({"name": task["name"], "action": task["action"], "seconds": round(task["end"] - task["start"], 2),
                      "items": len(task["items"]), "changed": task["changed"] + sum(1 for i in task["items"] if i["changed"]),
                      "median_item_s": round(statistics.median(gaps), 3) if gaps else None,
                      "gaps": gaps, "requests": len(task["requests"]),
                      "mutating": sum(1 for r in task["requests"] if r["mutating"])})
    in_tasks = sum(t["seconds"] for t in tasks)
    # waiting (see the module docstring): needs the operation's duration
    waiting = None
    raw = record.get("tasks", [])
    starter = next((i for i, t in enumerate(raw) if any(r["mutating"] for r in t["requests"])), None)
    phases = None
    if starter is not None and not raw[starter]["items"]:
        # the log's time is the emulator clock: wall time (the benchmark never moves the clock)
        task = raw[starter]
        posts = [parse_time(r["time"]) for r in task["requests"] if r["mutating"]]
        last_post = max(posts)
        waiting = max(0.0, task["end"] - last_post)
        # one module call: its reads, its creates one after the other, its polls, then its result
        # going back to Ansible (after the last request)
        last_request = max(parse_time(r["time"]) for r in task["requests"])
        phases = {"task": task["name"], "before_first_create": round(min(posts) - task["start"], 1),
                  "creating": round(last_post - min(posts), 1), "creates": len(posts),
                  "polling": round(last_request - last_post, 1),
                  "after_last_request": round(task["end"] - last_request, 1)}
    elif operation_seconds is not None and starter is not None:
        # the log's time is the emulator clock: wall time (the benchmark never moves the clock)
        first_post = min(parse_time(r["time"]) for r in raw[starter]["requests"] if r["mutating"])
        waiter = next((t for t in raw[starter + 1:] if t["action"] == raw[starter]["action"]
                       and not any(r["mutating"] for r in t["requests"])), None)
        if waiter is not None:
            waiting = max(0.0, operation_seconds - (waiter["start"] - first_post))
    for t in tasks:
        t.pop("gaps")
    module_items = sum(t["items"] or 1 for t in tasks if t["action"].startswith("dataprotection.evs."))
    return {"wall": round(run["wall"], 2), "ansible_outside_tasks": round(run["wall"] - in_tasks, 2),
            "in_tasks": round(in_tasks, 2), "waiting_estimate": None if waiting is None else round(waiting, 2),
            "module_calls": module_items, "requests": sum(t["requests"] for t in tasks),
            "mutating": sum(t["mutating"] for t in tasks), "tasks": tasks, "batch_phases": phases}


def count_available(emu: Emulator, path: str, key: str) -> int:
    """Resources of a listing that are available, page by page (the cloud pages at 1,000)."""
    total, offset = 0, 0
    while True:
        page = emu.api("GET", f"{path}{'&' if '?' in path else '?'}limit=1000&offset={offset}")[key]
        total += sum(1 for x in page if x["status"] == "available")
        if len(page) < 1000:
            return total
        offset += len(page)


def split_tiers(policy_file: Path, size: int, tier_disks: int, out: Path) -> tuple[Path, list[dict]]:
    """The policy of ``policy_file`` (one variable holding one policy of one tier) with that tier
    split into as few tiers as hold ``size`` disks at ``tier_disks`` each (a CBR vault holds 256, a
    backup tier keeps its disks in one vault): tier ``<tier><k>`` selects the tier's metadata plus
    ``part: k``. Written to ``out``; with each part's disk count and metadata."""
    variables = yaml.safe_load(policy_file.read_text())
    (key, policy), = variables.items()
    (tier,), parts = policy["tiers"], -(-size // tier_disks)
    counts = [size // parts + (1 if k < size % parts else 0) for k in range(parts)]
    selected = tier["disks"]["metadata"]
    groups = [{"count": count, "metadata": dict(selected, part=str(k + 1))} for k, count in enumerate(counts)]
    tiers = [dict(copy.deepcopy(tier), name=f"{tier['name']}{k + 1}", disks={"metadata": g["metadata"]})
             for k, g in enumerate(groups)]
    out.write_text(yaml.safe_dump({key: dict(policy, tiers=tiers)}))
    return out, groups


def run_size(playbook: Path, size: int, extra: list[str], metadata: dict, name: str = "fanout",
             collections: Path | None = None, create_latency: float = 0.0, policy: Path | None = None,
             tier_disks: int = 0) -> dict:
    with Emulator(f"{name}-{size}") as emu:
        emu.admin.set_timings({"volume.create": 0})
        groups = [{"count": size, "metadata": metadata}]
        if tier_disks and policy and size > tier_disks:
            split, groups = split_tiers(policy, size, tier_disks, emu.dir / "policy.yml")
            extra = [x.replace(f"@{policy}", f"@{split}") for x in extra]
        for k, group in enumerate(groups):
            emu.create_disks(group["count"], f"fan{k + 1}" if len(groups) > 1 else "fan", group["metadata"])
        emu.admin.set_timings({"snapshot.create": SNAPSHOT_SECONDS})
        if create_latency:
            # the time a cloud takes to answer a create (network and API), which the emulator on
            # loopback does not have: each answer waits this long, without holding the emulator
            emu.admin.add_fault(method="POST", path=r"/snapshots$", latency=create_latency)
        log(f"{name}: {playbook.name} over {size} disks (snapshot.create {SNAPSHOT_SECONDS} s"
            + (f", each create answered after {create_latency} s" if create_latency else "") + ")"
            + (f", collection from {collections}" if collections else ""))
        t0 = time.monotonic()
        run = run_playbook(emu, playbook, f"{name}-{size}", extra,
                           extra_env={"ANSIBLE_COLLECTIONS_PATH": str(collections)} if collections else None)
        result = analyse(run, SNAPSHOT_SECONDS)
        result["snapshots_available"] = count_available(emu, "/evs/v2/{pid}/snapshots/detail", "snapshots")
        result["backups_available"] = count_available(emu, "/cbr/v3/{pid}/backups", "backups")
        result["disks"] = size
        result["tiers"] = len(groups)
        log(f"  {size} disks: {result['wall']:.1f} s wall ({time.monotonic() - t0:.0f} s with the checks), "
            f"{result['module_calls']} module calls, {result['requests']} requests, "
            f"waiting ~{result['waiting_estimate']} s")
        return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--playbook", default=str(ROOT / "playbooks" / "protect.yml"))
    parser.add_argument("--policy", default=str(ROOT / "bench" / "policies" / "daily.yml"),
                        help="a policy file passed as -e @FILE (empty: none, for playbooks without one)")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_FANOUT_SIZES", "1,10,100"))
    parser.add_argument("-e", dest="extra", action="append", default=[])
    parser.add_argument("--disk-metadata", default='{"backup": "daily"}',
                        help="JSON metadata of the disks the harness creates (what the playbook selects)")
    parser.add_argument("--name", default="fanout", help="the result's name (build/bench/results/NAME.json)")
    parser.add_argument("--baseline", default=None,
                        help="a commit: each size runs first with the collection at that commit, then this one")
    parser.add_argument("--create-latency", type=float, default=0.0,
                        help="seconds the emulator waits before it answers each snapshot create (a cloud's "
                             "answer time, which loopback does not have); default 0")
    parser.add_argument("--tier-disks", type=int, default=0,
                        help="split the policy's one tier into tiers of at most this many disks when a size is "
                             "larger (256: a CBR vault's limit, for backup tiers); default 0: never")
    parser.add_argument("--from-logs", action="store_true",
                        help="analyse the recorded runs of the last benchmark again instead of running")
    args = parser.parse_args(argv)
    playbook = Path(args.playbook).resolve()
    extra = [x for e in args.extra + ([f"@{Path(args.policy).resolve()}"] if args.policy else []) for x in ("-e", e)]
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.from_logs:
        from benchlib import load_results
        previous = load_results()[args.name]
        old = previous["runs"]
        runs = {}
        for size in sizes:
            record = json.loads((BUILD / f"{args.name}-{size}" / "runs" / f"{args.name}-{size}.json").read_text())
            runs[size] = analyse({"wall": old[str(size)]["wall"], "log": record}, SNAPSHOT_SECONDS)
            runs[size].update(disks=size, snapshots_available=old[str(size)]["snapshots_available"])
    else:
        metadata = json.loads(args.disk_metadata)
        runs, baseline = {}, {}
        # the collection at the baseline commit with its roles and playbooks
        tree = baseline_tree(args.baseline, BUILD / f"{args.name}-baseline-collection", ROLES_AND_CODE) \
            if args.baseline else None
        for size in sizes:  # side by side: the baseline and this collection, one size after the other
            split = {"policy": Path(args.policy).resolve() if args.policy else None, "tier_disks": args.tier_disks}
            if tree:
                baseline[size] = run_size(playbook, size, extra, metadata, f"{args.name}-baseline", tree,
                                          args.create_latency, **split)
            runs[size] = run_size(playbook, size, extra, metadata, args.name, create_latency=args.create_latency,
                                  **split)
    one = runs[sizes[0]]["wall"]
    ratios = {size: round(r["wall"] / one, 2) for size, r in runs.items()}
    result = {"playbook": str(playbook.relative_to(ROOT) if playbook.is_relative_to(ROOT) else playbook),
              "snapshot_create_seconds": SNAPSHOT_SECONDS, "create_latency_seconds": args.create_latency, "runs": runs, "ratios": ratios,
              "targets": {"100": 2.0, "1000": 1.5, "10000": 3.0}}
    if not args.from_logs and args.baseline:
        result["baseline"] = {"commit": args.baseline, "runs": baseline}
    if args.from_logs:
        result["machine"] = previous["machine"]
    save_result(args.name, result)
    for size, ratio in ratios.items():
        log(f"fanout: {size} disks / {sizes[0]} disk = {ratio}x")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2)[:4000])
