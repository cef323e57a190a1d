# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server backups (CBR server vaults; modules server_backup, server_backup_restore, backup_info).

A checkpoint of a server in a server vault takes every disk attached to it at one instant: one
server backup whose ``children`` are one disk backup per disk, crash-consistent across the
server's disks. A server backup is restored whole onto its own server (each child onto the disk it
was taken of, while the server is stopped), or one child at a time as any disk backup: onto a new
disk (the disk module's ``backup``) or a detached disk (backup_restore with ``source_disk``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_FIELDS, CBR, SERVER_TYPE, CBRPolicies, check_backup_name, describe_backup)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import (
    BackupKind, backup_disk_problem)
from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import ECS, attachment_of
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    VOLUME_FIELDS, busy_with, looks_like_id, only_match)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import name_of
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import (
    BACKUP_RESTORE, DONE, RUNNING)
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Listed, Pending, Status

SERVER_BACKUP_FIELDS = (
    'id', 'name', 'description', 'status', 'backend', 'server_id', 'server_name', 'size', 'availability_zone',
    'vault_id', 'checkpoint_id', 'incremental', 'created_at', 'updated_at', 'children')
# what backup_info shows of a CBR backup beyond BACKUP_FIELDS: a server backup's disk backups
TREE_FIELDS = BACKUP_FIELDS + ('resource_type', 'children')
# the server statuses a checkpoint takes a server in (CBR skips a server in any other)
SERVER_BACKUPABLE = ('ACTIVE', 'SHUTOFF')
TASK_STATE = 'OS-EXT-STS:task_state'


def server_backup_view(raw):
    """A CBR server backup in SERVER_BACKUP_FIELDS: its children as disk backups (BACKUP_FIELDS)."""
    if raw is None:
        return None
    view = CBR.backup_view(raw)
    view['server_id'] = view.pop('disk_id')
    view['server_name'] = view.pop('disk_name')
    view['children'] = [CBR.backup_view(child) for child in raw.get('children') or []]
    return view


class CBRTree(CBR):
    """CBR backups as backup_info lists them: a server backup tells itself apart by its
    ``resource_type`` and lists its disk backups in ``children``."""

    @staticmethod
    def backup_view(raw):
        view = CBR.backup_view(raw)
        view['resource_type'] = raw.get('resource_type') or 'OS::Cinder::Volume'
        view['children'] = [CBR.backup_view(child) for child in raw.get('children') or []]
        return view


class CBRServers(CBRPolicies):
    """The CBR calls of server backups."""

    def get_raw(self, backup_id):
        return self.client.get_or_none(self.service, '/backups/%s' % backup_id, 'backup')

    def get_server_backup(self, backup_id):
        raw = self.get_raw(backup_id)
        return server_backup_view(raw) if raw and raw.get('resource_type') == SERVER_TYPE else None

    def list_server_backups(self, server_id=None, name=None, vault_id=None, checkpoint_id=None):
        params = dict((k, v) for k, v in (('resource_id', server_id), ('name', name), ('vault_id', vault_id),
                                          ('checkpoint_id', checkpoint_id), ('resource_type', SERVER_TYPE)) if v)
        found = [server_backup_view(raw) for raw in self.client.paginate_offset(
            self.service, '/backups', 'backups', params, limit=1000) if raw.get('resource_type') == SERVER_TYPE]
        wanted = (('server_id', server_id), ('name', name), ('vault_id', vault_id), ('checkpoint_id', checkpoint_id))
        return [b for b in found if all(b.get(k) == v for k, v in wanted if v)]

    def add_server(self, vault_id, server):
        def recover():
            held = (self.get_vault(vault_id) or {}).get('resources') or []
            return {} if any(r.get('id') == server['id'] for r in held) else None

        self.client.post(self.service, '/vaults/%s/addresources' % vault_id, {'resources': [
            {'id': server['id'], 'type': SERVER_TYPE, 'name': server.get('name')}]}, recover=recover)

    def take(self, vault_id, server, name, description, incremental):
        """A checkpoint of the server alone; answers the checkpoint id."""
        parameters = {'name': name, 'incremental': bool(incremental), 'resources': [server['id']]}
        if description:
            parameters['description'] = description

        def recover():  # a lost answer: the checkpoint was taken if its backup is listed by name
            found = self.list_server_backups(server['id'], name=name, vault_id=vault_id)
            return {'checkpoint': {'id': found[0]['checkpoint_id']}} if found else None

        body = self.client.post(self.service, '/checkpoints', {'checkpoint': {
            'vault_id': vault_id, 'parameters': parameters}}, recover=recover)
        return ((body or {}).get('checkpoint') or {}).get('id')

    def restore_server(self, backup_id, server_id, mappings, power_on):
        def recover():
            return {} if (self.get_raw(backup_id) or {}).get('status') in ('restoring', 'waiting_restore') else None

        self.client.post(self.service, '/backups/%s/restore' % backup_id, {'restore': {
            'server_id': server_id, 'power_on': bool(power_on),
            'mappings': [{'backup_id': child_id, 'volume_id': disk_id} for child_id, disk_id in mappings]}},
            ok=(200, 202), recover=recover)


