# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup resource types (backup policy, vault, backup) as the module base consumes them.

A module names its options and documentation; what a backup policy, a vault or a backup is
(how it is found, compared, predicted, refused, created, changed and deleted) lives here. What
differs between CBR and VBS for a policy is one adapter per service (``POLICY_BACKENDS``), the
way the policy plugins keep theirs (``plugin_utils/mechanisms/backup.py`` ``BACKENDS``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETABLE, BACKUP_DELETING, BACKUP_FIELDS, BACKUP_SERVICES, BACKUP_TRANSITIONAL, DISK_BACKUPABLE, DISK_TYPE,
    LONG_TERM_KEYS, LONG_TERM_MAX, POLICY_FIELDS, TIMEZONE_RE, VAULT_RESULT_FIELDS, VAULT_SIZE, VBS_POLICY_MARK,
    CBRPolicies, VBSPolicies, backup_api, backup_created, canonical_schedule, cbr_policy_view, check_backup_name,
    check_name, check_schedule, describe_backup, find_backup, retention_problem, schedule_to_vbs, vault_view,
    vbs_policy_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import DISK_BUSY, busy_with, looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Pending

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

class PolicyBackend:
    """What a backup policy of one service is. ``options``: the options only this service has
    (the other service refuses them); ``api``: its calls (module_utils/backup.py)."""

    name = None
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

    def schedule_key(self, patterns):
        """A schedule in the form two schedules are compared in."""
        return canonical_schedule(patterns)

    def desired(self, module, current, wanted):
        """Put this service's own fields into ``wanted``."""

    def check_create(self, label, desired):
        """Refuse a create this service would refuse (raise ResourceError)."""

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

    name = 'cbr'
    options = ('long_term_retention',)
    api = CBRPolicies

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

    def create(self, module, desired):
        fields = {'name': desired['name'], 'operation_type': 'backup',
                  'trigger': {'properties': {'pattern': list(desired['schedule'])}},
                  'operation_definition': self.definition({}, desired, creating=True)}
        if desired['enabled'] is not None:
            fields['enabled'] = desired['enabled']
        return cbr_policy_view(module.api.create_policy(fields))

    def update(self, module, current, changes):
        fields = {}
        if 'enabled' in changes:
            fields['enabled'] = changes['enabled']
        if 'schedule' in changes:
            fields['trigger'] = {'properties': {'pattern': list(changes['schedule'])}}
        if any(k in changes for k in RETENTION + ('long_term_retention',)):
            fields['operation_definition'] = self.definition(current.get('operation_definition'), changes)
        return cbr_policy_view(module.api.update_policy(current['id'], fields))


class VbsPolicy(PolicyBackend):
    """A VBS policy: a ``scheduled_policy`` (full UTC hours, retention by number or days), bound
    to disks; the API counts a policy's disks only, so the bound disks carry a metadata mark."""

    name = 'vbs'
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

    def check_create(self, label, desired):
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


POLICY_BACKENDS = dict((backend.name, backend) for backend in (CbrPolicy(), VbsPolicy()))


class BackupPolicyResource(ResourceModule):
    """A backup policy of the service ``backend`` names (CBR or VBS), in one shape (POLICY_FIELDS)."""

    kind = 'backup policy'
    result_key = 'policy'
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
        what = '%s backup policy' % backend.name.upper()
        check_name(params['name'], what)
        if backend.reserved_prefix and params['name'].startswith(backend.reserved_prefix):
            raise ResourceError("%s name '%s' is invalid: the prefix %s is reserved" % (
                what, params['name'], backend.reserved_prefix))
        foreign = [(option, other) for other in POLICY_BACKENDS.values() if other is not backend
                   for option in other.options]
        for option, owner in foreign:
            if params[option] is not None:
                raise ResourceError('%s is a %s option; this policy is %s (backend: %s)' % (
                    option, owner.name.upper(), backend.name.upper(), backend.name))
        backend.validate_options(params)
        if params['schedule'] is not None:
            backend.validate_schedule(check_schedule(params['schedule']))
        for option in RETENTION:
            problem = retention_problem(backend.name, option, params[option])
            if problem:
                raise ResourceError(problem)
        if backend.one_retention and params['max_backups'] and params['retention_duration_days']:
            raise ResourceError('a %s policy keeps backups by number (max_backups) or by days '
                                '(retention_duration_days), not both' % backend.name.upper())
        long_term = params['long_term_retention'] or {}
        for key in LONG_TERM_KEYS:
            self.validate_range('long_term_retention.%s' % key, long_term.get(key), 0, LONG_TERM_MAX)
        if long_term.get('timezone') is not None and not TIMEZONE_RE.match(long_term['timezone']):
            raise ResourceError("long_term_retention.timezone '%s' is invalid: like UTC+01:00" % long_term['timezone'])

    def find(self):
        return self.backend.view(self, self.api.find_policy(self.params['name']))

    def fetch(self, resource_id):
        return self.backend.view(self, self.api.get_policy(resource_id))

    def namesakes(self):
        found = (self.backend.list_view(raw) for raw in self.api.list_policies())
        return [p for p in found if p['name'] == self.params['name']]

    def label(self, resource):
        return "%s backup policy '%s'" % (self.params['backend'].upper(), self.params['name'])

    def normalise(self, field, value):
        if field == 'schedule' and value is not None:
            return self.backend.schedule_key(value)
        return super(BackupPolicyResource, self).normalise(field, value)

    def desired(self, current):
        params = self.params
        wanted = wanted_schedule_and_retention(params)
        self.backend.desired(self, current, wanted)
        if current is None:
            wanted.update(name=params['name'], backend=params['backend'])
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
        self.backend.check_create(label, desired)

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


# ------------------------------------------------------------------------------------------------
# Vaults (CBR only)

class VaultResource(ResourceModule):
    """A CBR vault: a size (GB), the disks it holds, its bind rules and at most one backup policy."""

    kind = result_key = 'vault'
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

    def resolve_disks(self, current):
        """The declared disks by id; each must exist and be in no other vault (GETs only)."""
        self.disks = {}
        held = set((current or {}).get('resource_ids') or ())
        for entry in self.params['resources']:
            if entry in held:
                # already in the vault: nothing to check, and no request to the disk, whose AZ
                # may be down (the vault and its backups are regional)
                self.disks[entry] = {'id': entry}
                continue
            disk = self.evs.find_volume(entry, required=True)
            self.disks[disk['id']] = disk
        for disk_id, disk in sorted(self.disks.items()):
            if disk_id in held:
                continue
            holder = self.cbr.vault_of_disk(disk_id)
            if holder is not None and holder.get('id') != (current or {}).get('id'):
                raise ResourceError("%s cannot take disk '%s': it is in vault '%s' (a disk can be in one vault "
                                    "only)" % (self.label(current), disk.get('name') or disk_id, holder.get('name')))
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
                {'id': d, 'type': DISK_TYPE, 'name': self.disks[d].get('name')} for d in desired['resource_ids'] or ()],
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
                cbr.add_disks(vault_id, [self.disks[d] for d in sorted(wanted - held)])
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
                        resources=[{'id': d, 'name': self.disks[d].get('name'), 'type': DISK_TYPE}
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

class BackupResource(ResourceModule):
    """A backup of one disk, by CBR (in a vault) or VBS; it is taken once and never changed."""

    waits_in_steps = True  # a rerun resumes the wait for a backup that is still being taken
    kind = result_key = 'backup'
    result_fields = BACKUP_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    deletable = BACKUP_DELETABLE

    def validate(self):
        params = self.params
        self.validate_text('name', params['name'], required=True)
        self.validate_text('disk', params['disk'], required=True)
        service = BACKUP_SERVICES[params['backend']]
        if params['state'] == 'present':
            check_backup_name(params['name'], params['backend'])
            if service.uses_vault and not params['vault']:
                raise ResourceError('vault is required to take a %s backup (backend: %s)' % (
                    service.backend.upper(), service.backend))
            if not service.uses_vault and params['vault']:
                raise ResourceError('vault is a CBR option; %s backups have no vault' % service.backend.upper())
            problem = service.description_problem(params['description'])
            if problem:
                raise ResourceError(problem)
        self.validate_text('description', params['description'])

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

    def fetch(self, resource_id):
        return self.api.get(resource_id)

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
        status = self.disk.get('status')
        if status not in DISK_BACKUPABLE + DISK_BUSY:
            raise ResourceError('%s cannot be taken: the disk is %s; it must be available or in-use' % (label, status))
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

    def delete(self, current):
        self.api.delete(current['id'])
        return Pending(current, Gone())

    def run_present(self, current):
        result = super(BackupResource, self).run_present(current)
        existing = current is not None and self.params['description'] is not None
        if existing and self.params['description'] != (current.get('description') or ''):
            self.module.warn('%s exists with another description; a backup is never changed' % self.label(current))
        return result
