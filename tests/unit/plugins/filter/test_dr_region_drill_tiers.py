# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The region drill of a DR policy: which tiers, which of their disks, and with which connection
the destination region is reached."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.filter.dr_region_drill_tiers import FilterModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import checked, refused_by, tier

dr_region_drill_tiers = FilterModule().filters()['dr_region_drill_tiers']
DISKS = [{'id': 'd-db', 'name': 'db', 'metadata': {'tier': 'gold'}},
         {'id': 'd-web', 'name': 'web', 'metadata': {'tier': 'silver'}},
         {'id': 'd-logs', 'name': 'logs', 'metadata': {'tier': 'bronze'}}]


def region(name, destination='eu-nl'):
    return tier(name, failure='region', rpo='1d', destination_region=destination)


def test_each_region_tier_drills_the_disks_it_selects_in_its_destination_region():
    policy = checked(region('gold'), tier('silver'), region('bronze', 'eu-ch2'))
    plans = dr_region_drill_tiers(DISKS, policy)
    assert [(p['tier'], p['destination_region'], [d['name'] for d in p['disks']]) for p in plans] == [
        ('gold', 'eu-nl', ['db']), ('bronze', 'eu-ch2', ['logs'])]
    assert [p['destination'] for p in plans] == [{'region': 'eu-nl'}, {'region': 'eu-ch2'}]


def test_only_the_tiers_asked_for():
    policy = checked(region('gold'), region('bronze', 'eu-ch2'))
    assert [p['tier'] for p in dr_region_drill_tiers(DISKS, policy, tiers=['bronze'])] == ['bronze']


def test_the_connection_is_the_regions_own_else_the_drill_destination_of_that_region():
    policy = checked(region('gold'), region('bronze', 'eu-ch2'))
    plans = dr_region_drill_tiers(DISKS, policy, connections={'eu-ch2': {'cloud': 'otc-ch2'}},
                                  destination={'region': 'eu-nl', 'cloud': 'otc-nl'})
    assert [p['destination'] for p in plans] == [{'region': 'eu-nl', 'cloud': 'otc-nl'},
                                                 {'region': 'eu-ch2', 'cloud': 'otc-ch2'}]
    # a drill_region_destination of another region is not this tier's
    (plan,) = dr_region_drill_tiers(DISKS, policy, tiers=['bronze'], destination={'region': 'eu-nl', 'cloud': 'otc-nl'})
    assert plan['destination'] == {'region': 'eu-ch2'}


def test_a_policy_without_a_region_tier_is_refused():
    reason = refused_by(dr_region_drill_tiers, DISKS, checked(tier('silver')))
    assert 'no tier uses region_replication (failure: region)' in reason
    reason = refused_by(dr_region_drill_tiers, DISKS, checked(region('gold'), tier('silver')), tiers=['silver'])
    assert 'no tier of silver uses region_replication' in reason


def test_a_selection_the_policy_cannot_apply_is_refused():
    policy = checked(tier('gold', failure='region', rpo='1d', destination_region='eu-nl', disks={'names': ['nosuch']}))
    assert 'nosuch' in refused_by(dr_region_drill_tiers, DISKS, policy)


def test_an_unchecked_policy_is_refused_with_where_it_must_come_from():
    assert 'dr_policy filter' in refused_by(dr_region_drill_tiers, DISKS, {'name': 'shop', 'tiers': [{'name': 'x'}]})
