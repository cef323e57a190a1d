#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vault
short_description: Manage CBR disk vaults (capacity, disks, bind rules, backup policy)
version_added: 1.0.0
description:
  - Makes sure a CBR (Cloud Backup and Recovery) vault for disk backups exists with the given
    capacity, disks, automatic binding and backup policy, or that it does not exist.
  - A vault is found by its name. Only what is set is compared and changed; an option left out
    is never a change.
  - Backups are taken in a vault by M(dataprotection.evs.backup) or on a schedule by the
    M(dataprotection.evs.backup_policy) associated with it (O(policy)).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the vault (1 to 64 letters, digits, C(_) or C(-)).
    type: str
    required: true
  state:
    description: Whether the vault should exist.
    type: str
    choices: [present, absent]
    default: present
  object_type:
    description: What the vault protects. Only disk vaults are managed by this collection.
    type: str
    choices: [disk]
    default: disk
  size:
    description:
      - Capacity in GB (10 to 10485760). Required to create a vault.
      - A vault grows to a larger size. It shrinks only as far as the cloud allows, to no less
        than the capacity its backups use; a smaller size is refused before any request.
    type: int
  auto_expand:
    description: Let the cloud grow the vault when a backup does not fit.
    type: bool
  auto_bind:
    description: Let the cloud add disks that carry all O(bind_rules) tags to the vault by itself.
    type: bool
  bind_rules:
    description:
      - Tags (key and value) a disk must carry to be added by O(auto_bind). V({}) removes the rules.
    type: dict
  resources:
    description:
      - Disks (names or ids) that the vault protects. A disk can be in one vault only; a disk in
        another vault is refused before any request.
      - Disks in the vault that are not listed stay, unless O(purge_resources=true).
    type: list
    elements: str
  purge_resources:
    description: Remove the disks that O(resources) does not list from the vault (their backups stay).
    type: bool
    default: false
  policy:
    description:
      - The CBR backup policy (name or id) associated with the vault, which takes its scheduled
        backups. A vault has at most one; another one replaces it. V('') dissociates the policy.
    type: str
  delete_backups:
    description:
      - With O(state=absent), delete a vault that still holds backups (the cloud deletes them with
        it). Without it such a vault is refused, naming the number of backups.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
notes:
  - O(wait) and O(wait_timeout) have no effect; vault changes are immediate.
'''

EXAMPLES = r'''
- name: A 100 GB vault for the database disks, backed up nightly
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    size: 100
    auto_expand: true
    resources: [db01, db02]
    policy: nightly

- name: Exactly these disks, no policy
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    resources: [db01]
    purge_resources: true
    policy: ''

- name: Delete the vault and its backups
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    state: absent
    delete_backups: true
'''

RETURN = r'''
vault:
  description: The vault (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Vault id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Vault name.
      type: str
    description:
      description: Description.
      type: str
    status:
      description: Vault status (C(available), C(lock), C(frozen), C(deleting), C(error)).
      type: str
      sample: available
    object_type:
      description: What the vault protects (C(disk)).
      type: str
    size:
      description: Capacity in GB.
      type: int
    used_mb:
      description: Capacity the vault's backups use, in MB.
      type: int
    auto_expand:
      description: Whether the cloud grows the vault when a backup does not fit.
      type: bool
    auto_bind:
      description: Whether disks matching O(bind_rules) are added automatically.
      type: bool
    bind_rules:
      description: Tags a disk needs to be added automatically.
      type: dict
    resource_ids:
      description: Ids of the disks in the vault, sorted.
      type: list
      elements: str
    resources:
      description: The disks in the vault as the cloud shows them (C(id), C(name), C(size), C(backup_count), ...).
      type: list
      elements: dict
    policy_id:
      description: Id of the associated backup policy (C(null) when none).
      type: str
    policy_name:
      description: Name of the associated backup policy.
      type: str
    billing:
      description: The cloud's billing record of the vault (C(size), C(used), C(object_type), C(status), ...).
      type: dict
    created_at:
      description: Creation time (UTC).
      type: str
error:
  description: The cloud's error when a request failed (C(status), C(code), C(message), C(request_id)).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    DISK_TYPE, VAULT_RESULT_FIELDS, VAULT_SIZE, CBRPolicies, check_name, vault_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule


class VaultModule(ResourceModule):
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        object_type=dict(type='str', choices=['disk'], default='disk'),
        size=dict(type='int'),
        auto_expand=dict(type='bool'),
        auto_bind=dict(type='bool'),
        bind_rules=dict(type='dict'),
        resources=dict(type='list', elements='str'),
        purge_resources=dict(type='bool', default=False),
        policy=dict(type='str'),
        delete_backups=dict(type='bool', default=False),
    )
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
        changes = super(VaultModule, self).plan_changes(current, desired)
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
        size = changes.get('size')
        if size is not None and size * 1024 < (current.get('used_mb') or 0):
            raise ResourceError('%s cannot shrink to %d GB: its backups use %d MB; delete backups first or keep '
                                'at least %d GB' % (label, size, current['used_mb'], -(-current['used_mb'] // 1024)))

    def create(self, desired):
        fields = {
            'name': desired['name'], 'resources': [
                {'id': d, 'type': DISK_TYPE, 'name': self.disks[d].get('name')} for d in desired['resource_ids'] or ()],
            'billing': {'object_type': desired['object_type'], 'protect_type': 'backup', 'size': desired['size'],
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
        resource = super(VaultModule, self).predict_create(desired)
        resource.update(status='available', policy_id=desired.get('policy_id') or None,
                        resources=[{'id': d, 'name': self.disks[d].get('name'), 'type': DISK_TYPE}
                                   for d in desired.get('resource_ids') or ()])
        return resource

    def predict_update(self, current, changes):
        resource = super(VaultModule, self).predict_update(current, changes)
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


def main():
    VaultModule.execute()


if __name__ == '__main__':
    main()
