# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Disk backups behind one interface, on two services: CBR (vaults, checkpoints) and VBS.

Both backends answer backups in one shape (``BACKUP_FIELDS``), so modules never look at which
service holds a backup except to choose it. A backup lives apart from its disk: it outlives
the disk and can become a new disk in any AZ of the region (EVS ``backup_id``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id, only_match
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import JOB_FAILURE

BACKENDS = ('cbr', 'vbs')
BACKUP_FIELDS = (
    'id', 'name', 'description', 'status', 'backend', 'disk_id', 'disk_name', 'size', 'availability_zone',
    'vault_id', 'checkpoint_id', 'incremental', 'created_at', 'updated_at')
VAULT_FIELDS = ('id', 'name', 'description', 'resources', 'billing', 'auto_bind', 'auto_expand', 'created_at')
DISK_TYPE = 'OS::Cinder::Volume'
# a backup in one of these statuses is on its way to ``available``
BACKUP_TRANSITIONAL = ('creating', 'protecting', 'restoring', 'waiting_protect', 'waiting_restore')
BACKUP_DELETING = ('deleting', 'waiting_delete')
BACKUP_DELETABLE = ('available', 'error')
# disk statuses a backup may start from / a restore needs
DISK_BACKUPABLE = ('available', 'in-use')
DISK_RESTORABLE = ('available',)
# names the clouds reserve for backups made by policies
RESERVED_NAME_PREFIXES = {'vbs': 'auto', 'cbr': 'autobk_'}
NAME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-')


def describe_backup(backup, disk=None):
    name = (backup or {}).get('name') or (backup or {}).get('id')
    text = "backup '%s'" % name
    if disk:
        text += " of disk '%s'" % (disk.get('name') or disk.get('id'))
    return text


def check_backup_name(name, backend):
    """Refuse a name the cloud would refuse (1..64 of letters, digits, _ and -; reserved prefix)."""
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
        raise ResourceError("backup name '%s' is invalid: 1 to 64 letters, digits, '_' or '-'" % name)
    prefix = RESERVED_NAME_PREFIXES[backend]
    if name.startswith(prefix):
        raise ResourceError("backup name '%s' is invalid: the prefix %s is reserved for policy backups"
                            % (name, prefix))


def time_key(backup):
    """Sort key for backup times of either service (both UTC; one may carry a zone suffix)."""
    text = (backup.get('created_at') or '').replace('Z', '').split('+')[0]
    return (text, backup.get('id') or '')


class VBS:
    """VBS: ``cloudbackups`` (jobs) to back up and restore, Cinder-style ``backups`` to read and delete."""

    backend = 'vbs'
    service = 'vbsv2'

    def __init__(self, client):
        self.client = client

    @staticmethod
    def normalise(raw):
        if raw is None:
            return None
        return {
            'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description'),
            'status': raw.get('status'), 'backend': 'vbs', 'disk_id': raw.get('volume_id'), 'disk_name': None,
            'size': raw.get('size'), 'availability_zone': raw.get('availability_zone'), 'vault_id': None,
            'checkpoint_id': None, 'incremental': raw.get('is_incremental'), 'created_at': raw.get('created_at'),
            'updated_at': raw.get('updated_at')}

    def get(self, backup_id):
        try:
            return self.normalise(self.client.get(self.service, '/backups/%s' % backup_id)['backup'])
        except CloudError as exc:
            if exc.not_found:
                return None
            raise

    def list(self, disk_id=None, name=None, status=None, vault_id=None):
        if vault_id:
            return []  # VBS has no vaults
        params = dict((k, v) for k, v in (('volume_id', disk_id), ('name', name), ('status', status)) if v)
        items = self.client.paginate_links(self.service, '/backups/detail', 'backups', params)
        found = [self.normalise(item) for item in items]
        return [b for b in found if all(b.get(k) == v for k, v in
                                        (('disk_id', disk_id), ('name', name), ('status', status)) if v)]

    def create(self, disk, name, description, incremental, vault=None):
        """Start a backup; answers the backup as soon as the cloud shows it (its job runs on)."""
        body = {'backup': {'volume_id': disk['id'], 'name': name}}
        if description:
            body['backup']['description'] = description
        if not incremental:
            body['backup']['extend_param'] = {'FullBackup': 'true'}

        def recover():  # a lost answer: the backup exists if the cloud lists it by name
            return {'job_id': None} if self.list(disk_id=disk['id'], name=name) else None

        answer = self.client.post(self.service, '/cloudbackups', body, recover=recover)
        found = self.list(disk_id=disk['id'], name=name)
        backup = found[0] if len(found) == 1 else {'id': None, 'name': name, 'status': 'creating',
                                                   'disk_id': disk['id'], 'backend': 'vbs'}
        backup['job_id'] = (answer or {}).get('job_id')
        return backup

    def delete(self, backup_id):
        self.client.delete(self.service, '/backups/%s' % backup_id, ok=(200, 202, 204, 404))

    def restore(self, backup_id, volume_id):
        """Start a restore; answers its job id (None when a lost answer was recovered)."""
        def recover():
            backup = self.get(backup_id) or {}
            return {'job_id': None} if backup.get('status') == 'restoring' else None

        answer = self.client.post(self.service, '/cloudbackups/%s/restore' % backup_id,
                                  {'restore': {'volume_id': volume_id}}, recover=recover)
        return (answer or {}).get('job_id')

    def job_url(self, job_id):
        """VBS jobs live under ``/v1/{project_id}`` on the VBS host, next to the v2 API the
        catalog names (``GET /v1/{project_id}/jobs/{job_id}``)."""
        root = re.sub(r'/v2(/[^/]*)?/?$', '', self.client.endpoint(self.service))
        return '%s/v1/%s/jobs/%s' % (root, self.client.project_id, job_id)

    def get_job(self, job_id):
        # the one request outside the v2 endpoint (same auth, retries and errors)
        return self.client.request_url('GET', self.job_url(job_id), operation='GET vbs job %s' % job_id).body

    def wait_job(self, waiter, job_id, label):
        """Wait for a job to succeed; answers it (its ``entities`` name the backup and disk)."""
        return waiter.for_job(lambda: self.get_job(job_id), '%s (VBS job %s)' % (label, job_id))

    def check_job(self, job_id, label):
        """The job's verdict once its backup looks done: a failed job fails with its reason."""
        job = self.get_job(job_id) or {}
        if job.get('status') in JOB_FAILURE:
            raise ResourceError('%s failed: VBS job %s ended %s: %s' % (
                label, job_id, job.get('status'), job.get('fail_reason') or job.get('error_code') or 'no reason given'))
        return job


