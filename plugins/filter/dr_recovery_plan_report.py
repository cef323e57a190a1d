# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_recovery_plan_report
short_description: The evidence of a recovery plan run - per group times, hooks, wait, copies; RTO and RPO
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Builds the report of one run of the recovery_plan role from the records it kept per group.
  - C(result) is C(proven) when every group ran and succeeded (and, in test mode, nothing was left
    behind), C(check mode) in check mode, C(already recovered) when a failover or restore run found
    every disk restored and every group switched by an earlier run (it recovered nothing, so it proves
    nothing and the audit does not count it), else C(failed); C(not_started) names the groups a
    failure kept from starting.
  - C(rto_seconds) is the time from the first group's start to the end of the last group's wait
    (null unless proven); C(rpo_seconds) the age of the oldest copy restored (on the cloud's clock,
    when it was used), and 0 for a group whose SDRS protection group a failover switched (its DR
    disks are replicated synchronously).
  - C(history) is the line the role appends to the plan history file.
options:
  _input:
    description:
      - The role's group records, in the order they ran (C(name), C(started), C(ended) as epoch
        seconds, C(ok), C(hooks), C(wait), C(copies), C(switched), C(already_done) - per disk restored
        or group switched, whether an earlier run had done it).
    type: list
    elements: dict
    required: true
  plan:
    description: The plan from P(dataprotection.evs.dr_recovery_plan#filter).
    type: dict
    required: true
  started:
    description: When the run started (epoch seconds).
    type: float
    required: true
  ended:
    description: When the run ended (epoch seconds).
    type: float
    required: true
  failure:
    description: What stopped the run, if anything.
    type: str
  cleanup:
    description: Test mode's cleanup, C({removed, left, error}) (names of scratch resources; the drill's cleanup record).
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Build the report
  ansible.builtin.set_fact:
    report: "{{ runs | dataprotection.evs.dr_recovery_plan_report(plan, started, ended) }}"
'''

RETURN = r'''
_value:
  description: The report; see the recovery_plan role's README for every key.
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan import history_entry, plan_report
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing((), malformed=(KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError),
          source="the records must be the recovery_plan role's and the plan dr_recovery_plan's")
def dr_recovery_plan_report(runs, plan, started, ended, failure=None, cleanup=None):
    report = plan_report(plan, runs, started, ended, failure=failure, cleanup=cleanup)
    return dict(report, history=history_entry(report))


FilterModule = filter_module(dr_recovery_plan_report)
