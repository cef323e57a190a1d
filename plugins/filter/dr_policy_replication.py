# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_replication
short_description: What a DR policy's replication tiers need - protection group, protected instances, pairs
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that uses
    replication, the plan the P(dataprotection.evs.replication#role) role applies - the
    protection group C(<policy>-<tier>) from the covered disks' AZ to the tier's C(secondary_az),
    a protected instance per server a covered disk is attached to (C(server-<server id>), or the
    instance that protects the server already), a replication pair per covered disk
    (C(disk-<disk id>), or the pair that replicates it already) attached to its server's
    instance as the disk's device, and which of them exist.
  - A disk attached to no server gets a pair that is not attached to an instance; the SDRS API
    replicates it all the same (protection needs pairs, not instances), but there is no DR server
    to start with it after a failover.
  - Fails before any change when a tier's disks are in more than one AZ, a disk is attached to
    more than one server, a server or disk is in two tiers, a disk is replicated by another
    group, the tier's group exists between other AZs, or its C(secondary_az) is not
    an AZ of the region (O(zones)); and, like every other refusal, when a tier did not come from
    P(dataprotection.evs.dr_policy#filter) as it is (its C(disks) is not a selector).
  - A tier whose group a failover switched (production in its C(secondary_az), or failed over and
    not re-protected) is adopted as it is - nothing to create, enable, reverse or fail back - and
    its C(adopted) says so; the disk that serves, the pair's former DR disk in the C(secondary_az),
    is selected without a refusal. Re-protect and failback are the failover role's
    (P(dataprotection.evs.failover#role)), with its confirmation.
  - The replication mechanism is declared in C(plugins/plugin_utils/mechanisms/replication.py) (the mechanism registry,
    P(dataprotection.evs.dr_mechanisms#filter)).
options:
  groups:
    description: All protection groups (C(protection_groups) of M(dataprotection.evs.protection_group_info)).
    type: list
    elements: dict
  instances:
    description: All protected instances (C(protected_instances) of M(dataprotection.evs.protected_instance_info)).
    type: list
    elements: dict
  pairs:
    description:
      - All replication pairs (C(replication_pairs) of M(dataprotection.evs.replication_pair_info)).
      - The DR side of a pair is never covered by a tier, whatever its selector says.
    type: list
    elements: dict
  zones:
    description:
      - The region's availability zones (C(zones) of M(dataprotection.evs.disk_info) with
        O(dataprotection.evs.disk_info#module:zones=true)); a tier whose C(secondary_az) is not
        one of them fails.
    type: dict
  tiers:
    description: Only these tiers; empty for all.
    type: list
    elements: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter
'''

EXAMPLES = r'''
- name: Plan the replication tiers
  ansible.builtin.set_fact:
    plan: >-
      {{ all_disks.disks | dataprotection.evs.dr_policy_replication(checked_policy, groups=groups.protection_groups,
           instances=instances.protected_instances, pairs=pairs.replication_pairs) }}
'''

RETURN = r'''
_value:
  description:
    - One item per replication tier with C(tier), C(name) (of the group), C(source_az),
      C(secondary_az), C(group_exists), C(group_id), C(group_pairs), C(protection),
      C(group_in_place), C(group_protected), C(instances_in_place), C(disks), C(instances)
      (C(name), C(server_id), C(exists)) and C(pairs) (C(name), C(disk_id), C(disk_name),
      C(exists), C(protected_instance), C(instance_exists), C(device), C(attached), C(in_place)).
    - In place (a pair's C(in_place), C(group_in_place), the names in C(instances_in_place)) means
      the resource exists as the tier wants it with nothing in progress (status C(available) or
      C(protected)), so its module would change nothing. C(group_protected) is true when the
      group's protection is enabled and every instance and pair is in place.
    - C(adopted) is C(null), or for a group a failover switched (then in place and protected, with no
      instances and pairs to apply) C(state) (C(failed over), C(re-protected) or the group's
      status), C(status), C(production_az), C(dr_az), C(direction) (C(<production> -> <DR>)),
      C(unreplicated) (the names of covered disks the group does not replicate) and C(message).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.replication import replication_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PolicyError, malformed=(KeyError, TypeError))
def dr_policy_replication(disks, policy, groups=None, instances=None, pairs=None, tiers=None, zones=None):
    if zones is not None and not isinstance(zones, dict):
        raise AnsibleFilterError('dr_policy_replication: zones must map each availability zone to whether it is up '
                                 '(disk_info zones: true), not %r' % (zones,))
    return replication_plan(disks, policy, groups=groups, instances=instances, pairs=pairs, tiers=tiers,
                            region_zones=zones)


FilterModule = filter_module(dr_policy_replication)
