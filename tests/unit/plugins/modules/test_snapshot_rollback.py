# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.modules.snapshot_rollback import (
    RECORD_AT, RECORD_ID, SnapshotRollbackModule)
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import FakeResponse


def test_rollback_records_and_rerun_is_unchanged(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'before-upgrade')
    args = {'disk': 'db01', 'snapshot': 'before-upgrade'}

    predicted = run_module(SnapshotRollbackModule, args, check=True, diff=True)
    assert predicted['changed'] and cloud.mutating == []
    assert predicted['disk']['metadata'][RECORD_ID] == snap['id']

    result = run_module(SnapshotRollbackModule, args, diff=True)
    assert result['changed'] and disk['content'] == snap['id']
    rollback, record = cloud.mutating
    assert rollback.path.endswith('/os-vendor-snapshots/%s/rollback' % snap['id'])
    assert rollback.body == {'rollback': {'volume_id': disk['id']}}
    # the record is written only after the disk is available again
    assert record.body == {'metadata': {RECORD_ID: snap['id'], RECORD_AT: '2026-11-25T10:00:00Z'}}
    assert result['rollback_at'] == '2026-11-25T10:00:00Z'
    assert result['disk']['metadata'][RECORD_ID] == snap['id'] and result['disk']['status'] == 'available'
    assert sorted(result['disk']) == sorted(predicted['disk'])
    assert result['diff'] == {
        'before': {'content_from_snapshot': None, 'metadata': {RECORD_ID: None, RECORD_AT: None}},
        'after': {'content_from_snapshot': snap['id'],
                  'metadata': {RECORD_ID: snap['id'], RECORD_AT: '2026-11-25T10:00:00Z'}}}
    assert predicted['diff']['after']['metadata'][RECORD_ID] == snap['id']

    del cloud.requests[:]
    again = run_module(SnapshotRollbackModule, args)
    assert again['changed'] is False and cloud.mutating == []
    assert again['rollback_at'] == '2026-11-25T10:00:00Z'

    forced = run_module(SnapshotRollbackModule, dict(args, force=True))
    assert forced['changed'] and len(cloud.mutating) == 2


def test_in_use_disk_refused_before_any_change(cloud, run_module):
    disk = cloud.add_volume('db01', status='in-use')
    cloud.add_snapshot(disk, 'daily')
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert result['failed']
    assert result['msg'] == "snapshot 'daily' of disk 'db01' cannot be rolled back: disk is in-use; detach it first"
    assert cloud.mutating == []


def test_snapshot_must_be_available(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily', status='creating')
    cloud.snapshots[list(cloud.snapshots)[0]]['status'] = 'error'
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert result['failed'] and 'the snapshot is error; it must be available' in result['msg']
    assert cloud.mutating == []


def test_snapshot_by_id_without_disk(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'daily')
    result = run_module(SnapshotRollbackModule, {'snapshot': snap['id']})
    assert result['changed'] and result['disk']['id'] == disk['id']


def test_snapshot_of_another_disk_not_found(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_volume('db02')
    cloud.add_snapshot(disk, 'daily')
    result = run_module(SnapshotRollbackModule, {'disk': 'db02', 'snapshot': 'daily'})
    assert result['failed'] and result['msg'] == "snapshot 'daily' of disk 'db02' not found"


def test_wait_false_records_the_accepted_rollback_so_a_rerun_does_not_repeat_it(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'daily')
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily', 'wait': False})
    assert result['changed'] and result['rollback_at'] == '2026-11-25T10:00:00Z'
    assert [r.path.rsplit('/', 1)[-1] for r in cloud.mutating] == ['rollback', 'metadata']
    assert disk['metadata'][RECORD_ID] == snap['id']

    again = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert not again['changed'] and len(cloud.mutating) == 2


def test_lost_rollback_answer_is_checked_on_the_disk(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'daily')

    def rollback_then_502(req):
        cloud.rollback(req, snap['id'])
        disk['_pending'] = 1  # still rolling back when the module looks
        return FakeResponse(502, text='bad gateway')

    cloud.fail_next.append(('POST', '/rollback$', rollback_then_502))
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert result['changed'] and not result['failed']
    assert len([r for r in cloud.mutating if r.path.endswith('/rollback')]) == 1
    assert disk['metadata'][RECORD_ID] == snap['id']
