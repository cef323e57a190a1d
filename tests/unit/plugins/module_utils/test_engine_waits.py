# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine runs the waits a module declares (ResourceModule.finish, waiters.Pending): after a
create, after a delete, a job then its resource, a precondition before a create, requests in a
row; with ``wait: false`` none of them. Real modules against the in-process emulator, whose clock
the waits sleep on; a toy module for what no module shows alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import (
    Gone, Job, Pending, Status, Then, Waiter)
from ansible_collections.dataprotection.evs.plugins.modules.disk_attachment import DiskAttachmentModule
from ansible_collections.dataprotection.evs.plugins.modules.snapshot import SnapshotModule


def gets(cloud, path_part):
    return [r for r in cloud.requests if r.method == 'GET' and path_part in r.url]


def test_after_create_the_engine_waits_until_the_resource_is_available(cloud, run_module):
    cloud.add_volume('db01')
    cloud.taking('snapshot.create', 30)
    start = cloud.emu.now()
    created = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert created['changed'] and created['snapshot']['status'] == 'available'
    assert cloud.emu.now() - start >= 30
    assert cloud.snapshot(created['snapshot']['id'])['status'] == 'available'


def test_without_wait_the_engine_does_not_wait(cloud, run_module):
    cloud.add_volume('db01')
    cloud.taking('snapshot.create', 30)
    del cloud.requests[:]
    created = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'wait': False})
    assert created['changed'] and created['snapshot']['status'] == 'creating'
    assert gets(cloud, '/snapshots/%s' % created['snapshot']['id']) == []


def test_after_delete_the_engine_waits_until_the_resource_is_gone(cloud, run_module):
    disk = cloud.add_volume('db01')
    snapshot = cloud.add_snapshot(disk, 'daily')
    cloud.taking('snapshot.delete', 20)
    unwaited = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'state': 'absent', 'wait': False})
    assert unwaited['changed'] and cloud.snapshot(snapshot['id'])['status'] == 'deleting'
    cloud.advance(60)
    other = cloud.add_snapshot(disk, 'weekly')
    deleted = run_module(SnapshotModule, {'disk': 'db01', 'name': 'weekly', 'state': 'absent'})
    assert deleted['changed'] and deleted['snapshot'] is None and cloud.snapshot(other['id']) is None


def test_a_job_then_its_resource(cloud, run_module):
    disk = cloud.add_volume('data')
    cloud.add_server('app')
    cloud.taking('volume.attach', 20)
    start = cloud.emu.now()
    attached = run_module(DiskAttachmentModule, {'server': 'app', 'disk': 'data'})
    assert attached['changed'] and attached['attachment']['status'] == 'in-use'
    assert attached['attachment']['device'] and attached['attachment']['disk_id'] == disk['id']
    assert cloud.emu.now() - start >= 20
    job_reads = [r for r in cloud.requests if r.method == 'GET' and '/jobs/' in r.url]
    disk_reads = gets(cloud, '/volumes/%s' % disk['id'])
    # the job first, then the disk
    assert job_reads and disk_reads and cloud.requests.index(job_reads[0]) < cloud.requests.index(disk_reads[-1])


def test_a_precondition_runs_before_the_create(cloud, run_module):
    disk = cloud.add_volume('db01')
    running = cloud.add_snapshot(disk, 'running', takes=40)
    refused = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'wait': False})
    assert refused['failed'] and cloud.mutating == []
    created = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily'})
    assert created['changed'] and created['snapshot']['status'] == 'available'
    # the engine waited for the disk to be free: the POST came after the other snapshot was done
    post = cloud.mutating[0]
    assert [r.method for r in cloud.mutating] == ['POST']
    reads_before = cloud.requests[:cloud.requests.index(post)]
    assert any('status=creating' in r.url for r in reads_before)
    assert cloud.snapshot(running['id'])['status'] == 'available'


def test_a_timeout_names_what_the_engine_waited_for(cloud, run_module):
    cloud.add_volume('db01')
    cloud.taking('snapshot.create', 100)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'wait_timeout': 10})
    assert result['failed'] and result['changed'] is True
    assert result['msg'] == ("timed out after 10s waiting for snapshot 'daily' of disk 'db01' to become available; "
                             "last status: creating")
    assert result['timed_out'] == {'waiting_for': "snapshot 'daily' of disk 'db01'", 'to_become': 'available',
                                   'last_status': 'creating'}
    assert result['snapshot']['status'] == 'creating'


def test_a_precondition_timeout_names_the_disk(cloud, run_module):
    disk = cloud.add_volume('db01')
    cloud.add_snapshot(disk, 'running', takes=100)
    result = run_module(SnapshotModule, {'disk': 'db01', 'name': 'daily', 'wait_timeout': 10})
    assert result['failed'] and cloud.mutating == []
    assert result['msg'].startswith("timed out after 10s waiting for snapshot 'daily' of disk 'db01' (waiting for "
                                    "the disk to finish what it is doing) to become free")
    assert 'snapshot' not in result  # the disk it waited for is not the snapshot


# ---------------------------------------------------------------- the engine alone, with a toy


class Clock:
    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds):
        self.now += seconds


