# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR policies: check a declared policy against what the cloud's mechanisms can do, map each
tier onto mechanisms, select the disks a tier covers, and name the RPO slots.

The mapping (the seed's table):

| mechanism   | copy lives                    | RPO                    | survives             |
| snapshot    | with the disk (same AZ)       | point in time, any > 0 | a lost/corrupted disk |
| backup      | object storage (region)       | point in time, >= 1 h  | the loss of an AZ     |
| replication | DR disks in another AZ <100km | 0 (continuous)         | the loss of an AZ     |

None of them survives the loss of a region.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, format_time, normalize_retention, parse_duration, parse_time)

FAILURES = ('disk', 'az', 'region')
MECHANISMS = ('snapshot', 'backup', 'replication')
BACKUP_MIN_RPO = 3600          # CBR policy times are at least one hour apart
REPLICATION_MAX_KM = 100       # SDRS active-active domains are same-city pairs
STANDBY_RTO = 3600             # an AZ-proof RTO below this needs standing DR disks and servers
_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$')
TIER_KEYS = ('name', 'failure', 'rpo', 'rto', 'retention', 'disks', 'mechanisms', 'secondary_az', 'force',
             'description', 'snapshot_every')
SNAPSHOT_STATUSES = ('available', 'in-use')
POLICY_KEYS = ('name', 'tiers', 'description', 'az_distances_km')
REGION_REFUSAL = ("failure 'region' cannot be met by these mechanisms: snapshots stay in the disk's AZ, "
                  "backups in the region's object storage, and replication pairs two AZs of one region "
                  "less than 100 km apart; a copy in another region (for example CBR replication to a "
                  "second region) is outside this collection. Use failure: az for the strongest protection "
                  "these mechanisms give")


class PolicyError(ValueError):
    """A policy that cannot be met; ``problems`` holds one sentence per reason."""

    def __init__(self, name, problems):
        self.problems = problems
        super(PolicyError, self).__init__('policy %s is refused, nothing was changed:\n  - %s'
                                          % (name, '\n  - '.join(problems)))


