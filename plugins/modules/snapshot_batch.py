#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: snapshot_batch
short_description: Create or delete many EVS snapshots in one call, and wait for all together
version_added: 1.1.0
description:
  - Makes sure each snapshot of a list exists (or not), like M(dataprotection.evs.snapshot) does
    for one, but in one module call; use it instead of a loop over
    M(dataprotection.evs.snapshot) when many disks are snapshotted or pruned at once.
  - Reads every disk and snapshot with a few list requests (one per distinct snapshot name, or
    one listing of the project when that takes fewer requests), sends every create, update or
    delete, then waits for all of them together with one read per poll round, so the wait is
    paid once and not once per disk.
  - The whole batch is checked before any mutating request is sent. When one item cannot be
    done (a disk that does not exist, is C(in-use) without O(snapshots[].force), or is in a
    status that cannot be snapshotted; a snapshot that cannot be deleted now), nothing is
    changed and the message names every refused item.
  - A snapshot that fails after the batch started (the cloud refuses the create, or it goes to
    C(error)) does not stop the others; the module fails at the end, names the failed items, and
    still returns every item's result.
  - An existing snapshot is kept as is (a snapshot's content never changes); only its
    description and metadata are updated. One that is still C(creating) is waited for
    (O(wait=true)) instead of taken again.
  - With O(owner_metadata), an existing snapshot is only updated, waited for or deleted when its
    metadata already carries every pair of O(owner_metadata); one that does not (a snapshot taken by
    hand, or by another policy, under the same name) is never adopted, re-marked or deleted; that
    element fails, the others are still done, and the module fails at the end naming it.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  snapshots:
    description:
      - The snapshots. A disk and name pair may appear only once.
      - Give either O(snapshots) or O(disks).
    type: list
    elements: dict
    suboptions:
      disk:
        description: The disk the snapshot belongs to, by name or id.
        type: str
        required: true
      name:
        description: Name of the snapshot (unique per disk), or its id.
        type: str
        required: true
      description:
        description: Description of the snapshot (up to 255 bytes); default O(description).
        type: str
      metadata:
        description:
          - Metadata of the snapshot, merged into an existing snapshot's metadata (keys it
            does not name are kept); default O(metadata).
        type: dict
      force:
        description:
          - Snapshot a disk that is attached to a server (status C(in-use)). Without it such a
            disk is refused before any request is sent. Default O(force).
        type: bool
      owner_metadata:
        description:
          - Metadata pairs that mark the snapshot as its owner's; default O(owner_metadata).
        type: dict
  disks:
    description:
      - A snapshot named O(name) of each of these disks (names or ids), with O(description),
        O(metadata) and O(force); the short form of O(snapshots) when all snapshots look alike.
    type: list
    elements: str
  name:
    description: Name of the snapshot of each of O(disks) (or its id). Required with O(disks).
    type: str
  description:
    description: Description of every snapshot that does not give its own.
    type: str
  metadata:
    description: Metadata of every snapshot that does not give its own.
    type: dict
  force:
    description: Whether to snapshot C(in-use) disks, for every snapshot that does not say.
    type: bool
    default: false
  owner_metadata:
    description:
      - Metadata pairs that mark a snapshot as made by its owner (the DR roles pass
        C(dp_evs_policy) and C(dp_evs_tier)), for every snapshot that does not give its own.
      - A snapshot this module creates gets them (merged into its O(metadata)).
      - An existing snapshot that lacks any of them (or has another value) is left untouched, and
        its element fails; without O(owner_metadata) any snapshot of that name is taken as it is.
    type: dict
  state:
    description: Whether the snapshots should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.batch
  - dataprotection.evs.concurrency
notes:
  - O(wait) and O(wait_timeout) apply to the whole batch; a timeout names the snapshots still
    pending with their last status, and running the task again picks them up.
  - EVS allows at most 7 manual snapshots per disk; a batch that would give a disk more is
    refused before any request, naming the disk.
  - EVS takes one snapshot of a disk at a time. With O(wait=true) a snapshot of a disk that is
    still taking another one (or is C(backing-up)) is created once the disk is free; with
    O(wait=false) such a batch is refused before any request.
seealso:
  - module: dataprotection.evs.snapshot
