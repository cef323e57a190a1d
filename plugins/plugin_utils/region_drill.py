# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The region drill's decisions: which replica of each disk to restore in the destination region
and where, whether its scratch disk passed, and what the cleanup did to it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.region_replication import (
    NAME as REGION_REPLICATION)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, parse_time, require_records)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError, covered_tiers

MECHANISM = 'region'


def _seconds(later, earlier):
    return int((later - earlier).total_seconds())


def _choose_zone(zones, asked):
    """The zone of the scratch disks: ``asked`` when it is an available zone of the destination
    region, else the first available one (sorted)."""
    available = sorted(name for name, up in (zones or {}).items() if up)
    if asked:
        if asked not in available:
            raise RetentionError('availability zone %s is not an available zone of the destination region (%s)'
                                 % (asked, ', '.join(available) or 'none is available'))
        return asked
    if not available:
        raise RetentionError('the destination region has no available zone')
    return available[0]


def _newest_replica(disk, replicas, backups_by_id):
    """The available replica of ``disk`` whose data is the newest: its source backup's creation
    time, as that is the instant the restored data comes from (the replica's own ``created_at``
    is when the copy started). A replica whose source backup is unknown (no record of it in the
    source region) is skipped: nothing could be verified against it."""
    candidates = []
    for replica in replicas:
        source = backups_by_id.get(replica.get('source_backup_id'))
        if replica.get('disk_id') != disk['id'] or replica.get('status') != 'available' or source is None:
            continue
        candidates.append((parse_time(source['created_at'], 'the source backup time'),
                           parse_time(replica['created_at'], 'the replica time'), replica.get('id') or '', replica, source))
    return max(candidates, key=lambda c: c[:3]) if candidates else None


def region_drill_plan(disks, replicas=None, backups=None, now=None, run=None, zones=None, availability_zone=None):
    """One job per disk (as disk_info returns them, in the source region): the newest available
    replica in the destination region (as backup_replica_info returns them, with the source
    backup's id) and its source backup (as backup_info returns them), the data's age
    (``rpo_achieved_seconds``, on the cloud's clock ``now``), the replica's own age, and the
    scratch disk's name and zone. A disk without a usable replica gets ``refused`` (the reason),
    so the role records a failed drill of it and makes nothing."""
    if not now:
        raise RetentionError('give the cloud time (now)')
    now_time = parse_time(now, 'now')
    if not isinstance(run, str) or not run:
        raise RetentionError('give the run id (run)')
    disks = require_records(disks, 'the disks')
    replicas = require_records(replicas, 'the replicas', optional=True)
    backups_by_id = dict((b.get('id'), b) for b in require_records(backups, 'the source backups', optional=True))
    zone_error, zone = None, None
    try:
        zone = _choose_zone(zones, availability_zone)
    except RetentionError as exc:
        zone_error = str(exc)
    jobs = []
    for disk in disks:
        job = dict(disk=dict((k, disk.get(k)) for k in ('id', 'name', 'size', 'availability_zone')),
                   mechanism=MECHANISM, scratch_name='dp-drill-%s-%s-%s' % (run, disk.get('name') or disk['id'], MECHANISM),
                   availability_zone=zone, refused=None, replica=None, source_backup=None,
                   rpo_achieved_seconds=None, replica_age_seconds=None)
        chosen = _newest_replica(disk, replicas, backups_by_id)
        if zone_error:
            job['refused'] = zone_error
        elif chosen is None:
            job['refused'] = ('disk %s has no available replica in the destination region whose source backup is known'
                              % (disk.get('name') or disk['id']))
        else:
            source_time, replica_time, replica, source = chosen[0], chosen[1], chosen[3], chosen[4]
            job.update(replica=replica, source_backup=source,
                       rpo_achieved_seconds=_seconds(now_time, source_time),
                       replica_age_seconds=_seconds(now_time, replica_time))
        jobs.append(job)
    return jobs


def _checks(job, scratch, checksums):
    """What the API tells about the scratch disk, and the content's checksum when the checksum
    hook gave one for both sides."""
    scratch = scratch or {}
    replica = job['replica'] or {}
    checks = dict(status_available=scratch.get('status') == 'available',
                  size=int(scratch.get('size') or 0) >= int(replica.get('size') or job['disk'].get('size') or 0),
                  availability_zone=scratch.get('availability_zone') == job['availability_zone'])
    if checksums is not None:
        source, restored = checksums.get('source_backup'), checksums.get('scratch')
        checks['content_checksum'] = bool(source) and source == restored
    return checks


