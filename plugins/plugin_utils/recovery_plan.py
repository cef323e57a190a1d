# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery plans: an application brought back group by group (database, then app, then web).

A plan names its groups; each group has what to bring back (disks by name, a tier of the DR
policy, or an SDRS protection group), hooks run on inventory hosts before and after, and a wait
condition (a TCP port or a health URL) that must hold before the next group starts. The
recovery_plan role runs it in one of three modes: ``restore`` (backups and snapshots, through the
restore role), ``failover`` (SDRS, through the failover role) or ``test`` (scratch disks from the
newest copies, hooks and waits on the test stage, everything removed afterwards).

``check_plan`` checks the plan and puts the groups in their order before any request;
``plan_report`` turns what the role measured into the run's evidence.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re

from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import cleanup_record

MODES = ('restore', 'failover', 'test')
PLAN_KEYS = ('name', 'groups', 'restore_region', 'restore_region_cloud', 'restore_target', 'failover_action')
GROUP_KEYS = ('name', 'after', 'disks', 'tier', 'protection_group', 'pre', 'post', 'wait')
HOOK_KINDS = ('command', 'tasks')
HOOK_KEYS = HOOK_KINDS + ('host', 'test_host')
WAIT_KEYS = ('host', 'port', 'url', 'status', 'timeout', 'test_host', 'test_url')
FAILOVER_ACTIONS = ('planned', 'failover')
RESTORE_TARGETS = ('new', 'original')
# long enough for a database to replay its log after a restore, short enough to notice a dead one
DEFAULT_WAIT_TIMEOUT = 300
# names become parts of disk names (test mode's scratch disks) and of report file names
_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$')


class PlanError(ValueError):
    """A plan the role refuses to run, with every reason."""


def _text(value):
    return isinstance(value, str) and bool(value.strip())


def _hook(value, where, mode, hosts, problems):
    if not isinstance(value, dict):
        problems.append('%s must be a dict with host and command or tasks' % where)
        return None
    unknown = sorted(str(key) for key in set(value) - set(HOOK_KEYS))
    kinds = [kind for kind in HOOK_KINDS if kind in value]
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(HOOK_KEYS)))
    if len(kinds) != 1 or not _text(value[kinds[0]]):
        problems.append('%s needs exactly one of command (a shell command) or tasks (a task file)' % where)
        return None
    # test mode runs a hook on the test stage only: a hook on production would disrupt it
    host = value.get('test_host') if mode == 'test' else value.get('host')
    if mode == 'test' and value.get('test_host') is None:
        problems.append('%s has no test_host: test mode runs hooks on the test stage only, never on %s'
                        % (where, value.get('host')))
        return None
    if not _text(host):
        problems.append('%s.%s must be an inventory host' % (where, 'test_host' if mode == 'test' else 'host'))
        return None
    if host not in hosts:
        problems.append('%s runs on host %s, which the inventory does not have' % (where, host))
    return {'kind': kinds[0], 'run': value[kinds[0]], 'host': host}


def _hooks(value, where, mode, hosts, problems):
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append('%s must be a list of hooks' % where)
        return []
    hooks = [_hook(item, '%s[%d]' % (where, index), mode, hosts, problems) for index, item in enumerate(value)]
    return [hook for hook in hooks if hook]


def _whole(value):
    """``value``, or the number its digits say: a templated value (``"{{ port }}"``) may be text."""
    if isinstance(value, str) and re.match(r'^[0-9]{1,9}$', value):
        return int(value)
    return value


