# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot mechanism (EVS snapshots): point-in-time copies that live with the disk, in its
AZ, so they survive lost or corrupted data on the disk, not the loss of its AZ. Applied by the
snapshot_policy role (roles/protect/tasks/mechanisms/snapshot.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import ROLLBACK
from ansible_collections.dataprotection.evs.plugins.plugin_utils.app_consistency import check_app_consistency
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import SAME_AZ, by_disk, point_in_time_copy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import PERIODS, RETENTION_KEYS
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    SLOT_MIN, PolicyError, human_duration, rpo_slot, select_disks, selectors_may_overlap, snapshot_name,
    tier_duration, tier_retention)


NAME = 'snapshot'
SNAPSHOT_STATUSES = ('available', 'in-use')
# OTC EVS User Guide "Creating an EVS Snapshot" (evs_01_2721): "You can manually create a maximum
# of seven snapshots for a disk" (Huawei Cloud: seven legacy snapshots, 256 standard ones); the
# snapshots a backup makes (autobk_snapshot_*, manualbk_snapshot_*) do not count
SNAPSHOTS_PER_DISK = 7
# calendar periods that start on the Unix epoch's grid: a slot whose length they divide holds
# whole periods, so each of them holds at most one copy of the tier
EPOCH_ALIGNED_PERIODS = {'hourly': 3600, 'daily': 86400}


