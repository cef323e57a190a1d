# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replicas of many CBR backups in one module call (module backup_replica_batch), on the batch
engine (module_utils/batch.py ``BatchModule``), with the rules of one replica (module_utils/
backup_types.py ``ReplicaResource``: the cloud keeps one replica per backup per destination region,
found through the source backup's replication records; it is never copied twice, never changed).

Requests, whatever the number of backups: the source backups with their records (one listing per
source vault, or one of the project), the replication capabilities, the destination vaults and
replicas (one listing each); then one CopyBackup per missing replica; then one listing of the
replicas per poll round (plus one listing of the source backups to learn the ids of the replicas
just started: CopyBackup answers only its record)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETING, BACKUP_TRANSITIONAL, REPLICA_FIELDS, CBR, CBRReplication, check_backup_name,
    describe_backup, replica_records, replica_view, replication_destinations)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import replication_vault_problem
from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE, BatchModule
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import by_ref
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, name_of

#: the cloud's code for a backup that is being, or has been, replicated to that region
ALREADY_REPLICATED = 'BackupService.1009'
#: what an element gives, or takes from the option of the same name
SHARED_OPTIONS = ('vault', 'destination_vault', 'description')


def new_vault(ref):
    """The vault the placeholder ``ref`` stands for: one this check run would create, empty."""
    return {'id': ref, 'name': name_of(ref)}


