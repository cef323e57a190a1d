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
        description: CBR vault (name or id) to take the backup in; default O(vault).
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
error:
  description:
    - The cloud's error when a request failed; C(status) (HTTP), C(code) (the cloud's, for example
      C(BackupService.6113) or C(VolumeBackup.0012)), C(message), C(request_id).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETING, BACKUP_FIELDS, BACKUP_TRANSITIONAL, DISK_BACKUPABLE, BackupsOfDisks, check_backup_name,
    time_key)
from ansible_collections.dataprotection.evs.plugins.module_utils.batch import ParentedBatchModule
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import DISK_BUSY, looks_like_id


class BackupBatchModule(ParentedBatchModule):
    """Backups of disks: the batch engine (module_utils/batch.py) reads, plans, starts each backup
    once its disk is free, waits for all together and settles races; this declares the backup's
    rules (those of the backup module: names, vaults, the disk's status)."""

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
    items_option = 'backups'
    kind = 'backup'
    result_fields = BACKUP_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    # backups have no metadata and no owner marks: the engine's options stay empty
    shared_options = ('vault', 'description', 'incremental', 'metadata', 'owner_metadata')

    @property
    def resources(self):
        if getattr(self, '_resources', None) is None:
            self._resources = BackupsOfDisks(self.evs, self.params['backend'])
        return self._resources

    def validate(self):
        # the engine also deletes (state: absent); this module only takes backups
        self.params.update(state='present', metadata=None, owner_metadata=None)
        super(BackupBatchModule, self).validate()

    def validate_item(self, item):
        params, backend = item.params, self.params['backend']
        self.validate_text('name', params['name'], required=True)
        self.validate_text('disk', params['disk'], required=True)
        self.validate_text('description', params['description'])
        check_backup_name(params['name'], backend)
        if backend == 'cbr' and not params['vault']:
            raise ResourceError('vault is required to take a CBR backup (backend: cbr)')
        if backend == 'vbs' and params['vault']:
            raise ResourceError('vault is a CBR option; VBS backups have no vault')
        if backend == 'vbs' and params['description'] and (
                len(params['description']) > 64 or set(params['description']) & set('<>')):
            raise ResourceError('description is invalid for VBS: at most 64 characters, no < or >')

    # --- read: the engine's reads, plus (CBR) one listing of the vaults
    def read(self, items):
        super(BackupBatchModule, self).read(items)
        self.holders = {}
        if self.params['backend'] != 'cbr':
            return
        vaults = self.resources.vaults()
        for vault in vaults:
            for resource in vault.get('resources') or []:
                self.holders[resource.get('id')] = vault
        for item in items:
            ref = item.params['vault']
            named = [v for v in vaults if v['id'] == ref] if looks_like_id(ref) else []
            named = named or [v for v in vaults if v.get('name') == ref]
            if len(named) > 1:
                raise ResourceError("vault '%s' is ambiguous: %d vaults have this name (ids %s); give its id" % (
                    ref, len(named), ', '.join(sorted(v['id'] for v in named))))
            item.vault = named[0] if named else None

    # --- plan
    def plan(self, item):
        item.vault = getattr(item, 'vault', None)
        refusal = super(BackupBatchModule, self).plan(item)
        if item.action == 'create' and not refusal:
            previous = [b for b in self.siblings.get(item.parent['id'], []) if b.get('status') == 'available'
                        and (item.vault is None or b.get('vault_id') == item.vault['id'])]
            item.changes = self.resources.planned(item.params, item.parent, item.vault, previous)
        elif item.action == 'update':  # a backup is a point in time: it is never changed
            self.module.warn('%s exists with another description; a backup is never changed' % self.label(item))
            item.action = 'wait' if item.current.get('status') in self.transitional else 'none'
            item.changes = {}
        if item.current is not None and item.vault is not None and \
                item.current.get('vault_id') not in (None, item.vault['id']):
            return "it exists in vault %s, not in vault '%s'; backups cannot move between vaults" % (
                item.current.get('vault_id'), item.params['vault'])
        return refusal

    def refuse_create(self, item):
        status = item.parent.get('status')
        if status not in DISK_BACKUPABLE + DISK_BUSY:
            return 'the disk is %s; it must be available or in-use' % status
        if self.params['backend'] != 'cbr':
            return None
        vault = item.vault
        if vault is None:
            return "vault '%s' not found" % item.params['vault']
        holder = self.holders.get(item.parent['id'])
        if holder is not None and holder['id'] != vault['id']:
            return "the disk belongs to vault '%s', not to vault '%s' (a disk can be in one vault only)" % (
                holder.get('name'), vault.get('name'))
        billing = vault.get('billing') or {}
        if billing.get('object_type') not in (None, 'disk'):
            return "vault '%s' is a %s vault, not a disk vault" % (vault.get('name'), billing.get('object_type'))
        return None

    def predict(self, item):
        predicted = super(BackupBatchModule, self).predict(item)
        if item.action == 'create' and not self.params['wait']:
            predicted['status'] = 'protecting' if self.params['backend'] == 'cbr' else 'creating'
        return predicted

    # --- apply: the disks that are in no vault yet join theirs first, one request per vault
    def apply(self, item):
        if item.action == 'create' and not getattr(self, 'vaults_joined', False):
            self.vaults_joined = True
            self.join_vaults([i for i in self.items if i.action == 'create'])
        return super(BackupBatchModule, self).apply(item)

    def join_vaults(self, items):
        joining = {}
        for item in items:
            if item.vault is not None and item.parent['id'] not in self.holders:
                joining.setdefault(item.vault['id'], {})[item.parent['id']] = item.parent
                self.holders[item.parent['id']] = item.vault
        for vault_id, disks in sorted(joining.items()):
            self.resources.api.add_disks(vault_id, list(disks.values()))

    # --- poll: one listing per round (a started backup may not have an id yet: it is found by its
    # checkpoint (CBR), else by name)
    def poll(self, items):
        names = set(item.params['name'] for item in items)
        listed = self.resources.list(name=names.pop() if len(names) == 1 else None)
        found = {}
        for item in items:
            own = item.result or item.current
            mine = [b for b in listed if b['id'] == own.get('id')] if own.get('id') else \
                sorted(self.started_as(item, own, listed), key=time_key)
            if mine:
                found[item.index] = mine[0]
            elif not own.get('id'):  # started, not listed yet (a VBS job that has not made it)
                found[item.index] = own
        return found

    @staticmethod
    def started_as(item, own, listed):
        """The listed backups that may be ``own``, a started backup without an id: of its disk and
        name, and of its checkpoint when the cloud answered one (CBR: never another run's)."""
        return [b for b in listed if b.get('disk_id') == item.parent['id'] and b.get('name') == item.params['name']
                and own.get('checkpoint_id') in (None, b.get('checkpoint_id'))]

    def namesakes(self, items):
        found = super(BackupBatchModule, self).namesakes(items)
        for item in items:
            if item.result.get('id'):
                continue
            # the listing by name shows the backup of the item's checkpoint: its id is known now
            own = [b for b in found[item.index] if item.result.get('checkpoint_id')
                   and b.get('checkpoint_id') == item.result['checkpoint_id']]
            if own:
                item.result = own[0]
            else:  # an id still unknown cannot be told apart from another run's backup: kept as it is
                found[item.index] = []
        return found


def main():
    BackupBatchModule.execute()


if __name__ == '__main__':
    main()
