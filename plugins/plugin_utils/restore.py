# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing the copy to restore: the newest available copy at or before a point in time. Which
mechanisms restore a disk, from what and how is declared by each mechanism (``restore_*`` in
plugins/plugin_utils/mechanisms/registry.py); nothing here names one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import region_replication, registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, confirmed, format_time, parse_time, require_records)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import select_disks

# Metadata a restored disk does not take over from its source: the collection's own bookkeeping
# (restore and rollback records of the source, drill marks that would let a drill's cleanup delete
# it, policy marks that make a resource look like a copy a policy made) and what the cloud sets.
NOT_INHERITED_PREFIXES = ('dp_evs_', '__system__')
RESTORED_FROM = 'dp_evs_restored_from'


def restore_point(copies, before=None, now=None, what='disk'):
    """The newest ``available`` copy created at or before ``before`` (default ``now``, the
    cloud's time), plus ``restore_before`` (the point asked for). Raises RetentionError with the
    copies that exist when none qualifies. The snapshot a backup left on its disk is never one:
    the cloud refuses to roll it back or make a disk of it."""
    limit_text = before or now
    if not limit_text:
        raise RetentionError('give a point in time (before) or the cloud time (now)')
    limit = parse_time(limit_text, 'the point in time')
    copies = require_records(copies, 'the copies to restore from', optional=True)
    usable = [c for c in copies if c.get('status') == 'available' and c.get('created_at') and not made_by_backup(c)]
    ordered = sorted(usable, key=lambda c: (parse_time(c['created_at']), c.get('id') or ''), reverse=True)
    for copy in ordered:
        if parse_time(copy['created_at']) <= limit:
            result = dict(copy)
            result['restore_before'] = format_time(limit)
            result['created'] = format_time(parse_time(copy['created_at']))
            return result
    if not ordered:
        raise RetentionError('%s has no available copy to restore from' % what)
    raise RetentionError('%s has no available copy at or before %s; the oldest is %s from %s'
                         % (what, format_time(limit), ordered[-1].get('name') or ordered[-1].get('id'),
                            format_time(parse_time(ordered[-1]['created_at']))))


def inherited_metadata(disk):
    """The metadata a disk that takes over from ``disk`` carries: its own keys (the policies'
    selection, the user's keys), not the collection's bookkeeping nor the cloud's keys."""
    return dict((k, v) for k, v in ((disk or {}).get('metadata') or {}).items()
                if not k.startswith(NOT_INHERITED_PREFIXES))


def restored_disk_metadata(disk, copy_id):
    """The metadata of a new disk restored from ``copy_id`` of ``disk``: the source's own keys, so
    that the policies that selected it (by tier, application...) select the restored disk too,
    plus ``dp_evs_restored_from``."""
    kept = inherited_metadata(disk)
    kept[RESTORED_FROM] = copy_id
    return kept


def serving_disk_metadata(pairs, disks, serving_az):
    """After a switch of a protection group to ``serving_az``: for each replication pair whose
    disk in ``serving_az`` lacks some of the inherited metadata of its other side, the serving
    disk and the keys to set. The policies' selectors skip the DR side of a pair (the side its
    ``priority_station`` does not name), so a disk that serves is selected again by the keys
    it carries, and the one it replaces is not selected while it is the DR side."""
    by_id = dict((d['id'], d) for d in require_records(disks, 'the disks', optional=True) if isinstance(d.get('id'), str))
    updates = []
    for pair in require_records(pairs, 'the replication pairs', optional=True):
        volume_ids = pair.get('volume_ids')
        sides = [by_id[i] for i in (volume_ids.split(',') if isinstance(volume_ids, str) else ()) if i in by_id]
        serving = [d for d in sides if d.get('availability_zone') == serving_az]
        replaced = [d for d in sides if d.get('availability_zone') != serving_az]
        if len(serving) != 1 or len(replaced) != 1:
            continue
        current = serving[0].get('metadata') or {}
        missing = dict((k, v) for k, v in inherited_metadata(replaced[0]).items() if current.get(k) != v)
        if missing:
            updates.append({'disk': serving[0]['id'], 'name': serving[0].get('name'), 'metadata': missing,
                            'from': replaced[0].get('name') or replaced[0]['id'], 'pair': pair.get('name')})
    return updates


