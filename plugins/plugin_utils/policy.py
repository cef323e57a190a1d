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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    LONG_TERM_MAX, RETENTION_LIMITS, VAULT_SIZE, retention_problem)
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import with_pair_sides
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    PERIODS, RETENTION_KEYS, RetentionError, format_time, normalize_retention, parse_duration, parse_time,
    require_records)

FAILURES = ('disk', 'az', 'region')
MECHANISMS = ('snapshot', 'backup', 'replication')
BACKUP_MIN_RPO = 3600          # CBR policy times are at least one hour apart
REPLICATION_MAX_KM = 100       # SDRS active-active domains are same-city pairs
STANDBY_RTO = 3600             # an AZ-proof RTO below this needs standing DR disks and servers
CLOUD_NAME_MAX = 64            # CBR vault, policy and backup names; SDRS group names
SLOT_STAMP_LEN = len('-20260101T0000Z')
CBR_LONG_TERM_MAX = LONG_TERM_MAX                                    # day/week/month/year_backups
VBS_COUNT_RANGE = RETENTION_LIMITS['vbs']['max_backups']              # VBS rentention_num
VBS_DAYS_MIN = RETENTION_LIMITS['vbs']['retention_duration_days'][0]  # VBS rentention_day
# generational periods -> (CBR long-term key, the days one period spans at most)
LONG_TERM = (('daily', 'day_backups', 1), ('weekly', 'week_backups', 7), ('monthly', 'month_backups', 31),
             ('yearly', 'year_backups', 366))
_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$')
# no '-' in a tier name: resources are named <policy>-<tier>[-<slot>], read from the right, so
# policy 'db' tier 'prod-daily' and policy 'db-prod' tier 'daily' can never name the same copy
_TIER_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_]{0,39}$')
# the slot stamp in copy names is to the minute: two slots shorter than that would share a name
SLOT_MIN = 60
TIER_KEYS = ('name', 'failure', 'rpo', 'rto', 'retention', 'snapshot_retention', 'disks', 'mechanisms',
             'secondary_az', 'force', 'description', 'snapshot_every')
SNAPSHOT_STATUSES = ('available', 'in-use')
POLICY_KEYS = ('name', 'tiers', 'description', 'az_distances_km', 'snapshots_per_disk')
# OTC EVS User Guide "Creating an EVS Snapshot" (evs_01_2721): "You can manually create a maximum
# of seven snapshots for a disk" (Huawei Cloud: seven legacy snapshots, 256 standard ones); the
# snapshots a backup makes (autobk_snapshot_*, manualbk_snapshot_*) do not count
SNAPSHOTS_PER_DISK = 7
# calendar periods that start on the Unix epoch's grid: a slot whose length they divide holds
# whole periods, so each of them holds at most one copy of the tier
EPOCH_ALIGNED_PERIODS = {'hourly': 3600, 'daily': 86400}
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


SELECTOR_KEYS = ('metadata', 'names', 'ids', 'all_disks')
EMPTY_SELECTOR = ('give metadata (key/value pairs a disk must all carry), names or ids, or all_disks: true for '
                  'every disk of the project')


def _metadata_selector(metadata, where, problems):
    """The metadata pairs a disk must carry, as text. The cloud stores metadata values as text, so
    an integer is compared as its decimal text; a boolean (YAML reads an unquoted yes/no/true/
    false/on/off as one), null, a float or a structure cannot be compared to what the disks carry
    and is refused rather than silently selecting nothing or every disk without the key."""
    if metadata is None or metadata == '':
        return {}
    if not isinstance(metadata, dict):
        problems.append('%s.metadata must be a dict of key/value pairs, not %r' % (where, metadata))
        return {}
    pairs = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            problems.append('%s.metadata has the key %r; metadata keys are text: quote it' % (where, key))
            continue
        if isinstance(value, bool):
            problems.append("%s.metadata.%s is the boolean %s (YAML reads an unquoted yes, no, true, false, on or off "
                            "as one), but the cloud stores metadata values as text: quote the value the disks carry, "
                            "for example %s: '%s'" % (where, key, value, key, 'yes' if value else 'no'))
        elif value is None:
            problems.append("%s.metadata.%s has no value (null): give the value the disks carry, in quotes (a "
                            "selector never matches the disks that lack a key)" % (where, key))
        elif isinstance(value, int):
            pairs[key] = str(value)
        elif isinstance(value, str):
            pairs[key] = value
        else:
            problems.append("%s.metadata.%s is %r, but the cloud stores metadata values as text: quote the value the "
                            "disks carry" % (where, key, value))
    return pairs


