# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait for a resource status or an async job, with capped exponential backoff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError

JOB_SUCCESS = ('SUCCESS',)
JOB_FAILURE = ('FAIL', 'FAILED', 'ERROR')


class WaitTimeout(ResourceError):
    """The resource did not reach the wanted status in time."""

    def __init__(self, label, wanted, last_status, timeout, resource=None):
        self.label = label
        self.wanted = wanted
        self.last_status = last_status
        self.timeout = timeout
        msg = 'timed out after %ss waiting for %s to become %s; last status: %s' % (
            _seconds(timeout), label, wanted, last_status)
        super(WaitTimeout, self).__init__(msg, resource=resource)


class WaitFailed(ResourceError):
    """The resource went to a failure status while we waited."""

    def __init__(self, label, wanted, status, detail=None, resource=None):
        self.label = label
        self.wanted = wanted
        self.status = status
        msg = '%s went to status %s while waiting for it to become %s' % (label, status, wanted)
        if detail:
            msg += ': %s' % detail
        super(WaitFailed, self).__init__(msg, resource=resource)


def _seconds(value):
    return int(value) if float(value).is_integer() else round(value, 1)


def is_failure_status(status):
    """``error`` and every ``error_*`` status (``error_deleting``, ``error_rollbacking``...)."""
    status = (status or '').lower()
    return status == 'error' or status.startswith('error_') or status.startswith('error-')


class Waiter:
    """Polls ``fetch`` until ``done`` says so; sleeps delay, delay*factor, ... capped at max_delay.

    ``clock`` (monotonic seconds) and ``sleeper`` are injectable: a test passes a fake clock
    whose sleeper advances it, so nothing really sleeps.
    """

    def __init__(self, timeout=600, delay=1.0, max_delay=10.0, factor=1.5, clock=None, sleeper=None):
        self.timeout = timeout
        self.delay = delay
        self.max_delay = max_delay
        self.factor = factor
        self.clock = time.monotonic if clock is None else clock
        self.sleeper = time.sleep if sleeper is None else sleeper

    def poll(self, fetch, label, wanted, status_of, done, failed, detail_of=None):
        """Generic loop. ``fetch()`` returns the current object (or None when gone)."""
        start = self.clock()
        delay = self.delay
        while True:
            current = fetch()
            status = status_of(current)
            if done(current, status):
                return current
            if failed(current, status):
                raise WaitFailed(label, wanted, status, detail_of(current) if detail_of else None,
                                 resource=current)
            elapsed = self.clock() - start
            if elapsed >= self.timeout:
                raise WaitTimeout(label, wanted, status, self.timeout, resource=current)
            self.sleeper(min(delay, max(0.0, self.timeout - elapsed)))
            delay = min(self.max_delay, delay * self.factor)

    def for_status(self, fetch, label, wanted=('available',), failure=is_failure_status):
        """Wait until ``fetch()['status']`` is one of ``wanted``. A resource that vanishes while
        we wait for a status is a failure (status ``deleted``)."""
        wanted = tuple(wanted)
        return self.poll(
            fetch, label, ' or '.join(wanted),
            status_of=lambda obj: obj.get('status') if obj else 'deleted',
            done=lambda obj, status: obj is not None and status in wanted,
            failed=lambda obj, status: obj is None or failure(status))

    def for_deleted(self, fetch, label, failure=is_failure_status):
        """Wait until ``fetch()`` returns None (the cloud answers 404)."""
        return self.poll(
            fetch, label, 'deleted',
            status_of=lambda obj: obj.get('status') if obj else 'deleted',
            done=lambda obj, status: obj is None,
            failed=lambda obj, status: obj is not None and failure(status))

    def for_job(self, fetch, label):
        """Wait for an async job (``{"status": INIT|RUNNING|SUCCESS|FAIL, ...}``)."""
        return self.poll(
            fetch, label, 'SUCCESS',
            status_of=lambda job: (job or {}).get('status'),
            done=lambda job, status: status in JOB_SUCCESS,
            failed=lambda job, status: job is None or status in JOB_FAILURE,
            detail_of=lambda job: (job or {}).get('fail_reason') or (job or {}).get('error_code'))
