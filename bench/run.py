"""Run the benchmarks and write bench/RESULTS.md.

    python bench/run.py [all|emulator,economy,fanout,noop,ansiballz,scale,noop_requests,slicing,fanout_backup,replication,fanout_sdrs]     (make bench [BENCH=economy])

Each benchmark saves its figures to build/bench/results/<name>.json; RESULTS.md is written from
every result file present, so running one benchmark refreshes its section and keeps the others
(each section names its own date).
"""

from __future__ import annotations

import os
import sys
import time

from benchlib import log

ORDER = ("emulator", "economy", "fanout", "noop", "ansiballz", "scale", "noop_requests", "slicing", "fanout_backup", "replication",
         "fanout_sdrs")
# benchmarks that are another one run with other arguments: name -> (module, arguments)
VARIANTS = {
    # the backup_policy role alone (CBR on-demand backups by one backup_batch call), side by side
    # with the collection at BENCH_BASELINE when given
    "fanout_backup": ("fanout", ["--name", "fanout_backup", "--playbook", "playbooks/backup_policy.yml",
                                 "--policy", "policies/backup.yml", "--tier-disks", "256",
                                 "--sizes", os.environ.get("BENCH_BACKUP_FANOUT_SIZES", "1,10,100")]
                      + (["--baseline", os.environ["BENCH_BASELINE"]] if os.environ.get("BENCH_BASELINE") else [])),
    # the replication role (SDRS pairs by one replication_pair_batch call), side by side with the
    # collection at BENCH_BASELINE when given (bench/sdrs_fanout.py reads it)
    "fanout_sdrs": ("sdrs_fanout", []),
}


def main(argv: list[str]) -> int:
    wanted = (argv[0] if argv else "all").replace(" ", "")
    names = list(ORDER) if wanted in ("", "all") else wanted.split(",")
    if "noop" in names and "ansiballz" not in names:  # the no-op section reports both
        names.append("ansiballz")
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(ORDER)} or all", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        t0 = time.monotonic()
        log(f"== {name}")
        module_name, arguments = VARIANTS.get(name, (name, []))
        module = __import__(f"{name}_bench" if name == "emulator" else module_name)
        try:
            module.main(arguments) if name != "economy" and name != "emulator" else module.main()
        except Exception as exc:  # keep going: one broken benchmark must not hide the others
            log(f"{name} FAILED: {exc}")
            failed.append(name)
        log(f"== {name} done in {time.monotonic() - t0:.0f} s")
    import report
    path = report.write()
    log(f"wrote {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
