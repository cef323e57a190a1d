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
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import BackupResource


class BackupModule(BackupResource):
    argument_spec = dict(
        name=dict(type='str', required=True),
        disk=dict(type='str', aliases=['volume'], required=True),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        vault=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        description=dict(type='str'),
        incremental=dict(type='bool', aliases=['is_incremental'], default=True),
    )


def main():
    BackupModule.execute()


if __name__ == '__main__':
    main()
