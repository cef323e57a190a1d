# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The disks of a region tier, read from the replicas in its replication vault (the restore role
with restore_region_tier), while their own region is down."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_region_tier_disks import (
    FilterModule, dr_region_tier_disks)


def replica(replica_id, disk_id, created='2026-11-20T04:00:00Z'):
    return {'id': replica_id, 'name': 'bk-' + replica_id, 'status': 'available', 'disk_id': disk_id,
            'disk_name': 'name-' + str(disk_id), 'created_at': created, 'region': 'eu-nl'}


def test_each_source_disk_once_sorted():
    replicas = [replica('r1', 'd2'), replica('r2', 'd1'), replica('r3', 'd2', '2026-11-20T05:00:00Z')]
    assert dr_region_tier_disks(replicas, vault='db-region', region='eu-nl') == ['d1', 'd2']


@pytest.mark.parametrize('replicas', [[], None])
def test_an_empty_vault_is_refused(replicas):
    with pytest.raises(AnsibleFilterError, match='the replication vault db-region of region eu-nl holds no replica'):
        dr_region_tier_disks(replicas, vault='db-region', region='eu-nl')


def test_a_replica_without_its_source_disk_is_refused():
    with pytest.raises(AnsibleFilterError, match=r'do not record their source disk \(r2\)'):
        dr_region_tier_disks([replica('r1', 'd1'), replica('r2', None)], vault='db-region', region='eu-nl')


def test_errors_return_gives_the_refusal_as_a_value():
    as_ansible_calls_it = FilterModule().filters()['dr_region_tier_disks']
    refused = as_ansible_calls_it([], vault='db-region', region='eu-nl', errors='return')
    assert 'holds no replica' in refused['refused']
