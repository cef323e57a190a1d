# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generational retention of point-in-time copies (snapshots, backups), on the cloud's clock.

The rule, per disk, over the copies a policy created that are ``available``. A copy is the
policy's when its metadata carries the policy's marks, ``dp_evs_policy`` (and ``dp_evs_tier`` when a
tier is given), never because of its name: a copy whose name fits ``<policy>-<tier>-<slot>`` but
that lacks the marks (taken by hand, or by another tool) is not the policy's.


- ``last: N`` keeps the N newest copies;
- ``hourly``/``daily``/``weekly``/``monthly``/``yearly: K`` keeps the newest copy of each of the
  K most recent hours/days/ISO weeks/months/years (UTC) that hold a copy (the rule of borg,
  restic and CBR's long-term retention, so one retention means the same for every mechanism);
- ``within: 7d`` keeps every copy younger than that on the cloud's clock (``now``);
- the newest available copy of the disk is always kept, whoever made it.

Copies another tool made, and copies that are not ``available`` (``creating``, ``deleting``,
``error``...), are never pruned. A copy dated after ``now`` (clock skew) is kept. The snapshot a
backup left on its disk (module_utils/evs.py ``made_by_backup``) is not a copy at all: it is
ignored, never the newest copy that is always kept, never pruned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import datetime
import gc
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup

PERIODS = ('hourly', 'daily', 'weekly', 'monthly', 'yearly')
RETENTION_KEYS = ('last',) + PERIODS + ('within',)
POLICY_KEY = 'dp_evs_policy'
TIER_KEY = 'dp_evs_tier'

_UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 7 * 86400}
_DURATION_RE = re.compile(r'^\s*(\d+)\s*([smhdw]?)\s*$')
_TIME_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*(Z|[+-]00:?00)?$')


class RetentionError(ValueError):
    """A retention, duration or time the rule cannot use; the message says why."""


def confirmed(value):
    """A confirmation variable as Ansible's ``bool`` filter reads it (``-e x_confirm=true`` is a
    string); anything it does not read as true (a typo, a list...) is no confirmation."""
    try:
        return boolean(value, strict=False)
    except TypeError:
        return False


def require_records(value, what, optional=False):
    """``value`` as a list of dicts (the results of the collection's *_info modules), or a
    RetentionError that says what was given instead; None is an empty list when optional."""
    if value is None and optional:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, dict) for item in value):
        raise RetentionError('%s must be a list of dicts (as the *_info modules return them), not %s'
                             % (what, type(value).__name__ if not isinstance(value, (list, tuple))
                                else 'a list holding %s' % ', '.join(sorted(set(
                                    type(item).__name__ for item in value if not isinstance(item, dict))))))
    return list(value)


def parse_duration(value, what='duration'):
    """Seconds from ``90``, ``'90s'``, ``'15m'``, ``'1h'``, ``'7d'``, ``'2w'`` (``0`` allowed)."""
    if isinstance(value, bool):
        raise RetentionError('%s must be a number of seconds or a string like 15m, 1h, 1d, 1w, not %r' % (what, value))
    if isinstance(value, int):
        if value < 0:
            raise RetentionError('%s must not be negative, not %r' % (what, value))
        return value
    match = _DURATION_RE.match(str(value)) if value is not None else None
    if not match:
        raise RetentionError('%s must be a number of seconds or a string like 15m, 1h, 1d, 1w, not %r' % (what, value))
    return int(match.group(1)) * _UNITS[match.group(2) or 's']


def parse_time(value, what='time'):
    """A naive UTC datetime from the cloud's ISO 8601 forms (``2026-11-25T10:00:00Z``,
    ``2026-11-25T10:00:00.123456``, ``+00:00``); a datetime is taken as UTC."""
    moment = parse_cloud_time(value)
    if moment is not None:
        return moment
    return parse_any_time(value, what)


