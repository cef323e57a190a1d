# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup resource types (backup and replication policy, vault, backup, replica) as the
module base consumes them.

A module names its options and documentation; what a backup policy, a vault or a backup is
(how it is found, compared, predicted, refused, created, changed and deleted) lives here. What
differs between the kinds of policy (a CBR or a VBS backup policy, a CBR replication policy) is
one adapter per kind (``POLICY_BACKENDS``), the way the policy plugins keep theirs
(``plugin_utils/mechanisms/backup.py`` ``BACKENDS``); the flow, the checks and the comparison
are ``BackupPolicyResource``'s for all of them. A backup and its replica in another region share
``BackupKind`` (statuses, fetch, delete); the rules of a new backup (``check_new_backup``,
``backup_disk_problem``) serve the backup and backup_batch modules alike.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETABLE, BACKUP_DELETING, BACKUP_FIELDS, BACKUP_SERVICES, BACKUP_TRANSITIONAL, DISK_BACKUPABLE, DISK_TYPE,
    LONG_TERM_KEYS, LONG_TERM_MAX, POLICY_FIELDS, REPLICA_FIELDS, REPLICATION_POLICY_FIELDS, SERVER_TYPE, TIMEZONE_RE,
    VAULT_RESULT_FIELDS, VAULT_SIZE, VBS_POLICY_MARK, CBRPolicies, CBRReplication, VBSPolicies, backup_api,
    backup_created, canonical_schedule, cbr_policy_view, check_backup_name, check_name, check_schedule,
    describe_backup, find_backup, replica_records, replica_view, replication_destinations, replication_policy_view,
    retention_problem, schedule_to_vbs, vault_view, vbs_policy_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import ECS
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import DISK_BUSY, busy_with, looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import name_of
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Listed, Pending, Status

RETENTION = ('max_backups', 'retention_duration_days')


def wanted_schedule_and_retention(params):
    """What a backup or replication policy asks for of ``enabled``, ``schedule`` and its retention:
    kept by one criterion, the other one is not limited (-1)."""
    wanted = dict((k, params[k]) for k in ('enabled', 'schedule') + RETENTION)
    given = [k for k in RETENTION if params[k] is not None]
    if len(given) == 1:
        wanted[[k for k in RETENTION if k not in given][0]] = -1
    return wanted


# ------------------------------------------------------------------------------------------------
# Backup policies: one adapter per service

def policy_argument_spec(**options):
    """The options of every backup or replication policy module (its name, state, schedule and
    retention), and the module's own ``options``."""
    spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        enabled=dict(type='bool'),
        schedule=dict(type='list', elements='str'),
        max_backups=dict(type='int'),
        retention_duration_days=dict(type='int'),
    )
    spec.update(options)
    return spec


class PolicyBackend:
    """What a backup policy of one service is. ``options``: the options only this service has
    (the other service refuses them); ``api``: its calls (module_utils/backup.py)."""

    name = None
    #: the service whose limits apply (retention)
    service = None
    #: the policy in messages: "CBR backup policy 'nightly'"
    what = None
    options = ()
    api = None
    #: a policy name may not start with it (the service's own policies do)
    reserved_prefix = None
    #: a policy keeps backups by number or by days, not by both
    one_retention = False

    # refusals of this service beyond the declared ones (raise ResourceError)
    def validate_options(self, params):
        pass

    def validate_schedule(self, patterns):
        pass

    def view(self, module, raw):
        raise NotImplementedError

    def list_view(self, raw):
        raise NotImplementedError

    def list_policies(self, module):
        return module.api.list_policies()

    def find(self, module):
        return self.view(module, module.api.find_policy(module.params['name']))

    def schedule_key(self, patterns):
        """A schedule in the form two schedules are compared in."""
        return canonical_schedule(patterns)

    def desired(self, module, current, wanted):
        """Put this service's own fields into ``wanted``."""

    def check_create(self, module, label, desired):
        """Refuse a create this service would refuse (raise ResourceError)."""

    def check_update(self, module, current, changes):
        """Refuse an update this service would refuse (raise ResourceError)."""

    def predicted(self, desired):
        """The fields a new policy shows beyond those asked for."""
        return {}

    def create(self, module, desired):
        raise NotImplementedError

    def update(self, module, current, changes):
        raise NotImplementedError

    def delete(self, module, current):
        module.api.delete_policy(current['id'])


