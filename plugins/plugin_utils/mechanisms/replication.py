# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replication mechanism (SDRS): DR disks in the tier's secondary AZ, less than 100 km away,
kept in sync continuously (RPO 0), so they survive the loss of the disk's AZ; a protection group
per tier, a protected instance per server, a replication pair per disk. Applied by the
replication role (roles/protect/tasks/mechanisms/replication.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import dr_az, production_az
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import SAME_AZ, by_disk, continuous_copy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
# replication is derived where backups, the other copy outside the AZ, cannot keep the tier
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import BACKUP_MIN_RPO, STANDBY_RTO
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError, require_records
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    CLOUD_NAME_MAX, PolicyError, covered_tiers, distance_km, human_duration)


NAME = 'replication'
REPLICATION_MAX_KM = 100       # SDRS active-active domains are same-city pairs
# the protection group states in which its pairs keep the DR disks in sync
PROTECTED_GROUP = ('protected', 'reversing', 'reprotecting', 'starting')
LIVE_PAIR = ('available', 'protected', 'in-use')


class Replication(registry.Mechanism):
    name = NAME
    order = 30
    survives = ('disk', 'az')
    min_rpo = 0
    writes_dr_replicas = True
    preflight_tasks = 'mechanisms/replication_preflight.yml'
    survival_hint = 'replication (DR disks in secondary_az)'
    copies_live = 'whose DR disks are in another AZ of the same region, less than 100 km away'
    copy_noun = 'live replication pair'
    continuous = True
    outage_help = 'its replication pair can fail over (dataprotection.evs.failover)'
    zone_lost_help = 'replication (SDRS) would have kept a DR disk there (see the failover playbook)'
    # decided: a failover switches a whole protection group, so it is its own playbook, not a restore
    restore_refusal = ('restoring by failover acts on a whole protection group (all its disks and servers switch '
                       'zones), not on one disk; run the failover playbook (dataprotection.evs.failover) for the '
                       'group that replicates %s')
    drills_protection_group = True
    inventory_records = 'pairs'
    column = 'replication'
    colour = '#8e44ad'

    def derive(self, tier, failure, rpo, rto):
        if failure == 'az' and (rpo == 0 or (rto is not None and rto < STANDBY_RTO) or rpo < BACKUP_MIN_RPO):
            return ('DR disks in %s kept in sync (RPO 0) survive the loss of the disk\'s AZ'
                    % (tier.get('secondary_az') or 'the secondary AZ'))
        if failure != 'az' and rpo == 0:
            return 'RPO 0 needs continuous replication; snapshots and backups are point in time'
        return None

    def chosen_problems(self, where, tier, chosen, failure, rpo):
        if self.name in chosen:
            return []
        problems = []
        if rpo == 0:
            problems.append("%s: RPO 0 cannot be met with %s, which copy at points in time; add replication (with "
                            "secondary_az, an AZ less than %d km away) or set an RPO above 0"
                            % (where, ' and '.join(chosen), REPLICATION_MAX_KM))
        if failure == 'az' and 0 < rpo < BACKUP_MIN_RPO:
            problems.append('%s: surviving the loss of an AZ with RPO %s needs replication: backups, the only other '
                            'copy outside the AZ, run at most once an hour; add replication or set rpo: 1h or more'
                            % (where, human_duration(rpo)))
        return problems

    def check_tier(self, where, tier, checked, resource_name, problems):
        if not tier.get('secondary_az'):
            reason = checked['mechanism_reasons'][self.name]
            problems.append('%s needs replication (%s), which needs secondary_az: an AZ of the region less than '
                            '%d km from the disks\' AZ' % (where, reason, REPLICATION_MAX_KM))
        if resource_name and len(resource_name) > CLOUD_NAME_MAX:
            problems.append('%s: the protection group name %s would be longer than the %d characters SDRS '
                            'allows; shorten the policy or tier name' % (where, resource_name, CLOUD_NAME_MAX))
        return {}

    def covered_problems(self, where, tier, disks, policy):
        secondary = tier.get('secondary_az')
        if not secondary:
            return []
        problems = []
        for disk in disks:
            zone = disk.get('availability_zone')
            if zone == secondary:
                problems.append("%s: disk '%s' is in %s, the tier's secondary_az; replication needs another AZ"
                                % (where, disk.get('name'), zone))
                continue
            km = distance_km(policy.get('az_distances_km') or {}, zone, secondary)
            if km is not None and km > REPLICATION_MAX_KM:
                problems.append("%s: disk '%s' in %s is %s km from secondary_az %s; replication reaches less than "
                                "%d km: choose an AZ nearer to %s, or protect against the AZ loss with backups "
                                "(rpo 1h or more)" % (where, disk.get('name'), zone, km, secondary,
                                                      REPLICATION_MAX_KM, zone))
        return problems

    def audit_index(self, sources, policy):
        groups = dict((g.get('id'), g) for g in sources['groups'] or [])
        return by_disk(sources['pairs'], _replicated_disks), groups

    def audit_copies(self, index, disk, now, policy, zones):
        pairs, groups = index
        replicas = []
        for pair in pairs.get(disk['id'], ()):
            group = groups.get(pair.get('server_group_id')) or {}
            dr_az = group.get('dr_az') or group.get('target_availability_zone')
            live = pair.get('status') in LIVE_PAIR and group.get('status') in PROTECTED_GROUP
            location = 'other AZ (%s)' % dr_az if dr_az and dr_az != disk.get('availability_zone') else SAME_AZ
            replicas.append(continuous_copy(NAME, pair, live, location, zones.get(dr_az, True),
                                            group_status=group.get('status'), **_direction(group)))
        return replicas

    def inventory_protection(self, indexes, disk_id):
        # only the production side is protected; the DR side is the copy
        pair, role = indexes['pairs'].get(disk_id) or (None, None)
        status = (pair.get('replication_status') or pair.get('status')) if pair else None
        keys = {'replication_pair': pair.get('id') if pair else None, 'replication_role': role,
                'replication_status': status}
        return keys, role == 'production' and pair.get('status') in LIVE_PAIR


