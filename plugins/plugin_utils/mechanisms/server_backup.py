# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server_backup mechanism: tiers that select servers (``servers`` instead of ``disks``). Each
selected server is backed up with all its disks at one instant (a CBR server backup: one
checkpoint, crash-consistent across the server's disks, or application-consistent with the tier's
``app_consistency``), in the tier's CBR server vault ``<policy>-<tier>`` on the tier's CBR policy,
plus on-demand server backups for what the schedule missed. The copies live in object storage, so
they survive the loss of the server's AZ. Applied by the backup_policy role's server path
(roles/protect/tasks/mechanisms/server_backup.yml and server_backup_preflight.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import VAULT_SIZE
from ansible_collections.dataprotection.evs.plugins.plugin_utils.app_consistency import (
    check_app_consistency, server_group, server_hooks)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import OBJECT_STORAGE, by_disk, point_in_time_copy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import (
    BACKUP_MIN_RPO, Backup, backup_due, backup_settings, cbr_policy_in_place, cbr_vault_in_place, vault_resources_problems)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import parse_time
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    PolicyError, applied_tiers, human_duration, resource_base, rpo_slot, select_servers)

NAME = 'server_backup'
SERVER_TYPE = 'OS::Nova::Server'
# the server statuses a checkpoint takes a server in (module_utils/backup_server.py)
SERVER_BACKUPABLE = ('ACTIVE', 'SHUTOFF')


class ServerBackup(registry.Mechanism):
    name = NAME
    order = 25
    selects = 'servers'
    app_consistent = True
    survives = ('disk', 'az')
    min_rpo = BACKUP_MIN_RPO
    keeps_copies = True
    tier_output = (('server_backup', None),)
    preflight_tasks = 'mechanisms/server_backup_preflight.yml'
    survival_hint = 'server_backup (whole servers in object storage, for tiers that select servers)'
    copies_live = "which live in the object storage of the server's region"
    copy_noun = 'available server backup'

    def derive(self, tier, failure, rpo, rto):
        if failure in self.survives and rpo >= BACKUP_MIN_RPO:
            return ('each server with all its disks at one instant, in object storage: survives the loss of its AZ '
                    '(a server vault and policy)')
        return None

    def chosen_problems(self, where, tier, chosen, failure, rpo):
        if self.name in chosen and rpo < BACKUP_MIN_RPO:
            return ['%s: RPO %s cannot be met with server backups, which run at most once an hour; set rpo: 1h or '
                    'more' % (where, human_duration(rpo))]
        return []

    def check_tier(self, where, tier, checked, resource_name, problems):
        Backup.check_tier(self, where, tier, checked, resource_name, problems)
        settings = None
        if checked['rpo'] is not None and checked['retention'] is not None:
            settings = backup_settings(checked['rpo'], checked['retention'])
        return {'server_backup': settings, 'app_consistency': check_app_consistency(tier, where, problems)}

    def audit_index(self, sources, policy):
        """{disk id: [(server backup, its disk backup of the disk)]}, and the ids of the policy's server
        vaults (a server backup there is the policy's, proven by where it lives, never by its name)."""
        names = set(resource_base(policy['name'], t['name']) for t in policy['tiers'] if NAME in t['mechanisms'])
        vault_ids = set(v.get('id') for v in sources['vaults'] or [] if v.get('name') in names)
        children = {}
        for backup in sources['backups'] or []:
            if backup.get('resource_type') == SERVER_TYPE:
                for child in backup.get('children') or ():
                    children.setdefault(child.get('disk_id'), []).append((backup, child))
        return children, vault_ids

    def audit_copies(self, index, disk, now, policy, zones):
        # a disk backup is a copy of the disk as of its server backup, marked as that one is
        children, vault_ids = index
        return [point_in_time_copy(now, NAME, '%s (CBR server backup)' % OBJECT_STORAGE, dict(
            child, name=backup.get('name'), description=backup.get('description'), created_at=backup['created_at']),
            owned=backup.get('vault_id') in vault_ids)
            for backup, child in children.get(disk['id'], ())
            if backup.get('status') == 'available' and backup.get('created_at')]


MECHANISMS = [ServerBackup()]