def restore_record_decision(disk, mechanism, copy, request_id):
    """What the record on ``disk`` says about writing ``copy`` onto it again, as the module will
    decide it: restore, done (this request did it) or running (it still runs); raises
    RetentionError for a repeat without a request id (the restore role's variables named)."""
    record = registry.get(mechanism).restore_record
    label = '%s %s (%s)' % (mechanism, copy.get('name') or copy['id'], copy['id'])
    try:
        return record.decide(disk.get('metadata'), copy['id'], disk.get('status'), request_id or None, False,
                             label, request_option='restore_request_id', force_option=None)
    except ResourceError as exc:
        raise RetentionError('disk %s: %s' % (disk.get('name') or disk['id'], exc))


AUTO = 'auto'
TARGETS = ('new', 'original')


def restoring_names():
    """The mechanisms whose copies restore a disk, in registry order."""
    return tuple(m.name for m in registry.restoring())


def restore_sources():
    """What ``source`` may be: ``auto`` or a mechanism whose copies restore a disk."""
    return (AUTO,) + restoring_names()


def _refusal(source, disk):
    """Why a restore from ``source`` is refused when it is a mechanism that says so, else None."""
    for mechanism in registry.all_mechanisms():
        if mechanism.name == source and mechanism.restore_refusal:
            return 'restore_source=%s: %s' % (source, mechanism.restore_refusal % disk.get('name'))
    return None


def _mechanism_names(names, what):
    if not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
        raise RetentionError('%s must be a list of mechanism names, not %r' % (what, names))
    return list(names)


def restore_request(source, zone_up=True, other_region=False, disk=None):
    """What the restore role decides from ``source`` (restore_source) before its first request and
    before it reads copies, so that the role names no mechanism:

    - ``accepted``: the sources it takes: ``auto``, the mechanisms whose copies restore a disk and
      those that refuse with their reason; in another region (``other_region``) ``auto`` and the
      sources the copies there answer to (``replica_restore_source``); ``valid``: ``source`` is one;
    - ``refusal``: why ``source`` is refused (a mechanism whose copies do not restore one disk; ``disk``
      names the disk in it), or None;
    - ``reads``: the kinds of copies to read (the ``dr_restore_plan`` keywords: ``snapshots``,
      ``backups``) for the mechanisms ``source`` may use, without those whose copies live in the
      disk's zone while it is down (``zone_up`` false)."""
    if other_region:
        accepted = [AUTO] + sorted(set(m.replica_restore_source for m in registry.all_mechanisms()
                                       if m.replica_restore_source))
    else:
        accepted = list(restore_sources()) + [m.name for m in registry.all_mechanisms() if m.restore_refusal]
    usable = [m for m in registry.restoring() if source in (AUTO, m.name)
              and (zone_up or not m.restores_in_own_zone_only)]
    reads = []
    for mechanism in usable:
        if mechanism.restore_copies not in reads:
            reads.append(mechanism.restore_copies)
    refusal = _refusal(source, {'name': disk or 'the disk'}) if isinstance(source, str) else None
    return {'accepted': accepted, 'valid': isinstance(source, str) and source in accepted,
            'refusal': refusal, 'reads': reads}


