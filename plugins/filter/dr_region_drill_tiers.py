# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_drill_tiers
short_description: What a region drill of a DR policy drills - each region tier's disks and destination
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that uses
    region_replication (C(failure) C(region)), the disks it covers (selected from the disks of the
    source region as protect selects them, P(dataprotection.evs.dr_policy_disks#filter)), its
    C(destination_region) and the connection to use there.
  - The connection is O(connections)[destination_region] (as the protect role's
    C(protect_region_connections)), else O(destination) when its C(region) is the tier's
    destination region (the drill role's C(drill_region_destination)), else only C(region) (the
    role's own connection with the region set to the destination region).
  - Fails when no tier (of O(tiers)) uses region_replication, and for what the selection refuses.
options:
  _input:
    description: The disks of the source region (C(disks) of M(dataprotection.evs.disk_info)).
    type: list
    elements: dict
    required: true
  policy:
    description: The checked policy.
    type: dict
    required: true
  tiers:
    description: Only these tiers; empty for all.
    type: list
    elements: str
  connections:
    description: The connection options of each destination region, by region name.
    type: dict
  destination:
    description: The connection options of one destination region, with its C(region).
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: The region tiers to drill
  ansible.builtin.set_fact:
    region_tiers: >-
      {{ all_disks.disks | dataprotection.evs.dr_region_drill_tiers(checked_policy,
           connections={'eu-nl': {'cloud': 'otc-eu-nl'}}) }}
'''

RETURN = r'''
_value:
  description: One item per region tier with C(tier), C(destination_region), C(destination) (the
    connection options, with C(region)) and C(disks) (the covered disks, as given).
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import region_drill_tiers
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PolicyError, malformed=(KeyError, TypeError, AttributeError), source='the policy must come from the dr_policy filter')
def dr_region_drill_tiers(disks, policy, tiers=None, connections=None, destination=None, pairs=None):
    return region_drill_tiers(disks, policy, tiers, connections, destination, pairs)


FilterModule = filter_module(dr_region_drill_tiers)
