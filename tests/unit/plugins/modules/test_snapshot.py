# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.modules.snapshot import SnapshotModule
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_info import INFO as SnapshotInfoModule


def test_create_idempotent_check_and_diff(cloud, run_module):
    disk = cloud.add_volume('db01')
    args = {'disk': 'db01', 'name': 'daily', 'description': 'first', 'metadata': {'policy': 'daily'}}

    predicted = run_module(SnapshotModule, args, check=True, diff=True)
    assert predicted['changed'] is True and cloud.mutating == []
    assert predicted['snapshot']['status'] == 'available' and predicted['snapshot']['volume_id'] == disk['id']
    assert predicted['diff']['before'] == {} and predicted['diff']['after']['name'] == 'daily'

    created = run_module(SnapshotModule, args)
    assert created['changed'] is True and created['snapshot']['status'] == 'available'
    assert sorted(created['snapshot']) == sorted(predicted['snapshot'])
    post = list(cloud.mutating)
    assert len(post) == 1 and post[0].body == {'snapshot': {
        'volume_id': disk['id'], 'name': 'daily', 'description': 'first', 'metadata': {'policy': 'daily'},
        'force': False}}

    del cloud.requests[:]
    again = run_module(SnapshotModule, args)
    assert again['changed'] is False and cloud.mutating == []
    assert again['snapshot']['id'] == created['snapshot']['id']


def test_update_description_and_metadata_merge(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'daily', metadata={'keep': '1'})
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'metadata': {'new': 'x'}}, diff=True)
    assert result['changed'] and cloud.snapshot(snap['id'])['metadata'] == {'keep': '1', 'new': 'x'}
    assert result['diff'] == {'before': {'metadata': {'keep': '1'}}, 'after': {'metadata': {'keep': '1', 'new': 'x'}}}
    purge = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'metadata': {'new': 'x'},
                                        'purge_metadata': True})
    assert purge['changed'] and cloud.snapshot(snap['id'])['metadata'] == {'new': 'x'}


def test_in_use_disk_needs_force(cloud, run_module):
    cloud.add_volume('db01', status='in-use')
    refused = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert refused['failed'] and 'in-use' in refused['msg'] and 'force: true' in refused['msg']
    assert cloud.mutating == []
    forced = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'force': True})
    assert forced['changed'] and cloud.mutating[0].body['snapshot']['force'] is True


def test_unknown_disk(cloud, run_module):
    result = run_module(SnapshotModule, {'disk': 'nope', 'name': 'daily'})
    assert result['failed'] and result['msg'] == "disk 'nope' not found"
    absent = run_module(SnapshotModule, {'disk': 'nope', 'name': 'daily', 'state': 'absent'})
    assert absent['changed'] is False


def test_two_disks_with_one_name_is_a_clear_error(cloud, run_module):
    a = cloud.add_volume('db01')
    b = cloud.add_volume('db01')
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert result['failed'] and "2 disks are named 'db01'" in result['msg']
    assert a['id'] in result['msg'] and b['id'] in result['msg']


def test_delete_and_absent_again(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    predicted = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'state': 'absent'}, check=True)
    assert predicted['changed'] and cloud.mutating == []
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'state': 'absent'})
    assert result['changed'] and cloud.snapshots() == []
    again = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'state': 'absent'})
    assert again['changed'] is False and len(cloud.mutating) == 1


def test_delete_refused_in_wrong_status(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily', status='backing-up')  # e.g. while a backup is made of it
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'state': 'absent'})
    assert result['failed'] and result['msg'] == "snapshot 'daily' of disk 'db01' cannot be deleted: it is backing-up"
    assert cloud.mutating == []


def test_cloud_refusal_in_user_terms(cloud, run_module):
    cloud.add_volume('db01')
    cloud.add_fault(method='POST', path='/snapshots$', status=400, count=1,
                    body={'error': {'code': 'EVS.1034', 'message': 'snapshot quota exceeded'}})
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert result['failed']
    assert result['msg'] == "snapshot 'daily' of disk 'db01' cannot be created: snapshot quota exceeded"
    (refused,) = cloud.logged(method='POST', path='/snapshots$')
    assert result['error'] == {'status': 400, 'code': 'EVS.1034', 'message': 'snapshot quota exceeded',
                               'request_id': refused['request_id']}


def test_lost_create_answer_is_found_by_name_not_resent(cloud, run_module):
    disk = cloud.add_volume('db01')
    # the cloud creates the snapshot, then the connection closes before its answer
    cloud.add_fault(method='POST', path='/snapshots$', drop_answer=True, count=1)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert result['changed'] and not result['failed']
    assert len([r for r in cloud.mutating if r.path.endswith('/snapshots')]) == 1
    assert [r['status'] for r in cloud.logged(method='POST', path='/snapshots$')] == [0]  # done, answer lost
    assert len(cloud.snapshots(volume_id=disk['id'])) == 1


def test_bad_option_values_send_nothing(cloud, run_module):
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'description': 'x' * 256})
    assert result['failed'] and 'description is too long' in result['msg'] and cloud.requests == []
    reserved = run_module(SnapshotModule, {'disk': 'db01', 'name': 'autobk_snapshot_1'})
    assert reserved['failed'] and 'reserved' in reserved['msg'] and cloud.requests == []


