# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_failover_report
short_description: The report of a failover run, from its plan and the results of its tasks
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - The failover role's report (its C(failover_report) and the C(dp_evs_failover) artifact) from
    the plan (P(dataprotection.evs.dr_failover_plan#filter)) and what the role's tasks registered.
  - The group after the run is the one the switch answered, else the one read after it. The RTO
    is the cloud's seconds from the read before the plan to the read after the switch, only for
    a switch made (not one predicted in check mode); otherwise C(null).
options:
  _input:
    description: One plan of P(dataprotection.evs.dr_failover_plan#filter), not refused.
    type: dict
    required: true
  before:
    description: The M(dataprotection.evs.protection_group_info) result read before the plan (its C(cloud_time)).
    type: dict
    required: true
  after:
    description: The M(dataprotection.evs.protection_group_info) result read after the switch.
    type: dict
    required: true
  switch:
    description: The registered M(dataprotection.evs.protection_group) result of the switch (skipped when none was made).
    type: dict
  metadata:
    description: The registered loop of M(dataprotection.evs.disk) that copied the selection metadata.
    type: dict
  check_mode:
    description: Whether the run is in check mode (C(ansible_check_mode)).
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Keep the report
  ansible.builtin.set_fact:
    failover_report: >-
      {{ failover_plan | dataprotection.evs.dr_failover_report(before=failover_before, after=failover_after,
         switch=failover_switch, metadata=failover_metadata, check_mode=ansible_check_mode) }}
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    protection_group:
      description: The group's name.
      type: str
    action:
      description: The request (C(planned), C(failover), C(failback)).
      type: str
    confirmed:
      description: Whether the switch was confirmed.
      type: bool
    check_mode:
      description: Whether the run was in check mode.
      type: bool
    already_done:
      description: Whether there was nothing to do.
      type: bool
    changed:
      description: Whether the switch changed the group (or would, in check mode).
      type: bool
    metadata_copied:
      description: The items of the disks whose selection metadata was copied.
      type: list
      elements: dict
    from_az:
      description: The production zone before the run.
      type: str
    to_az:
      description: The production zone the request asks for.
      type: str
    production_az:
      description: The production zone after the run.
      type: str
    status:
      description: The group's status after the run.
      type: str
    protection:
      description: The group's protection after the run.
      type: str
    started_at:
      description: The cloud's time before the plan.
      type: str
    finished_at:
      description: The cloud's time after the switch.
      type: str
    rto_seconds:
      description: Seconds from C(started_at) to C(finished_at) for a switch made, else C(null).
      type: int
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.failover import failover_report
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import untrusted_filters


@refusing(RetentionError)
def dr_failover_report(plan, before, after, switch=None, metadata=None, check_mode=False):
    return failover_report(plan, before, after, switch, metadata, check_mode)


class FilterModule(object):
    def filters(self):
        return untrusted_filters({'dr_failover_report': dr_failover_report})
