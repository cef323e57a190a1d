"""The emulator: authenticated GETs per second from 8 concurrent keep-alive clients, p50/p99
latency, start time and memory (RSS), with 100 disks and again with 100,000 resources.

The 100,000 resources are written into the emulator's SQLite store in one transaction while the
emulator is stopped (copies of a disk the API created, with new ids, in tenant-b; and 2,000
snapshots, half of them marked with the metadata of one batch, as the collection's batch snapshot
polling of 1,000 disks would find them), then the emulator is started again on the same state.
Then: a list in the project of 100,000 disks (first page, a page deep inside by marker, a name
filter), the 1,000 snapshots of one batch by metadata filter, and creates through the API there.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import threading
import time
import uuid
from urllib.parse import urlencode, urlsplit

from benchlib import Emulator, log, save_result

CONNECTIONS = 8
DURATION = 10  # seconds per load run
SEED = 100_000
SNAPSHOT_BATCH = 1_000  # snapshots per batch; two batches are seeded


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
    """Fallback without wrk: 8 threads, one keep-alive connection each (the client shares the GIL,
    so this understates the server)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors = [], [0]
    stop_at = time.monotonic() + duration

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        mine = []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            conn.request("GET", target, headers={"X-Auth-Token": token})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                errors[0] += 1
        latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    latencies.sort()
    return {"tool": "python threads x8", "rps": len(latencies) / elapsed, "requests": len(latencies),
            "p50_ms": statistics.median(latencies), "p99_ms": latencies[int(len(latencies) * 0.99)],
            "errors": errors[0]}


def load(url: str, token: str) -> dict:
    return wrk(url, token) if shutil.which("wrk") else python_load(url, token)


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


def measure(emu: Emulator, label: str, disk_id: str) -> dict:
    token, project = emu.token("tenant-a")
    base = f"{emu.url}/evs/v3/{project}"
    out = {"label": label, "rss_mb_before": round(emu.rss_mb(), 1)}
    log(f"emulator [{label}]: GET one disk by id, {CONNECTIONS} connections, {DURATION} s")
    out["show_disk"] = load(f"{base}/volumes/{disk_id}", token)
    log(f"  {out['show_disk']['rps']:.0f} GET/s")
    log(f"emulator [{label}]: GET /volumes/detail?limit=10 (tenant-a: 100 disks)")
    out["list_disks"] = load(f"{base}/volumes/detail?limit=10", token)
    log(f"  {out['list_disks']['rps']:.0f} GET/s")
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


def main() -> dict:
    emu = Emulator("emulator").start()
    result = {"start_seconds_empty": round(emu.start_seconds, 3)}
    try:
        emu.admin.zero_timings()
        ids = emu.create_disks(100, "load", {"backup": "daily"})
        emu.api("GET", f"/evs/v3/{{pid}}/volumes/{ids[0]}")  # settles it
        snapshot_id = emu.api("POST", "/evs/v2/{pid}/snapshots", {"snapshot": {"volume_id": ids[0]}})["snapshot"]["id"]
        emu.api("GET", f"/evs/v2/{{pid}}/snapshots/{snapshot_id}")  # settles it
        result["rss_mb_idle_100_disks"] = round(emu.rss_mb(), 1)
        result["baseline"] = measure(emu, "100 disks", ids[0])
        emu.admin.clear_requests()
        _, project_b = emu.token("tenant-b")
    finally:
        emu.stop()
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
    result["connections"] = CONNECTIONS
    result["duration_s"] = DURATION
    save_result("emulator", result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