def describe_server(server):
    return "server '%s'" % ((server or {}).get('name') or (server or {}).get('id'))


def server_disks(evs, server_id):
    """The disks attached to the server, in device order (the order of a server backup's children)."""
    attached = [(attachment_of(volume, server_id).get('device') or '', volume) for volume in evs.list_volumes()
                if attachment_of(volume, server_id)]
    return [volume for device, volume in sorted(attached, key=lambda pair: pair[0])]


class ServerParts:
    """What the server backup modules share: the CBR calls, the servers, the server's backups."""

    @property
    def api(self):
        return CBRServers(self.client)

    @property
    def ecs(self):
        return ECS(self.client, self.evs.get_volume)

    def find_server_backup(self, name_or_id, server=None, vault=None, required=False):
        """The server backup ``name_or_id`` (of ``server``, in ``vault`` when given); an ambiguous
        name is refused with the ids."""
        if looks_like_id(name_or_id):
            backup = self.api.get_server_backup(name_or_id)
            if backup is not None and (server is None or backup['server_id'] == server['id']):
                return backup
        where = " of %s" % describe_server(server) if server else ''
        return only_match(self.api.list_server_backups((server or {}).get('id'), name=name_or_id,
                                                       vault_id=(vault or {}).get('id')),
                          'CBR server backup', name_or_id, where, required)


