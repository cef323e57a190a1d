# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups of many disks in one module call (module backup_batch), on the batch engine
(module_utils/batch.py ``ParentedBatchModule``): it reads, plans, starts each backup once its disk
is free, waits for all together and settles races; this declares the backup's rules, those of the
backup module (module_utils/backup_types.py ``check_new_backup``, ``backup_disk_problem``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETING, BACKUP_FIELDS, BACKUP_TRANSITIONAL, BackupsOfDisks, time_key)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import (
    backup_disk_problem, check_new_backup)
from ansible_collections.dataprotection.evs.plugins.module_utils.batch import ParentedBatchModule
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, name_of, placeholder


class BackupBatchResource(ParentedBatchModule):
    """Backups of disks, each given as ``disk``, ``name`` (and ``vault``, ``description``,
    ``incremental``), on one ``backend``."""

    items_option = 'backups'
    kind = 'backup'
    result_fields = BACKUP_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    # backups have no metadata and no owner marks: the engine's options stay empty
    shared_options = ('vault', 'description', 'incremental', 'metadata', 'owner_metadata')
    # in check mode, a vault the same check run would create (module_utils/predicted.py)
    parent_options = ('vault', 'backups[].vault')

    @property
    def resources(self):
        if getattr(self, '_resources', None) is None:
            self._resources = BackupsOfDisks(self.evs, self.params['backend'])
        return self._resources

    def validate(self):
        # the engine also deletes (state: absent); this module only takes backups
        self.params.update(state='present', metadata=None, owner_metadata=None)
        super(BackupBatchResource, self).validate()

    def validate_item(self, item):
        for option, required in (('name', True), ('disk', True), ('description', False)):
            self.validate_text(option, item.params[option], required=required)
        check_new_backup(item.params, self.params['backend'])

    # --- read: the engine's reads, plus (CBR) one listing of the vaults
    def read(self, items):
        super(BackupBatchResource, self).read(items)
        self.holders = {}
        self.joining = threading.Lock()
        if self.params['backend'] != 'cbr':
            return
        vaults = self.resources.vaults()
        for vault in vaults:
            for resource in vault.get('resources') or []:
                self.holders[resource.get('id')] = vault
        for item in items:
            ref = item.params['vault']
            if is_placeholder(ref):  # a new vault: it holds no disk and no backup yet
                item.vault = {'id': ref, 'name': name_of(ref), 'billing': {'object_type': 'disk'}}
                continue
            named = [v for v in vaults if v['id'] == ref] if looks_like_id(ref) else []
            named = named or [v for v in vaults if v.get('name') == ref]
            if len(named) > 1:
                raise ResourceError("vault '%s' is ambiguous: %d vaults have this name (ids %s); give its id" % (
                    ref, len(named), ', '.join(sorted(v['id'] for v in named))))
            item.vault = named[0] if named else None

    # --- plan
    def plan(self, item):
        item.vault = getattr(item, 'vault', None)
        refusal = super(BackupBatchResource, self).plan(item)
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
        problem = backup_disk_problem(item.parent)
        if problem or self.params['backend'] != 'cbr':
            return problem
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

    def item_result(self, item):
        # in check mode a backup it would take answers a placeholder (its name under its disk), which
        # backup_replica_batch takes as the backup to copy (module_utils/predicted.py)
        result = super(BackupBatchResource, self).item_result(item)
        if self.check_mode and item.action == 'create':
            result['predicted_ref'] = placeholder(self.kind, item.params['name'], item.parent['id'])
        return result

    def predict(self, item):
        predicted = super(BackupBatchResource, self).predict(item)
        if item.action == 'create' and not self.params['wait']:
            predicted['status'] = 'protecting' if self.params['backend'] == 'cbr' else 'creating'
        return predicted

    # --- apply: the disks that are in no vault yet join theirs first, one request per vault; the
    # engine sends creates from several threads, and the others wait until the first has joined them
    def apply(self, item):
        if item.action == 'create':
            with self.joining:
                if not getattr(self, 'vaults_joined', False):
                    self.vaults_joined = True
                    self.join_vaults([i for i in self.items if i.action == 'create'])
        return super(BackupBatchResource, self).apply(item)

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
        by_id, by_disk = dict((b['id'], b) for b in listed), self.by_parent(listed)
        found = {}
        for item in items:
            own = item.result or item.current
            mine = [by_id[own['id']]] if own.get('id') in by_id else [] if own.get('id') else \
                sorted(self.started_as(item, own, by_disk.get(item.parent['id'], [])), key=time_key)
            if mine:
                found[item.index] = mine[0]
            elif not own.get('id'):  # started, not listed yet (a VBS job that has not made it)
                found[item.index] = own
        return found

    @staticmethod
    def started_as(item, own, listed):
        """The ``listed`` backups (of the item's disk) that may be ``own``, a started backup without
        an id: of its disk and name, and of its checkpoint when the cloud answered one (CBR: never
        another run's)."""
        return [b for b in listed if b.get('disk_id') == item.parent['id'] and b.get('name') == item.params['name']
                and own.get('checkpoint_id') in (None, b.get('checkpoint_id'))]

    def namesakes(self, items):
        found = super(BackupBatchResource, self).namesakes(items)
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
