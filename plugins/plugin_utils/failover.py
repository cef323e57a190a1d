# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deciding a failover: which protection group switches where, or why not, before any request.

The decision is the protection_group module's own (``group_steps``) plus what the failover role
asks of a user on top: a planned failover and a failback need both zones, a switch needs the
confirmation, a switch already done is nothing to do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    GROUP_TRANSITIONAL, group_steps, with_group_state)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError, confirmed, require_records

# what the user asks for (failover_action)
REQUESTS = ('planned', 'failover', 'failback', 'reprotect')
# the cloud's time as the *_info modules report it (cloud_time)
CLOUD_TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def _selectors(name):
    names = [name] if isinstance(name, str) else name
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) and n for n in names):
        raise RetentionError('name must name the protection group (its name or id, or a list of them), not %r; '
                             'nothing was changed' % (name,))
    return list(names)


def _find(groups, selector):
    """(group, None) or (None, why not) for the group whose id or else name is ``selector``."""
    matches = [g for g in groups if g.get('id') == selector] or [g for g in groups if g.get('name') == selector]
    if not matches:
        return None, 'protection group %s does not exist; nothing was changed' % selector
    if len(matches) > 1:
        return None, ('%d protection groups are named %s; give the id (%s); nothing was changed'
                      % (len(matches), selector, ', '.join(sorted(str(g.get('id')) for g in matches))))
    group = matches[0]
    for field in ('source_availability_zone', 'target_availability_zone'):
        if not isinstance(group.get(field), str) or not group[field]:
            raise RetentionError('protection group %s has %s %r, not an availability zone; give the groups as '
                                 'protection_group_info returns them' % (selector, field, group.get(field)))
    return with_group_state(group), None


def _zone_refusal(group, request, to_az, zone_up):
    """Why the zones do not allow the switch (None when they do), in the failover role's words."""
    if request == 'reprotect':
        down = [zone for zone in (group['dr_az'], group['production_az']) if not zone_up(zone)]
        if not down:
            return None
        verb, pronoun = ('is', 'it is') if len(down) == 1 else ('are', 'they are')
        return ('a re-protect replicates %s onto %s and needs both zones; %s %s unavailable: re-protect once %s back'
                % (group['production_az'], group['dr_az'], ' and '.join(down), verb, pronoun))
    if not zone_up(to_az):
        return 'cannot switch to %s: that availability zone is unavailable' % to_az
    if request == 'failover' or zone_up(group['production_az']):
        return None
    if request == 'planned':
        return ('a planned failover needs both zones and the production zone %s is unavailable; run '
                'failover_action=failover (unplanned: replication stops until a failback re-protects)'
                % group['production_az'])
    return ('a failback re-protects from the production zone %s and needs both zones; %s is unavailable'
            % (group['production_az'], group['production_az']))


def _steps_text(case, group, to_az):
    production = group['production_az']
    return {
        'done': 'nothing to do, production is already %s' % to_az,
        'protected': 'nothing to do, protection is already enabled: %s replicates to %s' % (production, group['dr_az']),
        'reprotect-only': ('re-protect in the reverse direction: replicate %s onto %s, overwriting what %s holds; '
                           'production stays %s (failover_action=failback brings it back later)'
                           % (production, group['dr_az'], group['dr_az'], production)),
        'reprotect': ('re-protect (replicate %s back onto %s, overwriting what the old side holds), then switch '
                      'production to %s (planned, no data lost)' % (production, to_az, to_az)),
        'back': 'switch production back to %s (planned, no data lost)' % to_az,
        'planned': ('switch production to %s (planned, both zones up: no data lost, replication goes on; servers '
                    'in %s start)' % (to_az, to_az)),
        'unplanned': ('%s is down; make %s production (unplanned: replication stops; a failback re-protects and '
                      'switches back once %s is back)' % (production, to_az, production)),
    }[case]


