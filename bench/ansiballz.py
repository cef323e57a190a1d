"""The cost of one module task, side by side in one run (issue 20's goals: a module process at most
1.3x `ansible.builtin.ping`'s, a task at most 0.5x openstack.cloud.volume_snapshot's):

1. The module process as Ansible runs it: the AnsiballZ payloads of a no-op `snapshot` call and of
   `ansible.builtin.ping`, kept with ANSIBLE_KEEP_REMOTE_FILES and run again directly, alternating,
   so the module process's own cost is separated from Ansible's controller-side work per item.
   With a baseline commit (BENCH_BASELINE=<commit> or --baseline), the payload of the collection
   at that commit (taken with `git archive` into a temporary collection tree) runs in the same
   rotation, so "before" and "after" load the machine alike.
2. The task: wall time per loop item of the same no-op snapshot with `dataprotection.evs.snapshot`
   and with openstack.cloud.volume_snapshot, on the same emulator, disk and snapshot, from one
   controller (build/bench-venv's ansible-playbook, so both modules run with its Python). The
   playbook alternates the two tasks; with a baseline, a second playbook run (the baseline
   collection) alternates with the first.

    python bench/ansiballz.py [--rounds 9] [--items 6] [--baseline 40c5610]
    (part of `make bench BENCH=noop` and `make bench`; BENCH_BASELINE=<commit> adds the baseline)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchlib import ROOT, SOURCE_TREE, VENV_BIN, Emulator, ansible_env, log, run_playbook, save_result

BENCH_VENV = ROOT / "build" / "bench-venv"
SNAPSHOT = "s1"
PROCESS_GOAL = 1.3   # module process / ping process
TASK_GOAL = 0.5      # dataprotection.evs.snapshot / openstack.cloud.volume_snapshot, per task


def baseline_tree(commit: str, where: Path, paths=("plugins", "meta", "galaxy.yml")) -> Path:
    """A collections root holding the collection at ``commit`` (by default only what a module run
    reads; ``paths``: what to take)."""
    collection = where / "ansible_collections" / "dataprotection" / "evs"
    shutil.rmtree(where, ignore_errors=True)
    collection.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit] + list(paths),
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-xf", "-", "-C", str(collection)], input=archive, check=True)
    return where


def keep_payload(env: dict, keep: Path, module: str, args: str | None) -> Path:
    before = set(keep.glob("*/AnsiballZ_*.py")) if keep.exists() else set()
    subprocess.run([str(VENV_BIN / "ansible"), "localhost", "-m", module] + (["-a", args] if args else []),
                   env=env, check=True, capture_output=True)
    return next(iter(set(keep.glob("*/AnsiballZ_*.py")) - before))


def module_processes(emu: Emulator, disk: str, rounds: int, baseline: Path | None) -> dict:
    keep = emu.dir / "remote-tmp"
    shutil.rmtree(keep, ignore_errors=True)
    env = ansible_env(emu, extra={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(keep)})
    args = json.dumps({"disk": disk, "name": SNAPSHOT})
    payloads = {"snapshot": keep_payload(env, keep, "dataprotection.evs.snapshot", args)}
    if baseline is not None:
        payloads["snapshot_baseline"] = keep_payload(dict(env, ANSIBLE_COLLECTIONS_PATH=str(baseline)), keep,
                                                     "dataprotection.evs.snapshot", args)
    payloads["ping"] = keep_payload(env, keep, "ansible.builtin.ping", None)
    times = {name: [] for name in payloads}
    cpu = {name: [] for name in payloads}
    for round_no in range(rounds):
        # every other round backwards, so that no payload always follows the same one
        for name in (list(payloads) if round_no % 2 == 0 else list(payloads)[::-1]):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            out = subprocess.run([str(VENV_BIN / "python"), str(payloads[name])], env=env, check=True,
                                 capture_output=True)
            times[name].append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if name != "ping" and json.loads(out.stdout).get("changed") is not False:
                raise RuntimeError(f"{name} payload was not a no-op: {out.stdout[:500]!r}")
    ms = {n: round(statistics.median(t) * 1000, 1) for n, t in times.items()}
    cpu_ms = {n: round(statistics.median(t) * 1000, 1) for n, t in cpu.items()}
    return {"rounds": rounds, "process_ms": ms, "process_cpu_ms": cpu_ms,
            "ratio_vs_ping": {n: round(ms[n] / ms["ping"], 2) for n in ms if n != "ping"},
            # CPU time (user + system) is what load from other work on the machine distorts least
            "cpu_ratio_vs_ping": {n: round(cpu_ms[n] / cpu_ms["ping"], 2) for n in cpu_ms if n != "ping"},
            "payload_bytes": {n: p.stat().st_size for n, p in payloads.items()},
            "payloads": {n: str(p) for n, p in payloads.items()}}


PLAYBOOK = """- name: One no-op snapshot task, ours and openstack.cloud's, and ping (Ansible's floor), alternating
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
"""
TASKS = """    - name: evs {round}
      dataprotection.evs.snapshot: {{disk: {disk}, name: {name}}}
      loop: "{{{{ range({items}) | list }}}}"
    - name: openstack {round}
      openstack.cloud.volume_snapshot: {{cloud: tenant-a, volume: {disk}, name: {name}}}
      loop: "{{{{ range({items}) | list }}}}"
    - name: ping {round}
      ansible.builtin.ping:
      loop: "{{{{ range({items}) | list }}}}"
"""


def item_seconds(task: dict) -> list[float]:
    ends = [task["start"]] + [i["end"] for i in task["items"]]
    return [b - a for a, b in zip(ends, ends[1:])]


def task_walls(emu: Emulator, disk_name: str, rounds: int, items: int, baseline: Path | None) -> dict:
    if not (BENCH_VENV / "bin" / "ansible-playbook").exists():
        return {"failure": f"{BENCH_VENV} has no ansible-playbook (run `make bench-venv`)"}
    playbook = emu.dir / "pertask.yml"
    playbook.write_text(PLAYBOOK + "".join(TASKS.format(round=r, disk=disk_name, name=SNAPSHOT, items=items)
                                           for r in range(2)))
    trees = {"current": SOURCE_TREE}
    if baseline is not None:
        trees["baseline"] = baseline
    env = {"PATH": f"{BENCH_VENV / 'bin'}:{os.environ.get('PATH', '')}"}
    seconds = {"evs": [], "openstack": [], "ping": []}
    if baseline is not None:
        seconds["evs_baseline"] = []
    walls = {name: [] for name in trees}
    for round_no in range(rounds):
        for name, tree in trees.items():
            run = run_playbook(emu, playbook, f"pertask-{name}-{round_no}", ["-e", "ansible_python_interpreter="
                               + str(BENCH_VENV / "bin" / "python")],
                               extra_env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(tree)), bin_dir=BENCH_VENV / "bin")
            walls[name].append(run["wall"])
            for task in run["log"]["tasks"]:
                if task["failed"] or (task["changed"] and not task["name"].startswith("ping")):
                    raise RuntimeError(f"{task['name']} was not a no-op: see {run['output']}")
                kind = task["name"].split()[0]
                if kind == "evs" and name == "baseline":
                    kind = "evs_baseline"
                if kind in seconds:
                    seconds[kind] += item_seconds(task)
    ms = {k: round(statistics.median(v) * 1000, 1) for k, v in seconds.items()}
    above = {k: round(v - ms["ping"], 1) for k, v in ms.items() if k != "ping"}
    return {"rounds": rounds, "items": items, "per_task_ms": ms, "samples": {k: len(v) for k, v in seconds.items()},
            "ratio_vs_openstack": {k: round(v / ms["openstack"], 2) for k, v in ms.items() if k not in ("openstack", "ping")},
            # what each module adds to Ansible's own cost of a task (the ping task's)
            "above_ping_ms": above,
            "above_ping_ratio_vs_openstack": {k: round(v / above["openstack"], 2) for k, v in above.items()
                                              if k != "openstack"},
            "playbook_walls_s": {k: [round(w, 1) for w in v] for k, v in walls.items()}}


BREAKDOWN = r'''
import json, sys, time
steps = [("ansible.module_utils.basic", "import ansible.module_utils.basic"),
         ("http.client, ssl (any HTTP library's)", "import http.client, ssl"),
         ("urllib3", "import urllib3"),
         ("requests, after urllib3", "import requests"),
         ("yaml", "import yaml"),
         ("the module and its module_utils", "import ansible_collections.dataprotection.evs.plugins.modules.snapshot")]
out = {}
for name, code in steps:
    t = time.process_time()
    exec(code)
    out[name] = time.process_time() - t
# in the payload the collection's files come from the zip without bytecode: compiled every run
ours = [m for name, m in sorted(sys.modules.items()) if name.startswith("ansible_collections.dataprotection.")
        and getattr(m, "__file__", None)]
t = time.process_time()
for m in ours:
    with open(m.__file__) as handle:
        compile(handle.read(), m.__file__, "exec")
out["compiling the module and its module_utils"] = time.process_time() - t
print(json.dumps(out))
'''


def import_breakdown(rounds: int) -> dict:
    """CPU ms of each import in one process (site-packages with bytecode, as requests and PyYAML
    are in the payload's process), one after another, median over ``rounds`` processes."""
    env = dict(os.environ, PYTHONPATH=str(SOURCE_TREE))
    samples = [json.loads(subprocess.run([str(VENV_BIN / "python"), "-W", "ignore", "-c", BREAKDOWN], env=env,
                                         check=True, capture_output=True, text=True).stdout)
               for _ in range(rounds)]
    return {k: round(statistics.median(s[k] for s in samples) * 1000, 1) for k in samples[0]}


def versions(python: Path) -> dict:
    code = ("import json, importlib.metadata as m\nfound = {}\nfor p in ('ansible-core', 'requests', 'urllib3', "
            "'PyYAML', 'openstacksdk'):\n    try:\n        found[p] = m.version(p)\n    except m.PackageNotFoundError:\n"
            "        pass\nprint(json.dumps(found))")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else {}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ANSIBALLZ_ROUNDS", "9")))
    parser.add_argument("--task-rounds", type=int, default=int(os.environ.get("BENCH_TASK_ROUNDS", "2")))
    parser.add_argument("--items", type=int, default=int(os.environ.get("BENCH_TASK_ITEMS", "6")))
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or None,
                        help="a commit whose collection runs in the same rotation (the 'before')")
    args = parser.parse_args(argv)
    with Emulator("ansiballz") as emu:
        emu.admin.zero_timings()
        disk_name = "az-disk"
        disk = emu.create_disks(1, disk_name)[0]
        emu.api("POST", "/evs/v3/{pid}/snapshots", {"snapshot": {"volume_id": disk, "name": SNAPSHOT}})
        baseline = baseline_tree(args.baseline, emu.dir / "baseline") if args.baseline else None
        log(f"ansiballz: module processes, {args.rounds} rounds")
        result = module_processes(emu, disk, args.rounds, baseline)
        result["import_cpu_ms"] = import_breakdown(args.rounds)
        log(f"ansiballz: wall per task, {args.task_rounds} rounds of {args.items} items per task")
        result["task"] = task_walls(emu, disk_name, args.task_rounds, args.items, baseline)
        emu.admin.clear_requests()
    result.update(baseline=args.baseline, goals={"process_vs_ping": PROCESS_GOAL, "task_vs_openstack": TASK_GOAL},
                  versions={"venv": versions(VENV_BIN / "python"), "bench_venv": versions(BENCH_VENV / "bin" / "python")})
    result["module_minus_ping_ms"] = round(result["process_ms"]["snapshot"] - result["process_ms"]["ping"], 1)
    log(f"ansiballz: processes {result['process_ms']} ms, vs ping {result['ratio_vs_ping']}; "
        f"per task {result['task'].get('per_task_ms')} ms, vs openstack {result['task'].get('ratio_vs_openstack')}")
    save_result("ansiballz", result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
