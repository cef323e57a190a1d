"""What one run of runme.sh did, from the cloud's side (the emulator's request log since the
mark), the hooks' side (the marker lines they appended) and the run's report and history.

usage: verify.py CONFIG WORK mark
       verify.py CONFIG WORK CASE [--no-mutation] [--no-hooks] [--order G P,...] [--all-deleted]
                                  [--creates N] [--result R] [--not-started G,...] [--kept DISK]
       verify.py CONFIG WORK history --runs MODE:RESULT,...
"""
import argparse
import glob
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'setup_emulator', 'files'))
import emulator_api  # noqa: E402  pylint: disable=wrong-import-position


def mutations(config, mark):
    url = '%s/_emulator/requests?mutating=true&since_seq=%d' % (config['emulator_url'], mark)
    return emulator_api._get(url)['requests']  # pylint: disable=protected-access


def markers(work, case):
    path = os.path.join(work, case + '.markers')
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [line.split() for line in handle if line.strip()]


def report(work, case):
    found = glob.glob(os.path.join(work, case, '*.json'))
    if len(found) != 1:
        return None
    with open(found[0]) as handle:
        return json.load(handle)


def problems(config, work, case, args):
    with open(os.path.join(work, 'mark.txt')) as handle:
        mark = int(handle.read())
    sent = mutations(config, mark)
    lines = markers(work, case)
    found = []
    if args.no_mutation and sent:
        found.append('mutating requests: %s' % ['%s %s' % (r['method'], r['path']) for r in sent])
    if args.no_hooks and lines:
        found.append('hooks ran: %s' % lines)
    if args.order is not None:
        order = ['%s %s' % (line[0], line[1]) for line in lines]
        times = [float(line[2]) for line in lines]
        if order != args.order.split(','):
            found.append('hooks ran in the order %s, not %s' % (order, args.order))
        if times != sorted(times):
            found.append('hook times go back: %s' % times)
    created = [(r['seq'], resource) for r in sent for resource in r.get('created') or []]
    deleted = [(r['seq'], r['path']) for r in sent if r['method'] == 'DELETE']
    if args.all_deleted:
        if not created:
            found.append('nothing was created')
        for seq, resource in created:
            if not any(later > seq and path.endswith('/' + resource) for later, path in deleted):
                found.append('%s was created and not deleted' % resource)
    if args.creates is not None and len(created) != args.creates:
        found.append('%d resources created, not %d: %s' % (len(created), args.creates, created))
    if args.kept is not None:
        names = [disk['name'] for disk in emulator_api.evs_get(config, 'volumes/detail')['volumes']]
        if args.kept not in names:
            found.append('disk %s, which the run did not make, is gone' % args.kept)
    evidence = report(work, case)
    if args.result is not None:
        if evidence is None:
            found.append('no (or more than one) JSON report in %s' % os.path.join(work, case))
        else:
            if evidence['result'] != args.result:
                found.append('result %s, not %s' % (evidence['result'], args.result))
            if args.not_started is not None and evidence['not_started'] != args.not_started.split(','):
                found.append('not started: %s, not %s' % (evidence['not_started'], args.not_started))
            if not glob.glob(os.path.join(work, case, '*.html')):
                found.append('no HTML report')
            print('recovery_plan %s: result %s, RTO %s s, RPO %s s, groups %s' % (
                case, evidence['result'], evidence['rto_seconds'], evidence['rpo_seconds'],
                ', '.join('%s %s s' % (g['name'], g['seconds']) for g in evidence['groups'])))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    parser.add_argument('work')
    parser.add_argument('case')
    parser.add_argument('--no-mutation', action='store_true')
    parser.add_argument('--no-hooks', action='store_true')
    parser.add_argument('--order')
    parser.add_argument('--all-deleted', action='store_true')
    parser.add_argument('--creates', type=int)
    parser.add_argument('--result')
    parser.add_argument('--not-started')
    parser.add_argument('--kept')
    parser.add_argument('--runs')
    args = parser.parse_args()
    config = emulator_api.load_config(args.config)
    if args.case == 'mark':
        with open(os.path.join(args.work, 'mark.txt'), 'w') as handle:
            handle.write(str(emulator_api.log_position(config)))
        return 0
    if args.case == 'history':
        with open(os.path.join(args.work, 'history.jsonl')) as handle:
            runs = ['%s:%s' % (entry['mode'], entry['result']) for entry in map(json.loads, handle)]
        found = [] if runs == args.runs.split(',') else ['history %s, not %s' % (runs, args.runs)]
    else:
        found = problems(config, args.work, args.case, args)
    for problem in found:
        print('FAILED %s: %s' % (args.case, problem))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
