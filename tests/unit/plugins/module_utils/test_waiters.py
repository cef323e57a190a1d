# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import (
    WaitFailed, WaitTimeout, Waiter, is_failure_status)


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def statuses(*values):
    values = list(values)

    def fetch():
        value = values.pop(0) if len(values) > 1 else values[0]
        return None if value is None else {'id': 'x', 'status': value}
    return fetch


def waiter(clock, **kwargs):
    return Waiter(clock=clock, sleeper=clock.sleep, **kwargs)


def test_returns_when_status_reached_with_capped_backoff():
    clock = FakeClock()
    result = waiter(clock, delay=1, max_delay=4, factor=2).for_status(
        statuses('creating', 'creating', 'creating', 'creating', 'available'), "snapshot 'daily'")
    assert result['status'] == 'available'
    assert clock.sleeps == [1, 2, 4, 4]


def test_timeout_names_resource_and_last_status():
    clock = FakeClock()
    with pytest.raises(WaitTimeout) as info:
        waiter(clock, timeout=30, delay=5, max_delay=10).for_status(statuses('creating'), "snapshot 'daily' of disk 'db01'")
    msg = info.value.msg
    assert "snapshot 'daily' of disk 'db01'" in msg and 'last status: creating' in msg and '30s' in msg
    assert info.value.last_status == 'creating'
    assert clock.now == 30  # the last sleep is shortened to the deadline


@pytest.mark.parametrize('status', ['error', 'error_extending', 'error_rollbacking', 'error_deleting'])
def test_failure_status_stops_at_once(status):
    clock = FakeClock()
    with pytest.raises(WaitFailed) as info:
        waiter(clock).for_status(statuses('creating', status), "disk 'db01'")
    assert info.value.status == status and "disk 'db01' went to status %s" % status in info.value.msg
    assert len(clock.sleeps) == 1


def test_vanished_resource_is_failure_while_waiting_for_status():
    clock = FakeClock()
    with pytest.raises(WaitFailed, match='deleted'):
        waiter(clock).for_status(statuses('creating', None), "disk 'db01'")


def test_wait_for_deleted():
    clock = FakeClock()
    assert waiter(clock).for_deleted(statuses('deleting', 'deleting', None), "disk 'db01'") is None
    with pytest.raises(WaitFailed, match='error_deleting'):
        waiter(clock).for_deleted(statuses('deleting', 'error_deleting'), "disk 'db01'")


def test_wait_for_other_wanted_statuses():
    clock = FakeClock()
    result = waiter(clock).for_status(statuses('extending', 'in-use'), "disk 'db01'", wanted=('available', 'in-use'))
    assert result['status'] == 'in-use'


def test_job_success_and_failure():
    clock = FakeClock()
    jobs = iter([{'status': 'INIT'}, {'status': 'RUNNING'}, {'status': 'SUCCESS', 'entities': {'volume_id': 'v'}}])
    assert waiter(clock).for_job(lambda: next(jobs), 'job 1')['entities'] == {'volume_id': 'v'}
    with pytest.raises(WaitFailed) as info:
        waiter(clock).for_job(lambda: {'status': 'FAIL', 'fail_reason': 'EVS.1034 quota'}, 'job 2')
    assert 'EVS.1034 quota' in info.value.msg


def test_failure_status_names():
    assert is_failure_status('error') and is_failure_status('error_restoring')
    assert not is_failure_status('available') and not is_failure_status(None)
    assert not is_failure_status('in-use')
