"""No-op cost: a no-op run of a playbook over 100 disks against its twins, side by side:
the same playbook with each of the collection's modules replaced by `ansible.builtin.debug`
(the target: at most 1.5x) and by `ansible.builtin.ping` (Ansible's floor for running any
module). The runs alternate (real, debug, ping, real, debug, ping, ...) so that load from other
work on the machine hits all three alike; the ratios are of the medians.

    python bench/noop.py [--playbook playbooks/snapshot.yml] [--disks 100] [--rounds 2] [-e k=v ...]

Then a profile of one module call (the snapshot module, no-op, run directly with the venv's
Python, as Ansible runs it): interpreter start, imports, the token request, the other requests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchlib import ROOT, SOURCE_TREE, Emulator, log, run_playbook, save_result
from fanout import analyse
from twin import make_twin

PROFILE = r'''
import json, sys, time
t0 = time.perf_counter()
import requests
t_requests = time.perf_counter()
from ansible_collections.dataprotection.evs.plugins.modules import snapshot
t_import = time.perf_counter()
calls = []
real = requests.Session.request
def timed(self, method, url, *a, **k):
    s = time.perf_counter()
    try:
        return real(self, method, url, *a, **k)
    finally:
        calls.append((method, url, time.perf_counter() - s))
requests.Session.request = timed
from ansible.module_utils.testing import patch_module_args
with patch_module_args(json.loads(sys.argv[1])):
    try:
        snapshot.main()
    except SystemExit:
        pass
t_end = time.perf_counter()
sys.stderr.write(json.dumps({"import_requests": t_requests - t0, "import_module": t_import - t_requests,
    "run": t_end - t_import, "calls": [[m, u.split("?")[0][-60:], d] for m, u, d in calls]}) + "\n")
'''


def profile_module(emu: Emulator, disk: str, name: str, rounds: int = 9) -> dict:
    env = dict(os.environ, PYTHONPATH=str(SOURCE_TREE), OS_CLIENT_CONFIG_FILE=str(emu.clouds_yaml),
               OS_CLOUD="tenant-a")
    args = json.dumps({"disk": disk, "name": name, "force": True})
    samples, bare, basic = [], [], []
    import time
    for _ in range(rounds):  # interleaved, so that load from elsewhere hits all three alike
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", PROFILE, args], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        data = json.loads(out.stderr.strip().splitlines()[-1])
        data["process_wall"] = wall
        samples.append(data)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ansible.module_utils.basic"], check=True)
        basic.append(time.perf_counter() - t0)
    med = lambda key: round(statistics.median(s[key] for s in samples) * 1000, 1)  # noqa: E731
    token = [c[2] for s in samples for c in s["calls"] if c[1].endswith("/auth/tokens")]
    other = [sum(c[2] for c in s["calls"] if not c[1].endswith("/auth/tokens")) for s in samples]
    return {"rounds": rounds, "process_wall_ms": med("process_wall"),
            "python_start_ms": round(statistics.median(bare) * 1000, 1),
            "basic_process_ms": round(statistics.median(basic) * 1000, 1),
            "import_requests_ms": med("import_requests"), "import_module_ms": med("import_module"),
            "run_ms": med("run"), "token_request_ms": round(statistics.median(token) * 1000, 1),
            "other_requests_ms": round(statistics.median(other) * 1000, 1),
            "requests_per_call": len(samples[0]["calls"])}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--playbook", default=str(ROOT / "playbooks" / "protect.yml"))
    parser.add_argument("--policy", default=str(ROOT / "bench" / "policies" / "daily.yml"),
                        help="a policy file passed as -e @FILE (empty: none, for playbooks without one)")
    parser.add_argument("--disks", type=int, default=int(os.environ.get("BENCH_NOOP_DISKS", "100")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_NOOP_ROUNDS", "2")))
    parser.add_argument("-e", dest="extra", action="append", default=[])
    parser.add_argument("--disk-metadata", default='{"backup": "daily"}',
                        help="JSON metadata of the disks the harness creates (what the playbook selects)")
    args = parser.parse_args(argv)
    playbook = Path(args.playbook).resolve()
    extra = [x for e in args.extra + ([f"@{Path(args.policy).resolve()}"] if args.policy else []) for x in ("-e", e)]
    with Emulator("noop") as emu:
        emu.admin.set_timings({"volume.create": 0, "snapshot.create": 0})
        ids = emu.create_disks(args.disks, "noop", json.loads(args.disk_metadata))
        log(f"noop: first run of {playbook.name} over {args.disks} disks (creates)")
        first = run_playbook(emu, playbook, "noop-first", extra)
        registered = emu.dir / "registered.json"
        runs = {"real": [], "debug": [], "ping": []}
        twins = {kind: make_twin(playbook, emu.dir / "twin", kind) for kind in ("debug", "ping")}
        for round_no in range(args.rounds):
            for kind in ("real", "debug", "ping"):
                if kind == "real":
                    run = run_playbook(emu, playbook, f"noop-real-{round_no}", extra)
                    registered.write_text(json.dumps(run["log"].get("registered", {}), default=str))
                else:
                    run = run_playbook(emu, twins[kind], f"noop-{kind}-{round_no}", extra + ["-e", f"@{registered}"])
                summary = analyse(run)
                runs[kind].append(summary)
                log(f"  round {round_no + 1} {kind:5}: {summary['wall']:.1f} s, {summary['requests']} requests, "
                    f"{summary['mutating']} mutating")
        medians = {kind: statistics.median(r["wall"] for r in rs) for kind, rs in runs.items()}
        changed = sum(t["changed"] for r in runs["real"] for t in r["tasks"])
        log("noop: profiling one no-op snapshot module call")
        snaps = emu.api("GET", f"/evs/v3/{{pid}}/snapshots/detail?volume_id={ids[0]}")["snapshots"]
        profile = profile_module(emu, ids[0], snaps[0]["name"])
    real_items = [t for t in runs["real"][0]["tasks"] if t["items"]]
    debug_items = [t for t in runs["debug"][0]["tasks"] if t["items"]]
    result = {"playbook": str(playbook.relative_to(ROOT) if playbook.is_relative_to(ROOT) else playbook),
              "disks": args.disks, "rounds": args.rounds, "first_run_wall": round(first["wall"], 2),
              "median_wall": {k: round(v, 2) for k, v in medians.items()},
              "ratio_real_vs_debug": round(medians["real"] / medians["debug"], 2),
              "ratio_real_vs_ping": round(medians["real"] / medians["ping"], 2),
              "ratio_ping_vs_debug": round(medians["ping"] / medians["debug"], 2),
              "changed_in_noop_runs": changed,
              "mutating_in_noop_runs": sum(r["mutating"] for r in runs["real"]),
              "requests_per_noop_run": runs["real"][0]["requests"],
              "per_item_real_s": [t["median_item_s"] for t in real_items],
              "per_item_debug_s": [t["median_item_s"] for t in debug_items],
              "per_item_ping_s": [t["median_item_s"] for t in runs["ping"][0]["tasks"] if t["items"]],
              "runs": runs, "profile": profile, "target": 1.5}
    save_result("noop", result)
    log(f"noop: real/debug = {result['ratio_real_vs_debug']}x, real/ping = {result['ratio_real_vs_ping']}x")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2)[:4000])