class CBR:
    """CBR: vaults hold disks; a checkpoint backs up a vault's disks (one backup per disk)."""

    backend = 'cbr'
    service = 'cbr'

    def __init__(self, client):
        self.client = client

    @staticmethod
    def normalise(raw):
        if raw is None:
            return None
        extend = raw.get('extend_info') or {}
        return {
            'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description'),
            'status': raw.get('status'), 'backend': 'cbr', 'disk_id': raw.get('resource_id'),
            'disk_name': raw.get('resource_name'), 'size': raw.get('resource_size'),
            'availability_zone': raw.get('resource_az'), 'vault_id': raw.get('vault_id'),
            'checkpoint_id': raw.get('checkpoint_id'), 'incremental': extend.get('incremental'),
            'created_at': raw.get('created_at'), 'updated_at': raw.get('updated_at')}

    # -------------------------------------------------------------- vaults
    def get_vault(self, vault_id):
        try:
            return self.client.get(self.service, '/vaults/%s' % vault_id)['vault']
        except CloudError as exc:
            if exc.not_found:
                return None
            raise

    def find_vault(self, name_or_id, required=False):
        if looks_like_id(name_or_id):
            vault = self.get_vault(name_or_id)
            if vault is not None:
                return vault
        found = [v for v in self.client.paginate_offset(self.service, '/vaults', 'vaults', {'name': name_or_id})
                 if v.get('name') == name_or_id]
        return only_match(found, 'vault', name_or_id, '', required)

    def vault_of_disk(self, disk_id):
        """The vault that holds the disk, or None."""
        for vault in self.client.paginate_offset(self.service, '/vaults', 'vaults', {'resource_ids': disk_id}):
            if any(r.get('id') == disk_id for r in vault.get('resources') or []):
                return vault
        return None

    def add_disk(self, vault_id, disk):
        def recover():
            vault = self.get_vault(vault_id) or {}
            return {} if any(r.get('id') == disk['id'] for r in vault.get('resources') or []) else None

        self.client.post(self.service, '/vaults/%s/addresources' % vault_id,
                         {'resources': [{'id': disk['id'], 'type': DISK_TYPE, 'name': disk.get('name')}]},
                         recover=recover)

    # ------------------------------------------------------------- backups
    def get(self, backup_id):
        try:
            return self.normalise(self.client.get(self.service, '/backups/%s' % backup_id)['backup'])
        except CloudError as exc:
            if exc.not_found:
                return None
            raise

    def list(self, disk_id=None, name=None, status=None, vault_id=None, checkpoint_id=None):
        params = dict((k, v) for k, v in (('resource_id', disk_id), ('name', name), ('status', status),
                                          ('vault_id', vault_id), ('checkpoint_id', checkpoint_id)) if v)
        items = self.client.paginate_offset(self.service, '/backups', 'backups', params, limit=1000)
        found = [self.normalise(item) for item in items]
        wanted = (('disk_id', disk_id), ('name', name), ('status', status), ('vault_id', vault_id),
                  ('checkpoint_id', checkpoint_id))
        return [b for b in found if all(b.get(k) == v for k, v in wanted if v)]

    def create(self, disk, name, description, incremental, vault=None):
        """Take a checkpoint of ``disk`` in ``vault``; answers the disk's backup of it."""
        parameters = {'name': name, 'incremental': bool(incremental), 'resources': [disk['id']]}
        if description:
            parameters['description'] = description

        def recover():  # a lost answer: the checkpoint was taken if the backup is listed by name
            found = self.list(disk_id=disk['id'], name=name, vault_id=vault['id'])
            return {'checkpoint': {'id': found[0]['checkpoint_id']}} if found else None

        body = self.client.post(self.service, '/checkpoints',
                                {'checkpoint': {'vault_id': vault['id'], 'parameters': parameters}}, recover=recover)
        checkpoint_id = ((body or {}).get('checkpoint') or {}).get('id')
        found = self.list(disk_id=disk['id'], checkpoint_id=checkpoint_id) if checkpoint_id else []
        if len(found) == 1:
            return found[0]
        return {'id': None, 'name': name, 'status': 'protecting', 'disk_id': disk['id'], 'backend': 'cbr',
                'vault_id': vault['id'], 'checkpoint_id': checkpoint_id}

    def delete(self, backup_id):
        self.client.delete(self.service, '/backups/%s' % backup_id, ok=(200, 202, 204, 404))

    def restore(self, backup_id, volume_id):
        def recover():
            backup = self.get(backup_id) or {}
            return {} if backup.get('status') == 'restoring' else None

        self.client.post(self.service, '/backups/%s/restore' % backup_id,
                         {'restore': {'volume_id': volume_id}}, ok=(200, 202), recover=recover)
        return None  # CBR restores have no job: the backup and the disk show the progress

    def wait_job(self, waiter, job_id, label):
        return None

    def check_job(self, job_id, label):
        return None