class CbrPolicy(PolicyBackend):
    """A CBR policy: a trigger (RRULE patterns) and an ``operation_definition`` (retention);
    it backs up the disks of the vaults associated with it."""

    name = service = 'cbr'
    what = 'CBR backup policy'
    options = ('long_term_retention',)
    api = CBRPolicies
    operation_type = 'backup'

    def validate_options(self, params):
        if params['purge_disks']:
            raise ResourceError('purge_disks is a VBS option; a CBR policy backs up the disks of its vaults')

    def view(self, module, raw):
        return cbr_policy_view(raw)

    def list_view(self, raw):
        return cbr_policy_view(raw)

    def desired(self, module, current, wanted):
        given = module.params['long_term_retention']
        if given is None:
            wanted['long_term_retention'] = None
            return
        merged = dict((current or {}).get('long_term_retention') or dict((k, 0) for k in LONG_TERM_KEYS))
        merged.setdefault('timezone', None)
        merged.update((k, v) for k, v in given.items() if v is not None)
        if any(merged.get(k) for k in LONG_TERM_KEYS) and not merged.get('timezone'):
            merged['timezone'] = 'UTC+00:00'
        wanted['long_term_retention'] = merged

    def predicted(self, desired):
        return dict(vault_ids=[], long_term_retention=desired['long_term_retention'] or dict(
            [(k, 0) for k in LONG_TERM_KEYS] + [('timezone', None)]))

    @staticmethod
    def definition(definition, changes, creating=False):
        """The ``operation_definition``: ``definition`` with the retention ``changes``."""
        definition = dict(definition or {})
        for key in RETENTION:
            if changes.get(key) is not None:
                definition[key] = changes[key]
        if changes.get('long_term_retention') is not None:
            definition.update((k, v) for k, v in changes['long_term_retention'].items() if v is not None)
        if creating:  # a new policy: leave out what is not limited
            definition = dict((k, v) for k, v in definition.items() if v != -1)
        return definition

    @staticmethod
    def fields(changes, **fields):
        """The request fields of ``enabled`` and ``schedule`` in ``changes``, besides ``fields``."""
        if changes.get('enabled') is not None:
            fields['enabled'] = changes['enabled']
        if changes.get('schedule') is not None:
            fields['trigger'] = {'properties': {'pattern': list(changes['schedule'])}}
        return fields

    def create_fields(self, desired, **definition):
        """The request fields of a new policy (``definition``: beyond the retention)."""
        definition.update(self.definition({}, desired, creating=True))
        return self.fields(desired, name=desired['name'], operation_type=self.operation_type,
                           operation_definition=definition)

    def create(self, module, desired):
        return cbr_policy_view(module.api.create_policy(self.create_fields(desired)))

    def update(self, module, current, changes):
        fields = self.fields(changes)
        if any(k in changes for k in RETENTION + ('long_term_retention',)):
            fields['operation_definition'] = self.definition(current.get('operation_definition'), changes)
        return cbr_policy_view(module.api.update_policy(current['id'], fields))


class VbsPolicy(PolicyBackend):
    """A VBS policy: a ``scheduled_policy`` (full UTC hours, retention by number or days), bound
    to disks; the API counts a policy's disks only, so the bound disks carry a metadata mark."""

    name = service = 'vbs'
    what = 'VBS backup policy'
    options = ('keep_first_backup_of_month', 'disks')
    api = VBSPolicies
    reserved_prefix = 'default'
    one_retention = True

    def validate_schedule(self, patterns):
        schedule_to_vbs(patterns)  # refuses what VBS cannot run

    def view(self, module, raw):
        policy = vbs_policy_view(raw)
        if policy is not None:
            marked = sorted(d['id'] for d in module.evs.list_volumes(metadata={VBS_POLICY_MARK: policy['id']}))
            policy['disk_ids'] = marked if len(marked) == (policy['disk_count'] or 0) else None
        return policy

    def list_view(self, raw):
        return vbs_policy_view(raw)

    def schedule_key(self, patterns):
        return schedule_to_vbs(patterns)

    def desired(self, module, current, wanted):
        params = module.params
        wanted['keep_first_backup_of_month'] = params['keep_first_backup_of_month']
        wanted['disk_ids'] = None
        if params['disks'] is None:
            return
        module.disks = {}
        for entry in params['disks']:
            disk = module.evs.find_volume(entry, required=True)
            module.disks[disk['id']] = disk
        disk_ids = set(module.disks)
        if not params['purge_disks']:
            disk_ids |= set((current or {}).get('disk_ids') or ())
        wanted['disk_ids'] = sorted(disk_ids)

    def check_create(self, module, label, desired):
        if not any((desired.get(k) or -1) > 0 for k in RETENTION):
            raise ResourceError('%s cannot be created: a VBS policy needs max_backups or retention_duration_days'
                                % label)

    def predicted(self, desired):
        return dict(disk_count=len(desired['disk_ids'] or ()), disk_ids=desired['disk_ids'] or [],
                    keep_first_backup_of_month=bool(desired['keep_first_backup_of_month']),
                    schedule=[canonical_schedule(desired['schedule'])[0]] if len(desired['schedule']) == 1
                    else desired['schedule'])

    @staticmethod
    def fields(changes, creating=False):
        """The ``scheduled_policy`` fields of ``changes`` (of all the fields of a new policy)."""
        scheduled = {}
        if 'schedule' in changes:
            scheduled.update(schedule_to_vbs(changes['schedule']))
            if not creating:  # the cloud keeps frequency over week_frequency: clear the other one
                scheduled.setdefault('frequency', None)
                scheduled.setdefault('week_frequency', None)
        for key, field in (('max_backups', 'rentention_num'), ('retention_duration_days', 'rentention_day')):
            if key in changes:
                scheduled[field] = changes[key] if changes[key] > 0 else None
        if creating:
            scheduled = dict((k, v) for k, v in scheduled.items() if v is not None)
        if changes.get('enabled') is not None:
            scheduled['status'] = 'ON' if changes['enabled'] else 'OFF'
        if changes.get('keep_first_backup_of_month') is not None:
            scheduled['remain_first_backup_of_curMonth'] = 'Y' if changes['keep_first_backup_of_month'] else 'N'
        return scheduled

    def bind(self, module, policy_id, wanted, held):
        api, label = module.api, module.label(None)
        failed = api.bind_disks(policy_id, sorted(wanted)) if wanted else []
        failed += api.unbind_disks(policy_id, sorted(set(held) - set(wanted))) if set(held) - set(wanted) else []
        for disk_id in sorted(set(wanted) - set(f.get('resource_id') for f in failed)):
            api.mark_disk(module.evs, disk_id, policy_id)
        for disk_id in sorted(set(held) - set(wanted)):
            api.mark_disk(module.evs, disk_id, None)
        if failed:
            raise ResourceError('%s: %s' % (label, '; '.join('disk %s: %s (%s)' % (
                f.get('resource_id'), f.get('error_msg'), f.get('error_code')) for f in failed)))

    def create(self, module, desired):
        scheduled = self.fields(dict((k, v) for k, v in desired.items() if v is not None), creating=True)
        policy_id = module.api.create_policy(desired['name'], scheduled)
        if desired['disk_ids']:
            self.bind(module, policy_id, desired['disk_ids'], [])
        return module.fetch(policy_id)

    def update(self, module, current, changes):
        scheduled = self.fields(changes)
        if scheduled:
            module.api.update_policy(current['id'], scheduled)
        if 'disk_ids' in changes:
            self.bind(module, current['id'], changes['disk_ids'], current.get('disk_ids') or [])
        return module.fetch(current['id'])

    def delete(self, module, current):
        if current.get('disk_ids'):
            self.bind(module, current['id'], [], current['disk_ids'])
        module.api.delete_policy(current['id'])


