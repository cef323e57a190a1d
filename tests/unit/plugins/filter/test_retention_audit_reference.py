# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fast retention plan, audit and time parser against the code they replaced
(retention_audit_reference.py): over random copy sets, retentions, policies and the time forms
the cloud sends, the same input gives the same output to the byte (its repr: types, key order
and all), or the same error."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest
from hypothesis import example, given, settings, strategies as st

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.plugin_utils import audit, retention
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter import retention_audit_reference as reference

UTC = datetime.timezone.utc
BASE = datetime.datetime(2026, 1, 5, 12, 0, 0)   # a Monday
# a few moments, so that equal times are frequent; from the same second to two years apart
MOMENTS = st.one_of(
    st.sampled_from([BASE, BASE + datetime.timedelta(microseconds=1), BASE - datetime.timedelta(hours=1),
                     datetime.datetime(2025, 12, 28, 23, 59, 59, 999999), datetime.datetime(2026, 1, 1)]),
    st.integers(min_value=-2 * 366 * 24 * 3600, max_value=3 * 24 * 3600).map(
        lambda s: BASE + datetime.timedelta(seconds=s)),
    st.integers(min_value=-400 * 24 * 3600 * 10 ** 6, max_value=10 ** 9).map(
        lambda us: BASE + datetime.timedelta(microseconds=us)))


def render(moment, form):
    """``moment`` as the cloud (or a user) writes it."""
    if form == 'datetime':
        return moment
    if form == 'aware':
        return moment.replace(tzinfo=UTC)
    text = moment.strftime(form)
    return text


# EVS's .ffffff, CBR's Z, offsets, a space, no seconds, short or long fractions, padding
FORMS = st.sampled_from([
    '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%fZ',
    '%Y-%m-%dT%H:%M:%S+00:00', '%Y-%m-%dT%H:%M:%S.%f-00:00', '%Y-%m-%dT%H:%M:%S+0000', '%Y-%m-%d %H:%M:%S',
    '%Y-%m-%dT%H:%M', '%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%H:%M:%S.123', '%Y-%m-%dT%H:%M:%S.1234567Z', ' %Y-%m-%dT%H:%M:%SZ ',
    '%Y-%m-%dT%H:%M:%S.1+0000', '%Y-%m-%dT%H:%M:%S.%f Z', 'datetime', 'aware'])
TIMES = st.builds(render, MOMENTS, FORMS)
# strings of the cloud forms' length and separators that are no time, or not quite
ODD_TIMES = st.one_of(
    st.sampled_from(['2026-13-01T00:00:00', '2026-02-30T00:00:00.000000', '2026-01-01T24:00:00Z',
                     '2026-01-01T10:00:00.00000a', '2026-01-01T10:00:00.12345+', '2026-W01-1T10:00:00',
                     '2026-01-01t10:00:00', '2026-01-01T10:00:60', '20260101T10:00:00.000000Z', '', None, 7]),
    st.text(alphabet='0123456789-T:.Z+ ', min_size=19, max_size=27),
    st.builds(lambda t, i, c: t[:i] + c + t[i + 1:], st.builds(render, MOMENTS, st.sampled_from(
        ['%Y-%m-%dT%H:%M:%S.%fZ', '%Y-%m-%dT%H:%M:%S'])), st.integers(0, 18), st.sampled_from('0-:T.Z+x ٣')))


def outcome(function, *args, **kwargs):
    """What a call gives: the repr of its result, or its error's type and message."""
    try:
        return 'result', repr(function(*args, **kwargs))
    except Exception as exc:  # the same error is part of the same behaviour
        return 'error', type(exc).__name__, str(exc)


@settings(max_examples=3000, deadline=None)
@given(value=st.one_of(TIMES, ODD_TIMES))
@example(value='2026-11-25T10:00:00.123456')
@example(value='2026-11-25T10:00:00.1+0000')
def test_times_parse_as_before(value):
    assert outcome(retention.parse_time, value, 'created_at') == outcome(reference.parse_time, value, 'created_at')
    fast = retention.parse_cloud_time(value)
    if fast is not None:   # the audit's shortcut: the cloud's text up to the seconds is format_time's
        assert repr(fast) == repr(reference.parse_time(value))
        assert value[:19] + 'Z' == retention.format_time(reference.parse_time(value))


