# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application-consistent copies: a tier's ``app_consistency`` names, per server its disks are
attached to, the hooks that quiesce and resume the application on that server (run there through
the inventory), and a cap on how long the servers may stay quiesced.

The snapshot_policy role quiesces every server of the tier's group, creates the tier's snapshots,
resumes as soon as the cloud has accepted the creates, and marks the copies: ``dp_evs_consistency:
application`` and ``dp_evs_group_run``, one id shared by every copy of that step (a consistency
group: all the group's disks from the same moment). ``check_app_consistency`` checks the tier
option; ``app_groups`` splits the due snapshots into the plain ones and one group per such tier.

A tier that selects servers (mechanism server_backup) takes server backups the same way (the
backup_policy role includes the snapshot_policy role's app_consistent.yml): ``server_hooks`` finds
the hooks of its selected servers, ``server_group`` makes the group, and a CBR backup, which has no
metadata, carries the marks at the start of its description (``backup_description``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import TIER_KEY
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError, tier_duration

CONSISTENCY_KEY = 'dp_evs_consistency'
APPLICATION = 'application'
GROUP_RUN_KEY = 'dp_evs_group_run'
# the longest the servers stay quiesced unless the tier says otherwise: long enough for the
# hooks and the create requests, short enough for a database to keep its clients waiting
DEFAULT_MAX_FREEZE = 30
OPTION_KEYS = ('servers', 'max_freeze')
SERVER_KEYS = ('server', 'host', 'quiesce', 'resume')
HOOK_KINDS = ('command', 'tasks')
# a CBR backup has no metadata: a server backup taken with its servers quiesced carries the marks
# at the start of its description instead (``backup_description``)
DESCRIPTION_MARK = '%s=%s %s=' % (CONSISTENCY_KEY, APPLICATION, GROUP_RUN_KEY)
_DESCRIPTION_RE = re.compile(r'^%s(\S+?);' % re.escape(DESCRIPTION_MARK))


def _hook(value, where, problems):
    """A hook as {'command': text} or {'tasks': path}: a string is a command."""
    if isinstance(value, str) and value.strip():
        return {'command': value}
    if isinstance(value, dict) and len(value) == 1 and list(value)[0] in HOOK_KINDS:
        kind, text = list(value.items())[0]
        if isinstance(text, str) and text.strip():
            return {kind: text}
    problems.append('%s must be a command (a string) or {tasks: <task file>}, not %r' % (where, value))
    return None


def _server(entry, where, seen, problems):
    if not isinstance(entry, dict):
        problems.append('%s must be a dict with server, host, quiesce and resume' % where)
        return None
    unknown = sorted(set(entry) - set(SERVER_KEYS))
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(SERVER_KEYS)))
    server = entry.get('server')
    if not isinstance(server, str) or not server:
        problems.append('%s.server must be the id of a server the disks are attached to' % where)
        return None
    if server in seen:
        problems.append('%s: server %s is listed twice' % (where, server))
    seen.add(server)
    host = entry.get('host', server)
    if not isinstance(host, str) or not host:
        problems.append('%s.host must be the inventory host that runs the hooks on server %s' % (where, server))
    # both hooks are required: a server that can be quiesced must be resumable by the same run
    hooks = dict((phase, _hook(entry.get(phase), '%s.%s' % (where, phase), problems)) for phase in ('quiesce', 'resume'))
    return {'server': server, 'host': host, 'quiesce': hooks['quiesce'], 'resume': hooks['resume']}


def check_app_consistency(tier, where, problems):
    """The tier's ``app_consistency``, checked and normalized ({servers, max_freeze}), or None."""
    value = tier.get('app_consistency')
    if value is None:
        return None
    where = where + '.app_consistency'
    if not isinstance(value, dict):
        problems.append('%s must be a dict with servers (each with server, host, quiesce and resume) and '
                        'max_freeze' % where)
        return None
    unknown = sorted(set(value) - set(OPTION_KEYS))
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(OPTION_KEYS)))
    max_freeze = tier_duration(value, 'max_freeze', where, problems)
    if max_freeze is None:
        max_freeze = DEFAULT_MAX_FREEZE
    elif max_freeze == 0:
        problems.append('%s.max_freeze must be above 0 (the longest, in seconds, the servers may stay quiesced)' % where)
    servers = value.get('servers')
    if not isinstance(servers, list) or not servers:
        problems.append('%s.servers must list the servers to quiesce, each with server, host, quiesce and resume'
                        % where)
        servers = []
    seen = set()
    checked = [_server(entry, '%s.servers[%d]' % (where, index), seen, problems) for index, entry in enumerate(servers)]
    return {'max_freeze': max_freeze, 'servers': [s for s in checked if s]}


