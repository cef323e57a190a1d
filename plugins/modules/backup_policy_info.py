#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_policy_info
short_description: List disk backup policies (CBR and VBS)
version_added: 1.0.0
description:
  - Lists CBR backup policies, VBS backup policies or both, in the shape of the C(policy) result
    of M(dataprotection.evs.backup_policy).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backend:
    description:
      - Which service to list; V(all) lists both and skips a service the region does not offer.
    type: str
    choices: [all, cbr, vbs]
    default: all
  name:
    description: Only the policy with this name (or id).
    type: str
  vault:
    description: Only the CBR policy associated with this vault (name or id); implies O(backend=cbr).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: All backup policies
  dataprotection.evs.backup_policy_info:
    cloud: otc
  register: policies

- name: The policy of a vault
  dataprotection.evs.backup_policy_info:
    cloud: otc
    vault: db-backups
  register: vault_policy
'''

RETURN = r'''
policies:
  description: The matching policies, sorted by service and name, each with the keys of the C(policy) result of M(dataprotection.evs.backup_policy).
  returned: always
  type: list
  elements: dict
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import POLICY_FIELDS, policy_order
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_info import BACKEND_OPTION, list_policies, named_policy, vault_with_vbs
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info

INFO = Info(
    kind='backup policy', result_key='policies', fields=POLICY_FIELDS,
    options=dict(
        backend=BACKEND_OPTION,
        name=dict(type='str'),
        vault=dict(type='str'),
    ),
    refusals=(vault_with_vbs('policies'),),
    listing=list_policies, keep=named_policy, order=policy_order,
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
