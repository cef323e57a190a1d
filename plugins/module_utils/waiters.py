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


# ---------------------------------------------------------------- declared waits
# A module never waits itself: its create/update/delete (or find) answers a ``Pending`` that names
# what the request started, and the engine (``module.ResourceModule.finish``) runs its waits.


class Pending:
    """What a request started: ``resource`` as the cloud answered it (or None), then the waits the
    engine runs in order with ``wait: true`` (or ``always``: a next request needs this one done).
    A step of None is left out, so a module can write ``Job(...) if job_id else None``."""

    def __init__(self, resource=None, *steps, **options):
        self.resource = resource
        self.steps = [step for step in steps if step is not None]
        self.always = options.pop('always', False)
        if options:
            raise TypeError('unknown options: %s' % ', '.join(sorted(options)))


class Progress:
    """What the steps of one ``Pending`` share: the resource so far, the finished job, and the
    module's ``fetch`` (by id) and ``label`` for the steps that do not name their own."""

    def __init__(self, resource, fetch, label):
        self.resource = resource
        self.job = None
        self.fetch = fetch
        self.label = label


class Step:
    """One declared wait: it runs only with ``wait: true`` (or a ``Pending`` that is ``always``)."""

    def runs(self, waiting):
        return waiting

    def run(self, waiter, progress):
        raise NotImplementedError


class Job(Step):
    """Wait until the async job ``job_id`` succeeds (``get_job(job_id)`` reads it); none when the
    cloud gave no id (a lost answer that was carried out). The job is kept for the next steps."""

    def __init__(self, job_id, get_job, label):
        self.job_id = job_id
        self.get_job = get_job
        self.label = label

    def run(self, waiter, progress):
        if self.job_id:
            progress.job = waiter.for_job(lambda: self.get_job(self.job_id), self.label)


class Status(Step):
    """Wait until the resource (read by ``fetch``, default the module's) has one of ``wanted``;
    with ``only_from``, only when its status is one of those (a transitional one)."""

    def __init__(self, wanted=('available',), fetch=None, label=None, only_from=None):
        self.wanted = tuple(wanted)
        self.fetch = fetch
        self.label = label
        self.only_from = only_from

    def run(self, waiter, progress):
        resource = progress.resource
        if self.only_from is not None and (resource or {}).get('status') not in self.only_from:
            return
        fetch, resource_id = self.fetch or progress.fetch, resource['id']
        progress.resource = waiter.for_status(lambda: fetch(resource_id), self.label or progress.label(resource),
                                              wanted=self.wanted)


class Gone(Step):
    """Wait until the resource is deleted (its ``fetch`` answers None)."""

    def __init__(self, fetch=None, label=None):
        self.fetch = fetch
        self.label = label

    def run(self, waiter, progress):
        resource = progress.resource
        fetch, resource_id = self.fetch or progress.fetch, resource['id']
        waiter.for_deleted(lambda: fetch(resource_id), self.label or progress.label(resource))
        progress.resource = None


class Listed(Step):
    """Wait until ``find()`` lists the resource (a listing lags behind a create)."""

    def __init__(self, find, label):
        self.find = find
        self.label = label

    def run(self, waiter, progress):
        if progress.resource.get('id') is None:
            progress.resource = waiter.poll(
                self.find, self.label, 'listed', status_of=lambda found: (found or {}).get('status') or 'not listed yet',
                done=lambda found, status: found is not None, failed=lambda found, status: False)


class Until(Step):
    """Wait until ``fetch()`` answers something that ``done`` accepts; ``status_of`` says what it is
    meanwhile (for the timeout message), ``failed`` gives up. Answers ``answer`` of what ``fetch``
    last read (default: all of it)."""

    def __init__(self, fetch, label, wanted, status_of, done, failed, answer=None):
        self.fetch = fetch
        self.answer = answer
        self.label = label
        self.wanted = wanted
        self.status_of = status_of
        self.done = done
        self.failed = failed

    def run(self, waiter, progress):
        try:
            found = waiter.poll(self.fetch, self.label, self.wanted, status_of=self.status_of, done=self.done,
                                failed=self.failed)
        except ResourceError as exc:
            # what it read (e.g. a disk and its snapshots) is not the module's resource
            exc.result.pop('resource', None)
            raise
        progress.resource = self.answer(found) if self.answer else found


class Then(Step):
    """Not a wait: ``read(progress)`` answers the resource (e.g. it looks it up by name once the job
    is done, or takes its id from the job). ``when``: ``always``, ``waiting`` (only with the waits)
    or ``not waiting`` (only without them, e.g. to read the resource the waits would have read)."""

    def __init__(self, read, when='always'):
        self.read = read
        self.when = when

    def runs(self, waiting):
        return {'always': True, 'waiting': waiting, 'not waiting': not waiting}[self.when]

    def run(self, waiter, progress):
        progress.resource = self.read(progress)
