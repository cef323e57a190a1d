# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy filters: the mechanism mapping, every refusal with its reason, disk selection and
RPO slots."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_disks import dr_policy_disks
from ansible_collections.dataprotection.evs.plugins.filter.rpo_slot import rpo_slot
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import policy, refused
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter import policy_helpers

DOCS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'docs', 'policies')


BRONZE = {'name': 't1', 'retention': {'last': 2, 'daily': 5}, 'disks': {'metadata': {'tier': 'bronze'}}}


def tier(**overrides):
    """t1 keeps 2 snapshots and 5 dailies of the disks marked bronze."""
    return policy_helpers.tier(**dict(BRONZE, **overrides))


@pytest.mark.parametrize('overrides, mechanisms', [
    ({}, ['snapshot']),
    ({'failure': 'az', 'rpo': '4h'}, ['snapshot', 'backup']),
    ({'failure': 'az', 'rpo': '1h', 'rto': '2h'}, ['snapshot', 'backup']),
    ({'failure': 'az', 'rpo': 0, 'secondary_az': 'eu-de-02'}, ['snapshot', 'replication']),
    ({'failure': 'az', 'rpo': 0, 'retention': None, 'secondary_az': 'eu-de-02'}, ['replication']),
    ({'failure': 'az', 'rpo': '15m', 'secondary_az': 'eu-de-02'}, ['snapshot', 'replication']),
    ({'failure': 'az', 'rpo': '1d', 'rto': '30m', 'secondary_az': 'eu-de-02'}, ['snapshot', 'replication']),
    ({'failure': 'disk', 'rpo': 0, 'secondary_az': 'eu-de-02'}, ['snapshot', 'replication']),
    ({'failure': 'az', 'rpo': '1d', 'mechanisms': ['backup']}, ['backup']),
    ({'failure': 'az', 'rpo': '1d', 'mechanisms': ['snapshot', 'replication'], 'secondary_az': 'eu-de-02'},
     ['snapshot', 'replication']),
])
def test_tiers_map_onto_the_mechanisms_of_the_table(overrides, mechanisms):
    result = dr_policy(policy(tier(**overrides)))
    assert result['tiers'][0]['mechanisms'] == mechanisms
    assert sorted(result['tiers'][0]['mechanism_reasons']) == sorted(mechanisms)


def test_normalized_values():
    result = dr_policy(policy(tier(rpo='1h', rto=1800, disks={'names': 'db01'})))
    one = result['tiers'][0]
    assert (one['rpo'], one['rpo_text'], one['rto'], one['force']) == (3600, '1h', 1800, True)
    assert one['disks'] == {'metadata': {}, 'names': ['db01'], 'ids': [], 'all_disks': False}
    assert one['retention']['daily'] == 5 and one['retention']['within'] == 0


@pytest.mark.parametrize('overrides, reason', [
    ({'failure': 'region'}, "needs region_replication .* which needs destination_region"),
    ({'failure': 'region', 'destination_region': 'eu-nl', 'rpo': '1h'},
     'the minimum RPO of a tier with region_replication is 2h'),
    ({'failure': 'rack'}, 'failure must be disk .* or az'),
    ({'rpo': None}, 'rpo is missing'),
    ({'rpo': 'soon'}, 'rpo must be a number of seconds or a string like 15m'),
    ({'rpo': 0, 'mechanisms': ['snapshot']}, 'RPO 0 cannot be met with snapshot.*add replication'),
    ({'failure': 'az', 'mechanisms': ['snapshot']},
     'surviving the loss of an AZ cannot be met with snapshots only.*add backup'),
    ({'failure': 'az', 'rpo': '15m', 'mechanisms': ['backup']}, 'RPO 15m cannot be met with backups'),
    ({'failure': 'az', 'rpo': '30m', 'mechanisms': ['snapshot', 'backup']},
     'surviving the loss of an AZ with RPO 30m needs replication'),
    ({'failure': 'az', 'rpo': 0}, 'needs replication .* which needs secondary_az'),
    ({'failure': 'az', 'rpo': '15m'}, 'needs replication .* which needs secondary_az'),
    ({'retention': None}, 'retention is missing: snapshots keep point-in-time copies'),
    ({'retention': {'last': 0}}, 'keeps no copy'),
    ({'disks': None}, 'must say which disks the tier covers'),
    ({'disks': {}}, 'selects no disk'),
    ({'disks': {'tags': {'a': 'b'}}}, 'unknown keys tags'),
    ({'mechanisms': ['tape']}, 'unknown tape'),
    ({'mechanisms': []}, 'mechanisms is empty'),
    ({'force': 'yes'}, 'force must be true or false'),
    ({'schedule': 'daily'}, 'unknown keys schedule'),
    ({'name': 'bad name'}, "the name 'bad name' must be"),
])
def test_a_tier_that_cannot_be_met_is_refused_with_why_and_what_would(overrides, reason):
    message = refused(policy(tier(**overrides)))
    assert message.startswith('policy shop is refused, nothing was changed:')
    assert __import__('re').search(reason, message), message


