# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_recovery_plan_html
short_description: The HTML page of a recovery plan run, in the audit report's style
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Renders a report of P(dataprotection.evs.dr_recovery_plan_report#filter) as one self-contained
    HTML page (inline CSS, no external assets, readable on a phone), styled as the audit's page
    (P(dataprotection.evs.dr_audit_html#filter)) - the result, RTO and RPO, then per group its
    times, hooks, wait and the copies used.
  - Every value is HTML-escaped; the report is also embedded as JSON in a C(<script
    type="application/json" id="report">) element, escaped so that no string can end it.
options:
  _input:
    description: The report.
    type: dict
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Write the HTML report
  ansible.builtin.copy:
    content: "{{ report | dataprotection.evs.dr_recovery_plan_html }}"
    dest: plan.html
    mode: "0644"
'''

RETURN = r'''
_value:
  description: The HTML page.
  type: str
'''

from jinja2.exceptions import UndefinedError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan_html import recovery_plan_html
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing((), malformed=(KeyError, TypeError, ValueError, AttributeError, UndefinedError),
          source='the input must be a dr_recovery_plan_report report')
def dr_recovery_plan_html(report):
    return recovery_plan_html(report)


FilterModule = filter_module(dr_recovery_plan_html)
