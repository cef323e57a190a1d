# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_targets
short_description: The copies a DR policy wants in the current RPO slot, per tier and disk
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that uses
    O(mechanism), and every disk the tier covers (as P(dataprotection.evs.dr_policy_disks#filter)
    selects them), the copy that is due in the current slot of the tier's C(snapshot_every)
    (default the RPO) on the cloud's clock.
  - The copy is named C(<policy>-<tier>-<slot start as YYYYMMDDTHHMMZ>), so a second run in the
    same slot finds it and changes nothing, and carries the metadata C(dp_evs_policy) and
    C(dp_evs_tier); these marks, never the name, decide which copies are the policy's (to count
    as taken, to keep, to prune). Tier names hold no C(-), so two policies never share a name.
  - A disk that cannot be copied now (not C(available) or C(in-use), or C(in-use) with
    C(force=false)) is returned with C(skip) saying why.
  - The snapshot mechanism is declared in C(plugins/plugin_utils/mechanisms/snapshot.py) (the mechanism registry,
    P(dataprotection.evs.dr_mechanisms#filter)).
options:
  mechanism:
    description: The mechanism whose tiers to take.
    type: str
    default: snapshot
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter
  - dataprotection.evs.policy_filter.now
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: The snapshots due now
  ansible.builtin.set_fact:
    due: "{{ all_disks.disks | dataprotection.evs.dr_policy_targets(checked_policy, all_disks.cloud_time) }}"
'''

RETURN = r'''
_value:
  description: One item per tier and disk, with C(policy), C(tier), C(disk_id), C(disk_name),
    C(availability_zone), C(disk_status), C(every) (seconds), C(slot) (C(start), C(end),
    C(stamp)), C(name), C(metadata), C(force) and C(skip).
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.snapshot import policy_targets
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import POLICY_REFUSALS, refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(POLICY_REFUSALS, malformed=(KeyError, TypeError))
def dr_policy_targets(disks, policy, now, mechanism='snapshot', pairs=None):
    return policy_targets(disks, policy, now, mechanism, pairs=pairs)


FilterModule = filter_module(dr_policy_targets)