MECHANISMS = [Replication()]


def _direction(group):
    """What the audit shows of a pair's group: its name, its direction now (production -> DR) and, when a
    failover switched it, a note saying so (the verdict judges the copy as it is: live or stopped)."""
    production = group.get('production_az') or production_az(group)
    dr = group.get('dr_az') or dr_az(group)
    shown = {'protection_group': group.get('name'), 'direction': '%s -> %s' % (production, dr) if production else None}
    if group.get('name') and (group.get('priority_station') == 'target' or group.get('status') in FAILED_OVER):
        shown['note'] = _adopted_state(dict(group, production_az=production, dr_az=dr),
                                       group.get('source_availability_zone'))[1]
    return shown


def _replicated_disks(pair):
    """The production disks a pair replicates (its ``production_volume_id``, or its ``volume_ids``
    as older answers list them), each once."""
    disks = [pair.get('production_volume_id')]
    disks.extend(d for d in pair.get('volume_ids') or [] if d not in disks)
    return disks


def _one(values):
    return values[0] if len(values) == 1 else None


# A group, instance or pair in one of these has nothing in progress: when it is as the plan wants
# it, its module would change nothing and wait for nothing, so the role does not call it.
SETTLED = ('available', 'protected')


def _settled(resource):
    return resource is not None and resource.get('status') in SETTLED


# a group in one of these was failed over (unplanned) and not re-protected yet, wherever production is
FAILED_OVER = ('failing-over', 'failed-over', 'reprotecting', 'error-reprotecting')


def _failed_over(group, tier, covered):
    """Whether the tier's group (between the AZs the tier wants: its target is the tier's secondary AZ and
    the covered disks are in its two AZs) was switched by a failover: production
    in its target AZ (a failover, planned or not, and maybe re-protected since), or a failover not
    re-protected yet. The policy run adopts that state: a failback or a re-protect overwrites one
    side's data and is the failover role's, with its confirmation, never a scheduled run's."""
    zones = (group or {}).get('source_availability_zone'), (group or {}).get('target_availability_zone')
    return (group is not None and zones[1] == tier['secondary_az']
            and all(d.get('availability_zone') in zones for d in covered)
            and (group.get('priority_station') == 'target' or group.get('status') in FAILED_OVER))


def _adopted_state(group, home):
    """(state, what it means and what to do) of a failed-over group."""
    label, production, dr = group.get('name'), group.get('production_az'), group.get('dr_az')
    status = group.get('status')
    if status == 'failed-over':
        return 'failed over', (
            'protection group %s is failed over: production is %s, replication to %s is stopped. Once %s is back, '
            're-protect it (dataprotection.evs.failover with failover_action=reprotect, failover_confirm=true: %s '
            'is replicated onto %s) or fail back (failover_action=failback)' % (label, production, dr, dr, production, dr))
    if status == 'protected':
        return 're-protected', (
            'protection group %s is re-protected in the reverse direction: production is %s (switched there by a '
            'failover), replicated to %s. To bring production back to %s: dataprotection.evs.failover with '
            'failover_action=failback' % (label, production, dr, home))
    return status, ('protection group %s is %s after a failover: production is %s, DR is %s'
                    % (label, status, production, dr))


