# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a restore in another region from a disk's replicas there (the restore role with
restore_region), and the step dr_restore_step makes of it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_region_restore_plan import (
    FilterModule, dr_region_restore_plan)
from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_step import dr_restore_step

ZONES = {'eu-nl-01': False, 'eu-nl-02': True, 'eu-nl-03': True}
NOW = '2026-11-20T10:00:00Z'


def replica(replica_id, created, disk_id='d1', disk_name='db01', status='available', size=10):
    return {'id': replica_id, 'name': 'bk-' + replica_id, 'status': status, 'disk_id': disk_id,
            'disk_name': disk_name, 'size': size, 'availability_zone': 'eu-de-01', 'backend': 'cbr',
            'created_at': created, 'region': 'eu-nl', 'source_region': None, 'vault_id': 'v1'}


REPLICAS = [
    replica('r1', '2026-11-20T01:00:00Z'),
    replica('r2', '2026-11-20T04:00:00.000000'),
    replica('r3', '2026-11-20T09:00:00Z', status='protecting'),  # still being copied
    replica('x1', '2026-11-20T09:30:00Z', disk_id='d2', disk_name='db02'),
]
ONTO = {'id': 'n1', 'name': 'db01-nl', 'size': 10, 'availability_zone': 'eu-nl-02', 'status': 'available',
        'metadata': {}, 'attachments': []}


def plan(disk='db01', **kwargs):
    args = dict(replicas=REPLICAS, region='eu-nl', now=NOW, zones=ZONES)
    args.update(kwargs)
    return dr_region_restore_plan(disk, **args)