def drill_request(sources, disks=None, inventory=None, policy=None, tiers=None):
    """What the drill role decides from ``sources`` (drill_sources), so that the role names no
    mechanism:

    - ``accepted``: the sources a drill takes: the mechanisms whose copies restore a disk
      (``disk_accepted``), then those drilled in another region (``region_accepted``); ``unknown``:
      those of ``sources`` it does not take;
    - ``disk_sources``: those of ``sources`` whose copies restore a disk (a scratch disk per disk);
      ``region``: whether ``sources`` asks for the region drill (a mechanism whose copies live in
      another region: ``replica_restore_source``); ``region_sources``: which;
    - ``copies``: per disk source, the kind of copies it restores from (``snapshots``, ``backups``)
      and ``own_zone_only`` (its scratch disk goes into the disk's own zone);
    - ``group_mechanism``: the mechanism a protection group drill stands for;
    - with ``policy`` (checked by dr_policy) and ``inventory`` (all disks): ``disk_jobs``, the
      pairs [disk, mechanism] to drill: each of ``disks`` with each disk source, then the disks each
      tier covers (``tiers``: only these; empty: all) with the tier's mechanisms among the disk
      sources; ``groups``, the protection groups (``<policy>-<tier>``) of the tiers whose
      mechanisms are drilled by a protection group drill."""
    sources = _mechanism_names(sources, 'drill_sources')
    restoring = [m.name for m in registry.restoring()]
    in_region = [m.name for m in registry.all_mechanisms() if m.replica_restore_source]
    disk_sources = [name for name in restoring if name in sources]
    grouped = [m.name for m in registry.all_mechanisms() if m.drills_protection_group]
    result = {'accepted': restoring + in_region, 'disk_accepted': restoring, 'region_accepted': in_region,
              'unknown': [s for s in sources if s not in restoring + in_region],
              'disk_sources': disk_sources, 'region_sources': [name for name in in_region if name in sources],
              'copies': dict((m.name, {'copies': m.restore_copies, 'own_zone_only': m.restores_in_own_zone_only})
                             for m in registry.restoring()),
              'group_mechanism': grouped[0] if grouped else None}
    result['region'] = bool(result['region_sources'])
    jobs = [[disk, name] for disk in disks or [] for name in disk_sources]
    groups = []
    if isinstance(policy, dict):
        wanted = _mechanism_names(tiers or [], 'drill_tiers')
        for tier in policy.get('tiers') or []:
            if wanted and tier['name'] not in wanted:
                continue
            mechanisms = [name for name in tier['mechanisms'] if name in disk_sources]
            if mechanisms:
                for disk in select_disks(inventory or [], tier, policy):
                    jobs.extend([disk, name] for name in mechanisms)
            if [name for name in tier['mechanisms'] if name in grouped]:
                groups.append('%s-%s' % (policy.get('name') or '', tier['name']))
    result.update(disk_jobs=jobs, groups=groups)
    return result


def _zone_lost_help():
    return ', and '.join(m.zone_lost_help for m in registry.all_mechanisms() if m.zone_lost_help)


def _restores_anywhere():
    """The first mechanism whose copies restore into any zone of the region (for the hints)."""
    return [m for m in registry.restoring() if not m.restores_in_own_zone_only][0]


def _restored_from(mechanism, copy):
    """The disk module's option, and its value, that makes a new disk of ``copy``."""
    return {mechanism.new_disk_option: copy['id']}


def _newest_at_or_before(copies, limit, what):
    """(copy, None) or (None, why not) for the newest available copy created at or before ``limit``."""
    try:
        return restore_point(copies, format_time(limit), what=what), None
    except RetentionError as exc:
        return None, str(exc)


def _zone_state(zones, zone):
    """True/False when the cloud lists ``zone`` (available or not), None when it says nothing."""
    return zones.get(zone) if zone in zones else None


