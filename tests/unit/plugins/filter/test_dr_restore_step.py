# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The restore role's step after the plan: create, write, or nothing; never an overwrite without
the confirmation, never a detach without restore_detach, never someone else's disk taken for an
earlier restore."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_plan import dr_restore_plan
from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_step import FilterModule, dr_restore_step

DISK = {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-02', 'status': 'in-use',
        'attachments': [{'server_id': 'srv1', 'device': '/dev/vdb'}, {'server_id': 'srv2', 'device': '/dev/vdc'}]}
DETACHED = dict(DISK, status='available', attachments=[])
SNAPS = [{'id': 's1', 'name': 'snap-01', 'status': 'available', 'created_at': '2026-11-20T01:00:00.000000'}]
NOW = '2026-11-20T10:00:00Z'
RESTORED = {'id': 'n1', 'name': 'db01-restored-20261120T0100Z', 'availability_zone': 'eu-de-02',
            'metadata': {'dp_evs_restored_from': 's1'}}
FOREIGN = {'id': 'n2', 'name': 'db01-restored-20261120T0100Z', 'availability_zone': 'eu-de-02', 'metadata': {}}


def plan_for(disk, target, request_id=None):
    return dr_restore_plan(disk, snapshots=SNAPS, now=NOW, zones={'eu-de-02': True}, target=target,
                           request_id=request_id)


def recorded(disk, request_id):
    """The disk after request ``request_id`` rolled s1 back onto it (the module's record)."""
    return dict(disk, metadata={'dp_evs_rollback_snapshot_id': 's1', 'dp_evs_rollback_request_id': request_id,
                                'dp_evs_rollback_at': '2026-11-20T09:00:00Z'})


# disk, target, existing, confirm, detach -> create, write, needs_detach, done, refusal (which and its words)
@pytest.mark.parametrize('disk, target, existing, confirm, detach, expected, refusal', [
    (DISK, 'new', [], False, False, (True, False, False, True), None),
    # a run repeated after success: the disk it made is found, nothing to do
    (DISK, 'new', [RESTORED], False, False, (False, False, False, True), None),
    # the name taken by a disk no restore made
    (DISK, 'new', [FOREIGN], True, True, (False, False, False, True),
     ('name_taken', 'a disk named db01-restored-20261120T0100Z exists and was not made by a restore')),
    (DISK, 'new', [RESTORED, FOREIGN], True, True, (False, False, False, True), ('name_taken', 'choose another name')),
    # overwrite: only confirmed, only detached with restore_detach
    (DETACHED, 'original', None, True, False, (False, True, False, True), None),
    (DETACHED, 'original', None, False, False, (False, False, False, False),
     ('unconfirmed', 'restoring disk db01 onto itself from snapshot snap-01 overwrites what it holds now and needs '
                     'restore_confirm=true (it is False)')),
    (DISK, 'original', None, 'flase', True, (False, False, False, False), ('unconfirmed', '(it is flase)')),
    (DISK, 'original', None, 'true', False, (False, True, True, True),
     ('attached', 'disk db01 is attached to srv1 at /dev/vdb, srv2 at /dev/vdc; the cloud writes a snapshot back only '
                  'onto a detached disk: set restore_detach=true')),
    (DISK, 'original', None, True, 'yes', (False, True, True, True), None),
    # existing disks do not count for an overwrite
    (DETACHED, 'original', [FOREIGN], True, False, (False, True, False, True), None),
])
def test_the_step_table(disk, target, existing, confirm, detach, expected, refusal):
    step = dr_restore_step(plan_for(disk, target, 'CHG-1'), disk, existing=existing, confirm=confirm, detach=detach)
    assert (step['create'], step['write'], step['needs_detach'], step['done']) == expected
    refusals = dict((key, step[key]) for key in ('name_taken', 'unconfirmed', 'attached') if step[key] is not None)
    if refusal is None:
        assert refusals == {}
    else:
        assert list(refusals) == [refusal[0]] and refusal[1] in refusals[refusal[0]]
        assert refusals[refusal[0]].endswith('; nothing was changed')


def test_a_request_already_written_is_done_and_needs_no_confirmation():
    disk = recorded(DISK, 'CHG-1')
    step = dr_restore_step(plan_for(disk, 'original', 'CHG-1'), disk, confirm=False, request_id='CHG-1')
    assert (step['needs_detach'], step['done'], step['unconfirmed'], step['attached']) == (False, True, None, None)
    assert 'already done, request CHG-1 wrote this copy onto it; nothing to do' in step['summary']


# A plan run repeated after it recovered must not be taken as a new proof: the step says when an
# earlier run brought this copy back already (its new disk, or the disk's record of this request).
@pytest.mark.parametrize('disk, target, existing, confirm, already_done', [
    (DISK, 'new', [], True, False),
    (DISK, 'new', [RESTORED], False, True),
    (DISK, 'new', [RESTORED, FOREIGN], True, False),
    (DETACHED, 'original', None, True, False),
    (recorded(DETACHED, 'CHG-1'), 'original', None, False, True),
    (recorded(DETACHED, 'CHG-0'), 'original', None, True, False),
])
def test_the_step_says_when_an_earlier_run_brought_the_copy_back(disk, target, existing, confirm, already_done):
    step = dr_restore_step(plan_for(disk, target, 'CHG-1'), disk, existing=existing, confirm=confirm, request_id='CHG-1')
    assert step['already_done'] is already_done


@pytest.mark.parametrize('target, existing, confirm, words', [
    ('new', [], False, 'into a new disk db01-restored-20261120T0100Z in eu-de-02; the original is untouched.'),
    ('new', [RESTORED], False, 'already done: disk db01-restored-20261120T0100Z in eu-de-02 was restored from s1; '
                               'nothing to do.'),
    ('original', None, True, 'onto the original disk by snapshot rollback, overwriting what it holds now.'),
    ('original', None, False, 'which would overwrite what it holds now; NOT DONE: restore_confirm is not true.'),
])
def test_the_summary_says_what_happens(target, existing, confirm, words):
    step = dr_restore_step(plan_for(DETACHED, target, 'CHG-1'), DETACHED, existing=existing, confirm=confirm)
    assert step['summary'].startswith(
        'restore disk db01 (d1, eu-de-02) from snapshot snap-01 (evs) taken 2026-11-20T01:00:00Z, the newest usable '
        'copy at or before 2026-11-20T10:00:00Z (32400 s old), ')
    assert words + ' no backup: disk db01 (backups) has no available copy to restore from' in step['summary']


@pytest.mark.parametrize('plan, disk', [
    ({'refused': 'no copy'}, DISK),
    ('plan', DISK),
    (None, DISK),
    (dict(plan_for(DISK, 'new'), target='elsewhere'), DISK),
    (plan_for(DISK, 'new'), {'name': 'db01'}),
    (plan_for(DISK, 'original', 'CHG-1'), dict(DISK, attachments='srv1')),
])
def test_what_is_not_a_plan_and_its_disk_is_refused(plan, disk):
    with pytest.raises(AnsibleFilterError):
        dr_restore_step(plan, disk)
    assert list(FilterModule().filters()['dr_restore_step'](plan, disk, errors='return')) == ['refused']
