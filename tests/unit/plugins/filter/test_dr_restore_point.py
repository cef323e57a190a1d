# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from hypothesis import given, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_point import dr_restore_point

COPIES = [
    {'id': 'a', 'name': 'mon', 'status': 'available', 'created_at': '2026-11-16T02:00:00.000000'},
    {'id': 'b', 'name': 'tue', 'status': 'available', 'created_at': '2026-11-17T02:00:00.000000'},
    {'id': 'c', 'name': 'wed', 'status': 'error', 'created_at': '2026-11-18T02:00:00.000000'},
    {'id': 'd', 'name': 'thu', 'status': 'available', 'created_at': '2026-11-19T02:00:00.000000'},
]


@pytest.mark.parametrize('before, expected', [
    ('2026-11-17T02:00:00Z', 'tue'),          # at the instant counts
    ('2026-11-18T10:00:00Z', 'tue'),          # the error one is skipped
    ('2026-11-20T10:00:00Z', 'thu'),
    ('2026-11-16T02:00:00+00:00', 'mon'),
])
def test_the_newest_available_copy_at_or_before(before, expected):
    point = dr_restore_point(COPIES, before)
    assert point['name'] == expected and point['restore_before'] == before[:19] + 'Z'


def test_without_a_point_the_cloud_time_is_used():
    assert dr_restore_point(COPIES, now='2026-11-25T00:00:00Z')['name'] == 'thu'
    assert dr_restore_point(COPIES, None, '2026-11-18T00:00:00Z')['created'] == '2026-11-17T02:00:00Z'


def test_no_copy_before_the_point_names_the_oldest():
    with pytest.raises(AnsibleFilterError, match='db01 has no available copy at or before 2026-11-15T00:00:00Z; '
                                                 'the oldest is mon from 2026-11-16T02:00:00Z'):
        dr_restore_point(COPIES, '2026-11-15T00:00:00Z', what='db01')
    with pytest.raises(AnsibleFilterError, match='has no available copy to restore from'):
        dr_restore_point([], '2026-11-15T00:00:00Z')
    with pytest.raises(AnsibleFilterError, match='not an ISO 8601 UTC time'):
        dr_restore_point(COPIES, 'last tuesday')


@given(st.integers(min_value=0, max_value=10 * 86400))
def test_the_chosen_copy_is_never_after_the_point_and_no_later_one_qualifies(offset):
    import datetime
    point = (datetime.datetime(2026, 11, 15) + datetime.timedelta(seconds=offset)).strftime('%Y-%m-%dT%H:%M:%SZ')
    try:
        chosen = dr_restore_point(COPIES, point)
    except AnsibleFilterError:
        assert point < '2026-11-16T02:00:00Z'
        return
    later = [c for c in COPIES if c['status'] == 'available' and chosen['created_at'] < c['created_at'][:19] <= point[:19]]
    assert chosen['created'] <= point and not later