class Snapshot(registry.Mechanism):
    name = NAME
    order = 10
    survives = ('disk',)
    min_rpo = SLOT_MIN
    keeps_copies = True
    app_consistent = True
    tier_keys = ('snapshot_retention', 'snapshot_every', 'app_consistency')
    tier_output = (('snapshot_retention', None), ('snapshot_every', None), ('app_consistency', None))
    policy_keys = ('snapshots_per_disk',)
    preflight_tasks = 'mechanisms/snapshot_preflight.yml'
    copies_live = "which live in the disk's AZ"
    copy_noun = 'available snapshot'
    column = 'snapshots'
    colour = '#2b7bb9'
    inventory_records = 'snapshots'
    restore_copies = 'snapshots'
    restore_actions = {'new': 'create_from_snapshot', 'original': 'rollback'}
    restore_record = ROLLBACK
    restore_onto_words = 'snapshot rollback'
    new_disk_option = NAME
    restores_in_own_zone_only = True
    restore_preferred_why = "in the disk's zone, quicker"

    def own_copies(self, disk, copies):
        # the restore and drill roles read the snapshots of the disk only
        return list(copies)

    def derive(self, tier, failure, rpo, rto):
        if rpo > 0 or tier.get('retention') is not None or tier.get('snapshot_retention') is not None:
            return 'point-in-time copies with the disk: fast rollback after lost or corrupted data (same AZ only)'
        return None

    def chosen_problems(self, where, tier, chosen, failure, rpo):
        has_retention = tier.get('retention') is not None or tier.get('snapshot_retention') is not None
        if self.name in chosen and rpo == 0 and not has_retention:
            return ['%s: snapshots need a retention (how many copies to keep)' % where]
        return []

    def unused_option_problems(self, where, tier, mechanisms):
        problems = []
        tier_retention(tier, 'snapshot_retention', where, problems)
        tier_duration(tier, 'snapshot_every', where, problems)
        if tier.get('snapshot_retention') is not None:
            problems.append('%s takes no snapshots (its mechanisms are %s); leave out snapshot_retention'
                            % (where, ', '.join(mechanisms) or 'none'))
        if tier.get('app_consistency') is not None and not any(registry.get(m).app_consistent for m in mechanisms):
            problems.append('%s takes no snapshots (its mechanisms are %s); app_consistency quiesces the servers '
                            'around snapshots or server backups only: leave it out or add snapshot to the mechanisms'
                            % (where, ', '.join(mechanisms) or 'none'))
        return problems

    def check_tier(self, where, tier, checked, resource_name, problems):
        rpo, mechanisms = checked['rpo'], checked['mechanism_reasons']
        snapshot_retention = tier_retention(tier, 'snapshot_retention', where, problems)
        others_keep_copies = [m for m in mechanisms if m != self.name and registry.get(m).keeps_copies]
        if tier.get('snapshot_retention') is not None and not others_keep_copies:
            problems.append('%s keeps no backups, so its retention is the retention of its snapshots; leave out '
                            'snapshot_retention and set retention, or add backup to the tier\'s mechanisms to keep '
                            'the longer copies as backups' % where)
        snapshot_retention = snapshot_retention or checked['retention']
        every = tier_duration(tier, 'snapshot_every', where, problems)
        if rpo is not None:
            if every is None:
                every = rpo or (3600 if (snapshot_retention or {}).get('hourly') else 86400)
            elif every == 0:
                problems.append('%s.snapshot_every must be above 0' % where)
            elif rpo and every > rpo:
                problems.append('%s: snapshots every %s cannot meet RPO %s; set snapshot_every to %s or less, or '
                                'leave it out' % (where, human_duration(every), human_duration(rpo), human_duration(rpo)))
            if 0 < every < SLOT_MIN:
                problems.append(_below_slot_min(where, tier, rpo, every, mechanisms))
        return {'snapshot_retention': snapshot_retention, 'snapshot_every': every,
                'app_consistency': check_app_consistency(tier, where, problems)}

    def audit_index(self, sources, policy):
        return by_disk(sources['snapshots'], 'volume_id')

    def audit_copies(self, index, disk, now, policy, zones):
        zone = disk.get('availability_zone')
        zone_up = zones.get(zone, True)
        # while a zone is down the cloud lists what lives there with status error: its snapshots
        # still exist, and come back with the zone, but cannot be used now
        shown = ('available',) if zone_up else ('available', 'error')
        location = '%s (%s)' % (SAME_AZ, zone)
        # the snapshot a backup left is no copy: it cannot be rolled back or made into a disk
        return [point_in_time_copy(now, NAME, location, snap, policy['name'], zone_up)
                for snap in index.get(disk['id'], ())
                if snap.get('status') in shown and snap.get('created_at') and not made_by_backup(snap)]

    def inventory_protection(self, indexes, disk_id):
        snaps = indexes['snapshots'].get(disk_id) or []
        latest = max(s.get('created_at') or '' for s in snaps) if snaps else None
        return {'snapshots': len(snaps), 'latest_snapshot_at': latest}, bool(snaps)

    def policy_options(self, policy, problems):
        return {'snapshots_per_disk': _snapshots_per_disk(policy, problems)}

    def policy_problems(self, checked_policy):
        return snapshot_limit_problems(checked_policy)


MECHANISMS = [Snapshot()]


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


def snapshot_limit_problems(policy):
    """Why a checked policy's snapshots cannot fit the cloud's manual snapshots per disk
    (``snapshots_per_disk``): each tier that snapshots needs what its snapshot retention keeps
    (``snapshots_kept``) plus the copy it takes before pruning, and the tiers that can cover the
    same disk (``selectors_may_overlap``) add up. Empty when they fit."""
    limit = policy['snapshots_per_disk']
    tiers = [t for t in policy['tiers'] if NAME in t['mechanisms']]
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
    continuous = [m for m in mechanisms if registry.get(m).min_rpo == 0]
    if continuous:
        return ('%s: RPO %s is kept by %s, but snapshots are taken at most once every %s (they are named '
                'by their slot to the minute); set snapshot_every: %s or more, or mechanisms: [%s]'
                % (where, human_duration(rpo), ' and '.join(continuous), shortest, shortest, ', '.join(continuous)))
    return ('%s: RPO %s is below %s, the shortest RPO snapshots honour (they are named by their slot to the '
            'minute, so at most one a minute is taken); set rpo: %s or more, or rpo: 0 with replication'
            % (where, human_duration(rpo), shortest, shortest))


def policy_targets(disks, policy, now, mechanism=NAME, pairs=None):
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