def test_every_problem_is_listed_at_once():
    message = refused(policy(tier(failure='region'), tier(name='t1', rpo='x'), name='shop'))
    assert "tier 't1' is declared twice" in message
    assert message.count('\n  - ') == 3


@pytest.mark.parametrize('value, reason', [
    ('shop', 'must be a dict with name and tiers'),
    ({'name': 'shop'}, 'the policy has no tiers'),
    ({'name': 'shop', 'tiers': []}, 'the policy has no tiers'),
    ({'name': 'a b', 'tiers': [tier()]}, "the policy name 'a b' must be"),
    ({'name': 'shop', 'tiers': [tier()], 'owner': 'me'}, 'unknown keys owner'),
    ({'name': 'shop', 'tiers': ['t1']}, 'tier 1 must be a dict'),
])
def test_bad_policy_shapes_are_refused(value, reason):
    assert reason in refused(value)


DISKS = [
    {'id': 'id-db01', 'name': 'db01', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'gold'}},
    {'id': 'id-app01', 'name': 'app01', 'availability_zone': 'eu-de-02', 'metadata': {'tier': 'bronze'}},
    {'id': 'id-app02', 'name': 'app02', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'bronze', 'x': '1'}},
    {'id': 'id-dup-1', 'name': 'dup', 'availability_zone': 'eu-de-01', 'metadata': {}},
    {'id': 'id-dup-2', 'name': 'dup', 'availability_zone': 'eu-de-01', 'metadata': {}},
]


def test_disks_are_selected_by_metadata_names_and_ids():
    checked = dr_policy(policy(tier(disks={'metadata': {'tier': 'bronze'}, 'names': ['db01'], 'ids': ['id-dup-2']})))
    chosen = dr_policy_disks(DISKS, checked['tiers'][0], checked)
    assert [d['id'] for d in chosen] == ['id-app01', 'id-app02', 'id-db01', 'id-dup-2']
    checked = dr_policy(policy(tier(disks={'metadata': {'tier': 'bronze', 'x': 1}})))
    assert [d['id'] for d in dr_policy_disks(DISKS, checked['tiers'][0], checked)] == ['id-app02']


@pytest.mark.parametrize('disks, reason', [
    ({'names': ['db02']}, "names disk 'db02', which does not exist"),
    ({'names': ['dup']}, "2 disks have that name; list it under ids instead"),
    ({'ids': ['nope']}, 'lists disk id nope, which does not exist'),
])
def test_missing_or_ambiguous_disks_are_refused(disks, reason):
    checked = dr_policy(policy(tier(disks=disks)))
    with pytest.raises(AnsibleFilterError, match=reason):
        dr_policy_disks(DISKS, checked['tiers'][0], checked)


def test_a_secondary_az_too_far_or_the_same_is_refused():
    replicated = tier(failure='az', rpo=0, secondary_az='eu-de-far', disks={'names': ['db01']})
    checked = dr_policy(policy(replicated, az_distances_km={'eu-de-01/eu-de-far': 250}))
    with pytest.raises(AnsibleFilterError, match='is 250 km from secondary_az eu-de-far; replication reaches less than 100 km'):
        dr_policy_disks(DISKS, checked['tiers'][0], checked)
    checked = dr_policy(policy(dict(replicated, secondary_az='eu-de-01')))
    with pytest.raises(AnsibleFilterError, match="is in eu-de-01, the tier's secondary_az"):
        dr_policy_disks(DISKS, checked['tiers'][0], checked)
    checked = dr_policy(policy(dict(replicated, secondary_az='eu-de-02'), az_distances_km={'eu-de-02/eu-de-01': 30}))
    assert [d['name'] for d in dr_policy_disks(DISKS, checked['tiers'][0], checked)] == ['db01']