def _choose(candidates, chosen, why_not, window):
    """The mechanism whose copy is restored, and the notes that say why: the newest copy, but of
    copies at most ``window`` seconds apart from the newest the first in registry order (the
    quicker one, in the disk's zone)."""
    created = dict((m.name, parse_time(chosen[m.name]['created'])) for m in candidates)
    if len(candidates) == 1:
        way = candidates[0]
        return way, ['no %s: %s' % (name, reason) for name, reason in why_not.items()
                     if name != way.name and reason]
    newest = max(created.values())
    way = [m for m in candidates if (newest - created[m.name]).total_seconds() <= window][0]
    same_point = (newest - min(created.values())).total_seconds() <= window
    preferred = '%s (%s)' % (way.name, way.restore_preferred_why) if way.restore_preferred_why else way.name
    return way, ['%s are %s; the %s is used'
                 % (' and '.join('the %s from %s' % (m.name, chosen[m.name]['created']) for m in candidates),
                    'the same point (at most %ds apart)' % window if same_point else 'different points',
                    preferred if same_point else 'newer one')]


def restore_plan(disk, snapshots=None, backups=None, before=None, now=None, zones=None, source='auto',
                 target='new', new_disk_availability_zone=None, same_time_window=0, new_disk_name=None,
                 request_id=None):
    """How to bring ``disk`` back: the mechanism, the copy, the action and the zone of the result.

    ``snapshots`` are the disk's; ``backups`` may hold other disks' (only those with the disk's
    ``disk_id`` count). ``zones`` maps availability zones to whether they are up (disk_info's
    ``zones``). With ``source=auto`` the newest usable copy at or before the point wins; a
    snapshot and a backup at most ``same_time_window`` seconds apart count as the same point,
    and the snapshot (same zone, no data to copy from object storage) is preferred. Snapshots
    live in the disk's zone: while that zone is down they are unusable and a new disk from a
    backup goes into another zone. Raises RetentionError saying why nothing qualifies and which
    mechanism would have helped, or (``target=original``) that the disk's record names the copy
    and no ``request_id`` decides whether to write it again.
    """
    if not isinstance(disk, dict) or not disk.get('id'):
        raise RetentionError('the disk must be a dict with an id (as disk_info returns it), not %r' % (disk,))
    refusal = _refusal(source, disk)
    if refusal:
        raise RetentionError(refusal)
    sources = restore_sources()
    if source not in sources:
        refused = tuple(m.name for m in registry.all_mechanisms() if m.restore_refusal)
        raise RetentionError('the restore source must be one of %s, not %r' % (', '.join(sources + refused), source))
    if target not in TARGETS:
        raise RetentionError('the restore target must be new or original, not %r' % (target,))
    try:
        window = int(same_time_window)
    except (TypeError, ValueError):
        window = -1
    if window < 0 or isinstance(same_time_window, bool):
        raise RetentionError('same_time_window must be a number of seconds (0 or more), not %r' % (same_time_window,))
    zones = zones or {}
    if not isinstance(zones, dict):
        raise RetentionError('zones must be a dict of zone name to availability (disk_info zones), not %r' % (zones,))
    label = 'disk %s' % (disk.get('name') or disk['id'])
    zone = disk.get('availability_zone')
    zone_up = _zone_state(zones, zone) is not False
    limit_text = before or now
    if not limit_text:
        raise RetentionError('give a point in time (before) or the cloud time (now)')
    limit = parse_time(limit_text, 'the point in time')
    new_zone = new_disk_availability_zone or None
    if target == 'original':
        new_zone = None
        if not zone_up:
            raise RetentionError('%s is in %s, which is unavailable: nothing can be written onto it now; restore into '
                                 'a new disk in another zone from a backup (restore_target=new)' % (label, zone))
    elif new_zone is not None:
        if _zone_state(zones, new_zone) is False:
            raise RetentionError('the new disk cannot go to %s: that availability zone is unavailable' % new_zone)
        if zones and new_zone not in zones:
            raise RetentionError('the new disk cannot go to %s: the region has the availability zones %s'
                                 % (new_zone, ', '.join(sorted(zones))))

    given = {'snapshots': snapshots, 'backups': backups}
    restoring = [m for m in registry.restoring() if source in (AUTO, m.name)]
    why_not, chosen = {}, {}
    for way in restoring:
        if way.restores_in_own_zone_only and not zone_up:
            why_not[way.name] = 'its %s live in %s, which is unavailable' % (way.restore_copies, zone)
        elif way.restores_in_own_zone_only and new_zone not in (None, zone):
            anywhere = _restores_anywhere().name
            why_not[way.name] = ('a %s can only become a disk in its own zone %s, not %s; a %s can restore into any '
                                 'zone of the region (restore_source=%s)' % (way.name, zone, new_zone, anywhere, anywhere))
        else:
            copies = require_records(given.get(way.restore_copies), 'the %s' % way.restore_copies, optional=True)
            chosen[way.name], why_not[way.name] = _newest_at_or_before(
                way.own_copies(disk, copies), limit, '%s (%s)' % (label, way.restore_copies))

    candidates = [m for m in restoring if chosen.get(m.name)]
    if not candidates:
        reasons = '; '.join('%s: %s' % (m.name, why_not[m.name]) for m in restoring if m.name in why_not)
        hint = ''
        if not zone_up and source != AUTO and registry.get(source).restores_in_own_zone_only:
            anywhere = _restores_anywhere().name
            hint = 'a %s can restore into another zone: use restore_source=%s or auto' % (anywhere, anywhere)
        elif not zone_up:
            hint = _zone_lost_help()
        raise RetentionError('%s cannot be restored from a copy at or before %s (%s)%s'
                             % (label, format_time(limit), reasons, ('; ' + hint) if hint else ''))
    way, notes = _choose(candidates, chosen, why_not, window)
    mechanism = way.name
    copy = chosen[mechanism]

    if target == 'original' or way.restores_in_own_zone_only:
        result_zone = zone
    elif new_zone:
        result_zone = new_zone
    elif zone_up:
        result_zone = zone
    else:
        up = sorted(z for z, available in zones.items() if available and z != zone)
        if not up:
            raise RetentionError('%s: its zone %s is unavailable and no other zone is available for the new disk'
                                 % (label, zone))
        result_zone = up[0]
        notes.append('%s is unavailable, so the new disk goes to %s (set restore_new_disk_availability_zone to '
                     'choose)' % (zone, result_zone))
    result = {
        'mechanism': mechanism,
        'action': way.restore_actions[target],
        'target': target,
        'source_copy': copy,
        'availability_zone': result_zone,
        'disk_zone_up': zone_up,
        'restore_before': format_time(limit),
        'notes': notes,
        'new_disk_name': new_disk_name or '%s-restored-%s' % (
            disk.get('name') or disk['id'], parse_time(copy['created']).strftime('%Y%m%dT%H%MZ')),
    }
    if target == 'original':
        result['record'] = restore_record_decision(disk, mechanism, copy, request_id)
    else:
        result['new_disk_metadata'] = restored_disk_metadata(disk, copy['id'])
        result['new_disk_from'] = _restored_from(way, copy)
    if now:
        result['copy_age_seconds'] = int((parse_time(now, 'the cloud time') - parse_time(copy['created'])).total_seconds())
    return result


