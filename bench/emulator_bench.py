"""The emulator: authenticated GETs per second from 8 concurrent keep-alive clients, p50/p99
latency, start time and memory (RSS), with 100 disks and again with 100,000 resources.

Side by side first, in rounds that alternate the apps (so machine load hits them alike): the
emulator, a bare Starlette + SQLite app serving the same disk answers (`bare_app.py`, the floor),
and with a baseline commit (`BENCH_BASELINE=<commit>` or `--baseline`) the emulator at that commit
(its `emulator/` taken with `git archive`), each with 100 disks: GET one disk by id and a page of
10, and the ratios emulator/bare and emulator/baseline.

The 100,000 resources are written into the emulator's SQLite store in one transaction while the
emulator is stopped (copies of a disk the API created, with new ids, in tenant-b; and 2,000
snapshots, half of them marked with the metadata of one batch, as the collection's batch snapshot
polling of 1,000 disks would find them), then the emulator is started again on the same state.
Then: a list in the project of 100,000 disks (first page, a page deep inside by marker, a name
filter), the 1,000 snapshots of one batch by metadata filter, and creates through the API there.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import loadgen
from bare_app import write_db
from benchlib import BENCH, ROOT, Emulator, log, save_result

CONNECTIONS = 8
DURATION = 10  # seconds per load run
SEED = 100_000
SNAPSHOT_BATCH = 1_000  # snapshots per batch; two batches are seeded
SIDE_BY_SIDE_ROUNDS = 2


def parse_latency(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, token: str, duration: int = DURATION) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "-H",
                          f"X-Auth-Token: {token}", url], capture_output=True, text=True, check=True).stdout
    result = {"tool": "wrk -t2 -c8", "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = parse_latency(m.group(1)) if m else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["errors"] = int(non2xx.group(1)) if non2xx else 0
    total = re.search(r"(\d+) requests in", out)
    result["requests"] = int(total.group(1)) if total else None
    return result


def python_load(url: str, token: str, duration: int = DURATION) -> dict:
    """Fallback without wrk: one asyncio client process, 8 keep-alive connections (loadgen.py)."""
    return loadgen.load(url, {"X-Auth-Token": token}, CONNECTIONS, duration)


def load(url: str, token: str, duration: int = DURATION) -> dict:
    return wrk(url, token, duration) if shutil.which("wrk") else python_load(url, token, duration)


def single_latency(emu: Emulator, path: str, token: str, n: int = 5) -> dict:
    from evs_emulator.testing import http as call
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        answer = call("GET", emu.url + path, headers={"X-Auth-Token": token}, timeout=120)
        times.append((time.perf_counter() - t0) * 1000)
        assert answer.status == 200, answer.status
    return {"requests": n, "median_ms": statistics.median(times), "max_ms": max(times)}


def create_latency(emu: Emulator, cloud: str, n: int = 20) -> dict:
    """Single volume creates through the API (each checks the quota)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        emu.api("POST", "/evs/v2/{pid}/volumes", {"volume": {"size": 10, "availability_zone": "eu-de-01"}}, cloud)
        times.append((time.perf_counter() - t0) * 1000)
    return {"requests": n, "median_ms": statistics.median(times), "max_ms": max(times)}


def measured_load(emu: Emulator, url: str, token: str) -> dict:
    """`load`, with the emulator's CPU time per answer."""
    cpu_before = cpu_seconds(emu.pid)
    x = load(url, token)
    x["server_cpu_us"] = x["server_cpu_us_min"] = round((cpu_seconds(emu.pid) - cpu_before) / x["requests"] * 1e6, 1)
    x["load_average"] = round(os.getloadavg()[0], 2)
    return x


def measure(emu: Emulator, label: str, disk_id: str) -> dict:
    token, project = emu.token("tenant-a")
    base = f"{emu.url}/evs/v3/{project}"
    out = {"label": label, "rss_mb_before": round(emu.rss_mb(), 1)}
    log(f"emulator [{label}]: GET one disk by id, {CONNECTIONS} connections, {DURATION} s")
    out["show_disk"] = measured_load(emu, f"{base}/volumes/{disk_id}", token)
    log(f"  {out['show_disk']['rps']:.0f} GET/s, server CPU {out['show_disk']['server_cpu_us']:.0f} us/answer")
    log(f"emulator [{label}]: GET /volumes/detail?limit=10 (tenant-a: 100 disks)")
    out["list_disks"] = measured_load(emu, f"{base}/volumes/detail?limit=10", token)
    log(f"  {out['list_disks']['rps']:.0f} GET/s, server CPU {out['list_disks']['server_cpu_us']:.0f} us/answer")
    out["rss_mb_after"] = round(emu.rss_mb(), 1)
    return out


def seed_store(db_path, template: dict, project_id: str, count: int, snapshot: dict) -> float:
    t0 = time.monotonic()
    db = sqlite3.connect(db_path)
    rows = []
    for i in range(count):
        rid = str(uuid.uuid4())
        body = dict(template, id=rid, name=f"seed-{i:06d}", project_id=project_id,
                    wwn="688860300" + rid.replace("-", "")[:23])
        rows.append(("volume", rid, project_id, body.get("region"), json.dumps(body)))
        if i < 2 * SNAPSHOT_BATCH:  # one snapshot of each of the first 2,000 disks, in two batches
            sid = str(uuid.uuid4())
            snap = dict(snapshot, id=sid, name=f"seed-{i:06d}", project_id=project_id, volume_id=rid,
                        metadata={"batch": f"b{i % 2}"})
            rows.append(("snapshot", sid, project_id, snap.get("region"), json.dumps(snap)))
    with db:
        db.executemany("INSERT INTO resources (kind, id, project_id, region, body) VALUES (?, ?, ?, ?, ?)", rows)
    db.close()
    return time.monotonic() - t0


# -- side by side: the emulator, the bare app, the emulator at a baseline commit ---------------
def with_100_disks(emu: Emulator) -> str:
    """100 disks in tenant-a, all timings 0; the id of the first (settled)."""
    emu.admin.zero_timings()
    ids = emu.create_disks(100, "load", {"backup": "daily"})
    emu.api("GET", f"/evs/v3/{{pid}}/volumes/{ids[0]}")  # settles it
    return ids[0]


@contextmanager
def emulator_at(commit: str):
    """An emulator started from `emulator/` at `commit` (PYTHONPATH puts it before the installed one)."""
    with tempfile.TemporaryDirectory(prefix="emulator-baseline-") as tree:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "emulator"], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        before = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(Path(tree) / "emulator")
        try:
            emu = Emulator(f"emulator-{commit}").start()
        finally:
            os.environ.pop("PYTHONPATH") if before is None else os.environ.update(PYTHONPATH=before)
        try:
            yield emu
        finally:
            emu.stop()


class BareApp:
    """bare_app.py in a subprocess, serving the emulator's answers for the given disks."""

    def __init__(self, directory: Path, token: str, project_id: str, volumes: list[dict]):
        directory.mkdir(parents=True, exist_ok=True)
        write_db(directory / "bare.sqlite3", {token: project_id}, volumes)
        url_file = directory / "bare.url"
        url_file.unlink(missing_ok=True)
        self.process = subprocess.Popen([sys.executable, str(BENCH / "bare_app.py"), "--db",
                                         str(directory / "bare.sqlite3"), "--url-file", str(url_file)])
        deadline = time.monotonic() + 30
        while not url_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("bare_app.py did not start")
            time.sleep(0.02)
        self.url = url_file.read_text().strip()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def side_by_side(apps: dict, rounds: int, duration: int) -> dict:
    """`apps`: name -> (base URL of /evs/v3/{project}, token, disk id, server pid). Each round loads
    every app in turn with GET by id, then every app with a page of 10; per app and request the
    round with the most requests/s is kept (load from other processes only ever slows a round
    down), and the least server CPU time per answer of any round: on a busy machine it moves
    much less than requests/s do."""
    best = {name: {} for name in apps}
    for round_no in range(1, rounds + 1):
        for request, path in (("show_disk", "/volumes/{id}"), ("list_disks", "/volumes/detail?limit=10")):
            for name, (base, token, disk_id, pid) in apps.items():
                cpu_before = cpu_seconds(pid)
                x = load(base + path.format(id=disk_id), token, duration)
                x["server_cpu_us"] = round((cpu_seconds(pid) - cpu_before) / x["requests"] * 1e6, 1)
                x["load_average"] = round(os.getloadavg()[0], 2)
                log(f"  round {round_no} {name:>9} {request}: {x['rps']:.0f}/s p50 {x['p50_ms']:.2f} ms "
                    f"p99 {x['p99_ms']:.2f} ms, server CPU {x['server_cpu_us']:.0f} us/answer, "
                    f"errors {x['errors']}, load {x['load_average']}")
                least_cpu = min(x["server_cpu_us"], best[name].get(request, {}).get("server_cpu_us_min", float("inf")))
                if x["rps"] > best[name].get(request, {}).get("rps", 0):
                    best[name][request] = x
                best[name][request]["server_cpu_us_min"] = least_cpu
    return best


def compare(emu: Emulator, disk_id: str, baseline: str | None, rounds: int, duration: int) -> dict:
    token, project = emu.token("tenant-a")
    volumes = emu.api("GET", "/evs/v3/{pid}/volumes/detail?limit=100")["volumes"]
    apps = {"emulator": (f"{emu.url}/evs/v3/{project}", token, disk_id, emu.pid)}
    bare = BareApp(emu.dir / "bare", token, project, volumes)
    with (emulator_at(baseline) if baseline else _nothing()) as before:
        apps["bare"] = (f"{bare.url}/evs/v3/{project}", token, disk_id, bare.process.pid)
        if before is not None:
            before_disk = with_100_disks(before)
            before_token, before_project = before.token("tenant-a")
            apps["baseline"] = (f"{before.url}/evs/v3/{before_project}", before_token, before_disk, before.pid)
        log(f"emulator: side by side ({', '.join(apps)}), {rounds} rounds of {duration} s per line")
        try:
            best = side_by_side(apps, rounds, duration)
        finally:
            bare.stop()
    out = {"apps": best, "rounds": rounds, "baseline_commit": baseline, "tool": best["emulator"]["show_disk"]["tool"]}
    for request in ("show_disk", "list_disks"):
        for other in ("bare", "baseline") if baseline else ("bare",):
            mine, theirs = best["emulator"][request], best[other][request]
            out[f"{request}_vs_{other}"] = round(mine["rps"] / theirs["rps"], 3)
            out[f"{request}_cpu_vs_{other}"] = round(mine["server_cpu_us_min"] / theirs["server_cpu_us_min"], 3)
    return out


