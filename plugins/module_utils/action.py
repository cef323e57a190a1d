# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action engine: a recorded one-shot action that writes a copy onto a disk (a snapshot
rollback, a backup restore), made idempotent by the record it leaves on the disk.

The engine validates, finds the source (the copy) and the target (the disk), reads the record
(``restore_record.py``: a repeat of the recorded request is a no-op, a recorded action that still
runs is waited for, a repeat that no request id or ``force`` decides is refused), refuses what the
cloud would refuse and a destructive action without its confirming option, predicts in check
mode, starts the action, records it on the disk as soon as the cloud accepted it, waits for what
the module declares, and reports the disk, the source, the time and, in diff mode, the diff.
The module never waits itself.

A module subclasses ``RecordedAction`` and declares::

    class RollbackModule(RecordedAction):
        argument_spec = dict(snapshot=..., disk=..., **request_id_argument_spec())
        record = ROLLBACK                  # the RestoreRecord: metadata keys, wording, busy status
        source_option = 'snapshot'         # validated as a required text
        source_key, source_fields = 'snapshot', SNAPSHOT_FIELDS   # the source in the result
        at_key = 'rollback_at'             # the result key of the recorded time
        content_key = 'content_from_snapshot'  # the diff's key of what the disk holds
        done = 'rolled back'               # "... cannot be rolled back: ..."
        confirm_option = None              # an option that must be true (e.g. 'overwrite')

        def find(self):                    # GETs only: (source, target) or a ResourceError
        def label(self, source, target):   # "snapshot 'daily' of disk 'db01'"
        def check(self, label, source, target):   # refusals before any change
        def start(self, source, target):   # the one mutating request; answers what after_start needs
        def after_start(self, source, target, label, started):   # what to wait for, in order:
            return [self.until_available('target', get_disk, 'disk of ...'),
                    self.until_available('source', get_snapshot, label)]

``started`` is None when the engine waits for a recorded action that still runs (a rerun after
``wait: false`` or a timeout; the action plugin's next step, ``plugin_utils/waiting.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import VOLUME_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import DONE, RUNNING


class Await:
    """One thing an action waits for after its start. ``role`` ('source', 'target' or None) names
    what the waited-for answer replaces in the result; ``wait(waiter)`` waits for it."""

    def __init__(self, role, wait):
        self.role = role
        self.wait = wait


class RecordedAction(EvsModule):
    """A one-shot action of a copy (the source) onto a disk (the target), recorded on the disk."""

    waits_in_steps = True
    result_fields = VOLUME_FIELDS
    record = None
    source_option = None
    source_key = None
    source_fields = ()
    at_key = None
    content_key = None
    done = None
    confirm_option = None

    # --- what a subclass implements
    def find(self):
        """(source, target), with GETs only; a ResourceError when either cannot be found."""
        raise NotImplementedError

    def label(self, source, target):
        raise NotImplementedError

    def check(self, label, source, target):
        """Refuse what the cloud would refuse, before any change (raise ResourceError)."""

    def start(self, source, target):
        """Send the request that starts the action; answer what ``after_start`` needs (a job id)."""
        raise NotImplementedError

    def after_start(self, source, target, label, started):
        """What to wait for once the action runs, in order: a list of ``Await``."""
        return []

    # --- what a subclass declares with
    @staticmethod
    def until_available(role, fetch, label):
        """Wait until ``fetch()`` shows ``available``; its answer replaces ``role``."""
        return Await(role, lambda waiter: waiter.for_status(fetch, label))

    @staticmethod
    def until_job_done(api, job_id, label):
        """Wait for the job ``job_id`` of a backup ``api`` (nothing to wait for without a job)."""
        return Await(None, lambda waiter: api.wait_job(waiter, job_id, label) if job_id else None)

    # --- the common flow
    def validate(self):
        self.validate_text(self.source_option, self.params[self.source_option], required=True)
        self.record.validate_request_id(self.params['request_id'])

    def run(self):
        source, target = self.find()
        label = self.label(source, target)
        metadata = target.get('metadata') or {}
        request_id = self.params['request_id']
        decision = self.record.decide(metadata, source['id'], target.get('status'), request_id,
                                      self.params['force'], label)
        if decision in (DONE, RUNNING):
            if decision == RUNNING and self.params['wait']:
                # the action the record stands for still runs (a rerun after wait: false or a timeout)
                source, target = self.wait(source, target, label, None)
            return self.report(False, source, target, metadata.get(self.record.at_key))
        self.check(label, source, target)
        if self.confirm_option and not self.params[self.confirm_option]:
            raise ResourceError('%s would replace all data on the disk; set %s: true to confirm'
                                % (label, self.confirm_option))

        started_at = self.cloud_time()
        marks = self.record.marks(source['id'], started_at, request_id)
        if self.check_mode:
            target = self.predict(target, marks)
        else:
            try:
                started = self.start(source, target)
            except CloudError as exc:
                raise ResourceError('%s cannot be %s: %s' % (label, self.done, exc.message or exc), cause=exc)
            # recorded as soon as the cloud accepted it, so that no rerun of this request starts it a second time
            self.record.write(self.evs, target['id'], marks)
            if self.params['wait']:
                # the waited-for disk already holds the record written above
                source, target = self.wait(source, target, label, started)
            else:
                target = self.evs.get_volume(target['id'])
        result = self.report(True, source, target, started_at)
        if self.diff_mode:
            result['diff'] = self.record.diff(metadata, marks, self.content_key, predicted=self.check_mode)
        return result

    def wait(self, source, target, label, started):
        """Wait for what ``after_start`` declares, in order; answers the (source, target) they gave."""
        waiter = self.waiter()
        found = {'source': source, 'target': target}
        for awaited in self.after_start(source, target, label, started):
            answer = awaited.wait(waiter)
            if awaited.role:
                found[awaited.role] = answer
        return found['source'], found['target']

    def predict(self, target, marks):
        return self.record.predict(target, marks, 'available' if self.params['wait'] else self.record.busy_status)

    def report(self, changed, source, target, at):
        return {'changed': changed, 'disk': self.shape(target),
                self.source_key: self.shape(source, self.source_fields), self.at_key: at}
