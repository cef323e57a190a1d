# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DR audit: for every disk a policy covers, the copies per mechanism, their age on the
cloud's clock against the tier's RPO, where they live against the failure the tier must
survive, and the verdict (its HTML page: audit_html.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import operator

from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import OTHER_REGION, SAME_AZ, human_age
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    PolicyError, human_duration, select_disks, select_servers)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    bulk_records, format_time, parse_time, require_records)

# what the audit reads of each tier, all added or checked by the dr_policy filter
CHECKED_TIER_KEYS = frozenset(('name', 'failure', 'rpo', 'rpo_text', 'mechanisms', 'disks'))
_AGE = operator.itemgetter('age')


def _disk_copies(now, disk, policy, indexes, zones):
    """The disk's copies, every mechanism asked (``indexes``: each with what its ``audit_index``
    prepared): the points in time by age, newest first, then the continuous replicas; and their
    count per mechanism. ``zones`` maps an AZ to whether it is up."""
    points, replicas, counts = [], [], {}
    for mechanism, index in indexes:
        found = mechanism.audit_copies(index, disk, now, policy, zones)
        counts[mechanism.name] = len(found)
        (replicas if mechanism.continuous else points).extend(found)
    points.sort(key=_AGE)
    return points, replicas, counts


def _survives(copy, failure):
    """Whether the copy can bring the disk back after a ``failure`` of the tier's kind: usable, and
    outside the disk's AZ when the AZ is what fails, in another region when the region is."""
    age = copy['age']
    if failure == 'region' and not copy['location'].startswith(OTHER_REGION):
        return False
    return (age is not None and age >= 0 and copy['usable']
            and (failure == 'disk' or not copy['location'].startswith(SAME_AZ)))


def _newest_surviving(failure, points, replicas):
    """The age of the newest copy that survives ``failure``, None when none does. ``points`` by
    age: only the first that survives can be the newest."""
    ages = [copy['age'] for copy in replicas if _survives(copy, failure)]
    newest_point = next((copy for copy in points if _survives(copy, failure)), None)
    if newest_point is not None:
        ages.append(newest_point['age'])
    return min(ages) if ages else None


def _stopped_outside(copies):
    """Whether a replica outside the disk's AZ is among ``copies``, stopped (a failed-over group): the
    copies do not all share the disk's AZ, replication is what is missing."""
    return any(c.get('live') is False and not c['location'].startswith(SAME_AZ) for c in copies)


def _verdict(tier, disk, points, replicas, zones):
    reasons = []
    rpo = tier['rpo']
    newest = _newest_surviving(tier['failure'], points, replicas)
    copies = points + replicas
    down = sorted(set(zone for zone, up in zones.items() if not up))
    if copies and newest is None and any(not c['usable'] for c in copies):
        reasons.append('no usable copy: %s %s down, and the copies there cannot be used until it is back%s' % (
            ', '.join(down), 'is' if len(down) == 1 else 'are',
            '' if tier['failure'] == 'az' else "; a tier that must survive the loss of an AZ (failure: az) "
            "keeps backups or replication outside the disk's AZ"))
    if not copies:
        reasons.append('no copy at all')
    elif tier['failure'] == 'az' and newest is None and not _stopped_outside(copies):
        reasons.append("its only copies share its AZ (%s); the tier must survive the loss of the AZ, which needs a "
                       "backup or replication" % disk.get('availability_zone'))
    elif tier['failure'] == 'region' and newest is None:
        reasons.append("its only copies are in its own region; the tier must survive the loss of the region, which "
                       "needs a replica in another region (region_replication)")
    elif newest is None:
        if not reasons:
            reasons.append('no usable copy (replication stopped)')
    elif newest > rpo:
        reasons.append('stale: the newest copy that survives a %s failure is %s old, the RPO is %s'
                       % (tier['failure'], human_age(newest), human_duration(rpo)))
    for mechanism in tier['mechanisms']:
        if not any(c['mechanism'] == mechanism and c['age'] is not None for c in copies):
            reasons.append('the tier uses %s, but the disk has no %s' % (
                mechanism, registry.get(mechanism).missing_copy()))
    return ('compliant' if not reasons else 'out of policy'), reasons, newest


def _outage_note(disk, copies):
    """What still helps a disk whose AZ is down, from the copies it has."""
    zone = disk.get('availability_zone')
    usable = set(c['mechanism'] for c in copies if c['usable'])
    helps = [m.outage_help for m in registry.all_mechanisms() if m.outage_help and m.name in usable]
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
          backup_policies=None, replicas=None, servers=None):
    """The report (a dict that serialises to JSON). ``zones``: {AZ: up} (disk_info zones=true);
    ``vaults`` and ``backup_policies`` tell which backups the policy made (``policy_backups``);
    ``replicas``: the region tiers' replicas in their destination regions (backup_replica_info);
    ``servers`` (server_info): a tier that selects servers covers the disks attached to them."""
    if zones is not None and not (isinstance(zones, dict) and all(isinstance(up, bool) for up in zones.values())):
        raise PolicyError('(audit)', ['zones must map each availability zone to whether it is up (true/false), '
                                      'as disk_info returns it with zones: true, not %r' % (zones,)])
    with bulk_records():
        return _audit(disks, policy, now, snapshots, backups, pairs, groups, zones or {}, vaults, backup_policies,
                      replicas, servers)


def _server_tier_disks(disks, tier, servers, policy):
    """The disks attached to the servers a server tier selects, in name order."""
    where = "tier '%s'" % tier['name']
    if servers is None:
        raise PolicyError(policy['name'], ['%s selects servers: the audit needs the servers (server_info), to '
                                           'find their disks' % where])
    chosen, problems = select_servers(require_records(servers, 'servers'), tier['servers'], where + '.servers')
    if problems:
        raise PolicyError(policy['name'], problems)
    attached = set(disk_id for server in chosen for disk_id in server.get('disk_ids') or ())
    return sorted((d for d in disks if d['id'] in attached), key=lambda d: (d.get('name') or '', d['id']))


def _tier_columns(tier):
    return {'tier': tier['name'], 'failure': tier['failure'], 'rpo': tier['rpo'], 'rpo_text': tier['rpo_text'],
            'mechanisms': tier['mechanisms']}


def audit_report(policy, cloud_time, rows, empty):
    """The audit's report of ``rows`` (``empty``: the tiers that cover no disk)."""
    out = [r for r in rows if r['verdict'] != 'compliant']
    problems = []
    if not rows:
        # nothing covered proves nothing: "0 of 0 disks compliant" is a selector that missed
        problems.append('policy %s covers no disk: no disk carries the selectors of its tiers (%s), so nothing is '
                        'protected and nothing could be judged; check the tiers\' disks selectors against the '
                        "disks' metadata, names and ids" % (policy['name'], ', '.join(empty)))
    return {'policy': policy['name'], 'cloud_time': cloud_time, 'disks': rows,
            'summary': {'disks': len(rows), 'compliant': len(rows) - len(out), 'out_of_policy': len(out),
                        'empty_tiers': empty},
            'problems': problems, 'compliant': bool(rows) and not out}


def missing_disk_row(tier, gone, no_copies):
    """The audit row of a disk the policy names and the cloud does not have: unprotected by
    definition, reported so that the rest of the report is still written."""
    return dict(_tier_columns(tier), disk_id=gone.get('id'), disk_name=gone.get('name'), availability_zone=None,
                disk_status='missing', availability_zone_up=True, notes=[], copies=[], newest_surviving_age=None,
                copies_per_mechanism=dict(no_copies), verdict='missing',
                reasons=[gone['reason'] + ' (deleted or renamed?)'])


def disk_row(tier, disk, zones, copies, newest, counts, verdict, reasons):
    """The audit row of a disk of ``tier`` with its copies and verdict (``zones``: which are up)."""
    az_up = zones.get(disk.get('availability_zone'), True)
    return dict(_tier_columns(tier), disk_id=disk['id'], disk_name=disk.get('name'),
                availability_zone=disk.get('availability_zone'), disk_status=disk.get('status'),
                availability_zone_up=az_up,
                notes=([] if az_up else [_outage_note(disk, copies)]) + [c['note'] for c in copies if c.get('note')],
                copies=copies,
                newest_surviving_age=newest, copies_per_mechanism=counts, verdict=verdict, reasons=reasons)


def _audit(disks, policy, now, snapshots, backups, pairs, groups, zones, vaults, backup_policies, replicas, servers):
    moment = parse_time(now, 'now (the cloud time)')
    disks = require_records(disks, 'disks')
    snapshots, backups, pairs, groups, vaults, backup_policies, replicas = [
        require_records(value, what, optional=True) for value, what in (
            (snapshots, 'snapshots'), (backups, 'backups'), (pairs, 'replication pairs'), (groups, 'protection groups'),
            (vaults, 'vaults'), (backup_policies, 'backup policies'), (replicas, 'replicas'))]
    require_checked_policy(policy)
    sources = dict(snapshots=snapshots, backups=backups, pairs=pairs, groups=groups, vaults=vaults,
                   backup_policies=backup_policies, replicas=replicas)
    indexes = [(m, m.audit_index(sources, policy)) for m in registry.all_mechanisms()]
    no_copies = dict((m.name, 0) for m, _index in indexes)
    rows, empty = [], []
    for tier in policy['tiers']:
        missing = []
        if tier.get('servers') is not None:
            covered = _server_tier_disks(disks, tier, servers, policy)
        else:
            covered = select_disks(disks, tier, policy, pairs, missing)
        if not covered and not missing:
            empty.append(tier['name'])
        rows.extend(missing_disk_row(tier, gone, no_copies) for gone in missing)
        for disk in covered:
            points, replicas, counts = _disk_copies(moment, disk, policy, indexes, zones)
            verdict, reasons, newest = _verdict(tier, disk, points, replicas, zones)
            rows.append(disk_row(tier, disk, zones, points + replicas, newest, counts, verdict, reasons))
    return audit_report(policy, format_time(moment), rows, empty)
