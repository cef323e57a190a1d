# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud's manual snapshots per disk (7 on Open Telekom Cloud): a policy whose snapshot
retention cannot fit is refused before any request, alone or with the tiers that can cover the
same disk; snapshot_retention keeps the snapshots short and the backups long."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest
from hypothesis import example, given, settings, strategies as st

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.snapshot import snapshots_kept
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    format_time, normalize_retention, plan_one_disk)
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import policy, refused
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter import policy_helpers

NONE = {'last': 0, 'hourly': 0, 'daily': 0, 'weekly': 0, 'monthly': 0, 'within': 0}
FIX = 'keep at most 6 snapshots per disk; keep longer copies as backups: set snapshot_retention'


def tier(name='t1', **overrides):
    """A tier keeping 6 snapshots (one under the cloud's 7, for the one taken before pruning)."""
    return policy_helpers.tier(name, **dict({'retention': {'last': 6}}, **overrides))


def test_a_tier_keeping_7_snapshots_is_refused_with_the_fix():
    message = refused(policy(tier('daily', retention={'last': 7})))
    assert ("tier 'daily' keeps up to 7 snapshots per disk (snapshot retention {last: 7}, a snapshot every 1d) and "
            "takes 1 more before pruning: 8, more than the 7 manual snapshots the cloud lets a disk have "
            "(snapshots_per_disk); " + FIX) in message


def test_exactly_6_snapshots_per_disk_are_accepted():
    checked = dr_policy(policy(tier(retention={'last': 6})))
    assert checked['snapshots_per_disk'] == 7
    assert checked['tiers'][0]['snapshot_retention']['last'] == 6


@pytest.mark.parametrize('second', [
    {'names': ['db01']},                       # a named disk may carry the other tier's metadata
    {'metadata': {'role': 'db'}},              # a disk may carry both pairs
    {'metadata': {'tier': 'a', 'role': 'db'}},
    {'all_disks': True},
])
def test_two_tiers_of_4_that_can_cover_one_disk_are_refused(second):
    message = refused(policy(tier('a', retention={'last': 4}), tier('b', retention={'last': 4}, disks=second)))
    assert ("tiers 'a', 'b' can cover the same disk (their disk selectors may overlap) and keep up to 4 + 4 snapshots "
            "per disk and take 2 more before pruning: 10, more than the 7 manual snapshots") in message
    assert FIX in message


@pytest.mark.parametrize('first, second', [
    ({'metadata': {'tier': 'a'}}, {'metadata': {'tier': 'b', 'role': 'db'}}),   # one key, two values
    ({'names': ['db01', 'db02']}, {'names': ['app01']}),
    ({'ids': ['id-1']}, {'ids': ['id-2']}),
])
def test_tiers_that_never_share_a_disk_each_get_the_whole_limit(first, second):
    checked = dr_policy(policy(tier('a', retention={'last': 4}, disks=first),
                               tier('b', retention={'last': 4}, disks=second)))
    assert [t['name'] for t in checked['tiers']] == ['a', 'b']


def test_only_tiers_that_can_all_cover_one_disk_add_up():
    # 'small' may meet either, but 'left' and 'right' never meet: no disk has more than 2 + 5 snapshots
    tiers = [tier('left', retention={'last': 4}, disks={'metadata': {'side': 'left'}}),
             tier('right', retention={'last': 4}, disks={'metadata': {'side': 'right'}}),
             tier('small', retention={'last': 1}, disks={'names': ['db01']})]
    assert dr_policy(policy(*tiers))
    tiers[2]['retention'] = {'last': 2}
    assert "tiers 'left', 'small' can cover the same disk" in refused(policy(*tiers))
    # three tiers that may all meet: 2 + 2 + 2 fit, a fourth does not
    meeting = [tier('t%d' % n, retention={'last': 1}, disks={'metadata': {'k%d' % n: 'x'}}) for n in range(4)]
    assert dr_policy(policy(*meeting[:3]))
    assert "tiers 't0', 't1', 't2', 't3' can cover the same disk" in refused(policy(*meeting))


def test_tiers_without_snapshots_do_not_count():
    replicated = tier('gold', failure='az', rpo=0, secondary_az='eu-de-02', retention=None,
                      disks={'all_disks': True})
    assert dr_policy(policy(tier(retention={'last': 6}), replicated))


@pytest.mark.parametrize('within, every, verdict', [
    ('20h', '4h', 'accepted'),    # 5 slots, and a late run in the oldest: 6
    ('1d', '4h', 7),              # 6 slots + 1
    ('5h', '1h', 'accepted'),
    ('6h', '1h', 7),
    ('3d', '1d', 'accepted'),
])
def test_within_counts_the_slots_it_spans_plus_a_late_run(within, every, verdict):
    value = policy(tier(rpo=every, retention={'last': 2, 'within': within}))
    if verdict == 'accepted':
        assert dr_policy(value)
    else:
        assert "keeps up to %d snapshots per disk (snapshot retention {last: 2, within: %s}, a snapshot every %s)" % (
            verdict, within, every) in refused(value)


