# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.dataprotection.evs.plugins.modules.disk import DiskModule
from ansible_collections.dataprotection.evs.plugins.modules.disk_info import INFO as DiskInfoModule


def small_pages(monkeypatch):
    """The cloud answers lists in pages of 2 (Cinder's osapi_max_limit), so paging is exercised."""
    from evs_emulator.services import evs
    monkeypatch.setattr(evs, 'LIST_RULES', dataclasses.replace(evs.LIST_RULES, max_limit=2))


NEW = {'name': 'db01', 'availability_zone': 'eu-de-01', 'size': 10, 'volume_type': 'SSD',
       'metadata': {'backup': 'daily'}}


def test_create_check_idempotent_and_diff(cloud, run_module):
    predicted = run_module(DiskModule, NEW, check=True, diff=True)
    assert predicted['changed'] and cloud.mutating == []
    assert predicted['disk']['status'] == 'available' and predicted['disk']['size'] == 10
    assert predicted['diff']['after']['volume_type'] == 'SSD'
    created = run_module(DiskModule, NEW)
    assert created['changed'] and created['disk']['status'] == 'available'
    assert sorted(created['disk']) == sorted(predicted['disk'])
    assert cloud.mutating[0].body == {'volume': {
        'name': 'db01', 'availability_zone': 'eu-de-01', 'size': 10, 'volume_type': 'SSD',
        'metadata': {'backup': 'daily'}}}
    del cloud.requests[:]
    again = run_module(DiskModule, NEW)
    assert again['changed'] is False and cloud.mutating == []


def test_create_needs_az_and_size(cloud, run_module):
    result = run_module(DiskModule, {'name': 'db01'})
    assert result['failed'] and "disk 'db01' does not exist and cannot be created without availability_zone" \
        in result['msg'] and 'size' in result['msg']
    assert cloud.mutating == []


def test_create_from_snapshot_takes_its_size(cloud, run_module):
    source = cloud.add_volume('src', size=20)
    snap = cloud.add_snapshot(source, 'gold')
    result = run_module(DiskModule, {'name': 'copy', 'availability_zone': 'eu-de-01', 'snapshot': 'gold'})
    assert result['changed'] and cloud.mutating[0].body['volume']['snapshot_id'] == snap['id']
    assert cloud.mutating[0].body['volume']['size'] == 20
    small = run_module(DiskModule, {'name': 'copy2', 'availability_zone': 'eu-de-01', 'snapshot': 'gold', 'size': 5})
    assert small['failed'] and 'smaller than the 20 GB' in small['msg']


def test_resize_up_and_shrink_refused(cloud, run_module):
    disk = cloud.add_volume('db01', size=10)
    refused = run_module(DiskModule, {'name': 'db01', 'size': 5})
    assert refused['failed'] and 'cannot be shrunk from 10 GB to 5 GB' in refused['msg'] and cloud.mutating == []
    predicted = run_module(DiskModule, {'name': 'db01', 'size': 20}, check=True, diff=True)
    assert predicted['changed'] and predicted['disk']['size'] == 20 and cloud.mutating == []
    assert predicted['diff'] == {'before': {'size': 10}, 'after': {'size': 20}}
    grown = run_module(DiskModule, {'name': 'db01', 'size': 20})
    assert grown['changed'] and grown['disk']['size'] == 20 and grown['disk']['status'] == 'available'
    assert cloud.mutating[0].body == {'os-extend': {'new_size': 20}} and cloud.volume(disk['id'])['size'] == 20


def test_fixed_fields_cannot_change(cloud, run_module):
    cloud.add_volume('db01', az='eu-de-01')
    result = run_module(DiskModule, {'name': 'db01', 'availability_zone': 'eu-de-02'})
    assert result['failed'] and 'availability_zone is eu-de-01 and cannot be changed to eu-de-02' in result['msg']


def test_disks_sharing_a_name_are_told_apart_by_availability_zone(cloud, run_module):
    production = cloud.add_volume('app01', az='eu-de-01')
    dr_twin = cloud.add_volume('app01', az='eu-de-02')  # a replication pair's DR disk
    result = run_module(DiskModule, {'name': 'app01', 'availability_zone': 'eu-de-02', 'size': 10})
    assert not result['failed'] and not result['changed'] and result['disk']['id'] == dr_twin['id']
    ambiguous = run_module(DiskModule, {'name': 'app01', 'size': 10})
    assert ambiguous['failed'] and production['id'] in ambiguous['msg'] and dr_twin['id'] in ambiguous['msg']
    assert cloud.mutating == []


def test_unset_description_is_not_a_change(cloud, run_module):
    cloud.add_volume('db01')  # the cloud answers an unset description as ''
    assert run_module(DiskModule, {'name': 'db01', 'description': ''})['changed'] is False
    changed = run_module(DiskModule, {'name': 'db01', 'description': 'hello'})
    assert changed['changed'] and cloud.mutating[0].method == 'PUT'
    assert cloud.mutating[0].body == {'volume': {'description': 'hello'}}


def test_metadata_purge_keeps_system_keys(cloud, run_module):
    disk = cloud.add_volume('db01', metadata={'__system__encrypted': '0', 'old': '1'})
    result = run_module(DiskModule, {'name': 'db01', 'metadata': {'new': '2'}, 'purge_metadata': True})
    assert result['changed'] and cloud.volume(disk['id'])['metadata'] == {'__system__encrypted': '0', 'new': '2'}