def parse_any_time(value, what='time'):
    """``parse_time`` without its cache of the cloud's usual form (the tests' reference code uses it)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None) - value.utcoffset()
        return value
    text = str(value or '').strip()
    match = _TIME_RE.match(text)
    if not match:
        raise RetentionError('%s %r is not an ISO 8601 UTC time such as 2026-11-25T10:00:00Z' % (what, value))
    if match.group(6) is not None and text[10] == 'T':
        moment = datetime.datetime.fromisoformat(text[:19])
        micro = match.group(7)
        return moment.replace(microsecond=int(micro.ljust(6, '0'))) if micro else moment
    year, month, day, hour, minute, second, micro = match.groups()[:7]
    return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                             int((micro or '0').ljust(6, '0')))


# the length of each form the cloud sends -> the length of its part before a Z
_CLOUD_FORMS = {19: 19, 20: 19, 26: 26, 27: 26}
_from_iso = datetime.datetime.fromisoformat


def parse_cloud_time(value):
    """``parse_time(value)`` when ``value`` is in a form the cloud sends (``2026-11-25T10:00:00``,
    with ``.123456`` and/or ``Z``), read by datetime's C parser alone; else None, and parse_time
    reads it with its pattern. The audit and the retention read the time of each of up to millions
    of copies, and the pattern costs several times the C parser. For these forms,
    ``format_time(parse_time(value))`` is ``value[:19] + 'Z'``."""
    size = _CLOUD_FORMS.get(len(value)) if isinstance(value, str) else None
    if (size is None or value[10] != 'T' or value[13] != ':' or value[16] != ':' or value[7] != '-'
            or value[4] != '-' or (size == 26 and value[19] != '.') or (size != len(value) and value[-1] != 'Z')):
        return None
    try:
        moment = _from_iso(value[:size])
    except ValueError:
        return None  # parse_time says why, as it always did
    # with these separators in place the C parser reads the digits the pattern reads; a zone such
    # as +0000 in the fraction's place gives an aware time, which is left to the pattern
    return moment if moment.tzinfo is None else None


def format_time(moment):
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                               moment.second)


@contextlib.contextmanager
def bulk_records():
    """Around code that builds records for up to millions of copies: they form no reference
    cycles, but the cyclic garbage collector would scan the growing heap again and again (half
    the time of a plan over 1,000,000 copies)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                # the records made meanwhile go to the oldest generation at once: enabled
                # again, the collector would walk through all of them at the next allocation (a
                # third of the time of a plan over 1,000,000 copies); freeze() and unfreeze()
                # move every object there, and no one else's frozen objects are thawed
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def normalize_retention(retention, what='retention'):
    """Check a retention dict and return it with every key (missing counts are 0, ``within`` in
    seconds). A retention that keeps nothing but the newest copy is refused: say ``last: 1``."""
    if not isinstance(retention, dict):
        raise RetentionError('%s must be a dict with some of %s, not %r' % (what, ', '.join(RETENTION_KEYS), retention))
    unknown = sorted(set(retention) - set(RETENTION_KEYS))
    if unknown:
        raise RetentionError('%s has unknown keys %s; the keys are %s' % (what, ', '.join(unknown), ', '.join(RETENTION_KEYS)))
    result = {}
    for key in RETENTION_KEYS[:-1]:
        value = retention.get(key)
        if value is None:
            value = 0
        elif isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RetentionError('%s.%s must be a whole number of copies (0 or more), not %r' % (what, key, retention.get(key)))
        result[key] = value
    result['within'] = parse_duration(retention['within'], '%s.within' % what) if retention.get('within') else 0
    if not any(result.values()):
        raise RetentionError('%s keeps no copy: set at least one of %s above 0 (last: 1 keeps only the newest)'
                             % (what, ', '.join(RETENTION_KEYS)))
    return result


def period_key(moment, period):
    """The calendar period (UTC) a moment falls in; ISO weeks start on Monday."""
    if period not in _PERIOD_IDS:
        raise RetentionError('unknown period %r' % period)
    return format_period(_PERIOD_IDS[period](moment), period)


# the period a moment falls in, as a tuple (cheap to compute for every copy); formatted only
# for the copies a period keeps
_PERIOD_IDS = {
    'hourly': lambda m: (m.year, m.month, m.day, m.hour),
    'daily': lambda m: (m.year, m.month, m.day),
    'weekly': lambda m: tuple(m.isocalendar())[:2],
    'monthly': lambda m: (m.year, m.month),
    'yearly': lambda m: (m.year,),
}
_PERIOD_FORMATS = {'hourly': '%04d-%02d-%02dT%02d', 'daily': '%04d-%02d-%02d', 'weekly': '%04d-W%02d',
                   'monthly': '%04d-%02d', 'yearly': '%04d'}


def format_period(period_id, period):
    return _PERIOD_FORMATS[period] % period_id


def _meta(copy):
    return copy.get('metadata') or {}


