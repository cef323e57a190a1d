# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retention plan and the DR audit as they were before they were made fast (issue 20,
commit d38b950), kept verbatim as the oracle that test_retention_audit_reference.py compares
the fast code with: the same input must give the same output, byte for byte. The functions
the speed-up did not touch are imported from the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup
from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit import (
    _stopped_outside, audit_report, disk_row, missing_disk_row, require_checked_policy)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import OBJECT_STORAGE, SAME_AZ, by_disk as _by_disk
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import policy_backups
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.replication import PROTECTED_GROUP, _direction
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import human_duration, select_disks
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    PERIODS, POLICY_KEY, TIER_KEY, RetentionError, _meta, bulk_records, checked_plan_input, describe,
    format_time, parse_any_time, require_records)


MECHANISMS = ('snapshot', 'backup', 'server_backup', 'replication', 'region_replication')


def retention_plan(copies, retention, now, policy=None, tier=None, group_by='volume_id', due=None):
    with bulk_records():
        return _retention_plan(copies, retention, now, policy, tier, group_by, due)


def audit(disks, policy, now, snapshots=None, backups=None, pairs=None, groups=None, zones=None, vaults=None,
          backup_policies=None):
    with bulk_records():
        return _audit(disks, policy, now, snapshots, backups, pairs, groups, zones or {}, vaults, backup_policies)


def parse_time(value, what='time'):
    return parse_any_time(value, what)


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


def plan_one_disk(copies, retention, now, policy=None, tier=None):
    """The plan for one disk's copies: ``(keep, prune, ignored)``, each a list of
    ``(copy, reasons)`` newest first. ``retention`` is normalized, ``now`` a datetime."""
    moments = dict((id(c), parse_time(c.get('created_at'), 'created_at')) for c in copies)
    order = sorted(copies, key=lambda c: (moments[id(c)], c.get('id') or ''), reverse=True)
    reasons = dict((id(c), []) for c in order)
    ignored = []
    candidates = []
    by_backup = set(id(c) for c in order if made_by_backup(c))
    newest_available = next((c for c in order if c.get('status') == 'available' and id(c) not in by_backup), None)
    for copy in order:
        meta = _meta(copy)
        if id(copy) in by_backup:
            ignored.append(copy)
            reasons[id(copy)].append('made by a backup')
        elif policy is not None and meta.get(POLICY_KEY) != policy:
            ignored.append(copy)
            reasons[id(copy)].append('not made by policy %s' % policy)
        elif tier is not None and meta.get(TIER_KEY) != tier:
            ignored.append(copy)
            reasons[id(copy)].append('not made by tier %s' % tier)
        elif copy.get('status') != 'available':
            ignored.append(copy)
            reasons[id(copy)].append('status %s' % copy.get('status'))
        else:
            candidates.append(copy)
    if newest_available is not None and newest_available in candidates:
        reasons[id(newest_available)].append('newest')
    for copy in candidates[:retention['last']]:
        reasons[id(copy)].append('last %d' % retention['last'])
    for period in PERIODS:
        wanted = retention[period]
        if not wanted:
            continue
        period_of = _PERIOD_IDS[period]
        seen = set()
        for copy in candidates:
            key = period_of(moments[id(copy)])
            if key not in seen:
                seen.add(key)
                reasons[id(copy)].append('%s %s' % (period, format_period(key, period)))
                if len(seen) >= wanted:
                    break
    if retention['within']:
        for copy in candidates:
            age = (now - moments[id(copy)]).total_seconds()
            if age < retention['within']:
                reasons[id(copy)].append('within %ds' % retention['within'])
    for copy in candidates:
        if moments[id(copy)] > now and not reasons[id(copy)]:
            reasons[id(copy)].append('dated after the cloud time')
    keep = [(c, reasons[id(c)]) for c in candidates if reasons[id(c)]]
    prune = [(c, []) for c in candidates if not reasons[id(c)]]
    return keep, prune, [(c, reasons[id(c)]) for c in ignored]