def test_info_filters_and_sorts(cloud, run_module):
    disk = cloud.add_volume('db01')
    other = cloud.add_volume('db02')
    cloud.add_snapshot(disk, 'a', metadata={'policy': 'daily'})  # made in this order, a second apart
    cloud.add_snapshot(disk, 'c')
    cloud.add_snapshot(disk, 'b', metadata={'policy': 'daily'})
    cloud.add_snapshot(other, 'd', metadata={'policy': 'daily'})
    result = run_module(SnapshotInfoModule, {'disk': 'db01'})
    assert [s['name'] for s in result['snapshots']] == ['b', 'c', 'a'] and result['changed'] is False
    oldest = run_module(SnapshotInfoModule, {'disk': 'db01', 'sort': 'oldest_first', 'metadata': {'policy': 'daily'}})
    assert [s['name'] for s in oldest['snapshots']] == ['a', 'b']
    everything = run_module(SnapshotInfoModule, {'metadata': {'policy': 'daily'}})
    assert [s['name'] for s in everything['snapshots']] == ['d', 'b', 'a']
    assert cloud.mutating == []
    missing = run_module(SnapshotInfoModule, {'disk': 'nope'})
    assert missing['failed'] and "disk 'nope' not found" in missing['msg']


def test_empty_names_refused(cloud, run_module):
    for args in ({'disk': 'db01', 'name': ''}, {'disk': ' ', 'name': 'daily'}):
        result = run_module(SnapshotModule, args)
        assert result['failed'] and 'must not be empty' in result['msg']
    assert cloud.requests == []


def test_rerun_waits_for_a_snapshot_still_creating(cloud, run_module):
    disk = cloud.add_volume('db01')
    snap = cloud.add_snapshot(disk, 'slow', takes=30)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'slow'})
    assert result['changed'] is False and result['snapshot']['status'] == 'available'
    assert result['snapshot']['id'] == snap['id'] and cloud.mutating == []


def test_rerun_with_wait_false_reports_the_transitional_snapshot(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'slow', takes=30)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'slow', 'wait': False})
    assert result['changed'] is False and result['snapshot']['status'] == 'creating'


def test_absent_waits_for_a_snapshot_already_deleting(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.start_delete(cloud.add_snapshot(disk, 'old'), takes=20)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'old', 'state': 'absent'})
    assert result['changed'] is False and result['snapshot'] is None
    assert cloud.mutating == [] and cloud.snapshots() == []


def test_failure_after_an_accepted_change_reports_changed(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.add_fault(method='PUT', path='/metadata$', status=400, count=1,
                    body={'error': {'code': 'EVS.9999', 'message': 'metadata refused'}})
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'description': 'new',
                                         'metadata': {'a': 'b'}})
    assert result['failed'] and result['changed'] is True  # the description was updated
    assert result['msg'] == "snapshot 'daily' of disk 'db01' cannot be updated: metadata refused"


def test_failure_without_any_change_reports_unchanged(cloud, run_module):
    cloud.add_volume('db01', status='in-use')
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert result['failed'] and result['changed'] is False


def test_the_snapshot_a_backup_left_is_hidden_flagged_and_never_deleted(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'mine')
    made = cloud.add_backup_snapshot(disk)
    listed = run_module(SnapshotInfoModule, {'disk': 'db01'})
    assert [(s['name'], s['made_by_backup']) for s in listed['snapshots']] == [('mine', False)]
    everything = run_module(SnapshotInfoModule, {'disk': 'db01', 'include_backup_snapshots': True})
    assert [(s['name'], s['made_by_backup']) for s in everything['snapshots']] == [
        (made['name'], True), ('mine', False)]
    sent = len(cloud.requests)
    by_name = run_module(SnapshotModule, {'disk': 'db01', 'name': made['name'], 'state': 'absent'})
    assert by_name['failed'] and 'made by a backup' in by_name['msg'] and len(cloud.requests) == sent
    by_id = run_module(SnapshotModule, {'disk': 'db01', 'name': made['id'], 'state': 'absent'})
    assert by_id['failed'] and 'made by a backup' in by_id['msg'] and cloud.mutating == []
    assert cloud.snapshot(made['id']) is not None


def test_an_eighth_snapshot_of_a_disk_is_refused_before_any_request(cloud, run_module):
    disk = cloud.add_volume('db01')
    for index in range(7):
        cloud.add_snapshot(disk, 'old%d' % index)
    refused = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert refused['failed'] and cloud.mutating == []
    assert "disk 'db01' already has 7 snapshots and EVS allows at most 7 per disk" in refused['msg']


def test_snapshots_made_by_backups_do_not_count(cloud, run_module):
    disk = cloud.add_volume('db01')
    for index in range(6):
        cloud.add_snapshot(disk, 'old%d' % index)
    cloud.add_backup_snapshot(disk)
    created = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert created['changed'] and len(cloud.mutating) == 1


def test_a_snapshot_being_created_is_waited_for_first(cloud, run_module):
    disk = cloud.add_volume('db01')
    other = cloud.add_snapshot(disk, 'other', takes=30)
    created = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert created['changed'] and created['snapshot']['status'] == 'available'
    # the cloud refuses a second snapshot while one is creating: one POST, accepted
    posts = [r for r in cloud.mutating if r.method == 'POST']
    assert len(posts) == 1 and cloud.snapshot(other['id'])['status'] == 'available'
    assert [r['status'] for r in cloud.logged(method='POST', path='/snapshots$')] == [202, 202]  # setup's, ours


def test_without_wait_a_busy_disk_is_refused_before_any_request(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'other', takes=30)
    refused = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'wait': False})
    assert refused['failed'] and cloud.mutating == []
    assert "snapshot 'other' of the disk is being created" in refused['msg'] and 'wait: true' in refused['msg']
    busy = cloud.add_volume('db02', status='backing-up')
    refused = run_module(SnapshotModule, {'disk': busy['id'], 'name': 'daily', 'wait': False})
    assert refused['failed'] and 'the disk is backing-up' in refused['msg'] and cloud.mutating == []