def check_selector(value, where, problems):
    """A disk selector (``metadata``, ``names``, ``ids``, ``all_disks``) normalized; its problems
    are added to ``problems``. A selector that selects nothing is refused, so an empty or null one
    can never mean every disk: that takes ``all_disks: true``, alone."""
    if not isinstance(value, dict):
        problems.append('%s must say which disks the tier covers: a dict with metadata (key/value pairs a disk '
                        'must all carry), names and/or ids, or all_disks: true' % where)
        return {'metadata': {}, 'names': [], 'ids': [], 'all_disks': False}
    unknown = sorted(set(value) - set(SELECTOR_KEYS), key=str)
    if unknown:
        problems.append('%s has unknown keys %s; use %s'
                        % (where, ', '.join(str(k) for k in unknown), ', '.join(SELECTOR_KEYS)))
    all_disks = value.get('all_disks', False)
    if not isinstance(all_disks, bool):
        problems.append('%s.all_disks must be true or false, not %r' % (where, all_disks))
        all_disks = False
    result = {'metadata': _metadata_selector(value.get('metadata'), where, problems),
              'names': _string_list(value.get('names'), where + '.names', problems),
              'ids': _string_list(value.get('ids'), where + '.ids', problems),
              'all_disks': all_disks}
    given = [k for k in ('metadata', 'names', 'ids') if value.get(k) not in (None, {}, [], '')]
    if all_disks and given:
        problems.append('%s: all_disks: true selects every disk; leave out %s, or all_disks'
                        % (where, ', '.join(given)))
    elif not all_disks and not given:
        problems.append('%s selects no disk: %s' % (where, EMPTY_SELECTOR))
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
    has_retention = tier.get('retention') is not None or tier.get('snapshot_retention') is not None
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
        if not isinstance(tier_name, str) or not _TIER_NAME_RE.match(tier_name):
            problems.append("%s: the name %r must be 1 to 40 letters, digits or _ (no -: copies are named "
                            "<policy>-<tier>-<slot>, and a - in a tier name would let policy 'db' tier 'prod-daily' "
                            "and policy 'db-prod' tier 'daily' name the same copies)" % (where, tier_name))
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
        retention = _retention(tier, 'retention', where, problems)
        snapshot_retention = _retention(tier, 'snapshot_retention', where, problems)
        mechanisms = _mechanisms(tier, where, failure, rpo, rto, problems)
        if tier.get('snapshot_retention') is not None and 'snapshot' not in mechanisms:
            problems.append('%s takes no snapshots (its mechanisms are %s); leave out snapshot_retention'
                            % (where, ', '.join(mechanisms) or 'none'))
        elif tier.get('snapshot_retention') is not None and 'backup' not in mechanisms:
            problems.append('%s keeps no backups, so its retention is the retention of its snapshots; leave out '
                            'snapshot_retention and set retention, or add backup to the tier\'s mechanisms to keep '
                            'the longer copies as backups' % where)
        snapshot_retention = snapshot_retention or retention
        if set(mechanisms) & {'snapshot', 'backup'} and tier.get('retention') is None:
            problems.append('%s.retention is missing: %s keep point-in-time copies, so say how many (for example '
                            '{last: 2, daily: 5})' % (where, ' and '.join(m + 's' for m in mechanisms
                                                                          if m != 'replication')))
        secondary = tier.get('secondary_az')
        if 'replication' in mechanisms and not secondary:
            problems.append('%s needs replication (%s), which needs secondary_az: an AZ of the region less than '
                            '%d km from the disks\' AZ' % (where, mechanisms['replication'], REPLICATION_MAX_KM))
        every = _duration(tier, 'snapshot_every', where, problems)
        if 'snapshot' in mechanisms and rpo is not None:
            if every is None:
                every = rpo or (3600 if (snapshot_retention or {}).get('hourly') else 86400)
            elif every == 0:
                problems.append('%s.snapshot_every must be above 0' % where)
            elif rpo and every > rpo:
                problems.append('%s: snapshots every %s cannot meet RPO %s; set snapshot_every to %s or less, or '
                                'leave it out' % (where, human_duration(every), human_duration(rpo), human_duration(rpo)))
            if 0 < every < SLOT_MIN:
                problems.append(_below_slot_min(where, tier, rpo, every, mechanisms))
        force = tier.get('force', True)
        if not isinstance(force, bool):
            problems.append('%s.force must be true or false' % where)
        if isinstance(tier_name, str) and _TIER_NAME_RE.match(tier_name) and _NAME_RE.match(name):
            resource_name = resource_base(name, tier_name)
            if 'backup' in mechanisms and len(resource_name) + SLOT_STAMP_LEN > CLOUD_NAME_MAX:
                problems.append('%s: the backup names <policy>-<tier>-<slot> (%s...) would be longer than the %d '
                                'characters CBR and VBS allow; shorten the policy or tier name'
                                % (where, resource_name, CLOUD_NAME_MAX))
            if 'replication' in mechanisms and len(resource_name) > CLOUD_NAME_MAX:
                problems.append('%s: the protection group name %s would be longer than the %d characters SDRS '
                                'allows; shorten the policy or tier name' % (where, resource_name, CLOUD_NAME_MAX))
        backup = None
        if 'backup' in mechanisms and rpo is not None and retention is not None:
            backup = backup_settings(rpo, retention)
        result['tiers'].append({
            'name': tier_name, 'description': tier.get('description') or '', 'failure': failure,
            'rpo': rpo, 'rpo_text': human_duration(rpo) if rpo is not None else None, 'rto': rto,
            'retention': retention, 'disks': check_selector(tier.get('disks'), where + '.disks', problems),
            'snapshot_retention': snapshot_retention if 'snapshot' in mechanisms else None,
            'mechanisms': sorted(mechanisms, key=MECHANISMS.index), 'mechanism_reasons': mechanisms,
            'secondary_az': secondary, 'force': force,
            'snapshot_every': every if 'snapshot' in mechanisms else None,
            'backup': backup,
        })
    result['snapshots_per_disk'] = _snapshots_per_disk(policy, problems)
    if not problems:
        problems.extend(snapshot_limit_problems(result))
    if problems:
        raise PolicyError(name, problems)
    return result


