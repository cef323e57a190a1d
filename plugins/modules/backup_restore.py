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
error:
  description: The cloud's error when a request failed (C(status), C(code), C(message), C(request_id)).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.action import RecordedAction
from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_FIELDS, CBRReplication, backup_api, describe_backup, find_backup, refuse_restore)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import describe_disk, looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    BACKUP_RESTORE, request_id_argument_spec)


class BackupRestoreModule(RecordedAction):
    """A restore: the action engine (module_utils/action.py) with the backup as the source."""

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

    def validate(self):
        super(BackupRestoreModule, self).validate()
        params = self.params
        if params['replica_source_disk_id'] is None:
            return
        self.validate_text('replica_source_disk_id', params['replica_source_disk_id'], required=True)
        if params['backend'] != 'cbr':
            raise ResourceError('replica_source_disk_id restores a CBR replica; VBS has no replicas')
        if not params['disk']:
            raise ResourceError('replica_source_disk_id needs disk: the disk of this region to restore the replica '
                                'onto (the replica\'s own disk is in its source region)')
        if params['source_disk']:
            raise ResourceError('replica_source_disk_id and source_disk exclude each other: a replica\'s disk is in '
                                'its source region, named by replica_source_disk_id')

    def find(self):
        params, evs = self.params, self.evs
        target = evs.find_volume(params['disk'], required=True) if params['disk'] else None
        if params['replica_source_disk_id']:
            return self.find_replica(target), target
        source = evs.find_volume(params['source_disk'], required=True) if params['source_disk'] else target
        try:
            backup = find_backup(self.api, params['backup'], disk=source, required=True)
        except ResourceError:
            self.refuse_unnamed_replica(target)
            raise
        target = target or evs.get_volume(backup['disk_id'])
        if target is None:
            self.refuse_unnamed_replica(None)
            raise ResourceError("%s cannot be restored onto its disk %s: the disk no longer exists; create a "
                                "new disk from the backup (dataprotection.evs.disk, backup: %s)"
                                % (describe_backup(backup), backup['disk_id'], backup['id']))
        return backup, target

    def find_replica(self, target):
        """The replica ``backup`` of the disk ``replica_source_disk_id``; a replica of another disk, or a
        backup that is not a replica, is refused (GETs only)."""
        params = self.params
        origin = params['replica_source_disk_id']
        replicas = CBRReplication(self.client)
        raw = replicas.get_raw(params['backup']) if looks_like_id(params['backup']) else None
        if raw is None:  # by name, among the copies of that disk
            raw = replicas.get_raw(find_backup(self.api, params['backup'], disk={'id': origin, 'name': origin},
                                               required=True)['id'])
        backup = self.api.normalise(raw)
        if raw.get('resource_id') != origin:
            raise ResourceError(
                "%s is a copy of disk %s ('%s'), not of disk %s (replica_source_disk_id): restoring it onto %s "
                "would replace that disk's data with another disk's; nothing was changed"
                % (describe_backup(backup), raw.get('resource_id'), raw.get('resource_name'), origin,
                   describe_disk(target)))
        if raw.get('image_type', 'backup') != 'replication':
            raise ResourceError('%s is not a replica (a backup copied from another region): replica_source_disk_id '
                                'is for replicas; restore a backup of this region with source_disk; nothing was '
                                'changed' % describe_backup(backup))
        return backup

    def refuse_unnamed_replica(self, target):
        """A replica given by id without replica_source_disk_id: say what it is and how to confirm."""
        if self.params['backend'] != 'cbr' or not looks_like_id(self.params['backup']):
            return
        raw = CBRReplication(self.client).get_raw(self.params['backup'])
        if raw and raw.get('image_type') == 'replication':
            raise ResourceError(
                "%s is a replica of disk %s ('%s') of another region: restoring it onto %s replaces that disk's data "
                "with the data of disk %s; set replica_source_disk_id: %s to confirm; nothing was changed"
                % (describe_backup(self.api.normalise(raw)), raw.get('resource_id'), raw.get('resource_name'),
                   describe_disk(target) if target else 'a disk', raw.get('resource_id'), raw.get('resource_id')))

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
