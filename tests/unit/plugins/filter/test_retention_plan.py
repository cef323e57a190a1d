# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retention filter: 400 days of daily runs against the generational rule computed
independently by calendar arithmetic, and properties over random histories."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import random

import pytest
from hypothesis import given, settings, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.retention_plan import FilterModule
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, normalize_retention, parse_duration, parse_time)

retention_plan = FilterModule().filters()['retention_plan']
START = datetime.date(2026, 1, 1)   # a Thursday: the first ISO week is a partial one


def snapshot(day, volume='vol-1', policy='gold', status='available', hour=2, tier=None):
    metadata = {'dp_evs_policy': policy} if policy else {}
    if tier:
        metadata['dp_evs_tier'] = tier
    return {'id': '%s-%s-%02d' % (volume, day.isoformat(), hour), 'volume_id': volume, 'status': status,
            'created_at': '%sT%02d:00:00.000000' % (day.isoformat(), hour), 'metadata': metadata}


def cloud_now(day, hour=2, minute=5):
    return '%sT%02d:%02d:00Z' % (day.isoformat(), hour, minute)


def add_months(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def expected_days(today, last, daily, weekly, monthly, yearly):
    """The days whose 02:00 copy the rule keeps after daily runs from START to ``today``,
    by calendar arithmetic (no period keys, no sorting of copies)."""
    def exists(day):
        return START <= day <= today

    kept = {today}                                          # the newest copy, always
    kept.update(today - datetime.timedelta(days=k) for k in range(last))
    kept.update(today - datetime.timedelta(days=k) for k in range(daily))
    monday = today - datetime.timedelta(days=today.weekday())
    for k in range(weekly):
        start = monday - datetime.timedelta(weeks=k)
        kept.add(min(start + datetime.timedelta(days=6), today))
    for k in range(monthly):
        year, month = add_months(today.year, today.month, -k)
        next_year, next_month = add_months(year, month, 1)
        kept.add(min(datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1), today))
    for k in range(yearly):
        kept.add(min(datetime.date(today.year - k, 12, 31), today))
    return set(day for day in kept if exists(day))


@pytest.mark.parametrize('retention', [
    {'last': 3, 'daily': 7, 'weekly': 4, 'monthly': 12, 'yearly': 2},
    {'daily': 14, 'monthly': 6},
    {'last': 1},
    {'weekly': 60},
    {'last': 2, 'yearly': 5},
])
def test_400_daily_runs_keep_exactly_the_generational_set(retention):
    existing = []
    counts = dict({'last': 0, 'daily': 0, 'weekly': 0, 'monthly': 0, 'yearly': 0}, **retention)
    for offset in range(400):
        today = START + datetime.timedelta(days=offset)
        existing.append(snapshot(today))
        plan = retention_plan(existing, retention, cloud_now(today), policy='gold')
        pruned = set(c['id'] for c in plan['prune'])
        existing = [c for c in existing if c['id'] not in pruned]
        kept_days = set(parse_time(c['created_at']).date() for c in existing)
        assert kept_days == expected_days(today, **counts), 'day %d (%s)' % (offset, today)
        assert plan['ignored'] == []


def test_400_days_sizes_and_reasons():
    existing = []
    for offset in range(400):
        today = START + datetime.timedelta(days=offset)
        existing.append(snapshot(today))
        plan = retention_plan(existing, {'last': 3, 'daily': 7, 'weekly': 4, 'monthly': 12, 'yearly': 2},
                              cloud_now(today), policy='gold')
        existing = list(plan['keep'])
    # 2027-02-04: 7 days (Jan 29..Feb 4), weekly Sundays Jan 17, 24 (Jan 31 is also month end),
    # monthly ends Jan 2026 .. Jan 2027 minus those already counted, yearly Dec 31 2026.
    days = sorted(parse_time(c['created_at']).date().isoformat() for c in existing)
    assert days == ['2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31',
                    '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31', '2027-01-17', '2027-01-24',
                    '2027-01-29', '2027-01-30', '2027-01-31', '2027-02-01', '2027-02-02', '2027-02-03',
                    '2027-02-04']
    reasons = dict((parse_time(c['created_at']).date().isoformat(), c['retention_reasons']) for c in existing)
    assert reasons['2027-02-04'] == ['newest', 'last 3', 'daily 2027-02-04', 'weekly 2027-W05', 'monthly 2027-02',
                                     'yearly 2027']
    assert reasons['2026-12-31'] == ['monthly 2026-12', 'yearly 2026']