def predicted_vault(module, option):
    """The vault ``option`` names when it is the placeholder of one this check run would create
    (module_utils/predicted.py), else None."""
    if not module.predicted_parent(option):
        return None
    return {'id': module.params[option], 'name': name_of(module.params[option])}


class CbrReplicationPolicy(CbrPolicy):
    """A CBR replication policy: a CBR policy whose operation copies the backups of the vaults bound
    to it (each with the vault of ``destination_region`` that takes the copies) to that region,
    which cannot change. A vault has one replication policy."""

    name = 'replication'
    what = 'CBR replication policy'
    options = ()
    api = CBRReplication
    operation_type = 'replication'
    destination = ('destination_region', 'destination_project_id')

    def validate_options(self, params):
        pass

    def view(self, module, raw):
        return replication_policy_view(raw)

    def list_view(self, raw):
        return replication_policy_view(raw)

    def list_policies(self, module):
        return module.api.list_replication_policies()

    def find(self, module):
        module.policies = self.list_policies(module)
        found = [p for p in module.policies if p.get('name') == module.params['name']]
        if len(found) > 1:
            raise ResourceError("%d CBR replication policies are named '%s' (ids: %s)" % (
                len(found), module.params['name'], ', '.join(sorted(p['id'] for p in found))))
        return replication_policy_view(found[0]) if found else None

    def desired(self, module, current, wanted):
        params = module.params
        destination = module.client_for_region(params['destination_region'], params['destination_project_id'])
        wanted.update(destination_region=params['destination_region'], destination_project_id=destination.project_id)
        module.desired_destination = dict((k, wanted[k]) for k in self.destination)
        module.binding = None
        if params['vault']:
            vault = predicted_vault(module, 'vault') or module.api.find_vault(params['vault'], required=True)
            target = predicted_vault(module, 'destination_vault') or CBRReplication(destination).find_vault(
                params['destination_vault'], required=True)
            module.binding = {'vault_id': vault['id'], 'destination_vault_id': target['id'],
                              'vault': vault, 'target': target}
            held = [v for v in (current or {}).get('associated_vaults') or [] if v['vault_id'] != vault['id']]
            wanted['associated_vaults'] = sorted(held + [{'vault_id': vault['id'], 'destination_vault_id': target['id']}],
                                                 key=lambda v: v['vault_id'])

    def check_binding(self, module, current):
        """Refuse a destination vault the cloud would refuse, and a source vault another replication
        policy holds (a vault has one)."""
        if module.binding is None:
            return
        label, target = module.label(current), module.binding['target']
        # a vault this check run would create is checked by its own module (protect_type) and the real run
        problem = None if module.predicted_parent('destination_vault') else replication_vault_problem(target)
        if problem:
            raise ResourceError("%s cannot copy into vault '%s': %s" % (label, target.get('name'), problem))
        others = [p.get('name') for p in module.policies if p.get('id') != (current or {}).get('id') and any(
            v.get('vault_id') == module.binding['vault_id'] for v in p.get('associated_vaults') or [])]
        if others:
            raise ResourceError("%s cannot be bound to vault '%s': replication policy '%s' is, and a vault has one "
                                "replication policy" % (label, module.binding['vault'].get('name'), others[0]))

    def check_create(self, module, label, desired):
        self.check_binding(module, None)

    def check_update(self, module, current, changes):
        for field in self.destination:
            wanted = module.desired_destination[field]
            if current.get(field) != wanted:
                raise ResourceError('%s copies to %s %s, not %s; a destination cannot change: delete the policy and '
                                    'create it again' % (module.label(current), field.replace('_', ' '),
                                                         current.get(field), wanted))
        self.check_binding(module, current)

    def predicted(self, desired):
        return {'associated_vaults': desired.get('associated_vaults') or []}

    def create(self, module, desired):
        policy = module.api.create_policy(self.create_fields(desired, **dict((k, desired[k]) for k in self.destination)))
        if module.binding:
            module.api.bind(policy['id'], module.binding['vault_id'], module.binding['destination_vault_id'])
        return module.fetch(policy['id'])

    def update(self, module, current, changes):
        api, fields = module.api, self.fields(changes)
        if any(k in changes for k in RETENTION):
            # the view has no operation_definition: read it, and keep only what stays limited
            definition = self.definition((api.get_policy(current['id']) or {}).get('operation_definition'), changes)
            fields['operation_definition'] = dict(((k, v) for k, v in definition.items() if v != -1), **dict(
                (k, -1) for k in RETENTION if changes.get(k) == -1))
        if fields:
            api.update_policy(current['id'], fields)
        if 'associated_vaults' in changes:
            vault_id = module.binding['vault_id']
            if any(v['vault_id'] == vault_id for v in current.get('associated_vaults') or []):
                api.unbind(current['id'], vault_id)  # bound with another destination vault
            api.bind(current['id'], vault_id, module.binding['destination_vault_id'])
        return module.fetch(current['id'])


