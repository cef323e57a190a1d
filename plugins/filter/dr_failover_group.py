# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_failover_group
short_description: The protection group a failover switches, named before any request
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - The protection group the failover role switches, as C({name}). It is the input when it is
    not empty; else the group of the replicated O(tier) of O(policy), named C(<policy>-<tier>);
    without a tier, the policy's only tier with a C(secondary_az).
  - Refuses an O(action) other than C(planned), C(failover) and C(failback), and a request that
    names no group (no input, no policy, or a policy with more than one replicated tier and no
    O(tier)), in the failover role's words.
options:
  _input:
    description: The protection group (C(failover_protection_group)), by name or id; empty to name it by the policy.
    type: str
    required: true
  action:
    description: The failover request (C(failover_action)).
    type: str
    required: true
  policy:
    description: The DR policy (C(dr_policy)), when the group is named by one of its tiers.
    type: dict
  tier:
    description: The replicated tier of O(policy) (C(failover_tier)).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The group of the gold tier of the shop policy (shop-gold)
  ansible.builtin.set_fact:
    failover_group: "{{ '' | dataprotection.evs.dr_failover_group(action='planned', policy=shop, tier='gold') }}"
'''

RETURN = r'''
_value:
  description: The group.
  type: dict
  contains:
    name:
      description: The protection group's name or id.
      type: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.failover import failover_group
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import untrusted_filters


@refusing(RetentionError)
def dr_failover_group(protection_group, action, policy=None, tier=None):
    return {'name': failover_group(protection_group, action, policy, tier)}


class FilterModule(object):
    def filters(self):
        return untrusted_filters({'dr_failover_group': dr_failover_group})
