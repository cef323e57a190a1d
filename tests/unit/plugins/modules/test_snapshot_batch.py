# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_batch import SnapshotBatchModule


def _batch(disks, name='daily', **extra):
    return [dict({'disk': disk, 'name': name}, **extra) for disk in disks]


def _gets(cloud):
    return [r for r in cloud.requests if r.method == 'GET']


def test_create_many_then_noop_check_and_diff(cloud, run_module):
    disks = [cloud.add_volume('d%02d' % i) for i in range(3)]
    args = {'snapshots': _batch([d['name'] for d in disks], metadata={'dp_evs_policy': 'p'})}

    predicted = run_module(SnapshotBatchModule, args, check=True, diff=True)
    assert predicted['changed'] is True and cloud.mutating == []
    assert [r['action'] for r in predicted['snapshots']] == ['create'] * 3
    assert all(r['changed'] and r['snapshot']['status'] == 'available' for r in predicted['snapshots'])
    assert predicted['diff']['before'] == {}
    assert sorted(predicted['diff']['after']) == ["snapshot 'daily' of disk 'd%02d'" % i for i in range(3)]

    created = run_module(SnapshotBatchModule, args)
    assert created['changed'] is True
    assert [r['action'] for r in created['snapshots']] == [r['action'] for r in predicted['snapshots']]
    assert all(r['snapshot']['status'] == 'available' for r in created['snapshots'])
    assert sorted(r['snapshot']['volume_id'] for r in created['snapshots']) == sorted(d['id'] for d in disks)
    assert [r.method for r in cloud.mutating] == ['POST'] * 3
    assert all(sorted(r['snapshot']) == sorted(p['snapshot'])
               for r, p in zip(created['snapshots'], predicted['snapshots']))

    del cloud.requests[:]
    again = run_module(SnapshotBatchModule, args)
    assert again['changed'] is False and cloud.mutating == []
    assert [r['action'] for r in again['snapshots']] == ['none'] * 3


def test_many_disks_are_read_with_one_listing(cloud, run_module):
    count = READ_ONE_BY_ONE + 5
    disks = [cloud.add_volume('d%02d' % i) for i in range(count)]
    for disk in disks:
        cloud.add_snapshot(disk, 'daily')
    del cloud.requests[:]
    result = run_module(SnapshotBatchModule, {'snapshots': _batch([d['id'] for d in disks])})
    assert result['changed'] is False and cloud.mutating == []
    paths = [r.path for r in _gets(cloud)]
    # one listing of disks and of snapshots, not one lookup per disk
    assert not any('/volumes/' in p and not p.endswith('/detail') for p in paths)
    assert not any('/snapshots/' in p and not p.endswith('/detail') for p in paths)


def test_the_whole_batch_is_refused_before_any_request(cloud, run_module):
    cloud.add_volume('free')
    cloud.add_volume('busy', status='in-use')
    cloud.add_volume('broken', status='error')
    result = run_module(SnapshotBatchModule, {'snapshots': _batch(['free', 'busy', 'broken', 'gone'])})
    assert result['failed'] and cloud.mutating == []
    assert result['msg'].startswith('3 of 4 snapshots cannot be done, nothing was changed')
    assert "disk 'busy'" in result['msg'] and 'force: true' in result['msg']
    assert "disk 'broken'" in result['msg'] and 'the disk is error' in result['msg']
    assert "disk 'gone'" in result['msg'] and 'does not exist' in result['msg']


def test_bad_input_is_refused_before_any_request(cloud, run_module):
    result = run_module(SnapshotBatchModule, {'snapshots': [{'disk': 'a', 'name': ' '},
                                                            {'disk': 'b', 'name': 'autobk_snapshot_x'}]})
    assert result['failed'] and cloud.requests == []
    assert 'snapshots[0]: name must not be empty' in result['msg']
    assert 'snapshots[1]' in result['msg'] and 'reserved' in result['msg']
    twice = run_module(SnapshotBatchModule, {'snapshots': _batch(['a', 'a'])})
    assert twice['failed'] and cloud.requests == [] and 'both name' in twice['msg']


def test_a_failure_after_the_start_does_not_stop_the_others(cloud, run_module, monkeypatch):
    disks = [cloud.add_volume('d%d' % i) for i in range(3)]
    original = cloud.request

    def quota_after_the_first(method, url, *args, **kwargs):
        answer = original(method, url, *args, **kwargs)
        if method == 'POST' and url.endswith('/snapshots') and answer.status_code == 202:
            # another client takes the project's last snapshot quota, until the next snapshot asks
            cloud.add_fault(method='POST', path='/snapshots$', status=413, count=1, body={'overLimit': {
                'code': 'EVS.0005', 'message': 'Maximum number of snapshots allowed exceeded.', 'retryAfter': '0'}})
            monkeypatch.setattr(cloud, 'request', original)
        return answer

    monkeypatch.setattr(cloud, 'request', quota_after_the_first)
    result = run_module(SnapshotBatchModule, {'snapshots': _batch([d['name'] for d in disks])})
    assert result['failed'] and result['changed'] is True
    assert result['msg'].startswith('1 of 3 snapshots failed')
    assert "snapshot 'daily' of disk 'd1' cannot be created" in result['msg'] and 'EVS.0005' in result['msg']
    states = [(r['failed'], r['changed']) for r in result['snapshots']]
    assert states == [(False, True), (True, False), (False, True)]
    assert sorted(s['volume_id'] for s in cloud.snapshots(status='available')) == sorted(
        [disks[0]['id'], disks[2]['id']])


