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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    POLICY_FIELDS, VBS_POLICY_MARK, CBRPolicies, VBSPolicies, cbr_policy_view, policy_order, service_missing,
    vbs_policy_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule


class BackupPolicyInfoModule(InfoModule):
    argument_spec = dict(
        backend=dict(type='str', choices=['all', 'cbr', 'vbs'], default='all'),
        name=dict(type='str'),
        vault=dict(type='str'),
    )
    kind = 'backup policy'
    result_key = 'policies'
    result_fields = POLICY_FIELDS

    def validate(self):
        if self.params['vault'] and self.params['backend'] == 'vbs':
            raise ResourceError('vault is a CBR option; VBS policies have no vault')

    def list(self):
        params = self.params
        backends = ('cbr', 'vbs') if params['backend'] == 'all' else (params['backend'],)
        if params['vault']:
            backends = ('cbr',)
        found = []
        if 'cbr' in backends:
            cbr = CBRPolicies(self.client)
            vault_id = cbr.find_vault(params['vault'], required=True)['id'] if params['vault'] else None
            found += [cbr_policy_view(p) for p in cbr.list_policies(vault_id=vault_id)]
        if 'vbs' in backends:
            try:
                raw = VBSPolicies(self.client).list_policies()
            except CloudError as exc:
                if not (params['backend'] == 'all' and service_missing(exc)):
                    raise
                raw = []
            for policy in (vbs_policy_view(p) for p in raw):
                marked = sorted(d['id'] for d in self.evs.list_volumes(metadata={VBS_POLICY_MARK: policy['id']}))
                policy['disk_ids'] = marked if len(marked) == (policy['disk_count'] or 0) else None
                found.append(policy)
        if params['name']:
            found = [p for p in found if params['name'] in (p['name'], p['id'])]
        return sorted(found, key=policy_order)


def main():
    BackupPolicyInfoModule.execute()


if __name__ == '__main__':
    main()
