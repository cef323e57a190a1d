# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_audit_html
short_description: A self-contained HTML page of a DR audit
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Renders a report of P(dataprotection.evs.dr_audit#filter) as one HTML page for people, with
    inline CSS and inline SVG and no external assets, from a Jinja2 template that ships inside
    the collection. A table shows per disk the tier, the failure it must survive, the RPO, the
    copies per mechanism, the age of the newest surviving copy, where the copies live and the
    verdict with its reasons. A timeline per disk shows every copy as a dot (colour by
    mechanism; hollow when the policy did not make it, faint when it cannot be used now) against
    the shaded RPO window, on a scale of at least four RPOs.
  - The page reads on a phone as on a desktop; below 760 pixels wide the table becomes one card
    per disk, so nothing scrolls sideways.
  - Every field of the report is HTML-escaped.
  - The report itself is embedded as JSON in a C(<script type="application/json" id="report">)
    element, with C(<), C(>), C(&), U+2028 and U+2029 as C(\u) escapes, so that no string in
    it can end that element.
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
    content: "{{ report | dataprotection.evs.dr_audit_html }}"
    dest: audit.html
    mode: "0644"
'''

RETURN = r'''
_value:
  description: The HTML page.
  type: str
'''

from jinja2.exceptions import UndefinedError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit_html import audit_html
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing((), malformed=(KeyError, TypeError, UndefinedError), source='the input must be a dr_audit report')
def dr_audit_html(report):
    return audit_html(report)


FilterModule = filter_module(dr_audit_html)
