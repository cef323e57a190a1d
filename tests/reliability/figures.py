"""Sum the figures the reliability suites recorded (one JSON line per scenario) for the report:
requests sent under faults, faults survived, bad inputs tried, duplicates, secrets leaked."""

import json
import sys
from collections import Counter


def main(path):
    try:
        with open(path) as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        print("reliability figures: none recorded")
        return 0
    totals = Counter()
    kinds = Counter()
    for line in lines:
        for key in ("requests", "faults", "bad_inputs", "duplicates", "leaks", "restarts", "scanned_lines"):
            totals[key] += int(line.get(key, 0) or 0)
        kinds.update(line.get("by_kind") or {})
    print("reliability figures: %d requests sent under faults or restarts, %d faults survived (%s), "
          "%d restarts, %d bad inputs tried, %d duplicates, %d secrets leaked (%d lines of -vvvv output and the "
          "request log scanned)" % (
              totals["requests"], totals["faults"], ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
              totals["restarts"], totals["bad_inputs"], totals["duplicates"], totals["leaks"],
              totals["scanned_lines"]))
    return 1 if totals["duplicates"] or totals["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
