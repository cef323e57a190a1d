"""No-op at the minimum: the requests a second run of each entry playbook sends to a cloud where
there is nothing to do, by kind (tokens, reads per resource type, re-reads, changes), next to the
minimum the API allows, with the token cache on and off side by side in one run.

    python bench/noop_requests.py [--baseline COMMIT]   (make bench BENCH=noop_requests [BENCH_BASELINE=COMMIT])

The estate: the shop policy (docs/policies/shop.yml: gold replicated by SDRS, silver snapshots and
CBR backups, bronze snapshots) over two disks per tier, protected once; then each playbook runs
once to settle and the runs measured follow.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter

from ansiballz import baseline_tree
from benchlib import BUILD, ROOT, Emulator, log, run_playbook, save_result
from fanout import ROLES_AND_CODE

SHOP = ["-e", f"@{ROOT / 'docs' / 'policies' / 'shop.yml'}", "-e", "protect_replication_vpc=vpc-default"]
# (name, playbook, arguments, minimum): one list per resource type the
# playbook must compare (the reasons in the comments); no token when one is cached
PLAYBOOKS = [
    # disks; snapshots; CBR vaults, policies and backups (checkpoints' backups); SDRS groups,
    # protected instances and replication pairs; the AZ list (the tier names a secondary AZ)
    ("protect", "dataprotection.evs.protect", SHOP, 9),
    # disks; AZs; snapshots; CBR vaults, policies and backups; VBS backups (copies of either
    # backend count); SDRS groups and pairs
    ("audit", "dataprotection.evs.audit", SHOP + ["-e", "audit_report_dir={run}/audit"], 9),
    # disks; snapshots; replication pairs (a DR disk is never snapshotted)
    ("snapshot", "dataprotection.evs.snapshot", ["-e", '{"snapshot_selector": {"tier": "bronze"}}'], 3),
]
ROUNDS = 2
ID = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27,}|/[0-9a-f]{32}")


def kind(entry: dict) -> str:
    """``GET evs /volumes/{id}``: method, service and the path with ids and the project folded."""
    path = ID.sub("/{id}", entry["path"])
    return f"{entry['method']} {path}"


def count(emu: Emulator, name: str, playbook: str, args: list[str], cache: str, collections=None) -> dict:
    start = emu.last_seq()
    env = {"DP_EVS_TOKEN_CACHE": cache}
    if collections is not None:  # the collection at the baseline commit
        env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    run_playbook(emu, playbook, name, [a.replace("{run}", str(emu.dir)) for a in args], extra_env=env)
    entries = [e for e in emu.requests_since(start) if not e["path"].startswith("/_emulator")]
    kinds = Counter(kind(e) for e in entries)
    tokens = sum(n for k, n in kinds.items() if k.startswith("POST") and k.endswith("/auth/tokens"))
    mutating = sum(1 for e in entries if e["mutating"])
    return {"requests": len(entries), "tokens": tokens, "mutating": mutating,
            "reads": len(entries) - tokens - mutating,
            "repeated": {k: n for k, n in kinds.items() if n > 1 and not k.endswith("/auth/tokens")},
            "kinds": dict(kinds)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE") or None,
                        help="a commit: its collection runs each no-op too, in the same rounds")
    args_ = parser.parse_args(argv or [])
    baseline = baseline_tree(args_.baseline, BUILD / "noop-requests-baseline-collection", ROLES_AND_CODE) \
        if args_.baseline else None
    with Emulator("noop-requests") as emu:
        emu.admin.zero_timings()
        for tier in ("gold", "silver", "bronze"):
            emu.create_disks(2, f"shop-{tier}", {"tier": tier})
        cache_dir = emu.dir / "tokens"
        for name, playbook, args, _ in PLAYBOOKS:  # settle: the first run makes what the policy asks
            count(emu, f"{name}-settle", playbook, args, str(cache_dir))
        rows = []
        for name, playbook, args, minimum in PLAYBOOKS:
            runs = {"on": [], "off": [], "baseline-on": [], "baseline-off": []}
            for round_ in range(ROUNDS):  # alternating, so the two settings see the same cloud
                for cache in ("off", "on"):
                    setting = "off" if cache == "off" else str(cache_dir)
                    if baseline is not None:
                        runs["baseline-" + cache].append(count(emu, f"{name}-baseline-{cache}-{round_}", playbook,
                                                               args, setting, baseline))
                    runs[cache].append(count(emu, f"{name}-{cache}-{round_}", playbook, args, setting))
            on, off = runs["on"][-1], runs["off"][-1]
            rows.append({"playbook": name, "minimum": minimum, "cache_off": off, "cache_on": on,
                         "changes": max(r["mutating"] for r in runs["on"] + runs["off"])})
            if baseline is not None:
                rows[-1]["baseline"] = {"cache_off": runs["baseline-off"][-1], "cache_on": runs["baseline-on"][-1],
                                        "changes": max(r["mutating"] for r in runs["baseline-on"] + runs["baseline-off"])}
            log(f"{name}: {off['requests']} requests without the token cache ({off['tokens']} tokens), "
                f"{on['requests']} with it ({on['tokens']} tokens); minimum {minimum}; "
                f"re-read: {on['repeated']}")
    result = {"rows": rows, "rounds": ROUNDS, "baseline": args_.baseline}
    save_result("noop_requests", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
