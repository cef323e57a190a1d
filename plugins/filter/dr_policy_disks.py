# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_disks
short_description: The disks a DR policy tier covers
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - From all disks of the project (the C(disks) of M(dataprotection.evs.disk_info)), the ones
    a tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) covers, that is those
    that carry all the tier's C(disks.metadata) pairs, or are named in C(disks.names), or have an
    id in C(disks.ids); sorted by name.
  - The DR side of a replication pair in O(pairs) is never covered; naming it, or listing its id,
    fails.
  - Fails, before any change is requested, when a named disk or an id does not exist, when a
    name is ambiguous, or when a replicated disk is in the tier's secondary AZ or farther than
    100 km from it (by the policy's C(az_distances_km)).
options:
  _input:
    description: The disks.
    type: list
    elements: dict
    required: true
  tier:
    description: One tier of the checked policy.
    type: dict
    required: true
  policy:
    description: The checked policy (for its name and C(az_distances_km)).
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: The disks of each tier
  ansible.builtin.set_fact:
    covered: "{{ all_disks.disks | dataprotection.evs.dr_policy_disks(tier, checked_policy, pairs=pairs.replication_pairs) }}"
'''

RETURN = r'''
_value:
  description: The covered disks, as given.
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError, select_disks
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PolicyError, malformed=(KeyError, TypeError), source='the tier must come from the dr_policy filter')
def dr_policy_disks(disks, tier, policy=None, pairs=None):
    return select_disks(disks, tier, policy, pairs)


FilterModule = filter_module(dr_policy_disks)
