# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    SDRS, domain_zones, with_group_state, with_instance_sides, with_pair_sides)

GROUP = {'id': 'g1', 'name': 'shop', 'status': 'protected', 'priority_station': 'source',
         'source_availability_zone': 'eu-de-01', 'target_availability_zone': 'eu-de-02'}


@pytest.mark.parametrize('status, station, production, dr, protection', [
    ('protected', 'source', 'eu-de-01', 'eu-de-02', 'enabled'),
    ('protected', 'target', 'eu-de-02', 'eu-de-01', 'enabled'),
    ('available', 'source', 'eu-de-01', 'eu-de-02', 'disabled'),
    ('failed-over', 'target', 'eu-de-02', 'eu-de-01', 'disabled'),
    ('error-reversing', 'source', 'eu-de-01', 'eu-de-02', 'enabled'),
])
def test_group_state_follows_priority_station(status, station, production, dr, protection):
    group = with_group_state(dict(GROUP, status=status, priority_station=station))
    assert (group['production_az'], group['dr_az'], group['protection']) == (production, dr, protection)
    assert with_group_state(None) is None


def test_pair_sides_and_attachment():
    pair = {'volume_ids': 'src,tgt', 'priority_station': 'source',
            'attachment': [{'protected_instance': 'i1', 'device': '/dev/vdb'}]}
    sides = with_pair_sides(pair)
    assert (sides['production_volume_id'], sides['dr_volume_id']) == ('src', 'tgt')
    assert (sides['protected_instance'], sides['device']) == ('i1', '/dev/vdb')
    flipped = with_pair_sides(dict(pair, priority_station='target', attachment=[]))
    assert (flipped['production_volume_id'], flipped['dr_volume_id']) == ('tgt', 'src')
    assert flipped['protected_instance'] is None and flipped['device'] is None
    assert with_pair_sides({'volume_ids': None})['dr_volume_id'] is None


def test_instance_sides():
    instance = {'source_server': 's', 'target_server': 't', 'priority_station': 'target'}
    assert (with_instance_sides(instance)['production_server'], with_instance_sides(instance)['dr_server']) == ('t', 's')


class FakeClient:
    def __init__(self, domains):
        self.domains = domains

    def get(self, service, path, params=None):
        assert (service, path) == ('sdrs', '/active-domains')
        return {'domains': self.domains}


DOMAINS = [{'id': 'd12', 'name': 'eu-de-01_eu-de-02', 'local_replication_cluster': {'availability_zone': 'eu-de-01'},
            'remote_replication_cluster': {'availability_zone': 'eu-de-02'}},
           {'id': 'd13', 'name': 'eu-de-01_eu-de-03', 'local_replication_cluster': {'availability_zone': 'eu-de-01'},
            'remote_replication_cluster': {'availability_zone': 'eu-de-03'}}]


def test_domain_by_zones_either_order_or_by_name():
    sdrs = SDRS(FakeClient(DOMAINS))
    assert sdrs.find_domain(None, ['eu-de-02', 'eu-de-01'])['id'] == 'd12'
    assert sdrs.find_domain('eu-de-01_eu-de-03', ['eu-de-03', 'eu-de-01'])['id'] == 'd13'
    assert domain_zones(DOMAINS[0]) == set(['eu-de-01', 'eu-de-02'])


@pytest.mark.parametrize('name, zones, text', [
    (None, ['eu-de-02', 'eu-de-03'], 'not the two zones of one active-active domain'),
    ('nope', ['eu-de-01', 'eu-de-02'], "active-active domain 'nope' not found"),
    ('d13', ['eu-de-01', 'eu-de-02'], 'spans eu-de-01 and eu-de-03'),
])
def test_domain_refusals(name, zones, text):
    with pytest.raises(ResourceError) as failure:
        SDRS(FakeClient(DOMAINS)).find_domain(name, zones)
    assert text in failure.value.msg
