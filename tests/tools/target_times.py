"""Seconds per integration target, read from Ansible's log (make integration keeps it).

Every ansible-playbook run of a target reads the target's copy of integration.cfg under
``tests/output/.tmp/integration/<target>-<random>-...``, and its log lines carry a timestamp: a
target's time is from its first line to its last. Printed slowest first, so the next person who
trims the suite knows where the time goes. With --json, the times are also written to a file:
tests/tools/target_times.json is such a file, from which `make integration` splits the targets
into shards of about equal time (integration_shards.py).

    python target_times.py [--top N] [--json OUT] ANSIBLE_LOG...
"""
import argparse
import datetime
import json
import re
import sys

STAMP = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ')
TARGET = re.compile(r'/\.tmp/integration/([A-Za-z0-9_]+)-[A-Za-z0-9_]{8}-')


def target_seconds(lines):
    """{target: seconds} from the log lines; a line without a stamp belongs to the one before."""
    spans = {}
    current = None
    for line in lines:
        stamp = STAMP.match(line)
        if stamp:
            when = datetime.datetime.strptime(stamp.group(1), '%Y-%m-%d %H:%M:%S,%f')
            target = TARGET.search(line)
            if target:
                current = target.group(1)
            if current:
                first, _last = spans.get(current, (when, when))
                spans[current] = (first, when)
    return {name: (last - first).total_seconds() for name, (first, last) in spans.items()}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('logs', nargs='+', metavar='ANSIBLE_LOG', help="one log per shard: targets are in one each")
    parser.add_argument('--top', type=int, default=15)
    parser.add_argument('--json', metavar='OUT', help='also write {target: seconds} to this file')
    args = parser.parse_args(argv[1:])
    seconds = {}
    for path in args.logs:
        with open(path, errors='replace') as log:
            seconds.update(target_seconds(log))
    if args.json:
        with open(args.json, 'w') as out:
            json.dump({name: round(spent) for name, spent in sorted(seconds.items())}, out, indent=1)
            out.write('\n')
    top = args.top
    ranked = sorted(seconds.items(), key=lambda item: -item[1])
    print('integration: seconds per target (slowest %d of %d, %d s in all):' % (
        min(top, len(ranked)), len(ranked), sum(seconds.values())))
    for name, spent in ranked[:top]:
        print('  %6.0f  %s' % (spent, name))


if __name__ == '__main__':
    main(sys.argv)