def human_duration(seconds):
    if seconds == 0:
        return '0'
    for unit, size in (('w', 604800), ('d', 86400), ('h', 3600), ('m', 60)):
        if seconds % size == 0:
            return '%d%s' % (seconds // size, unit)
    return '%ds' % seconds


def distance_km(distances, first, second):
    """The distance between two AZs from a table keyed ``"a/b"`` (either order); None if unknown."""
    for key in ('%s/%s' % (first, second), '%s/%s' % (second, first)):
        if key in (distances or {}):
            return distances[key]
    return None


def _string_list(value, where, problems):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        problems.append('%s must be a list of names or ids' % where)
        return []
    return list(value)


def _disks(value, where, problems):
    if not isinstance(value, dict):
        problems.append('%s must say which disks the tier covers: a dict with metadata (key/value '
                        'pairs a disk must all carry), names and/or ids' % where)
        return {'metadata': {}, 'names': [], 'ids': []}
    unknown = sorted(set(value) - {'metadata', 'names', 'ids'})
    if unknown:
        problems.append('%s has unknown keys %s; use metadata, names, ids' % (where, ', '.join(unknown)))
    metadata = value.get('metadata') or {}
    if not isinstance(metadata, dict):
        problems.append('%s.metadata must be a dict of key/value pairs' % where)
        metadata = {}
    result = {'metadata': dict((str(k), str(v)) for k, v in metadata.items()),
              'names': _string_list(value.get('names'), where + '.names', problems),
              'ids': _string_list(value.get('ids'), where + '.ids', problems)}
    if not (result['metadata'] or result['names'] or result['ids']):
        problems.append('%s selects no disk: give metadata, names or ids' % where)
    return result


def _duration(tier, key, where, problems, required=False):
    if tier.get(key) is None:
        if required:
            problems.append('%s.%s is missing: the most data (as a duration: 0, 15m, 1h, 1d) the tier may lose'
                            % (where, key))
        return None
    try:
        return parse_duration(tier[key], '%s.%s' % (where, key))
    except RetentionError as exc:
        problems.append(str(exc))
        return None


def _mechanisms(tier, where, failure, rpo, rto, problems):
    """The mechanisms the tier needs, each with why, or the reasons it cannot be met."""
    chosen = tier.get('mechanisms')
    if chosen is not None:
        chosen = _string_list(chosen, where + '.mechanisms', problems)
        unknown = [m for m in chosen if m not in MECHANISMS]
        if unknown:
            problems.append('%s.mechanisms has unknown %s; choose from %s'
                            % (where, ', '.join(unknown), ', '.join(MECHANISMS)))
            return {}
        if not chosen:
            problems.append('%s.mechanisms is empty; leave it out to derive it from rpo and failure' % where)
            return {}
    reasons = {}
    if rpo is None or failure not in ('disk', 'az'):
        return reasons
    has_retention = tier.get('retention') is not None
    if rpo > 0 or has_retention:
        reasons['snapshot'] = ('point-in-time copies with the disk: fast rollback after lost or corrupted data '
                               '(same AZ only)')
    if failure == 'az':
        if rpo == 0 or (rto is not None and rto < STANDBY_RTO) or rpo < BACKUP_MIN_RPO:
            reasons['replication'] = ('DR disks in %s kept in sync (RPO 0) survive the loss of the disk\'s AZ'
                                      % (tier.get('secondary_az') or 'the secondary AZ'))
        else:
            reasons['backup'] = ('copies in object storage, isolated from the disk, survive the loss of its AZ '
                                 '(restored into any AZ of the region)')
    elif rpo == 0:
        reasons['replication'] = 'RPO 0 needs continuous replication; snapshots and backups are point in time'
    if chosen is None:
        return reasons
    # the user named the mechanisms: check that they can meet the tier
    if rpo == 0 and 'replication' not in chosen:
        problems.append("%s: RPO 0 cannot be met with %s, which copy at points in time; add replication (with "
                        "secondary_az, an AZ less than %d km away) or set an RPO above 0"
                        % (where, ' and '.join(chosen), REPLICATION_MAX_KM))
    if failure == 'az' and not set(chosen) & {'backup', 'replication'}:
        problems.append("%s: surviving the loss of an AZ cannot be met with snapshots only, which live in the "
                        "disk's AZ; add backup (copies in object storage, restorable in any AZ) or replication "
                        "(DR disks in secondary_az)" % where)
    if 'backup' in chosen and 0 < rpo < BACKUP_MIN_RPO and 'replication' not in chosen and 'snapshot' not in chosen:
        problems.append('%s: RPO %s cannot be met with backups, which run at most once an hour; set rpo: 1h or '
                        'more, or add snapshot or replication' % (where, human_duration(rpo)))
    if failure == 'az' and 0 < rpo < BACKUP_MIN_RPO and 'replication' not in chosen:
        problems.append('%s: surviving the loss of an AZ with RPO %s needs replication: backups, the only other '
                        'copy outside the AZ, run at most once an hour; add replication or set rpo: 1h or more'
                        % (where, human_duration(rpo)))
    if 'snapshot' in chosen and rpo == 0 and not has_retention:
        problems.append('%s: snapshots need a retention (how many copies to keep)' % where)
    return dict((m, reasons.get(m, 'chosen in the policy')) for m in MECHANISMS if m in chosen)


def check_policy(policy):
    """The policy, checked and normalized, or PolicyError with every reason at once."""
    problems = []
    if not isinstance(policy, dict):
        raise PolicyError('(unnamed)', ['the policy must be a dict with name and tiers, not %r' % (policy,)])
    name = policy.get('name')
    if not isinstance(name, str) or not _NAME_RE.match(name):
        problems.append('the policy name %r must be 1 to 40 letters, digits, - or _ (it goes into snapshot '
                        'names and the dp_evs_policy metadata mark)' % (name,))
        name = str(name)
    unknown = sorted(set(policy) - set(POLICY_KEYS))
    if unknown:
        problems.append('the policy has unknown keys %s; the keys are %s' % (', '.join(unknown), ', '.join(POLICY_KEYS)))
    distances = policy.get('az_distances_km') or {}
    if not isinstance(distances, dict):
        problems.append('az_distances_km must map "az-a/az-b" to kilometres')
        distances = {}
    tiers = policy.get('tiers')
    if not isinstance(tiers, list) or not tiers:
        problems.append('the policy has no tiers: give a list of tiers, each with name, failure, rpo, retention '
                        'and disks')
        tiers = []
    result = {'name': name, 'description': policy.get('description') or '', 'az_distances_km': distances,
              'tiers': []}
    seen = set()
    for index, tier in enumerate(tiers):
        where = 'tier %d' % (index + 1)
        if not isinstance(tier, dict):
            problems.append('%s must be a dict' % where)
            continue
        tier_name = tier.get('name')
        if not isinstance(tier_name, str) or not _NAME_RE.match(tier_name):
            problems.append('%s: the name %r must be 1 to 40 letters, digits, - or _' % (where, tier_name))
        else:
            where = "tier '%s'" % tier_name
            if tier_name in seen:
                problems.append('%s is declared twice; tier names must be unique' % where)
            seen.add(tier_name)
        unknown = sorted(set(tier) - set(TIER_KEYS))
        if unknown:
            problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(TIER_KEYS)))
        failure = tier.get('failure')
        if failure == 'region':
            problems.append('%s: %s' % (where, REGION_REFUSAL))
        elif failure not in FAILURES:
            problems.append("%s.failure must be disk (lost or corrupted data on the disk) or az (the loss of the "
                            "disk's AZ), not %r" % (where, failure))
        rpo = _duration(tier, 'rpo', where, problems, required=True)
        rto = _duration(tier, 'rto', where, problems)
        retention = None
        if tier.get('retention') is not None:
            try:
                retention = normalize_retention(tier['retention'], '%s.retention' % where)
            except RetentionError as exc:
                problems.append(str(exc))
        mechanisms = _mechanisms(tier, where, failure, rpo, rto, problems)
        if set(mechanisms) & {'snapshot', 'backup'} and tier.get('retention') is None:
            problems.append('%s.retention is missing: %s keep point-in-time copies, so say how many (for example '
                            '{last: 3, daily: 7, weekly: 4})' % (where, ' and '.join(m + 's' for m in mechanisms
                                                                                     if m != 'replication')))
        secondary = tier.get('secondary_az')
        if 'replication' in mechanisms and not secondary:
            problems.append('%s needs replication (%s), which needs secondary_az: an AZ of the region less than '
                            '%d km from the disks\' AZ' % (where, mechanisms['replication'], REPLICATION_MAX_KM))
        every = _duration(tier, 'snapshot_every', where, problems)
        if 'snapshot' in mechanisms and rpo is not None:
            if every is None:
                every = rpo or (3600 if (retention or {}).get('hourly') else 86400)
            elif every == 0:
                problems.append('%s.snapshot_every must be above 0' % where)
            elif rpo and every > rpo:
                problems.append('%s: snapshots every %s cannot meet RPO %s; set snapshot_every to %s or less, or '
                                'leave it out' % (where, human_duration(every), human_duration(rpo), human_duration(rpo)))
        force = tier.get('force', True)
        if not isinstance(force, bool):
            problems.append('%s.force must be true or false' % where)
        result['tiers'].append({
            'name': tier_name, 'description': tier.get('description') or '', 'failure': failure,
            'rpo': rpo, 'rpo_text': human_duration(rpo) if rpo is not None else None, 'rto': rto,
            'retention': retention, 'disks': _disks(tier.get('disks'), where + '.disks', problems),
            'mechanisms': sorted(mechanisms, key=MECHANISMS.index), 'mechanism_reasons': mechanisms,
            'secondary_az': secondary, 'force': force,
            'snapshot_every': every if 'snapshot' in mechanisms else None,
        })
    if problems:
        raise PolicyError(name, problems)
    return result


def select_disks(disks, tier, policy=None):
    """The disks a (normalized) tier covers, in name order: those that carry all its metadata
    pairs, or are named, or have a listed id. A named disk or id that is missing, an ambiguous
    name, or a disk the tier cannot protect (secondary AZ equal to or too far from the disk's)
    raises PolicyError."""
    problems = []
    where = "tier '%s'" % tier['name']
    wanted = tier['disks']
    chosen = {}
    for disk in disks or []:
        meta = disk.get('metadata') or {}
        if wanted['metadata'] and all(str(meta.get(k)) == v for k, v in wanted['metadata'].items()):
            chosen[disk['id']] = disk
    for name in wanted['names']:
        named = [d for d in disks or [] if d.get('name') == name]
        if not named:
            problems.append("%s names disk '%s', which does not exist" % (where, name))
        elif len(named) > 1:
            problems.append("%s names disk '%s', but %d disks have that name; list it under ids instead (%s)"
                            % (where, name, len(named), ', '.join(d['id'] for d in named)))
        else:
            chosen[named[0]['id']] = named[0]
    for disk_id in wanted['ids']:
        found = [d for d in disks or [] if d.get('id') == disk_id]
        if not found:
            problems.append("%s lists disk id %s, which does not exist" % (where, disk_id))
        else:
            chosen[disk_id] = found[0]
    distances = (policy or {}).get('az_distances_km') or {}
    if 'replication' in tier['mechanisms'] and tier.get('secondary_az'):
        for disk in chosen.values():
            zone = disk.get('availability_zone')
            if zone == tier['secondary_az']:
                problems.append("%s: disk '%s' is in %s, the tier's secondary_az; replication needs another AZ"
                                % (where, disk.get('name'), zone))
                continue
            km = distance_km(distances, zone, tier['secondary_az'])
            if km is not None and km > REPLICATION_MAX_KM:
                problems.append("%s: disk '%s' in %s is %s km from secondary_az %s; replication reaches less than "
                                "%d km: choose an AZ nearer to %s, or protect against the AZ loss with backups "
                                "(rpo 1h or more)" % (where, disk.get('name'), zone, km, tier['secondary_az'],
                                                      REPLICATION_MAX_KM, zone))
    if problems:
        raise PolicyError((policy or {}).get('name', '(unnamed)'), problems)
    return sorted(chosen.values(), key=lambda d: (d.get('name') or '', d['id']))


