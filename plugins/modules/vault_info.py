#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vault_info
short_description: List CBR vaults
version_added: 1.0.0
description:
  - Lists CBR (Cloud Backup and Recovery) vaults with their capacity, disks, bind rules and
    backup policy, in the shape of the C(vault) result of M(dataprotection.evs.vault).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Only the vault with this name (or id).
    type: str
  disk:
    description: Only the vault that holds this disk (name or id).
    type: str
  policy:
    description: Only vaults associated with this CBR backup policy (name or id).
    type: str
  policies:
    description:
      - Also return the CBR backup policies, which are listed anyway to show each vault's policy,
        as C(policies), so that a caller that needs both (the P(dataprotection.evs.backup_policy#role)
        role) does not list them again with M(dataprotection.evs.backup_policy_info).
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: All vaults
  dataprotection.evs.vault_info:
    cloud: otc
  register: vaults

- name: The vault of db01
  dataprotection.evs.vault_info:
    cloud: otc
    disk: db01
  register: db01_vault
'''

RETURN = r'''
vaults:
  description: The matching vaults, sorted by name, each with the keys of the C(vault) result of M(dataprotection.evs.vault).
  returned: always
  type: list
  elements: dict
policies:
  description: With O(policies=true), every CBR backup policy, as M(dataprotection.evs.backup_policy_info) with
    O(dataprotection.evs.backup_policy_info#module:backend=cbr) returns them.
  returned: when O(policies=true)
  type: list
  elements: dict
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    POLICY_FIELDS, VAULT_RESULT_FIELDS, CBRPolicies, cbr_policy_view, policy_order, vault_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule


class VaultInfoModule(InfoModule):
    argument_spec = dict(
        name=dict(type='str'),
        disk=dict(type='str'),
        policy=dict(type='str'),
        policies=dict(type='bool', default=False),
    )
    kind = 'vault'
    result_key = 'vaults'
    result_fields = VAULT_RESULT_FIELDS

    def list(self):
        params, cbr = self.params, CBRPolicies(self.client)
        by_id = cbr.get_vault(params['name']) if params['name'] and looks_like_id(params['name']) else None
        vaults = [by_id] if by_id else cbr.list_vaults(params['name'])
        if params['disk']:
            disk = self.evs.find_volume(params['disk'], required=not looks_like_id(params['disk']))
            disk_id = disk['id'] if disk else params['disk']
            vaults = [v for v in vaults if any(r.get('id') == disk_id for r in v.get('resources') or [])]
        policies = self.listed_policies = cbr.list_policies()
        by_vault = dict((a.get('vault_id'), p) for p in policies for a in p.get('associated_vaults') or [])
        if params['policy']:
            policy = cbr.find_policy(params['policy'], required=True)
            vaults = [v for v in vaults if (by_vault.get(v['id']) or {}).get('id') == policy['id']]
        return sorted((vault_view(v, by_vault.get(v['id'])) for v in vaults), key=lambda v: (v['name'], v['id']))

    def run(self):
        result = super(VaultInfoModule, self).run()
        if self.params['policies']:
            views = (self.shape(cbr_policy_view(p), POLICY_FIELDS) for p in self.listed_policies)
            result['policies'] = sorted(views, key=policy_order)
        return result


def main():
    VaultInfoModule.execute()


if __name__ == '__main__':
    main()