def test_hourly_runs_for_three_days_with_within():
    existing = []
    start = datetime.datetime(2026, 11, 20, 0, 0)
    for hour in range(72):
        moment = start + datetime.timedelta(hours=hour)
        existing.append({'id': 'h%02d' % hour, 'volume_id': 'v', 'status': 'available',
                         'created_at': moment.strftime('%Y-%m-%dT%H:%M:%S.000000'),
                         'metadata': {'dp_evs_policy': 'p'}})
        plan = retention_plan(existing, {'hourly': 6, 'daily': 2, 'within': '3h'},
                              (moment + datetime.timedelta(minutes=30)).strftime('%Y-%m-%dT%H:%M:%SZ'), policy='p')
        existing = plan['keep']
    # the 6 newest hours (66..71), day 3 is hour 71 and day 2's newest is hour 47
    assert sorted(c['id'] for c in existing) == ['h47', 'h66', 'h67', 'h68', 'h69', 'h70', 'h71']


def test_only_the_policys_available_copies_are_pruned():
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day - datetime.timedelta(days=k)) for k in range(5)]
    copies.append(snapshot(day - datetime.timedelta(days=9), policy='other'))
    copies.append(snapshot(day - datetime.timedelta(days=10), policy=None))
    copies.append(snapshot(day - datetime.timedelta(days=11), status='error'))
    plan = retention_plan(copies, {'last': 2}, cloud_now(day), policy='gold')
    assert len(plan['keep']) == 2 and len(plan['prune']) == 3
    assert sorted(c['retention_reasons'][0] for c in plan['ignored']) == [
        'not made by policy gold', 'not made by policy gold', 'status error']


def test_tier_mark_limits_the_prune_to_one_tier():
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day - datetime.timedelta(days=k), tier='hourly' if k % 2 else 'daily') for k in range(6)]
    plan = retention_plan(copies, {'last': 1}, cloud_now(day), policy='gold', tier='daily')
    assert [c['id'] for c in plan['keep']] == [copies[0]['id']]
    assert len(plan['prune']) == 2 and len(plan['ignored']) == 3


def test_the_newest_available_copy_is_kept_even_if_foreign_copies_are_newer():
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day, policy='other'), snapshot(day - datetime.timedelta(days=1)),
              snapshot(day - datetime.timedelta(days=2))]
    plan = retention_plan(copies, {'daily': 1}, cloud_now(day), policy='gold')
    # the daily slot keeps the policy's newest copy; the older one goes
    assert [c['id'] for c in plan['keep']] == [copies[1]['id']]
    assert [c['id'] for c in plan['prune']] == [copies[2]['id']]


def test_copies_are_grouped_per_disk():
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day - datetime.timedelta(days=k), volume=v) for k in range(3) for v in ('a', 'b')]
    plan = retention_plan(copies, {'last': 1}, cloud_now(day), policy='gold')
    assert sorted(plan['disks']) == ['a', 'b']
    assert all(len(d['keep']) == 1 and len(d['prune']) == 2 for d in plan['disks'].values())


def test_a_copy_dated_after_the_cloud_time_is_kept():
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day + datetime.timedelta(days=1)), snapshot(day), snapshot(day - datetime.timedelta(days=1))]
    plan = retention_plan(copies, {'last': 1}, cloud_now(day, hour=1), policy='gold')
    assert [c['retention_reasons'] for c in plan['keep']] == [['newest', 'last 1'], ['dated after the cloud time']]
    assert [c['id'] for c in plan['prune']] == [copies[2]['id']]


