# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The region_replication mechanism: the tier's CBR backups (the backup mechanism, which it builds
on) copied to a replication vault of another region (``destination_region``), so they survive the
loss of the disk's region and are restored there. A CBR replication policy bound to the tier's
vault copies the scheduled backups; protect replicates on demand (CopyBackup) a disk's newest
backup that has no replica yet, and prunes the replicas by the tier's retention on the cloud's
clock. Applied by roles/protect/tasks/mechanisms/region_replication.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import OTHER_REGION, by_disk, point_in_time_copy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import (
    BACKUP_MIN_RPO, NAME as BACKUP, backup_plan, backup_settings)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    POLICY_KEY, TIER_KEY, format_time, parse_time, plan_one_disk)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    CLOUD_NAME_MAX, PolicyError, covered_tiers, created_at, human_duration)


NAME = 'region_replication'
# The replication policy runs REPLICATION_DELAY after each scheduled backup, and a copy is taken
# to be done within REPLICATION_LAG of its backup: the cloud documents no copy time (chosen; a
# copy that takes longer shows in the audit as a replica older than the RPO).
REPLICATION_DELAY_MINUTES = 30
REPLICATION_LAG = 3600
REGION_MIN_RPO = BACKUP_MIN_RPO + REPLICATION_LAG
POLICY_SUFFIX = '-replication'
# a record of one of these is a copy that exists or is being made: the backup has its replica
LIVE_RECORD = ('replicating', 'available')
REGION_LOCATION = OTHER_REGION + ' (%s)'
# a replica is a backup in the destination region: it is restored as one (plugin_utils/restore.py)
REPLICAS_RESTORE_AS = BACKUP


class RegionReplication(registry.Mechanism):
    name = NAME
    order = 40
    survives = ('disk', 'az', 'region')
    min_rpo = REGION_MIN_RPO
    requires = (BACKUP,)
    keeps_copies = True
    tier_keys = ('destination_region',)
    tier_output = ((NAME, None),)
    preflight_tasks = 'mechanisms/region_replication_preflight.yml'
    survival_hint = 'region_replication (CBR backups copied to a vault in destination_region)'
    copies_live = 'whose replicas live in the object storage of destination_region, another region'
    copy_noun = 'available replica in the destination region'
    outage_help = ('its replicas can be restored in the destination region (dataprotection.evs.restore), also '
                   'while the disk\'s region is down')
    column = 'region replicas'
    colour = '#c0392b'
    # its replicas are backups in destination_region: restored there as backups are
    replica_restore_source = BACKUP

    def derive(self, tier, failure, rpo, rto):
        if failure == 'region':
            return ('CBR backups copied to a vault in %s survive the loss of the disk\'s region'
                    % (tier.get('destination_region') or 'destination_region'))
        return None

    def check_tier(self, where, tier, checked, resource_name, problems):
        destination = tier.get('destination_region')
        if not isinstance(destination, str) or not destination.strip():
            problems.append('%s needs region_replication (%s), which needs destination_region: the region its '
                            'backups are copied to (for example eu-nl)'
                            % (where, checked['mechanism_reasons'][self.name]))
            destination = None
        rpo = checked['rpo']
        if rpo is not None and rpo < REGION_MIN_RPO:
            minimum = human_duration(REGION_MIN_RPO)
            problems.append('%s: RPO %s cannot be met across regions: backups run at most once an hour and a replica '
                            'lands up to %s after its backup, so the minimum RPO of a tier with region_replication '
                            'is %s; set rpo: %s or more'
                            % (where, human_duration(rpo), human_duration(REPLICATION_LAG), minimum, minimum))
            rpo = None
        if resource_name and len(resource_name) + len(POLICY_SUFFIX) > CLOUD_NAME_MAX:
            problems.append('%s: the replication policy name %s%s would be longer than the %d characters CBR '
                            'allows; shorten the policy or tier name' % (where, resource_name, POLICY_SUFFIX,
                                                                         CLOUD_NAME_MAX))
        if rpo is None or checked['retention'] is None or destination is None:
            return {NAME: None}
        # the backups run often enough that a backup and its copy together fit in the RPO
        settings = backup_settings(rpo - REPLICATION_LAG, checked['retention'])
        return {BACKUP: settings, NAME: {
            'destination_region': destination, 'lag': REPLICATION_LAG, 'lag_text': human_duration(REPLICATION_LAG),
            'schedule': replication_schedule(settings['schedule']),
            'policy_name': (resource_name + POLICY_SUFFIX) if resource_name else None}}

    def unused_option_problems(self, where, tier, mechanisms):
        if tier.get('destination_region') is not None:
            return ['%s: destination_region is for region_replication, which the tier does not use (it uses %s); '
                    'remove it, or set failure: region' % (where, ', '.join(mechanisms) or 'none')]
        return []

    def audit_index(self, sources, policy):
        tiers = [t for t in policy['tiers'] if NAME in t['mechanisms']]
        return by_disk(sources.get('replicas') or [], 'disk_id'), tiers

    def audit_copies(self, index, disk, now, policy, zones):
        replicas, tiers = index
        regions = set(t[NAME]['destination_region'] for t in tiers if t.get(NAME))
        return [point_in_time_copy(now, NAME, REGION_LOCATION % replica.get('region'), replica,
                                   owned=replica.get('region') in regions)
                for replica in replicas.get(disk['id'], ())
                if replica.get('status') == 'available' and replica.get('created_at')]