def _retention_plan(copies, retention, now, policy, tier, group_by, due):
    # the input checks the speed-up did not touch: the collection's, with this file's parse_time
    copies, retention, now = checked_plan_input(copies, retention, now, policy, tier, due, parse=parse_time)
    groups = {}
    for copy in copies:
        if not isinstance(copy, dict):
            raise RetentionError('each copy must be a dict with created_at and status, not %r' % (copy,))
        groups.setdefault(copy.get(group_by), []).append(copy)
    result = {'now': format_time(now), 'retention': retention, 'keep': [], 'prune': [], 'ignored': [], 'disks': {},
              'summary': []}
    for key in sorted(groups, key=lambda k: '' if k is None else str(k)):
        keep, prune, ignored = plan_one_disk(groups[key], retention, now, policy, tier)
        for name, rows in (('keep', keep), ('prune', prune), ('ignored', ignored)):
            for copy, why in rows:
                item = dict(copy)
                item['retention_reasons'] = why
                result[name].append(item)
        result['disks'][key] = {'keep': [row[0].get('id') for row in keep], 'prune': [row[0].get('id') for row in prune]}
        label = 'disk %s' % key
        if tier is not None:
            label = 'tier %s, %s' % (tier, label)
        result['summary'].extend(['%s: keep %s - %s' % (label, describe(c), ', '.join(why)) for c, why in keep] +
                                 ['%s: prune %s' % (label, describe(row[0])) for row in prune])
    return result


def human_age(seconds):
    """``2d``, ``1d 23h``, ``5h 3m``, ``59m 59s``, ``30s``: the two largest units, rounded down
    (to the second under an hour, so an age just over a short RPO never reads as equal to it)."""
    if seconds is None:
        return '-'
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    if days:
        return '%dd %dh' % (days, hours) if hours else '%dd' % days
    if hours:
        return '%dh %dm' % (hours, minutes) if minutes else '%dh' % hours
    if minutes:
        return '%dm %ds' % (minutes, rest) if rest else '%dm' % minutes
    return '%ds' % rest


def _copy(now, mechanism, location, item, policy_name=None, usable=True, owned=False):
    """``owned``: the policy made the copy, as proven by where it lives (``policy_backups``), not
    by the policy's mark, which backups do not carry."""
    meta = item.get('metadata') or {}
    created = parse_time(item['created_at'])
    age = int((now - created).total_seconds())
    return {'mechanism': mechanism, 'id': item.get('id'), 'name': item.get('name'),
            'created_at': format_time(created), 'age': age, 'age_text': human_age(age),
            'location': location,
            'by_policy': owned or (bool(policy_name) and meta.get('dp_evs_policy') == policy_name),
            'usable': usable}


def _disk_copies(now, disk, policy, snapshots, backups, pairs, groups, zones, owned=frozenset()):
    """``snapshots`` and ``backups`` map a disk id to its copies (``_by_disk``); ``zones`` maps
    an AZ to whether it is up (a copy in a zone that is down cannot be used until it is back);
    ``owned`` holds the ids of the backups the policy's own schedule made (``policy_backups``)."""
    copies = []
    disk_az = disk.get('availability_zone')
    zone_up = zones.get(disk_az, True)
    # while a zone is down the cloud lists what lives there with status error: its snapshots
    # still exist, and come back with the zone, but cannot be used now
    shown = ('available',) if zone_up else ('available', 'error')
    for snap in snapshots.get(disk['id'], ()):
        # the snapshot a backup left is no copy: it cannot be rolled back or made into a disk
        if snap.get('status') in shown and snap.get('created_at') and not made_by_backup(snap):
            copies.append(_copy(now, 'snapshot', '%s (%s)' % (SAME_AZ, disk_az), snap, policy['name'], usable=zone_up))
    for backup in backups.get(disk['id'], ()):
        if backup.get('status') == 'available' and backup.get('created_at'):
            copies.append(_copy(now, 'backup', '%s (%s)' % (OBJECT_STORAGE, (backup.get('backend') or 'cbr').upper()),
                                backup, owned=backup.get('id') in owned))
    replicas = []
    group_by_id = dict((g.get('id'), g) for g in groups or [])
    for pair in pairs or []:
        if disk['id'] not in (pair.get('production_volume_id'), ) and disk['id'] not in (pair.get('volume_ids') or []):
            continue
        group = group_by_id.get(pair.get('server_group_id')) or {}
        dr_az = group.get('dr_az') or group.get('target_availability_zone')
        live = pair.get('status') in ('available', 'protected', 'in-use') and group.get('status') in PROTECTED_GROUP
        replicas.append({'mechanism': 'replication', 'id': pair.get('id'), 'name': pair.get('name'),
                         'created_at': None, 'age': 0 if live else None, 'age_text': 'continuous' if live else 'stopped',
                         'location': 'other AZ (%s)' % dr_az if dr_az and dr_az != disk_az
                         else SAME_AZ, 'live': live, 'group_status': group.get('status'),
                         # added after the speed-up (issue 21, re-protect): the group's name, its direction, a note
                         # when a failover switched it
                         **_direction(group), 'by_policy': False, 'usable': zones.get(dr_az, True)})
    copies.sort(key=lambda c: c['age'])
    return copies + replicas