class ServerBackupResource(ServerParts, BackupKind):
    """A server backup: taken once (a checkpoint of the server in its server vault), never changed."""

    waits_in_steps = True
    kind = 'server backup'
    result_key = 'backup'
    result_fields = SERVER_BACKUP_FIELDS
    checked_texts = (('name', 255, True), ('server', 255, True), ('description', 255, False))
    checked_present = (('vault', 'to take a server backup: the CBR server vault that holds it'),)
    # in check mode, the placeholder of a server vault the same check run would create
    parent_options = ('vault',)

    def validate(self):
        if self.params['state'] == 'present':
            check_backup_name(self.params['name'], 'cbr')

    def fetch(self, resource_id):
        return server_backup_view(self.api.get_raw(resource_id))

    def find(self):
        params = self.params
        present = params['state'] == 'present'
        if self.predicted_parent('vault'):  # a new server vault: it holds no server and no backup yet
            self.vault = {'id': None, 'name': name_of(params['vault']), 'billing': {'object_type': 'server'},
                          'auto_expand': True}
        else:
            self.vault = self.api.find_vault(params['vault'], required=present) if params['vault'] else None
        self.server = self.ecs.find_server(params['server'], required=present and not looks_like_id(params['server']))
        if self.server is None:
            if present:
                raise ResourceError("server '%s' not found" % params['server'])
            if not looks_like_id(params['server']):  # a deleted server: CBR remembers its name
                found = [b for b in self.api.list_server_backups(name=params['name'])
                         if b['server_name'] == params['server']]
                return found[0] if len(found) == 1 else None
            self.server = {'id': params['server'], 'name': None}
        if self.predicted_parent('vault'):
            return None
        return self.find_server_backup(params['name'], self.server, self.vault)

    def namesakes(self):
        return self.api.list_server_backups(self.server['id'], name=self.params['name'], vault_id=self.vault['id'])

    def label(self, resource):
        return "server backup '%s' of %s" % (self.params['name'], describe_server(
            getattr(self, 'server', None) or {'name': self.params['server']}))

    def desired(self, current):
        if current is not None:
            return {}
        server, vault = self.server, self.vault
        self.disks = server_disks(self.evs, server['id'])
        previous = self.api.list_server_backups(server['id'], vault_id=vault['id']) if vault['id'] else []
        incremental = bool(self.params['incremental'] and any(b['status'] == 'available' for b in previous))
        children = [{'name': self.params['name'], 'description': self.params['description'] or '', 'backend': 'cbr',
                     'disk_id': d['id'], 'disk_name': d.get('name'), 'size': d.get('size'),
                     'availability_zone': d.get('availability_zone'), 'vault_id': vault['id'],
                     'incremental': incremental} for d in self.disks]
        return {'name': self.params['name'], 'description': self.params['description'], 'backend': 'cbr',
                'server_id': server['id'], 'server_name': server.get('name'),
                'size': sum(d.get('size') or 0 for d in self.disks),
                'availability_zone': server.get('OS-EXT-AZ:availability_zone'), 'vault_id': vault['id'],
                'incremental': incremental, 'children': [
                    dict(dict((k, None) for k in BACKUP_FIELDS), **child) for child in children]}

    def predict_create(self, desired):
        backup = super(ServerBackupResource, self).predict_create(desired)
        status = backup['status']
        backup['children'] = [dict(child, status=status) for child in backup['children']]
        return backup

    def check_create(self, desired):
        label, server, vault = self.label(None), self.server, self.vault
        object_type = (vault.get('billing') or {}).get('object_type')
        if object_type != 'server':
            raise ResourceError("%s cannot be taken in vault '%s': it is a %s vault, not a server vault" % (
                label, vault.get('name'), object_type))
        self.holder = self.api.vault_of_disk(server['id'])  # a resource is in one vault only
        if self.holder is not None and self.holder['id'] != vault['id']:
            raise ResourceError("%s cannot be taken in vault '%s': the server belongs to vault '%s' (a server can "
                                "be in one vault only)" % (label, vault.get('name'), self.holder.get('name')))
        if server.get('status') not in SERVER_BACKUPABLE or server.get(TASK_STATE):
            raise ResourceError('%s cannot be taken: the server is %s%s; it must be ACTIVE or SHUTOFF' % (
                label, server.get('status'), ' (%s)' % server[TASK_STATE] if server.get(TASK_STATE) else ''))
        if not self.disks:
            raise ResourceError('%s cannot be taken: no disk is attached to the server' % label)
        creating = self.evs.list_snapshots(status='creating')
        for disk in self.disks:
            problem = backup_disk_problem(disk) or busy_with(
                disk, [s for s in creating if s.get('volume_id') == disk['id']])
            if problem:
                raise ResourceError("%s cannot be taken now: disk '%s' of the server: %s; a server is backed up "
                                    "with all its disks at once; run again later" % (
                                        label, disk.get('name') or disk['id'], problem))
        billing = vault.get('billing') or {}
        free_mb = (billing.get('size') or 0) * 1024 - (billing.get('used') or 0)
        if not desired['incremental'] and not vault.get('auto_expand') and free_mb < desired['size'] * 1024:
            raise ResourceError("%s cannot be taken in vault '%s': a full backup of the server's %d GB needs more "
                                "than the %d MB free (the vault does not expand automatically)" % (
                                    label, vault.get('name'), desired['size'], free_mb))

    def check_update(self, current, changes):
        if self.vault is not None and current.get('vault_id') != self.vault['id']:
            raise ResourceError("%s exists in vault %s, not in vault '%s'; backups cannot move between vaults" % (
                self.label(current), current.get('vault_id'), self.params['vault']))

    def create(self, desired):
        server, vault = self.server, self.vault
        if self.holder is None:
            self.api.add_server(vault['id'], server)
        checkpoint_id = self.api.take(vault['id'], server, desired['name'], desired['description'],
                                      self.params['incremental'])

        def listed():
            found = self.api.list_server_backups(server['id'], checkpoint_id=checkpoint_id)
            return found[0] if found else None

        return Pending(listed() or {'id': None}, Listed(listed, self.label(None)), Status())


