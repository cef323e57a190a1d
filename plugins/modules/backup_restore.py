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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_FIELDS, DISK_RESTORABLE, backup_api, describe_backup, find_backup)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import VOLUME_FIELDS, describe_disk
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    BACKUP_RESTORE as RECORD, DONE, RUNNING, request_id_argument_spec)


class BackupRestoreModule(EvsModule):
    waits_in_steps = True
    argument_spec = dict(
        backup=dict(type='str', required=True),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        disk=dict(type='str', aliases=['volume']),
        source_disk=dict(type='str'),
        overwrite=dict(type='bool', default=False),
        **request_id_argument_spec()
    )
    kind = 'backup'
    result_fields = VOLUME_FIELDS

    def validate(self):
        self.validate_text('backup', self.params['backup'], required=True)
        RECORD.validate_request_id(self.params['request_id'])

    def run(self):
        params, evs = self.params, self.evs
        api = backup_api(self.client, params['backend'])
        target = evs.find_volume(params['disk'], required=True) if params['disk'] else None
        source = target
        if params['source_disk']:
            source = evs.find_volume(params['source_disk'], required=True)
        backup = find_backup(api, params['backup'], disk=source, required=True)
        if target is None:
            target = evs.get_volume(backup['disk_id'])
            if target is None:
                raise ResourceError("%s cannot be restored onto its disk %s: the disk no longer exists; create a "
                                    "new disk from the backup (dataprotection.evs.disk, backup: %s)"
                                    % (describe_backup(backup), backup['disk_id'], backup['id']))
        label = '%s onto %s' % (describe_backup(backup), describe_disk(target))
        metadata = target.get('metadata') or {}
        result = {'changed': False, 'backup': self.shape(backup, BACKUP_FIELDS)}
        request_id = params['request_id']
        decision = RECORD.decide(metadata, backup['id'], target.get('status'), request_id, params['force'], label)
        if decision in (DONE, RUNNING):
            if decision == RUNNING and params['wait']:
                # the restore the record stands for still runs (a rerun after wait: false or a timeout)
                backup, target = self.wait_restored(api, backup, target, label)
            result.update(disk=self.shape(target), backup=self.shape(backup, BACKUP_FIELDS),
                          restored_at=metadata.get(RECORD.at_key))
            return result
        self.check_restore(label, backup, target)

        restored_at = self.cloud_time()
        marks = RECORD.marks(backup['id'], restored_at, request_id)
        if self.check_mode:
            target = self.predict(target, marks)
        else:
            try:
                job_id = api.restore(backup['id'], target['id'])
            except CloudError as exc:
                raise ResourceError('%s cannot be restored: %s' % (label, exc.message or exc), cause=exc)
            # recorded as soon as the cloud accepted it, so that no rerun of this request starts it a second time
            evs.update_volume_metadata(target['id'], marks)
            if params['wait']:
                # the waited-for disk already holds the record written above
                backup, target = self.wait_restored(api, backup, target, label, job_id)
            else:
                target = evs.get_volume(target['id'])
        result.update(changed=True, disk=self.shape(target), backup=self.shape(backup, BACKUP_FIELDS),
                      restored_at=restored_at)
        if self.diff_mode:
            result['diff'] = RECORD.diff(metadata, marks, 'content_from_backup', predicted=self.check_mode)
        return result

    def wait_restored(self, api, backup, disk, label, job_id=None):
        """Wait for the restore (VBS: its job first), then for the disk and the backup to be available."""
        waiter = self.waiter()
        if job_id:
            api.wait_job(waiter, job_id, 'restore of ' + label)
        disk = waiter.for_status(lambda: self.evs.get_volume(disk['id']), 'disk of restore of ' + label)
        backup = waiter.for_status(lambda: api.get(backup['id']), describe_backup(backup))
        return backup, disk

    def check_restore(self, label, backup, disk):
        """Refuse what the cloud would refuse, and an unconfirmed overwrite, before any change."""
        if backup.get('status') != 'available':
            raise ResourceError('%s cannot be restored: the backup is %s; it must be available'
                                % (label, backup.get('status')))
        status = disk.get('status')
        if status == 'in-use' or disk.get('attachments'):
            servers = ', '.join(a.get('server_id') or '?' for a in disk.get('attachments') or []) or '(unknown)'
            raise ResourceError('%s cannot be restored: the disk is in-use (attached to server %s); detach it '
                                'first' % (label, servers))
        if status not in DISK_RESTORABLE:
            raise ResourceError('%s cannot be restored: the disk is %s; it must be available' % (label, status))
        if backup.get('size') and disk.get('size') and int(disk['size']) < int(backup['size']):
            raise ResourceError('%s cannot be restored: the disk (%s GB) is smaller than the backup (%s GB)'
                                % (label, disk['size'], backup['size']))
        if not self.params['overwrite']:
            raise ResourceError('%s would replace all data on the disk; set overwrite: true to confirm' % label)

    def predict(self, disk, marks):
        predicted = dict(disk)
        predicted['metadata'] = dict(disk.get('metadata') or {}, **marks)
        predicted['status'] = 'available' if self.params['wait'] else 'restoring-backup'
        return predicted


def main():
    BackupRestoreModule.execute()


if __name__ == '__main__':
    main()