'''

EXAMPLES = r'''
- name: Snapshot two disks and wait for both together
  dataprotection.evs.snapshot_batch:
    cloud: otc
    snapshots:
      - disk: db01
        name: daily-2026-11-25
        metadata: {purpose: daily}
      - disk: db02
        name: daily-2026-11-25
        force: true

- name: Snapshot every disk that disk_info found, in one call
  dataprotection.evs.snapshot_batch:
    cloud: otc
    disks: "{{ web_disks.disks | map(attribute='id') }}"
    name: before-upgrade
    force: true
    metadata:
      change: CHG-1234

- name: Take the policy's snapshot, but never adopt one of that name that the policy did not make
  dataprotection.evs.snapshot_batch:
    cloud: otc
    disks: [db01, db02]
    name: db-daily-20261125T0000Z
    owner_metadata: {dp_evs_policy: db, dp_evs_tier: daily}

- name: Delete snapshots by id (a snapshot is only deleted from the disk given with it)
  dataprotection.evs.snapshot_batch:
    cloud: otc
    state: absent
    snapshots:
      - disk: db01
        name: 5bc1d3f6-0b4a-4a40-9d2d-2b6cf5a1f2a0
      - disk: db02
        name: daily-2026-11-18
'''

RETURN = r'''
snapshots:
  description: One result per element of O(snapshots), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the element in O(snapshots).
      type: int
    action:
      description:
        - What was done (or would be, in check mode) - C(create), C(update), C(delete), C(wait)
          (an existing snapshot was still on its way to the wanted state) or C(none).
      type: str
      sample: create
    changed:
      description: Whether this snapshot changed.
      type: bool
    failed:
      description: Whether this snapshot failed after the batch started.
      type: bool
    msg:
      description: Why it failed (C(null) otherwise).
      type: str
    snapshot:
      description:
        - The snapshot as the cloud shows it (C(null) when it does not exist or was deleted), with
          the keys of RV(dataprotection.evs.snapshot#module:snapshot).
      type: dict
      sample:
        id: 5bc1d3f6-0b4a-4a40-9d2d-2b6cf5a1f2a0
        name: daily-2026-11-25
        status: available
        volume_id: 0f5b1a2c-7d1e-4b7a-9c55-7f2a3c1d9e10
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import ParentedBatchModule
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    BACKUP_SNAPSHOT_NOTE, SNAPSHOT_DELETABLE, SNAPSHOT_FIELDS, SnapshotsOfDisks, made_by_backup,
    snapshot_disk_problem, validate_snapshot_options)


class SnapshotBatchModule(ParentedBatchModule):
    """Snapshots of disks: the batch engine (module_utils/batch.py) reads, plans, creates once
    each disk is free, waits for all together and settles races; this declares the snapshot's rules."""

    argument_spec = dict(
        snapshots=dict(type='list', elements='dict', options=dict(
            disk=dict(type='str', required=True),
            name=dict(type='str', required=True),
            description=dict(type='str'),
            metadata=dict(type='dict'),
            force=dict(type='bool'),
            owner_metadata=dict(type='dict'),
        )),
        disks=dict(type='list', elements='str'),
        name=dict(type='str'),
        description=dict(type='str'),
        metadata=dict(type='dict'),
        force=dict(type='bool', default=False),
        owner_metadata=dict(type='dict'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )
    module_kwargs = dict(mutually_exclusive=[('snapshots', 'disks')], required_one_of=[('snapshots', 'disks')],
                         required_by={'disks': 'name'})
    items_option = 'snapshots'
    kind = 'snapshot'
    result_fields = SNAPSHOT_FIELDS
    server_defaults = {'description': '', 'metadata': {}}
    resource_type = SnapshotsOfDisks

    def validate_item(self, item):
        validate_snapshot_options(self.validate_text, item.params, self.params['state'])

    def refuse_create(self, item):
        return snapshot_disk_problem(item.parent, item.params['force'])

    def refuse_delete(self, current):
        if made_by_backup(current):
            return 'it was made by a backup (%s)' % BACKUP_SNAPSHOT_NOTE
        if current.get('status') not in SNAPSHOT_DELETABLE:
            return 'it is %s' % current.get('status')
        return None


def main():
    SnapshotBatchModule.execute()


if __name__ == '__main__':
    main()
