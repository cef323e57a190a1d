#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replication_policy
short_description: Manage CBR replication policies that copy a vault's backups to another region
version_added: 1.1.0
description:
  - Makes sure a CBR policy of type replication (C(operation_type) C(replication)) with a given
    name exists with the given schedule, retention and destination region, or that it does not
    exist. When it fires, it copies the backups of the vaults it is bound to that have no
    replica in the destination region yet into their destination vault, then applies its
    retention to the copies it made there.
  - With O(vault) and O(destination_vault), the policy is bound to that source vault with that
    destination vault (a vault has one replication policy). Other vaults bound to the policy stay.
  - Only what is set is compared and changed; an option left out is never a change.
  - The connection options name the source region; the module logs in to the same user's
    project of O(destination_region) to find the destination vault (and the project's id).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the policy (1 to 64 letters, digits, C(_) or C(-)).
    type: str
    required: true
  state:
    description: Whether the policy should exist.
    type: str
    choices: [present, absent]
    default: present
  destination_region:
    description:
      - The region the backups are copied to; another region than the connection's O(region).
        Required with O(state=present). A policy's destination cannot change (delete it and create it again).
    type: str
  destination_project_id:
    description: The project of the destination region. Default the project named after the region.
    type: str
  enabled:
    description: Whether the policy runs. A new policy is enabled unless this is V(false).
    type: bool
  schedule:
    description:
      - When copies are made, as RRULE patterns in UTC, as for M(dataprotection.evs.backup_policy)
        (for example V(FREQ=DAILY;BYHOUR=3;BYMINUTE=0)); compared by meaning. Required to create a policy.
    type: list
    elements: str
  max_backups:
    description:
      - Keep the newest N copies the policy made of each disk in the destination vault (1 to
        99999; V(-1) = not limited by number). Setting only one of O(max_backups) and
        O(retention_duration_days) makes the other not limited.
    type: int
  retention_duration_days:
    description: Keep the copies the policy made for N days (1 to 99999; V(-1) = not limited by age).
    type: int
  vault:
    description: The source vault (name or id) to bind the policy to; with O(destination_vault).
    type: str
  destination_vault:
    description:
      - The vault in the destination region (name or id) that takes the copies of O(vault), a
        replication vault (C(protect_type) C(replication)) for disks.
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
notes:
  - O(wait) and O(wait_timeout) have no effect; policy changes are immediate.
  - Copies already made stay when the policy is changed, unbound or deleted.
'''

EXAMPLES = r'''
- name: Copy the backups of disk-backups to eu-nl every night, keep 14 copies per disk there
  dataprotection.evs.backup_replication_policy:
    cloud: otc
    region: eu-de
    name: nightly-to-nl
    destination_region: eu-nl
    schedule:
      - FREQ=DAILY;BYHOUR=3;BYMINUTE=0
    max_backups: 14
    vault: disk-backups
    destination_vault: disk-replicas

- name: Pause it
  dataprotection.evs.backup_replication_policy:
    cloud: otc
    region: eu-de
    name: nightly-to-nl
    enabled: false
    destination_region: eu-nl
'''

RETURN = r'''
policy:
  description: The replication policy (C(null) after a delete; C(id) C(null) in a check-mode prediction of a create).
  returned: always
  type: dict
  contains:
    id:
      description: Policy id.
      type: str
    name:
      description: Policy name.
      type: str
    enabled:
      description: Whether the policy runs.
      type: bool
    schedule:
      description: The RRULE patterns (UTC) as the cloud holds them.
      type: list
      elements: str
    max_backups:
      description: Copies kept per disk (-1 not limited).
      type: int
    retention_duration_days:
      description: Days a copy is kept (-1 not limited).
      type: int
    destination_region:
      description: Region the copies go to.
      type: str
    destination_project_id:
      description: Project the copies go to.
      type: str
    associated_vaults:
      description: The bound source vaults, each with C(vault_id) and C(destination_vault_id).
      type: list
      elements: dict
error:
  description: The cloud's error when a request failed (C(status), C(code), C(message), C(request_id)).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    REPLICATION_POLICY_FIELDS, CBRReplication, canonical_schedule, check_name, check_schedule, client_for_region,
    replication_policy_view, retention_problem)
from ansible_collections.dataprotection.evs.plugins.module_utils.config import resolve_settings
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import (
    RETENTION, wanted_schedule_and_retention)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule


class BackupReplicationPolicyModule(ResourceModule):
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        destination_region=dict(type='str'),
        destination_project_id=dict(type='str'),
        enabled=dict(type='bool'),
        schedule=dict(type='list', elements='str'),
        max_backups=dict(type='int'),
        retention_duration_days=dict(type='int'),
        vault=dict(type='str'),
        destination_vault=dict(type='str'),
    )
    kind = 'replication policy'
    result_key = 'policy'
    result_fields = REPLICATION_POLICY_FIELDS
    updatable = ('enabled', 'schedule', 'max_backups', 'retention_duration_days', 'associated_vaults')
    server_defaults = {'enabled': True, 'max_backups': -1, 'retention_duration_days': -1}
    transitional = ()

    def validate(self):
        params = self.params
        if params['state'] != 'present':
            return
        check_name(params['name'], 'CBR replication policy')
        self.validate_text('destination_region', params['destination_region'], required=True)
        region = resolve_settings(params).get('region')
        if params['destination_region'] == region:
            raise ResourceError("destination_region '%s' is the region of the connection: a replication policy "
                                "copies to another region" % region)
        if bool(params['vault']) != bool(params['destination_vault']):
            raise ResourceError('vault and destination_vault go together: the source vault to bind and the vault '
                                'of the destination region that takes its copies')
        if params['schedule'] is not None:
            check_schedule(params['schedule'])
        for option in RETENTION:
            problem = retention_problem('cbr', option, params[option])
            if problem:
                raise ResourceError(problem)

    def find(self):
        self.api = CBRReplication(self.client)
        self.policies = self.api.list_replication_policies()
        found = [p for p in self.policies if p.get('name') == self.params['name']]
        if len(found) > 1:
            raise ResourceError("%d CBR replication policies are named '%s' (ids: %s)" % (
                len(found), self.params['name'], ', '.join(sorted(p['id'] for p in found))))
        return replication_policy_view(found[0]) if found else None

    def fetch(self, resource_id):
        return replication_policy_view(self.api.get_policy(resource_id))

    def namesakes(self):
        return [replication_policy_view(p) for p in self.api.list_replication_policies()
                if p.get('name') == self.params['name']]

    def label(self, resource):
        return "CBR replication policy '%s'" % self.params['name']

    def normalise(self, field, value):
        if field == 'schedule' and value is not None:
            return canonical_schedule(value)
        return super(BackupReplicationPolicyModule, self).normalise(field, value)

    def desired(self, current):
        params = self.params
        wanted = wanted_schedule_and_retention(params)
        destination = client_for_region(self.client, params['destination_region'], params['destination_project_id'])
        wanted.update(destination_region=params['destination_region'], destination_project_id=destination.project_id)
        self.destination = dict((k, wanted[k]) for k in ('destination_region', 'destination_project_id'))
        self.binding = None
        if params['vault']:
            vault = self.api.find_vault(params['vault'], required=True)
            target = CBRReplication(destination).find_vault(params['destination_vault'], required=True)
            self.binding = {'vault_id': vault['id'], 'destination_vault_id': target['id'],
                            'vault': vault, 'target': target}
            held = [v for v in (current or {}).get('associated_vaults') or [] if v['vault_id'] != vault['id']]
            wanted['associated_vaults'] = sorted(held + [{'vault_id': vault['id'], 'destination_vault_id': target['id']}],
                                                 key=lambda v: v['vault_id'])
        if current is None:
            wanted['name'] = params['name']
        return wanted

    def check_binding(self, current):
        """Refuse a destination vault the cloud would refuse, and a source vault another replication
        policy holds (a vault has one)."""
        if self.binding is None:
            return
        label, target = self.label(current), self.binding['target']
        billing = target.get('billing') or {}
        if billing.get('protect_type') != 'replication' or billing.get('object_type') not in (None, 'disk'):
            raise ResourceError("%s cannot copy into vault '%s': it is a %s vault for %s, not a replication vault "
                                "for disks" % (label, target.get('name'), billing.get('protect_type'),
                                               billing.get('object_type')))
        others = [p.get('name') for p in self.policies if p.get('id') != (current or {}).get('id') and any(
            v.get('vault_id') == self.binding['vault_id'] for v in p.get('associated_vaults') or [])]
        if others:
            raise ResourceError("%s cannot be bound to vault '%s': replication policy '%s' is, and a vault has one "
                                "replication policy" % (label, self.binding['vault'].get('name'), others[0]))

    def check_create(self, desired):
        if desired.get('schedule') is None:
            raise ResourceError('%s cannot be created: schedule is required' % self.label(None))
        self.check_binding(None)

    def check_update(self, current, changes):
        for field, wanted in sorted(self.destination.items()):
            if current.get(field) != wanted:
                raise ResourceError('%s copies to %s %s, not %s; a destination cannot change: delete the policy and '
                                    'create it again' % (self.label(current), field.replace('_', ' '),
                                                         current.get(field), wanted))
        self.check_binding(current)

    def predict_create(self, desired):
        policy = super(BackupReplicationPolicyModule, self).predict_create(desired)
        policy.pop('status', None)
        policy['associated_vaults'] = desired.get('associated_vaults') or []
        return policy

    @staticmethod
    def definition(current, changes):
        definition = dict((current or {}).get('operation_definition') or {})
        definition.update((k, changes[k]) for k in RETENTION if changes.get(k) is not None)
        return dict((k, v) for k, v in definition.items() if v != -1)

    def create(self, desired):
        definition = self.definition(None, desired)
        definition.update(destination_region=desired['destination_region'],
                          destination_project_id=desired['destination_project_id'])
        fields = {'name': desired['name'], 'operation_type': 'replication', 'operation_definition': definition,
                  'trigger': {'properties': {'pattern': list(desired['schedule'])}}}
        if desired['enabled'] is not None:
            fields['enabled'] = desired['enabled']
        policy = self.api.create_policy(fields)
        if self.binding:
            self.api.bind(policy['id'], self.binding['vault_id'], self.binding['destination_vault_id'])
        return self.fetch(policy['id'])

    def update(self, current, changes):
        fields = {}
        if 'enabled' in changes:
            fields['enabled'] = changes['enabled']
        if 'schedule' in changes:
            fields['trigger'] = {'properties': {'pattern': list(changes['schedule'])}}
        if any(k in changes for k in RETENTION):
            raw = self.api.get_policy(current['id'])
            fields['operation_definition'] = dict(self.definition(raw, changes), **dict(
                (k, -1) for k in RETENTION if changes.get(k) == -1))
        if fields:
            self.api.update_policy(current['id'], fields)
        if 'associated_vaults' in changes:
            vault_id = self.binding['vault_id']
            if any(v['vault_id'] == vault_id for v in current.get('associated_vaults') or []):
                self.api.unbind(current['id'], vault_id)  # bound with another destination vault
            self.api.bind(current['id'], vault_id, self.binding['destination_vault_id'])
        return self.fetch(current['id'])

    def delete(self, current):
        self.api.delete_policy(current['id'])


def main():
    BackupReplicationPolicyModule.execute()


if __name__ == '__main__':
    main()