def test_rpo_slots():
    assert rpo_slot('2026-11-25T10:59:59Z', '1h') == {
        'start': '2026-11-25T10:00:00Z', 'stamp': '20261125T1000Z', 'end': '2026-11-25T11:00:00Z'}
    assert rpo_slot('2026-11-25T10:07:00Z', '15m')['stamp'] == '20261125T1000Z'
    assert rpo_slot('2026-11-25T23:00:00.123456', '1d')['start'] == '2026-11-25T00:00:00Z'
    with pytest.raises(AnsibleFilterError, match='rpo must be above 0'):
        rpo_slot('2026-11-25T10:00:00Z', 0)


def test_policy_and_tier_names_can_never_name_the_same_copies():
    """The attack: policy db tier prod-daily and policy db-prod tier daily both named their copies
    db-prod-daily-<slot>, so each adopted, re-marked and pruned the other's. A tier name has no '-'."""
    message = refused(policy(tier(name='prod-daily'), name='db'))
    assert "tier 1: the name 'prod-daily' must be 1 to 40 letters, digits or _ (no -" in message
    assert dr_policy(policy(tier(name='daily'), name='db-prod'))['tiers'][0]['name'] == 'daily'
    assert dr_policy(policy(tier(name='prod_daily'), name='db'))['tiers'][0]['name'] == 'prod_daily'
    # read from the right, <policy>-<tier>-<slot> gives back the one pair that made it
    from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import snapshot_name
    names = set(snapshot_name(p, t, '20261125T1000Z') for p, t in (('db-prod', 'daily'), ('db', 'prod_daily'),
                                                                   ('db', 'prod'), ('db-prod-daily', 'x')))
    assert len(names) == 4


@pytest.mark.parametrize('overrides, message', [
    ({'rpo': '30s'}, "tier 't1': RPO 30s is below 1m, the shortest RPO snapshots honour"),
    ({'rpo': 59}, "tier 't1': RPO 59s is below 1m"),
    ({'rpo': '1h', 'snapshot_every': '30s'}, "tier 't1'.snapshot_every 30s is below 1m, the shortest the policy "
                                             "honours"),
    ({'rpo': '30s', 'failure': 'az', 'secondary_az': 'eu-de-02'},
     "tier 't1': RPO 30s is kept by replication, but snapshots are taken at most once every 1m"),
])
def test_an_rpo_below_what_snapshot_names_can_tell_apart_is_refused(overrides, message):
    """The attack: rpo 30s was accepted, but slot names are to the minute, so one copy a minute was
    taken and the RPO silently doubled."""
    assert message in refused(policy(tier(**overrides)))


def test_the_shortest_rpo_and_slots_are_a_minute():
    assert dr_policy(policy(tier(rpo='1m')))['tiers'][0]['snapshot_every'] == 60
    assert dr_policy(policy(tier(rpo='90s')))['tiers'][0]['snapshot_every'] == 90
    assert dr_policy(policy(tier(rpo='30s', failure='az', secondary_az='eu-de-02', mechanisms=['replication'])))
    with pytest.raises(AnsibleFilterError, match='rpo 30s is below 1m, the shortest slot'):
        rpo_slot('2026-11-25T10:00:00Z', '30s')
    # slots of 90 s start in different minutes: their stamps never repeat
    stamps = [rpo_slot('2026-11-25T10:%02d:%02dZ' % divmod(k * 90, 60), '90s')['stamp'] for k in range(40)]
    assert len(set(stamps)) == len(stamps)