def _adopted_plan(tier, name, group, covered, pairs):
    """The plan of a tier whose group a failover switched: nothing to create, enable or move (its
    ``adopted`` says the state and the disks the group does not replicate while it is switched)."""
    group = dict(group, production_az=group.get('production_az') or production_az(group),
                 dr_az=group.get('dr_az') or dr_az(group))
    replicated = set(p.get('production_volume_id') for p in pairs if p.get('server_group_id') == group.get('id'))
    unreplicated = sorted(d.get('name') or d['id'] for d in covered if d['id'] not in replicated)
    home = group.get('source_availability_zone')
    state, message = _adopted_state(group, home)
    if unreplicated:
        message += ('; not replicated while it is switched: %s (the policy run adds their pairs once production is '
                    'back in %s)' % (', '.join(unreplicated), home))
    return {
        'tier': tier['name'], 'name': name, 'source_az': home, 'secondary_az': tier['secondary_az'],
        'group_exists': True, 'group_id': group.get('id'), 'group_in_place': True, 'group_protected': True,
        'instances_in_place': [], 'group_pairs': int(group.get('replication_num') or 0),
        'protection': group.get('protection') or 'disabled', 'instances': [], 'pairs': [],
        'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered],
        'adopted': {'state': state, 'status': group.get('status'), 'production_az': group['production_az'],
                    'dr_az': group['dr_az'], 'direction': '%s -> %s' % (group['production_az'], group['dr_az']),
                    'unreplicated': unreplicated, 'message': message},
    }


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
    tiers, a disk is replicated by another group, the tier's group exists between other AZs, or
    (with ``region_zones``, the AZs as disk_info zones=true lists them) the tier's secondary_az is
    not an AZ of the region. A group that a failover switched is adopted as it is (``_adopted_plan``)."""
    problems = []
    try:
        groups = require_records(groups, 'the protection groups', optional=True)
        instances = require_records(instances, 'the protected instances', optional=True)
    except RetentionError as exc:
        raise PolicyError(policy.get('name') if isinstance(policy, dict) else None, [str(exc)])
    pairs = pairs or []
    plans, server_tier, disk_tier = [], {}, {}
    for tier, covered, name in covered_tiers(policy, NAME, tiers, disks, problems, pairs):
        where = "tier '%s'" % tier['name']
        if region_zones and tier['secondary_az'] not in region_zones:
            problems.append('%s: secondary_az %s is not an availability zone of this region (it has %s)'
                            % (where, tier['secondary_az'], ', '.join(sorted(region_zones))))
            continue
        group = next((g for g in groups if g.get('name') == name), None)
        if _failed_over(group, tier, covered):
            plans.append(_adopted_plan(tier, name, group, covered, pairs))
            continue
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
        members_instances = [i for i in instances if group and i.get('server_group_id') == group.get('id')]
        members_pairs = [p for p in pairs if group and p.get('server_group_id') == group.get('id')]
        plan_instances, plan_pairs, settled_instances = {}, [], set()
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
                if _settled(existing):
                    settled_instances.add(instance['name'])
            pair = _one([p for p in members_pairs if p.get('production_volume_id') == disk['id']])
            wanted_instance = instance['id'] if instance else None
            attached_as_wanted = bool(pair and wanted_instance and pair.get('protected_instance') == wanted_instance
                                      and pair.get('device') == attached[0].get('device'))
            plan_pairs.append({
                'name': (pair or {}).get('name') or 'disk-%s' % disk['id'], 'disk_id': disk['id'],
                'disk_name': disk.get('name'), 'exists': pair is not None,
                'protected_instance': instance['name'] if instance else None,
                'instance_exists': bool(instance and instance['exists']),
                'device': attached[0].get('device') if attached else None,
                'attached': attached_as_wanted,
                'in_place': _settled(pair) and (attached_as_wanted or not instance),
            })
        plans.append({
            'tier': tier['name'], 'name': name, 'source_az': source, 'secondary_az': tier['secondary_az'],
            'group_exists': group is not None, 'group_id': (group or {}).get('id'),
            # in place: as the tier wants it (the AZs are checked above); protected: enabled, and no
            # member changes in this run (a member that does may need protection enabled again)
            'group_in_place': _settled(group),
            'group_protected': (group or {}).get('status') == 'protected' and all(p['in_place'] for p in plan_pairs)
            and all(i['name'] in settled_instances for i in plan_instances.values()),
            'instances_in_place': sorted(settled_instances),
            'group_pairs': int((group or {}).get('replication_num') or 0),
            'protection': (group or {}).get('protection') or 'disabled',
            'instances': sorted(plan_instances.values(), key=lambda i: i['name']), 'pairs': plan_pairs,
            'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered], 'adopted': None,
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans
