# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch engine sends its changes a few at a time (module_utils/batch.py ``CONCURRENT_CHANGES``),
through a client that threads share (module_utils/client.py): the same creates as one after
another, each once, even when answers are lost or the cloud throttles; results in the batch's
order; one token renewal for all threads; a throttled thread holds the others back.

The in-process emulator serves one request at a time, so ``SharedCloud`` hands it one request
at a time from any thread and says it may be shared (``thread_safe``); the emulator's own
``EmulatedCloud`` does not, and the engine sends through it one change after another."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import module as module_base
from ansible_collections.dataprotection.evs.plugins.module_utils.batch import CONCURRENT_CHANGES, MOST_CONCURRENT_CHANGES
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client, Transport
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Waiter
from ansible_collections.dataprotection.evs.plugins.modules.backup_batch import BackupBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_batch import BackupReplicaBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair_batch import ReplicationPairBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_batch import SnapshotBatchModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    Response, password_settings)

#: how long a test waits for threads that should meet (seconds of real time): reached at once
#: when the engine sends at once, and a failure (never a sleep) when it does not
MEETING = 10


class SharedCloud:
    """The emulator as a session several threads may use: their requests reach it one at a time.
    ``meet``: the first so many snapshot creates wait for each other before they are sent, which
    only creates sent at once get past."""

    thread_safe = True

    def __init__(self, cloud, meet=0):
        self.cloud = cloud
        self.lock = threading.RLock()
        self.meeting = threading.Barrier(meet, timeout=MEETING) if meet else None
        self.creates = 0
        self.in_flight = self.most_in_flight = 0
        #: per request: the thread that sent it and the method and path
        self.sent = []

    def request(self, method, url, **kwargs):
        is_create = method == 'POST' and url.split('?')[0].endswith('/snapshots')
        with self.lock:
            self.sent.append((threading.current_thread().name, method, url.split('?')[0]))
            self.creates += is_create
            meets = is_create and self.meeting is not None and self.creates <= self.meeting.parties
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if meets:
                self.meeting.wait()
            with self.lock:
                return self.cloud.request(method, url, kwargs.get('data'), kwargs.get('headers'))
        finally:
            with self.lock:
                self.in_flight -= 1

    def sleep(self, seconds):
        with self.lock:
            self.cloud.advance(seconds)


def connect_shared(monkeypatch, cloud, **options):
    shared = SharedCloud(cloud, **options)

    class SharedClockWaiter(Waiter):
        def __init__(self, *args, **kwargs):
            kwargs.update(sleeper=shared.sleep, clock=cloud.emu.now)
            super(SharedClockWaiter, self).__init__(*args, **kwargs)

    monkeypatch.setattr(module_base, 'Client', lambda settings, token_cache=None: Client(
        settings, session=shared, sleeper=shared.sleep, utcnow=cloud.utcnow, monotonic=cloud.emu.now))
    monkeypatch.setattr(module_base, 'Waiter', SharedClockWaiter)
    return shared


def creates(cloud):
    return [r for r in cloud.requests if r.method == 'POST' and r.path.endswith('/snapshots')]


def one_snapshot_per_disk(cloud, disks, name='daily'):
    made = cloud.snapshots(name=name)
    return sorted(s['volume_id'] for s in made) == sorted(d['id'] for d in disks)


def test_creates_are_sent_a_few_at_a_time_each_once_with_results_in_the_batchs_order(cloud, run_module, monkeypatch):
    shared = connect_shared(monkeypatch, cloud, meet=CONCURRENT_CHANGES)
    disks = [cloud.add_volume('d%02d' % i) for i in range(3 * CONCURRENT_CHANGES)]
    cloud.taking('snapshot.create', 30)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['changed'] and not result['failed'], result.get('msg')
    # the first CONCURRENT_CHANGES creates met before any was sent: they were under way together
    assert shared.most_in_flight == CONCURRENT_CHANGES
    assert len(creates(cloud)) == len(disks) and one_snapshot_per_disk(cloud, disks)
    assert [r['snapshot']['volume_id'] for r in result['snapshots']] == [d['id'] for d in disks]
    assert [r['index'] for r in result['snapshots']] == list(range(len(disks)))
    assert all(r['action'] == 'create' and r['snapshot']['status'] == 'available' for r in result['snapshots'])
    senders = senders_of_creates(shared)
    assert len(senders) == CONCURRENT_CHANGES and all(name.startswith('batch-change-') for name in senders)


def senders_of_creates(shared):
    return set(thread for thread, method, path in shared.sent if method == 'POST' and path.endswith('/snapshots'))


@pytest.mark.parametrize('concurrency', [0, -1, MOST_CONCURRENT_CHANGES + 1])
@pytest.mark.parametrize('module_cls, args', [
    (SnapshotBatchModule, {'disks': ['d00'], 'name': 'daily'}),
    (BackupBatchModule, {'backend': 'vbs', 'disks': ['d00'], 'name': 'daily'}),
    (BackupReplicaBatchModule, {'destination_region': 'eu-nl', 'backups': [{'backup': 'b', 'vault': 'v'}]}),
    (ReplicationPairBatchModule, {'protection_group': 'pg', 'pairs': [{'name': 'p', 'disk': 'd00'}]}),
])
def test_a_concurrency_out_of_bounds_is_refused_before_any_request(cloud, run_module, module_cls, args, concurrency):
    cloud.add_volume('d00')
    before = len(cloud.requests)
    result = run_module(module_cls, dict(args, concurrency=concurrency))
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == 'concurrency must be between 1 and %d, not %d' % (MOST_CONCURRENT_CHANGES, concurrency)
    assert len(cloud.requests) == before


def test_concurrency_1_sends_the_changes_one_after_another(cloud, run_module, monkeypatch):
    # a session threads may share: one after another is the option's doing, not the session's
    shared = connect_shared(monkeypatch, cloud)
    disks = [cloud.add_volume('d%02d' % i) for i in range(6)]
    cloud.taking('snapshot.create', 30)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily', 'concurrency': 1})
    assert result['changed'] and not result['failed'], result.get('msg')
    assert shared.most_in_flight == 1 and senders_of_creates(shared) == {'MainThread'}
    assert [r.body['snapshot']['volume_id'] for r in creates(cloud)] == [d['id'] for d in disks]


@pytest.mark.parametrize('concurrency', [2, 3])
def test_concurrency_n_sends_n_changes_at_once_never_more(cloud, run_module, monkeypatch, concurrency):
    # the first n creates meet before any is sent: only n sent at once get past
    shared = connect_shared(monkeypatch, cloud, meet=concurrency)
    disks = [cloud.add_volume('d%02d' % i) for i in range(3 * concurrency + 1)]
    cloud.taking('snapshot.create', 30)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily',
                                              'concurrency': concurrency})
    assert result['changed'] and not result['failed'], result.get('msg')
    assert shared.most_in_flight == concurrency
    assert len(senders_of_creates(shared)) == concurrency
    assert len(creates(cloud)) == len(disks) and one_snapshot_per_disk(cloud, disks)


def test_a_session_that_threads_cannot_share_gets_one_change_at_a_time(cloud, run_module, monkeypatch):
    shared = connect_shared(monkeypatch, cloud)
    monkeypatch.setattr(SharedCloud, 'thread_safe', False)
    disks = [cloud.add_volume('d%02d' % i) for i in range(CONCURRENT_CHANGES)]
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['changed'] and not result['failed']
    assert shared.most_in_flight == 1 and set(thread for thread, _m, _p in shared.sent) == {'MainThread'}
    assert [r.body['snapshot']['volume_id'] for r in creates(cloud)] == [d['id'] for d in disks]


def test_lost_answers_are_recovered_by_a_look_up_never_a_second_create(cloud, run_module, monkeypatch):
    connect_shared(monkeypatch, cloud)
    disks = [cloud.add_volume('d%02d' % i) for i in range(2 * CONCURRENT_CHANGES)]
    # the cloud takes these creates, then the connection drops before the answer
    cloud.add_fault(method='POST', path='/snapshots$', drop_answer=True, count=CONCURRENT_CHANGES)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['changed'] and not result['failed'], result.get('msg')
    assert len(creates(cloud)) == len(disks) and one_snapshot_per_disk(cloud, disks)
    assert [r['snapshot']['volume_id'] for r in result['snapshots']] == [d['id'] for d in disks]
    again = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert again['changed'] is False and one_snapshot_per_disk(cloud, disks)


def test_a_throttled_create_is_sent_again_after_the_wait_and_made_once(cloud, run_module, monkeypatch):
    connect_shared(monkeypatch, cloud)
    disks = [cloud.add_volume('d%02d' % i) for i in range(2 * CONCURRENT_CHANGES)]
    cloud.add_fault(method='POST', path='/snapshots$', status=429, retry_after=5, count=3)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['changed'] and not result['failed'], result.get('msg')
    assert len(creates(cloud)) == len(disks) + 3 and one_snapshot_per_disk(cloud, disks)
    assert [s['status'] for s in cloud.logged(method='POST')].count(429) == 3


def test_the_changes_of_one_disk_stay_one_after_the_other(cloud, run_module, monkeypatch):
    connect_shared(monkeypatch, cloud)
    disks = [cloud.add_volume('d%02d' % i) for i in range(CONCURRENT_CHANGES)]
    cloud.taking('snapshot.create', 30)
    batch = [{'disk': d['name'], 'name': 'first'} for d in disks] + [{'disk': 'd00', 'name': 'second'}]
    result = run_module(SnapshotBatchModule, {'snapshots': batch})
    assert result['changed'] and not result['failed'], result.get('msg')
    # the second snapshot of d00 is created once the first is available (EVS takes one at a time)
    on_d00 = [r for r in creates(cloud) if r.body['snapshot']['volume_id'] == disks[0]['id']]
    assert [r.body['snapshot']['name'] for r in on_d00] == ['first', 'second']
    assert all(s['status'] == 'available' for s in cloud.snapshots())


def test_an_error_that_is_not_the_clouds_refusal_stops_the_batch_with_the_first_items_error(
        cloud, run_module, monkeypatch):
    connect_shared(monkeypatch, cloud)
    disks = [cloud.add_volume('d%02d' % i) for i in range(4 * CONCURRENT_CHANGES)]
    apply = SnapshotBatchModule.apply

    def failing(self, item):  # e.g. the wait for a busy disk timed out
        if item.index in (3, 5):
            raise ResourceError('waiting for item %d timed out' % item.index)
        return apply(self, item)

    monkeypatch.setattr(SnapshotBatchModule, 'apply', failing)
    result = run_module(SnapshotBatchModule, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['failed'] and result['msg'] == 'waiting for item 3 timed out' and result['changed'] is True
    # no change started after the error: at most those under way in the other threads finished
    assert 0 < len(creates(cloud)) <= 2 * CONCURRENT_CHANGES


# ------------------------------------------------------------------ the client, shared by threads
class Refusing(SharedCloud):
    """Answers 401 to the requests that carry ``refused`` (a token that expired), once the
    ``meet`` threads sending it have all been refused together."""

    def __init__(self, cloud, refused, meet):
        super(Refusing, self).__init__(cloud)
        self.refused = refused
        self.together = threading.Barrier(meet, timeout=MEETING)

    def request(self, method, url, **kwargs):
        if (kwargs.get('headers') or {}).get('X-Auth-Token') == self.refused:
            self.together.wait()
            with self.lock:
                self.sent.append((threading.current_thread().name, method, url))
            return Response(401, [('Content-Type', 'application/json')],
                            b'{"error": {"code": 401, "title": "Unauthorized", "message": "expired"}}')
        return super(Refusing, self).request(method, url, **kwargs)


def run_in_threads(count, target):
    failures = []

    def guarded():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=guarded, name="worker-%d" % number) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_threads_refused_the_same_token_log_in_again_once(cloud):
    client = Client(password_settings(), session=cloud, sleeper=cloud.advance, utcnow=cloud.utcnow)
    client.get('volumev2', '/volumes/detail')
    expired = client._token
    client.session = session = Refusing(cloud, expired, meet=4)
    run_in_threads(4, lambda: client.get('volumev2', '/volumes/detail'))
    logins = [r for r in cloud.requests if r.path.endswith('/auth/tokens')]
    assert len(logins) == 2 and client._token != expired  # the first login, and one renewal
    assert len([s for s in session.sent if s[1] == 'GET']) == 8  # each thread: refused, then answered


def test_a_throttled_thread_holds_the_others_back_for_the_time_the_cloud_asks(cloud):
    now = [1000.0]
    throttled, checked = threading.Event(), threading.Event()
    sleeps = []

    def sleep(seconds):
        sleeps.append((threading.current_thread().name, seconds))
        if threading.current_thread().name == 'throttled':
            throttled.set()
            assert checked.wait(MEETING)
        now[0] += seconds

    client = Client(password_settings(), session=SharedCloud(cloud), sleeper=sleep, utcnow=cloud.utcnow,
                    monotonic=lambda: now[0])
    client.get('volumev2', '/volumes/detail')
    cloud.add_fault(method='GET', path='/snapshots/detail$', status=429, retry_after=7, count=1)
    other = threading.Thread(target=client.get, args=('volumev2', '/snapshots/detail'), name='throttled')
    other.start()
    assert throttled.wait(MEETING)
    now[0] += 2  # two seconds into the wait the cloud asked for
    client.get('volumev2', '/volumes/detail')
    checked.set()
    other.join()
    assert sleeps == [('throttled', 7.0), ('MainThread', 5.0)]
    # the throttled thread itself only waits its own delay: alone, a client waits as before
    client.get('volumev2', '/volumes/detail')
    assert len(sleeps) == 2


def test_what_a_thread_recovered_is_counted_for_that_thread(cloud):
    client = Client(password_settings(), session=SharedCloud(cloud), sleeper=cloud.advance, utcnow=cloud.utcnow)
    disk = cloud.add_volume('d0')
    cloud.add_fault(method='POST', path='/snapshots$', drop_answer=True, count=1)
    counted = {}

    def create():
        client.post('volumev2', '/snapshots', {'snapshot': {'name': 's', 'volume_id': disk['id']}},
                    recover=lambda: {'snapshot': cloud.snapshots(name='s')[0]} if cloud.snapshots(name='s') else None)
        counted['thread'] = client.recovered_here()

    run_in_threads(1, create)
    assert counted['thread'] == 1 and client.recovered == 1 and client.recovered_here() == 0


def test_the_clients_own_transport_keeps_one_session_per_thread():
    transport = Transport(True)
    mine = (transport.full, transport.lean)
    assert (transport.full, transport.lean) == mine and transport._session is mine[0]
    theirs = []
    run_in_threads(1, lambda: theirs.append((transport.full, transport.lean)))
    assert theirs[0][0] is not mine[0] and (theirs[0][1] is None or theirs[0][1] is not mine[1])
    assert Client(password_settings()).concurrent and not Client(password_settings(), session=object()).concurrent