def _plan_group(groups, selector, request, confirm, zones):
    group, missing = _find(groups, selector)
    if missing:
        return {'name': selector, 'action': 'refused', 'refused': missing, 'switch': False}

    def zone_up(zone):
        return zones.get(zone) is not False

    to_az = {'failback': group['source_availability_zone'], 'reprotect': group['production_az']}.get(
        request, group['target_availability_zone'])
    reprotect = request in ('failback', 'reprotect') and group['protection'] != 'enabled'
    plan = {'name': selector, 'id': group.get('id'), 'group': group, 'request': request,
            'from_az': group['production_az'], 'to_az': to_az, 'production_up': zone_up(group['production_az']),
            'confirmed': confirmed(confirm), 'switch': False, 'unconfirmed': None,
            # the protection_group module's options that make the switch
            'production_az': to_az, 'protection': 'enabled' if request in ('failback', 'reprotect') else None,
            'allow_unplanned_failover': request == 'failover'}
    if group['production_az'] == to_az and not reprotect:
        plan.update(action='none', case='protected' if request == 'reprotect' else 'done')
    else:
        refusal = _zone_refusal(group, request, to_az, zone_up)
        # a group in a transitional status is waited for by the module, which decides once it settled
        if refusal is None and group.get('status') not in GROUP_TRANSITIONAL:
            changes = {'production_az': to_az} if group['production_az'] != to_az else {}
            if reprotect:
                changes['protection'] = 'enabled'
            try:
                group_steps(group, changes, plan['allow_unplanned_failover'], lambda zone: not zone_up(zone))
            except ResourceError as exc:
                return dict(plan, action='refused', refused='%s; nothing was changed' % exc)
        if refusal:
            return dict(plan, action='refused', refused='%s: %s; nothing was changed' % (selector, refusal))
        case = (('reprotect' if reprotect else 'back') if request == 'failback' else 'reprotect-only'
                if request == 'reprotect' else 'planned' if plan['production_up'] else 'unplanned')
        plan.update(action=request if request in ('failback', 'reprotect') else 'failover', case=case,
                    switch=plan['confirmed'])
        if not plan['confirmed']:
            target = ('(%s onto %s)' % (group['production_az'], group['dr_az']) if request == 'reprotect'
                      else 'to %s' % to_az)
            plan['unconfirmed'] = ('%s of protection group %s %s needs failover_confirm=true (it is %s); the plan '
                                   'is above; nothing was changed' % (request, group.get('name'), target, confirm))
    plan['summary'] = (
        'protection group %s (%s, protection %s): production is %s%s, DR is %s. %s: %s%s'
        % (group.get('name'), group.get('status'), group['protection'], group['production_az'],
           '' if plan['production_up'] else ' (unavailable)', group['dr_az'], request,
           _steps_text(plan['case'], group, to_az),
           '. NOT DONE: failover_confirm is not true' if plan['unconfirmed'] else ''))
    return plan


def failover_plan(groups, name, action, confirm=False, zones=None):
    """Per protection group named by ``name`` (a name or id, or a list of them), the plan of the
    failover ``action`` (planned, failover, failback or reprotect): its ``action`` (failover,
    failback, reprotect, none, refused) and, refused, why; ``switch`` only when it is confirmed and
    needed. A reprotect enables protection from the side that is production now (after a failover:
    the DR zone, overwriting the old production side) and does not move production."""
    if action not in REQUESTS:
        raise RetentionError('action must be one of %s, not %r; nothing was changed' % (', '.join(REQUESTS), action))
    selectors = _selectors(name)
    if zones is None:
        zones = {}
    if not isinstance(zones, dict):
        raise RetentionError('zones must be a dict of zone name to availability (disk_info zones), not %r' % (zones,))
    groups = require_records(groups, 'the protection groups', optional=True)
    return [_plan_group(groups, selector, action, confirm, zones) for selector in selectors]


def failover_group(protection_group, action, policy=None, tier=None):
    """The protection group the failover role switches: ``protection_group`` when given, else the
    group of ``policy``'s replicated ``tier`` (``<policy>-<tier>``; without a tier, the policy's
    only tier with a ``secondary_az``). Refuses an ``action`` that is not a request and a group
    that cannot be named, before any request to the cloud."""
    if action in REQUESTS and isinstance(protection_group, str) and isinstance(tier, (str, type(None))):
        if protection_group:
            return protection_group
        name = policy.get('name') if isinstance(policy, dict) else None
        tiers = policy.get('tiers') if isinstance(policy, dict) else None
        if isinstance(name, str) and name:
            if tier:
                return '%s-%s' % (name, tier)
            replicated = [t for t in tiers if isinstance(t, dict) and 'secondary_az' in t] \
                if isinstance(tiers, list) else []
            if len(replicated) == 1 and isinstance(replicated[0].get('name'), str):
                return '%s-%s' % (name, replicated[0]['name'])
    raise RetentionError(
        "failover needs failover_action planned, failover, failback or reprotect (not '%s') and the protection group: "
        'failover_protection_group, or a DR policy (-e @policy.yml) whose replicated tier names it (<policy>-<tier>; '
        'set failover_tier when the policy replicates more than one tier); nothing was changed' % (action,))


def _cloud_time(read, what):
    if not isinstance(read, dict) or not isinstance(read.get('cloud_time'), str):
        raise RetentionError('%s must be a result of protection_group_info with its cloud_time, not %r' % (what, read))
    try:
        return datetime.datetime.strptime(read['cloud_time'], CLOUD_TIME_FORMAT)
    except ValueError:
        raise RetentionError('%s must be a result of protection_group_info with its cloud_time (%s), not %r'
                             % (what, CLOUD_TIME_FORMAT, read['cloud_time']))


def _registered(value, what):
    """A registered task result (a dict; None when the task did not run)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RetentionError('%s must be the registered result of its task, not %r' % (what, value))
    return value


def failover_report(plan, before, after, switch=None, metadata=None, check_mode=False):
    """What the failover role reports: the ``plan`` (``failover_plan``), the group as the switch
    (the registered protection_group result, skipped when no switch was made) or else the read
    ``after`` it left it, the disks whose metadata was copied (the registered loop) and the RTO: the
    cloud's seconds from the read ``before`` the plan to the read ``after`` the switch, only for a
    switch made (not predicted)."""
    if not isinstance(plan, dict) or not isinstance(plan.get('group'), dict) or plan.get('request') not in REQUESTS:
        raise RetentionError('the report needs a plan of dr_failover_plan that was not refused, not %r' % (plan,))
    switch, metadata = _registered(switch, 'switch'), _registered(metadata, 'metadata')
    for read, what in ((before, 'before'), (after, 'after')):
        _cloud_time(read, what)
    changed = bool(switch.get('changed'))
    groups = after.get('protection_groups')
    group = switch.get('protection_group') or (groups[0] if isinstance(groups, list) and groups else {})
    results = metadata.get('results')
    if not isinstance(group, dict) or not isinstance(results, (list, type(None))):
        raise RetentionError('switch, after and metadata must be the registered results of the failover role\'s tasks')
    rto = None
    # a re-protect moves no production: there is no recovery time to measure
    if changed and not check_mode and plan.get('to_az') != plan['group'].get('production_az'):
        rto = int((_cloud_time(after, 'after') - _cloud_time(before, 'before')).total_seconds())
    return {
        'protection_group': plan['group'].get('name'),
        'action': plan['request'],
        'confirmed': plan.get('confirmed'),
        'check_mode': bool(check_mode),
        'already_done': plan.get('action') == 'none',
        'changed': changed,
        'metadata_copied': [r.get('item') for r in results or [] if isinstance(r, dict) and r.get('changed')],
        'from_az': plan['group'].get('production_az'),
        'to_az': plan.get('to_az'),
        'production_az': group.get('production_az'),
        'status': group.get('status'),
        'protection': group.get('protection'),
        'started_at': before['cloud_time'],
        'finished_at': after['cloud_time'],
        'rto_seconds': rto,
    }