class ReplicaBatchResource(BatchModule):
    """Replicas in ``destination_region`` of the backups of ``backups`` (each ``backup``, ``vault``,
    ``destination_vault``, ``name``, ``description``)."""

    items_option = 'backups'
    kind = 'replica'
    result_fields = REPLICA_FIELDS
    server_defaults = {'description': ''}
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    checked_texts = (('destination_region', 255, True),)
    checked_other_region = ('destination_region', 'CBR replicates a backup to another region')
    counted = ('backups', {'create': 'replicated', 'wait': 'waited'}, 'existing')
    parent_options = ('vault', 'destination_vault', 'backups[].vault', 'backups[].destination_vault',
                      'backups[].backup', 'predicted_backups[].predicted_ref')

    # --- validate: every element with its shared options, each backup once
    def validate(self):
        params = self.params
        params['state'] = 'present'  # the engine also deletes; replicas are deleted one by one (backup_replica)
        for element in params[self.items_option] or []:
            for option in SHARED_OPTIONS:
                if element.get(option) is None:
                    element[option] = params[option]
        super(ReplicaBatchResource, self).validate()
        seen = {}
        for item in self.items:
            key = (item.params['vault'], item.params['backup'])
            if key in seen:
                raise ResourceError("backups[%d] and backups[%d] both name backup '%s'; nothing was changed" % (
                    seen[key], item.index, key[1]))
            seen[key] = item.index

    def validate_item(self, item):
        params = item.params
        self.validate_text('backup', params['backup'], required=True)
        if not (params['destination_vault'] or '').strip():
            raise ResourceError("destination_vault is required to replicate a backup: a replication vault in "
                                "region '%s'" % self.params['destination_region'])
        self.validate_text('description', params['description'])
        if params['name'] is not None:
            check_backup_name(params['name'], 'cbr')
        item.predicted = self.predicted_source(params['backup']) if is_placeholder(params['backup']) else None

    def predicted_source(self, ref):
        """The backup the placeholder ``ref`` stands for, as the backup_batch that answered it predicted
        it (``predicted_backups``)."""
        for answer in self.params['predicted_backups'] or []:
            if answer.get('predicted_ref') == ref and isinstance(answer.get('backup'), dict):
                return dict(answer['backup'], id=None, vault_id=None, backend='cbr')
        raise ResourceError("backup '%s' stands for a backup this check run would take, and predicted_backups "
                            "(the backups of its backup_batch result) has no prediction of it" % name_of(ref))

    # --- read: GETs only, a few listings whatever the number of backups
    def read(self, items):
        self.source_api = CBRReplication(self.client)
        region = self.params['destination_region']
        self.destination = self.client_for_region(region, self.params['destination_project_id'])
        self.api = CBRReplication(self.destination)
        refs = set(item.params['vault'] for item in items)
        source_vaults = list(self.source_api.client.paginate_offset('cbr', '/vaults', 'vaults')) \
            if [ref for ref in refs if ref and not is_placeholder(ref)] else []
        for item in items:
            ref = item.params['vault']
            item.source_vault = new_vault(ref) if is_placeholder(ref) else \
                by_ref(source_vaults, ref, 'vault') if ref else None
            if ref and item.source_vault is None:
                raise ResourceError("vault '%s' not found" % ref)
        vault_ids = set(item.source_vault['id'] if item.source_vault else None for item in items)
        sources = self.list_sources(set(ref for ref in vault_ids if not is_placeholder(ref)))
        for item in items:
            mine = [b for b in sources if item.source_vault is None or b.get('vault_id') == item.source_vault['id']]
            item.raw = {} if item.predicted else by_ref(mine, item.params['backup'], 'backup', " in vault '%s'"
                                                        % item.params['vault'] if item.params['vault'] else '')
            item.source = item.predicted or (CBR.normalise(item.raw) if item.raw else None)
        self.reachable = replication_destinations(self.client)
        self.destination_vaults = list(self.destination.paginate_offset('cbr', '/vaults', 'vaults'))
        replicas = dict((r['id'], r) for r in self.api.list_replicas())
        for item in items:
            ref = item.params['destination_vault']
            where = " in region '%s'" % region
            item.vault = new_vault(ref) if is_placeholder(ref) else by_ref(self.destination_vaults, ref, 'vault', where)
            item.current = self.replica_of(item, replicas)

    def list_sources(self, vault_ids):
        """The raw source backups (with their replication records) of these vaults (None: any vault):
        one listing per vault, or one of the project."""
        client = self.source_api.client
        if None in vault_ids or len(vault_ids) > READ_ONE_BY_ONE:
            return list(client.paginate_offset('cbr', '/backups', 'backups', {}, limit=1000))
        return [b for vault_id in sorted(vault_ids)
                for b in client.paginate_offset('cbr', '/backups', 'backups', {'vault_id': vault_id}, limit=1000)
                if b.get('vault_id') == vault_id]

    def replica_of(self, item, replicas):
        """The item's replica among ``replicas`` (raw, by id), through the newest record of its
        backup whose replica is there (as backup_replica finds it)."""
        for record in reversed(replica_records(item.raw, self.params['destination_region'])):
            if record['destination_backup_id'] in replicas:
                return replica_view(replicas[record['destination_backup_id']], self.params['destination_region'],
                                    record)
        return None

    # --- plan
    def plan(self, item):
        source, vault, label = item.source, item.vault, self.label(item)
        if source is None:
            return 'the backup does not exist'
        if item.current is not None:
            item.action = 'wait' if item.current.get('status') in self.transitional else 'none'
            if vault is None or vault['id'] != item.current.get('vault_id'):
                self.module.warn("%s exists in vault %s, not in vault '%s'; the cloud keeps one replica per backup "
                                 "per region, so it is left where it is"
                                 % (label, item.current.get('vault_id'), item.params['destination_vault']))
            return None
        item.action = 'create'
        if (item.raw.get('image_type') or 'backup') != 'backup':
            return '%s is itself a replica; CBR replicates backups only' % describe_backup(source)
        status = source['status']
        if status != 'available' and not (status in self.transitional and self.params['wait']):
            return ('the backup is %s; it must be available (or, while it is being taken, run with wait: true)'
                    % status)
        if self.params['destination_region'] not in self.reachable:
            return "CBR in region '%s' replicates to %s only" % (
                self.client.region, ', '.join(self.reachable) or 'no region')
        if vault is None:
            return "vault '%s' not found in region '%s'" % (
                item.params['destination_vault'], self.params['destination_region'])
        # a vault this check run would create is checked by its own module, with the options it is made with
        problem = None if is_placeholder(vault['id']) else replication_vault_problem(vault)
        if problem:
            return "vault '%s': %s" % (vault.get('name'), problem)
        item.changes = self.planned(item)
        return self.room_problem(item)

    def planned(self, item):
        source, params = item.source, item.params
        return {'name': params['name'] or source['name'],
                'description': source['description'] if params['description'] is None else params['description'],
                'backend': 'cbr', 'disk_id': source['disk_id'], 'disk_name': source['disk_name'],
                'size': source['size'], 'availability_zone': source['availability_zone'],
                'vault_id': item.vault['id'], 'incremental': False, 'region': self.params['destination_region'],
                'project_id': self.destination.project_id, 'source_backup_id': source['id'],
                'source_region': self.client.region}

    def room_problem(self, item):
        """A replica is a full copy: the vault needs room for every copy this batch puts in it,
        unless it expands by itself."""
        vault = item.vault
        if vault.get('auto_expand') or is_placeholder(vault['id']):
            return None
        planned = getattr(self, 'room_planned', {})
        self.room_planned = planned
        planned[vault['id']] = planned.get(vault['id'], 0) + (item.source['size'] or 0) * 1024
        billing = vault.get('billing') or {}
        free_mb = (billing.get('size') or 0) * 1024 - (billing.get('used') or 0)
        if free_mb < planned[vault['id']]:
            return ("vault '%s' has %d MB free (it does not expand automatically) and a replica is a full copy of "
                    "the disk: this batch copies %d MB into it" % (vault.get('name'), free_mb, planned[vault['id']]))
        return None

    def predict(self, item):
        predicted = super(ReplicaBatchResource, self).predict(item)
        if item.action == 'create' and not self.params['wait']:
            predicted['status'] = 'protecting'  # the copy runs on
        return predicted

    # --- apply: one CopyBackup; a backup still being taken is copied once it is available
    def apply(self, item):
        source = item.source
        if source['status'] != 'available':
            self.waiter().for_status(lambda: self.source_api.get(source['id']), describe_backup(source))
        started = dict(item.changes, id=None, status='protecting')
        try:
            answer = self.source_api.replicate(source['id'], self.params['destination_region'],
                                               self.destination.project_id, item.vault['id'],
                                               name=item.params['name'], description=item.params['description'])
        except CloudError as exc:
            if exc.code != ALREADY_REPLICATED:
                raise
            # another run copies it at the same time: its replica is this backup's one, waited for
            self.module.warn('%s was started by another run at the same time; this run takes that one'
                             % self.label(item))
            item.action = 'wait'
            return started
        started['replication_record_id'] = answer.get('replication_record_id')
        return started

    # --- poll: one listing of the replicas per round (and of the source backups while the id of a
    # replica just started is not known yet)
    def poll(self, items):
        self.learn_ids(items)
        vault_ids = set((item.result or item.current)['vault_id'] for item in items)
        listed = dict((r['id'], r) for r in self.api.list_replicas(vault_ids.pop() if len(vault_ids) == 1 else None))
        found = {}
        for item in items:
            own = item.result or item.current
            if own.get('id') is None:
                found[item.index] = own  # its record does not show yet
            elif own['id'] in listed:
                found[item.index] = replica_view(listed[own['id']], self.params['destination_region'], dict(
                    own, id=own.get('replication_record_id')))
        return found

    def learn_ids(self, items):
        """The ids of the replicas just started, from their backups' records (one listing)."""
        unknown = [item for item in items if item.result is not None and item.result.get('id') is None]
        if not unknown:
            return
        raws = dict((b['id'], b) for b in self.list_sources(set(item.source['vault_id'] for item in unknown)))
        for item in unknown:
            records = replica_records(raws.get(item.source['id']), self.params['destination_region'])
            wanted = [r for r in records if r['id'] == item.result.get('replication_record_id')] or records[-1:]
            if wanted:
                item.result = dict(item.result, id=wanted[0]['destination_backup_id'],
                                   replication_record_id=wanted[0]['id'])

    # --- report: per backup its ids and status, and counts (the engine's); never the whole replicas
    def report(self):
        if not self.check_mode and not self.params['wait']:
            self.learn_ids([item for item in self.items if item.applied])
        return super(ReplicaBatchResource, self).report()

    def item_result(self, item):
        replica = item.result or {}
        return dict(self.item_row(item), backup=item.params['backup'],
                    backup_id=(getattr(item, 'source', None) or {}).get('id'), replica_id=replica.get('id'),
                    status=replica.get('status'), vault_id=replica.get('vault_id'),
                    replication_record_id=replica.get('replication_record_id'))

    def label(self, item):
        source = getattr(item, 'source', None) or {'name': item.params['backup']}
        return "replica in region '%s' of %s" % (self.params['destination_region'], describe_backup(source))