@contextmanager
def _nothing():
    yield None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or None,
                        help="a commit whose emulator runs side by side (the 'before')")
    parser.add_argument("--rounds", type=int, default=SIDE_BY_SIDE_ROUNDS)
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds per load line")
    parser.add_argument("--side-by-side-only", action="store_true", help="skip the 100,000 resources part")
    args = parser.parse_args(argv or [])
    emu = Emulator("emulator").start()
    result = {"start_seconds_empty": round(emu.start_seconds, 3)}
    try:
        disk_id = with_100_disks(emu)
        ids = [disk_id]
        snapshot_id = emu.api("POST", "/evs/v2/{pid}/snapshots", {"snapshot": {"volume_id": ids[0]}})["snapshot"]["id"]
        emu.api("GET", f"/evs/v2/{{pid}}/snapshots/{snapshot_id}")  # settles it
        result["rss_mb_idle_100_disks"] = round(emu.rss_mb(), 1)
        result["side_by_side"] = compare(emu, disk_id, args.baseline, args.rounds, args.duration)
        result["baseline"] = {"label": "100 disks", **result["side_by_side"]["apps"]["emulator"]}
        emu.admin.clear_requests()
        _, project_b = emu.token("tenant-b")
    finally:
        emu.stop()
    if args.side_by_side_only:
        save_result("emulator_side_by_side", result)
        return result
    db_path = emu.dir / "data" / "emulator.sqlite3"
    db = sqlite3.connect(db_path)
    template, snapshot = (json.loads(db.execute("SELECT body FROM resources WHERE kind=? AND id=?",
                                                (kind, rid)).fetchone()[0])
                          for kind, rid in (("volume", ids[0]), ("snapshot", snapshot_id)))
    db.close()
    log(f"emulator: writing {SEED} volumes and {2 * SNAPSHOT_BATCH} snapshots of tenant-b into the store")
    result["seed_seconds"] = round(seed_store(db_path, template, project_b, SEED, snapshot), 2)
    result["seed_method"] = ("store: one SQLite transaction while the emulator is stopped "
                             f"(copies of an API-created volume, new ids, tenant-b; plus {2 * SNAPSHOT_BATCH} "
                             "snapshots of the first disks, half of them with metadata batch=b1)")
    # start again on the same state: start time and memory with 100,100 resources
    result["start_seconds_100k"] = round(emu.restart(), 3)
    try:
        result["rss_mb_idle_100k"] = round(emu.rss_mb(), 1)
        result["at_100k"] = measure(emu, "100,100 resources", ids[0])
        token_b, _ = emu.token("tenant-b")
        log("emulator [100k]: single GET /volumes/detail?limit=10 in tenant-b (100,000 disks)")
        result["list_100k_single"] = single_latency(emu, f"/evs/v3/{project_b}/volumes/detail?limit=10", token_b)
        log(f"  median {result['list_100k_single']['median_ms']:.0f} ms")
        result["rss_mb_after_list_100k"] = round(emu.rss_mb(), 1)
        big = f"/evs/v3/{project_b}"
        deep = emu.api("GET", big + "/volumes?limit=1000&offset=50000", cloud="tenant-b")["volumes"][0]["id"]
        result["list_100k_marker"] = single_latency(emu, f"{big}/volumes/detail?limit=10&marker={deep}", token_b)
        result["list_100k_name"] = single_latency(emu, f"{big}/volumes/detail?name=seed-054321", token_b)
        batch = big + "/snapshots/detail?" + urlencode({"metadata": json.dumps({"batch": "b1"})})
        found = emu.api("GET", batch, cloud="tenant-b")
        assert len(found["snapshots"]) == SNAPSHOT_BATCH, len(found["snapshots"])
        log(f"emulator [100k]: {SNAPSHOT_BATCH} snapshots by metadata filter (of {2 * SNAPSHOT_BATCH})")
        result["snapshots_by_metadata_single"] = single_latency(emu, batch, token_b)
        result["snapshots_by_metadata"] = load(emu.url + batch, token_b)
        log(f"  {result['snapshots_by_metadata']['rps']:.0f} GET/s")
        result["create_100k"] = create_latency(emu, "tenant-b")
        result["rss_mb_after_all_100k"] = round(emu.rss_mb(), 1)
    finally:
        emu.stop()
    result["http_parser"] = "httptools" if importlib.util.find_spec("httptools") else "h11"  # uvicorn's choice
    result["connections"] = CONNECTIONS
    result["duration_s"] = DURATION
    save_result("emulator", result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
