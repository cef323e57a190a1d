# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action engine (module_utils/action.py) through a minimal declaration of its own: the
order of its steps, the record, the refusals and check mode do not depend on a module's rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    ROLLBACK, request_id_argument_spec)
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_rollback import SnapshotRollbackModule

TRACE = []
#: the emulator of the running test: the traced reads note how many changes it has seen
CLOUD = []


class TracedRollback(SnapshotRollbackModule):
    """The rollback's record and result keys, with hooks of its own that note when the engine calls
    them, and a confirming option (the rollback module has none)."""

    argument_spec = dict(snapshot=dict(type='str', required=True), confirm=dict(type='bool', default=False),
                         **request_id_argument_spec())
    confirm_option = 'confirm'

    def find(self):
        snapshot = self.evs.find_snapshot(self.params['snapshot'], required=True)
        return snapshot, self.evs.get_volume(snapshot['volume_id'])

    def label(self, source, target):
        return "copy '%s'" % source['name']

    def check(self, label, source, target):
        TRACE.append('check')

    def start(self, source, target):
        TRACE.append('start')
        self.evs.rollback_snapshot(source['id'], target['id'])
        return 'started'

    def after_start(self, source, target, label, started):
        TRACE.append(('declare waits', started))

        def disk_now():
            TRACE.append(('read disk', len(CLOUD[0].mutating)))
            return self.evs.get_volume(target['id'])
        return [self.until_available('target', disk_now, 'disk of ' + label)]


def _run(run_module, cloud, args, **kwargs):
    del TRACE[:]
    del cloud.requests[:]
    CLOUD[:] = [cloud]
    return run_module(TracedRollback, dict({'snapshot': 'daily', 'confirm': True}, **args), **kwargs)


def _record(cloud, disk):
    return dict((k, v) for k, v in cloud.volume(disk['id'])['metadata'].items() if k.startswith('dp_evs_rollback'))


def test_the_declared_waits_run_after_the_start_and_the_record(cloud, run_module):
    disk = cloud.add_volume('db01')
    snapshot = cloud.add_snapshot(disk, 'daily')
    cloud.taking('snapshot.rollback', 30)
    result = _run(run_module, cloud, {'request_id': 'R1'})
    assert result['changed'] and result['disk']['status'] == 'available'
    assert TRACE[:3] == ['check', 'start', ('declare waits', 'started')]
    # the disk was read until the rollback ended (the emulator clock moves with the waits)
    # the record is written right after the accepted start, before the first wait read
    assert set(TRACE[3:]) == {('read disk', 2)} and len(TRACE[3:]) > 1
    rollback, record = cloud.mutating
    assert rollback.path.endswith('/rollback') and record.path.endswith('/metadata')
    assert _record(cloud, disk) == {ROLLBACK.copy_key: snapshot['id'], ROLLBACK.at_key: result['rollback_at'],
                                    ROLLBACK.request_key: 'R1'}


def test_without_wait_nothing_is_waited_for(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.taking('snapshot.rollback', 30)
    result = _run(run_module, cloud, {'request_id': 'R1', 'wait': False})
    assert result['changed'] and result['disk']['status'] == ROLLBACK.busy_status
    assert TRACE == ['check', 'start']


def test_a_recorded_request_is_a_no_op_and_a_running_one_is_waited_for_without_a_start(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.taking('snapshot.rollback', 30)
    first = _run(run_module, cloud, {'request_id': 'R1', 'wait': False})

    running = _run(run_module, cloud, {'request_id': 'R1'})
    assert running['changed'] is False and cloud.mutating == []
    assert TRACE[0] == ('declare waits', None) and 'start' not in TRACE and 'check' not in TRACE
    assert running['disk']['status'] == 'available' and running['rollback_at'] == first['rollback_at']

    done = _run(run_module, cloud, {'request_id': 'R1'})
    assert done['changed'] is False and cloud.mutating == [] and TRACE == []
    assert done['rollback_at'] == first['rollback_at']


def test_a_repeat_that_no_request_id_decides_is_refused_and_the_record_of_another_copy_is_not_a_no_op(
        cloud, run_module):
    disk = cloud.add_volume('db01')
    daily = cloud.add_snapshot(disk, 'daily')
    cloud.add_snapshot(disk, 'weekly')
    assert _run(run_module, cloud, {})['changed']
    for check in (True, False):
        refused = _run(run_module, cloud, {}, check=check)
        assert refused['failed'] and cloud.mutating == [] and TRACE == []
        assert "copy 'daily' was already rolled back onto the disk" in refused['msg']
        assert refused['msg'].endswith('nothing was changed')
    # the record names 'daily': a request for 'weekly' is a new rollback, refused without its confirmation
    unconfirmed = _run(run_module, cloud, {'snapshot': 'weekly', 'request_id': 'R1', 'confirm': False})
    assert unconfirmed['failed'] and cloud.mutating == [] and TRACE == ['check']
    assert unconfirmed['msg'] == ("copy 'weekly' would replace all data on the disk; set confirm: true to "
                                  "confirm")
    assert _record(cloud, disk)[ROLLBACK.copy_key] == daily['id']


def test_check_mode_predicts_the_real_run(cloud, run_module):
    disk = cloud.add_volume('db01')
    snapshot = cloud.add_snapshot(disk, 'daily')
    predicted = _run(run_module, cloud, {'request_id': 'R1'}, check=True, diff=True)
    assert predicted['changed'] and cloud.mutating == [] and TRACE == ['check']
    real = _run(run_module, cloud, {'request_id': 'R1'}, diff=True)
    assert real['changed'] and sorted(real['disk']) == sorted(predicted['disk'])
    assert predicted['disk']['status'] == real['disk']['status'] == 'available'
    copies = [result['disk']['metadata'][ROLLBACK.copy_key] for result in (predicted, real)]
    assert copies == [snapshot['id'], snapshot['id']]
    # the time is the cloud's when the real run starts: unknown to the prediction
    assert predicted['diff']['after']['metadata'][ROLLBACK.at_key] is None
    assert real['diff']['after']['metadata'][ROLLBACK.at_key] == real['rollback_at']
    assert dict(predicted['diff']['before']) == dict(real['diff']['before'])


def test_a_refused_start_names_the_action_and_writes_no_record(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'daily')
    cloud.add_fault(method='POST', path='/rollback$', status=400, count=1,
                    body={'badRequest': {'code': 'EVS.2024', 'message': 'no'}})
    refused = _run(run_module, cloud, {'request_id': 'R1'})
    assert refused['failed'] and refused['msg'].startswith("copy 'daily' cannot be rolled back: ")
    assert _record(cloud, disk) == {} and TRACE == ['check', 'start']
