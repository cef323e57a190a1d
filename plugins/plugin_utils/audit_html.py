# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML page of a DR audit: one Jinja2 template (a string here, so that it travels inside the
collection and loads from any install), self-contained, readable from a phone to a desktop."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import human_age
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry

# Inside <script> the HTML parser ends the element at "</script" and, after "<!--<script", only at
# a second one, whatever the JSON says; these characters are escaped so that no string in the
# report can do either (U+2028/U+2029 for scripts that read the JSON as JavaScript).
_SCRIPT_ESCAPES = dict((ord(c), u'\\u%04x' % ord(c)) for c in u'<>&\u2028\u2029')


def script_json(data):
    """``data`` as JSON that can stand in a <script> element unchanged: no ``<``, ``>``, ``&``,
    U+2028 or U+2029 in it (inside strings they are ``\\u003c`` etc., which JSON reads back)."""
    return json.dumps(data, sort_keys=True).translate(_SCRIPT_ESCAPES)


# The page style of every report page (``page``: the DR audit, the recovery plan run), so all read alike.
STYLE = u'''*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;padding:1rem;max-width:1280px;
color:#1f2328;background:#fff;line-height:1.4;overflow-wrap:break-word}
h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
h3{font-size:1rem;margin:1rem 0 .2rem}small{color:#59636e}
.summary{display:flex;flex-wrap:wrap;gap:.6rem;margin:.6rem 0}
.summary div{border:1px solid #d1d9e0;border-radius:6px;padding:.4rem .8rem;min-width:8rem}
.summary b{display:block;font-size:1.3rem}
.ok{color:#1a7f37;font-weight:600}.bad{color:#b02a2a;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border:1px solid #d1d9e0;padding:.35rem .55rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f6f8fa}td.n{text-align:right}td:first-child{overflow-wrap:anywhere}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.9rem}
.dot{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;vertical-align:-.1rem;margin-right:.3rem}
.hollow{background:#fff!important;border:2px solid #59636e}
.timeline{display:block;width:100%;height:52px;margin:.2rem 0 .8rem}
@media (max-width:760px){
 body{padding:.6rem}
 table,thead,tbody,tr,th,td{display:block;width:100%}
 thead{display:none}
 tr{border:1px solid #d1d9e0;border-radius:6px;margin:0 0 .8rem;padding:.3rem}
 td{border:0;border-bottom:1px solid #eef1f4;display:flex;gap:.6rem;overflow-wrap:anywhere}td.n{text-align:left}
 td::before{content:attr(data-label);flex:0 0 7.5rem;color:#59636e;font-weight:600}
}
'''

# Every field is escaped by autoescape; the one Markup is script_json's, safe by construction.
# Below 760px the table becomes one card per disk (a label before each value), so nothing is
# wider than a phone; the timelines place by percent, so they stretch instead of scaling text.
BODY = u'''<h1>DR audit of policy {{ report.policy }}</h1>
<p>Cloud time {{ report.cloud_time }}.</p>
<div class="summary"><div><b>{{ report.summary.disks }}</b>disks</div>
<div class="ok"><b>{{ report.summary.compliant }}</b>compliant</div>
<div class="{{ 'bad' if report.summary.out_of_policy else 'ok' }}"><b>{{ report.summary.out_of_policy }}</b>out of policy</div></div>
{% for problem in report.problems or [] %}<p class="bad">{{ problem }}</p>
{% endfor %}
{% call table(['disk', 'tier', 'must survive', 'RPO'] + mechanisms | map(attribute='column') | list
               + ['newest surviving copy', 'where copies live', 'verdict']) %}
{% for row in rows %}<tr>
<td data-label="disk"><span>{{ row.disk_name or '' }}<br><small>{{ row.disk_id or '-' }}, {{ row.availability_zone or '?' }}</small></span></td>
<td data-label="tier">{{ row.tier }}</td><td data-label="must survive">{{ row.failure }}</td><td data-label="RPO">{{ row.rpo_text }}</td>
{% for m in mechanisms %}<td class="n" data-label="{{ m.column }}">{{ row.copies_per_mechanism.get(m.name, 0) }}</td>
{% endfor %}<td data-label="newest surviving">{{ row.newest }}</td><td data-label="where">{{ row.locations }}</td>
<td data-label="verdict"
 class="{{ 'ok' if row.verdict == 'compliant' else 'bad' }}"><span>{{ row.verdict }}{% for reason in
 row.reasons %}<br><small>{{ reason }}</small>{% endfor %}</span></td></tr>
{% endfor %}{% endcall %}
{% if report.plans is defined and report.plans %}<h2>Recovery plans</h2>
{% call table(['plan', 'last proven', 'RTO then', 'last run']) %}
{% for plan in report.plans %}<tr><td data-label="plan">{{ plan.plan }}</td>
<td data-label="last proven" class="{{ 'ok' if plan.last_proven else 'bad' }}">{% if plan.last_proven %}{{ plan.last_proven.ended }}
({{ plan.last_proven.mode }}){% else %}never{% endif %}</td>
<td class="n" data-label="RTO then">{{ plan.last_proven.rto_seconds ~ ' s' if plan.last_proven else '-' }}</td>
<td data-label="last run">{{ plan.last_run.ended }} ({{ plan.last_run.mode }}, {{ plan.last_run.result }})</td></tr>
{% endfor %}{% endcall %}
{% endif %}<h2>Copies against the RPO</h2>
<p class="legend">{% for m in mechanisms %}<span><span class="dot" style="background:{{ m.colour }}"></span>{{ m.name }}</span>{% endfor %}
<span><span class="dot hollow"></span>not made by the policy</span><span><span class="dot" style="background:#fff3cd"></span>within the RPO</span></p>
{% for row in rows %}<h3>{{ row.disk_name or row.disk_id }} <small>(tier {{ row.tier }}, RPO {{ row.rpo_text }}, {{ row.verdict }})</small></h3>
<svg class="timeline" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="copies of {{ row.disk_name or row.disk_id }}">
<rect x="{{ row.rpo_x }}%" y="6" width="{{ 98 - row.rpo_x }}%" height="26" fill="#fff3cd"><title>within the RPO ({{ row.rpo_text or '0' }})</title></rect>
<line x1="{{ row.rpo_x }}%" y1="4" x2="{{ row.rpo_x }}%" y2="34" stroke="#d4a72c" stroke-dasharray="3 2"/>
<line x1="2%" y1="19" x2="98%" y2="19" stroke="#8c959f"/>
{% for mark in row.marks %}{% if mark.continuous %}<rect x="{{ mark.x }}%" y="13" width="8" height="12" fill="{{ mark.colour }}"
 opacity="{{ mark.opacity }}"><title>{{ mark.title }}</title></rect>
{% else %}<circle cx="{{ mark.x }}%" cy="19" r="6" fill="{{ mark.colour if mark.by_policy else '#fff' }}" stroke="{{ mark.colour }}" stroke-width="2"
 opacity="{{ mark.opacity }}"><title>{{ mark.title }}</title></circle>
{% endif %}{% endfor %}<text x="2%" y="48" font-size="11" fill="#59636e">{{ row.span_text }} ago</text>
{% if row.rpo_x < 90 %}<text x="{{ row.rpo_x }}%" y="48" font-size="11" fill="#9a6700" text-anchor="middle">RPO {{ row.rpo_text }}</text>{% endif %}
<text x="98%" y="48" font-size="11" fill="#59636e" text-anchor="end">now</text></svg>
{% endfor %}'''

_ENVIRONMENT = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)
_ENVIRONMENT.filters['script_json'] = lambda data: Markup(script_json(data))

# The table writer: ``{% call table(headings) %}rows{% endcall %}``; each row's cells carry
# ``data-label`` for the card view of a narrow screen.
_TABLE = u'''{% macro table(headings) %}<table><thead><tr>{% for heading in headings %}<th>{{ heading }}</th>{% endfor %}
</tr></thead><tbody>{{ caller() }}</tbody></table>{% endmacro %}'''


def page(title, body):
    """A self-contained page (the reports' one head: ``title``, a Jinja expression, and STYLE), whose
    ``body`` (Jinja, with the ``table`` call block) ends with ``report`` as JSON for scripts."""
    return _ENVIRONMENT.from_string(
        _TABLE + u'''<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>''' + title + u'''</title>
<style>
''' + STYLE + u'''</style></head><body>
''' + body + u'''<script type="application/json" id="report">{{ report | script_json }}</script></body></html>''')


_PAGE = page(u'DR audit: {{ report.policy }}', BODY)


def _position(age, span):
    """Percent from the left of a timeline whose left end is ``span`` seconds ago, right end now."""
    return round(98 - 96.0 * min(max(age, 0), span) / span, 2)


def _row_view(row, mechanisms):
    rpo = row['rpo'] or 0
    ages = [c['age'] for c in row['copies'] if c['age'] is not None and c['age'] >= 0]
    # the RPO and every copy on one scale: at least 4 RPOs, so the window is never the whole line
    span = max(4 * rpo, int(1.1 * max(ages or [0])), 3600)
    marks = []
    for copy in row['copies']:
        if copy['age'] is None:
            continue
        made = 'made by the policy' if copy.get('by_policy') else 'not made by the policy'
        mechanism = mechanisms.get(copy['mechanism']) or registry.Mechanism()
        marks.append({
            'mechanism': copy['mechanism'], 'colour': mechanism.colour, 'continuous': mechanism.continuous,
            # a replica is current: drawn at "now", and never hollow (no policy mark to carry)
            'x': 96.5 if mechanism.continuous else _position(copy['age'], span),
            'by_policy': copy.get('by_policy') or mechanism.continuous,
            'opacity': 1 if copy.get('usable', True) else .35,
            'title': '%s %s, %s old, %s, %s%s%s' % (
                copy['mechanism'], copy['name'] or copy['id'], copy['age_text'], copy['location'], made,
                ', application-consistent (group run %s)' % copy['group_run'] if copy.get('consistency') == 'application'
                else '', '' if copy.get('usable', True) else ', cannot be used now')})
    newest = row['newest_surviving_age']
    return dict(row, marks=marks, rpo_x=_position(rpo, span), span_text=human_age(span),
                reasons=row['reasons'] + row.get('notes', []),
                newest='-' if newest is None else human_age(newest) + ' old',
                locations=', '.join(sorted(set(c['location'] for c in row['copies']))) or '-')


def audit_html(report):
    """A self-contained HTML page (inline CSS and SVG, no external assets)."""
    mechanisms = registry.all_mechanisms()
    by_name = dict((m.name, m) for m in mechanisms)
    shown = [m for m in mechanisms if m.column]
    return _PAGE.render(report=report, rows=[_row_view(row, by_name) for row in report['disks']],
                        mechanisms=shown)
