#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup
short_description: Take or delete a backup of an EVS disk (CBR or VBS)
version_added: 1.0.0
description:
  - Makes sure a backup with a given name of a disk exists (or not). Backup names are unique per
    disk. A backup is a point-in-time copy kept in object storage apart from the disk; it
    outlives the disk and can be restored onto it (M(dataprotection.evs.backup_restore)) or
    become a new disk in any availability zone of the region (M(dataprotection.evs.disk) with
    O(dataprotection.evs.disk#module:backup)).
  - Two services hold disk backups. CBR (Cloud Backup and Recovery, the default) keeps them in a
    vault; a disk that is in no vault yet is added to O(vault) first. VBS (Volume Backup
    Service, its predecessor) needs no vault.
  - An existing backup is never changed (its content is a point in time); O(description) and
    O(incremental) only apply when a backup is taken.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description:
      - Name of the backup (unique per disk), or its id. 1 to 64 letters, digits, C(_) or C(-);
        names starting with C(autobk_) (CBR) or C(auto) (VBS) are reserved for policy backups.
    type: str
    required: true
  disk:
    description:
      - The disk the backup is (to be) taken of, by name or id.
      - With O(state=absent) the id of a deleted disk works too (its backups outlive it); for
        CBR also the name the disk had.
    type: str
    aliases: [volume]
    required: true
  backend:
    description: The service that holds the backup.
    type: str
    choices: [cbr, vbs]
    default: cbr
  vault:
    description:
      - CBR vault (name or id) to take the backup in. Required to take a CBR backup. A disk can
        be in one vault only; a disk in another vault is refused.
    type: str
  state:
    description: Whether the backup should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of a new backup (VBS at most 64 characters without C(<) or C(>); CBR 255).
    type: str
  incremental:
    description:
      - Take an incremental backup (only the blocks changed since the disk's previous backup).
        The first backup of a disk is always full. V(false) forces a full backup.
    type: bool
    aliases: [is_incremental]
    default: true
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
  - dataprotection.evs.progress
notes:
  - The backup of an attached (C(in-use)) disk is crash-consistent. While it runs, the disk
    shows the status C(backing-up).
  - With the default O(wait=true) the module returns when the backup is C(available) (for VBS
    its backup job is read too; a failed job fails the task with the job's reason).
  - A backup starts with a snapshot of the disk, and EVS takes one at a time. While a snapshot
    of the disk is C(creating) or another backup runs (C(backing-up)), the module waits for it
    (O(wait=true)) or fails before any request (O(wait=false)).
  - CBR may queue a backup first (C(waiting_protect)); it is waited for like C(protecting).
'''

EXAMPLES = r'''
- name: Back up the database disk into a CBR vault
  dataprotection.evs.backup:
    cloud: otc
    disk: db01
    vault: disk-backups
    name: db01-2026-11-25
    description: nightly

- name: A full VBS backup
  dataprotection.evs.backup:
    cloud: otc
    backend: vbs
    disk: db01
    name: db01-full
    incremental: false

- name: Delete a backup of a disk that no longer exists
  dataprotection.evs.backup:
    cloud: otc
    disk: 0b6c3e4e-6cc4-4a4c-9c1e-9b1f8f0d1a11
    name: db01-2026-11-25
    state: absent
'''

RETURN = r'''
backup:
  description: The backup as the cloud shows it (C(null) after a delete), in the same shape for both services.
  returned: always
  type: dict
  contains:
    id:
      description: Backup id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Backup name.
      type: str
    description:
      description: Description.
      type: str
    status:
      description:
        - Status as the service shows it; C(available) when usable. In progress C(creating) (VBS)
          or C(protecting) (CBR); C(restoring), C(deleting), C(error).
      type: str
      sample: available
    backend:
      description: C(cbr) or C(vbs).
      type: str
    disk_id:
      description: Id of the disk the backup was taken of (it may no longer exist).
      type: str
    disk_name:
      description: Name of the disk at backup time (CBR only; C(null) for VBS).
      type: str
    size:
      description: Size of the disk in GB; a disk restored from the backup needs at least this size.
      type: int
    availability_zone:
      description: Availability zone of the disk at backup time.
      type: str
    vault_id:
      description: CBR vault holding the backup (C(null) for VBS).
      type: str
    checkpoint_id:
      description: CBR checkpoint (restore point) of the backup (C(null) for VBS).
      type: str
    incremental:
      description: Whether the backup is incremental.
      type: bool
    created_at:
      description: Creation time (UTC) as the cloud gives it.
      type: str
    updated_at:
      description: Last update time (UTC).
      type: str
error:
  description:
    - The cloud's error when a request failed; C(status) (HTTP), C(code) (the cloud's, for example
      C(BackupService.6113) or C(VolumeBackup.0012)), C(message), C(request_id).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETABLE, BACKUP_DELETING, BACKUP_FIELDS, BACKUP_TRANSITIONAL, DISK_BACKUPABLE, backup_api,
    backup_created, check_backup_name, describe_backup, find_backup)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import DISK_BUSY, busy_with, looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Pending


class BackupModule(ResourceModule):
    waits_in_steps = True
    argument_spec = dict(
        name=dict(type='str', required=True),
        disk=dict(type='str', aliases=['volume'], required=True),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        vault=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        description=dict(type='str'),
        incremental=dict(type='bool', aliases=['is_incremental'], default=True),
    )
    kind = result_key = 'backup'
    result_fields = BACKUP_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    deletable = BACKUP_DELETABLE

    def validate(self):
        params = self.params
        self.validate_text('name', params['name'], required=True)
        self.validate_text('disk', params['disk'], required=True)
        if params['state'] == 'present':
            check_backup_name(params['name'], params['backend'])
            if params['backend'] == 'cbr' and not params['vault']:
                raise ResourceError('vault is required to take a CBR backup (backend: cbr)')
            if params['backend'] == 'vbs' and params['vault']:
                raise ResourceError('vault is a CBR option; VBS backups have no vault')
            if params['backend'] == 'vbs' and params['description'] and (
                    len(params['description']) > 64 or set(params['description']) & set('<>')):
                raise ResourceError('description is invalid for VBS: at most 64 characters, no < or >')
        self.validate_text('description', params['description'])

    @property
    def api(self):
        return backup_api(self.client, self.params['backend'])

    def find(self):
        params = self.params
        present = params['state'] == 'present'
        self.vault = None
        if params['backend'] == 'cbr' and params['vault']:
            self.vault = self.api.find_vault(params['vault'], required=present)
        self.disk = self.evs.find_volume(params['disk'], required=present and not looks_like_id(params['disk']))
        if self.disk is None:
            if present:
                raise ResourceError("disk '%s' not found" % params['disk'])
            if looks_like_id(params['disk']):  # a deleted disk: its backups are still there
                self.disk = {'id': params['disk'], 'name': None}
            else:  # CBR remembers the name the disk had
                found = [b for b in self.api.list(name=params['name']) if b.get('disk_name') == params['disk']]
                return found[0] if len(found) == 1 else None
        return find_backup(self.api, params['name'], disk=self.disk)

    def fetch(self, resource_id):
        return self.api.get(resource_id)

    def namesakes(self):
        return self.api.list(disk_id=self.disk['id'], name=self.params['name'],
                             vault_id=self.vault['id'] if self.vault else None)

    def label(self, resource):
        return describe_backup(resource or {'name': self.params['name']},
                               getattr(self, 'disk', None) or {'name': self.params['disk']})

    def desired(self, current):
        if current is not None:
            return {}
        disk = self.disk
        previous = self.api.list(disk_id=disk['id'], status='available',
                                 vault_id=self.vault['id'] if self.vault else None)
        return {'name': self.params['name'], 'description': self.params['description'],
                'backend': self.params['backend'], 'disk_id': disk['id'], 'disk_name': (
                    disk.get('name') if self.params['backend'] == 'cbr' else None),
                'size': disk.get('size'), 'availability_zone': disk.get('availability_zone'),
                'vault_id': self.vault['id'] if self.vault else None,
                'incremental': bool(self.params['incremental'] and previous)}

    def check_create(self, desired):
        label = self.label(None)
        status = self.disk.get('status')
        if status not in DISK_BACKUPABLE + DISK_BUSY:
            raise ResourceError('%s cannot be taken: the disk is %s; it must be available or in-use' % (label, status))
        # the cloud refuses a backup while the disk takes a snapshot or another backup
        self.busy = busy_with(self.disk, self.evs.list_snapshots(volume_id=self.disk['id'], status='creating'))
        if self.busy and not self.params['wait']:
            raise ResourceError('%s cannot be taken now: %s, and a disk takes one snapshot or backup at a time; run '
                                'again later or with wait: true to wait for it' % (label, self.busy))
        if self.vault is not None:
            self.holder = self.api.vault_of_disk(self.disk['id'])
            if self.holder is not None and self.holder['id'] != self.vault['id']:
                raise ResourceError("%s cannot be taken in vault '%s': the disk belongs to vault '%s' (a disk can "
                                    "be in one vault only)" % (label, self.vault.get('name'), self.holder.get('name')))
            billing = self.vault.get('billing') or {}
            if billing.get('object_type') not in (None, 'disk'):
                raise ResourceError("%s cannot be taken in vault '%s': it is a %s vault, not a disk vault" % (
                    label, self.vault.get('name'), billing.get('object_type')))

    def check_update(self, current, changes):
        if self.vault is not None and current.get('vault_id') not in (None, self.vault['id']):
            raise ResourceError("%s exists in vault %s, not in vault '%s'; backups cannot move between vaults" % (
                self.label(current), current.get('vault_id'), self.params['vault']))

    def before_create(self, desired):  # the cloud would refuse the backup until the disk is free
        return Pending(self.disk, self.evs.until_free(self.disk, self.label(None))) if self.busy else None

    def create(self, desired):
        if self.vault is not None and getattr(self, 'holder', None) is None:
            self.api.add_disk(self.vault['id'], self.disk)
        backup = self.api.create(self.disk, desired['name'], desired['description'], self.params['incremental'],
                                 vault=self.vault)
        return backup_created(self.api, backup, lambda: find_backup(self.api, desired['name'], disk=self.disk),
                              self.label)

    def delete(self, current):
        self.api.delete(current['id'])
        return Pending(current, Gone())

    def run_present(self, current):
        result = super(BackupModule, self).run_present(current)
        existing = current is not None and self.params['description'] is not None
        if existing and self.params['description'] != (current.get('description') or ''):
            self.module.warn('%s exists with another description; a backup is never changed' % self.label(current))
        return result


def main():
    BackupModule.execute()


if __name__ == '__main__':
    main()