POLICY_BACKENDS = dict((backend.name, backend) for backend in (CbrPolicy(), VbsPolicy(), CbrReplicationPolicy()))


class BackupPolicyResource(ResourceModule):
    """A backup policy of the service ``backend`` names (CBR or VBS), in one shape (POLICY_FIELDS)."""

    kind = 'backup policy'
    result_key = 'policy'
    referable = True
    result_fields = POLICY_FIELDS
    updatable = ('enabled', 'schedule', 'max_backups', 'retention_duration_days', 'long_term_retention',
                 'keep_first_backup_of_month', 'disk_ids')
    server_defaults = {'enabled': True, 'max_backups': -1, 'retention_duration_days': -1}
    transitional = ()
    # the request bodies of each service, under the names they had in the module
    cbr_definition = staticmethod(CbrPolicy.definition)
    vbs_fields = staticmethod(VbsPolicy.fields)

    @property
    def backend(self):
        return POLICY_BACKENDS[self.params['backend']]

    @property
    def api(self):
        return self.backend.api(self.client)

    def validate(self):
        params, backend = self.params, self.backend
        if params['state'] != 'present':
            return
        what = backend.what
        check_name(params['name'], what)
        if backend.reserved_prefix and params['name'].startswith(backend.reserved_prefix):
            raise ResourceError("%s name '%s' is invalid: the prefix %s is reserved" % (
                what, params['name'], backend.reserved_prefix))
        foreign = [(option, other) for other in POLICY_BACKENDS.values() if other is not backend
                   for option in other.options]
        for option, owner in foreign:
            if params.get(option) is not None:
                raise ResourceError('%s is a %s option; this policy is %s (backend: %s)' % (
                    option, owner.name.upper(), backend.name.upper(), backend.name))
        backend.validate_options(params)
        if params['schedule'] is not None:
            backend.validate_schedule(check_schedule(params['schedule']))
        for option in RETENTION:
            problem = retention_problem(backend.service, option, params[option])
            if problem:
                raise ResourceError(problem)
        if backend.one_retention and params['max_backups'] and params['retention_duration_days']:
            raise ResourceError('a %s policy keeps backups by number (max_backups) or by days '
                                '(retention_duration_days), not both' % backend.name.upper())
        long_term = params.get('long_term_retention') or {}
        for key in LONG_TERM_KEYS:
            self.validate_range('long_term_retention.%s' % key, long_term.get(key), 0, LONG_TERM_MAX)
        if long_term.get('timezone') is not None and not TIMEZONE_RE.match(long_term['timezone']):
            raise ResourceError("long_term_retention.timezone '%s' is invalid: like UTC+01:00" % long_term['timezone'])

    def find(self):
        return self.backend.find(self)

    def fetch(self, resource_id):
        return self.backend.view(self, self.api.get_policy(resource_id))

    def namesakes(self):
        found = (self.backend.list_view(raw) for raw in self.backend.list_policies(self))
        return [p for p in found if p['name'] == self.params['name']]

    def label(self, resource):
        return "%s '%s'" % (self.backend.what, self.params['name'])

    def normalise(self, field, value):
        if field == 'schedule' and value is not None:
            return self.backend.schedule_key(value)
        return super(BackupPolicyResource, self).normalise(field, value)

    def desired(self, current):
        params = self.params
        wanted = wanted_schedule_and_retention(params)
        self.backend.desired(self, current, wanted)
        if current is None:
            wanted.update(name=params['name'], backend=params.get('backend'))
        return wanted

    def plan_changes(self, current, desired):
        changes = super(BackupPolicyResource, self).plan_changes(current, desired)
        if 'disk_ids' in desired and desired['disk_ids'] is not None and current.get('disk_ids') is None:
            changes['disk_ids'] = desired['disk_ids']  # unknown bindings: bind again
        return changes

    def check_create(self, desired):
        label = self.label(None)
        if desired.get('schedule') is None:
            raise ResourceError('%s cannot be created: schedule is required' % label)
        self.backend.check_create(self, label, desired)

    def check_update(self, current, changes):
        self.backend.check_update(self, current, changes)

    def predict_create(self, desired):
        policy = super(BackupPolicyResource, self).predict_create(desired)
        policy.pop('status', None)
        policy.update(self.backend.predicted(desired))
        return policy

    def create(self, desired):
        return self.backend.create(self, desired)

    def update(self, current, changes):
        return self.backend.update(self, current, changes)

    def delete(self, current):
        self.backend.delete(self, current)