class Toy(ResourceModule):
    """A resource kept in ``store`` whose status moves on with ``clock`` (``ready_at``)."""

    argument_spec = dict(name=dict(type='str', required=True),
                         state=dict(type='str', choices=['present', 'absent'], default='present'),
                         size=dict(type='int'))
    kind = result_key = 'thing'
    updatable = ('size',)
    result_fields = ('id', 'name', 'size', 'status')
    store, jobs, log, clock = {}, {}, [], None

    def waiter(self):
        return Waiter(timeout=self.params['wait_timeout'], clock=lambda: self.clock.now, sleeper=self.clock.sleep)

    def fetch(self, resource_id):
        self.log.append(('fetch', resource_id))
        thing = self.store.get(resource_id)
        if thing is None or thing.get('gone_at', 1e9) <= self.clock.now:
            return None
        return dict(thing, status='available' if thing['ready_at'] <= self.clock.now else thing['busy'])

    def get_job(self, job_id):
        self.log.append(('job', job_id))
        return {'status': 'SUCCESS' if self.jobs[job_id] <= self.clock.now else 'RUNNING', 'entities': {'id': 't1'}}

    def find(self):
        return self.fetch('t1')

    def desired(self, current):
        return {'name': self.params['name'], 'size': self.params['size']}

    def create(self, desired):
        self.jobs['j1'] = self.clock.now + 5
        self.store['t1'] = dict(desired, id='t1', ready_at=self.clock.now + 12, busy='creating')
        # the job names the resource; then it is waited for until available
        return Pending(None, Job('j1', self.get_job, 'job j1'), Then(self.named_by_job, 'waiting'), Status())

    def named_by_job(self, progress):
        return {'id': progress.job['entities']['id'], 'name': self.params['name']}

    def update(self, current, changes):
        # two requests in a row: the second needs the first done (always), the engine sends each answer back
        self.store['t1'].update(ready_at=self.clock.now + 4, busy='growing')
        grown = yield Pending(current, Status(), always=True)
        self.log.append(('grown', grown['status']))
        self.store['t1'].update(changes, ready_at=self.clock.now + 4, busy='growing')
        yield Pending(grown, Status(), Then(lambda progress: self.fetch('t1'), 'not waiting'))

    def delete(self, current):
        self.store['t1']['gone_at'] = self.clock.now + 7
        return Pending(current, Gone())


@pytest.fixture
def toy():
    Toy.store, Toy.jobs, Toy.log, Toy.clock = {}, {}, [], Clock()
    return Toy


def test_toy_job_then_resource(toy, run_module):
    created = run_module(toy, {'name': 'a', 'size': 1})
    assert created['changed'] and created['thing']['status'] == 'available' and toy.clock.now >= 12
    kinds = [entry[0] for entry in toy.log]
    assert kinds.index('job') < kinds.index('fetch', 1)  # the first fetch is find's
    assert kinds[-1] == 'fetch' and kinds.count('job') >= 2


def test_toy_without_wait_reads_nothing(toy, run_module):
    created = run_module(toy, {'name': 'a', 'size': 1, 'wait': False})
    assert created['changed'] and created['thing'] is None  # the create answered no resource
    assert toy.log == [('fetch', 't1')] and toy.clock.now == 0


def test_toy_requests_in_a_row_and_always(toy, run_module):
    toy.store['t1'] = {'id': 't1', 'name': 'a', 'size': 1, 'ready_at': 0, 'busy': 'creating'}
    updated = run_module(toy, {'name': 'a', 'size': 2, 'wait': False})
    # the first step is always waited for (the second request needs it), the last is not
    assert ('grown', 'available') in toy.log and toy.clock.now >= 4
    assert updated['changed'] and updated['thing']['status'] == 'growing' and updated['thing']['size'] == 2


def test_toy_delete_waits_until_gone_and_times_out_by_name(toy, run_module):
    toy.store['t1'] = {'id': 't1', 'name': 'a', 'size': 1, 'ready_at': 0, 'busy': 'creating'}
    late = run_module(toy, {'name': 'a', 'state': 'absent', 'wait_timeout': 3})
    assert late['failed'] and late['msg'] == ("timed out after 3s waiting for thing 'a' to become deleted; "
                                              "last status: available")
    toy.store['t1'] = {'id': 't1', 'name': 'a', 'size': 1, 'ready_at': 0, 'busy': 'creating'}
    toy.clock.now = 0
    deleted = run_module(toy, {'name': 'a', 'state': 'absent'})
    assert deleted['changed'] and deleted['thing'] is None and toy.clock.now >= 7


def test_toy_delete_in_a_status_not_declared_deletable_is_refused(toy, run_module, monkeypatch):
    monkeypatch.setattr(toy, 'deletable', ('available',))
    toy.store['t1'] = {'id': 't1', 'name': 'a', 'size': 1, 'ready_at': 5, 'busy': 'creating'}
    refused = run_module(toy, {'name': 'a', 'state': 'absent', 'wait': False})
    assert refused['failed'] and refused['msg'] == "thing 'a' cannot be deleted: it is creating"
    assert 'gone_at' not in toy.store['t1']