STATUSES = st.sampled_from(['available', 'available', 'available', 'creating', 'error', 'deleting'])
BACKUP_MARKS = st.sampled_from([{}, {}, {}, {'name': 'autobk_snapshot_1'}, {'made_by_backup': True},
                                {'made_by_backup': False, 'name': 'manualbk_snapshot_2'}, {'backend': 'cbr'}])


@st.composite
def copy_sets(draw, times=TIMES, key='volume_id'):
    """Copies of a few disks: the policy's (gold, tiers t1 and t2), another policy's, unmarked
    ones, backups' snapshots, not available ones; ids that repeat or are missing, and now and
    then the same dict twice in the list."""
    copies = []
    for index in range(draw(st.integers(0, 14))):
        metadata = draw(st.sampled_from([{'dp_evs_policy': 'gold', 'dp_evs_tier': 't1'},
                                         {'dp_evs_policy': 'gold', 'dp_evs_tier': 't1'},
                                         {'dp_evs_policy': 'gold', 'dp_evs_tier': 't2'}, {'dp_evs_policy': 'gold'},
                                         {'dp_evs_policy': 'other', 'dp_evs_tier': 't1'}, {}, None]))
        copy = {'id': draw(st.sampled_from(['c%d' % index, 'c%d' % index, 'c0', None])),
                'name': draw(st.sampled_from(['gold-t1-%d' % index, 'hand-made', None])),
                key: draw(st.sampled_from(['d1', 'd1', 'd2', 'd3'])), 'status': draw(STATUSES),
                'created_at': draw(times)}
        if metadata is not None:
            copy['metadata'] = dict(metadata)
        copy.update(draw(BACKUP_MARKS))
        copies.append(copy)
        if draw(st.integers(0, 19)) == 0:
            copies.append(copy)
    return copies


RETENTIONS = st.fixed_dictionaries({}, optional={
    'last': st.integers(0, 4), 'hourly': st.integers(0, 5), 'daily': st.integers(0, 4), 'weekly': st.integers(0, 3),
    'monthly': st.integers(0, 3), 'yearly': st.integers(0, 2),
    'within': st.sampled_from([0, 30, '1h', '36h', '7d', '1w', 10 ** 12])})
DUE = st.lists(st.fixed_dictionaries({
    'disk_id': st.sampled_from(['d1', 'd2', 'd4']), 'name': st.sampled_from(['gold-t1-1', 'gold-t1-9', 'hand-made']),
    'tier': st.sampled_from(['t1', 't2']), 'skip': st.booleans()}), max_size=3)


@settings(max_examples=1500, deadline=None)
@given(copies=copy_sets(), rules=RETENTIONS, now=st.one_of(TIMES, st.just('2026-01-05T12:00:00Z')),
       tier=st.sampled_from([None, 't1']), due=st.one_of(st.none(), DUE))
def test_the_plan_is_the_same_as_before(copies, rules, now, tier, due):
    assert outcome(retention.retention_plan, copies, rules, now, policy='gold', tier=tier, due=due) == outcome(
        reference.retention_plan, copies, rules, now, policy='gold', tier=tier, due=due)


@settings(max_examples=300, deadline=None)
@given(copies=copy_sets(times=st.one_of(TIMES, ODD_TIMES)), rules=RETENTIONS, group_by=st.sampled_from(['volume_id', 'id']))
def test_the_plan_refuses_and_groups_as_before(copies, rules, group_by):
    assert outcome(retention.retention_plan, copies, rules, '2026-01-05T12:00:00Z', policy='gold',
                   group_by=group_by) == outcome(reference.retention_plan, copies, rules, '2026-01-05T12:00:00Z',
                                                 policy='gold', group_by=group_by)


@settings(max_examples=500, deadline=None)
@given(copies=copy_sets(), rules=RETENTIONS, now=TIMES, policy=st.sampled_from([None, 'gold']),
       tier=st.sampled_from([None, 't1']))
