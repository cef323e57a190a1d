# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare what `--check --diff` predicted with what the real run did, and both with the cloud.

    check_real.py NAME CHECK.json REAL.json [AGAIN.json] [--no-cloud-change] [--real-only REGEX]

The files are check_real_record's recordings (see check_real.sh). Checked:

1. The check run sent no mutating request to the cloud.
2. Every task ran in both runs, in the same order, with the same results: per loop item the same
   status (ok, changed, skipped, failed).
3. Every changed result of the check run has a diff, and it predicts the real one: the same
   `before`, and every field of its `after` equal in the real `after` (a field the check run shows
   as null, such as the id of a disk still to be made, may be known only after the change; also
   inside a nested dict, such as the time in a restore record, and in the elements of a list as
   long as the real one, such as the ids of new vaults in a binding's list of vaults).
4. In the real run, a cloud task (an action of dataprotection.evs) sent at least one mutating
   request per changed result (loop item), and a task that sent one reported a change (or failed).
5. The third run (AGAIN, when given) changed nothing in the cloud: no mutating request and no
   changed cloud task.

A task that is not a cloud task and reports a change is a local change: allowed, and listed in
the summary. A local task with check_mode: false (a report file the audit writes, for example) runs
for real in the check run too, so the real run may find its work done (changed, then ok): its
statuses are listed with the local changes, not compared. With --no-cloud-change (a read-only playbook such as audit), the real run
too must send no mutating request and change no cloud task. With --real-only REGEX, the local tasks whose
key matches run in the real run only, by design (a recovery plan's hooks and waits, which check mode
neither runs nor waits for): they are left out of rule 2; a cloud task is never left out.

Prints one line per finding and a summary; exits 1 when there is a finding.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

CLOUD_ACTION_PREFIX = 'dataprotection.evs.'


def load(path):
    with open(path) as handle:
        return json.load(handle)


def is_cloud(task):
    return task['action'].startswith(CLOUD_ACTION_PREFIX)


def changed(task):
    return any(result['changed'] for result in task['results'])


def diffs(result):
    diff = result.get('diff')
    if diff is None:
        return []
    return diff if isinstance(diff, list) else [diff]


def predicts(check_diff, real_diff):
    """'' when the check diff predicts the real one, else what differs."""
    if check_diff.get('before') != real_diff.get('before'):
        return 'before differs: check %s, real %s' % (json.dumps(check_diff.get('before'), sort_keys=True),
                                                      json.dumps(real_diff.get('before'), sort_keys=True))
    wrong = after_differs(check_diff.get('after'), real_diff.get('after'))
    return 'after differs: %s' % '; '.join(wrong) if wrong else ''


def after_differs(check_after, real_after, path=''):
    """The fields of the check run's ``after`` the real one does not hold; null (known only after
    the change, such as a new disk's id or the cloud's time a restore started) matches anything,
    also in a nested dict and in the elements of a list as long as the real one (the ids of vaults
    a check run only predicts, in a binding's list of vaults). Lists of different lengths differ."""
    if isinstance(check_after, dict) and isinstance(real_after, dict):
        wrong = []
        for key, value in sorted(check_after.items()):
            if value is not None:
                wrong += after_differs(value, real_after.get(key), path + key + '.')
        return wrong
    if isinstance(check_after, list) and isinstance(real_after, list) and len(check_after) == len(real_after):
        wrong = []
        for index, (check_element, real_element) in enumerate(zip(check_after, real_after)):
            if check_element is not None:
                wrong += after_differs(check_element, real_element, '%s%d.' % (path, index))
        return wrong
    if check_after == real_after:
        return []
    return ['%s: check %r, real %r' % (path.rstrip('.') or 'after', check_after, real_after)]


def without_real_only(run, pattern):
    """The recording without the local tasks whose key matches ``pattern`` (None: all of them)."""
    if pattern is None:
        return run
    tasks = [task for task in run['tasks'] if is_cloud(task) or not re.search(pattern, task['key'])]
    return dict(run, tasks=tasks)


def compare(name, check, real, again=None, no_cloud_change=False, real_only=None):
    findings = []
    check, real = without_real_only(check, real_only), without_real_only(real, real_only)
    check_mutating = check['mutating_before_first_task'] + [m for t in check['tasks'] for m in t['mutating']]
    if check_mutating:
        findings.append('check run sent %d mutating requests: %s' % (len(check_mutating), ', '.join(
            '%s (%s)' % (m, t['key']) for t in check['tasks'] for m in t['mutating'])))

    check_keys = [t['key'] for t in check['tasks']]
    real_keys = [t['key'] for t in real['tasks']]
    if check_keys != real_keys:
        only_check = [k for k in check_keys if k not in real_keys]
        only_real = [k for k in real_keys if k not in check_keys]
        findings.append('the runs ran different tasks: only in check %s, only in real %s' % (only_check, only_real))

    real_by_key = dict((t['key'], t) for t in real['tasks'])
    predicted = 0
    local_changes = []
    for check_task in check['tasks']:
        real_task = real_by_key.get(check_task['key'])
        if real_task is None:
            continue
        check_status = [(r['host'], r['item'], r['status']) for r in check_task['results']]
        real_status = [(r['host'], r['item'], r['status']) for r in real_task['results']]
        if check_task['check_mode'] is False and not is_cloud(check_task):
            # runs for real in the check run too, so the real run may find its work done
            if changed(check_task) or changed(real_task):
                local_changes.append('%s (%s, check_mode: false, so also done by the check run: %s there, %s in the real run)' % (
                    real_task['key'], real_task['action'], '/'.join(s[2] for s in check_status), '/'.join(s[2] for s in real_status)))
            continue
        if check_status != real_status:
            findings.append('%s: check predicted %s, the real run did %s' % (check_task['key'], check_status, real_status))
            continue
        for check_result, real_result in zip(check_task['results'], real_task['results']):
            if not check_result['changed']:
                continue
            where = '%s%s' % (check_task['key'], ' item %s' % check_result['item'] if check_result['item'] else '')
            if not is_cloud(check_task):
                continue
            predicted += 1
            if not diffs(check_result):
                findings.append('%s: changed in check mode without a diff' % where)
            elif len(diffs(check_result)) != len(diffs(real_result)):
                findings.append('%s: check shows %d diffs, real %d' % (where, len(diffs(check_result)), len(diffs(real_result))))
            else:
                for check_diff, real_diff in zip(diffs(check_result), diffs(real_result)):
                    problem = predicts(check_diff, real_diff)
                    if problem:
                        findings.append('%s: %s' % (where, problem))
        if changed(real_task) and not is_cloud(real_task):
            local_changes.append('%s (%s)' % (real_task['key'], real_task['action']))

    real_mutating = 0
    for task in real['tasks']:
        real_mutating += len(task['mutating'])
        failed = any(r['status'] == 'failed' for r in task['results'])
        if task['mutating'] and not changed(task) and not failed:
            findings.append('%s: sent %s but reported no change' % (task['key'], ', '.join(task['mutating'])))
        changes = sum(1 for r in task['results'] if r['changed'])
        if is_cloud(task) and changes > len(task['mutating']):
            findings.append('%s: reported %d changes but sent %d mutating requests' % (task['key'], changes, len(task['mutating'])))
        if no_cloud_change and is_cloud(task) and changed(task):
            findings.append('%s: changed the cloud in a playbook that must not' % task['key'])
    if real['mutating_before_first_task']:
        findings.append('real run: mutating requests before its first task: %s' % real['mutating_before_first_task'])
    if no_cloud_change and real_mutating:
        findings.append('real run sent %d mutating requests; this playbook must send none' % real_mutating)

    again_note = ''
    if again is not None:
        again_mutating = again['mutating_before_first_task'] + [m for t in again['tasks'] for m in t['mutating']]
        again_changed = [t['key'] for t in again['tasks'] if is_cloud(t) and changed(t)]
        if again_mutating or again_changed:
            findings.append('the run after the real one was not a no-op: changed %s, sent %s' % (again_changed, again_mutating))
        again_note = '; a third run changed no cloud resource and sent %d mutating requests' % len(again_mutating)

    check_by_key = dict((t['key'], t) for t in check['tasks'])
    for task in real['tasks']:
        if changed(task) or task['mutating']:
            predicted_task = check_by_key.get(task['key'], {'results': []})
            counts = Counter(task['mutating'])
            print('check_real %s:   %s: changed %d of %d results (check run: %d), mutating requests: %s' % (
                name, task['key'], sum(1 for r in task['results'] if r['changed']), len(task['results']),
                sum(1 for r in predicted_task['results'] if r['changed']),
                ', '.join('%s x%d' % (m, n) for m, n in sorted(counts.items())) or 'none'))
    for finding in findings:
        print('check_real %s: FINDING: %s' % (name, finding))
    print('check_real %s: %d tasks, %d results; check predicted %d cloud changes, the real run made them with %d mutating '
          'requests (check run: %d)%s; local changes: %s'
          % (name, len(real['tasks']), sum(len(t['results']) for t in real['tasks']), predicted, real_mutating,
             len(check_mutating), again_note, ', '.join(local_changes) or 'none'))
    return findings


def main(argv):
    no_cloud_change = '--no-cloud-change' in argv
    args = [a for a in argv if a != '--no-cloud-change']
    real_only = None
    if '--real-only' in args:
        at = args.index('--real-only')
        if at + 1 == len(args):
            sys.exit(__doc__)
        real_only = args[at + 1]
        del args[at:at + 2]
    if len(args) not in (3, 4):
        sys.exit(__doc__)
    name, runs = args[0], [load(path) for path in args[1:]]
    again = runs[2] if len(runs) == 3 else None
    return 1 if compare(name, runs[0], runs[1], again, no_cloud_change, real_only) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
