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
error:
  description:
    - The cloud's error when a request failed; C(status) (HTTP), C(code) (the cloud's, for example
      C(EVS.1047)), C(message), C(request_id).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import BatchModule
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    BACKUP_SNAPSHOT_NOTE, DISK_BUSY, SNAPSHOT_DELETABLE, SNAPSHOT_FIELDS, busy_with, describe_snapshot, looks_like_id,
    made_by_backup, merge_metadata, metadata_matches, only_match, snapshot_limit_problem, validate_snapshot_options)

#: up to this many distinct names (or ids), each is read with its own request; above it, one
#: listing of the project's disks (or snapshots) takes fewer requests
READ_ONE_BY_ONE = 10


class SnapshotBatchModule(BatchModule):
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

    def validate_item(self, item):
        validate_snapshot_options(self.validate_text, item.params, self.params['state'])

    def validate(self):
        if self.params['disks'] is not None:
            self.params['snapshots'] = [{'disk': disk, 'name': self.params['name']} for disk in self.params['disks']]
        for element in self.params['snapshots']:
            for option in ('description', 'metadata', 'force', 'owner_metadata'):
                if element.get(option) is None:
                    element[option] = self.params[option]
            owner = dict((str(k), str(v)) for k, v in (element['owner_metadata'] or {}).items())
            element['owner_metadata'] = owner
            if owner and self.params['state'] == 'present':
                element['metadata'] = dict(element['metadata'] or {})
                element['metadata'].update(owner)
        super(SnapshotBatchModule, self).validate()
        seen = {}
        for item in self.items:
            key = (item.params['disk'], item.params['name'])
            if key in seen:
                raise ResourceError("snapshots[%d] and snapshots[%d] both name snapshot '%s' of disk '%s'; "
                                    "nothing was changed" % (seen[key], item.index, key[1], key[0]))
            seen[key] = item.index

    # ------------------------------------------------------------ read
    def read(self, items):
        disks = self.read_disks(set(item.params['disk'] for item in items))
        for item in items:
            item.disk = disks[item.params['disk']]
        refs = set(item.params['name'] for item in items if item.disk is not None)
        snapshots = self.read_snapshots(refs)
        for item in items:
            if item.disk is not None:
                item.current = self.match_snapshot(snapshots, item.params['name'], item.disk)
        creating_on = set(item.disk['id'] for item in items if item.disk is not None and item.current is None)
        self.disk_snapshots = self.read_disk_snapshots(creating_on) if self.params['state'] == 'present' else {}
        self.planned = {}

    def read_disk_snapshots(self, disk_ids):
        """{disk id: its snapshots} for the disks that get a new one (the per-disk limit and the
        one-at-a-time rule): one request per disk, or one listing of the project when there are more."""
        if len(disk_ids) <= READ_ONE_BY_ONE:
            return dict((disk_id, self.evs.list_snapshots(volume_id=disk_id)) for disk_id in sorted(disk_ids))
        everything = self.evs.list_snapshots()
        return dict((disk_id, [s for s in everything if s.get('volume_id') == disk_id]) for disk_id in disk_ids)

    def read_disks(self, refs):
        """{disk name or id: the disk or None}; an ambiguous name is an error."""
        if len(refs) <= READ_ONE_BY_ONE:
            return dict((ref, self.evs.find_volume(ref)) for ref in refs)
        volumes = self.evs.list_volumes()
        by_id = dict((v['id'], v) for v in volumes)
        return dict((ref, by_id.get(ref) or only_match([v for v in volumes if v.get('name') == ref], 'disk', ref))
                    for ref in refs)

    def read_snapshots(self, refs):
        """The snapshots with one of these names or ids: one request per name or id, or one
        listing of the project when there are more."""
        if len(refs) > READ_ONE_BY_ONE:
            return self.evs.list_snapshots()
        found = []
        for ref in sorted(refs):
            snapshot = self.evs.get_snapshot(ref) if looks_like_id(ref) else None
            found.extend([snapshot] if snapshot else self.evs.list_snapshots(name=ref))
        return found

    @staticmethod
    def match_snapshot(snapshots, ref, disk):
        mine = [s for s in snapshots if s.get('volume_id') == disk['id']]
        by_id = [s for s in mine if s['id'] == ref]
        return by_id[0] if by_id else only_match([s for s in mine if s.get('name') == ref], 'snapshot', ref,
                                                 " of disk '%s'" % disk.get('name'))

    # ------------------------------------------------------------ plan
    def foreign(self, item):
        """Why the existing snapshot is not the owner's (None when it is, or no owner is given)."""
        owner = item.params['owner_metadata']
        metadata = (item.current or {}).get('metadata') or {}
        wrong = sorted(k for k, v in owner.items() if k not in metadata or str(metadata[k]) != v) if item.current else []
        if not wrong:
            return None
        return ('%s was not made by its owner: it lacks the marks %s (it has %s), so it is left untouched, never '
                'adopted, re-marked or deleted; rename or delete it by hand' % (
                    self.label(item), ', '.join('%s=%s' % (k, owner[k]) for k in wrong),
                    ', '.join('%s=%s' % (k, metadata[k]) if k in metadata else 'no %s' % k for k in wrong)))

    def plan(self, item):
        current = item.current
        item.error = self.foreign(item)
        if item.error:
            return None
        if self.params['state'] == 'absent':
            if current is None:
                return None
            if current.get('status') in self.deleting:
                item.action = 'wait'
                return None
            item.action = 'delete'
            if made_by_backup(current):
                return 'it was made by a backup (%s)' % BACKUP_SNAPSHOT_NOTE
            if current.get('status') not in SNAPSHOT_DELETABLE:
                return 'it is %s' % current.get('status')
            return None
        if item.disk is None:
            return 'the disk does not exist'
        if current is None:
            item.action = 'create'
            item.changes = {'name': item.params['name'], 'volume_id': item.disk['id'],
                            'description': item.params['description'], 'metadata': item.params['metadata'],
                            'size': item.disk.get('size')}
            status = item.disk.get('status')
            if status == 'in-use' and not item.params['force']:
                return 'the disk is in-use (attached to a server); set force: true to snapshot it anyway'
            if status not in ('available', 'in-use') + DISK_BUSY:
                return 'the disk is %s' % status
            return self.plan_disk_rules(item)

        if current.get('status') in self.transitional:
            item.action = 'wait'
        wanted = {}
        if item.params['description'] is not None and item.params['description'] != (current.get('description') or ''):
            wanted['description'] = item.params['description']
        if item.params['metadata'] is not None:
            metadata = merge_metadata(current.get('metadata'), item.params['metadata'], False)
            if metadata != dict((k, str(v)) for k, v in (current.get('metadata') or {}).items()):
                wanted['metadata'] = metadata
        if wanted:
            item.action, item.changes = 'update', wanted
        return None

    def plan_disk_rules(self, item):
        """EVS's per-disk rules for a new snapshot: at most 7 manual ones, and one at a time (a
        disk still taking a snapshot or backup, or given twice in this batch, is waited for)."""
        disk_id = item.disk['id']
        self.planned[disk_id] = self.planned.get(disk_id, 0) + 1
        snapshots = self.disk_snapshots.get(disk_id, [])
        problem = snapshot_limit_problem(item.disk, snapshots, adding=self.planned[disk_id])
        if problem:
            return problem + (' (this batch adds %d)' % self.planned[disk_id] if self.planned[disk_id] > 1 else '')
        busy = busy_with(item.disk, snapshots) if self.planned[disk_id] == 1 else \
            'this batch takes another snapshot of the disk first'
        item.wait_free = busy is not None
        if busy and not self.params['wait']:
            return ('%s, and EVS takes one snapshot of a disk at a time; run again later or with wait: true to '
                    'wait for it' % busy)
        return None

    # ------------------------------------------------------------ apply
    def apply(self, item):
        if item.action == 'create':
            if item.wait_free:  # the cloud would refuse it until the disk is free
                self.evs.wait_until_free(self.waiter(), item.disk, self.label(item))
            fields = dict((k, v) for k, v in item.changes.items() if k != 'size' and v is not None)
            fields['force'] = item.params['force']
            return self.evs.create_snapshot(fields)
        if item.action == 'update':
            if 'description' in item.changes:
                self.evs.update_snapshot(item.current['id'], {'description': item.changes['description']})
            if 'metadata' in item.changes:
                self.evs.set_snapshot_metadata(item.current['id'], item.changes['metadata'])
            return self.evs.get_snapshot(item.current['id'])
        self.evs.delete_snapshot(item.current['id'])
        return item.current

    def namesakes(self, items):
        """The snapshots of each item's name on its disk that its owner made (a foreign one is
        never taken, as in ``plan``)."""
        snapshots = self.read_snapshots(set(item.params['name'] for item in items))
        return dict((item.index, [s for s in snapshots if s.get('volume_id') == item.disk['id']
                                  and s.get('name') == item.params['name']
                                  and metadata_matches(s.get('metadata'), item.params.get('owner_metadata'))])
                    for item in items)

    def discard(self, item, own):
        if own.get('status') in self.transitional:
            own = self.waiter().for_status(lambda: self.evs.get_snapshot(own['id']), self.label(item),
                                           wanted=self.stable)
        self.evs.delete_snapshot(own['id'])

    def poll(self, items):
        ids = dict(((item.result or item.current)['id'], item.index) for item in items)
        names = set((item.result or item.current).get('name') for item in items)
        if len(ids) <= READ_ONE_BY_ONE:
            found = [s for s in (self.evs.get_snapshot(i) for i in ids) if s]
        elif len(names) <= READ_ONE_BY_ONE:
            found = [s for name in sorted(names) for s in self.evs.list_snapshots(name=name)]
        else:
            found = self.evs.list_snapshots()
        return dict((ids[s['id']], s) for s in found if s['id'] in ids)

    def label(self, item):
        return describe_snapshot(item.current or {'name': item.params['name']},
                                 getattr(item, 'disk', None) or {'name': item.params['disk']})


def main():
    SnapshotBatchModule.execute()


if __name__ == '__main__':
    main()