def test_delete_refusals_and_cascade(cloud, run_module):
    attached = cloud.add_volume('attached', status='in-use')
    refused = run_module(DiskModule, {'name': 'attached', 'state': 'absent'})
    assert refused['failed'] and 'attached to server %s; detach it first' % attached['attachments'][0]['server_id'] \
        in refused['msg']
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.add_snapshot(disk, 'weekly')
    refused = run_module(DiskModule, {'name': 'db01', 'state': 'absent'})
    assert refused['failed'] and 'has 2 snapshot(s) (daily, weekly)' in refused['msg']
    assert 'delete_snapshots: true' in refused['msg'] and cloud.mutating == []
    deleted = run_module(DiskModule, {'name': 'db01', 'state': 'absent', 'delete_snapshots': True})
    assert deleted['changed'] and cloud.mutating[0].params == {'cascade': 'true'}
    assert cloud.volume(disk['id']) is None and cloud.snapshots() == []
    again = run_module(DiskModule, {'name': 'db01', 'state': 'absent'})
    assert again['changed'] is False


def test_size_out_of_range_sends_nothing(cloud, run_module):
    result = run_module(DiskModule, {'name': 'db01', 'size': 0})
    assert result['failed'] and 'size must be between 1 and 32768' in result['msg'] and cloud.requests == []


def test_disk_by_id(cloud, run_module):
    disk = cloud.add_volume('db01')
    result = run_module(DiskModule, {'name': disk['id']})
    assert result['disk']['id'] == disk['id'] and result['changed'] is False


def test_disk_info_filters_and_paging(cloud, run_module, monkeypatch):
    small_pages(monkeypatch)
    for i in range(5):
        cloud.add_volume('d%d' % i, az='eu-de-0%d' % (1 + i % 2), metadata={'backup': 'daily'} if i % 2 else {})
    everything = run_module(DiskInfoModule, {})
    assert len(everything['disks']) == 5 and everything['changed'] is False
    assert len([r for r in cloud.requests if r.path.endswith('/volumes/detail')]) == 3  # pages of 2 (above)
    daily = run_module(DiskInfoModule, {'metadata': {'backup': 'daily'}})
    assert sorted(d['name'] for d in daily['disks']) == ['d1', 'd3']
    zone = run_module(DiskInfoModule, {'availability_zone': 'eu-de-01', 'name': 'd2'})
    assert [d['name'] for d in zone['disks']] == ['d2']
    target = everything['disks'][0]
    by_id = run_module(DiskInfoModule, {'id': target['id']})
    assert [d['id'] for d in by_id['disks']] == [target['id']]
    assert run_module(DiskInfoModule, {'id': target['id'], 'status': 'in-use'})['disks'] == []
    assert cloud.mutating == []


def test_unknown_zone_and_type_refused_before_create(cloud, run_module):
    bad_zone = run_module(DiskModule, dict(NEW, availability_zone='eu-de-99'))
    assert bad_zone['failed'] and 'availability zone eu-de-99 does not exist (known: eu-de-01, eu-de-02, eu-de-03)' \
        in bad_zone['msg']
    cloud.admin('POST', '/outages', {'availability_zone': 'eu-de-03'})
    down = run_module(DiskModule, dict(NEW, availability_zone='eu-de-03'))
    assert down['failed'] and 'availability zone eu-de-03 is not available' in down['msg']
    bad_type = run_module(DiskModule, dict(NEW, volume_type='FLOPPY'))
    assert bad_type['failed'] and 'volume type FLOPPY does not exist (known: SAS, SATA, SSD)' in bad_type['msg']
    assert cloud.mutating == []


def test_zone_listing_not_offered_leaves_the_check_to_the_cloud(cloud, run_module):
    cloud.add_fault(method='GET', path='/os-availability-zone$', status=404,
                    body={'itemNotFound': {'message': 'not here', 'code': 404}})
    result = run_module(DiskModule, NEW)
    assert result['changed'] and len(cloud.mutating) == 1
    assert [r['status'] for r in cloud.logged(path='/os-availability-zone$')] == [404]


def test_info_returns_the_cloud_time(cloud, run_module):
    result = run_module(DiskInfoModule, {})
    assert result['cloud_time'] == '2026-11-25T10:00:00Z'


def test_a_disk_whose_only_snapshot_a_backup_left_is_deleted_with_it(cloud, run_module):
    disk = cloud.add_volume('db01')
    made = cloud.add_backup_snapshot(disk)
    planned = run_module(DiskModule, {'name': 'db01', 'state': 'absent'}, check=True)
    assert planned['changed'] and cloud.mutating == []
    deleted = run_module(DiskModule, {'name': 'db01', 'state': 'absent'})
    assert deleted['changed'] and [r.params for r in cloud.mutating] == [{'cascade': 'true'}]
    assert cloud.volume(disk['id']) is None and cloud.snapshot(made['id']) is None


def test_a_users_snapshot_still_refuses_the_delete_and_a_backups_is_not_named(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.add_backup_snapshot(disk)
    refused = run_module(DiskModule, {'name': 'db01', 'state': 'absent'})
    assert refused['failed'] and 'has 1 snapshot(s) (daily)' in refused['msg'] and cloud.mutating == []


def test_no_disk_is_made_from_the_snapshot_a_backup_left(cloud, run_module):
    disk = cloud.add_volume('db01')
    made = cloud.add_backup_snapshot(disk)
    refused = run_module(DiskModule, {'name': 'copy', 'snapshot': made['name'],
                                      'availability_zone': 'eu-de-01'})
    assert refused['failed'] and 'made by a backup' in refused['msg'] and cloud.mutating == []