def test_creating_snapshot_is_waited_for_not_taken_again(cloud, run_module):
    disk = cloud.add_volume('d0')
    cloud.add_snapshot(disk, 'daily', takes=30)
    result = run_module(SnapshotBatchModule, {'snapshots': _batch(['d0'])})
    assert result['changed'] is False and cloud.mutating == []
    assert result['snapshots'][0]['action'] == 'wait' and result['snapshots'][0]['snapshot']['status'] == 'available'


def test_timeout_names_what_is_pending(cloud, run_module):
    disk = cloud.add_volume('d0')
    cloud.add_snapshot(disk, 'daily', takes=10 ** 6)
    result = run_module(SnapshotBatchModule, {'snapshots': _batch(['d0']), 'wait_timeout': 0})
    assert result['failed'] and cloud.mutating == []
    assert "waiting for 1 of 1 snapshots to become available: snapshot 'daily' of disk 'd0' (creating)" in result['msg']


def test_update_metadata_and_delete(cloud, run_module):
    disks = [cloud.add_volume('d%d' % i) for i in range(2)]
    snaps = [cloud.add_snapshot(d, 'daily', metadata={'keep': '1'}) for d in disks]
    updated = run_module(SnapshotBatchModule, {'snapshots': _batch(['d0', 'd1'], metadata={'new': 'x'})}, diff=True)
    assert updated['changed'] and all(cloud.snapshot(s['id'])['metadata'] == {'keep': '1', 'new': 'x'} for s in snaps)
    assert updated['diff']['before']["snapshot 'daily' of disk 'd0'"] == {'metadata': {'keep': '1'}}

    del cloud.requests[:]
    predicted = run_module(SnapshotBatchModule, {'state': 'absent', 'snapshots': [
        {'disk': 'd0', 'name': snaps[0]['id']}, {'disk': 'd1', 'name': 'daily'}, {'disk': 'nope', 'name': 'x'}]},
        check=True)
    assert cloud.mutating == [] and [r['action'] for r in predicted['snapshots']] == ['delete', 'delete', 'none']
    deleted = run_module(SnapshotBatchModule, {'state': 'absent', 'snapshots': [
        {'disk': 'd0', 'name': snaps[0]['id']}, {'disk': 'd1', 'name': 'daily'}, {'disk': 'nope', 'name': 'x'}]})
    assert deleted['changed'] and cloud.snapshots() == []
    assert [r.method for r in cloud.mutating] == ['DELETE', 'DELETE']


def test_a_snapshot_of_another_disk_is_never_deleted(cloud, run_module):
    mine = cloud.add_volume('mine')
    other = cloud.add_volume('other')
    theirs = cloud.add_snapshot(other, 'daily')
    cloud.add_snapshot(mine, 'other-name')
    result = run_module(SnapshotBatchModule, {'state': 'absent', 'snapshots': [{'disk': 'mine', 'name': theirs['id']}]})
    assert result['changed'] is False and cloud.mutating == [] and cloud.snapshot(theirs['id']) is not None


def test_disks_short_form_with_shared_options(cloud, run_module):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1', status='in-use')]
    result = run_module(SnapshotBatchModule, {'disks': ['d0', disks[1]['id']], 'name': 'pre', 'force': True,
                                              'metadata': {'change': 'CHG-1'}, 'description': 'before'})
    assert result['changed'] and [r['action'] for r in result['snapshots']] == ['create', 'create']
    assert [r.body['snapshot'] for r in cloud.mutating] == [
        {'volume_id': d['id'], 'name': 'pre', 'description': 'before', 'metadata': {'change': 'CHG-1'}, 'force': True}
        for d in disks]
    own = run_module(SnapshotBatchModule, {'snapshots': [{'disk': 'd0', 'name': 'pre', 'metadata': {'x': '1'}}],
                                           'metadata': {'change': 'CHG-1'}})
    assert own['snapshots'][0]['action'] == 'update' and own['snapshots'][0]['snapshot']['metadata'] == {
        'change': 'CHG-1', 'x': '1'}


def test_disks_needs_name_and_excludes_snapshots(cloud, run_module):
    assert 'name' in run_module(SnapshotBatchModule, {'disks': ['d0']})['msg']
    both = run_module(SnapshotBatchModule, {'disks': ['d0'], 'name': 'x', 'snapshots': [{'disk': 'd0', 'name': 'x'}]})
    assert both['failed'] and 'mutually exclusive' in both['msg'] and cloud.requests == []