MECHANISMS = [RegionReplication()]


def replication_schedule(backup_schedule):
    """The replication policy's RRULE patterns: the backup schedule's, REPLICATION_DELAY later in
    the hour, so that each run finds the backup of its slot taken."""
    return [pattern.replace('BYMINUTE=0', 'BYMINUTE=%d' % REPLICATION_DELAY_MINUTES) for pattern in backup_schedule]


def _by_name(items, name):
    return next((i for i in items or [] if i.get('name') == name), None)


def region_plan(disks, policy, now, tiers=None, vaults=None, backups=None, records=None, destination_vaults=None,
                replicas=None, backup_due=None, pairs=None):
    """For every tier of a checked policy that uses region_replication (only ``tiers`` when given):

    - its vaults, both named ``<policy>-<tier>``: the source vault (``vaults``, the connection's
      region; made by the backup mechanism) and the replication vault in ``destination_region``
      (``destination_vaults``: {region: its vaults}), sized like the source one (never smaller than
      it has grown by itself), and whether each exists;
    - its replication policy ``<policy>-<tier>-replication`` with the schedule (30 minutes after
      each backup slot);
    - ``due``: per covered disk, the newest available backup in the source vault (or the one the
      backup mechanism takes in this run, ``backup_due``: then ``predicted``) when no record in
      ``records`` (backup_replica_info's) copies it to the destination region;
    - ``prune``/``keep``: the tier's replicas in its replication vault (``replicas``) that the
      tier's retention (on the cloud's clock ``now``) no longer keeps. A replica is the tier's when
      it is in the tier's replication vault, which protect made, and is a copy of a disk the tier
      covers; the newest available replica of each disk is always kept. The replicas due now
      count as made at ``now``, so a check run prunes what the real run prunes.

    Raises PolicyError for what the backup plan refuses (see ``backup_plan``)."""
    moment = parse_time(now, 'now (the cloud time)')
    problems = []
    plans = []
    backups, records, replicas = backups or [], records or [], replicas or []
    region_tiers = [t['name'] for t in policy['tiers'] if NAME in t['mechanisms'] and (not tiers or t['name'] in tiers)]
    sizes = dict((p['tier'], p['vault_size']) for p in backup_plan(
        disks, policy, now, vaults=vaults, backups=backups, tiers=region_tiers, on_demand=False, pairs=pairs))
    copied = set(r.get('source_backup_id') for r in records if r.get('status') in LIVE_RECORD)
    for tier, covered, name in covered_tiers(policy, NAME, tiers, disks, problems, pairs):
        settings = tier[NAME]
        source = _by_name(vaults, name)
        there = (destination_vaults or {}).get(settings['destination_region']) or []
        target = _by_name([v for v in there if (v.get('billing') or {}).get('protect_type') == 'replication'], name)
        clash = _by_name([v for v in there if (v.get('billing') or {}).get('protect_type') != 'replication'], name)
        if clash is not None:
            problems.append("tier '%s': vault '%s' in %s is a %s vault; region_replication copies into a replication "
                            "vault of that name: rename or delete that vault" % (
                                tier['name'], name, settings['destination_region'],
                                (clash.get('billing') or {}).get('protect_type')))
        predicted = dict((d['disk_id'], d) for d in backup_due or [] if d.get('tier') == tier['name'])
        due = []
        covered_ids = set(d['id'] for d in covered)
        for disk in covered:
            if disk['id'] in predicted:
                due.append({'disk_id': disk['id'], 'disk_name': disk.get('name'), 'tier': tier['name'],
                            'backup': predicted[disk['id']]['name'], 'backup_id': None, 'predicted': True,
                            # as the real run, which reads that backup as the disk's newest, says it
                            'reason': 'its newest backup %s has no replica in %s'
                                      % (predicted[disk['id']]['name'], settings['destination_region'])})
                continue
            own = [b for b in backups if b.get('disk_id') == disk['id'] and source is not None
                   and b.get('vault_id') == source.get('id') and b.get('status') == 'available'
                   and created_at(b) is not None]
            if not own:
                continue
            newest = max(own, key=lambda b: (created_at(b), b.get('id') or ''))
            if newest.get('id') in copied:
                continue
            due.append({'disk_id': disk['id'], 'disk_name': disk.get('name'), 'tier': tier['name'],
                        'backup': newest.get('name'), 'backup_id': newest.get('id'), 'predicted': False,
                        'reason': 'its newest backup %s has no replica in %s'
                                  % (newest.get('name'), settings['destination_region'])})
        keep, prune = _replica_retention(tier, policy, moment, target, covered_ids, replicas, due)
        plans.append({
            'tier': tier['name'], 'name': name, 'destination_region': settings['destination_region'],
            'policy_name': settings['policy_name'], 'schedule': settings['schedule'],
            # full copies: the replication vault expands by itself and never shrinks below that
            'vault_size': max(sizes.get(tier['name']) or 0, int((target or {}).get('size') or 0)),
            'source_vault_exists': source is not None,
            'destination_vault_exists': target is not None,
            'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered],
            'due': due, 'keep': keep, 'prune': prune,
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans


def _replica_retention(tier, policy, moment, target, covered_ids, replicas, due):
    """(keep, prune) of the tier's replicas (see region_plan), each ``{id, name, disk_id,
    created_at, reasons}``."""
    if target is None:
        return [], []
    marks = {POLICY_KEY: policy['name'], TIER_KEY: tier['name']}
    mine = [dict(r, metadata=marks) for r in replicas
            if r.get('vault_id') == target.get('id') and r.get('disk_id') in covered_ids]
    mine.extend({'id': None, 'name': d['backup'], 'disk_id': d['disk_id'], 'status': 'available',
                 'created_at': format_time(moment), 'metadata': marks, 'predicted': True} for d in due)
    keep, prune = [], []
    for disk_id in sorted(set(r['disk_id'] for r in mine)):
        kept, pruned, _ignored = plan_one_disk([r for r in mine if r['disk_id'] == disk_id], tier['retention'],
                                               moment, policy['name'], tier['name'])
        keep.extend(_row(copy, why) for copy, why in kept)
        prune.extend(_row(copy, why) for copy, why in pruned)
    return keep, prune


def _row(copy, why):
    return {'id': copy.get('id'), 'name': copy.get('name'), 'disk_id': copy.get('disk_id'),
            'created_at': copy.get('created_at'), 'predicted': bool(copy.get('predicted')), 'reasons': why}
