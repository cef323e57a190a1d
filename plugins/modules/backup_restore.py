#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_restore
short_description: Restore a disk backup (CBR or VBS) onto an existing disk
version_added: 1.0.0
description:
  - Writes a backup's content onto a disk, by default the disk the backup was taken of, or
    another disk at least as large (O(disk)). All data on the target disk is replaced, so the
    module refuses unless O(overwrite=true).
  - The target disk must be detached (C(available)); an attached disk is refused before any
    change is requested. The backup must be C(available).
  - The disk's record of the restore (metadata C(dp_evs_restore_backup_id), C(dp_evs_restore_at),
    C(dp_evs_restore_request_id)) decides what a repeat does; see the notes and O(request_id).
  - To bring a backup back as a new disk (in any availability zone of the region, for example
    after the original disk or its zone is lost), use M(dataprotection.evs.disk) with
    O(dataprotection.evs.disk#module:backup).
  - A replica (a CBR backup copied from another region, M(dataprotection.evs.backup_replica)) is
    restored onto a disk of its own region, the connection's, with O(replica_source_disk_id) naming
    the disk it is a copy of. Nothing is asked of the source region, so this works while it is down.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backup:
    description:
      - The backup, by id, or by name. A name is looked up among the backups of O(source_disk)
        (default O(disk)).
    type: str
    required: true
  backend:
    description: The service that holds the backup.
    type: str
    choices: [cbr, vbs]
    default: cbr
  disk:
    description: The disk to restore onto (name or id). Default the backup's own disk.
    type: str
    aliases: [volume]
  source_disk:
    description:
      - The disk the backup was taken of (name or id), to find a backup by name when restoring
        onto another disk. Default O(disk).
    type: str
  replica_source_disk_id:
    description:
      - Restore a replica (O(backup) is a CBR backup copied here from another region) onto O(disk), a
        disk of the connection's region. The id of the disk in the source region that the replica is a
        copy of (the replica's C(disk_id), as M(dataprotection.evs.backup_replica_info) lists it).
      - A replica restored onto a disk replaces that disk's data with another disk's, so the module
        restores a replica only when this option names the replica's recorded source disk; a replica of
        any other disk, or a replica without this option, is refused before any change. O(backup) by
        name is looked up among the replicas of that disk.
      - Needs O(disk); excludes O(source_disk); CBR only.
    type: str
    version_added: 1.1.0
  overwrite:
    description:
      - Confirm that the target disk's current data is to be replaced by the backup's. Without
        it a restore is refused (nothing is sent).
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.restore_record
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Bring db01 back to last night's backup
  dataprotection.evs.backup_restore:
    cloud: otc
    disk: db01
    backup: db01-2026-11-25
    overwrite: true
    request_id: INC-2211

- name: While eu-de is down, write the eu-nl replica of db01's backup onto a disk in eu-nl
  dataprotection.evs.backup_restore:
    cloud: otc-eu-nl
    backup: 0e2b6b4c-9d1c-4f0a-8c53-2f4f3d7a9e11
    replica_source_disk_id: 5b1c3a0e-7f8d-4c2e-9a61-0d4e8f2b7c35
    disk: db01-nl
    overwrite: true
    request_id: INC-2212

- name: Restore a VBS backup onto a spare disk
  dataprotection.evs.backup_restore:
    cloud: otc
    backend: vbs
    source_disk: db01
    backup: db01-full
    disk: db01-spare
    overwrite: true
'''

RETURN = r'''
disk:
  description:
    - The target disk after the restore, or as predicted in check mode. Its C(metadata) holds the record
      (C(dp_evs_restore_backup_id), C(dp_evs_restore_at), C(dp_evs_restore_request_id)).
  returned: success
  type: dict
backup:
  description: The backup, with the keys of the C(backup) result of M(dataprotection.evs.backup).
  returned: success
  type: dict
restored_at:
  description: When the restore recorded on the disk was started (the cloud's time, UTC).
  returned: success
  type: str
  sample: "2026-11-25T10:00:00Z"
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_FIELDS, backup_api, describe_backup, refuse_restore)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_restore import BackupSourceAction
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import describe_disk
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    BACKUP_RESTORE, request_id_argument_spec)


class BackupRestoreModule(BackupSourceAction):
    """A restore: the action engine (module_utils/action.py) with the backup as the source, found
    (a replica of another region's disk included) by module_utils/backup_restore.py."""

    argument_spec = dict(
        backup=dict(type='str', required=True),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        disk=dict(type='str', aliases=['volume']),
        source_disk=dict(type='str'),
        replica_source_disk_id=dict(type='str'),
        overwrite=dict(type='bool', default=False),
        **request_id_argument_spec()
    )
    kind = source_option = source_key = 'backup'
    source_fields = BACKUP_FIELDS
    record = BACKUP_RESTORE
    at_key = 'restored_at'
    content_key = 'content_from_backup'
    done = 'restored'
    confirm_option = 'overwrite'

    @property
    def api(self):
        return backup_api(self.client, self.params['backend'])

    def label(self, source, target):
        return '%s onto %s' % (describe_backup(source), describe_disk(target))

    def check(self, label, source, target):
        refuse_restore(label, source, target)

    def start(self, source, target):
        return self.api.restore(source['id'], target['id'])

    def after_start(self, source, target, label, started):
        """The restore's job (VBS; ``started`` is its id), then the disk and the backup available again."""
        api, disk_label = self.api, 'disk of restore of ' + label
        return [self.until_job_done(api, started, 'restore of ' + label),
                self.until_available('target', lambda: self.evs.get_volume(target['id']), disk_label),
                self.until_available('source', lambda: api.get(source['id']), describe_backup(source))]


def main():
    BackupRestoreModule.execute()


if __name__ == '__main__':
    main()