def _verdict(tier, disk, copies, zones):
    reasons = []
    rpo = tier['rpo']
    survives = [c for c in copies if c['age'] is not None and c['age'] >= 0 and c['usable'] and
                (tier['failure'] == 'disk' or not c['location'].startswith(SAME_AZ))]
    newest = min((c['age'] for c in survives), default=None)
    down = sorted(set(zone for zone, up in zones.items() if not up))
    if copies and not survives and any(not c['usable'] for c in copies):
        reasons.append('no usable copy: %s %s down, and the copies there cannot be used until it is back%s' % (
            ', '.join(down), 'is' if len(down) == 1 else 'are',
            '' if tier['failure'] == 'az' else "; a tier that must survive the loss of an AZ (failure: az) "
            "keeps backups or replication outside the disk's AZ"))
    if not copies:
        reasons.append('no copy at all')
    elif tier['failure'] == 'az' and not survives and not _stopped_outside(copies):
        # (since issue 21: a stopped replica outside the AZ is not said to share it)
        reasons.append("its only copies share its AZ (%s); the tier must survive the loss of the AZ, which needs a "
                       "backup or replication" % disk.get('availability_zone'))
    elif newest is None:
        if not reasons:
            reasons.append('no usable copy (replication stopped)')
    elif newest > rpo:
        reasons.append('stale: the newest copy that survives a %s failure is %s old, the RPO is %s'
                       % (tier['failure'], human_age(newest), human_duration(rpo)))
    for mechanism in tier['mechanisms']:
        if not [c for c in copies if c['mechanism'] == mechanism and c['age'] is not None]:
            reasons.append('the tier uses %s, but the disk has no %s' % (
                mechanism, {'snapshot': 'available snapshot', 'backup': 'available backup',
                            'replication': 'live replication pair'}[mechanism]))
    return ('compliant' if not reasons else 'out of policy'), reasons, newest


def _audit(disks, policy, now, snapshots, backups, pairs, groups, zones, vaults, backup_policies):
    moment = parse_time(now, 'now (the cloud time)')
    disks = require_records(disks, 'disks')
    snapshots, backups, pairs, groups, vaults, backup_policies = [
        require_records(value, what, optional=True) for value, what in (
            (snapshots, 'snapshots'), (backups, 'backups'), (pairs, 'replication pairs'), (groups, 'protection groups'),
            (vaults, 'vaults'), (backup_policies, 'backup policies'))]
    require_checked_policy(policy)
    owned = policy_backups(policy, backups, vaults, backup_policies)
    rows, empty = [], []
    snapshots_of, backups_of = _by_disk(snapshots, 'volume_id'), _by_disk(backups, 'disk_id')
    for tier in policy['tiers']:
        missing = []
        covered = select_disks(disks, tier, policy, pairs, missing)
        if not covered and not missing:
            empty.append(tier['name'])
        # the rows as the collection writes them (the speed-up did not touch them)
        rows.extend(missing_disk_row(tier, gone, dict((m, 0) for m in MECHANISMS)) for gone in missing)
        for disk in covered:
            copies = _disk_copies(moment, disk, policy, snapshots_of, backups_of, pairs, groups, zones, owned)
            verdict, reasons, newest = _verdict(tier, disk, copies, zones)
            counts = dict((m, len([c for c in copies if c['mechanism'] == m])) for m in MECHANISMS)
            rows.append(disk_row(tier, disk, zones, copies, newest, counts, verdict, reasons))
    return audit_report(policy, format_time(moment), rows, empty)
