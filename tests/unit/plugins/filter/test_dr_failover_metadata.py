# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""After a failover the serving disks take the selection metadata of the disks they replace;
never the collection's bookkeeping, never a key the cloud sets, never across pairs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_metadata import dr_failover_metadata

PRODUCTION = {'id': 'p1', 'name': 'db01', 'availability_zone': 'eu-de-01',
              'metadata': {'tier': 'gold', 'app': 'shop', 'dp_evs_rollback_snapshot_id': 's1',
                           '__system__encrypted': '0'}}
DR = {'id': 'd1', 'name': 'db01-dr', 'availability_zone': 'eu-de-02', 'metadata': {'app': 'shop'}}
PAIR = {'name': 'pair-db01', 'volume_ids': 'p1,d1'}


def test_the_serving_disk_gets_the_selection_keys_it_lacks_and_nothing_else():
    assert dr_failover_metadata([PAIR], [PRODUCTION, DR], 'eu-de-02') == [
        {'disk': 'd1', 'name': 'db01-dr', 'metadata': {'tier': 'gold'}, 'from': 'db01', 'pair': 'pair-db01'}]


def test_a_serving_disk_that_already_carries_the_keys_needs_nothing():
    serving = dict(DR, metadata={'tier': 'gold', 'app': 'shop'})
    assert dr_failover_metadata([PAIR], [PRODUCTION, serving], 'eu-de-02') == []


def test_a_value_that_differs_is_set_to_the_replaced_disks():
    serving = dict(DR, metadata={'tier': 'bronze', 'app': 'shop'})
    assert dr_failover_metadata([PAIR], [PRODUCTION, serving], 'eu-de-02')[0]['metadata'] == {'tier': 'gold'}


@pytest.mark.parametrize('pairs, disks', [
    ([{'name': 'x', 'volume_ids': 'p1'}], [PRODUCTION, DR]),                     # one side only
    ([{'name': 'x', 'volume_ids': 'p1,other'}], [PRODUCTION, DR]),               # a disk not listed
    ([{'name': 'x', 'volume_ids': ['p1', 'd1']}], [PRODUCTION, DR]),             # not the API's text
    ([PAIR], [PRODUCTION, dict(DR, availability_zone='eu-de-01')]),             # both in one zone
    ([PAIR], [dict(PRODUCTION, id={'x': 1}), DR]),                               # an id that is not text
])
def test_a_pair_that_is_not_one_disk_per_zone_is_left_alone(pairs, disks):
    assert dr_failover_metadata(pairs, disks, 'eu-de-02') == []


@pytest.mark.parametrize('pairs, disks, serving_az', [
    ('p1,d1', [PRODUCTION, DR], 'eu-de-02'),
    ([PAIR], 'db01', 'eu-de-02'),
    ([PAIR], [PRODUCTION, DR], ''),
    ([PAIR], [PRODUCTION, DR], ['eu-de-02']),
])
def test_bad_arguments_are_refused(pairs, disks, serving_az):
    with pytest.raises(AnsibleFilterError):
        dr_failover_metadata(pairs, disks, serving_az)
