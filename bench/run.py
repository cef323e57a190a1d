"""Run the benchmarks and write bench/RESULTS.md.

    python bench/run.py [all|emulator,economy,fanout,noop,ansiballz,scale,noop_requests,slicing,replication]     (make bench [BENCH=economy])

Each benchmark saves its figures to build/bench/results/<name>.json; RESULTS.md is written from
every result file present, so running one benchmark refreshes its section and keeps the others
(each section names its own date).
"""

from __future__ import annotations

import sys
import time

from benchlib import log

ORDER = ("emulator", "economy", "fanout", "noop", "ansiballz", "scale", "noop_requests", "slicing", "replication")


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
        module = __import__(f"{name}_bench" if name == "emulator" else name)
        try:
            module.main([]) if name in ("fanout", "noop", "ansiballz", "scale", "noop_requests", "slicing", "replication") else module.main()
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