def _seconds(value, where, problems):
    if value is None:
        return DEFAULT_WAIT_TIMEOUT
    value = _whole(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 86400:
        problems.append('%s must be a whole number of seconds from 1 to 86400, not %r' % (where, value))
        return DEFAULT_WAIT_TIMEOUT
    return value


def _wait(value, where, mode, problems):
    """{'port': n, 'host': address, 'timeout': s} or {'url': ..., 'status': code, 'timeout': s}."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append('%s must be a dict with host and port, or url' % where)
        return None
    unknown = sorted(str(key) for key in set(value) - set(WAIT_KEYS))
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(WAIT_KEYS)))
    timeout = _seconds(value.get('timeout'), where + '.timeout', problems)
    test = mode == 'test'
    if ('port' in value) == ('url' in value):
        problems.append('%s needs either port (with host) or url' % where)
        return None
    if 'port' in value:
        port = _whole(value['port'])
        host = value.get('test_host' if test else 'host')
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            problems.append('%s.port must be a TCP port (1 to 65535), not %r' % (where, port))
        if not _text(host):
            problems.append('%s.%s must be the address to reach the port at%s'
                            % (where, 'test_host' if test else 'host', ' on the test stage' if test else ''))
        return {'kind': 'port', 'host': host, 'port': port, 'timeout': timeout}
    url = value.get('test_url' if test else 'url')
    status = value.get('status', 200)
    status = _whole(status)
    if not (_text(url) and re.match(r'^https?://', url)):
        problems.append('%s.%s must be an http(s) URL%s, not %r'
                        % (where, 'test_url' if test else 'url', ' of the test stage' if test else '', url))
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status < 600:
        problems.append('%s.status must be an HTTP status code, not %r' % (where, status))
    return {'kind': 'url', 'url': url, 'status': status, 'timeout': timeout}


def _selection(group, where, mode, tiers, problems):
    """What the group brings back: disks by name, a tier of the policy, or a protection group."""
    chosen = [key for key in ('disks', 'tier', 'protection_group') if group.get(key) is not None]
    if len(chosen) > 1:
        problems.append('%s names %s: give one of them' % (where, ' and '.join(chosen)))
        return {}
    if not chosen:
        return {}
    key = chosen[0]
    value = group[key]
    if key == 'disks':
        if not isinstance(value, list) or not value or not all(_text(disk) for disk in value):
            problems.append('%s.disks must be a list of disk names or ids' % where)
            return {}
        if len(set(value)) != len(value):
            problems.append('%s.disks lists a disk twice' % where)
        if mode == 'failover':
            problems.append('%s: a failover switches protection groups, not disks; give protection_group or tier' % where)
        return {'disks': list(value)}
    if not _text(value):
        problems.append('%s.%s must be a name' % (where, key))
        return {}
    if key == 'tier' and value not in tiers:
        problems.append('%s.tier %s is not a tier of the DR policy (recovery_plan_policy)%s'
                        % (where, value, ': its tiers are ' + ', '.join(sorted(tiers)) if tiers else ', which is not given'))
    if key == 'protection_group' and mode != 'failover':
        problems.append('%s: protection_group is switched by a failover only; in %s mode give disks or tier' % (where, mode))
    return {key: value}


def _ordered(groups, problems):
    """The groups in the order they run: as declared, each after the groups its ``after`` names
    (a stable topological order); a cycle is refused."""
    placed, order = set(), []
    while len(order) < len(groups):
        ready = [g for g in groups if g['name'] not in placed and all(dep in placed for dep in g['after'])]
        if not ready:
            waiting = [g['name'] for g in groups if g['name'] not in placed]
            problems.append('groups %s wait for each other (after forms a cycle)' % ', '.join(waiting))
            return [g for g in groups if g['name'] in placed] + [g for g in groups if g['name'] not in placed]
        placed.add(ready[0]['name'])
        order.append(ready[0])
    return order


def _group(value, index, mode, hosts, tiers, problems):
    where = 'groups[%d]' % index
    if not isinstance(value, dict):
        problems.append('%s must be a dict with name and what to bring back' % where)
        return None
    name = value.get('name')
    if not (isinstance(name, str) and _NAME.match(name)):
        problems.append('%s.name must be 1 to 40 letters, digits, _ . - (not %r)' % (where, name))
        return None
    where = 'group %s' % name
    unknown = sorted(str(key) for key in set(value) - set(GROUP_KEYS))
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(GROUP_KEYS)))
    after = value.get('after') or []
    if isinstance(after, str):
        after = [after]
    if not isinstance(after, list) or not all(isinstance(dep, str) for dep in after):
        problems.append('%s.after must be a list of group names' % where)
        after = []
    group = {'name': name, 'after': after}
    group.update(_selection(value, where, mode, tiers, problems))
    group['pre'] = _hooks(value.get('pre'), where + '.pre', mode, hosts, problems)
    group['post'] = _hooks(value.get('post'), where + '.post', mode, hosts, problems)
    group['wait'] = _wait(value.get('wait'), where + '.wait', mode, problems)
    return group


def check_plan(plan, mode, confirm=False, hosts=(), tiers=(), check_mode=False):
    """The plan, checked and normalized, its groups in the order they run; ``PlanError`` with every
    reason otherwise. ``hosts`` are the inventory's hosts, ``tiers`` the DR policy's tier names."""
    problems = []
    if mode not in MODES:
        raise PlanError('recovery_plan_mode must be one of %s, not %r; nothing was run' % (', '.join(MODES), mode))
    if not isinstance(plan, dict):
        raise PlanError('recovery_plan_definition must be a dict with name and groups; nothing was run')
    hosts = [host for host in hosts if isinstance(host, str)] if isinstance(hosts, (list, tuple)) else []
    tiers = [tier for tier in tiers if isinstance(tier, str)] if isinstance(tiers, (list, tuple)) else []
    name = plan.get('name')
    if not (isinstance(name, str) and _NAME.match(name)):
        problems.append('name must be 1 to 40 letters, digits, _ . - (not %r)' % (name,))
        name = '?'
    unknown = sorted(str(key) for key in set(plan) - set(PLAN_KEYS))
    if unknown:
        problems.append('unknown keys %s; the keys are %s' % (', '.join(unknown), ', '.join(PLAN_KEYS)))
    entries = plan.get('groups')
    if not isinstance(entries, list) or not entries:
        problems.append('groups must be a list of at least one group')
        entries = []
    groups = [group for group in (_group(entry, index, mode, hosts, tiers, problems) for index, entry in enumerate(entries))
              if group]
    names = [group['name'] for group in groups]
    for twice in sorted(set(n for n in names if names.count(n) > 1)):
        problems.append('group %s is declared twice' % twice)
    for group in groups:
        for dep in group['after']:
            if dep not in names:
                problems.append('group %s runs after %s, which the plan does not have' % (group['name'], dep))
            elif dep == group['name']:
                problems.append('group %s runs after itself' % dep)
    if not problems:
        groups = _ordered(groups, problems)
    target = plan.get('restore_target', 'new')
    if target not in RESTORE_TARGETS:
        problems.append('restore_target must be new or original, not %r' % (target,))
    action = plan.get('failover_action', 'planned')
    if action not in FAILOVER_ACTIONS:
        problems.append('failover_action must be planned or failover, not %r' % (action,))
    region = plan.get('restore_region', '')
    if not isinstance(region, str):
        problems.append('restore_region must be a region name, not %r' % (region,))
    elif region and target == 'original':
        problems.append('restore_region restores into new disks there; restore_target original is not possible')
    if mode == 'test' and target == 'original':
        problems.append('test mode restores into scratch disks only; drop restore_target original to test the plan')
    # a tier in another region comes back under the restore role's own disk names, which the test's
    # cleanup could not tell from disks it did not make: it would leave them, or remove others
    tiers_elsewhere = [group['name'] for group in groups if region and 'tier' in group]
    if mode == 'test' and tiers_elsewhere:
        problems.append('test mode cannot restore a tier in another region (groups %s): its scratch disks would not '
                        'carry names the test can remove as its own; list the disks, or drill the tier with the '
                        'drill role (drill_sources with region_replication)' % ', '.join(tiers_elsewhere))
    # restore and failover change production (disks, the serving zone) and run hooks on its hosts
    if mode != 'test' and not check_mode and confirm is not True:
        problems.append('%s mode %s and runs the hooks on the production hosts; set recovery_plan_confirm=true '
                        '(or run it in check mode, or in test mode)'
                        % (mode, 'switches the protection groups' if mode == 'failover'
                           else 'writes copies onto the disks' if target == 'original' else 'creates disks from the copies'))
    if problems:
        raise PlanError('recovery plan %s refused, nothing was run or requested: %s' % (name, '; '.join(problems)))
    return {'name': name, 'mode': mode, 'groups': groups, 'order': [group['name'] for group in groups],
            'restore_region': region, 'restore_region_cloud': plan.get('restore_region_cloud') or '',
            'restore_target': 'new' if mode == 'test' else target, 'failover_action': action,
            'check_mode': bool(check_mode)}


def _iso(timestamp):
    return datetime.datetime.fromtimestamp(float(timestamp), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _number(value):
    if isinstance(value, bool):
        raise TypeError('a time must be a number, not %r' % (value,))
    return float(value)


def _copy(result):
    """The copy a restore role result (restore_result, or one of restore_tier_results) used; None
    for a check mode prediction that names none."""
    if not result.get('copy_id'):
        return None
    age = result.get('copy_age_seconds')
    restored = result.get('restored_disk') or {}
    return {'disk': result['disk'], 'copy': result.get('copy') or result['copy_id'], 'created': result.get('copy_created'),
            'mechanism': result.get('mechanism'), 'age_seconds': None if age in (None, '') else int(_number(age)),
            'restored_disk': restored.get('name') if isinstance(restored, dict) else None}


def plan_report(plan, runs, started, ended, failure=None, cleanup=None):
    """The evidence of one plan run: per group its start and end, hooks, wait and the copies it
    restored (their age is the RPO achieved; 0 for a group a failover switched), and the plan's RTO (first group's start to the
    last group's wait). ``runs`` are the role's group records, in the order they ran."""
    started, ended = _number(started), _number(ended)
    groups, rpo = [], None
    for run in runs:
        group_started, group_ended = _number(run['started']), _number(run['ended'])
        copies = [_copy(result) for result in run.get('copies') or []]
        copies = [copy for copy in copies if copy]
        ages = [copy['age_seconds'] for copy in copies if copy['age_seconds'] is not None]
        if plan['mode'] == 'failover' and run.get('switched'):
            # SDRS replicates synchronously: the DR disks that take over hold every write (RPO 0)
            ages.append(0)
        if ages:
            rpo = max(ages + ([rpo] if rpo is not None else []))
        groups.append({'name': run['name'], 'started': _iso(group_started), 'ended': _iso(group_ended),
                       'seconds': round(group_ended - group_started, 1), 'ok': bool(run.get('ok')),
                       'hooks': list(run.get('hooks') or []), 'wait': run.get('wait'), 'copies': copies,
                       'switched': list(run.get('switched') or []), 'rpo_seconds': max(ages) if ages else None,
                       'already_done': all(run.get('already_done') or [False])})
    ran = [group['name'] for group in groups]
    not_started = [name for name in plan['order'] if name not in ran]
    check_mode = plan.get('check_mode', False)
    proven = not failure and not not_started and all(group['ok'] for group in groups) and not check_mode
    if cleanup is not None:  # the role's {removed, left}, as the drill's cleanup records it
        cleanup = cleanup_record(cleanup.get('removed'), cleanup.get('left'), cleanup.get('error'))
    left = (cleanup or {}).get('left')
    # A rerun that found every disk restored and every group switched by an earlier run recovered
    # nothing: taken as a proof, it would put a few seconds' RTO into the audit as the plan's.
    steps = [done for run in runs for done in run.get('already_done') or []]
    result = 'check mode' if check_mode else 'failed' if not proven or left \
        else 'already recovered' if plan['mode'] != 'test' and steps and all(steps) else 'proven'
    return {
        'plan': plan['name'], 'mode': plan['mode'], 'result': result, 'check_mode': check_mode,
        'started': _iso(started), 'ended': _iso(ended),
        # the RTO is what recovering took; a run that did not finish recovered nothing
        'rto_seconds': round(ended - started, 1) if result == 'proven' else None,
        'rpo_seconds': rpo, 'failure': failure or None, 'groups': groups, 'not_started': not_started,
        'cleanup': cleanup if plan['mode'] == 'test' else None,
    }


HISTORY_KEYS = ('plan', 'mode', 'result', 'started', 'ended', 'rto_seconds', 'rpo_seconds')


def history_entry(report):
    """The line a run adds to the plan history (one JSON object per line)."""
    return dict((key, report[key]) for key in HISTORY_KEYS)


def last_proven(history):
    """Per plan, the newest run that proved it (result ``proven``) and the newest run at all:
    {plan: {'proven': entry or None, 'last': entry}}, for the audit."""
    plans = {}
    for line in history:
        if not isinstance(line, dict) or not isinstance(line.get('plan'), str) or not isinstance(line.get('ended'), str):
            continue
        # every key the audit shows, whatever an edited line holds
        entry = dict((key, line.get(key)) for key in HISTORY_KEYS)
        state = plans.setdefault(entry['plan'], {'proven': None, 'last': None})
        if state['last'] is None or entry['ended'] >= state['last']['ended']:
            state['last'] = entry
        if entry.get('result') == 'proven' and (state['proven'] is None or entry['ended'] >= state['proven']['ended']):
            state['proven'] = entry
    return plans


def plans_proven(history_text):
    """The audit's view of the plan history file (one JSON object per line): per plan, sorted by
    name, when it was last proven (the newest run with result ``proven``, or None) and its newest
    run. Lines that are not such an object are skipped: a history cut short by a full disk still
    tells the rest."""
    entries = []
    for line in history_text.splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    plans = last_proven(entries)
    return [{'plan': name, 'last_proven': plans[name]['proven'], 'last_run': plans[name]['last']} for name in sorted(plans)]