def _attached_to(attachments):
    return ', '.join('%s at %s' % (a.get('server_id'), a.get('device')) for a in attachments)


def _what_happens(plan, existing, confirm, request_id, onto='the original disk'):
    """The restore role's plan in words: what this run does with the copy (``onto``: the disk written onto)."""
    record = plan.get('record')
    if record == 'done':
        return ('onto %s: already done, request %s wrote this copy onto it; nothing to do'
                % (onto, request_id))
    if record == 'running':
        return ('onto %s: the restore of this copy recorded on the disk still runs; %s'
                % (onto, 'waiting for it' if confirm else 'nothing to do'))
    if plan['target'] == 'original':
        return 'onto %s by %s%s' % (
            onto, registry.get(plan['mechanism']).restore_onto_words,
            ', overwriting what it holds now' if confirm
            else ', which would overwrite what it holds now; NOT DONE: restore_confirm is not true')
    if existing:
        return ('already done: disk %s in %s was restored from %s; nothing to do'
                % (plan['new_disk_name'], existing.get('availability_zone'), existing['metadata'][RESTORED_FROM]))
    return 'into a new disk %s in %s; the original is untouched' % (plan['new_disk_name'], plan['availability_zone'])


def restore_step(plan, disk, existing=None, confirm=False, detach=False, request_id=None):
    """What the restore role does with ``plan`` (``restore_plan``'s) for ``disk``: create the new
    disk, write the copy onto the disk, or nothing (done before, or not confirmed), and which
    refusal stops it. ``existing`` are the disks named as the new disk (``target=new``): one a
    restore made is an earlier run's, any other is refused. ``confirm`` and ``detach`` are the
    role's variables, read as Ansible's ``bool`` filter reads them."""
    if (not isinstance(plan, dict) or plan.get('target') not in TARGETS or plan.get('mechanism') not in restoring_names()
            or not isinstance(plan.get('source_copy'), dict) or not isinstance(plan.get('new_disk_name'), str)
            or not isinstance(plan.get('notes') or [], list) or not all(isinstance(n, str) for n in plan.get('notes') or [])):
        raise RetentionError('plan must be a restore plan (dr_restore_plan), not %r' % (plan,))
    if not isinstance(disk, dict) or not disk.get('id'):
        raise RetentionError('the disk must be a dict with an id (as disk_info returns it), not %r' % (disk,))
    named = require_records(existing, 'the disks named as the new disk', optional=True) if plan['target'] == 'new' else []
    earlier = [d for d in named if isinstance(d.get('metadata'), dict) and RESTORED_FROM in d['metadata']]
    copy, label = plan['source_copy'], disk.get('name') or disk['id']
    attachments = require_records(disk.get('attachments'), 'the disk\'s attachments', optional=True)
    overwrite = plan['target'] == 'original' and plan.get('record') == 'restore'
    is_confirmed = confirmed(confirm)
    step = {
        'create': plan['target'] == 'new' and not named,
        'write': plan['target'] == 'original' and is_confirmed,
        'existing': earlier[0] if earlier else None,
        'needs_detach': overwrite and is_confirmed and bool(attachments),
        'attachments': attachments,
        'attached_to': _attached_to(attachments),
        'done': plan['target'] == 'new' or is_confirmed or not overwrite,
        # an earlier run brought this copy back already: this run recovers nothing (a plan's evidence must tell)
        'already_done': bool(earlier) and len(earlier) == len(named) if plan['target'] == 'new' else plan.get('record') == 'done',
        'name_taken': None, 'unconfirmed': None, 'attached': None,
    }
    if len(earlier) < len(named):
        step['name_taken'] = ('a disk named %s exists and was not made by a restore (no %s in its metadata); choose '
                              'another name with restore_new_disk_name; nothing was changed'
                              % (plan['new_disk_name'], RESTORED_FROM))
    region = plan.get('region')
    onto = 'disk %s (%s) of region %s' % (label, disk['id'], region) if region else 'the original disk'
    if overwrite and not is_confirmed:
        step['unconfirmed'] = ('restoring %s from %s %s overwrites what it holds now and needs restore_confirm=true '
                               '(it is %s); nothing was changed'
                               % (onto if region else 'disk %s onto itself' % label, 'replica' if region
                                  else plan['mechanism'], copy.get('name'), confirm))
    if step['needs_detach'] and region:
        step['attached'] = ('%s is attached to %s; the cloud writes a replica only onto a detached disk: detach it '
                            'first (restore_detach works on the original disk only); nothing was changed'
                            % (onto, step['attached_to']))
    elif step['needs_detach'] and not confirmed(detach):
        step['attached'] = ('disk %s is attached to %s; the cloud writes a %s back only onto a detached disk: set '
                            'restore_detach=true to detach it, restore it and attach it again at the same device '
                            '(stop what uses the disk first); nothing was changed'
                            % (label, step['attached_to'], plan['mechanism']))
    happens = _what_happens(plan, step['existing'], is_confirmed, request_id, onto)
    notes = (' ' + '. '.join(plan['notes'])) if plan.get('notes') else ''
    if region:
        source = plan.get('source_disk') or {}
        step['summary'] = (
            'restore disk %s (%s, of %s) in region %s from replica %s (%s) made %s, the newest at or before '
            '%s; RPO achieved: the replica is %s s old, %s.%s'
            % (source.get('name'), source.get('id'),
               'region %s' % source['region'] if source.get('region') else 'another region', region, copy.get('name'),
               copy.get('id'), copy.get('created'), plan.get('restore_before'), plan.get('copy_age_seconds'),
               happens, notes))
        return step
    step['summary'] = (
        'restore disk %s (%s, %s%s) from %s %s (%s) taken %s, the newest usable copy at or before %s (%s s old), %s.%s'
        % (label, disk['id'], disk.get('availability_zone'), '' if plan.get('disk_zone_up') else ', zone unavailable',
           plan['mechanism'], copy.get('name'), copy.get('backend', 'evs'), copy.get('created'),
           plan.get('restore_before'), plan.get('copy_age_seconds'), happens, notes))
    return step


