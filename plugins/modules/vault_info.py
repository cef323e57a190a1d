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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import VAULT_RESULT_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_info import list_vaults, listed_policies, vault_order
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info

INFO = Info(
    kind='vault', result_key='vaults', fields=VAULT_RESULT_FIELDS,
    options=dict(
        name=dict(type='str'),
        disk=dict(type='str'),
        policy=dict(type='str'),
        policies=dict(type='bool', default=False),
    ),
    listing=list_vaults, order=vault_order,
    extras=(('policies', 'policies', listed_policies),),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
