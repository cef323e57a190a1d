"""Split integration targets into shards that take about as long as each other.

`make integration` runs each shard at once, each with its own emulator and collection copy
(tests/tools/run-integration-shards.sh). The split is by the seconds each target took in a run
(TIMES, a JSON object {target: seconds} that target_times.py --json writes): the slowest target
first, each onto the shard with the fewest seconds so far. A target without a recorded time counts
as the median of the recorded ones.

    python integration_shards.py TIMES JOBS TARGET...

Prints one line per shard that got a target: its targets in ansible-test's (name) order.
"""
import json
import statistics
import sys


def split(targets, jobs, seconds):
    """At most `jobs` lists of `targets`, balanced by `seconds` ({target: seconds})."""
    default = statistics.median(seconds.values()) if seconds else 1.0
    shards = [[] for _shard in range(max(1, min(jobs, len(targets))))]
    totals = [0.0] * len(shards)
    # slowest first; the name keeps the split the same from run to run when times are equal
    for target in sorted(targets, key=lambda name: (-seconds.get(name, default), name)):
        lightest = totals.index(min(totals))
        shards[lightest].append(target)
        totals[lightest] += seconds.get(target, default)
    return [sorted(shard) for shard in shards if shard]


def main(argv):
    with open(argv[1]) as handle:
        seconds = json.load(handle)
    for shard in split(argv[3:], int(argv[2]), seconds):
        print(' '.join(shard))


if __name__ == '__main__':
    main(sys.argv)