def test_the_newest_available_replica_goes_to_a_new_disk_in_the_first_zone_up():
    chosen = plan()
    assert chosen['source_copy']['id'] == 'r2'
    assert (chosen['mechanism'], chosen['action'], chosen['target']) == ('backup', 'create_from_backup', 'new')
    assert chosen['availability_zone'] == 'eu-nl-02'  # eu-nl-01 is down
    assert chosen['copy_age_seconds'] == 6 * 3600
    assert chosen['new_disk_name'] == 'db01-restored-20261120T0400Z'
    assert chosen['new_disk_metadata'] == {'dp_evs_restored_from': 'r2'}
    assert chosen['source_disk'] == {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-01', 'region': None}
    assert any('first available zone of eu-nl' in n for n in chosen['notes'])
    # by id the same; another disk's replicas never count
    assert plan('d1')['source_copy']['id'] == 'r2'
    assert plan('db02')['source_copy']['id'] == 'x1'


def test_a_replica_becomes_a_new_disk_as_a_backup_does():
    assert plan()['new_disk_from'] == {'backup': 'r2'}
    assert 'new_disk_from' not in plan(onto=ONTO)


def test_a_point_in_time_a_zone_and_a_name():
    chosen = plan(before='2026-11-20T03:00:00Z', new_disk_availability_zone='eu-nl-03', new_disk_name='db01-nl-new')
    assert (chosen['source_copy']['id'], chosen['availability_zone'], chosen['new_disk_name']) == (
        'r1', 'eu-nl-03', 'db01-nl-new')
    assert chosen['restore_before'] == '2026-11-20T03:00:00Z'
    assert chosen['copy_age_seconds'] == 9 * 3600


def test_onto_an_existing_disk_of_the_region_follows_the_disks_record():
    chosen = plan(onto=ONTO)
    assert (chosen['target'], chosen['action'], chosen['record']) == ('original', 'backup_restore', 'restore')
    assert chosen['availability_zone'] == 'eu-nl-02'
    recorded = dict(ONTO, metadata={'dp_evs_restore_backup_id': 'r2', 'dp_evs_restore_request_id': 'INC-1'})
    assert plan(onto=recorded, request_id='INC-1')['record'] == 'done'
    assert plan(onto=recorded, request_id='INC-2')['record'] == 'restore'
    with pytest.raises(AnsibleFilterError, match='restore_request_id'):
        plan(onto=recorded)


@pytest.mark.parametrize('kwargs, message', [
    (dict(replicas=[]), 'disk db01 has no replica in region eu-nl'),
    (dict(replicas=[REPLICAS[2]]), 'has no available copy'),
    (dict(before='2026-11-19T00:00:00Z'), 'no available copy at or before 2026-11-19T00:00:00Z; the oldest is bk-r1'),
    (dict(new_disk_availability_zone='eu-nl-01'), 'eu-nl-01: that availability zone is unavailable'),
    (dict(new_disk_availability_zone='eu-de-02'), 'region eu-nl has the availability zones eu-nl-01, eu-nl-02'),
    (dict(zones={'eu-nl-01': False}), 'no availability zone of region eu-nl is available'),
    (dict(onto=dict(ONTO, size=5)), 'disk db01-nl (5 GB) is smaller than the replica of disk db01 (10 GB)'),
    (dict(onto=dict(ONTO, availability_zone='eu-nl-01')), 'disk db01-nl is in eu-nl-01, which is unavailable'),
    (dict(onto='db01-nl'), 'the disk to write onto must be a dict with an id'),
    (dict(region=''), 'the region the replicas are in must be given'),
    (dict(now=None), 'give a point in time'),
    (dict(replicas=REPLICAS + [replica('y1', '2026-11-20T05:00:00Z', disk_id='d9')]),
     'replicas of 2 disks named db01 are there (d1, d9); give the disk id'),
])
def test_refusals(kwargs, message):
    with pytest.raises(AnsibleFilterError) as info:
        plan(**kwargs)
    assert message in str(info.value)


def test_a_disk_reference_must_be_text():
    with pytest.raises(AnsibleFilterError, match="the source disk's id or name"):
        dr_region_restore_plan({'id': 'd1'}, replicas=REPLICAS, region='eu-nl', now=NOW)


def test_errors_return_gives_the_refusal_as_a_value():
    as_ansible_calls_it = FilterModule().filters()['dr_region_restore_plan']
    refused = as_ansible_calls_it('db01', replicas=[], region='eu-nl', now=NOW, errors='return')
    assert 'no replica in region eu-nl' in refused['refused']


def test_the_step_of_a_region_plan_says_rpo_and_what_happens():
    chosen = plan()
    step = dr_restore_step(chosen, chosen['source_disk'], existing=[])
    assert step['create'] and not step['write'] and step['unconfirmed'] is None
    assert 'restore disk db01 (d1, of another region) in region eu-nl from replica bk-r2 (r2)' in step['summary']
    assert 'RPO achieved: the replica is 21600 s old' in step['summary']
    assert 'into a new disk db01-restored-20261120T0400Z in eu-nl-02' in step['summary']
    known = dict(chosen, source_disk=dict(chosen['source_disk'], region='eu-de'))
    assert 'restore disk db01 (d1, of region eu-de) in region eu-nl' in dr_restore_step(known, known['source_disk'])['summary']
    earlier = {'id': 'n9', 'name': chosen['new_disk_name'], 'availability_zone': 'eu-nl-02',
               'metadata': {'dp_evs_restored_from': 'r2'}}
    again = dr_restore_step(chosen, chosen['source_disk'], existing=[earlier])
    assert not again['create'] and 'already done' in again['summary']


def test_the_step_onto_a_disk_of_the_region_needs_the_confirmation_and_a_detached_disk():
    chosen = plan(onto=ONTO)
    unconfirmed = dr_restore_step(chosen, ONTO)
    assert not unconfirmed['write']
    assert unconfirmed['unconfirmed'].startswith(
        'restoring disk db01-nl (n1) of region eu-nl from replica bk-r2 overwrites what it holds now and needs '
        'restore_confirm=true')
    step = dr_restore_step(chosen, ONTO, confirm='true')
    assert step['write'] and step['unconfirmed'] is None and step['attached'] is None
    assert 'onto disk db01-nl (n1) of region eu-nl by backup restore, overwriting' in step['summary']
    attached = dict(ONTO, status='in-use', attachments=[{'server_id': 's1', 'device': '/dev/vdb'}])
    refused = dr_restore_step(plan(onto=attached), attached, confirm=True, detach=True)
    assert 'attached to s1 at /dev/vdb' in refused['attached'] and 'detach it first' in refused['attached']