def _replicas_of(reference, replicas, label):
    """The replicas of the source disk ``reference`` (its id, or its name as the replicas record
    it); a name that several source disks had is refused with their ids."""
    replicas = require_records(replicas, 'the replicas', optional=True)
    by_id = [r for r in replicas if r.get('disk_id') == reference]
    if by_id:
        return by_id
    by_name = [r for r in replicas if r.get('disk_name') == reference]
    disk_ids = sorted(set(r.get('disk_id') or '?' for r in by_name))
    if len(disk_ids) > 1:
        raise RetentionError('%s: replicas of %d disks named %s are there (%s); give the disk id'
                             % (label, len(disk_ids), reference, ', '.join(disk_ids)))
    return by_name


def region_tier_disks(replicas, vault=None, region=None):
    """The source disks (their ids, sorted) of ``replicas``, the replicas in the replication vault
    ``vault`` of ``region`` of a ``failure: region`` tier: the disks a failover of the tier to
    ``region`` restores, known without asking their own region (it may be down). Raises
    RetentionError when the vault holds no replica, or one that does not record its source disk."""
    where = 'the replication vault %s of region %s' % (vault or '?', region or '?')
    replicas = require_records(replicas, 'the replicas', optional=True)
    if not replicas:
        raise RetentionError('%s holds no replica: no disk of the tier can be restored there (its backups are '
                             'replicated by the protect role\'s region tier); nothing was changed' % where)
    unknown = sorted(r.get('id') or '?' for r in replicas if not r.get('disk_id'))
    if unknown:
        raise RetentionError('%s holds replicas that do not record their source disk (%s): restore them one by one '
                             'with restore_disk; nothing was changed' % (where, ', '.join(unknown)))
    return sorted(set(r['disk_id'] for r in replicas))


