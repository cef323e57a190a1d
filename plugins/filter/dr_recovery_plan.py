# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_recovery_plan
short_description: A recovery plan checked, its groups in the order they run, before any request
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Checks a recovery plan (C(recovery_plan_definition) of the recovery_plan role) for a run in O(mode) and
    returns it normalized, with its groups in the order they run - as declared, each after the
    groups its C(after) names.
  - "Refused, with every reason at once: a group declared twice, an C(after) naming a group the
    plan does not have (or the group itself), groups that wait for each other (a cycle), a hook on
    a host the inventory (O(hosts)) does not have, a C(tier) the policy does not have, a group
    that names more than one of C(disks), C(tier) and C(protection_group), unknown keys, a wait
    without C(port) and C(host) or C(url)."
  - "Refused too: C(restore) and C(failover) mode without O(confirm) (they change production and
    run hooks on its hosts) unless O(check_mode); in C(test) mode, a hook without C(test_host) or
    a wait without C(test_host)/C(test_url) (test mode never touches production), and
    C(restore_target=original)."
options:
  _input:
    description: The plan, with C(name) and C(groups) (see the recovery_plan role's README).
    type: dict
    required: true
  mode:
    description: C(restore), C(failover) or C(test).
    type: str
    required: true
  confirm:
    description: The role's C(recovery_plan_confirm).
    type: bool
    default: false
  hosts:
    description: The inventory's hosts (C(groups['all'])); every hook must run on one of them.
    type: list
    elements: str
  policy:
    description: The DR policy (from P(dataprotection.evs.dr_policy#filter)) whose tiers groups may name.
    type: dict
  check_mode:
    description: Whether the run is in check mode (no confirmation needed, nothing changes).
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Check the plan and order its groups
  ansible.builtin.set_fact:
    plan: >-
      {{ recovery_plan_definition | dataprotection.evs.dr_recovery_plan(mode='test', hosts=groups['all'], errors='return') }}
'''

RETURN = r'''
_value:
  description: The plan, normalized.
  type: dict
  contains:
    name:
      description: The plan's name.
      type: str
    mode:
      description: The mode.
      type: str
    order:
      description: The group names in the order they run.
      type: list
      elements: str
    groups:
      description:
        - The groups in that order, each with C(name), C(after), one of C(disks), C(tier) or
          C(protection_group) (or none), C(pre) and C(post) hooks (C(kind), C(run), C(host), the
          host they run on in this mode) and C(wait) (C(kind) port or url, C(host), C(port),
          C(url), C(status), C(timeout)) or null.
      type: list
      elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan import PlanError, check_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PlanError, malformed=(KeyError, TypeError, AttributeError), source='the policy must come from the dr_policy filter')
def dr_recovery_plan(plan, mode, confirm=False, hosts=None, policy=None, check_mode=False):
    tiers = [tier['name'] for tier in (policy or {}).get('tiers') or []] if policy else []
    return check_plan(plan, mode, confirm=confirm, hosts=list(hosts or []), tiers=tiers, check_mode=check_mode)


FilterModule = filter_module(dr_recovery_plan)
