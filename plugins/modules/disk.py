#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: disk
short_description: Create, resize, update or delete an EVS disk
version_added: 1.0.0
description:
  - Makes sure a disk (EVS volume) with a given name exists (or not). A new disk is blank or
    made from a snapshot or from a backup. An existing disk can grow (never shrink) and have its description and
    metadata updated.
  - Settings that cannot change after creation (O(availability_zone), O(volume_type),
    O(multiattach)) are compared with the existing disk and a mismatch is refused with a clear
    message instead of being ignored.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the disk, or its id.
    type: str
    required: true
  state:
    description: Whether the disk should exist.
    type: str
    choices: [present, absent]
    default: present
  availability_zone:
    description:
      - Availability zone of a new disk, for example C(eu-de-01). Needed to create a disk.
      - When several disks carry O(name) (a replication pair's DR disk has the name of its
        production disk, in the other zone), it tells them apart.
    type: str
  size:
    description:
      - Size in GB (1 to 32768). A bigger size extends an existing disk; a smaller one is refused
        before any request. When creating from O(snapshot) or O(backup), defaults to its size.
    type: int
  volume_type:
    description: Disk type of a new disk, for example C(SATA), C(SAS), C(SSD), C(GPSSD), C(ESSD).
    type: str
  description:
    description: Description of the disk (up to 255 bytes).
    type: str
  snapshot:
    description:
      - Snapshot (name or id) to create the new disk from. Only used when the disk is created.
      - A snapshot name is looked up across all disks and must be unique; use the id otherwise.
    type: str
  backup:
    description:
      - Backup (CBR or VBS; name or id) to create the new disk from, in any availability zone of
        the backup's region, also after the original disk or its zone is lost. Only used when
        the disk is created; mutually exclusive with O(snapshot).
      - A backup name is looked up across both services and must be unique; use the id otherwise.
    type: str
  multiattach:
    description: Whether a new disk can be attached to several servers (a shared disk).
    type: bool
    aliases: [is_multiattach]
  delete_snapshots:
    description:
      - With O(state=absent), also delete the disk's snapshots. Without it a disk that has
        snapshots is refused, listing them.
      - The snapshot a backup (VBS, CBR) left on the disk (named C(autobk_snapshot_*) or
        C(manualbk_snapshot_*)) never refuses the delete; nobody can delete it alone, so the disk
        is deleted with it (the cloud's cascade delete), as the console does. The backups stay.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.metadata
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
  - dataprotection.evs.progress
notes:
  - A disk attached to a server (C(in-use)) is never deleted; detach it first.
'''

EXAMPLES = r'''
- name: A 100 GB SSD data disk
  dataprotection.evs.disk:
    cloud: otc
    name: db01
    availability_zone: eu-de-01
    size: 100
    volume_type: SSD
    metadata:
      backup: daily

- name: A new disk from a snapshot
  dataprotection.evs.disk:
    cloud: otc
    name: db01-restored
    availability_zone: eu-de-01
    snapshot: before-upgrade

- name: A new disk in another zone from a backup
  dataprotection.evs.disk:
    cloud: otc
    name: db01-recovered
    availability_zone: eu-de-02
    backup: db01-2026-11-25

- name: Grow the disk to 200 GB
  dataprotection.evs.disk:
    cloud: otc
    name: db01
    size: 200

- name: Delete the disk and its snapshots
  dataprotection.evs.disk:
    cloud: otc
    name: db01-restored
    state: absent
    delete_snapshots: true
'''

RETURN = r'''
disk:
  description: The disk as the cloud shows it (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Disk id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Disk name.
      type: str
    description:
      description: Description.
      type: str
    status:
      description: Status (C(creating), C(available), C(in-use), C(extending), C(error), ...).
      type: str
      sample: available
    size:
      description: Size in GB.
      type: int
    availability_zone:
      description: Availability zone.
      type: str
    volume_type:
      description: Disk type.
      type: str
    bootable:
      description: Whether the disk is bootable (C("true")/C("false") as the API gives it).
      type: str
    encrypted:
      description: Whether the disk is encrypted.
      type: bool
    multiattach:
      description: Whether the disk is shared.
      type: bool
    metadata:
      description: Metadata.
      type: dict
    snapshot_id:
      description: Snapshot the disk was created from.
      type: str
    source_volid:
      description: Disk the disk was cloned from.
      type: str
    attachments:
      description: Servers the disk is attached to.
      type: list
      elements: dict
    created_at:
      description: Creation time (UTC).
      type: str
    updated_at:
      description: Last update time (UTC).
      type: str
    links:
      description: Links to the disk.
      type: list
      elements: dict
    user_id:
      description: User that created the disk.
      type: str
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    VOLUME_FIELDS, EvsResource, describe_disk, disk_source_fields, refuse_disk_resize)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule, metadata_argument_spec
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Pending, Status, Then


class DiskModule(EvsResource, ResourceModule):
    waits_in_steps = True
    argument_spec = dict(
        name=dict(type='str', required=True), state=dict(type='str', choices=['present', 'absent'], default='present'),
        availability_zone=dict(type='str'), size=dict(type='int'), volume_type=dict(type='str'),
        description=dict(type='str'), snapshot=dict(type='str'), backup=dict(type='str'),
        multiattach=dict(type='bool', aliases=['is_multiattach']), delete_snapshots=dict(type='bool', default=False),
        **metadata_argument_spec())
    module_kwargs = dict(mutually_exclusive=[('snapshot', 'backup')])
    kind = result_key = 'disk'
    result_fields = VOLUME_FIELDS
    updatable = ('description', 'metadata', 'size')
    server_defaults = {'description': '', 'metadata': {}}
    transitional = ('creating', 'downloading', 'extending', 'attaching', 'detaching')
    stable = ('available', 'in-use')
    checked_texts = (('name', 255, True), ('description', 255, False))
    checked_ranges = (('size', 1, 32768),)
    evs_kind = 'volume'
    fixed = ('availability_zone', 'volume_type', 'multiattach')

    def find(self):
        return self.evs.find_volume(self.params['name'], availability_zone=self.params['availability_zone'])

    def namesakes(self):
        return self.evs.list_volumes(name=self.params['name'], availability_zone=self.params['availability_zone'])

    def label(self, resource):
        return describe_disk(resource or {'name': self.params['name']})

    def desired(self, current):
        wanted = {'description': self.params['description'], 'size': self.params['size']}
        self.desired_metadata(current, wanted)
        if current is None:
            wanted.update((field, self.params[field]) for field in self.fixed + ('name',))
            wanted.update(disk_source_fields(self.evs, self.params, wanted['size'], self.label(None)))
        return wanted

    def check_create(self, desired):
        self.evs.refuse_disk_create(desired, self.label(None))

    def create(self, desired):
        fields = dict((k, v) for k, v in desired.items() if v is not None)
        return Pending(self.evs.create_volume(fields), Status())

    def check_update(self, current, changes):
        if 'size' in changes:
            refuse_disk_resize(current, changes['size'], self.label(current))

    def update(self, current, changes):
        if 'size' not in changes:
            return super(DiskModule, self).update(current, changes)
        self.evs.update_text_and_metadata('volume', current['id'], changes)
        self.evs.extend_volume(current['id'], changes['size'])
        return Pending(current, Status(self.stable), Then(lambda progress: self.fetch(current['id']), 'not waiting'))

    def check_delete(self, current):
        cascade = self.evs.disk_deletion(current, self.params['delete_snapshots'], self.label(current))
        self.delete_options = {'cascade': cascade}


def main():
    DiskModule.execute()


if __name__ == '__main__':
    main()