def app_groups(batch, policy, disks, run_id):
    """The due snapshots (``batch``: the elements dr_snapshot_batch gives) split by how they are
    taken: ``plain`` (a tier without app_consistency: as before) and ``groups``, one per tier with
    app_consistency that has a snapshot due: its ``servers`` (those its disks are attached to, in
    the policy's order), ``max_freeze``, ``run_id`` and ``snapshots`` (marked application-consistent
    and with the group run). PolicyError when a disk of such a tier is attached to a server the
    tier names no hooks for: its copy could not be application-consistent."""
    tiers = dict((t['name'], t) for t in policy['tiers'] if t.get('app_consistency'))
    attachments = dict((d['id'], [a.get('server_id') for a in d.get('attachments') or [] if a.get('server_id')])
                       for d in disks)
    names = dict((d['id'], d.get('name')) for d in disks)
    plain, groups, problems = [], [], []
    for item in batch:
        tier = tiers.get((item.get('metadata') or {}).get(TIER_KEY))
        if tier is None:
            plain.append(item)
            continue
        group = next((g for g in groups if g['tier'] == tier['name']), None)
        if group is None:
            group = {'tier': tier['name'], 'max_freeze': tier['app_consistency']['max_freeze'],
                     'run_id': '%s-%s' % (tier['name'], run_id), 'server_ids': [], 'snapshots': []}
            groups.append(group)
        listed = [s['server'] for s in tier['app_consistency']['servers']]
        for server_id in attachments.get(item['disk'], ()):
            if server_id not in listed:
                problems.append("tier '%s': disk '%s' is attached to server %s, which app_consistency.servers does not "
                                "list; add it (with its quiesce and resume hooks) or select the disk in another tier"
                                % (tier['name'], names.get(item['disk']) or item['disk'], server_id))
            elif server_id not in group['server_ids']:
                group['server_ids'].append(server_id)
        marked = dict(item)
        marked['metadata'] = dict(item.get('metadata') or {})
        marked['metadata'].update({CONSISTENCY_KEY: APPLICATION, GROUP_RUN_KEY: group['run_id']})
        group['snapshots'].append(marked)
    if problems:
        raise PolicyError(policy['name'], problems)
    for group in groups:
        found = group.pop('server_ids')
        group['servers'] = [s for s in tiers[group['tier']]['app_consistency']['servers'] if s['server'] in found]
    return {'plain': plain, 'groups': groups}


def consistency_of(item):
    """``application`` for a copy the role marked so (a snapshot's metadata, a backup's
    description), else ``crash``, and its group run (or None)."""
    metadata = item.get('metadata') or {}
    if metadata.get(CONSISTENCY_KEY) == APPLICATION:
        return APPLICATION, metadata.get(GROUP_RUN_KEY)
    marked = _DESCRIPTION_RE.match(item.get('description') or '')
    if marked:
        return APPLICATION, marked.group(1)
    return 'crash', None


def backup_description(text, group_run):
    """A backup's description marked application-consistent, of the group run ``group_run``."""
    return '%s%s; %s' % (DESCRIPTION_MARK, group_run, text)


def server_hooks(tier, servers, where, problems):
    """The ``app_consistency.servers`` entries of a server tier's selected ``servers`` (server_info),
    in the policy's order; an entry names a server by id or name. A selected server the tier names no
    hooks for is refused: its backup could not be application-consistent."""
    entries = tier['app_consistency']['servers']
    listed = []
    for entry in entries:  # each as the id of the server it names
        listed.extend(dict(entry, server=s['id']) for s in servers if entry['server'] in (s['id'], s.get('name'))
                      and s['id'] not in [h['server'] for h in listed])
    for server in servers:
        if not any(e['server'] in (server['id'], server.get('name')) for e in entries):
            problems.append("%s: server '%s' (%s) is selected, but app_consistency.servers does not list it; add it "
                            "(with its quiesce and resume hooks) or leave it out of the tier's selector"
                            % (where, server.get('name'), server['id']))
    return listed


def server_group(tier, run_id, hooks, backups):
    """One consistency group of a server tier: the servers whose backups are due (``backups``) with
    their hooks, one group run for all, and the backups marked application-consistent."""
    group_run = '%s-%s' % (tier['name'], run_id)
    due = set(b['server_id'] for b in backups)
    return {'tier': tier['name'], 'run_id': group_run, 'max_freeze': tier['app_consistency']['max_freeze'],
            'copy_noun': 'server backup', 'snapshots': [],
            'servers': [h for h in hooks if h['server'] in due],
            'server_backups': [dict(b, description=backup_description(b['description'], group_run)) for b in backups]}