def test_without_a_policy_nothing_is_planned_for_pruning():
    """The attack: a plan with no policy made every copy of the disk, a hand-made one too, a candidate."""
    day = datetime.date(2026, 11, 1)
    copies = [snapshot(day - datetime.timedelta(days=k), policy=None) for k in range(3)]
    for policy in (None, '', 3):
        with pytest.raises(AnsibleFilterError, match='only copies whose metadata has dp_evs_policy equal to it'):
            retention_plan(copies, {'last': 1}, cloud_now(day), policy=policy)
    with pytest.raises(AnsibleFilterError, match='tier must be the name of a tier'):
        retention_plan(copies, {'last': 1}, cloud_now(day), policy='gold', tier='')


def test_a_due_copy_is_predicted_unless_the_policy_itself_holds_it():
    """A copy with the due name but without the policy's marks (hand-made, or another tier's) does
    not stand for the policy's copy: the plan still predicts the policy's own, and never prunes it."""
    day = datetime.date(2026, 11, 1)
    due = [{'disk_id': 'vol-1', 'name': 'gold-daily-20261101T0000Z', 'tier': 'daily', 'skip': None,
            'metadata': {'dp_evs_policy': 'gold', 'dp_evs_tier': 'daily'}}]
    own = [snapshot(day - datetime.timedelta(days=k), tier='daily') for k in (1, 2)]
    for impostor_meta in ({}, {'dp_evs_policy': 'gold-x', 'dp_evs_tier': 'daily'}, {'dp_evs_policy': 'gold'},
                          {'dp_evs_policy': 'gold', 'dp_evs_tier': 'weekly'}):
        impostor = dict(snapshot(day, tier=None), name='gold-daily-20261101T0000Z', metadata=impostor_meta)
        plan = retention_plan(own + [impostor], {'last': 1}, cloud_now(day), policy='gold', tier='daily', due=due)
        predicted = [c for c in plan['keep'] if c.get('predicted')]
        assert len(predicted) == 1 and predicted[0]['metadata'] == {'dp_evs_policy': 'gold', 'dp_evs_tier': 'daily'}
        assert impostor['id'] not in [c['id'] for c in plan['prune']]
        assert sorted(c['id'] for c in plan['prune']) == sorted(c['id'] for c in own)
    held = dict(snapshot(day, tier='daily'), name='gold-daily-20261101T0000Z')
    plan = retention_plan(own + [held], {'last': 1}, cloud_now(day), policy='gold', tier='daily', due=due)
    assert not [c for c in plan['keep'] if c.get('predicted')] and [c['id'] for c in plan['keep']] == [held['id']]


@pytest.mark.parametrize('retention, message', [
    ({}, 'keeps no copy'),
    ({'last': 0, 'daily': 0}, 'keeps no copy'),
    ({'daily': -1}, 'retention.daily must be a whole number'),
    ({'daily': 'seven'}, 'retention.daily must be a whole number'),
    ({'daly': 7}, 'unknown keys daly'),
    ({'within': 'a week'}, 'retention.within must be a number of seconds'),
    ('7 days', 'must be a dict'),
])
def test_bad_retention_is_refused_with_the_reason(retention, message):
    with pytest.raises(AnsibleFilterError, match=message):
        retention_plan([], retention, '2026-11-25T10:00:00Z', policy='gold')


def test_bad_times_are_refused():
    with pytest.raises(AnsibleFilterError, match='not an ISO 8601 UTC time'):
        retention_plan([], {'last': 1}, 'yesterday', policy='gold')
    with pytest.raises(AnsibleFilterError, match='created_at'):
        retention_plan([{'id': 'x', 'volume_id': 'v', 'status': 'available', 'created_at': None}],
                       {'last': 1}, '2026-11-25T10:00:00Z', policy='gold')


def test_durations_and_times_parse():
    assert [parse_duration(v) for v in (0, 90, '90', '15m', '1h', '7d', '2w')] == [
        0, 90, 90, 900, 3600, 7 * 86400, 14 * 86400]
    assert parse_time('2026-11-25T10:00:00.5Z') == datetime.datetime(2026, 11, 25, 10, 0, 0, 500000)
    assert parse_time('2026-11-25T10:00:00+00:00') == datetime.datetime(2026, 11, 25, 10, 0)
    assert normalize_retention({'daily': '7'})['daily'] == 7
    with pytest.raises(RetentionError):
        parse_duration(True)