# the start of the period a moment falls in: the copies older than a kept copy's period start
# are found by bisection among the copies in time order, not by computing every copy's period
_PERIOD_STARTS = {
    'hourly': lambda m: datetime.datetime(m.year, m.month, m.day, m.hour),
    'daily': lambda m: datetime.datetime(m.year, m.month, m.day),
    'weekly': lambda m: datetime.datetime.combine(m.date() - datetime.timedelta(days=m.weekday()), datetime.time()),
    'monthly': lambda m: datetime.datetime(m.year, m.month, 1),
    'yearly': lambda m: datetime.datetime(m.year, 1, 1),
}


def _first_older(moments, start, low):
    """The first index from ``low`` of ``moments`` (newest first) older than ``start``."""
    high = len(moments)
    if low < high and moments[low] < start:
        return low  # the next copy is in an older period: the common case of a period per copy
    while low < high:
        middle = (low + high) // 2
        if moments[middle] < start:
            high = middle
        else:
            low = middle + 1
    return low


def plan_one_disk(copies, retention, now, policy=None, tier=None):
    """The plan for one disk's copies: ``(keep, prune, ignored)``, each a list of
    ``(copy, reasons)`` newest first. ``retention`` is normalized, ``now`` a datetime."""
    keep, prune, ignored = _plan_disk(copies, retention, now, policy, tier)
    return keep, [(c, []) for c in prune], ignored


def _plan_disk(copies, retention, now, policy, tier):
    """plan_one_disk's lists, the pruned copies without their (empty) reasons."""
    # newest first, equal times by id; each time is read once (a copy that is in the list twice
    # is planned at both places with one list of reasons, as the rule always did)
    keys = [(parse_cloud_time(c.get('created_at')) or parse_time(c.get('created_at'), 'created_at'), c.get('id') or '')
            for c in copies]
    reasons = {}   # id(copy) -> why it is kept or ignored, for those copies only
    ignored, candidates, moments = [], [], []
    newest = None   # the newest available copy, whoever made it
    for index in sorted(range(len(copies)), key=keys.__getitem__, reverse=True):
        copy = copies[index]
        status = copy.get('status')
        meta = copy.get('metadata') or {}
        if (status == 'available' and not made_by_backup(copy) and (policy is None or meta.get(POLICY_KEY) == policy)
                and (tier is None or meta.get(TIER_KEY) == tier)):
            candidates.append(copy)
            moments.append(keys[index][0])
            if newest is None:
                newest = copy
            continue
        # not a candidate: the first of these reasons
        if made_by_backup(copy):
            why = 'made by a backup'
        else:
            if newest is None and status == 'available':
                newest = copy
            if policy is not None and meta.get(POLICY_KEY) != policy:
                why = 'not made by policy %s' % policy
            elif tier is not None and meta.get(TIER_KEY) != tier:
                why = 'not made by tier %s' % tier
            else:
                why = 'status %s' % status
        ignored.append(copy)
        reasons.setdefault(id(copy), []).append(why)
    if newest is not None and candidates and candidates[0] is newest:
        reasons[id(newest)] = ['newest']
    for copy in candidates[:retention['last']]:
        reasons.setdefault(id(copy), []).append('last %d' % retention['last'])
    for period in PERIODS:
        wanted = retention[period]
        start_of = _PERIOD_STARTS[period]
        index = 0
        while wanted and index < len(candidates):
            moment = moments[index]
            reasons.setdefault(id(candidates[index]), []).append(
                '%s %s' % (period, format_period(_PERIOD_IDS[period](moment), period)))
            wanted -= 1
            index = _first_older(moments, start_of(moment), index + 1)
    within = retention['within']
    if within:
        # the ages grow along the candidates, newest first
        for index, moment in enumerate(moments):
            if (now - moment).total_seconds() >= within:
                break
            reasons.setdefault(id(candidates[index]), []).append('within %ds' % within)
    for index, moment in enumerate(moments):
        if moment <= now:
            break
        reasons.setdefault(id(candidates[index]), ['dated after the cloud time'])
    keep, prune = [], []
    for copy in candidates:
        why = reasons.get(id(copy))
        if why:
            keep.append((copy, why))
        else:
            prune.append(copy)
    return keep, prune, [(c, reasons[id(c)]) for c in ignored]


def marked(copy, policy, tier=None):
    """Whether the copy carries the marks of ``policy`` (and of ``tier`` when given)."""
    meta = _meta(copy)
    return meta.get(POLICY_KEY) == policy and (tier is None or meta.get(TIER_KEY) == tier)


