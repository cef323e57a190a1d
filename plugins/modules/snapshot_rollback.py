#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: snapshot_rollback
short_description: Roll an EVS snapshot back onto its disk
version_added: 1.0.0
description:
  - Writes a snapshot's content back onto the disk it was taken from (the vendor rollback API).
    The disk must be detached (C(available)); an attached disk is refused before any change is
    requested. The snapshot must be C(available).
  - The disk's record of the rollback (metadata C(dp_evs_rollback_snapshot_id),
    C(dp_evs_rollback_at), C(dp_evs_rollback_request_id)) decides what a repeat does; see the
    notes and O(request_id).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  snapshot:
    description:
      - The snapshot, by name or id. A name is looked up on O(disk) when given, else across all
        disks (and must then be unique).
    type: str
    required: true
  disk:
    description: The disk the snapshot belongs to (name or id); must be the snapshot's own disk.
    type: str
    aliases: [volume]
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.restore_record
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Bring db01 back to the state before the upgrade (a rerun of this play is a no-op)
  dataprotection.evs.snapshot_rollback:
    cloud: otc
    disk: db01
    snapshot: before-upgrade
    request_id: CHG-1042

- name: db01 was damaged again; roll the same snapshot back again
  dataprotection.evs.snapshot_rollback:
    cloud: otc
    disk: db01
    snapshot: before-upgrade
    request_id: INC-2211
'''

RETURN = r'''
disk:
  description:
    - The disk after the rollback, with the keys of the C(disk) result of M(dataprotection.evs.disk).
    - Its C(metadata) holds C(dp_evs_rollback_snapshot_id), C(dp_evs_rollback_at) and
      C(dp_evs_rollback_request_id); its C(status) is C(rollbacking) with O(wait=false).
  returned: success
  type: dict
snapshot:
  description:
    - The snapshot that was rolled back, with the keys of the C(snapshot) result of
      M(dataprotection.evs.snapshot).
  returned: success
  type: dict
rollback_at:
  description:
    - The cloud's time (UTC, ISO 8601) when the recorded rollback was started; for an unchanged
      run the time of the earlier rollback.
  returned: success
  type: str
  sample: "2026-11-25T10:00:00Z"
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.action import RecordedAction
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    SNAPSHOT_FIELDS, VOLUME_ROLLBACKABLE, describe_snapshot, refuse_backup_snapshot)
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    ROLLBACK, request_id_argument_spec)


class SnapshotRollbackModule(RecordedAction):
    """A rollback: the action engine (module_utils/action.py) with the snapshot as the source."""

    argument_spec = dict(
        snapshot=dict(type='str', required=True),
        disk=dict(type='str', aliases=['volume']),
        **request_id_argument_spec()
    )
    kind = source_option = source_key = 'snapshot'
    source_fields = SNAPSHOT_FIELDS
    record = ROLLBACK
    at_key = 'rollback_at'
    content_key = 'content_from_snapshot'
    done = 'rolled back'

    def find(self):
        evs = self.evs
        disk = evs.find_volume(self.params['disk'], required=True) if self.params['disk'] else None
        snapshot = evs.find_snapshot(self.params['snapshot'], volume=disk, required=True)
        disk = disk or evs.get_volume(snapshot['volume_id'])
        if disk is None:
            raise ResourceError("the disk %s of snapshot '%s' no longer exists" % (
                snapshot['volume_id'], self.params['snapshot']))
        return snapshot, disk

    def label(self, source, target):
        return describe_snapshot(source, target)

    def check(self, label, source, target):
        refuse_backup_snapshot(source, label, 'rolled back')
        if source.get('status') != 'available':
            raise ResourceError('%s cannot be rolled back: the snapshot is %s; it must be available'
                                % (label, source.get('status')))
        status = target.get('status')
        if status == 'in-use':
            raise ResourceError('%s cannot be rolled back: disk is in-use; detach it first' % label)
        if status not in VOLUME_ROLLBACKABLE:
            raise ResourceError('%s cannot be rolled back: disk is %s; it must be available' % (label, status))

    def start(self, source, target):
        self.evs.rollback_snapshot(source['id'], target['id'])

    def after_start(self, source, target, label, started):
        """The disk, then the snapshot, available again."""
        disk_label = 'disk of %s (rollback)' % label
        return [self.until_available('target', lambda: self.evs.get_volume(target['id']), disk_label),
                self.until_available('source', lambda: self.evs.get_snapshot(source['id']), label)]


def main():
    SnapshotRollbackModule.execute()


if __name__ == '__main__':
    main()
