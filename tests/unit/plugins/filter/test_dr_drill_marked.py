# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The drill's cleanup deletes only what dr_drill_marked returns: each case is a resource an
attacker or a careless operator could name like a drill's leftover, which must never be returned."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_drill_marked import dr_drill_marked, drill_check

NOW = '2026-03-02T12:00:00Z'
DAY = 86400
SOURCE = 'disk-prod-1'
GROUP = 'group-1'


def scratch(run='r1', of=SOURCE, name=None, created='2026-03-01T00:00:00Z', **metadata):
    marks = {'dp_evs_drill': run, 'dp_evs_drill_of': of}
    marks.update(metadata)
    return {'id': 'scratch-' + run, 'name': name or 'dp-drill-%s-db01' % run, 'created_at': created,
            'metadata': marks}


def drill(run='r1', group=GROUP, created='2026-03-01T00:00:00Z', check=None):
    return {'id': 'drill-' + run, 'name': 'dp-drill-%s-%s' % (run, check or drill_check(run, group)),
            'server_group_id': group, 'created_at': created}


def marked(disks=(), drills=(), now=NOW):
    return dr_drill_marked(list(disks), drills=list(drills), disks_of=[SOURCE], groups=[GROUP], now=now, lease=DAY)


def test_an_expired_scratch_disk_and_dr_drill_of_a_run_are_found():
    found = marked([scratch()], [drill()])
    assert [(f['kind'], f['id'], f['run'], f['of'], f['expired']) for f in found] == [
        ('disk', 'scratch-r1', 'r1', SOURCE, True), ('dr_drill', 'drill-r1', 'r1', GROUP, True)]


def test_a_leftover_still_in_its_lease_is_not_expired():
    found = marked([scratch(created='2026-03-02T11:00:00Z')], [drill(created='2026-03-02T11:59:59Z')])
    assert [f['expired'] for f in found] == [False, False]


@pytest.mark.parametrize('disk', [
    # a production disk someone named like a scratch disk, without the marks
    {'id': 'p', 'name': 'dp-drill-r1-db01', 'created_at': '2026-01-01T00:00:00Z', 'metadata': {}},
    # the marks, but a copy of a disk the run does not cover
    scratch(of='disk-of-another-team'),
    # the marks, but a name of another run (metadata copied onto another disk)
    scratch(name='dp-drill-r2-db01'),
    # the marks, but a name without the drill prefix
    scratch(name='db01'),
    # a run id that is not one the role makes
    scratch(run='R1;rm'),
    # marks that are not text
    {'id': 'p', 'name': 'dp-drill-r1-x', 'created_at': '2026-01-01T00:00:00Z',
     'metadata': {'dp_evs_drill': ['r1'], 'dp_evs_drill_of': SOURCE}},
    # no creation time: its age is unknown
    scratch(created=None),
    scratch(created='yesterday'),
])
def test_a_disk_without_every_mark_is_never_returned(disk):
    assert marked([disk]) == []


@pytest.mark.parametrize('dr_drill', [
    drill(check='0123456789'),                      # the check does not bind run and group
    drill(group='group-of-another-team'),           # a group the run does not cover
    dict(drill(), server_group_id={'id': GROUP}),   # a group id that is not text
    dict(drill(), name='dp-drill-r1'),              # no check at all
    dict(drill(), name='DP-DRILL-r1-' + drill_check('r1', GROUP)),
])
def test_a_dr_drill_without_the_name_bound_to_its_group_is_never_returned(dr_drill):
    assert marked(drills=[dr_drill]) == []


def test_a_drill_named_for_another_group_is_not_taken_for_this_group():
    # the name is correct for group-2, and group-2 is not in scope: listing group-1's drills
    # must not return it even though its server_group_id was changed to group-1
    other = dict(drill(group='group-2'), server_group_id=GROUP)
    assert marked(drills=[other]) == []


@pytest.mark.parametrize('kwargs, message', [
    (dict(now='soon', lease=DAY), 'now'),
    (dict(now=NOW, lease=-1), 'lease'),
    (dict(now=NOW, lease=True), 'lease'),
    (dict(now=NOW, lease='1d'), 'lease'),
    (dict(now=NOW, lease=DAY, disks_of='disk-prod-1'), 'disks_of'),
    (dict(now=NOW, lease=DAY, groups=[{'id': GROUP}]), 'groups'),
    (dict(now=NOW, lease=DAY, drills='drill-1'), 'DR drills'),
])
def test_bad_arguments_are_refused_with_what_is_wrong(kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        dr_drill_marked([scratch()], **kwargs)