def region_drill_result(job, scratch=None, started_at=None, finished_at=None, checksums=None, error=None,
                        check_mode=False):
    """The report's record of one job: the replica and its source backup, RPO and RTO (cloud
    clock of the destination region), the checks of the scratch disk (``scratch``, as disk_info
    shows it) and, with ``checksums`` (``source_backup`` and ``scratch``), whether the restored
    content is the source backup's. ``error``: why the drill of this disk stopped."""
    replica, source = job.get('replica') or {}, job.get('source_backup') or {}
    record = dict(kind='disk', disk=job['disk'].get('name'), disk_id=job['disk'].get('id'), mechanism=MECHANISM,
                  source_copy=replica.get('name'), source_copy_id=replica.get('id'),
                  source_copy_created=replica.get('created_at'), source_region=replica.get('source_region'),
                  source_backup_id=source.get('id'), source_backup_created=source.get('created_at'),
                  rpo_achieved_seconds=job.get('rpo_achieved_seconds'),
                  replica_age_seconds=job.get('replica_age_seconds'),
                  scratch=dict(kind='disk', name=job['scratch_name'], id=(scratch or {}).get('id'),
                               availability_zone=job.get('availability_zone'), region=replica.get('region')),
                  started_at=started_at, finished_at=finished_at, rto_seconds=None, checksums=checksums)
    failure = job.get('refused') or error
    if failure:
        record['verification'] = dict(passed=False, checks={}, detail=failure)
        return record
    if check_mode:
        record['verification'] = dict(passed=False, checks={}, detail='check mode: not run')
        return record
    if started_at and finished_at:
        record['rto_seconds'] = _seconds(parse_time(finished_at, 'finished_at'), parse_time(started_at, 'started_at'))
    checks = _checks(job, scratch, checksums)
    failed = sorted(name for name, passed in checks.items() if not passed)
    detail = 'passed' if not failed else 'failed: %s' % ', '.join(failed)
    if checksums is None:
        detail += ' (content not compared: no drill_checksum_tasks)'
    record['verification'] = dict(passed=not failed, checks=checks, detail=detail)
    return record


def cleanup_record(removed=None, left=None, error=None):
    """What a cleanup of scratch resources did, the one record of the drill's and the recovery plan's
    test cleanups: ``removed`` (names deleted), ``left`` (names still there after the deletes: a
    cleanup that leaves one failed) and ``error`` (why it could not finish), each name once, in the
    order given; a name both removed and left counts as left (the delete was answered, it is still there)."""
    left = _once(left)
    return {'removed': [name for name in _once(removed) if name not in left], 'left': left, 'error': error or None}


def _once(names):
    seen = []
    for name in names or ():
        if name not in seen:
            seen.append(name)
    return seen


def cleanup_state(record, name, check_mode=False):
    """What happened to the scratch resource ``name`` by a ``cleanup_record``, in words."""
    if check_mode:
        return 'check mode: nothing made'
    if name in record['left']:
        return 'failed: %s is still there' % name
    if record['error']:
        return 'failed: the cleanup could not finish: %s' % record['error']
    return 'deleted' if name in record['removed'] else 'nothing to delete'


def region_drill_cleanup(results, found=None, left=None, error=None, check_mode=False, tier=None):
    """Each result with ``cleanup``: what happened to its scratch disk. ``found``: names of this
    run's marked scratch disks found (and deleted) in the destination region, ``left``: names
    still there after the deletes, ``error``: why the cleanup could not finish. ``tier``: the
    policy tier drilled (a region drill of a DR policy), added to each result."""
    record = cleanup_record(found, left, error)
    return [dict(result, cleanup=cleanup_state(record, (result.get('scratch') or {}).get('name'), check_mode),
                 **({'tier': tier} if tier else {}))
            for result in require_records(results, 'the drill results', optional=True)]


def region_drill_tiers(disks, policy, tiers=None, connections=None, destination=None, pairs=None):
    """The region drill of a checked policy: per tier that uses region_replication (``failure:
    region``; only ``tiers`` when given), its name, ``destination_region``, the connection there
    and the disks it covers (selected as protect selects them, from ``disks`` of the source
    region, which is up during a drill). The connection is ``connections[destination_region]``
    (as protect_region_connections), else ``destination`` when it names that region (the
    drill's drill_region_destination), else the role's own connection with the region set.
    Raises PolicyError when no tier uses region_replication: nothing to drill is a mistake."""
    connections = connections or {}
    problems = []
    plans = []
    for tier, covered, _name in covered_tiers(policy, REGION_REPLICATION, tiers, disks, problems, pairs):
        region = tier[REGION_REPLICATION]['destination_region']
        if region in connections:
            connection = dict(connections[region], region=region)
        elif (destination or {}).get('region') == region:
            connection = dict(destination)
        else:
            connection = {'region': region}
        plans.append({'tier': tier['name'], 'destination_region': region, 'destination': connection,
                      'disks': covered})
    if not plans and not problems:
        problems.append('no tier%s uses region_replication (failure: region): there is no region tier to drill'
                        % (' of %s' % ', '.join(tiers) if tiers else ''))
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans
