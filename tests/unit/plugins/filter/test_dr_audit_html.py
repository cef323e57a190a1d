# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report survives any string the cloud holds: every text field of a report set to
markup that would end the embedded <script> element (or make the parser skip its end), and the
page parsed back: the same report from the embedded JSON, the strings shown as text, no element
the report did not make."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

import pytest

from ansible.errors import AnsibleFilterError

from html.parser import HTMLParser

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.test_dr_audit import (
    BACKUPS, DISKS, GROUPS, NOW, PAIRS, POLICY, SNAPSHOTS)

# the ways out of a <script> element: its end tag (any case), a comment opener followed by a
# <script> that makes the parser wait for a second end tag, entity-like text, a line separator
# that ends a JavaScript string, and quotes for attributes
HOSTILE = u'%s </script><!--<script>x</SCRIPT><!-- &amp; &lt;b&gt; \u2028\u2029 "\'> {{ 1 }}'
# read by the page to choose a colour or a class, not shown: a cloud string never lands there
LOOKUP_KEYS = frozenset(['mechanism'])
SCRIPT = '<script type="application/json" id="report">'


def hostile_report():
    """A real report in which every string (but the lookup keys) is hostile and names its path."""
    def walk(value, path):
        if isinstance(value, dict):
            return dict((k, value[k] if k in LOOKUP_KEYS else walk(value[k], '%s.%s' % (path, k))) for k in value)
        if isinstance(value, list):
            return [walk(item, '%s[%d]' % (path, i)) for i, item in enumerate(value)]
        if isinstance(value, str):
            return HOSTILE % path
        return value
    report = dr_audit(DISKS, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS, pairs=PAIRS, groups=GROUPS,
                      zones={'eu-de-01': False})
    return walk(copy.deepcopy(report), 'report')


class Page(HTMLParser):
    """Start tags, attribute values, text and the embedded report's text as the parser sees them."""

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.tags, self.attributes, self.text, self.scripts = [], [], [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(value for name, value in attrs)
        if tag == 'script':
            self._script = []
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == 'script':
            self._script = None

    def handle_data(self, data):
        (self.text if self._script is None else self._script).append(data)


def parse(page):
    parsed = Page()
    parsed.feed(page)
    parsed.close()
    return parsed


def script_data(page, start):
    """The text of the <script> element whose content begins at ``start``, up to where a browser
    ends it: the script data, escaped ("<!--") and double escaped ("<!--<script") states of the
    HTML standard's tokenizer (Python's HTMLParser knows only the first)."""
    lower, state, i = page.lower(), 'data', start

    def tag_at(name):
        end = i + len(name)
        return lower.startswith(name, i) and lower[end:end + 1] in ('\t', '\n', '\f', ' ', '/', '>')
    while i < len(page):
        if tag_at('</script'):
            if state != 'double':
                return page[start:i]
            state, i = 'escaped', i + len('</script')
        elif state == 'data' and page.startswith('<!--', i):
            state, i = 'escaped', i + 4
        elif state != 'data' and page.startswith('-->', i):
            state, i = 'data', i + 3
        elif state == 'escaped' and tag_at('<script'):
            state, i = 'double', i + len('<script')
        else:
            i += 1
    raise AssertionError('the <script> element never ends: the rest of the page is read as script')


def test_the_embedded_report_is_the_report_whatever_its_strings():
    report = hostile_report()
    page = dr_audit_html(report)
    start = page.index(SCRIPT) + len(SCRIPT)
    embedded = script_data(page, start)
    assert json.loads(embedded) == report
    assert page[start + len(embedded):] == '</script></body></html>'
    assert len(parse(page).scripts) == 1


def test_nothing_in_the_embedded_json_can_end_or_suspend_its_script_element():
    # by the HTML standard, script data leaves its state only at "<" ("</script", "<!--"): none
    # is left; nor a character that ends a line inside a JavaScript string literal
    page = dr_audit_html(hostile_report())
    embedded = page.split(SCRIPT, 1)[1].rsplit('</script>', 1)[0]
    for character in (u'<', u'>', u'&', u'\u2028', u'\u2029'):
        assert character not in embedded
    assert page.count('</script>') == 1 and page.count(SCRIPT) == 1
    assert '\\u003c/script\\u003e\\u003c!--\\u003cscript\\u003e' in embedded


def test_every_shown_string_is_text_not_markup():
    report = hostile_report()
    parsed = parse(dr_audit_html(report))
    assert set(parsed.tags) == set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'p', 'div', 'b', 'span', 'table',
                                    'thead', 'tr', 'th', 'tbody', 'td', 'br', 'small', 'h2', 'h3', 'svg', 'rect',
                                    'line', 'circle', 'text', 'script'])
    text = ''.join(parsed.text)
    row = report['disks'][0]
    shown = [report['policy'], report['cloud_time'], row['disk_name'], row['disk_id'], row['availability_zone'],
             row['tier'], row['failure'], row['rpo_text'], row['verdict']] + row['reasons'] + row['notes']
    for value in shown:
        assert value in text
    # the timeline's tooltips and label hold the copies' names and the disk's name, unchanged
    copy_ = [c for c in row['copies'] if c['age'] is not None][0]
    assert any(copy_['name'] in t and copy_['location'] in t and copy_['age_text'] in t for t in parsed.text)
    assert u'copies of %s' % row['disk_name'] in parsed.attributes


# disk names are the cloud's users' text: one that is markup or a Jinja2 expression is shown
# as written, never run by the browser nor evaluated by the template
ATTACKS = (u'<script>alert(1)</script>', u'{{ 7*7 }}', u'{% for x in range(3) %}x{% endfor %}')


@pytest.mark.parametrize('name', ATTACKS)
def test_a_disk_named_like_markup_or_a_template_is_shown_literally(name):
    disks = [dict(d, name=name) if d['id'] == 'd-fresh' else d for d in DISKS]
    page = dr_audit_html(dr_audit(disks, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS, pairs=PAIRS, groups=GROUPS))
    parsed = parse(page)
    # the table's cell and the timeline's heading hold the name as text, its label as an attribute
    assert sum(t.count(name) for t in parsed.text) == 2
    assert u'copies of %s' % name in parsed.attributes
    assert parsed.tags.count('script') == 1 and len(parsed.scripts) == 1
    assert '49' not in ''.join(parsed.text) and 'xxx' not in ''.join(parsed.text)


def test_the_markup_is_escaped_in_the_page_itself():
    page = dr_audit_html(hostile_report())
    visible = page.split(SCRIPT, 1)[0]
    assert '</script>' not in visible and '<!--' not in visible
    assert '&lt;/script&gt;&lt;!--&lt;script&gt;' in visible and '&amp;amp;' in visible


def timeline_marks(page, disk_name):
    """{tooltip: x percent} of the circles in the timeline of ``disk_name``, and the RPO line's x."""
    svg = page.split('aria-label="copies of %s"' % disk_name, 1)[1].split('</svg>', 1)[0]
    marks = dict((title, float(x)) for x, title in re.findall(r'<circle cx="([0-9.]+)%"[^>]*><title>([^<]*)</title>', svg))
    return marks, float(re.search(r'<line x1="([0-9.]+)%" y1="4"', svg).group(1))


def test_the_timeline_shows_each_copy_against_the_rpo():
    page = dr_audit_html(dr_audit(DISKS, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS, pairs=PAIRS, groups=GROUPS))
    # fresh: copies 12h and 36h old, RPO 1d: one inside the window (right of the RPO line), one out
    marks, rpo_x = timeline_marks(page, 'fresh')
    inside = [t for t, x in marks.items() if x > rpo_x]
    outside = [t for t, x in marks.items() if x < rpo_x]
    assert len(inside) == 1 and '12h old' in inside[0] and len(outside) == 1 and '1d 12h old' in outside[0]
    assert all('made by the policy' in t for t in marks)
    # stale: its only copy (2d 12h) is left of the RPO line
    marks, rpo_x = timeline_marks(page, 'stale')
    assert list(marks.values())[0] < rpo_x
    # the backup of 'backed' has no policy mark and proves no vault: drawn hollow, said so
    marks = timeline_marks(page, 'backed')[0]
    assert [t for t in marks if t.startswith('backup')][0].endswith('not made by the policy')
    assert re.search(r'<circle [^>]*fill="#fff" stroke="#3a9d5d"', page)


def test_the_page_fits_a_phone_and_needs_nothing_from_elsewhere():
    page = dr_audit_html(hostile_report())
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '@media (max-width:760px)' in page
    assert not re.search(r'(src|href)\s*=|@import|url\(', page)


def test_a_report_that_is_not_a_report_is_refused_by_name():
    with pytest.raises(AnsibleFilterError, match='must be a dr_audit report'):
        dr_audit_html({'policy': 'p'})
