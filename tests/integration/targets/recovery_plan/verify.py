"""What one run of runme.sh did, from the cloud's side (the emulator's request log since the
mark), the hooks' side (the marker lines they appended) and the run's report and history.

usage: verify.py CONFIG WORK mark
       verify.py CONFIG WORK CASE [--no-mutation] [--no-request] [--no-hooks] [--order G P,...] [--all-deleted]
                                  [--creates N] [--result R] [--not-started G,...] [--kept DISK]
                                  [--in-order NAME,...] [--bytes DISK=TEXT,...] [--rpo S|S+] [--switch WORDS]
                                  [--predicted-by CASE] [--url-before PATH:GROUP] [--url-count PATH:N|N+]
       verify.py CONFIG WORK history --runs MODE:RESULT,...
The names of --in-order and --bytes are keys of WORK/ids.json (name: id, written by the target's setup);
--url-before and --url-count read the requests a health server logged to WORK/health.log ("<time> <path>").
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


def ids(work):
    with open(os.path.join(work, 'ids.json')) as handle:
        return json.load(handle)


def in_order(sent, names, known):
    """Each resource's mutating requests all came before the next one's first (a plan's groups)."""
    seqs = [[r['seq'] for r in sent if known[name] in r['path']] for name in names]
    found = ['no mutating request names %s (%s)' % (name, known[name]) for name, seq in zip(names, seqs) if not seq]
    for (first, first_seqs), (then, then_seqs) in zip(zip(names, seqs), zip(names[1:], seqs[1:])):
        if first_seqs and then_seqs and max(first_seqs) > min(then_seqs):
            found.append('%s was changed (request %d) after %s (request %d)' % (first, max(first_seqs), then, min(then_seqs)))
    return found


def disk_bytes(config, expected, known):
    found = []
    for pair in expected.split(','):
        disk, text = pair.split('=', 1)
        blocks = emulator_api._get('%s/_emulator/disks/%s' % (config['emulator_url'], known[disk]))['blocks']  # pylint: disable=protected-access
        if blocks.get('0') != text:
            found.append('disk %s holds %s, not %s' % (disk, blocks, text))
    return found


def outcome(evidence):
    """What a report says the run brought back: per group the copies and the switches, in the words
    a real run uses (a check run's "would switch" is a real run's "switched")."""
    return [(group['name'], sorted((c['disk'], c['copy'], c['mechanism']) for c in group['copies']),
             [s.split(' (')[0] for s in group['switched']]) for group in evidence['groups']]


def health_requests(work, path):
    with open(os.path.join(work, 'health.log')) as handle:
        return [float(line.split()[0]) for line in handle if line.split()[1:] == [path]]


def url_problems(work, lines, args):
    """The health URL was asked before GROUP's first hook (--url-before), or N times (--url-count)."""
    found = []
    if args.url_before is not None:
        path, group = args.url_before.split(':')
        starts = [float(line[2]) for line in lines if line[0] == group]
        asked = health_requests(work, path)
        if not starts or not asked or min(asked) > min(starts):
            found.append('%s was not asked before group %s started (asked %s, hooks %s)' % (path, group, asked, starts))
    if args.url_count is not None:
        path, count = args.url_count.split(':')
        asked = len(health_requests(work, path))
        if asked < int(count.rstrip('+')) or (not count.endswith('+') and asked != int(count)):
            found.append('%s was asked %d times, not %s' % (path, asked, count))
    return found


def report_problems(work, evidence, args):
    found = []
    rpo = evidence['rpo_seconds']
    if args.rpo is not None and not (rpo is not None and rpo >= int(args.rpo.rstrip('+'))
                                     and (args.rpo.endswith('+') or rpo == int(args.rpo))):
        found.append('RPO %s s, not %s s' % (rpo, args.rpo))
    if args.switch is not None:
        switched = [s for group in evidence['groups'] for s in group['switched']]
        if not switched or any(args.switch not in s for s in switched):
            found.append('switches %s, not all %s' % (switched, args.switch))
    if args.predicted_by is not None:
        predicted = report(work, args.predicted_by)
        if predicted is None or outcome(predicted) != outcome(evidence):
            found.append('the check run predicted %s, the run did %s' % (
                predicted and outcome(predicted), outcome(evidence)))
    for group in evidence['groups']:
        if not (group['started'] and group['ended'] and group['started'] <= group['ended']):
            found.append('group %s has no start and end: %s' % (group['name'], group))
    return found


def problems(config, work, case, args):
    with open(os.path.join(work, 'mark.txt')) as handle:
        mark = int(handle.read())
    sent = mutations(config, mark)
    lines = markers(work, case)
    found = []
    if args.no_mutation and sent:
        found.append('mutating requests: %s' % ['%s %s' % (r['method'], r['path']) for r in sent])
    if args.no_request:
        anything = emulator_api.requests_since(config, mark)
        if anything:
            found.append('requests before the refusal: %s' % anything)
    if args.in_order is not None:
        found += in_order(sent, args.in_order.split(','), ids(work))
    if args.bytes is not None:
        found += disk_bytes(config, args.bytes, ids(work))
    found += url_problems(work, lines, args)
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
            found += report_problems(work, evidence, args)
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
    parser.add_argument('--no-request', action='store_true')
    parser.add_argument('--in-order')
    parser.add_argument('--bytes')
    parser.add_argument('--rpo')
    parser.add_argument('--switch')
    parser.add_argument('--predicted-by')
    parser.add_argument('--url-before')
    parser.add_argument('--url-count')
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