@pytest.mark.parametrize('retention, every, kept', [
    # the example policies before the limit: bronze, silver, gold and shop's bronze
    ({'last': 2, 'daily': 7, 'weekly': 4, 'monthly': 3}, 86400, 12),
    ({'last': 6, 'daily': 7, 'weekly': 4, 'monthly': 12}, 14400, 26),
    ({'last': 3, 'hourly': 24, 'daily': 7, 'weekly': 4}, 3600, 33),
    ({'last': 2, 'daily': 7}, 86400, 7),
    # last N and the periods that each hold one snapshot keep the same newest copies
    ({'last': 3, 'daily': 6}, 86400, 6),
    ({'hourly': 6, 'last': 2}, 7200, 6),
    # a day of 4-hourly snapshots can hold 6: every day beyond the newest adds one
    ({'daily': 6}, 14400, 6),
    ({'daily': 4, 'weekly': 3}, 86400, 6),
    ({'within': 86400}, 86400, 2),
])
def test_the_snapshots_a_retention_keeps_per_disk(retention, every, kept):
    assert snapshots_kept(normalize_retention(retention), every) == kept


@settings(max_examples=30, deadline=None)
@given(retention=st.fixed_dictionaries({
    'last': st.integers(0, 3), 'hourly': st.integers(0, 3), 'daily': st.integers(0, 3), 'weekly': st.integers(0, 2),
    'monthly': st.integers(0, 2), 'within': st.sampled_from([0, 1800, 3600, 7200, 86400])}),
    every=st.sampled_from([600, 3600, 5400, 7200, 14400, 86400, 172800]),
    lateness=st.lists(st.floats(0, 0.999), min_size=1, max_size=30))
@example(retention=dict(NONE, within=3600), every=3600, lateness=[0.99, 0.0])      # a late run, then an early one
@example(retention=dict(NONE, last=2, daily=2), every=14400, lateness=[0.0])      # days that hold 6 snapshots
@example(retention=dict(NONE, last=1, weekly=2, monthly=2), every=86400, lateness=[0.5])
def test_the_count_is_never_below_what_the_retention_really_keeps(retention, every, lateness):
    """The attack: one snapshot per slot, each at any moment of its slot, pruned by the real
    retention after each; no disk ever holds more than the count the check used."""
    if not any(retention.values()):
        retention['last'] = 1
    normalized = normalize_retention(retention)
    bound = snapshots_kept(normalized, every)
    slots = min(300, (70 * 86400) // every + 3)
    start = datetime.datetime(2026, 1, 1)
    copies, most = [], 0
    for slot in range(slots):
        taken = start + datetime.timedelta(seconds=slot * every + int(lateness[slot % len(lateness)] * every))
        copies.append({'id': 's%05d' % slot, 'status': 'available', 'created_at': format_time(taken),
                       'metadata': {'dp_evs_policy': 'shop', 'dp_evs_tier': 't1'}})
        keep, _prune, _ignored = plan_one_disk(copies, normalized, taken, 'shop', 't1')
        copies = [row[0] for row in keep]
        most = max(most, len(copies))
    assert most <= bound


def test_snapshots_per_disk_is_a_policy_setting():
    old_bronze = tier(retention={'last': 2, 'daily': 7, 'weekly': 4, 'monthly': 3})
    assert "more than the 7 manual snapshots" in refused(policy(old_bronze))
    assert dr_policy(policy(old_bronze, snapshots_per_disk=256))['snapshots_per_disk'] == 256
    assert "13, more than the 12 manual snapshots" in refused(policy(old_bronze, snapshots_per_disk=12))
    for wrong in (True, 1, '7', 2.5):
        assert 'snapshots_per_disk must be a whole number of 2 or more' in refused(policy(tier(), snapshots_per_disk=wrong))


def test_snapshot_retention_keeps_the_snapshots_and_retention_the_backups():
    silver = tier('silver', failure='az', rpo='4h', snapshot_retention={'last': 6},
                  retention={'last': 6, 'daily': 7, 'weekly': 4, 'monthly': 12})
    checked = dr_policy(policy(silver))['tiers'][0]
    assert checked['mechanisms'] == ['snapshot', 'backup']
    assert checked['snapshot_retention'] == dict(normalize_retention({'last': 6}))
    assert checked['retention']['monthly'] == 12
    assert checked['backup']['cbr']['long_term_retention']['month_backups'] == 12
    # without it the long retention would be the snapshots' too
    assert "tier 'silver' keeps up to 26 snapshots per disk" in refused(policy(dict(silver, snapshot_retention=None)))


def test_snapshot_retention_decides_the_default_snapshot_interval():
    gold = tier('gold', failure='az', rpo=0, secondary_az='eu-de-02', mechanisms=['snapshot', 'backup', 'replication'],
                snapshot_retention={'hourly': 6}, retention={'daily': 7, 'weekly': 4})
    checked = dr_policy(policy(gold))['tiers'][0]
    assert (checked['snapshot_every'], checked['backup']['every']) == (3600, 86400)


@pytest.mark.parametrize('overrides, reason', [
    ({}, "tier 't1' keeps no backups, so its retention is the retention of its snapshots; leave out "
         "snapshot_retention"),
    ({'failure': 'az', 'mechanisms': ['backup']}, "tier 't1' takes no snapshots (its mechanisms are backup); leave "
                                                  "out snapshot_retention"),
    ({'failure': 'az', 'snapshot_retention': {'last': 'many'}}, 'snapshot_retention.last must be a whole number'),
])
def test_a_snapshot_retention_that_means_nothing_or_is_wrong_is_refused(overrides, reason):
    value = dict(tier(snapshot_retention={'last': 2}), **overrides)
    assert reason in refused(policy(value))