# ------------------------------------------------------------------ properties
COUNTS = st.integers(min_value=0, max_value=6)
RETENTIONS = st.fixed_dictionaries({
    'last': COUNTS, 'hourly': COUNTS, 'daily': COUNTS, 'weekly': COUNTS, 'monthly': COUNTS, 'yearly': COUNTS,
}).filter(lambda r: any(r.values()))
BASE = datetime.datetime(2026, 1, 1)
COPIES = st.lists(st.tuples(
    st.integers(min_value=0, max_value=3 * 365 * 24),       # hours after BASE
    st.sampled_from(['vol-a', 'vol-b']),
    st.sampled_from(['gold', 'gold', 'gold', 'other', None]),
    st.sampled_from(['available', 'available', 'available', 'creating', 'error']),
), max_size=60, unique_by=lambda t: (t[0], t[1]))


def build(rows):
    copies = []
    for index, (hours, volume, policy, status) in enumerate(rows):
        moment = BASE + datetime.timedelta(hours=hours)
        copies.append({'id': 'c%03d' % index, 'volume_id': volume, 'status': status,
                       'created_at': moment.strftime('%Y-%m-%dT%H:%M:%S.000000'),
                       'metadata': {'dp_evs_policy': policy} if policy else {}})
    return copies


NOW = '2029-01-02T00:00:00Z'


@settings(max_examples=200, deadline=None)
@given(rows=COPIES, retention=RETENTIONS)
def test_every_copy_lands_in_exactly_one_list_and_only_the_policys_available_ones_are_pruned(rows, retention):
    copies = build(rows)
    plan = retention_plan(copies, retention, NOW, policy='gold')
    ids = [c['id'] for name in ('keep', 'prune', 'ignored') for c in plan[name]]
    assert sorted(ids) == sorted(c['id'] for c in copies)
    for copy in plan['prune']:
        assert copy['status'] == 'available' and copy['metadata'].get('dp_evs_policy') == 'gold'


@settings(max_examples=200, deadline=None)
@given(rows=COPIES, retention=RETENTIONS)
def test_the_newest_available_copy_of_each_disk_is_never_pruned(rows, retention):
    copies = build(rows)
    pruned = set(c['id'] for c in retention_plan(copies, retention, NOW, policy='gold')['prune'])
    for volume in ('vol-a', 'vol-b'):
        available = [c for c in copies if c['volume_id'] == volume and c['status'] == 'available']
        if available:
            assert max(available, key=lambda c: c['created_at'])['id'] not in pruned


@settings(max_examples=200, deadline=None)
@given(rows=COPIES, retention=RETENTIONS)
def test_a_second_plan_over_what_is_left_prunes_nothing(rows, retention):
    copies = build(rows)
    plan = retention_plan(copies, retention, NOW, policy='gold')
    again = retention_plan(plan['keep'] + plan['ignored'], retention, NOW, policy='gold')
    assert again['prune'] == []


@settings(max_examples=200, deadline=None)
@given(rows=COPIES, retention=RETENTIONS, key=st.sampled_from(['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly']))
def test_keeping_more_of_a_generation_never_prunes_more(rows, retention, key):
    copies = build(rows)
    fewer = set(c['id'] for c in retention_plan(copies, retention, NOW, policy='gold')['keep'])
    more = dict(retention, **{key: retention[key] + 1})
    assert fewer <= set(c['id'] for c in retention_plan(copies, more, NOW, policy='gold')['keep'])


@settings(max_examples=200, deadline=None)
@given(rows=COPIES, retention=RETENTIONS, seed=st.integers())
def test_the_plan_is_bounded_and_independent_of_input_order(rows, retention, seed):
    copies = build(rows)
    plan = retention_plan(copies, retention, NOW, policy='gold')
    shuffled = list(copies)
    random.Random(seed).shuffle(shuffled)
    assert plan == retention_plan(shuffled, retention, NOW, policy='gold')
    for disk in plan['disks'].values():
        assert len(disk['keep']) <= 1 + sum(retention.values())