class ReplicationPolicyResource(BackupPolicyResource):
    """A CBR replication policy (``CbrReplicationPolicy``): a backup policy's rules and flow, with
    its destination (``destination_region``, ``destination_project_id``) and bound vaults
    (``vault`` with ``destination_vault``) instead of a service's own options."""

    kind = 'replication policy'
    referable = False
    parent_options = ('vault', 'destination_vault')
    result_fields = REPLICATION_POLICY_FIELDS
    updatable = ('enabled', 'schedule', 'max_backups', 'retention_duration_days', 'associated_vaults')
    checked_when_present = True
    checked_texts = (('destination_region', 255, True),)
    checked_together = ((('vault', 'destination_vault'), 'the source vault to bind and the vault of the '
                                                         'destination region that takes its copies'),)
    checked_other_region = ('destination_region', 'a replication policy copies to another region')

    @property
    def backend(self):
        return POLICY_BACKENDS['replication']


# ------------------------------------------------------------------------------------------------
# Vaults (CBR only)

class VaultResource(ResourceModule):
    """A CBR vault: a size (GB), the disks it holds, its bind rules and at most one backup policy."""

    kind = result_key = 'vault'
    referable = True
    parent_options = ('policy',)
    result_fields = VAULT_RESULT_FIELDS
    updatable = ('size', 'auto_expand', 'auto_bind', 'bind_rules', 'resource_ids', 'policy_id')
    server_defaults = {'description': '', 'auto_expand': False, 'auto_bind': False, 'bind_rules': {},
                       'resource_ids': [], 'policy_id': '', 'used_mb': 0, 'resources': []}
    transitional = ()

    def validate(self):
        params = self.params
        if params['state'] == 'present':
            check_name(params['name'], 'vault')
            self.validate_range('size', params['size'], VAULT_SIZE[0], VAULT_SIZE[1])
            for entry in params['resources'] or ():
                self.validate_text('resources', entry, required=True)

    @property
    def cbr(self):
        return CBRPolicies(self.client)

    def fetch(self, resource_id):
        raw = self.cbr.get_vault(resource_id)
        return vault_view(raw, self.cbr.policy_of_vault(resource_id)) if raw else None

    def find(self):
        found = self.cbr.list_vaults(self.params['name'])
        if len(found) > 1:
            raise ResourceError("%d vaults are named '%s' (ids: %s); rename one" % (
                len(found), self.params['name'], ', '.join(sorted(v['id'] for v in found))))
        if not found:
            return None
        return vault_view(found[0], self.cbr.policy_of_vault(found[0]['id']))

    def label(self, resource):
        return "vault '%s'" % self.params['name']

    def namesakes(self):
        return self.cbr.list_vaults(self.params['name'])

    @property
    def resource_type(self):
        """The type of the resources the vault holds: disks, or servers (``object_type: server``)."""
        return SERVER_TYPE if self.params['object_type'] == 'server' else DISK_TYPE

    def find_resource(self, entry):
        """A declared disk, or server in a server vault, by name or id; a name two of them share is refused."""
        if self.params['object_type'] == 'server':
            return ECS(self.client, self.evs.get_volume).find_server(entry, required=True)
        return self.evs.find_volume(entry, required=True)

    def resolve_disks(self, current):
        """The declared disks (servers) by id; each must exist and be in no other vault (GETs only)."""
        self.disks = {}
        held = set((current or {}).get('resource_ids') or ())
        what = 'server' if self.params['object_type'] == 'server' else 'disk'
        for entry in self.params['resources']:
            if entry in held:
                # already in the vault: nothing to check, and no request to the disk, whose AZ
                # may be down (the vault and its backups are regional)
                self.disks[entry] = {'id': entry}
                continue
            disk = self.find_resource(entry)
            self.disks[disk['id']] = disk
        for disk_id, disk in sorted(self.disks.items()):
            if disk_id in held:
                continue
            holder = self.cbr.vault_of_disk(disk_id)
            if holder is not None and holder.get('id') != (current or {}).get('id'):
                raise ResourceError("%s cannot take %s '%s': it is in vault '%s' (a %s can be in one vault "
                                    "only)" % (self.label(current), what, disk.get('name') or disk_id,
                                               holder.get('name'), what))
        wanted = set(self.disks)
        if not self.params['purge_resources']:
            wanted |= held
        return sorted(wanted)

    def desired(self, current):
        params = self.params
        wanted = {'size': params['size'], 'auto_expand': params['auto_expand'], 'auto_bind': params['auto_bind'],
                  'bind_rules': params['bind_rules'], 'resource_ids': None, 'policy_id': None}
        if params['bind_rules'] is not None:
            wanted['bind_rules'] = dict((str(k), '' if v is None else str(v)) for k, v in params['bind_rules'].items())
        if params['resources'] is not None:
            wanted['resource_ids'] = self.resolve_disks(current)
        self.policy = None
        if params['policy'] is not None:
            if params['policy'] == '':
                wanted['policy_id'] = ''
            elif self.predicted_parent('policy'):  # a policy this check run would create
                self.policy = {'id': params['policy'], 'name': name_of(params['policy'])}
                wanted['policy_id'] = self.policy['id']
            else:
                self.policy = self.cbr.find_policy(params['policy'], required=True)
                wanted['policy_id'] = self.policy['id']
        if current is None:
            wanted.update(name=params['name'], object_type=params['object_type'],
                          policy_name=(self.policy or {}).get('name'))
        return wanted

    def plan_changes(self, current, desired):
        changes = super(VaultResource, self).plan_changes(current, desired)
        if changes.get('policy_id') == '' and not current.get('policy_id'):
            del changes['policy_id']
        return changes

    def check_create(self, desired):
        if desired.get('size') is None:
            raise ResourceError('%s cannot be created: size (GB) is required' % self.label(None))

    def check_update(self, current, changes):
        label = self.label(current)
        if current.get('object_type') != self.params['object_type']:
            raise ResourceError('%s is a %s vault, not a %s vault' % (label, current.get('object_type'),
                                                                      self.params['object_type']))
        protect_type = (current.get('billing') or {}).get('protect_type') or 'backup'
        if protect_type != self.params['protect_type']:
            raise ResourceError('%s is a %s vault, not a %s vault; the type is set when a vault is created'
                                % (label, protect_type, self.params['protect_type']))
        size = changes.get('size')
        if size is not None and size * 1024 < (current.get('used_mb') or 0):
            raise ResourceError('%s cannot shrink to %d GB: its backups use %d MB; delete backups first or keep '
                                'at least %d GB' % (label, size, current['used_mb'], -(-current['used_mb'] // 1024)))

    def create(self, desired):
        fields = {
            'name': desired['name'], 'resources': [
                {'id': d, 'type': self.resource_type, 'name': self.disks[d].get('name')}
                for d in desired['resource_ids'] or ()],
            'billing': {'object_type': desired['object_type'], 'protect_type': self.params['protect_type'], 'size': desired['size'],
                        'cloud_type': 'public', 'consistent_level': 'crash_consistent',
                        'charging_mode': 'post_paid'}}
        for field in ('auto_expand', 'auto_bind'):
            if desired[field] is not None:
                fields[field] = desired[field]
        if desired['bind_rules'] is not None:
            fields['bind_rules'] = self.bind_rules_body(desired['bind_rules'])
        if desired['policy_id']:
            fields['backup_policy_id'] = desired['policy_id']
        vault = self.cbr.create_vault(fields)
        return self.fetch(vault['id'])

    @staticmethod
    def bind_rules_body(rules):
        return {'tags': [{'key': k, 'value': v} for k, v in sorted(rules.items())]}

    def update(self, current, changes):
        cbr, vault_id = self.cbr, current['id']
        fields = dict((k, changes[k]) for k in ('auto_expand', 'auto_bind') if k in changes)
        if 'bind_rules' in changes:
            fields['bind_rules'] = self.bind_rules_body(changes['bind_rules'])
        if 'size' in changes:
            fields['billing'] = {'size': changes['size']}
        if fields:
            cbr.update_vault(vault_id, fields)
        if 'resource_ids' in changes:
            held, wanted = set(current['resource_ids']), set(changes['resource_ids'])
            if wanted - held:
                cbr.add_disks(vault_id, [self.disks[d] for d in sorted(wanted - held)], self.resource_type)
            if held - wanted:
                cbr.remove_disks(vault_id, sorted(held - wanted))
        if 'policy_id' in changes:
            if current.get('policy_id'):
                cbr.dissociate_policy(vault_id, current['policy_id'])
            if changes['policy_id']:
                cbr.associate_policy(vault_id, changes['policy_id'])
        return self.fetch(vault_id)

    def predict_create(self, desired):
        resource = super(VaultResource, self).predict_create(desired)
        resource.update(status='available', policy_id=desired.get('policy_id') or None,
                        resources=[{'id': d, 'name': self.disks[d].get('name'), 'type': self.resource_type}
                                   for d in desired.get('resource_ids') or ()])
        return resource

    def predict_update(self, current, changes):
        resource = super(VaultResource, self).predict_update(current, changes)
        if 'policy_id' in changes:
            resource.update(policy_id=changes['policy_id'] or None, policy_name=(self.policy or {}).get('name'))
        return resource

    def check_delete(self, current):
        if self.params['delete_backups']:
            return
        count = self.cbr.count_backups(current['id'])
        if count:
            raise ResourceError('%s cannot be deleted: it holds %d backup%s; set delete_backups: true to delete '
                                'them with it' % (self.label(current), count, '' if count == 1 else 's'))

    def delete(self, current):
        self.cbr.delete_vault(current['id'])


# ------------------------------------------------------------------------------------------------
# Backups (CBR or VBS, behind module_utils/backup.py backup_api)

def check_new_backup(params, backend):
    """Refuse the options of a new backup that the cloud would refuse (its name, vault and
    description on ``backend``), before any request: the backup and backup_batch modules' rule."""
    service = BACKUP_SERVICES[backend]
    check_backup_name(params['name'], backend)
    if service.uses_vault and not params['vault']:
        raise ResourceError('vault is required to take a %s backup (backend: %s)' % (
            service.backend.upper(), service.backend))
    if not service.uses_vault and params['vault']:
        raise ResourceError('vault is a CBR option; %s backups have no vault' % service.backend.upper())
    problem = service.description_problem(params['description'])
    if problem:
        raise ResourceError(problem)


def backup_disk_problem(disk):
    """Why the cloud would refuse a backup of ``disk`` now (its status), or None."""
    if disk.get('status') not in DISK_BACKUPABLE + DISK_BUSY:
        return 'the disk is %s; it must be available or in-use' % disk.get('status')
    return None


def replication_vault_problem(vault):
    """Why ``vault`` cannot take replicas (CBR copies disk backups into replication vaults), or None."""
    billing = vault.get('billing') or {}
    if billing.get('protect_type') != 'replication' or billing.get('object_type') not in (None, 'disk'):
        return 'it is a %s vault for %s, not a replication vault for disks' % (
            billing.get('protect_type'), billing.get('object_type'))
    return None


class BackupKind(ResourceModule):
    """What a backup and a replica (a backup in another region) share: their statuses, how one is
    fetched and deleted (``api``: the backup service of its region)."""

    result_fields = BACKUP_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    deletable = BACKUP_DELETABLE

    def fetch(self, resource_id):
        return self.api.get(resource_id)

    def delete(self, current):
        self.api.delete(current['id'])
        return Pending(current, Gone())


class BackupResource(BackupKind):
    """A backup of one disk, by CBR (in a vault) or VBS; it is taken once and never changed."""

    waits_in_steps = True  # a rerun resumes the wait for a backup that is still being taken
    kind = result_key = 'backup'
    checked_texts = (('name', 255, True), ('disk', 255, True), ('description', 255, False))

    def validate(self):
        if self.params['state'] == 'present':
            check_new_backup(self.params, self.params['backend'])

    @property
    def api(self):
        return backup_api(self.client, self.params['backend'])

    def find(self):
        params = self.params
        present = params['state'] == 'present'
        self.vault = None
        if self.api.uses_vault and params['vault']:
            self.vault = self.api.find_vault(params['vault'], required=present)
        self.disk = self.evs.find_volume(params['disk'], required=present and not looks_like_id(params['disk']))
        if self.disk is None:
            if present:
                raise ResourceError("disk '%s' not found" % params['disk'])
            if looks_like_id(params['disk']):  # a deleted disk: its backups are still there
                self.disk = {'id': params['disk'], 'name': None}
            else:  # CBR remembers the name the disk had
                found = [b for b in self.api.list(name=params['name']) if b.get('disk_name') == params['disk']]
                return found[0] if len(found) == 1 else None
        return find_backup(self.api, params['name'], disk=self.disk)

    def namesakes(self):
        return self.api.list(disk_id=self.disk['id'], name=self.params['name'],
                             vault_id=self.vault['id'] if self.vault else None)

    def label(self, resource):
        return describe_backup(resource or {'name': self.params['name']},
                               getattr(self, 'disk', None) or {'name': self.params['disk']})

    def desired(self, current):
        if current is not None:
            return {}
        disk = self.disk
        previous = self.api.list(disk_id=disk['id'], status='available',
                                 vault_id=self.vault['id'] if self.vault else None)
        return {'name': self.params['name'], 'description': self.params['description'],
                'backend': self.params['backend'], 'disk_id': disk['id'], 'disk_name': (
                    disk.get('name') if self.api.keeps_disk_name else None),
                'size': disk.get('size'), 'availability_zone': disk.get('availability_zone'),
                'vault_id': self.vault['id'] if self.vault else None,
                'incremental': bool(self.params['incremental'] and previous)}

    def check_create(self, desired):
        label = self.label(None)
        problem = backup_disk_problem(self.disk)
        if problem:
            raise ResourceError('%s cannot be taken: %s' % (label, problem))
        # the cloud refuses a backup while the disk takes a snapshot or another backup
        self.busy = busy_with(self.disk, self.evs.list_snapshots(volume_id=self.disk['id'], status='creating'))
        if self.busy and not self.params['wait']:
            raise ResourceError('%s cannot be taken now: %s, and a disk takes one snapshot or backup at a time; run '
                                'again later or with wait: true to wait for it' % (label, self.busy))
        if self.vault is not None:
            self.holder = self.api.vault_of_disk(self.disk['id'])
            if self.holder is not None and self.holder['id'] != self.vault['id']:
                raise ResourceError("%s cannot be taken in vault '%s': the disk belongs to vault '%s' (a disk can "
                                    "be in one vault only)" % (label, self.vault.get('name'), self.holder.get('name')))
            billing = self.vault.get('billing') or {}
            if billing.get('object_type') not in (None, 'disk'):
                raise ResourceError("%s cannot be taken in vault '%s': it is a %s vault, not a disk vault" % (
                    label, self.vault.get('name'), billing.get('object_type')))

    def check_update(self, current, changes):
        if self.vault is not None and current.get('vault_id') not in (None, self.vault['id']):
            raise ResourceError("%s exists in vault %s, not in vault '%s'; backups cannot move between vaults" % (
                self.label(current), current.get('vault_id'), self.params['vault']))

    def before_create(self, desired):  # the cloud would refuse the backup until the disk is free
        return Pending(self.disk, self.evs.until_free(self.disk, self.label(None))) if self.busy else None

    def create(self, desired):
        if self.vault is not None and getattr(self, 'holder', None) is None:
            self.api.add_disk(self.vault['id'], self.disk)
        backup = self.api.create(self.disk, desired['name'], desired['description'], self.params['incremental'],
                                 vault=self.vault)
        return backup_created(self.api, backup, lambda: find_backup(self.api, desired['name'], disk=self.disk),
                              self.label)

    def run_present(self, current):
        result = super(BackupResource, self).run_present(current)
        existing = current is not None and self.params['description'] is not None
        if existing and self.params['description'] != (current.get('description') or ''):
            self.module.warn('%s exists with another description; a backup is never changed' % self.label(current))
        return result


# ------------------------------------------------------------------------------------------------
# Replicas: a CBR backup's copy in another region (module_utils/backup.py CBRReplication)

def replica_destination_argument_spec():
    """Where the replicas go: the options of the ``replica_destination`` doc fragment (backup_replica,
    backup_replica_batch)."""
    return dict(destination_region=dict(type='str', required=True), destination_project_id=dict(type='str'))


class ReplicaResource(BackupKind):
    """The replica of a CBR backup in ``destination_region``: found through the source backup's
    replication records, made by a copy (CopyBackup) from the source region, never changed, deleted
    in its own region. ``api`` is the destination region's, ``source_api`` the connection's."""

    kind = result_key = 'replica'
    result_fields = REPLICA_FIELDS
    checked_texts = (('backup', 255, True), ('destination_region', 255, True), ('description', 255, False))
    checked_present = (('destination_vault', "to replicate a backup: a replication vault in region "
                                             "'%(destination_region)s'"),)
    checked_other_region = ('destination_region', 'CBR replicates a backup to another region')

    def validate(self):
        if self.params['state'] == 'present' and self.params['name'] is not None:
            check_backup_name(self.params['name'], 'cbr')

    def find(self):
        params = self.params
        self.source_api = CBRReplication(self.client)
        vault = self.source_api.find_vault(params['vault'], required=True) if params['vault'] else None
        self.source = find_backup(self.source_api, params['backup'], vault=vault,
                                  required=params['state'] == 'present')
        if self.source is None:
            self.module.warn("backup '%s' not found: a replica of it cannot be found through it" % params['backup'])
            return None
        self.destination = self.client_for_region(params['destination_region'], params['destination_project_id'])
        self.api = CBRReplication(self.destination)
        self.record = None
        return self.replica_found()

    def replica_found(self):
        """The backup's replica in the destination region, through its newest record whose replica is there."""
        raw = self.source_api.get_raw(self.source['id'])
        self.source_image_type = (raw or {}).get('image_type', 'backup')
        for record in reversed(replica_records(raw, self.params['destination_region'])):
            replica = record['destination_backup_id'] and self.api.get_raw(record['destination_backup_id'])
            if replica:
                self.record = record
                return replica_view(replica, self.params['destination_region'], record)
        return None

    def fetch(self, resource_id):
        return replica_view(self.api.get_raw(resource_id), self.params['destination_region'], self.record)

    def namesakes(self):  # a copy a concurrent run started is the backup's one replica there
        found = self.replica_found()
        return [found] if found else []

    def label(self, resource):
        source = getattr(self, 'source', None) or {'name': self.params['backup']}
        return "replica in region '%s' of %s" % (self.params['destination_region'], describe_backup(source))

    def desired(self, current):
        if current is not None:
            return {}
        source, region = self.source, self.params['destination_region']
        self.destination_vault = self.api.find_vault(self.params['destination_vault'], required=True)
        description = self.params['description']
        return {'name': self.params['name'] or source['name'],
                'description': source['description'] if description is None else description,
                'backend': 'cbr', 'disk_id': source['disk_id'], 'disk_name': source['disk_name'],
                'size': source['size'], 'availability_zone': source['availability_zone'],
                'vault_id': self.destination_vault['id'], 'incremental': False, 'region': region,
                'project_id': self.destination.project_id, 'source_backup_id': source['id'],
                'source_region': self.client.region}

    def predict_create(self, desired):
        replica = super(ReplicaResource, self).predict_create(desired)
        replica['status'] = 'available' if self.params['wait'] else 'protecting'  # the copy runs on
        return replica

    def check_create(self, desired):
        label, source, vault = self.label(None), self.source, self.destination_vault
        if self.source_image_type != 'backup':
            raise ResourceError('%s cannot be made: %s is itself a replica; CBR replicates backups only'
                                % (label, describe_backup(source)))
        status = source['status']
        if status != 'available' and not (status in self.transitional and self.params['wait']):
            raise ResourceError('%s cannot be made now: the backup is %s; it must be available (or, while it is '
                                'being taken, run with wait: true)' % (label, status))
        reachable = replication_destinations(self.client)
        if desired['region'] not in reachable:
            raise ResourceError("%s cannot be made: CBR in region '%s' replicates to %s only" % (
                label, self.client.region, ', '.join(reachable) or 'no region'))
        problem = replication_vault_problem(vault)
        if problem:
            raise ResourceError("%s cannot be made in vault '%s': %s" % (label, vault.get('name'), problem))
        billing = vault.get('billing') or {}
        free_mb = (billing.get('size') or 0) * 1024 - (billing.get('used') or 0)
        if not vault.get('auto_expand') and free_mb < (source['size'] or 0) * 1024:
            raise ResourceError("%s cannot be made in vault '%s': a replica is a full copy of the %s GB disk and the "
                                "vault has %d MB free (it does not expand automatically)" % (
                                    label, vault.get('name'), source['size'], free_mb))

    def check_update(self, current, changes):
        wanted = self.params['destination_vault']
        if wanted and wanted not in (current.get('vault_id'), None):
            vault = self.api.find_vault(wanted)
            if vault is None or vault['id'] != current.get('vault_id'):
                self.module.warn("%s exists in vault %s, not in vault '%s'; the cloud keeps one replica per backup "
                                 "per region, so it is left where it is"
                                 % (self.label(current), current.get('vault_id'), wanted))

    def before_create(self, desired):  # a backup still being taken is copied once it is available
        if self.source['status'] == 'available':
            return None
        return Pending(self.source, Status(fetch=self.source_api.get, label=describe_backup(self.source)))

    def create(self, desired):
        self.source_api.replicate(self.source['id'], desired['region'], desired['project_id'], desired['vault_id'],
                                  name=self.params['name'], description=self.params['description'])
        return Pending(self.replica_found() or {'id': None}, Listed(self.replica_found, self.label(None)), Status())