def test_one_disk_is_planned_as_before(copies, rules, now, policy, tier):
    normalized = retention.normalize_retention(dict(rules, last=1) if not any(rules.values()) else rules)
    moment = retention.parse_time(now)
    assert outcome(retention.plan_one_disk, copies, normalized, moment, policy, tier) == outcome(
        reference.plan_one_disk, copies, normalized, moment, policy, tier)


POLICY = dr_policy({'name': 'gold', 'tiers': [
    {'name': 't1', 'failure': 'disk', 'rpo': '1h', 'retention': {'last': 2}, 'disks': {'metadata': {'tier': 't1'}}},
    {'name': 't2', 'failure': 'az', 'rpo': '1d', 'retention': {'last': 2}, 'mechanisms': ['snapshot', 'backup'],
     'disks': {'metadata': {'tier': 't2'}}},
    {'name': 't3', 'failure': 'az', 'rpo': 0, 'secondary_az': 'eu-de-02', 'disks': {'names': ['disk-d3']}},
]})
DISKS = st.lists(st.fixed_dictionaries({
    'id': st.sampled_from(['d1', 'd2', 'd3', 'd4']), 'availability_zone': st.sampled_from(['eu-de-01', 'eu-de-02']),
    'status': st.sampled_from(['in-use', 'available']), 'metadata': st.sampled_from([{'tier': 't1'}, {'tier': 't2'}, {}]),
}).map(lambda d: dict(d, name='disk-' + d['id'])), max_size=4, unique_by=lambda d: d['id'])
BACKUPS = st.lists(st.fixed_dictionaries({
    'id': st.sampled_from(['b1', 'b2', 'b3']), 'name': st.sampled_from(['autobk_1', 'gold-t2-1', 'hand-made']),
    'disk_id': st.sampled_from(['d1', 'd2', 'd3']), 'status': STATUSES, 'created_at': st.one_of(TIMES, st.just('')),
    'backend': st.sampled_from(['cbr', 'vbs', None]), 'vault_id': st.sampled_from(['v-t2', 'v-other'])}), max_size=5)
PAIRS = st.lists(st.fixed_dictionaries({
    'id': st.sampled_from(['p1', 'p2']), 'name': st.just('pair'), 'production_volume_id': st.sampled_from(['d1', 'd3']),
    'server_group_id': st.sampled_from(['g1', 'g2']), 'status': st.sampled_from(['available', 'error'])}), max_size=2)
GROUPS = [{'id': 'g1', 'status': 'protected', 'dr_az': 'eu-de-02'}, {'id': 'g2', 'status': 'stopped', 'dr_az': 'eu-de-01'}]


@settings(max_examples=1000, deadline=None)
@given(disks=DISKS, snapshots=copy_sets(), backups=BACKUPS, pairs=PAIRS, now=TIMES,
       zones=st.sampled_from([None, {'eu-de-01': False, 'eu-de-02': True}, {'eu-de-02': False}]))
def test_the_audit_is_the_same_as_before(disks, snapshots, backups, pairs, now, zones):
    arguments = dict(snapshots=snapshots, backups=backups, pairs=pairs, groups=GROUPS, zones=zones,
                     vaults=[{'id': 'v-t2', 'name': 'gold-t2'}],
                     backup_policies=[{'backend': 'vbs', 'name': 'gold-t2', 'disk_ids': ['d2']}])
    assert outcome(audit.audit, disks, POLICY, now, **arguments) == outcome(reference.audit, disks, POLICY, now, **arguments)


@pytest.mark.parametrize('ages', [[None], [0, -5, 59, 60, 61, 3599, 3600, 3660, 86399, 86400, 90000, 172800, 10 ** 9],
                                  [0.5, -0.5, 3600.9]])
def test_ages_read_as_before(ages):
    assert [audit.human_age(a) for a in ages] == [reference.human_age(a) for a in ages]


def test_the_collector_is_left_as_it_was():
    """The records are handed to the oldest generation, the collector is enabled again, and
    objects someone froze stay frozen."""
    import gc
    with retention.bulk_records():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with retention.bulk_records():
            assert not gc.isenabled()
        # not thawed (unfreeze() would leave 0) and nothing frozen on top; the count may fall a
        # little while threads of earlier tests free frozen objects meanwhile
        assert gc.isenabled() and 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with retention.bulk_records():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
