#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: snapshot
short_description: Create, update or delete a snapshot of an EVS disk
version_added: 1.0.0
description:
  - Makes sure a snapshot with a given name exists (or not) on a disk. Snapshot names are
    unique per disk; an existing snapshot is kept as is (a snapshot's content never changes),
    only its description and metadata are updated.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the snapshot (unique per disk), or its id.
    type: str
    required: true
  disk:
    description: The disk the snapshot belongs to, by name or id.
    type: str
    aliases: [volume]
    required: true
  state:
    description: Whether the snapshot should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the snapshot (up to 255 bytes).
    type: str
  force:
    description:
      - Snapshot a disk that is attached to a server (status C(in-use)). Without it such a disk
        is refused before any request is sent.
    type: bool
    default: false
notes:
  - EVS allows at most 7 manual snapshots per disk (those named C(autobk_snapshot_*), made by
    backups, do not count); an eighth is refused before any request.
  - EVS takes one snapshot of a disk at a time. While another snapshot of the disk is
    C(creating) or the disk is C(backing-up), the module waits for it (O(wait=true)) or fails
    before any request (O(wait=false)).
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.metadata
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Snapshot the database disk
  dataprotection.evs.snapshot:
    cloud: otc
    disk: db01
    name: before-upgrade
    description: taken before the 2.0 upgrade
    metadata:
      purpose: upgrade

- name: Snapshot a disk that is attached to a running server
  dataprotection.evs.snapshot:
    cloud: otc
    disk: db01
    name: daily-2026-11-25
    force: true

- name: Delete the snapshot
  dataprotection.evs.snapshot:
    cloud: otc
    disk: db01
    name: before-upgrade
    state: absent
'''

RETURN = r'''
snapshot:
  description: The snapshot as the cloud shows it (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Snapshot id (C(null) in a check-mode prediction of a create).
      type: str
      sample: 5bc1d3f6-0b4a-4a40-9d2d-2b6cf5a1f2a0
    name:
      description: Snapshot name.
      type: str
      sample: before-upgrade
    description:
      description: Description.
      type: str
    status:
      description: Status (C(creating), C(available), C(error), C(deleting), C(rollbacking), ...).
      type: str
      sample: available
    size:
      description: Size in GB (the disk's size).
      type: int
      sample: 10
    volume_id:
      description: Id of the disk.
      type: str
    metadata:
      description: Metadata of the snapshot.
      type: dict
    created_at:
      description: Creation time (UTC) as the cloud gives it.
      type: str
      sample: "2026-11-25T10:00:00.000000"
    updated_at:
      description: Last update time (UTC).
      type: str
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    SNAPSHOT_DELETABLE, SNAPSHOT_FIELDS, EvsResource, busy_with, describe_snapshot, refuse_backup_snapshot,
    snapshot_disk_problem, snapshot_limit_problem, validate_snapshot_options)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule, metadata_argument_spec
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Pending, Status


class SnapshotModule(EvsResource, ResourceModule):
    waits_in_steps = True
    argument_spec = dict(
        name=dict(type='str', required=True), disk=dict(type='str', aliases=['volume'], required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'), description=dict(type='str'),
        force=dict(type='bool', default=False), **metadata_argument_spec())
    kind = result_key = 'snapshot'
    result_fields = SNAPSHOT_FIELDS
    updatable = ('description', 'metadata')
    server_defaults = {'description': '', 'metadata': {}}
    deletable = SNAPSHOT_DELETABLE
    evs_kind = 'snapshot'

    def validate(self):
        validate_snapshot_options(self.validate_text, self.params, self.params['state'])

    def find(self):
        self.disk = self.evs.find_volume(self.params['disk'], required=self.params['state'] == 'present')
        if self.disk is None:
            return None
        return self.evs.find_snapshot(self.params['name'], volume=self.disk)

    def namesakes(self):
        return self.evs.list_snapshots(volume_id=self.disk['id'], name=self.params['name'])

    def label(self, resource):
        return describe_snapshot(resource or {'name': self.params['name']}, self.disk)

    def desired(self, current):
        wanted = {'description': self.params['description']}
        self.desired_metadata(current, wanted)
        if current is None:
            wanted.update(name=self.params['name'], volume_id=self.disk['id'], size=self.disk.get('size'))
        return wanted

    def check_create(self, desired):
        problem = snapshot_disk_problem(self.disk, self.params['force'])
        snapshots = [] if problem else self.evs.list_snapshots(volume_id=self.disk['id'])
        problem = problem or snapshot_limit_problem(self.disk, snapshots)
        if problem:
            raise ResourceError('%s cannot be created: %s' % (self.label(None), problem))
        self.busy = busy_with(self.disk, snapshots)
        if self.busy and not self.params['wait']:
            raise ResourceError('%s cannot be created now: %s, and EVS takes one snapshot of a disk at a time; '
                                'run again later or with wait: true to wait for it' % (self.label(None), self.busy))

    def before_create(self, desired):  # the cloud would refuse the snapshot until the disk is free
        return Pending(self.disk, self.evs.until_free(self.disk, self.label(None))) if self.busy else None

    def create(self, desired):
        fields = dict((k, v) for k, v in desired.items() if k != 'size' and v is not None)
        fields['force'] = self.params['force']
        return Pending(self.evs.create_snapshot(fields), Status())

    def check_delete(self, current):
        refuse_backup_snapshot(current, self.label(current), 'deleted')


def main():
    SnapshotModule.execute()


if __name__ == '__main__':
    main()
