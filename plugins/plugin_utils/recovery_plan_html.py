# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML page of a recovery plan run, on the audit page's head, style and table writer (audit_html.page): the result,
RTO and RPO, then one table row per group with its times, hooks, wait and copies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit_html import page
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import human_age

BODY = u'''<h1>Recovery plan {{ report.plan }} <small>({{ report.mode }} mode)</small></h1>
<p>From {{ report.started }} to {{ report.ended }}.</p>
<div class="summary"><div class="{{ 'ok' if report.result == 'proven' else 'bad' if report.result == 'failed' else '' }}">
<b>{{ report.result }}</b>result</div>
<div><b>{{ rto }}</b>RTO achieved</div><div><b>{{ rpo }}</b>RPO of the copies used</div>
<div><b>{{ report.groups | length }}/{{ report.groups | length + report.not_started | length }}</b>groups run</div></div>
{% if report.failure %}<p class="bad">{{ report.failure }}</p>{% endif %}
{% if report.not_started %}<p class="bad">Not started: {{ report.not_started | join(', ') }}</p>{% endif %}
{% call table(['group', 'start', 'end', 'seconds', 'hooks', 'wait', 'copies used', 'result']) %}
{% for group in report.groups %}<tr><td data-label="group">{{ group.name }}</td><td data-label="start">{{ group.started }}</td>
<td data-label="end">{{ group.ended }}</td><td class="n" data-label="seconds">{{ group.seconds }}</td>
<td data-label="hooks"><span>{% for hook in group.hooks %}<span class="{{ 'ok' if hook.ok else 'bad' }}">{{ hook.phase }}</span>
{{ hook.host }}: {{ hook.run }}{% if hook.msg is defined and hook.msg %} <small>({{ hook.msg }})</small>{% endif %}<br>{% else %}-{% endfor %}</span></td>
<td data-label="wait">{% if group.wait %}<span class="{{ 'ok' if group.wait.ok else 'bad' }}">{{ group.wait.target }}</span>
{% if group.wait.msg is defined and group.wait.msg %}<br><small>{{ group.wait.msg }}</small>{% endif %}{% else %}-{% endif %}</td>
<td data-label="copies"><span>{% for copy in group.copies %}{{ copy.disk }}: {{ copy.copy }} <small>({{ copy.created }},
{{ copy.age_text }} old)</small><br>{% endfor %}{% for switched in group.switched %}{{ switched }}<br>{% endfor %}
{% if not group.copies and not group.switched %}-{% endif %}</span></td>
<td data-label="result" class="{{ 'ok' if group.ok else 'bad' }}">{{ 'done' if group.ok else 'failed' }}</td></tr>
{% endfor %}{% endcall %}
{% if report.cleanup %}<h2>Test resources removed</h2>
<p>{{ report.cleanup.removed | join(', ') or 'none' }}{% if report.cleanup.left %}</p><p class="bad">Left behind:
{{ report.cleanup.left | join(', ') }}{% endif %}</p>{% endif %}
'''

_PAGE = page(u'Recovery plan: {{ report.plan }}', BODY)


def _duration(seconds):
    return '-' if seconds is None else '%s (%s s)' % (human_age(seconds), seconds)


def recovery_plan_html(report):
    """A self-contained HTML page (inline CSS, no external assets) of a plan_report."""
    groups = [dict(group, copies=[dict(copy, age_text=human_age(copy['age_seconds'])) for copy in group['copies']])
              for group in report['groups']]
    return _PAGE.render(report=dict(report, groups=groups), rto=_duration(report['rto_seconds']),
                        rpo=_duration(report['rpo_seconds']))
