# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import ROLLBACK
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_rollback import SnapshotRollbackModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import drop_answer

RECORD_ID, RECORD_AT, RECORD_REQUEST = ROLLBACK.copy_key, ROLLBACK.at_key, ROLLBACK.request_key


def test_rollback_records_and_rerun_of_the_request_is_unchanged(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.write_disk(disk, {'0': 'before the upgrade'})
    snap = cloud.add_snapshot(disk, 'before-upgrade')
    cloud.write_disk(disk, {'0': 'upgraded'})
    args = {'disk': 'db01', 'snapshot': 'before-upgrade', 'request_id': 'CHG-1'}
    now = cloud.now()

    predicted = run_module(SnapshotRollbackModule, args, check=True, diff=True)
    assert predicted['changed'] and cloud.mutating == []
    assert predicted['disk']['metadata'][RECORD_ID] == snap['id']

    result = run_module(SnapshotRollbackModule, args, diff=True)
    assert result['changed'] and cloud.disk(disk) == {'0': 'before the upgrade'}
    rollback, record = cloud.mutating
    assert rollback.path.endswith('/os-vendor-snapshots/%s/rollback' % snap['id'])
    assert rollback.body == {'rollback': {'volume_id': disk['id']}}
    # the record is written only after the disk is available again
    marks = {RECORD_ID: snap['id'], RECORD_AT: now, RECORD_REQUEST: 'CHG-1'}
    assert record.body == {'metadata': marks}
    assert result['rollback_at'] == now
    assert result['disk']['metadata'][RECORD_ID] == snap['id'] and result['disk']['status'] == 'available'
    assert sorted(result['disk']) == sorted(predicted['disk'])
    assert result['diff'] == {
        'before': {'content_from_snapshot': None, 'metadata': {RECORD_ID: None, RECORD_AT: None, RECORD_REQUEST: None}},
        'after': {'content_from_snapshot': snap['id'], 'metadata': marks}}
    assert predicted['diff']['after']['metadata'][RECORD_ID] == snap['id']

    del cloud.requests[:]
    again = run_module(SnapshotRollbackModule, args)
    assert again['changed'] is False and cloud.mutating == []
    assert again['rollback_at'] == now

    forced = run_module(SnapshotRollbackModule, dict(args, force=True))
    assert forced['changed'] and len(cloud.mutating) == 2


def test_repeat_of_a_recorded_rollback_restores_under_a_new_request_and_is_refused_without_one(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.write_disk(disk, {'0': 'daily'})
    cloud.add_snapshot(disk, 'daily')
    args = {'disk': 'db01', 'snapshot': 'daily'}
    rolled_back_at = cloud.now()
    assert run_module(SnapshotRollbackModule, args)['changed']
    cloud.advance(60)
    cloud.write_disk(disk, {'0': 'written since'})
    del cloud.requests[:]

    for check in (True, False):
        refused = run_module(SnapshotRollbackModule, args, check=check)
        assert refused['failed'] and cloud.mutating == []
        assert refused['msg'] == (
            "snapshot 'daily' of disk 'db01' was already rolled back onto the disk at %s (without a "
            "request_id); the cloud cannot tell whether the disk was written since, so this run neither repeats nor "
            "skips it: set request_id to that run's to make a rerun of it a no-op, a new request_id (or force: true) "
            "to roll it back again; nothing was changed" % rolled_back_at)

    predicted = run_module(SnapshotRollbackModule, dict(args, request_id='INC-2'), check=True)
    assert predicted['changed'] and cloud.mutating == []
    again = run_module(SnapshotRollbackModule, dict(args, request_id='INC-2'))
    assert again['changed'] and cloud.disk(disk) == {'0': 'daily'}
    assert cloud.volume(disk['id'])['metadata'][RECORD_REQUEST] == 'INC-2'


def test_bad_request_id_refused_before_any_request(cloud, run_module):
    result = run_module(SnapshotRollbackModule, {'snapshot': 'daily', 'request_id': 'INC 1'})
    assert result['failed'] and result['msg'].startswith('request_id must be 1 to 128 letters')
    assert cloud.requests == []


def test_in_use_disk_refused_before_any_change(cloud, run_module):
    disk = cloud.add_volume('db01', status='in-use')
    cloud.add_snapshot(disk, 'daily')
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert result['failed']
    assert result['msg'] == "snapshot 'daily' of disk 'db01' cannot be rolled back: disk is in-use; detach it first"
    assert cloud.mutating == []


def test_snapshot_must_be_available(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily', status='error')
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
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily', 'wait': False, 'request_id': 'R'})
    assert result['changed'] and result['rollback_at'] == cloud.now()
    assert [r.path.rsplit('/', 1)[-1] for r in cloud.mutating] == ['rollback', 'metadata']
    assert cloud.volume(disk['id'])['metadata'][RECORD_ID] == snap['id']

    again = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily', 'request_id': 'R'})
    assert not again['changed'] and len(cloud.mutating) == 2


def test_lost_rollback_answer_is_checked_on_the_disk(cloud, run_module, monkeypatch):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'daily')
    cloud.taking('snapshot.rollback', 30)  # still rolling back when the module looks
    lost = drop_answer(cloud, monkeypatch, 'POST', '/rollback')
    result = run_module(SnapshotRollbackModule, {'disk': 'db01', 'snapshot': 'daily'})
    assert result['changed'] and not result['failed'] and lost['dropped'] == 1
    assert len([r for r in cloud.mutating if r.path.endswith('/rollback')]) == 1
    assert len(cloud.logged(method='POST', path='/rollback$')) == 1
    assert cloud.volume(disk['id'])['metadata'][RECORD_ID] == snap['id']