def predicted_copies(copies, due, now, policy, tier):
    """The copies ``due`` (targets of the dr_policy_targets filter) that ``copies`` does not hold yet
    (with the target's marks: a copy of that name without them is not the policy's), as the
    snapshots a real run creates at ``now``; in check mode they make the plan the real one."""
    if not due:
        return []
    have = set((c.get('volume_id'), c.get('name'), _meta(c).get(TIER_KEY)) for c in copies if marked(c, policy))
    added = []
    for target in due or []:
        if target.get('skip') or (tier is not None and target.get('tier') != tier):
            continue
        key = (target['disk_id'], target['name'], target.get('tier'))
        if key in have:
            continue
        have.add(key)
        metadata = dict(target.get('metadata') or {}, dp_evs_policy=policy, dp_evs_tier=target.get('tier'))
        added.append({'id': None, 'name': target['name'], 'volume_id': target['disk_id'], 'status': 'available',
                      'created_at': format_time(now), 'metadata': metadata, 'predicted': True})
    return added


def describe(copy):
    return '%s (%s)' % (copy.get('name') or copy.get('id'), copy.get('created_at'))


def retention_plan(copies, retention, now, policy=None, tier=None, group_by='volume_id', due=None):
    """The plan for copies of many disks, grouped by ``group_by``.

    Returns ``{'now', 'retention', 'keep': [...], 'prune': [...], 'ignored': [...], 'disks': {...}}``
    where each listed copy is the input copy plus ``retention_reasons`` (why it is kept or
    ignored; empty for a pruned one), and ``disks`` maps each group key to the ids it keeps and
    prunes.
    """
    with bulk_records():
        return _retention_plan(copies, retention, now, policy, tier, group_by, due)


def checked_plan_input(copies, retention, now, policy, tier, due, parse=None):
    """The retention plan's input, checked before any planning: the copies (with those ``due`` adds),
    the retention normalised and ``now`` parsed (by ``parse``, default ``parse_time``). Raises
    RetentionError. (The tests' reference plan checks its input here too.)"""
    if copies is None:
        copies = []
    if not isinstance(copies, (list, tuple)):
        raise RetentionError('the copies must be a list of snapshots or backups, not %r' % type(copies).__name__)
    # the marks decide which copies may be pruned: without a policy every copy would be a candidate
    if not isinstance(policy, str) or not policy:
        raise RetentionError('policy must name the policy whose copies are planned: only copies whose metadata has '
                             '%s equal to it are ever pruned, not %r' % (POLICY_KEY, policy))
    if tier is not None and (not isinstance(tier, str) or not tier):
        raise RetentionError('tier must be the name of a tier (metadata %s), not %r' % (TIER_KEY, tier))
    retention = normalize_retention(retention)
    now = (parse or parse_time)(now, 'now (the cloud time)')
    return list(copies) + predicted_copies(copies, due, now, policy, tier), retention, now


def _retention_plan(copies, retention, now, policy, tier, group_by, due):
    copies, retention, now = checked_plan_input(copies, retention, now, policy, tier, due)
    groups = {}
    for copy in copies:
        if not isinstance(copy, dict):
            raise RetentionError('each copy must be a dict with created_at and status, not %r' % (copy,))
        key = copy.get(group_by)
        group = groups.get(key)
        if group is None:
            groups[key] = [copy]
        else:
            group.append(copy)
    result = {'now': format_time(now), 'retention': retention, 'keep': [], 'prune': [], 'ignored': [], 'disks': {},
              'summary': []}
    kept_out, pruned_out, summary = result['keep'], result['prune'], result['summary']
    for key in sorted(groups, key=lambda k: '' if k is None else str(k)):
        keep, prune, ignored = _plan_disk(groups[key], retention, now, policy, tier)
        label = 'disk %s' % key
        if tier is not None:
            label = 'tier %s, %s' % (tier, label)
        for copy, why in keep:
            kept_out.append(_with_reasons(copy, why))
            summary.append('%s: keep %s (%s) - %s' % (label, copy.get('name') or copy.get('id'), copy.get('created_at'),
                                                      ', '.join(why)))
        for copy in prune:
            pruned_out.append(_with_reasons(copy, []))
            summary.append('%s: prune %s (%s)' % (label, copy.get('name') or copy.get('id'), copy.get('created_at')))
        result['ignored'].extend(_with_reasons(copy, why) for copy, why in ignored)
        result['disks'][key] = {'keep': [row[0].get('id') for row in keep], 'prune': [c.get('id') for c in prune]}
    return result


def _with_reasons(copy, why):
    """The copy as the plan lists it: a new dict, the input is not changed."""
    item = dict(copy)
    item['retention_reasons'] = why
    return item