class ServerRestoreAction(ServerParts, EvsModule):
    """A restore of a whole server backup onto its server: each disk backup onto the disk it was
    taken of, still attached to the server, while the server is stopped. Recorded on every disk
    as a restore of its disk backup (restore_record.py), so a rerun of the same request is a no-op."""

    waits_in_steps = True
    result_fields = VOLUME_FIELDS
    checked_texts = (('backup', 255, True), ('server', 255, False))

    def validate(self):
        BACKUP_RESTORE.validate_request_id(self.params['request_id'])

    def find(self):
        """(server backup, server, [(disk backup, disk)]), GETs only."""
        params = self.params
        server = self.ecs.find_server(params['server'], required=True) if params['server'] else None
        # by id the backup itself, so that another server than its own is refused as such
        backup = self.find_server_backup(params['backup'], None if looks_like_id(params['backup']) else server,
                                         required=True)
        if server is None:
            server = self.ecs.get_server(backup['server_id'])
        if server is None:
            raise ResourceError('%s cannot be restored onto its server %s: the server no longer exists; restore its '
                                'disk backups onto new disks (dataprotection.evs.disk, backup: <child id>)'
                                % (describe_backup(backup), backup['server_id']))
        if server['id'] != backup['server_id']:
            raise ResourceError('%s is a backup of server %s, not of %s; CBR restores a server backup onto its own '
                                'server only' % (describe_backup(backup), backup['server_id'], describe_server(server)))
        return backup, server, [(child, self.evs.get_volume(child['disk_id'])) for child in backup['children']]

    def check(self, label, backup, server, pairs):
        """Refuse what the cloud would refuse, before any change."""
        if backup['status'] != 'available':
            raise ResourceError('%s cannot be restored: the backup is %s; it must be available' % (
                label, backup['status']))
        if server.get('status') != 'SHUTOFF' or server.get(TASK_STATE):
            raise ResourceError('%s cannot be restored: the server is %s%s; stop it first (the cloud restores a '
                                'server backup onto a stopped server only)' % (label, server.get('status'), ' (%s)' % (
                                    server[TASK_STATE]) if server.get(TASK_STATE) else ''))
        for child, disk in pairs:
            what = "disk backup %s (of disk '%s')" % (child['id'], child.get('disk_name') or child['disk_id'])
            if disk is None or attachment_of(disk, server['id']) is None:
                raise ResourceError('%s cannot be restored: %s has no disk attached to the server to go onto; '
                                    'restore it onto a new disk (dataprotection.evs.disk, backup: %s)' % (
                                        label, what, child['id']))
            if disk.get('status') != 'in-use':
                raise ResourceError("%s cannot be restored: disk '%s' is %s; it must be in-use" % (
                    label, disk.get('name') or disk['id'], disk.get('status')))
            if int(disk.get('size') or 0) < int(child.get('size') or 0):
                raise ResourceError("%s cannot be restored: disk '%s' (%s GB) is smaller than its backup (%s GB)" % (
                    label, disk.get('name') or disk['id'], disk.get('size'), child.get('size')))
        if not self.params['overwrite']:
            raise ResourceError('%s would replace all data on the %d disks of the server; set overwrite: true to '
                                'confirm' % (label, len(pairs)))

    def run(self):
        params = self.params
        backup, server, pairs = self.find()
        label = '%s onto %s' % (describe_backup(backup), describe_server(server))
        decisions = [BACKUP_RESTORE.decide((disk or {}).get('metadata'), child['id'], (disk or {}).get('status'),
                                           params['request_id'], params['force'], label) for child, disk in pairs]
        if pairs and all(d in (DONE, RUNNING) for d in decisions):
            if RUNNING in decisions and params['wait']:
                backup, server, pairs = self.wait(backup, server, pairs, label)
            at = (pairs[0][1].get('metadata') or {}).get(BACKUP_RESTORE.at_key)
            return self.report(False, backup, server, [disk for child, disk in pairs], at)
        self.check(label, backup, server, pairs)
        started_at = self.cloud_time()
        marks = dict((child['id'], BACKUP_RESTORE.marks(child['id'], started_at, params['request_id']))
                     for child, disk in pairs)
        if self.check_mode:
            disks = [BACKUP_RESTORE.predict(disk, marks[child['id']], 'in-use' if params['wait'] else
                                            BACKUP_RESTORE.busy_status) for child, disk in pairs]
            server = dict(server, status='ACTIVE' if params['wait'] and params['power_on'] else 'SHUTOFF')
        else:
            try:
                self.api.restore_server(backup['id'], server['id'], [(c['id'], d['id']) for c, d in pairs],
                                        params['power_on'])
            except CloudError as exc:
                raise ResourceError('%s cannot be restored: %s' % (label, exc.message or exc), cause=exc)
            for child, disk in pairs:
                BACKUP_RESTORE.write(self.evs, disk['id'], marks[child['id']])
            if params['wait']:
                backup, server, pairs = self.wait(backup, server, pairs, label)
            else:
                pairs = [(child, self.evs.get_volume(disk['id'])) for child, disk in pairs]
                server = self.ecs.get_server(server['id'])
            disks = [disk for child, disk in pairs]
        result = self.report(True, backup, server, disks, started_at)
        if self.diff_mode:
            result['diff'] = {'before': dict((disk['id'], BACKUP_RESTORE.recorded(disk.get('metadata')))
                                             for child, disk in pairs),
                              'after': dict((disk['id'], BACKUP_RESTORE.recorded_after(marks[child['id']], self.check_mode))
                                            for child, disk in pairs)}
        return result

    def wait(self, backup, server, pairs, label):
        """Until the backup is available, the disks in-use and the server done restoring."""
        waiter = self.waiter()
        backup = waiter.for_status(lambda: self.api.get_server_backup(backup['id']), describe_backup(backup))
        disks = [waiter.for_status(lambda disk_id=disk['id']: self.evs.get_volume(disk_id),
                                   'disk of restore of %s' % label, wanted=('in-use',)) for child, disk in pairs]
        server = waiter.poll(lambda: self.ecs.get_server(server['id']), 'server of restore of %s' % label,
                             'ACTIVE or SHUTOFF', status_of=lambda s: '%s (%s)' % (
                                 (s or {}).get('status'), (s or {}).get(TASK_STATE)),
                             done=lambda s, status: bool(s) and not s.get(TASK_STATE) and s.get('status') in (
                                 'ACTIVE', 'SHUTOFF'),
                             failed=lambda s, status: s is None or s.get('status') == 'ERROR')
        return backup, server, [(child, disk) for (child, before), disk in zip(pairs, disks)]

    def report(self, changed, backup, server, disks, at):
        return {'changed': changed, 'backup': self.shape(backup, SERVER_BACKUP_FIELDS),
                'server': {'id': server.get('id'), 'name': server.get('name'), 'status': server.get('status')},
                'disks': [self.shape(disk) for disk in disks], 'restored_at': at}