def server_backup_plan(servers, disks, policy, now, vaults=None, policies=None, backups=None, tiers=None,
                       vault_size=0, on_demand=True, run_id=''):
    """For every applied server tier: its server vault and CBR policy (``<policy>-<tier>``), the
    selected servers, the vault size (twice their disks, at least 10 GB), whether vault and policy
    are in place, and the server backups due now on the cloud's clock ``now`` (as backup tiers:
    ``<policy>-<tier>-<slot>`` for a server whose newest available server backup is older than the
    tier's interval); a tier with ``app_consistency`` gives its due backups as one consistency group
    (``group``, app_consistency.server_group), the others as ``due``. PolicyError, before any change:
    a selector that matches no server, a named server that is missing or whose name two servers
    share, two selected servers of one name, a server selected by two server tiers or in a vault
    the policy did not make, more servers in a tier than a vault holds (256), a selected server
    without hooks in an application-consistent tier."""
    problems, plans, owner = [], [], {}
    moment = parse_time(now, 'now (the cloud time)')
    vaults, policies, backups = vaults or [], policies or [], backups or []
    sizes = dict((d['id'], int(d.get('size') or 0)) for d in disks or [])
    # a CBR backup's disk_id is its resource_id: for a server backup, the server's id
    backups_of = by_disk((b for b in backups if b.get('resource_type') == SERVER_TYPE), 'disk_id')
    for tier in applied_tiers(policy, NAME, tiers):
        where, name = "tier '%s'" % tier['name'], resource_base(policy['name'], tier['name'])
        chosen, found = select_servers(servers, tier['servers'], where + '.servers')
        problems.extend(found)
        for server in chosen:
            namesakes = [s['id'] for s in servers or [] if s.get('name') == server.get('name')]
            if len(namesakes) > 1:
                problems.append("%s selects server '%s', a name %d servers share (%s); rename one: the backups, hooks "
                                "and reports name servers by name" % (where, server.get('name'), len(namesakes),
                                                                      ', '.join(namesakes)))
            if server['id'] in owner:
                problems.append("server '%s' is selected by server tiers '%s' and '%s'; a server can be in one vault "
                                "only: select it in one of them" % (server.get('name'), owner[server['id']], tier['name']))
            owner[server['id']] = tier['name']
            problems.extend("%s: server '%s' is in vault '%s', which the policy did not make; a server can be in one "
                            "vault only: remove it there first" % (where, server.get('name'), v.get('name'))
                            for v in vaults if v.get('name') != name and server['id'] in (v.get('resource_ids') or []))
        problems.extend(vault_resources_problems(where, len(chosen), 'servers'))
        hooks = server_hooks(tier, chosen, where, problems) if tier.get('app_consistency') else None
        settings = tier['server_backup']
        vault = next((v for v in vaults if v.get('name') == name), None)
        size = vault_size or max(VAULT_SIZE[0], 2 * sum(sizes.get(d, 0) for s in chosen for d in s.get('disk_ids') or ()),
                                 int((vault or {}).get('size') or 0))
        slot = rpo_slot(now, settings['every'])
        due, waiting, skipped = [], [], []
        for server in chosen if on_demand else []:
            backup_name = '%s-%s' % (name, slot['stamp'])
            state, detail = backup_due(backups_of.get(server['id'], ()), backup_name, moment, settings)
            if state == 'waiting':
                waiting.append(dict(detail, server_id=server['id'], server_name=server.get('name'), tier=tier['name'],
                                    vault=name))
            elif state == 'due' and (server.get('status') not in SERVER_BACKUPABLE or server.get('task_state')
                                     or not server.get('disk_ids')):
                skipped.append("server '%s' is %s%s; a server is backed up when ACTIVE or SHUTOFF, with a disk" % (
                    server.get('name'), server.get('status'), ' with no disk' if not server.get('disk_ids') else ''))
            elif state == 'due':
                due.append({'server_id': server['id'], 'server_name': server.get('name'), 'name': backup_name,
                            'tier': tier['name'], 'vault': name, 'vault_exists': vault is not None, 'reason': detail,
                            'description': '%s policy, tier %s: %s' % (policy['name'], tier['name'], detail)})
        own_policies = [p for p in policies if p.get('name') == name and p.get('backend', 'cbr') == 'cbr']
        server_ids = sorted(s['id'] for s in chosen)
        one_policy = len(own_policies) == 1
        group = server_group(tier, run_id, hooks, due) if hooks is not None and due else None
        plans.append({
            'tier': tier['name'], 'name': name, 'rpo_text': tier['rpo_text'], 'backup': settings,
            'notes': settings['notes']['cbr'], 'servers': [{'id': s['id'], 'name': s.get('name')} for s in chosen],
            'server_ids': server_ids, 'vault_size': size, 'vault_exists': vault is not None,
            'policy_exists': bool(own_policies),
            'policy_in_place': one_policy and cbr_policy_in_place(own_policies[0], settings),
            'vault_in_place': one_policy and cbr_vault_in_place(vault, name, size, server_ids, 'server'),
            'apply': True, 'due': [] if group else due, 'group': group, 'waiting': waiting, 'skipped': skipped,
            'every_text': human_duration(settings['every']),
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans
