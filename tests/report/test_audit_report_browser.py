# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's HTML page in a real browser (Debian's chromium, driven by playwright), at a phone's
width (390 px) and a desktop's (1280 px): a screenshot that is not blank, a page that never
scrolls sideways, a table that fits (cards on the phone), timelines as wide as the page, text
large enough to read. `make report` installs chromium when it is missing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import os
import shutil

import pytest

from PIL import Image, ImageChops
from playwright.sync_api import sync_playwright

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.test_dr_audit import (
    BACKUPS, DISKS, GROUPS, NOW, PAIRS, POLICY, SNAPSHOTS)

CHROMIUM = os.environ.get('CHROMIUM') or shutil.which('chromium') or '/usr/bin/chromium'
HEIGHT = 900
# --no-sandbox: CI runs as root, where chromium's sandbox refuses to start; the rest keep a
# browser on a machine that reaches only package registries from calling anywhere on its own
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--no-first-run']
PHONE = 390
RPO_WINDOW = (0xff, 0xf3, 0xcd)
# long unbroken cloud strings are what pushes a table past a phone's width
LONG = 'database-volume-of-the-order-service-in-production-0001'


def page_html():
    disks = [dict(d, name=LONG + '-' + d['name']) if d['id'] == 'd-stale' else d for d in DISKS]
    report = dr_audit(disks, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS, pairs=PAIRS, groups=GROUPS,
                      zones={'eu-de-01': True, 'eu-de-02': True, 'eu-de-03': True})
    return dr_audit_html(report)


# measured by the browser: the page's scroll width against its viewport, the widest element's
# right edge, the table's header (a row on the desktop, hidden behind cards on a phone), the
# timelines' widths and the smallest font size of the table's cells
MEASURE = '''() => {
  const root = document.documentElement, width = root.clientWidth;
  const right = Math.max(...[...document.body.querySelectorAll('*')].map(e => e.getBoundingClientRect().right));
  const timelines = [...document.querySelectorAll('svg.timeline')].map(s => s.getBoundingClientRect().width);
  const cells = [...document.querySelectorAll('td')].map(td => parseFloat(getComputedStyle(td).fontSize));
  return {viewport: width, scroll: root.scrollWidth, right: right, timelines: timelines,
          header: getComputedStyle(document.querySelector('thead')).display,
          labels: getComputedStyle(document.querySelector('td'), '::before').content,
          cell_font: Math.min(...cells), rows: document.querySelectorAll('tbody tr').length};
}'''


@pytest.fixture(scope='module')
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail('chromium is missing (%s): `make report` installs it (apt-get install -y chromium, as root)'
                    % CHROMIUM)
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope='module')
def report_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('report') / 'audit.html'
    path.write_text(page_html(), encoding='utf-8')
    return path


def open_at(browser, report_file, width):
    # as a phone: a mobile browser lays a page without a viewport meta out 980 px wide and
    # shrinks it, which the measures below would see (a desktop browser ignores the meta)
    page = browser.new_page(viewport={'width': width, 'height': HEIGHT}, is_mobile=width == PHONE,
                            has_touch=width == PHONE, device_scale_factor=1)
    # a page that asked for anything outside itself would be seen here
    requests = []
    page.on('request', lambda request: requests.append(request.url))
    page.goto(report_file.as_uri())
    assert requests == [report_file.as_uri()]
    return page


def check_screenshot(png, width):
    image = Image.open(io.BytesIO(png)).convert('RGB')
    assert image.size[0] == width and image.size[1] >= HEIGHT, image.size
    colours = image.getcolors(maxcolors=image.size[0] * image.size[1])
    assert len(colours) > 20, 'the screenshot is (nearly) one colour: %s' % colours[:5]
    # what is not page background spans most of the width and starts near the top: text and
    # timelines drawn across the page, not a blank page or a sliver of it
    background = Image.new('RGB', image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    assert box is not None
    left, top, right = box[:3]
    assert top < 60 and right - left > 0.8 * width, box
    # the timelines' colours are in the picture (snapshot blue, backup green)
    rgb = set(colour for count, colour in colours)
    assert (0x2b, 0x7b, 0xb9) in rgb and (0x3a, 0x9d, 0x5d) in rgb
    # the RPO windows are painted, ending at "now" by the page's right edge: timelines drawn
    # across the page at either width, not squeezed into a corner
    window = Image.new('RGB', image.size, RPO_WINDOW)
    box = ImageChops.difference(image, window).convert('L').point(lambda v: 255 if v == 0 else 0).getbbox()
    assert box is not None, 'no RPO window in the picture'
    assert box[2] > 0.9 * width, box


@pytest.mark.parametrize('width', [PHONE, 1280])
def test_the_report_reads_at_a_phones_and_a_desktops_width(browser, report_file, width):
    page = open_at(browser, report_file, width)
    measured = page.evaluate(MEASURE)
    # never a sideways scroll: no element reaches past the viewport
    assert measured['scroll'] <= measured['viewport'] == width, measured
    assert measured['right'] <= width + 0.5, measured
    assert measured['rows'] == 6
    # the timelines use the page's width (less its padding), whatever the device
    assert all(width * 0.85 <= w <= width for w in measured['timelines']) and len(measured['timelines']) == 6, measured
    assert measured['cell_font'] >= 12, measured
    if width == PHONE:
        # the table is one card per disk, each value after its label
        assert measured['header'] == 'none' and measured['labels'] == '"disk"', measured
    else:
        assert measured['header'] == 'table-header-group', measured
    png = page.screenshot(full_page=True)
    if os.environ.get('REPORT_SCREENSHOTS'):  # a directory to keep them in, for people to look at
        with open(os.path.join(os.environ['REPORT_SCREENSHOTS'], 'audit-%d.png' % width), 'wb') as shot:
            shot.write(png)
    check_screenshot(png, width)
    page.close()
