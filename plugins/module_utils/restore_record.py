# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The record a restore onto an existing disk leaves in the disk's metadata, and what a later run
for the same copy may conclude from it (snapshot_rollback, backup_restore).

The cloud offers no evidence that a disk was written since a restore: EVS changes neither a
volume's ``updated_at`` nor anything else it shows when a server writes data. "This copy was
restored onto the disk once" therefore never means "the disk holds that copy's content now". A
run skips a restore only when it is the same request as the recorded one (``request_id``, which
the user passes and which a rerun of the same playbook repeats) or when the recorded restore is
still running (nothing can write to a disk while the cloud restores it). A repeat without a
request id is neither skipped nor repeated: it is refused with the ways out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError

REQUEST_ID_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}$')

RESTORE = 'restore'
RUNNING = 'running'
DONE = 'done'


def request_id_argument_spec():
    return dict(request_id=dict(type='str'), force=dict(type='bool', default=False))


class RestoreRecord(object):
    """The metadata keys of one kind of restore: the copy, when, and for which request."""

    def __init__(self, prefix, copy_key, done, again, busy_status):
        self.copy_key = copy_key
        self.at_key = prefix + '_at'
        self.request_key = prefix + '_request_id'
        self.done, self.again = done, again
        self.busy_status = busy_status

    @staticmethod
    def validate_request_id(request_id):
        if request_id is not None and not REQUEST_ID_PATTERN.match(request_id):
            raise ResourceError('request_id must be 1 to 128 letters, digits and . _ : @ / + - (starting with a '
                                'letter or digit), not %r' % (request_id,))

    def marks(self, copy_id, at, request_id):
        # the request key is always written, so that no earlier request id outlives its restore
        return {self.copy_key: copy_id, self.at_key: at, self.request_key: request_id or ''}

    def recorded(self, metadata):
        return dict((k, (metadata or {}).get(k)) for k in (self.copy_key, self.at_key, self.request_key))

    def write(self, evs, disk_id, marks):
        """Record the restore on the disk: as soon as the cloud accepted it, so that no rerun of the
        same request starts it a second time."""
        evs.update_volume_metadata(disk_id, marks)

    def predict(self, disk, marks, status):
        """The disk as a check run predicts it: ``status``, with the record written."""
        return dict(disk, status=status, metadata=dict(disk.get('metadata') or {}, **marks))

    def recorded_after(self, marks, predicted=False):
        """The record the disk holds after the restore (a prediction: without the time it starts)."""
        after = dict(marks)
        if predicted:
            # the cloud's time when the real run starts the restore: unknown until then
            after[self.at_key] = None
        return after

    def diff(self, metadata, marks, content_key, predicted=False):
        return {'before': {content_key: (metadata or {}).get(self.copy_key), 'metadata': self.recorded(metadata)},
                'after': {content_key: marks[self.copy_key], 'metadata': self.recorded_after(marks, predicted)}}

    def decide(self, metadata, copy_id, disk_status, request_id, force, label,
               request_option='request_id', force_option=' (or force: true)'):
        """RESTORE, RUNNING (the recorded restore of this copy still runs: wait for it) or DONE
        (this request already restored this copy); raises ResourceError for a repeat that no
        request id or force decides, naming ``request_option`` and ``force_option`` (the
        restore role names its own variables)."""
        metadata = metadata or {}
        if metadata.get(self.copy_key) != copy_id:
            return RESTORE
        recorded_request = metadata.get(self.request_key) or ''
        if disk_status == self.busy_status and not force and (not request_id or request_id == recorded_request):
            return RUNNING
        if force:
            return RESTORE
        if request_id:
            return DONE if request_id == recorded_request else RESTORE
        raise ResourceError(
            '%s was already %s at %s (%s); the cloud cannot tell whether the disk was written since, so this run '
            'neither repeats nor skips it: set %s to that run\'s to make a rerun of it a no-op, a new %s%s to '
            '%s again; nothing was changed'
            % (label, self.done, metadata.get(self.at_key) or 'an unknown time',
               ('request_id %s' % recorded_request) if recorded_request else 'without a request_id',
               request_option, request_option, force_option or '', self.again))


ROLLBACK = RestoreRecord('dp_evs_rollback', 'dp_evs_rollback_snapshot_id', 'rolled back onto the disk',
                         'roll it back', 'rollbacking')
BACKUP_RESTORE = RestoreRecord('dp_evs_restore', 'dp_evs_restore_backup_id', 'restored onto the disk',
                               'restore it', 'restoring-backup')
