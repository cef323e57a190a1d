# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_drill_request
short_description: Which copies the drill role drills, and its job table, from the mechanism registry
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For the drill role's C(drill_sources), what the mechanism registry
    (C(plugins/plugin_utils/mechanisms/registry.py)) declares, so that the role checks the request
    before its first request and plans its drills without naming a mechanism.
  - With a checked policy (P(dataprotection.evs.dr_policy#filter)) and all disks, the job table -
    each disk with each mechanism to drill it from, and the protection groups to drill.
  - A mechanism whose copies restore a disk is a drill source with no edit of the role (see the
    guide "Adding a DR mechanism").
options:
  _input:
    description: The mechanisms to drill from (C(drill_sources)).
    type: list
    elements: str
    required: true
  disks:
    description: Disks (as M(dataprotection.evs.disk_info) returns them) to drill with each disk source.
    type: list
    elements: dict
  inventory:
    description: All disks of the project, for the disks the policy's tiers cover.
    type: list
    elements: dict
  policy:
    description: The checked policy whose tiers are drilled.
    type: dict
  tiers:
    description: Only these tiers of O(policy) (empty - all).
    type: list
    elements: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The drills of this run
  ansible.builtin.set_fact:
    drill_jobs: >-
      {{ drill_sources | dataprotection.evs.dr_drill_request(disks=drill_disk_objects, inventory=all_disks.disks,
           policy=checked_policy) }}
'''

RETURN = r'''
_value:
  description:
    - C(accepted), the sources a drill takes (C(disk_accepted), whose copies restore a disk, then
      C(region_accepted), drilled in another region); C(unknown), those of the input it does not take;
      C(disk_sources), those whose copies restore a disk (a scratch disk each); C(region) and
      C(region_sources), the sources drilled in another region (a policy's region tiers);
      C(copies), per disk source the kind of copies it restores from (C(copies), C(snapshots) or
      C(backups)) and whether its scratch disk stays in the disk's zone (C(own_zone_only));
      C(group_mechanism), the mechanism a protection group drill stands for.
    - C(disk_jobs), the [disk, mechanism] pairs to drill, and C(groups), the protection groups
      (C(<policy>-<tier>)) of the tiers whose copies are drilled by a DR drill of their group.
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import drill_request
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing((RetentionError, PolicyError), named=True, malformed=(KeyError, TypeError),
          source='the policy must come from the dr_policy filter')
def dr_drill_request(sources, disks=None, inventory=None, policy=None, tiers=None):
    return drill_request(sources, disks=disks, inventory=inventory, policy=policy, tiers=tiers)


FilterModule = filter_module(dr_drill_request)