@settings(max_examples=200, deadline=None)
@given(seconds=st.integers(min_value=0, max_value=10 ** 9), rpo=st.sampled_from([60, 900, 3600, 86400, 7 * 86400, 5400]))
def test_a_moment_lies_in_its_slot(seconds, rpo):
    import datetime
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    slot = rpo_slot(moment.strftime('%Y-%m-%dT%H:%M:%SZ'), rpo)
    start = datetime.datetime.strptime(slot['start'], '%Y-%m-%dT%H:%M:%SZ')
    assert start <= moment < start + datetime.timedelta(seconds=rpo)


TIER_VALUES = st.fixed_dictionaries({
    'failure': st.sampled_from(['disk', 'az', 'region']),
    'rpo': st.sampled_from([0, '5m', '30m', '1h', '4h', '1d']),
    'rto': st.sampled_from([None, '10m', '2h']),
    'secondary_az': st.sampled_from([None, 'eu-de-02']),
    'mechanisms': st.sampled_from([None, ['snapshot'], ['backup'], ['replication'], ['snapshot', 'backup'],
                                   ['snapshot', 'replication']]),
})


@settings(max_examples=300, deadline=None)
@given(values=TIER_VALUES)
def test_an_accepted_tier_has_mechanisms_that_meet_it(values):
    try:
        checked = dr_policy(policy(tier(**values)))
    except AnsibleFilterError as exc:
        assert 'nothing was changed' in str(exc)
        return
    one = checked['tiers'][0]
    mechanisms = set(one['mechanisms'])
    assert one['failure'] in ('disk', 'az')
    if one['rpo'] == 0:
        assert 'replication' in mechanisms
    if one['failure'] == 'az':
        assert mechanisms & {'backup', 'replication'}
        if one['rpo'] < 3600:
            assert 'replication' in mechanisms
    if 'replication' in mechanisms:
        assert one['secondary_az']


@pytest.mark.parametrize('name', ['bronze.yml', 'silver.yml', 'gold.yml', 'shop.yml'])
def test_the_example_policies_in_the_docs_are_accepted(name):
    path = os.path.join(DOCS, name)
    if not os.path.exists(path):
        pytest.skip('%s not written yet' % name)
    with open(path) as handle:
        checked = dr_policy(yaml.safe_load(handle)['dr_policy'])
    assert checked['tiers']


def test_the_input_is_not_changed():
    value = policy(tier())
    before = copy.deepcopy(value)
    dr_policy(value)
    assert value == before


def test_targets_name_the_copy_due_in_the_slot_and_skip_disks_that_cannot_be_copied():
    from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_targets import dr_policy_targets
    disks = [dict(d, status='available') for d in DISKS]
    disks[1]['status'] = 'in-use'
    disks[2]['status'] = 'creating'
    gold = tier(name='gold', failure='az', rpo=0, secondary_az='eu-de-03', disks={'metadata': {'tier': 'gold'}},
                retention={'hourly': 6})
    checked = dr_policy(policy(tier(name='bronze', rpo='4h'), gold))
    targets = dr_policy_targets(disks, checked, '2026-11-25T10:30:00Z')
    assert [(t['tier'], t['disk_name'], t['name'], t['skip'] is None) for t in targets] == [
        ('bronze', 'app01', 'shop-bronze-20261125T0800Z', True),
        ('bronze', 'app02', 'shop-bronze-20261125T0800Z', False),
        ('gold', 'db01', 'shop-gold-20261125T1000Z', True),       # rpo 0 with hourly retention: hourly
    ]
    assert targets[0]['metadata'] == {'dp_evs_policy': 'shop', 'dp_evs_tier': 'bronze'}
    assert 'is creating' in targets[1]['skip']
    assert dr_policy_targets(disks, checked, '2026-11-25T10:30:00Z', 'replication')[0]['disk_name'] == 'db01'
    checked = dr_policy(policy(tier(force=False)))
    assert 'force: false' in dr_policy_targets(disks, checked, '2026-11-25T10:30:00Z')[0]['skip']


def test_snapshot_every_must_meet_the_rpo():
    assert dr_policy(policy(tier(rpo='1d', snapshot_every='6h')))['tiers'][0]['snapshot_every'] == 21600
    assert 'snapshots every 1d cannot meet RPO 1h' in refused(policy(tier(rpo='1h', snapshot_every='1d')))