OWNER = {'dp_evs_policy': 'db', 'dp_evs_tier': 'daily'}


def test_a_snapshot_of_the_name_that_the_owner_did_not_make_is_never_adopted(cloud, run_module):
    """The attack: a hand-made snapshot, and another policy's, named like the policy's next copy."""
    disks = [cloud.add_volume('d%d' % i) for i in range(3)]
    hand_made = cloud.add_snapshot(disks[0], 'db-daily-20261125T0000Z', metadata={'by': 'alice'})
    others = cloud.add_snapshot(disks[1], 'db-daily-20261125T0000Z',
                                metadata={'dp_evs_policy': 'db', 'dp_evs_tier': 'weekly'})
    args = {'disks': ['d0', 'd1', 'd2'], 'name': 'db-daily-20261125T0000Z', 'owner_metadata': OWNER}
    for check in (True, False):
        del cloud.requests[:]
        result = run_module(SnapshotBatchModule, args, check=check)
        assert result['failed'] and result['msg'].startswith('2 of 3 snapshots failed')
        assert ("snapshot 'db-daily-20261125T0000Z' of disk 'd0' was not made by its owner: it lacks the marks "
                "dp_evs_policy=db, dp_evs_tier=daily (it has no dp_evs_policy, no dp_evs_tier), so it is left "
                "untouched, never adopted, re-marked or deleted" in result['msg'])
        assert "it lacks the marks dp_evs_tier=daily (it has dp_evs_tier=weekly)" in result['msg']
        assert [(r['action'], r['failed']) for r in result['snapshots']] == [
            ('none', True), ('none', True), ('create', False)]
        # only the third disk's snapshot is taken, with the owner's marks; the others are untouched
        assert [(r.method, r.body['snapshot']['volume_id'], r.body['snapshot']['metadata']) for r in cloud.mutating] == (
            [] if check else [('POST', disks[2]['id'], OWNER)])
        assert cloud.snapshot(hand_made['id'])['metadata'] == {'by': 'alice'}
        assert cloud.snapshot(others['id'])['metadata']['dp_evs_tier'] == 'weekly'
    deleted = run_module(SnapshotBatchModule, {'state': 'absent', 'owner_metadata': OWNER, 'snapshots': [
        {'disk': 'd0', 'name': hand_made['id']}, {'disk': 'd1', 'name': others['id']}]})
    assert deleted['failed'] and cloud.snapshot(hand_made['id']) and cloud.snapshot(others['id'])
    assert not [r for r in cloud.mutating if r.method == 'DELETE']


def test_the_owners_own_snapshot_is_kept_updated_and_deleted(cloud, run_module):
    disk = cloud.add_volume('d0')
    own = cloud.add_snapshot(disk, 'db-daily-20261125T0000Z', metadata=dict(OWNER))
    again = run_module(SnapshotBatchModule, {'disks': ['d0'], 'name': own['name'], 'owner_metadata': OWNER})
    assert again['changed'] is False and cloud.mutating == []
    gone = run_module(SnapshotBatchModule, {'state': 'absent', 'snapshots': [
        {'disk': 'd0', 'name': own['id'], 'owner_metadata': OWNER}]})
    assert gone['changed'] and cloud.snapshot(own['id']) is None


def test_a_batch_that_gives_a_disk_more_than_7_snapshots_is_refused_before_any_request(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_volume('db02')
    for index in range(6):
        cloud.add_snapshot(disk, 'old%d' % index)
    args = {'snapshots': _batch(['db02', 'db01']) + _batch(['db01'], name='weekly')}
    refused = run_module(SnapshotBatchModule, args)
    assert refused['failed'] and cloud.mutating == []
    assert "disk 'db01' already has 6 snapshots and EVS allows at most 7 per disk" in refused['msg']
    assert 'this batch adds 2' in refused['msg'] and "'db02'" not in refused['msg']


def test_two_snapshots_of_one_disk_are_taken_one_after_the_other(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'running', takes=30)
    args = {'snapshots': _batch(['db01']) + _batch(['db01'], name='weekly')}
    refused = run_module(SnapshotBatchModule, dict(args, wait=False))
    assert refused['failed'] and cloud.mutating == []
    assert "snapshot 'running' of the disk is being created" in refused['msg']
    assert 'this batch takes another snapshot of the disk first' in refused['msg']
    # with wait (the default) each waits for the one before; the cloud refuses any overlap
    cloud.taking('snapshot.create', 30)
    created = run_module(SnapshotBatchModule, args)
    assert created['changed'] and [r['action'] for r in created['snapshots']] == ['create', 'create']
    assert [r.method for r in cloud.mutating] == ['POST', 'POST']
    assert all(not r['failed'] for r in created['snapshots'])
