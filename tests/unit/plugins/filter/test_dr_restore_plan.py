# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_plan import dr_restore_plan

DISK = {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-02'}
UP = {'eu-de-01': True, 'eu-de-02': True, 'eu-de-03': True}
DOWN = {'eu-de-01': True, 'eu-de-02': False, 'eu-de-03': True}
SNAPS = [
    {'id': 's1', 'name': 'snap-01', 'status': 'available', 'created_at': '2026-11-20T01:00:00.000000'},
    {'id': 's3', 'name': 'snap-03', 'status': 'available', 'created_at': '2026-11-20T03:00:00.000000'},
]
BACKUPS = [
    {'id': 'b2', 'name': 'bk-02', 'status': 'available', 'disk_id': 'd1', 'backend': 'cbr',
     'created_at': '2026-11-20T02:00:00Z'},
    {'id': 'b3', 'name': 'bk-03', 'status': 'available', 'disk_id': 'd1', 'backend': 'cbr',
     'created_at': '2026-11-20T03:01:00Z'},
    {'id': 'x9', 'name': 'other-disk', 'status': 'available', 'disk_id': 'd2', 'backend': 'cbr',
     'created_at': '2026-11-20T09:00:00Z'},
]
NOW = '2026-11-20T10:00:00Z'


def plan(**kwargs):
    args = dict(snapshots=SNAPS, backups=BACKUPS, now=NOW, zones=UP)
    args.update(kwargs)
    return dr_restore_plan(DISK, **args)


@pytest.mark.parametrize('before, window, mechanism, copy', [
    ('2026-11-20T01:30:00Z', 0, 'snapshot', 's1'),     # only the snapshot is old enough
    ('2026-11-20T02:30:00Z', 0, 'backup', 'b2'),       # the backup is newer
    ('2026-11-20T03:30:00Z', 0, 'backup', 'b3'),       # a minute newer, no window: the newer wins
    ('2026-11-20T03:30:00Z', 60, 'snapshot', 's3'),    # within the window: the same point, snapshot
    (None, 300, 'snapshot', 's3'),                     # the cloud's now
])
def test_auto_takes_the_newest_copy_across_mechanisms(before, window, mechanism, copy):
    result = plan(before=before, same_time_window=window)
    assert (result['mechanism'], result['source_copy']['id']) == (mechanism, copy)
    assert result['availability_zone'] == 'eu-de-02'
    assert result['action'] == 'create_from_' + mechanism


@pytest.mark.parametrize('source, option, copy', [('snapshot', 'snapshot', 's3'), ('backup', 'backup', 'b3')])
def test_a_new_disk_comes_from_the_disk_modules_option_of_the_copys_mechanism(source, option, copy):
    assert plan(source=source)['new_disk_from'] == {option: copy}
    assert 'new_disk_from' not in plan(source=source, target='original')


def test_backups_of_other_disks_never_count():
    assert plan(source='backup')['source_copy']['id'] == 'b3'


def test_the_age_of_the_copy_is_on_the_cloud_clock_and_the_name_carries_its_time():
    result = plan(before='2026-11-20T01:30:00Z')
    assert result['copy_age_seconds'] == 9 * 3600
    assert result['new_disk_name'] == 'db01-restored-20261120T0100Z'
    assert plan(new_disk_name='mine')['new_disk_name'] == 'mine'


def test_zone_down_a_backup_goes_into_another_zone_and_says_so():
    result = plan(zones=DOWN, same_time_window=300)
    assert (result['mechanism'], result['source_copy']['id'], result['availability_zone']) == ('backup', 'b3', 'eu-de-01')
    assert result['disk_zone_up'] is False
    assert any('eu-de-02, which is unavailable' in note for note in result['notes'])
    assert any('the new disk goes to eu-de-01' in note for note in result['notes'])
    assert plan(zones=DOWN, new_disk_availability_zone='eu-de-03')['availability_zone'] == 'eu-de-03'


def test_zone_down_without_a_backup_says_what_would_have_helped():
    with pytest.raises(AnsibleFilterError) as failure:
        plan(zones=DOWN, backups=[])
    message = str(failure.value)
    assert 'its snapshots live in eu-de-02, which is unavailable' in message
    assert 'a backup (CBR/VBS' in message and 'replication (SDRS)' in message and 'failover playbook' in message
    with pytest.raises(AnsibleFilterError, match='a backup can restore into another zone: use restore_source=backup or auto'):
        plan(zones=DOWN, source='snapshot')


def test_zone_down_nothing_is_written_onto_the_original():
    with pytest.raises(AnsibleFilterError, match='in eu-de-02, which is unavailable: nothing can be written onto it'):
        plan(zones=DOWN, target='original')


def test_a_snapshot_only_becomes_a_disk_in_its_zone():
    with pytest.raises(AnsibleFilterError, match='a snapshot can only become a disk in its own zone eu-de-02, not eu-de-01'):
        plan(source='snapshot', new_disk_availability_zone='eu-de-01')
    result = plan(new_disk_availability_zone='eu-de-01', same_time_window=300)
    assert (result['mechanism'], result['availability_zone']) == ('backup', 'eu-de-01')


def test_onto_the_original():
    assert plan(target='original', same_time_window=300)['action'] == 'rollback'
    result = plan(target='original', source='backup', new_disk_availability_zone='eu-de-01')
    assert (result['action'], result['availability_zone']) == ('backup_restore', 'eu-de-02')


@pytest.mark.parametrize('kwargs, message', [
    ({'source': 'replication'}, 'run the failover playbook'),
    ({'source': 'tape'}, 'must be one of auto, snapshot, backup, replication'),
    ({'target': 'elsewhere'}, 'must be new or original'),
    ({'same_time_window': -1}, 'same_time_window must be a number of seconds'),
    ({'new_disk_availability_zone': 'eu-de-09'}, 'the region has the availability zones eu-de-01, eu-de-02, eu-de-03'),
    ({'zones': DOWN, 'new_disk_availability_zone': 'eu-de-02'}, 'eu-de-02: that availability zone is unavailable'),
    ({'before': '2026-11-19T00:00:00Z'}, 'cannot be restored from a copy at or before 2026-11-19T00:00:00Z'),
    ({'snapshots': 'nope'}, 'the snapshots must be a list of dicts'),
])
def test_refusals_say_why(kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message.replace('(', r'\(')):
        plan(**kwargs)


def test_no_copy_before_the_point_names_the_oldest_of_each():
    with pytest.raises(AnsibleFilterError) as failure:
        plan(before='2026-11-19T00:00:00Z')
    assert 'the oldest is snap-01' in str(failure.value) and 'the oldest is bk-02' in str(failure.value)


def test_zones_the_cloud_does_not_list_are_taken_as_up():
    assert plan(zones={}, same_time_window=300)['mechanism'] == 'snapshot'
    with pytest.raises(AnsibleFilterError, match='with an id'):
        dr_restore_plan({'name': 'x'}, now=NOW)


def test_a_new_disk_keeps_the_disks_metadata_but_not_the_collections_bookkeeping():
    disk = dict(DISK, metadata={'tier': 'gold', 'app': 'shop', '__system__encrypted': '0',
                                'dp_evs_rollback_snapshot_id': 's0', 'dp_evs_drill': 'run1',
                                'dp_evs_restored_from': 'older', 'dp_evs_policy': 'shop'})
    result = dr_restore_plan(disk, snapshots=SNAPS, now=NOW, zones=UP, source='snapshot')
    assert result['new_disk_metadata'] == {'tier': 'gold', 'app': 'shop', 'dp_evs_restored_from': 's3'}
    assert 'record' not in result


@pytest.mark.parametrize('metadata, request_id, record', [
    ({}, None, 'restore'),                                                              # never restored
    ({'dp_evs_rollback_snapshot_id': 's1'}, None, 'restore'),                           # another copy
    ({'dp_evs_rollback_snapshot_id': 's3', 'dp_evs_rollback_request_id': 'INC-1'}, 'INC-1', 'done'),
    ({'dp_evs_rollback_snapshot_id': 's3', 'dp_evs_rollback_request_id': 'INC-1'}, 'INC-2', 'restore'),
    ({'dp_evs_restore_backup_id': 's3'}, None, 'restore'),                              # the other record
])
def test_onto_the_original_the_record_decides_only_with_the_same_request(metadata, request_id, record):
    disk = dict(DISK, metadata=metadata, status='available')
    result = dr_restore_plan(disk, snapshots=SNAPS, now=NOW, zones=UP, source='snapshot', target='original',
                             request_id=request_id)
    assert result['record'] == record and 'new_disk_metadata' not in result


def test_onto_the_original_a_repeat_without_a_request_id_is_refused_naming_the_role_variable():
    disk = dict(DISK, status='available', metadata={'dp_evs_restore_backup_id': 'b3', 'dp_evs_restore_at': '2026-11-20T04:00:00Z',
                                                    'dp_evs_restore_request_id': 'INC-1'})
    with pytest.raises(AnsibleFilterError, match=r"disk db01: backup bk-03 \(b3\) was already restored onto the disk at "
                       r"2026-11-20T04:00:00Z \(request_id INC-1\);.* set restore_request_id to that run's .* a new "
                       r"restore_request_id to restore it again; nothing was changed"):
        dr_restore_plan(disk, backups=BACKUPS, now=NOW, zones=UP, source='backup', target='original')
