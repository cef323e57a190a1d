#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_batch
short_description: Take many backups of EVS disks (CBR or VBS) in one call, and wait for all together
version_added: 1.1.0
description:
  - Makes sure each backup of a list exists, like M(dataprotection.evs.backup) does for one, but
    in one module call; use it instead of a loop over M(dataprotection.evs.backup) when many
    disks are backed up at once.
  - Reads every disk and backup with a few list requests (one per distinct backup name, or one
    listing of the project when that takes fewer requests; for CBR one listing of the vaults),
    starts every backup, then waits for all of them together with one listing per poll round.
  - The whole batch is checked before any backup is started. When one item cannot be done (a disk
    that does not exist or is in a status that cannot be backed up, a vault that does not exist
    or is not a disk vault, a disk that belongs to another vault, an existing backup of that name
    in another vault, a busy disk with O(wait=false)), nothing is changed and the message names
    every refused item.
  - A backup of that name of that disk that exists already, or is still being taken (by an earlier
    run whose wait gave up, or by another run), is never started again; one that is still being
    taken is waited for (O(wait=true)). An existing backup is never changed.
  - A backup that fails after the batch started (the cloud refuses it, or it goes to C(error))
    does not stop the others; the module fails at the end, names the failed items, and still
    returns every item's result.
  - A disk of a CBR backup that is in no vault yet is added to its O(backups[].vault) first (one
    request per vault for all its disks).
  - The module only takes backups; M(dataprotection.evs.backup) deletes one, and the backup
    policies' retention prunes them.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backups:
    description:
      - The backups. A disk and name pair may appear only once.
      - Give either O(backups) or O(disks).
    type: list
    elements: dict
    suboptions:
      disk:
        description: The disk the backup is taken of, by name or id.
        type: str
        required: true
      name:
        description:
          - Name of the backup (unique per disk), or its id. 1 to 64 letters, digits, C(_) or C(-);
            names starting with C(autobk_) (CBR) or C(auto) (VBS) are reserved for policy backups.
        type: str
        required: true
      vault:
        description:
          - CBR vault (name or id) to take the backup in; default O(vault). In check mode also the
            RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same check run would create.
        type: str
      description:
        description: Description of a new backup; default O(description).
        type: str
      incremental:
        description: Take an incremental backup; default O(incremental).
        type: bool
  disks:
    description:
      - A backup named O(name) of each of these disks (names or ids), with O(vault),
        O(description) and O(incremental); the short form of O(backups).
    type: list
    elements: str
  name:
    description: Name of the backup of each of O(disks). Required with O(disks).
    type: str
  backend:
    description: The service that holds the backups (all of them).
    type: str
    choices: [cbr, vbs]
    default: cbr
  vault:
    description:
      - CBR vault (name or id) of every backup that does not give its own. A CBR backup needs a
        vault; VBS backups have none. A disk can be in one vault only; a disk in another vault is refused.
      - In check mode also the RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same check run would create.
    type: str
  description:
    description:
      - Description of every new backup that does not give its own (VBS at most 64 characters
        without C(<) or C(>); CBR 255).
    type: str
  incremental:
    description:
      - Take incremental backups (only the blocks changed since the disk's previous backup). The
        first backup of a disk is always full. V(false) forces full backups.
    type: bool
    default: true
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.batch
  - dataprotection.evs.concurrency
notes:
  - O(wait) and O(wait_timeout) apply to the whole batch; a timeout names the backups still
    pending with their last status, and running the task again waits for them (it starts none of
    them again).
  - A backup starts with a snapshot of the disk, and EVS takes one at a time. With O(wait=true) a
    backup of a disk that is C(backing-up), takes another backup or a snapshot, or that this batch
    backs up twice, is started once the disk is free; with O(wait=false) such a batch is refused
    before any request.
  - Two runs at once that start the same backup each keep the first one made; a run deletes only
    the copy it made itself.
seealso:
  - module: dataprotection.evs.backup
  - module: dataprotection.evs.snapshot_batch
'''

EXAMPLES = r'''
- name: Back up two disks into a CBR vault and wait for both together
  dataprotection.evs.backup_batch:
    cloud: otc
    vault: disk-backups
    backups:
      - disk: db01
        name: db01-2026-11-25
      - disk: db02
        name: db02-2026-11-25
        description: before the upgrade

- name: A VBS backup of every disk that disk_info found, started in one call, not waited for
  dataprotection.evs.backup_batch:
    cloud: otc
    backend: vbs
    disks: "{{ web_disks.disks | map(attribute='id') }}"
    name: before-upgrade
    wait: false
'''

RETURN = r'''
backups:
  description: One result per element of O(backups), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the element in O(backups).
      type: int
    action:
      description:
        - What was done (or would be, in check mode) - C(create), C(wait) (an existing backup
          was still being taken) or C(none).
      type: str
      sample: create
    changed:
      description: Whether this backup was started.
      type: bool
    failed:
      description: Whether this backup failed after the batch started.
      type: bool
    msg:
      description: Why it failed (C(null) otherwise).
      type: str
    backup:
      description:
        - The backup as the cloud shows it (C(null) only when it vanished), with the keys of
          RV(dataprotection.evs.backup#module:backup); a check-mode prediction has the same keys.
      type: dict
      sample:
        id: 4d9b1f2e-6a0c-4c55-9e3a-2f1b7c0d8e21
        name: db01-2026-11-25
        status: available
        backend: cbr
        disk_id: 0f5b1a2c-7d1e-4b7a-9c55-7f2a3c1d9e10
        vault_id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f
    predicted_ref:
      description:
        - Only in check mode, when the backup would be taken - a placeholder
          (C(predicted-by-check-mode:backup@<disk id>:<name>)) that stands for it in later tasks of the
          same check run, so that they predict their own change with it (in check mode only - it names
          nothing on the cloud). The backups of a batch share their name, so the placeholder names the disk too.
        - O(dataprotection.evs.backup_replica_batch#module:backups[].backup), with this item result in
          O(dataprotection.evs.backup_replica_batch#module:predicted_backups)
      returned: check mode, when the backup would be taken
      type: str
      sample: predicted-by-check-mode:backup@0f5b1a2c-7d1e-4b7a-9c55-7f2a3c1d9e10:db01-2026-11-25
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_batch import BackupBatchResource


class BackupBatchModule(BackupBatchResource):
    argument_spec = dict(
        backups=dict(type='list', elements='dict', options=dict(
            disk=dict(type='str', required=True),
            name=dict(type='str', required=True),
            vault=dict(type='str'),
            description=dict(type='str'),
            incremental=dict(type='bool'),
        )),
        disks=dict(type='list', elements='str'),
        name=dict(type='str'),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        vault=dict(type='str'),
        description=dict(type='str'),
        incremental=dict(type='bool', default=True),
    )
    module_kwargs = dict(mutually_exclusive=[('backups', 'disks')], required_one_of=[('backups', 'disks')],
                         required_by={'disks': 'name'})


def main():
    BackupBatchModule.execute()


if __name__ == '__main__':
    main()