def region_restore_plan(disk, replicas=None, region=None, now=None, zones=None, before=None,
                        new_disk_availability_zone=None, new_disk_name=None, onto=None, request_id=None):
    """How to bring ``disk`` (the source disk's id or name, as its replicas record it) back in
    ``region`` from its newest replica there at or before ``before`` (default ``now``, the cloud's
    time in that region), while its own region may be down: into a new disk in
    ``new_disk_availability_zone`` (default the first available zone of ``region``), or onto the
    existing disk ``onto`` of ``region`` (as disk_info returns it). The plan has the keys of
    ``restore_plan`` (mechanism ``backup``; target ``new``, or ``original`` for the disk written
    onto), plus ``region`` and ``source_disk``; ``copy_age_seconds`` is the replica's age on the
    cloud's clock. Raises RetentionError saying why it cannot be done."""
    if not isinstance(disk, str) or not disk.strip():
        raise RetentionError('the disk must be the source disk\'s id or name (as its replicas record it), not %r'
                             % (disk,))
    if not isinstance(region, str) or not region:
        raise RetentionError('the region the replicas are in must be given, not %r' % (region,))
    zones = zones or {}
    if not isinstance(zones, dict):
        raise RetentionError('zones must be a dict of zone name to availability (disk_info zones), not %r' % (zones,))
    label = 'disk %s' % disk
    limit_text = before or now
    if not limit_text:
        raise RetentionError('give a point in time (before) or the cloud time (now)')
    limit = parse_time(limit_text, 'the point in time')
    own = _replicas_of(disk, replicas, label)
    if not own:
        raise RetentionError('%s has no replica in region %s: replicate its backups there (backup_replica, or the '
                             'protect role\'s region tier) to be able to restore it while its region is down'
                             % (label, region))
    copy, why_not = _newest_at_or_before(own, limit, '%s (replicas in %s)' % (label, region))
    if copy is None:
        raise RetentionError('%s cannot be restored in region %s: %s' % (label, region, why_not))
    source_disk = {'id': copy.get('disk_id'), 'name': copy.get('disk_name') or copy.get('disk_id'),
                   'availability_zone': copy.get('availability_zone'), 'region': copy.get('source_region')}
    notes = ['the replica is the source backup copied to %s; its data is that of the backup, taken at or before '
             'the replica was made' % region]
    target = 'new'
    if onto is not None:
        if not isinstance(onto, dict) or not onto.get('id'):
            raise RetentionError('the disk to write onto must be a dict with an id (as disk_info returns it), not %r'
                                 % (onto,))
        target, result_zone = 'original', onto.get('availability_zone')
        onto_label = 'disk %s' % (onto.get('name') or onto['id'])
        if _zone_state(zones, result_zone) is False:
            raise RetentionError('%s is in %s, which is unavailable: nothing can be written onto it now'
                                 % (onto_label, result_zone))
        if copy.get('size') and onto.get('size') and int(onto['size']) < int(copy['size']):
            raise RetentionError('%s (%s GB) is smaller than the replica of %s (%s GB): the cloud restores only '
                                 'onto a disk at least as large' % (onto_label, onto['size'], label, copy['size']))
    elif new_disk_availability_zone:
        result_zone = new_disk_availability_zone
        if zones and result_zone not in zones:
            raise RetentionError('the new disk cannot go to %s: region %s has the availability zones %s'
                                 % (result_zone, region, ', '.join(sorted(zones))))
        if _zone_state(zones, result_zone) is False:
            raise RetentionError('the new disk cannot go to %s: that availability zone is unavailable' % result_zone)
    else:
        up = sorted(z for z, available in zones.items() if available)
        if not up:
            raise RetentionError('%s: no availability zone of region %s is available for the new disk' % (label, region))
        result_zone = up[0]
        notes.append('the new disk goes to %s, the first available zone of %s (set '
                     'restore_new_disk_availability_zone to choose)' % (result_zone, region))
    way = registry.get(region_replication.REPLICAS_RESTORE_AS)
    result = {
        'mechanism': way.name,
        'action': way.restore_actions[target],
        'target': target,
        'source_copy': copy,
        'availability_zone': result_zone,
        'disk_zone_up': _zone_state(zones, result_zone) is not False,
        'restore_before': format_time(limit),
        'notes': notes,
        'region': region,
        'source_disk': source_disk,
        'new_disk_name': new_disk_name or '%s-restored-%s' % (
            source_disk['name'], parse_time(copy['created']).strftime('%Y%m%dT%H%MZ')),
    }
    if target == 'original':
        result['record'] = restore_record_decision(onto, way.name, copy, request_id)
    else:
        result['new_disk_metadata'] = {RESTORED_FROM: copy['id']}
        result['new_disk_from'] = _restored_from(way, copy)
    if now:
        result['copy_age_seconds'] = int((parse_time(now, 'the cloud time') - parse_time(copy['created'])).total_seconds())
    return result