def rpo_slot(now, rpo):
    """The start of the RPO slot ``now`` falls in (slots are ``rpo`` long, counted from the Unix
    epoch on the cloud's clock), as ``YYYYMMDDTHHMMZ``; one copy per slot keeps the RPO."""
    moment = parse_time(now, 'now (the cloud time)')
    seconds = parse_duration(rpo, 'rpo')
    if seconds <= 0:
        raise RetentionError('rpo must be above 0 to cut time into slots, not %r' % (rpo,))
    epoch = datetime.datetime(1970, 1, 1)
    elapsed = int((moment - epoch).total_seconds())
    start = epoch + datetime.timedelta(seconds=elapsed - elapsed % seconds)
    return {'start': format_time(start), 'stamp': start.strftime('%Y%m%dT%H%MZ'),
            'end': format_time(start + datetime.timedelta(seconds=seconds))}


def snapshot_name(policy_name, tier_name, stamp):
    return '%s-%s-%s' % (policy_name, tier_name, stamp)


def policy_targets(disks, policy, now, mechanism='snapshot'):
    """Every (tier, disk) pair of a checked policy whose tier uses ``mechanism``, with the copy
    that is due in the current slot: ``name`` (``<policy>-<tier>-<slot stamp>``), the ``metadata``
    mark, ``force``, and ``skip`` (why the disk cannot be copied now, or None). A disk covered by
    two tiers gets a copy for each. Raises PolicyError like ``select_disks``."""
    targets = []
    problems = []
    for tier in policy['tiers']:
        if mechanism not in tier['mechanisms']:
            continue
        try:
            covered = select_disks(disks, tier, policy)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        every = tier.get('snapshot_every') or tier['rpo']
        slot = rpo_slot(now, every)
        for disk in covered:
            status = disk.get('status')
            skip = None
            if status not in SNAPSHOT_STATUSES:
                skip = "disk '%s' is %s; only available or in-use disks can be copied" % (disk.get('name'), status)
            elif status == 'in-use' and not tier['force']:
                skip = "disk '%s' is in-use and tier '%s' has force: false" % (disk.get('name'), tier['name'])
            targets.append({
                'policy': policy['name'], 'tier': tier['name'], 'mechanism': mechanism,
                'disk_id': disk['id'], 'disk_name': disk.get('name'), 'availability_zone': disk.get('availability_zone'),
                'disk_status': status, 'every': every, 'slot': slot,
                'name': snapshot_name(policy['name'], tier['name'], slot['stamp']),
                'metadata': {'dp_evs_policy': policy['name'], 'dp_evs_tier': tier['name']},
                'force': tier['force'], 'skip': skip,
            })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return targets