def backup_api(client, backend):
    return {'cbr': CBR, 'vbs': VBS}[backend](client)


def find_backup(api, name_or_id, disk=None, vault=None, required=False):
    """The backup ``name_or_id`` (of ``disk`` and in ``vault`` when given). Names are unique per
    disk (the modules keep them so); an ambiguous name is an error listing the ids."""
    disk_id = disk['id'] if disk else None
    vault_id = vault['id'] if vault else None
    if looks_like_id(name_or_id):
        backup = api.get(name_or_id)
        if backup is not None and (disk_id is None or backup.get('disk_id') == disk_id):
            return backup
    where = " of disk '%s'" % (disk.get('name') or disk_id) if disk else ''
    return only_match(api.list(disk_id=disk_id, name=name_or_id, vault_id=vault_id),
                      '%s backup' % api.backend.upper(), name_or_id, where, required)


def service_missing(exc):
    """True when a service's list path does not exist in this region (VBS is not offered
    everywhere): the API gateway answers 404 to a path it does not publish."""
    return isinstance(exc, CloudError) and exc.status == 404


def list_backups_of(client, backends, skip_missing=False, **filters):
    """Backups of several services; with ``skip_missing`` a service this region lacks is skipped."""
    found = []
    for backend in backends:
        try:
            found.extend(backup_api(client, backend).list(**filters))
        except CloudError as exc:
            if not (skip_missing and service_missing(exc)):
                raise
    return found


def find_backup_anywhere(client, name_or_id):
    """A backup of either service by id, or by a name that is unique across both (for new disks)."""
    if looks_like_id(name_or_id):
        for backend in BACKENDS:
            try:
                backup = backup_api(client, backend).get(name_or_id)
            except CloudError as exc:
                if not service_missing(exc):
                    raise
                backup = None
            if backup is not None:
                return backup
    found = list_backups_of(client, BACKENDS, skip_missing=True, name=name_or_id)
    return only_match(found, 'backup', name_or_id, '', True)
