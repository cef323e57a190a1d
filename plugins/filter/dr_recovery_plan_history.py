# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_recovery_plan_history
short_description: When each recovery plan was last proven, from the plan history file
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Reads the text of the recovery_plan role's history file (C(recovery_plan_history_path), one
    JSON object per line) and returns, per plan sorted by name, its newest run that proved it
    (result C(proven)) and its newest run at all, for the audit.
  - Lines that are not such an object are skipped.
options:
  _input:
    description: The history file's text.
    type: str
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: When was each plan last proven
  ansible.builtin.set_fact:
    plans: "{{ lookup('ansible.builtin.file', '/srv/dr/plans.jsonl') | dataprotection.evs.dr_recovery_plan_history }}"
'''

RETURN = r'''
_value:
  description: One entry per plan.
  type: list
  elements: dict
  contains:
    plan:
      description: The plan's name.
      type: str
    last_proven:
      description: Its newest proven run (C(mode), C(result), C(started), C(ended), C(rto_seconds), C(rpo_seconds)), or null.
      type: dict
    last_run:
      description: Its newest run.
      type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan import plans_proven
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing((), malformed=(AttributeError, TypeError), source="the input must be the text of the recovery_plan role's history file")
def dr_recovery_plan_history(history_text):
    return plans_proven(history_text)


FilterModule = filter_module(dr_recovery_plan_history)
