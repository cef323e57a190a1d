"""Retention and audit at scale: the retention_plan and dr_audit filters over D disks x C copies
each (default 10, 100 and 1,000 disks of 1,000 copies: up to 1,000,000 copies), timed in this
process (the filters run on the Ansible controller, no cloud involved).

    python bench/scale.py [--disks 10,100,1000] [--copies 1000] [--rounds 1]

The copies are snapshots one hour apart going back from the cloud time, all made by the policy,
so every copy passes through the whole generational rule. Reports seconds and microseconds per
copy for each size: linear means the time per copy stays flat as the number of copies grows.
Target: 1,000 disks x 1,000 copies each under 10 s for each filter.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import statistics
import sys
import time

from benchlib import ROOT, log, save_result

sys.path.insert(0, str(ROOT / "build" / "src"))

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit  # noqa: E402
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy  # noqa: E402
from ansible_collections.dataprotection.evs.plugins.filter.retention_plan import retention_plan  # noqa: E402

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0)
RETENTION = {"last": 7, "hourly": 24, "daily": 7, "weekly": 4, "monthly": 12}
# the retention is a backup's or a standard snapshot's (Huawei Cloud keeps 256 per disk), not the 7 a
# legacy snapshot allows: the bench measures how the filters scale with the copies per disk
POLICY = {"name": "scale", "snapshots_per_disk": 256, "tiers": [{"name": "hourly", "failure": "disk", "rpo": "1h", "retention": RETENTION,
                                       "disks": {"metadata": {"tier": "scale"}}}]}


def estate(disks: int, copies: int) -> tuple[list[dict], list[dict]]:
    volumes = [{"id": f"d{d:05d}", "name": f"disk-{d:05d}", "status": "in-use", "availability_zone": "eu-de-01",
                "metadata": {"tier": "scale"}} for d in range(disks)]
    stamps = [(NOW - datetime.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%S.000000") for h in range(copies)]
    metadata = {"dp_evs_policy": "scale", "dp_evs_tier": "hourly"}
    snapshots = [{"id": f"s{d:05d}-{h:05d}", "name": f"scale-hourly-{h}", "volume_id": volume["id"],
                  "status": "available", "created_at": stamps[h], "metadata": metadata}
                 for d, volume in enumerate(volumes) for h in range(copies)]
    return volumes, snapshots


def timed(function, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--disks", default="10,100,1000")
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    checked = dr_policy(POLICY)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    sizes = []
    for disks in (int(d) for d in args.disks.split(",")):
        volumes, snapshots = estate(disks, args.copies)
        count = len(snapshots)
        plan_s, plan = timed(lambda: retention_plan(snapshots, RETENTION, now, policy="scale", tier="hourly"),
                             args.rounds)
        kept = len(plan["keep"]) // disks
        del plan
        audit_s, report = timed(lambda: dr_audit(volumes, checked, now, snapshots=snapshots), args.rounds)
        compliant = report["summary"]["compliant"]
        del report
        sizes.append({"disks": disks, "copies_per_disk": args.copies, "copies": count,
                      "retention_s": round(plan_s, 3), "retention_us_per_copy": round(plan_s / count * 1e6, 2),
                      "kept_per_disk": kept, "audit_s": round(audit_s, 3),
                      "audit_us_per_copy": round(audit_s / count * 1e6, 2), "compliant": compliant})
        log(f"scale: {disks} disks x {args.copies} copies: retention {plan_s:.2f} s "
            f"({plan_s / count * 1e6:.1f} us/copy, keeps {kept} per disk), audit {audit_s:.2f} s "
            f"({audit_s / count * 1e6:.1f} us/copy, {compliant} compliant)")
        del volumes, snapshots
    first, last = sizes[0], sizes[-1]
    result = {"retention": RETENTION, "sizes": sizes, "target_seconds": 10,
              "linearity": {"retention": round(last["retention_us_per_copy"] / first["retention_us_per_copy"], 2),
                            "audit": round(last["audit_us_per_copy"] / first["audit_us_per_copy"], 2)}}
    save_result("scale", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
