# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_failover_plan
short_description: Whether and how to fail a protection group over or back, decided before any change
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Decides, per protection group named by O(name), what the failover O(action) does, with the
    rules of M(dataprotection.evs.protection_group) (the statuses a group can switch from, the
    zones a switch needs), before any request changes the cloud.
  - C(planned) switches production to the group's DR zone while both zones are up; C(failover)
    also while the production zone is down (unplanned, replication stops); C(failback) switches
    back to the zone the group was created in, re-protecting first when replication is stopped.
    C(reprotect) enables protection again after a failover, from the side that is production now
    (the DR zone) onto the old production zone, overwriting what that side holds, and leaves
    production where it is; it needs both zones up.
  - A switch already done is C(none) (a rerun changes nothing). A switch the zones or the
    group's status do not allow is C(refused), with the reason. A switch is made only when
    O(confirm) is true; without it the plan says so in RV(_value[].unconfirmed).
  - This is what the failover role (and the C(dataprotection.evs.failover) playbook) decides with.
options:
  _input:
    description: The protection groups (M(dataprotection.evs.protection_group_info)).
    type: list
    elements: dict
    required: true
  name:
    description: The protection group by name or id, or a list of them; one plan each. A name that
      is empty is refused (it never selects every group).
    type: raw
    required: true
  action:
    description: What to do.
    type: str
    choices: [planned, failover, failback, reprotect]
    required: true
  confirm:
    description: The user's confirmation, read as Ansible's C(bool) filter reads it; only true switches.
    type: raw
    default: false
  zones:
    description: Availability zone to whether it is up (C(zones) of M(dataprotection.evs.disk_info));
      a zone not listed counts as up.
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The plan to fail shop-gold over (eu-de-01 is down)
  ansible.builtin.set_fact:
    plan: >-
      {{ (groups.protection_groups | dataprotection.evs.dr_failover_plan(name='shop-gold', action='failover',
          confirm=true, zones=zones.zones))[0] }}

- name: Switch
  dataprotection.evs.protection_group:
    name: "{{ plan.id }}"
    production_az: "{{ plan.production_az }}"
    protection: "{{ plan.protection or omit }}"
    allow_unplanned_failover: "{{ plan.allow_unplanned_failover }}"
  when: plan.switch
'''

RETURN = r'''
_value:
  description: One plan per name of O(name), in that order.
  type: list
  elements: dict
  contains:
    name:
      description: The name or id as given.
      type: str
    action:
      description: C(failover), C(failback), C(reprotect), C(none) (already done) or C(refused).
      type: str
    refused:
      description: Why the switch cannot be done (which group, field, value and what is allowed). Only when refused.
      type: str
    switch:
      description: True when the switch is needed, allowed and confirmed.
      type: bool
    unconfirmed:
      description: The message naming C(failover_confirm) when the switch is needed and not confirmed, else C(null).
      type: str
    case:
      description: C(done), C(protected) (a re-protect already done), C(planned), C(unplanned), C(back),
        C(reprotect) (re-protect, then switch back) or C(reprotect-only) (re-protect where production is).
      type: str
    id:
      description: The group's id.
      type: str
    group:
      description: The group as read.
      type: dict
    from_az:
      description: The production zone before the switch.
      type: str
    to_az:
      description: The production zone after it.
      type: str
    production_up:
      description: Whether the current production zone is up.
      type: bool
    confirmed:
      description: O(confirm) as a bool.
      type: bool
    production_az:
      description: O(dataprotection.evs.protection_group#module:production_az) for the switch.
      type: str
    protection:
      description: O(dataprotection.evs.protection_group#module:protection) for the switch (C(null) to leave it).
      type: str
    allow_unplanned_failover:
      description: O(dataprotection.evs.protection_group#module:allow_unplanned_failover) for the switch.
      type: bool
    summary:
      description: The plan in words.
      type: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.failover import failover_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_failover_plan(groups, name, action, confirm=False, zones=None):
    return failover_plan(groups, name, action, confirm, zones)


FilterModule = filter_module(dr_failover_plan)
