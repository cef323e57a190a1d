# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DR audit: for every disk a policy covers, the copies per mechanism, their age on the
cloud's clock against the tier's RPO, where they live against the failure the tier must
survive, and the verdict (its HTML page: audit_html.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import operator

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import policy_backups
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    PolicyError, human_duration, select_disks)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    bulk_records, format_time, parse_cloud_time, parse_time, require_records)

SAME_AZ = 'same AZ'
# what the audit reads of each tier, all added or checked by the dr_policy filter
CHECKED_TIER_KEYS = frozenset(('name', 'failure', 'rpo', 'rpo_text', 'mechanisms', 'disks'))
OBJECT_STORAGE = 'object storage'
PROTECTED_GROUP = ('protected', 'reversing', 'reprotecting', 'starting')
_AGE = operator.itemgetter('age')


def human_age(seconds):
    """``2d``, ``1d 23h``, ``5h 3m``, ``59m 59s``, ``30s``: the two largest units, rounded down
    (to the second under an hour, so an age just over a short RPO never reads as equal to it)."""
    if seconds is None:
        return '-'
    seconds = int(seconds)
    if seconds >= 86400:
        days, rest = divmod(seconds, 86400)
        hours = rest // 3600
        return '%dd %dh' % (days, hours) if hours else '%dd' % days
    if seconds >= 3600:
        hours, rest = divmod(seconds, 3600)
        minutes = rest // 60
        return '%dh %dm' % (hours, minutes) if minutes else '%dh' % hours
    if seconds >= 60:
        minutes, rest = divmod(seconds, 60)
        return '%dm %ds' % (minutes, rest) if rest else '%dm' % minutes
    return '%ds' % max(0, seconds)


def _copy(now, mechanism, location, item, policy_name=None, usable=True, owned=False):
    """``owned``: the policy made the copy, as proven by where it lives (``policy_backups``), not
    by the policy's mark, which backups do not carry."""
    text = item['created_at']
    created = parse_cloud_time(text)
    if created is None:
        created = parse_time(text)
        text = format_time(created)
    else:
        text = text[:19] + 'Z'   # format_time(created), as the cloud wrote it
    age = int((now - created).total_seconds())
    return {'mechanism': mechanism, 'id': item.get('id'), 'name': item.get('name'),
            'created_at': text, 'age': age, 'age_text': human_age(age),
            'location': location,
            'by_policy': owned or (bool(policy_name)
                                   and (item.get('metadata') or {}).get('dp_evs_policy') == policy_name),
            'usable': usable}


def _by_disk(items, key):
    """{disk id: [items]}: every disk's copies are then found without reading all of them."""
    found = {}
    for item in items or []:
        disk = item.get(key)
        copies = found.get(disk)
        if copies is None:
            found[disk] = [item]
        else:
            copies.append(item)
    return found


def _disk_copies(now, disk, policy, snapshots, backups, pairs, groups, zones, owned=frozenset()):
    """``snapshots`` and ``backups`` map a disk id to its copies (``_by_disk``); ``zones`` maps
    an AZ to whether it is up (a copy in a zone that is down cannot be used until it is back);
    ``owned`` holds the ids of the backups the policy's own schedule made (``policy_backups``).
    Returns the copies and their count per mechanism."""
    disk_az = disk.get('availability_zone')
    zone_up = zones.get(disk_az, True)
    # while a zone is down the cloud lists what lives there with status error: its snapshots
    # still exist, and come back with the zone, but cannot be used now
    shown = ('available',) if zone_up else ('available', 'error')
    location = '%s (%s)' % (SAME_AZ, disk_az)
    # the snapshot a backup left is no copy: it cannot be rolled back or made into a disk
    copies = [_copy(now, 'snapshot', location, snap, policy['name'], zone_up) for snap in snapshots.get(disk['id'], ())
              if snap.get('status') in shown and snap.get('created_at') and not made_by_backup(snap)]
    snapshot_count = len(copies)
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
                         else SAME_AZ, 'live': live, 'group_status': group.get('status'), 'by_policy': False,
                         'usable': zones.get(dr_az, True)})
    counts = {'snapshot': snapshot_count, 'backup': len(copies) - snapshot_count, 'replication': len(replicas)}
    copies.sort(key=_AGE)
    return copies + replicas, counts


def _survives(copy, failure):
    """Whether the copy can bring the disk back after a ``failure`` of the tier's kind: usable, and
    outside the disk's AZ when the AZ is what fails."""
    age = copy['age']
    return (age is not None and age >= 0 and copy['usable']
            and (failure == 'disk' or not copy['location'].startswith(SAME_AZ)))


def _newest_surviving(failure, copies):
    """The age of the newest copy that survives ``failure``, None when none does. ``copies`` as
    ``_disk_copies`` returns them: snapshots and backups by age, then the replicas; of the former
    only the first that survives can be the newest."""
    ages = []
    for copy in reversed(copies):
        if copy['mechanism'] != 'replication':
            break
        if _survives(copy, failure):
            ages.append(copy['age'])
    for copy in copies:
        if copy['mechanism'] == 'replication':
            break
        if _survives(copy, failure):
            ages.append(copy['age'])
            break
    return min(ages) if ages else None


def _verdict(tier, disk, copies, zones):
    reasons = []
    rpo = tier['rpo']
    newest = _newest_surviving(tier['failure'], copies)
    down = sorted(set(zone for zone, up in zones.items() if not up))
    if copies and newest is None and any(not c['usable'] for c in copies):
        reasons.append('no usable copy: %s %s down, and the copies there cannot be used until it is back%s' % (
            ', '.join(down), 'is' if len(down) == 1 else 'are',
            '' if tier['failure'] == 'az' else "; a tier that must survive the loss of an AZ (failure: az) "
            "keeps backups or replication outside the disk's AZ"))
    if not copies:
        reasons.append('no copy at all')
    elif tier['failure'] == 'az' and newest is None:
        reasons.append("its only copies share its AZ (%s); the tier must survive the loss of the AZ, which needs a "
                       "backup or replication" % disk.get('availability_zone'))
    elif newest is None:
        if not reasons:
            reasons.append('no usable copy (replication stopped)')
    elif newest > rpo:
        reasons.append('stale: the newest copy that survives a %s failure is %s old, the RPO is %s'
                       % (tier['failure'], human_age(newest), human_duration(rpo)))
    for mechanism in tier['mechanisms']:
        if not any(c['mechanism'] == mechanism and c['age'] is not None for c in copies):
            reasons.append('the tier uses %s, but the disk has no %s' % (
                mechanism, {'snapshot': 'available snapshot', 'backup': 'available backup',
                            'replication': 'live replication pair'}[mechanism]))
    return ('compliant' if not reasons else 'out of policy'), reasons, newest


def _outage_note(disk, copies):
    """What still helps a disk whose AZ is down, from the copies it has."""
    zone = disk.get('availability_zone')
    helps = []
    if any(c['mechanism'] == 'backup' and c['usable'] for c in copies):
        helps.append('its backups can be restored into another AZ (dataprotection.evs.restore)')
    if any(c['mechanism'] == 'replication' and c['usable'] for c in copies):
        helps.append('its replication pair can fail over (dataprotection.evs.failover)')
    return "disk %s: its AZ %s is down, the disk and its snapshots are unavailable until it is back; %s" % (
        disk.get('name') or disk.get('id'), zone,
        ' and '.join(helps) if helps else 'no copy outside that AZ can bring it back elsewhere')


def require_checked_policy(policy):
    """The audit reads what the dr_policy filter adds to each tier (mechanisms, rpo_text...)."""
    tiers = policy.get('tiers') if isinstance(policy, dict) else None
    if not (isinstance(policy, dict) and policy.get('name') and isinstance(tiers, list) and tiers
            and all(isinstance(t, dict) and CHECKED_TIER_KEYS <= set(t) for t in tiers)):
        name = policy.get('name') if isinstance(policy, dict) else None
        raise PolicyError(repr(name) if name else '(unnamed)', [
            'the audit takes the checked policy that the dataprotection.evs.dr_policy filter returns '
            '(a name and tiers with %s), not this %s' % (', '.join(sorted(CHECKED_TIER_KEYS)), type(policy).__name__)])


def audit(disks, policy, now, snapshots=None, backups=None, pairs=None, groups=None, zones=None, vaults=None,
          backup_policies=None):
    """The report (a dict that serialises to JSON). ``zones``: {AZ: up} (disk_info zones=true);
    ``vaults`` and ``backup_policies`` tell which backups the policy made (``policy_backups``)."""
    if zones is not None and not (isinstance(zones, dict) and all(isinstance(up, bool) for up in zones.values())):
        raise PolicyError('(audit)', ['zones must map each availability zone to whether it is up (true/false), '
                                      'as disk_info returns it with zones: true, not %r' % (zones,)])
    with bulk_records():
        return _audit(disks, policy, now, snapshots, backups, pairs, groups, zones or {}, vaults, backup_policies)


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
        for gone in missing:
            # a disk the policy names and the cloud does not have is unprotected by definition:
            # reported, so that the rest of the report is still written
            rows.append({'tier': tier['name'], 'failure': tier['failure'], 'rpo': tier['rpo'],
                         'rpo_text': tier['rpo_text'], 'mechanisms': tier['mechanisms'],
                         'disk_id': gone.get('id'), 'disk_name': gone.get('name'),
                         'availability_zone': None, 'disk_status': 'missing', 'availability_zone_up': True,
                         'notes': [], 'copies': [], 'newest_surviving_age': None,
                         'copies_per_mechanism': {'snapshot': 0, 'backup': 0, 'replication': 0},
                         'verdict': 'missing', 'reasons': [gone['reason'] + ' (deleted or renamed?)']})
        for disk in covered:
            copies, counts = _disk_copies(moment, disk, policy, snapshots_of, backups_of, pairs, groups, zones, owned)
            verdict, reasons, newest = _verdict(tier, disk, copies, zones)
            az_up = zones.get(disk.get('availability_zone'), True)
            rows.append({'tier': tier['name'], 'failure': tier['failure'], 'rpo': tier['rpo'],
                         'rpo_text': tier['rpo_text'], 'mechanisms': tier['mechanisms'],
                         'disk_id': disk['id'], 'disk_name': disk.get('name'),
                         'availability_zone': disk.get('availability_zone'), 'disk_status': disk.get('status'),
                         'availability_zone_up': az_up,
                         'notes': [] if az_up else [_outage_note(disk, copies)],
                         'copies': copies, 'newest_surviving_age': newest,
                         'copies_per_mechanism': counts,
                         'verdict': verdict, 'reasons': reasons})
    out = [r for r in rows if r['verdict'] != 'compliant']
    problems = []
    if not rows:
        # nothing covered proves nothing: "0 of 0 disks compliant" is a selector that missed
        problems.append('policy %s covers no disk: no disk carries the selectors of its tiers (%s), so nothing is '
                        'protected and nothing could be judged; check the tiers\' disks selectors against the '
                        "disks' metadata, names and ids" % (policy['name'], ', '.join(empty)))
    return {'policy': policy['name'], 'cloud_time': format_time(moment), 'disks': rows,
            'summary': {'disks': len(rows), 'compliant': len(rows) - len(out), 'out_of_policy': len(out),
                        'empty_tiers': empty},
            'problems': problems, 'compliant': bool(rows) and not out}