def _retention(tier, key, where, problems):
    if tier.get(key) is None:
        return None
    try:
        return normalize_retention(tier[key], '%s.%s' % (where, key))
    except RetentionError as exc:
        problems.append(str(exc))
        return None


def _snapshots_per_disk(policy, problems):
    limit = policy.get('snapshots_per_disk')
    if limit is None:
        return SNAPSHOTS_PER_DISK
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 2:
        problems.append('snapshots_per_disk must be a whole number of 2 or more (the manual snapshots the cloud lets a '
                        'disk have: %d on Open Telekom Cloud), not %r' % (SNAPSHOTS_PER_DISK, limit))
        return SNAPSHOTS_PER_DISK
    return limit


def snapshots_kept(retention, every):
    """The most snapshots a (normalized) retention keeps per disk at once, when one is taken
    every ``every`` seconds, one per slot at any moment of its slot (an upper bound).

    ``last`` N, ``within`` W and the ``hourly``/``daily`` periods whose length divides the slot
    (each such period then holds at most one copy) all keep the newest copies, so together they
    keep as many as the largest of them; ``within`` counts W/every rounded up, plus one for a run
    that came late in its slot. Every other period K keeps the newest copy, which the others keep
    too, and at most K - 1 more."""
    newest = [retention['last']]
    if retention['within']:
        newest.append(-(-retention['within'] // every) + 1)
    others = []
    for key in PERIODS:
        wanted = retention[key]
        if wanted and every % EPOCH_ALIGNED_PERIODS.get(key, every + 1) == 0:
            newest.append(wanted)
        elif wanted:
            others.append(wanted)
    return max(newest + [1]) + sum(wanted - 1 for wanted in others)


def _retention_text(retention):
    return '{%s}' % ', '.join('%s: %s' % (key, human_duration(retention[key]) if key == 'within' else retention[key])
                              for key in RETENTION_KEYS if retention[key])


def selectors_may_overlap(first, second):
    """Whether two normalized selectors can cover the same disk. Only what is sure to differ
    keeps them apart: metadata with a key of different values, or names (ids) that are all
    different; a disk may carry any metadata and any name, so metadata and names (or ids) may
    always meet."""
    if first['all_disks'] or second['all_disks']:
        return True
    for kind in ('metadata', 'names', 'ids'):
        for other in ('metadata', 'names', 'ids'):
            if not first[kind] or not second[other]:
                continue
            if kind != other:
                return True
            if kind == 'metadata':
                if all(second[kind].get(key, value) == value for key, value in first[kind].items()):
                    return True
            elif set(first[kind]) & set(second[kind]):
                return True
    return False


def snapshot_limit_problems(policy):
    """Why a checked policy's snapshots cannot fit the cloud's manual snapshots per disk
    (``snapshots_per_disk``): each tier that snapshots needs what its snapshot retention keeps
    (``snapshots_kept``) plus the copy it takes before pruning, and the tiers that can cover the
    same disk (``selectors_may_overlap``) add up. Empty when they fit."""
    limit = policy['snapshots_per_disk']
    tiers = [t for t in policy['tiers'] if 'snapshot' in t['mechanisms']]
    need = dict((t['name'], snapshots_kept(t['snapshot_retention'], t['snapshot_every']) + 1) for t in tiers)
    fix = ('keep at most %d snapshots per disk; keep longer copies as backups: set snapshot_retention (for example '
           '{last: %d}) for the snapshots and keep the longer retention for the tier\'s backups (add backup to its '
           'mechanisms when it has none), or raise snapshots_per_disk where the cloud keeps more (Huawei Cloud\'s '
           'standard snapshots: 256)' % (limit - 1, limit - 1))
    problems = []
    for tier in tiers:
        if need[tier['name']] > limit:
            problems.append("tier '%s' keeps up to %d snapshots per disk (snapshot retention %s, a snapshot every %s) "
                            "and takes 1 more before pruning: %d, more than the %d manual snapshots the cloud lets a "
                            "disk have (snapshots_per_disk); %s"
                            % (tier['name'], need[tier['name']] - 1, _retention_text(tier['snapshot_retention']),
                               human_duration(tier['snapshot_every']), need[tier['name']], limit, fix))
    if problems:
        return problems
    group = _heaviest_overlap(tiers, need, limit)
    if group:
        problems.append("tiers %s can cover the same disk (their disk selectors may overlap) and keep up to %s "
                        "snapshots per disk and take %d more before pruning: %d, more than the %d manual snapshots "
                        "the cloud lets a disk have (snapshots_per_disk); %s over all the tiers that cover a disk, "
                        "or select disjoint disks (for example different values of one metadata key)"
                        % (', '.join("'%s'" % t['name'] for t in group),
                           ' + '.join(str(need[t['name']] - 1) for t in group), len(group),
                           sum(need[t['name']] for t in group), limit, fix))
    return problems


def _heaviest_overlap(tiers, need, limit, group=(), start=0):
    """Tiers that may all cover one disk and need more than ``limit`` snapshots together, or
    None. A branch stops as soon as all the tiers that could still join fit."""
    total = sum(need[t['name']] for t in group)
    if total > limit:
        return list(group)
    joinable = [t for t in tiers[start:] if all(selectors_may_overlap(t['disks'], other['disks']) for other in group)]
    if total + sum(need[t['name']] for t in joinable) <= limit:
        return None
    for tier in joinable:
        found = _heaviest_overlap(tiers, need, limit, group + (tier,), tiers.index(tier) + 1)
        if found:
            return found
    return None


def _below_slot_min(where, tier, rpo, every, mechanisms):
    """Why snapshots more often than once per SLOT_MIN are refused, and what to set instead."""
    shortest = human_duration(SLOT_MIN)
    if tier.get('snapshot_every') is not None:
        return ('%s.snapshot_every %s is below %s, the shortest the policy honours: snapshots are named by their '
                'slot to the minute; set snapshot_every: %s or more' % (where, human_duration(every), shortest, shortest))
    if 'replication' in mechanisms:
        return ('%s: RPO %s is kept by replication, but snapshots are taken at most once every %s (they are named '
                'by their slot to the minute); set snapshot_every: %s or more, or mechanisms: [replication]'
                % (where, human_duration(rpo), shortest, shortest))
    return ('%s: RPO %s is below %s, the shortest RPO snapshots honour (they are named by their slot to the '
            'minute, so at most one a minute is taken); set rpo: %s or more, or rpo: 0 with replication'
            % (where, human_duration(rpo), shortest, shortest))


def backup_every(rpo, retention):
    """Seconds between a tier's scheduled backups: its RPO, but at least an hour (CBR policy
    times are at least 1 h apart); for an RPO of 0 (replication keeps it) hourly when the
    retention keeps hourly copies, else daily."""
    every = rpo or (3600 if retention.get('hourly') else 86400)
    return max(every, BACKUP_MIN_RPO)


def backup_schedule(every):
    """RRULE patterns (UTC) whose consecutive backups are at most ``every`` seconds apart:
    under a day, every N whole hours from 00:00 (the last gap of the day may be shorter); from a
    day, every N days at 00:00, or every N weeks on Monday when N days are whole weeks."""
    if every < 86400:
        hours = ','.join(str(h) for h in range(0, 24, every // 3600))
        return ['FREQ=DAILY;BYHOUR=%s;BYMINUTE=0' % hours]
    days = every // 86400
    if days % 7 == 0:
        weeks = days // 7
        return ['FREQ=WEEKLY;%sBYDAY=MO;BYHOUR=0;BYMINUTE=0' % ('INTERVAL=%d;' % weeks if weeks > 1 else '')]
    return ['FREQ=DAILY;%sBYHOUR=0;BYMINUTE=0' % ('INTERVAL=%d;' % days if days > 1 else '')]


def _days(seconds):
    return -(-seconds // 86400)


def backup_settings(rpo, retention):
    """How a tier's backups are scheduled and kept, for each backend, as close to the tier's
    generational retention as the service allows; ``notes`` say (per backend) what is kept
    differently, always more rather than less.

    With one backup per ``every`` (at least an hour), ``last`` N and ``hourly`` N keep the same
    N newest backups, so both become a count. CBR keeps either by count (``max_backups``) or by
    age (``retention_duration_days``), plus the newest backup of each of the latest N days,
    weeks, months and years (at most 100 each, in UTC). VBS keeps by count (2..99) or by age
    only, with no long-term periods."""
    every = backup_every(rpo, retention)
    count = max(retention['last'], retention['hourly'])
    count_days = _days(count * every) if count else 0
    within_days = _days(retention['within']) if retention['within'] else 0
    cbr, cbr_notes = {'long_term_retention': {'timezone': 'UTC+00:00'}}, []
    ages = [within_days] if within_days else []
    if retention['within'] % 86400:
        cbr_notes.append('within %s is kept as %d days (CBR counts whole days)'
                         % (human_duration(retention['within']), within_days))
    for key, cbr_key, span in LONG_TERM:
        wanted = retention[key]
        if wanted > CBR_LONG_TERM_MAX:
            ages.append(wanted * span)
            cbr_notes.append('%s %d is more than the %d CBR keeps per period: every backup of the last %d days '
                             'is kept instead' % (key, wanted, CBR_LONG_TERM_MAX, wanted * span))
        cbr['long_term_retention'][cbr_key] = min(wanted, CBR_LONG_TERM_MAX)
    if ages:
        if count:
            ages.append(count_days)
            cbr_notes.append('the newest %d backups are kept by age (%d days): CBR keeps by count or by age, not '
                             'both' % (count, count_days))
        cbr.update(max_backups=-1, retention_duration_days=max(ages))
    else:
        # long-term periods only: the newest backup (which every period keeps anyway) by count
        cbr.update(max_backups=count or 1, retention_duration_days=-1)
    vbs, vbs_notes = {}, []
    spans = [wanted * span for key, _cbr_key, span in LONG_TERM for wanted in [retention[key]] if wanted]
    if spans or within_days:
        days = max(spans + [within_days, count_days, VBS_DAYS_MIN])
        vbs['retention_duration_days'] = days
        if spans:
            vbs_notes.append('VBS has no daily/weekly/monthly/yearly retention: every backup of the last %d days is '
                             'kept' % days)
    elif count > VBS_COUNT_RANGE[1]:
        vbs['retention_duration_days'] = count_days
        vbs_notes.append('%d backups are more than the %d VBS keeps by count: every backup of the last %d days is '
                         'kept' % (count, VBS_COUNT_RANGE[1], count_days))
    else:
        vbs['max_backups'] = max(count, VBS_COUNT_RANGE[0])
        if count < VBS_COUNT_RANGE[0]:
            vbs_notes.append('VBS keeps at least %d backups' % VBS_COUNT_RANGE[0])
    return {'every': every, 'every_text': human_duration(every), 'schedule': backup_schedule(every),
            'cbr': cbr, 'vbs': vbs, 'notes': {'cbr': cbr_notes, 'vbs': vbs_notes}}


def dr_replicas(pairs):
    """{disk id: pair name} of the disks that are the DR side of a replication pair: the side the
    pair's ``priority_station`` does not name (as the inventory's ``replication_dr_disk`` group).
    SDRS writes them from the production side; they are never a source to copy or protect."""
    replicas = {}
    try:
        for pair in require_records(pairs, 'the replication pairs', optional=True):
            side = with_pair_sides(pair).get('dr_volume_id')
            if side:
                replicas[side] = pair.get('name') or pair.get('id')
    except (RetentionError, AttributeError, TypeError, KeyError, IndexError) as exc:
        raise PolicyError('(selection)', ['the replication pairs must be what replication_pair_info returns (%s)'
                                          % exc])
    return replicas


def select_by(disks, wanted, where, pairs=None, secondary=None, missing=None):
    """The disks a normalized selector (``check_selector``) covers, by id, and the problems (a
    named disk or id that is missing or a DR replica, an ambiguous name): those that carry all its
    metadata pairs, or are named, or have a listed id, or every disk with ``all_disks``, never the
    DR side of one of ``pairs``. Given a ``missing`` list, a named disk or id that does not exist
    is added to it ({'name': ...} or {'id': ...}, with the reason) instead of being a problem: the
    audit reports such a disk, where a change would stop."""
    problems, chosen = [], {}

    def absent(key, value, reason):
        if missing is None:
            problems.append(reason)
        else:
            missing.append({key: value, 'reason': reason})

    replicas = dr_replicas(pairs)
    sources = [d for d in disks or [] if d.get('id') not in replicas]
    metadata = wanted.get('metadata') or {}
    for disk in sources:
        meta = disk.get('metadata') or {}
        if wanted.get('all_disks') or (metadata and all(k in meta and str(meta[k]) == v for k, v in metadata.items())):
            chosen[disk['id']] = disk
    for name in wanted.get('names') or ():
        named = [d for d in sources if d.get('name') == name]
        if len(named) > 1 and secondary:
            # without the pairs: a replication pair's DR disk carries its production disk's name, in the secondary AZ
            outside = [d for d in named if d.get('availability_zone') != secondary]
            named = outside if len(outside) == 1 else named
        replica = [d for d in disks or [] if d.get('name') == name and d.get('id') in replicas]
        if not named and replica:
            problems.append("%s names disk '%s', which is the DR replica of replication pair %s; DR replicas are never "
                            "selected: name the production disk" % (where, name, replicas[replica[0]['id']]))
        elif not named:
            absent('name', name, "%s names disk '%s', which does not exist" % (where, name))
        elif len(named) > 1:
            problems.append("%s names disk '%s', but %d disks have that name; list it under ids instead (%s)"
                            % (where, name, len(named), ', '.join(d['id'] for d in named)))
        else:
            chosen[named[0]['id']] = named[0]
    for disk_id in wanted.get('ids') or ():
        found = [d for d in disks or [] if d.get('id') == disk_id]
        if disk_id in replicas:
            problems.append("%s lists disk id %s, which is the DR replica of replication pair %s; DR replicas are "
                            "never selected: list the production disk" % (where, disk_id, replicas[disk_id]))
        elif not found:
            absent('id', disk_id, "%s lists disk id %s, which does not exist" % (where, disk_id))
        else:
            chosen[disk_id] = found[0]
    return chosen, problems


def select_disks(disks, tier, policy=None, pairs=None, missing=None):
    """The disks a (normalized) tier covers, in name order (``select_by``; give the project's
    replication ``pairs`` so that DR replicas are left out). A named disk or id that is missing
    (unless collected in ``missing``) or a DR replica, an ambiguous name, or a disk the tier
    cannot protect (secondary AZ equal to or too far from the disk's) raises PolicyError."""
    where = "tier '%s'" % tier['name']
    secondary = tier.get('secondary_az') if 'replication' in tier['mechanisms'] else None
    chosen, problems = select_by(disks, tier['disks'], where, pairs, secondary, missing)
    distances = (policy or {}).get('az_distances_km') or {}
    if secondary:
        for disk in chosen.values():
            zone = disk.get('availability_zone')
            if zone == secondary:
                problems.append("%s: disk '%s' is in %s, the tier's secondary_az; replication needs another AZ"
                                % (where, disk.get('name'), zone))
                continue
            km = distance_km(distances, zone, secondary)
            if km is not None and km > REPLICATION_MAX_KM:
                problems.append("%s: disk '%s' in %s is %s km from secondary_az %s; replication reaches less than "
                                "%d km: choose an AZ nearer to %s, or protect against the AZ loss with backups "
                                "(rpo 1h or more)" % (where, disk.get('name'), zone, km, secondary,
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
    if seconds < SLOT_MIN:
        raise RetentionError('rpo %s is below %s, the shortest slot: slots are stamped to the minute, so shorter '
                             'slots would share a name' % (human_duration(seconds), human_duration(SLOT_MIN)))
    epoch = datetime.datetime(1970, 1, 1)
    elapsed = int((moment - epoch).total_seconds())
    start = epoch + datetime.timedelta(seconds=elapsed - elapsed % seconds)
    return {'start': format_time(start), 'stamp': start.strftime('%Y%m%dT%H%MZ'),
            'end': format_time(start + datetime.timedelta(seconds=seconds))}


def resource_base(policy_name, tier_name):
    """``<policy>-<tier>``: the name of a tier's vault, backup policy and protection group, and the
    start of its copies' names. Unambiguous because tier names hold no ``-`` (check_policy)."""
    return '%s-%s' % (policy_name, tier_name)


def snapshot_name(policy_name, tier_name, stamp):
    return '%s-%s' % (resource_base(policy_name, tier_name), stamp)


def policy_targets(disks, policy, now, mechanism='snapshot', pairs=None):
    """Every (tier, disk) pair of a checked policy whose tier uses ``mechanism``, with the copy
    that is due in the current slot: ``name`` (``<policy>-<tier>-<slot stamp>``), the ``metadata``
    mark, ``force``, and ``skip`` (why the disk cannot be copied now, or None). A disk covered by
    two tiers gets a copy for each; the DR side of one of ``pairs`` never does. Raises PolicyError
    like ``select_disks``."""
    targets = []
    problems = []
    for tier in policy['tiers']:
        if mechanism not in tier['mechanisms']:
            continue
        try:
            covered = select_disks(disks, tier, policy, pairs)
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


def _covered_tiers(policy, mechanism, tiers, disks, problems, pairs=None):
    """``(tier, the disks it covers, its resources' name <policy>-<tier>)`` for each applied tier
    that uses ``mechanism``; a tier whose selector cannot be applied adds its problems and is left out."""
    for tier in _applied_tiers(policy, mechanism, tiers):
        try:
            covered = select_disks(disks, tier, policy, pairs)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        yield tier, covered, resource_base(policy['name'], tier['name'])


def _applied_tiers(policy, mechanism, tiers=None):
    return [t for t in policy['tiers'] if mechanism in t['mechanisms'] and (not tiers or t['name'] in tiers)]


def _created_at(record):
    try:
        return parse_time(record.get('created_at'), 'created_at')
    except RetentionError:
        return None


BACKUPABLE = ('available', 'in-use')
# A backup in one of these is still being taken (VBS creating; CBR queued, then protecting). A wait
# that timed out or a cancelled job leaves it running: the next run waits for it instead of
# starting a second backup of the disk.
BACKUP_STARTED = ('creating', 'protecting', 'waiting_protect')


def backup_plan(disks, policy, now, vaults=None, policies=None, backups=None, backend='cbr', tiers=None,
                vault_size=0, on_demand=True, pairs=None):
    """For every tier of a checked policy that uses backups (only ``tiers`` when given): the name
    of its vault and backup policy (``<policy>-<tier>``), the covered disks, the vault size, whether
    the vault and policy exist, and the on-demand backups due now: a covered disk whose newest
    available backup (of ``backend``) is older than the tier's backup interval on the cloud's clock
    ``now``, or that has none, gets ``<policy>-<tier>-<slot>``; ``apply`` is false for a tier that
    covers no disk and has no vault or policy yet (nothing to make). Raises PolicyError, before any
    change, when a disk is covered by two backup tiers (a disk is in one vault, or one VBS policy)
    or, for CBR, is in a vault the policy did not make, or when a tier's retention or vault size is
    outside what the service accepts."""
    problems = []
    if backend == 'cbr' and vault_size and not VAULT_SIZE[0] <= vault_size <= VAULT_SIZE[1]:
        problems.append('the vault size %s GB is outside what CBR accepts (%d to %d GB); set it in that range, or 0 '
                        'for twice the size of the covered disks' % (vault_size, VAULT_SIZE[0], VAULT_SIZE[1]))
    moment = parse_time(now, 'now (the cloud time)')
    vaults, policies, backups = vaults or [], policies or [], backups or []
    plans, owner = [], {}
    for tier, covered, name in _covered_tiers(policy, 'backup', tiers, disks, problems, pairs):
        settings = tier['backup']
        problems.extend("tier '%s': its retention needs a %s policy with %s; keep fewer copies or for less time"
                        % (tier['name'], backend.upper(), problem) for problem in
                        (retention_problem(backend, option, settings[backend].get(option))
                         for option in sorted(RETENTION_LIMITS[backend])) if problem)
        vault = next((v for v in vaults if v.get('name') == name), None) if backend == 'cbr' else None
        for disk in covered:
            if disk['id'] in owner:
                problems.append("disk '%s' is covered by backup tiers '%s' and '%s'; a disk can be in one vault (or "
                                "one VBS policy) only: select it in one of them" % (disk.get('name'), owner[disk['id']],
                                                                                    tier['name']))
            owner[disk['id']] = tier['name']
            if backend == 'cbr':
                for other in vaults:
                    if other.get('name') != name and disk['id'] in (other.get('resource_ids') or []):
                        problems.append("tier '%s': disk '%s' is in vault '%s', which the policy did not make; a disk "
                                        "can be in one vault only: remove it there first (vault resources)"
                                        % (tier['name'], disk.get('name'), other.get('name')))
        size = vault_size or max(VAULT_SIZE[0], 2 * sum(int(d.get('size') or 0) for d in covered),
                                 int((vault or {}).get('size') or 0))
        if backend == 'cbr' and size > VAULT_SIZE[1]:
            problems.append("tier '%s': its vault would need %d GB (twice the covered disks), more than the %d GB CBR "
                            "allows; set the vault size, or split the tier" % (tier['name'], size, VAULT_SIZE[1]))
        slot = rpo_slot(now, settings['every'])
        due, waiting, skipped = [], [], []
        for disk in covered if on_demand else []:
            backup_name = '%s-%s' % (name, slot['stamp'])
            own = [b for b in backups if b.get('disk_id') == disk['id'] and (b.get('backend') or 'cbr') == backend]
            running = [b for b in own if b.get('status') in BACKUP_STARTED]
            if not running and any(b.get('name') == backup_name for b in own):
                continue
            times = [t for t in (_created_at(b) for b in own if b.get('status') == 'available') if t is not None]
            newest = max(times) if times else None
            age = int((moment - newest).total_seconds()) if newest else None
            if age is not None and age <= settings['every']:
                continue
            if running:
                started = _created_at(running[0])
                waiting.append({'disk_id': disk['id'], 'disk_name': disk.get('name'), 'name': running[0].get('name'),
                                'id': running[0].get('id'), 'tier': tier['name'],
                                'reason': 'backup %s%s is still %s' % (
                                    running[0].get('name'), ' (started %s ago)' % human_duration(
                                        int((moment - started).total_seconds())) if started else '',
                                    running[0].get('status'))})
                continue
            if disk.get('status') not in BACKUPABLE:
                skipped.append("disk '%s' is %s; only available or in-use disks can be backed up"
                               % (disk.get('name'), disk.get('status')))
                continue
            due.append({'disk_id': disk['id'], 'disk_name': disk.get('name'), 'name': backup_name,
                        'tier': tier['name'], 'vault': name if backend == 'cbr' else None,
                        'vault_exists': vault is not None,
                        'reason': ('no backup yet' if newest is None else 'newest backup is %s old, more than %s'
                                   % (human_duration(age), settings['every_text']))})
        policy_exists = any(p.get('name') == name and p.get('backend', backend) == backend for p in policies)
        plans.append({
            'tier': tier['name'], 'name': name, 'rpo_text': tier['rpo_text'], 'backup': settings,
            'notes': settings['notes'][backend], 'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered],
            'disk_ids': sorted(d['id'] for d in covered), 'vault_size': size,
            'vault_exists': vault is not None, 'policy_exists': policy_exists,
            # a tier that covers no disk gets no (billed, empty) vault; one that had disks is emptied
            'apply': bool(covered) or vault is not None or policy_exists,
            'due': due, 'waiting': waiting, 'skipped': skipped,
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans


def _one(values):
    return values[0] if len(values) == 1 else None


def replication_plan(disks, policy, groups=None, instances=None, pairs=None, tiers=None, region_zones=None):
    """For every tier of a checked policy that uses replication (only ``tiers`` when given): its
    protection group ``<policy>-<tier>`` from the covered disks' AZ to ``secondary_az`` (and
    whether it exists), a protected instance per server a covered disk is attached to
    (``server-<server id>``, or the instance that already protects the server), a replication
    pair per covered disk (``disk-<disk id>``, or the pair that already replicates it) attached
    to its server's instance with the disk's device, and whether protection must be enabled.
    A disk attached to no server gets a pair that is not attached (it replicates; there is no DR
    server to start it on). Raises PolicyError, before any change, when a tier's disks are in
    more than one AZ, a disk is attached to more than one server, a server or disk is in two
    tiers, a disk is replicated by another group, the tier's group exists between other AZs or is
    failed over, or (with ``region_zones``, the AZs as disk_info zones=true lists them) the
    tier's secondary_az is not an AZ of the region."""
    problems = []
    try:
        groups = require_records(groups, 'the protection groups', optional=True)
        instances = require_records(instances, 'the protected instances', optional=True)
    except RetentionError as exc:
        raise PolicyError(policy.get('name') if isinstance(policy, dict) else None, [str(exc)])
    pairs = pairs or []
    plans, server_tier, disk_tier = [], {}, {}
    for tier, covered, name in _covered_tiers(policy, 'replication', tiers, disks, problems, pairs):
        where = "tier '%s'" % tier['name']
        if region_zones and tier['secondary_az'] not in region_zones:
            problems.append('%s: secondary_az %s is not an availability zone of this region (it has %s)'
                            % (where, tier['secondary_az'], ', '.join(sorted(region_zones))))
            continue
        group = next((g for g in groups if g.get('name') == name), None)
        zones = sorted(set(d.get('availability_zone') for d in covered))
        if len(zones) > 1:
            problems.append('%s covers disks in %s; a protection group replicates one AZ to secondary_az %s: split '
                            'the tier by AZ' % (where, ' and '.join(str(z) for z in zones), tier['secondary_az']))
            continue
        source = zones[0] if zones else (group or {}).get('source_availability_zone')
        if group is not None:
            if (group.get('source_availability_zone'), group.get('target_availability_zone')) != (
                    source, tier['secondary_az']):
                problems.append("%s: protection group '%s' exists from %s to %s, but the tier replicates %s to %s; "
                                "nothing was changed" % (where, name, group.get('source_availability_zone'),
                                                         group.get('target_availability_zone'), source,
                                                         tier['secondary_az']))
                continue
            if group.get('status') == 'failed-over' or group.get('production_az') != source:
                problems.append("%s: protection group '%s' is failed over (production in %s, status %s); protect "
                                "does not re-protect or fail back: do that with protection_group (or the failover "
                                "role), or leave the tier out (protect_tiers)"
                                % (where, name, group.get('production_az'), group.get('status')))
                continue
        members_instances = [i for i in instances if group and i.get('server_group_id') == group.get('id')]
        members_pairs = [p for p in pairs if group and p.get('server_group_id') == group.get('id')]
        plan_instances, plan_pairs = {}, []
        for disk in covered:
            label = "disk '%s'" % disk.get('name')
            if disk['id'] in disk_tier:
                problems.append("%s: %s is also in tier '%s'; a disk is replicated by one protection group"
                                % (where, label, disk_tier[disk['id']]))
                continue
            disk_tier[disk['id']] = tier['name']
            elsewhere = [p for p in pairs if p.get('production_volume_id') == disk['id'] and p not in members_pairs]
            if elsewhere:
                problems.append('%s: %s is already replicated by pair %s of another protection group'
                                % (where, label, elsewhere[0].get('name')))
                continue
            attached = disk.get('attachments') or []
            if len(attached) > 1:
                problems.append('%s: %s is attached to %d servers; SDRS attaches a pair to one protected instance'
                                % (where, label, len(attached)))
                continue
            instance = None
            if attached:
                server_id, device = attached[0].get('server_id'), attached[0].get('device')
                if server_tier.get(server_id, tier['name']) != tier['name']:
                    problems.append("%s: server %s (of %s) also has disks in tier '%s'; a server is protected by one "
                                    "protection group" % (where, server_id, label, server_tier[server_id]))
                    continue
                server_tier[server_id] = tier['name']
                existing = _one([i for i in members_instances if i.get('production_server') == server_id])
                instance = plan_instances.setdefault(server_id, {
                    'name': (existing or {}).get('name') or 'server-%s' % server_id, 'server_id': server_id,
                    'exists': existing is not None, 'id': (existing or {}).get('id')})
            pair = _one([p for p in members_pairs if p.get('production_volume_id') == disk['id']])
            wanted_instance = instance['id'] if instance else None
            plan_pairs.append({
                'name': (pair or {}).get('name') or 'disk-%s' % disk['id'], 'disk_id': disk['id'],
                'disk_name': disk.get('name'), 'exists': pair is not None,
                'protected_instance': instance['name'] if instance else None,
                'instance_exists': bool(instance and instance['exists']),
                'device': attached[0].get('device') if attached else None,
                'attached': bool(pair and wanted_instance and pair.get('protected_instance') == wanted_instance
                                 and pair.get('device') == attached[0].get('device')),
            })
        plans.append({
            'tier': tier['name'], 'name': name, 'source_az': source, 'secondary_az': tier['secondary_az'],
            'group_exists': group is not None, 'group_id': (group or {}).get('id'),
            'group_pairs': int((group or {}).get('replication_num') or 0),
            'protection': (group or {}).get('protection') or 'disabled',
            'instances': sorted(plan_instances.values(), key=lambda i: i['name']), 'pairs': plan_pairs,
            'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered],
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans
