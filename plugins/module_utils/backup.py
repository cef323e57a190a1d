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
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import busy_with, looks_like_id, only_match
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import (
    JOB_FAILURE, Job, Listed, Pending, Status, Then)

BACKENDS = ('cbr', 'vbs')
BACKUP_FIELDS = (
    'id', 'name', 'description', 'status', 'backend', 'disk_id', 'disk_name', 'size', 'availability_zone',
    'vault_id', 'checkpoint_id', 'incremental', 'created_at', 'updated_at')
VAULT_FIELDS = ('id', 'name', 'description', 'resources', 'billing', 'auto_bind', 'auto_expand', 'created_at')
DISK_TYPE = 'OS::Cinder::Volume'
SERVER_TYPE = 'OS::Nova::Server'
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


class BackupService(object):
    """What VBS and CBR share: the client, and backups in one shape (``normalise``)."""

    backend = None
    service = None
    #: a backup of this service lives in a vault (``vault`` is required, else refused)
    uses_vault = False
    #: a backup shows the name its disk had (found by it once the disk is gone)
    keeps_disk_name = False

    def __init__(self, client):
        self.client = client

    @staticmethod
    def description_problem(description):
        """Why the cloud would refuse ``description`` (beyond its 255 bytes), or None."""
        return None

    @classmethod
    def normalise(cls, raw):
        """The service's backup ``raw`` in the shape both services share (None stays None)."""
        return None if raw is None else cls.backup_view(raw)

    @staticmethod
    def backup_view(raw):
        raise NotImplementedError

    def get(self, backup_id):
        return self.normalise(self.client.get_or_none(self.service, '/backups/%s' % backup_id, 'backup'))


class VBS(BackupService):
    """VBS: ``cloudbackups`` (jobs) to back up and restore, Cinder-style ``backups`` to read and delete."""

    backend = 'vbs'
    service = 'vbsv2'

    @staticmethod
    def description_problem(description):
        if description and (len(description) > 64 or set(description) & set('<>')):
            return 'description is invalid for VBS: at most 64 characters, no < or >'
        return None

    @staticmethod
    def backup_view(raw):
        return {
            'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description'),
            'status': raw.get('status'), 'backend': 'vbs', 'disk_id': raw.get('volume_id'), 'disk_name': None,
            'size': raw.get('size'), 'availability_zone': raw.get('availability_zone'), 'vault_id': None,
            'checkpoint_id': None, 'incremental': raw.get('is_incremental'), 'created_at': raw.get('created_at'),
            'updated_at': raw.get('updated_at')}

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

    def job(self, job_id, label):
        """The wait for a job to succeed (its ``entities`` name the backup and disk)."""
        return Job(job_id, self.get_job, '%s (VBS job %s)' % (label, job_id))

    def wait_job(self, waiter, job_id, label):
        """``job`` run now: answers the job."""
        return waiter.for_job(lambda: self.get_job(job_id), '%s (VBS job %s)' % (label, job_id))

    def check_job(self, job_id, label):
        """The job's verdict once its backup looks done: a failed job fails with its reason."""
        job = self.get_job(job_id) or {}
        if job.get('status') in JOB_FAILURE:
            raise ResourceError('%s failed: VBS job %s ended %s: %s' % (
                label, job_id, job.get('status'), job.get('fail_reason') or job.get('error_code') or 'no reason given'))
        return job


class CBR(BackupService):
    """CBR: vaults hold disks; a checkpoint backs up a vault's disks (one backup per disk)."""

    backend = 'cbr'
    service = 'cbr'
    uses_vault = True
    keeps_disk_name = True

    @staticmethod
    def backup_view(raw):
        # Open Telekom Cloud documents `incremental` in `extend_info`; Huawei Cloud answers it at
        # the top level of the backup (huaweicloudsdkcbr BackupResp). Read whichever is there.
        incremental = (raw.get('extend_info') or {}).get('incremental')
        if incremental is None:
            incremental = raw.get('incremental')
        return {
            'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description'),
            'status': raw.get('status'), 'backend': 'cbr', 'disk_id': raw.get('resource_id'),
            'disk_name': raw.get('resource_name'), 'size': raw.get('resource_size'),
            'availability_zone': raw.get('resource_az'), 'vault_id': raw.get('vault_id'),
            'checkpoint_id': raw.get('checkpoint_id'), 'incremental': incremental,
            'created_at': raw.get('created_at'), 'updated_at': raw.get('updated_at')}

    # -------------------------------------------------------------- vaults
    def get_vault(self, vault_id):
        return self.client.get_or_none(self.service, '/vaults/%s' % vault_id, 'vault')

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
    def list(self, disk_id=None, name=None, status=None, vault_id=None, checkpoint_id=None):
        params = dict((k, v) for k, v in (('resource_id', disk_id), ('name', name), ('status', status),
                                          ('vault_id', vault_id), ('checkpoint_id', checkpoint_id)) if v)
        items = self.client.paginate_offset(self.service, '/backups', 'backups', params, limit=1000)
        found = [self.normalise(item) for item in items]
        wanted = (('disk_id', disk_id), ('name', name), ('status', status), ('vault_id', vault_id),
                  ('checkpoint_id', checkpoint_id))
        return [b for b in found if all(b.get(k) == v for k, v in wanted if v)]

    def create(self, disk, name, description, incremental, vault=None, look_up=True):
        """Take a checkpoint of ``disk`` in ``vault``; answers the disk's backup of it. The checkpoint's
        answer does not name the backup: ``look_up`` lists it by the checkpoint; without it (a batch,
        which lists all its backups at once afterwards) the answer is the backup without its id."""
        parameters = {'name': name, 'incremental': bool(incremental), 'resources': [disk['id']]}
        if description:
            parameters['description'] = description

        def recover():  # a lost answer: the checkpoint was taken if the backup is listed by name
            found = self.list(disk_id=disk['id'], name=name, vault_id=vault['id'])
            return {'checkpoint': {'id': found[0]['checkpoint_id']}} if found else None

        body = self.client.post(self.service, '/checkpoints',
                                {'checkpoint': {'vault_id': vault['id'], 'parameters': parameters}}, recover=recover)
        checkpoint_id = ((body or {}).get('checkpoint') or {}).get('id')
        found = self.list(disk_id=disk['id'], checkpoint_id=checkpoint_id) if checkpoint_id and look_up else []
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

    def job(self, job_id, label):
        return None

    def wait_job(self, waiter, job_id, label):
        return None

    def check_job(self, job_id, label):
        return None


BACKUP_SERVICES = {'cbr': CBR, 'vbs': VBS}


def backup_api(client, backend):
    return BACKUP_SERVICES[backend](client)


def backup_created(api, backup, find, label):
    """What the engine waits for after ``api.create`` answered ``backup``: a VBS backup that is not
    listed yet has a job that names it; else it is looked up (``find``) until the cloud lists it;
    then until it is available; a VBS job has the last word (a failed job fails with its reason).
    ``label(backup)`` names it in messages."""
    job_id = backup.get('job_id')

    def named_by_job(progress):
        if progress.job is None:
            return progress.resource
        return dict(progress.resource, id=(progress.job.get('entities') or {}).get('backup_id'))

    def verdict(progress):
        api.check_job(job_id, label(progress.resource))
        return progress.resource

    return Pending(backup, api.job(job_id, label(backup)) if backup.get('id') is None else None,
                   Then(named_by_job, 'waiting'), Listed(find, label(None)), Status(),
                   Then(verdict, 'waiting') if job_id else None)


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


def list_backups_of(client, backends, skip_missing=False, services=None, **filters):
    """Backups of several services; with ``skip_missing`` a service this region lacks is skipped.
    ``services``: the class per backend (default ``BACKUP_SERVICES``), which shapes the backups."""
    found = []
    for backend in backends:
        try:
            found.extend((services or BACKUP_SERVICES)[backend](client).list(**filters))
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


# ------------------------------------------------------------------------------------------------
# Vaults and backup policies (modules vault, vault_info, backup_policy, backup_policy_info)

VAULT_RESULT_FIELDS = (
    'id', 'name', 'description', 'status', 'object_type', 'size', 'used_mb', 'auto_expand', 'auto_bind',
    'bind_rules', 'resource_ids', 'resources', 'policy_id', 'policy_name', 'billing', 'created_at')
POLICY_FIELDS = (
    'id', 'name', 'backend', 'enabled', 'schedule', 'max_backups', 'retention_duration_days',
    'long_term_retention', 'keep_first_backup_of_month', 'vault_ids', 'disk_ids', 'disk_count')
LONG_TERM_KEYS = ('day_backups', 'week_backups', 'month_backups', 'year_backups')
# what each service accepts (CBR also takes -1: not limited); a DR policy is checked against
# them before any request (plugin_utils/policy.py), a backup_policy or vault call on its own too
RETENTION_LIMITS = {'cbr': {'max_backups': (1, 99999), 'retention_duration_days': (1, 99999)},
                    'vbs': {'max_backups': (2, 99), 'retention_duration_days': (2, 99999)}}
LONG_TERM_MAX = 100
VAULT_SIZE = (10, 10485760)
# the disks (or servers) one CBR vault holds; past it the cloud answers BackupService.6100
VAULT_RESOURCES_MAX = 256


def retention_problem(backend, option, value):
    """Why ``value`` of ``option`` (max_backups, retention_duration_days) is outside what
    ``backend`` accepts, or None."""
    low, high = RETENTION_LIMITS[backend][option]
    if value is None or low <= value <= high or (backend == 'cbr' and value == -1):
        return None
    return '%s must be %s%d to %d for %s, not %d' % (
        option, '-1 or ' if backend == 'cbr' else '', low, high, backend.upper(), value)


WEEKDAYS = ('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')
VBS_WEEKDAYS = {'MO': 'MON', 'TU': 'TUE', 'WE': 'WED', 'TH': 'THU', 'FR': 'FRI', 'SA': 'SAT', 'SU': 'SUN'}
PATTERN_KEYS = ('FREQ', 'INTERVAL', 'BYDAY', 'BYHOUR', 'BYMINUTE')
TIMEZONE_RE = re.compile(r'^UTC[+-]\d{2}:\d{2}$')
# the disk of a VBS policy: the API lists a policy's disk count only, so the module marks the
# disks it binds in their metadata and trusts the marks while their number matches that count
VBS_POLICY_MARK = 'vbs_backup_policy_id'


def check_name(name, what):
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
        raise ResourceError("%s name '%s' is invalid: 1 to 64 letters, digits, '_' or '-'" % (what, name))


def _numbers(text, low, high, what, pattern):
    try:
        values = sorted(set(int(v) for v in text.split(',')))
    except ValueError:
        raise ResourceError("schedule pattern '%s' is invalid: %s must be numbers" % (pattern, what))
    if not all(low <= v <= high for v in values):
        raise ResourceError("schedule pattern '%s' is invalid: %s must be %d to %d" % (pattern, what, low, high))
    return tuple(values)


def parse_pattern(pattern):
    """An RRULE pattern as CBR takes it (``FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=2;BYMINUTE=0``, UTC) as
    ``{freq, interval, days, hours, minutes}`` with the API's defaults filled in (every day, minute
    0, interval 1); a ResourceError says what is wrong."""
    text = (pattern or '').strip().upper()
    parts = {}
    for part in [p for p in text.split(';') if p]:
        key, sep, value = part.partition('=')
        if not sep or key not in PATTERN_KEYS or key in parts or not value:
            raise ResourceError("schedule pattern '%s' is invalid: use FREQ, INTERVAL, BYDAY, BYHOUR and BYMINUTE, "
                                "for example FREQ=DAILY;BYHOUR=2;BYMINUTE=0" % pattern)
        parts[key] = value
    if parts.get('FREQ') not in ('DAILY', 'WEEKLY'):
        raise ResourceError("schedule pattern '%s' is invalid: FREQ must be DAILY or WEEKLY" % pattern)
    if 'BYHOUR' not in parts:
        raise ResourceError("schedule pattern '%s' is invalid: BYHOUR (UTC) is required" % pattern)
    days = parts.get('BYDAY', ','.join(WEEKDAYS)).split(',')
    if not all(d in WEEKDAYS for d in days):
        raise ResourceError("schedule pattern '%s' is invalid: BYDAY takes %s" % (pattern, ','.join(WEEKDAYS)))
    return {'freq': parts['FREQ'], 'interval': _numbers(parts.get('INTERVAL', '1'), 1, 9999, 'INTERVAL', pattern)[0],
            'days': tuple(d for d in WEEKDAYS if d in days),
            'hours': _numbers(parts['BYHOUR'], 0, 23, 'BYHOUR', pattern),
            'minutes': _numbers(parts.get('BYMINUTE', '0'), 0, 59, 'BYMINUTE', pattern)}


def format_pattern(parsed):
    """The canonical text of a parsed pattern (BYDAY left out when it is every day)."""
    text = 'FREQ=%s' % parsed['freq']
    if parsed['interval'] != 1:
        text += ';INTERVAL=%d' % parsed['interval']
    if parsed['days'] != WEEKDAYS:
        text += ';BYDAY=%s' % ','.join(parsed['days'])
    return text + ';BYHOUR=%s;BYMINUTE=%s' % (','.join(str(h) for h in parsed['hours']),
                                              ','.join(str(m) for m in parsed['minutes']))


def check_schedule(patterns):
    """Refuse what CBR refuses: 1 to 24 patterns, each valid, backup times at least an hour apart."""
    if not patterns or len(patterns) > 24:
        raise ResourceError('schedule needs 1 to 24 patterns, not %d' % len(patterns or ()))
    times = sorted(h * 60 + m for p in patterns for parsed in [parse_pattern(p)]
                   for h in parsed['hours'] for m in parsed['minutes'])
    if any(b - a < 60 for a, b in zip(times, times[1:])):
        raise ResourceError('schedule is invalid: backup times must be at least 1 hour apart')
    return patterns


def canonical_schedule(patterns):
    """Patterns compared by meaning: ``BYMINUTE=00`` = ``BYMINUTE=0``, day order, defaults."""
    if patterns is None:
        return None
    return sorted(format_pattern(parse_pattern(p)) for p in patterns)


def schedule_to_vbs(patterns):
    """A schedule as VBS ``scheduled_policy`` fields (start_time + frequency or week_frequency).
    VBS runs at full UTC hours, every N days or on week days, the same for every time."""
    parsed = [parse_pattern(p) for p in patterns]
    first = parsed[0]
    if any((p['freq'], p['interval'], p['days']) != (first['freq'], first['interval'], first['days']) for p in parsed):
        raise ResourceError('schedule cannot be a VBS schedule: VBS runs every pattern on the same days; '
                            'use one FREQ, INTERVAL and BYDAY for all')
    if any(p['minutes'] != (0,) for p in parsed):
        raise ResourceError('schedule cannot be a VBS schedule: VBS runs at full hours only (BYMINUTE=0)')
    hours = sorted(set(h for p in parsed for h in p['hours']))
    fields = {'start_time': ','.join('%02d:00' % h for h in hours)}
    if first['freq'] == 'DAILY' and first['days'] == WEEKDAYS:
        if first['interval'] > 30:
            raise ResourceError('schedule cannot be a VBS schedule: INTERVAL is 1 to 30 days')
        fields['frequency'] = first['interval']
    else:
        if first['interval'] != 1:
            raise ResourceError('schedule cannot be a VBS schedule: weekly schedules run every week (no INTERVAL)')
        fields['week_frequency'] = [VBS_WEEKDAYS[d] for d in first['days']]
    return fields


def vbs_to_schedule(scheduled):
    """VBS ``scheduled_policy`` as one canonical pattern."""
    hours = [int(t.split(':')[0]) for t in (scheduled.get('start_time') or '').split(',') if t]
    if not hours:
        return None
    if scheduled.get('frequency'):
        parsed = {'freq': 'DAILY', 'interval': int(scheduled['frequency']), 'days': WEEKDAYS}
    else:
        names = dict((v, k) for k, v in VBS_WEEKDAYS.items())
        days = [names[d] for d in scheduled.get('week_frequency') or () if d in names]
        parsed = {'freq': 'WEEKLY', 'interval': 1, 'days': tuple(d for d in WEEKDAYS if d in days)}
    parsed.update(hours=tuple(sorted(hours)), minutes=(0,))
    return [format_pattern(parsed)]


def _limit(value):
    """A retention limit as the API shows it: unset, null and -1 all mean 'not limited'."""
    return -1 if value in (None, '', 0) else int(value)


def policy_order(policy):
    """How the info modules sort backup policies: by service, name and id."""
    return (policy['backend'], policy['name'] or '', policy['id'] or '')


def cbr_policy_view(raw):
    """A CBR policy in the shape of POLICY_FIELDS."""
    if raw is None:
        return None
    definition = raw.get('operation_definition') or {}
    long_term = dict((k, int(definition.get(k) or 0)) for k in LONG_TERM_KEYS)
    long_term['timezone'] = definition.get('timezone')
    patterns = ((raw.get('trigger') or {}).get('properties') or {}).get('pattern') or []
    return {'id': raw.get('id'), 'name': raw.get('name'), 'backend': 'cbr', 'enabled': raw.get('enabled', True),
            'schedule': list(patterns), 'max_backups': _limit(definition.get('max_backups')),
            'retention_duration_days': _limit(definition.get('retention_duration_days')),
            'long_term_retention': long_term, 'keep_first_backup_of_month': None,
            'vault_ids': sorted(v.get('vault_id') for v in raw.get('associated_vaults') or []),
            'disk_ids': None, 'disk_count': None, 'operation_definition': definition}


def vbs_policy_view(raw):
    """A VBS policy in the shape of POLICY_FIELDS (``disk_ids`` filled in by the caller)."""
    if raw is None:
        return None
    scheduled = raw.get('scheduled_policy') or {}
    return {'id': raw.get('backup_policy_id'), 'name': raw.get('backup_policy_name'), 'backend': 'vbs',
            'enabled': scheduled.get('status', 'ON') == 'ON', 'schedule': vbs_to_schedule(scheduled),
            'max_backups': _limit(scheduled.get('rentention_num')),
            'retention_duration_days': _limit(scheduled.get('rentention_day')), 'long_term_retention': None,
            'keep_first_backup_of_month': scheduled.get('remain_first_backup_of_curMonth') == 'Y',
            'vault_ids': None, 'disk_ids': None, 'disk_count': raw.get('policy_resource_count'),
            'scheduled_policy': scheduled}


def vault_view(raw, policy=None):
    """A CBR vault in the shape of VAULT_RESULT_FIELDS (``policy``: its backup policy, or None)."""
    if raw is None:
        return None
    billing = raw.get('billing') or {}
    rules = dict((t.get('key'), t.get('value') or '') for t in (raw.get('bind_rules') or {}).get('tags') or [])
    resources = raw.get('resources') or []
    return {'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description') or '',
            'status': billing.get('status'), 'object_type': billing.get('object_type'), 'size': billing.get('size'),
            'used_mb': billing.get('used') or 0, 'auto_expand': bool(raw.get('auto_expand')),
            'auto_bind': bool(raw.get('auto_bind')), 'bind_rules': rules,
            'resource_ids': sorted(r.get('id') for r in resources), 'resources': resources,
            'policy_id': (policy or {}).get('id'), 'policy_name': (policy or {}).get('name'), 'billing': billing,
            'created_at': raw.get('created_at')}


class CBRPolicies(CBR):
    """CBR vault and policy calls (the vault and backup_policy modules)."""

    def list_vaults(self, name=None):
        params = {'name': name} if name else None
        return [v for v in self.client.paginate_offset(self.service, '/vaults', 'vaults', params)
                if not name or v.get('name') == name]

    def create_vault(self, fields):
        def recover():  # a lost answer: the vault exists if it is listed by its name
            found = self.list_vaults(fields['name'])
            return {'vault': found[0]} if len(found) == 1 else None

        return self.client.post(self.service, '/vaults', {'vault': fields}, recover=recover)['vault']

    def update_vault(self, vault_id, fields):
        return self.client.put(self.service, '/vaults/%s' % vault_id, {'vault': fields})['vault']

    def delete_vault(self, vault_id):
        self.client.delete(self.service, '/vaults/%s' % vault_id, ok=(200, 202, 204, 404))

    def add_disks(self, vault_id, disks, resource_type=DISK_TYPE):
        def recover():
            held = set(r.get('id') for r in (self.get_vault(vault_id) or {}).get('resources') or [])
            return {} if all(d['id'] in held for d in disks) else None

        self.client.post(self.service, '/vaults/%s/addresources' % vault_id,
                         {'resources': [{'id': d['id'], 'type': resource_type, 'name': d.get('name')} for d in disks]},
                         recover=recover)

    def remove_disks(self, vault_id, disk_ids):
        def recover():
            held = set(r.get('id') for r in (self.get_vault(vault_id) or {}).get('resources') or [])
            return {} if not held & set(disk_ids) else None

        self.client.post(self.service, '/vaults/%s/removeresources' % vault_id, {'resource_ids': list(disk_ids)},
                         recover=recover)

    def associate_policy(self, vault_id, policy_id):
        def recover():
            return {} if (self.policy_of_vault(vault_id) or {}).get('id') == policy_id else None

        self.client.post(self.service, '/vaults/%s/associatepolicy' % vault_id, {'policy_id': policy_id},
                         recover=recover)

    def dissociate_policy(self, vault_id, policy_id):
        def recover():
            return {} if (self.policy_of_vault(vault_id) or {}).get('id') != policy_id else None

        self.client.post(self.service, '/vaults/%s/dissociatepolicy' % vault_id, {'policy_id': policy_id},
                         recover=recover)

    def count_backups(self, vault_id):
        body = self.client.get(self.service, '/backups', params={'vault_id': vault_id, 'limit': 1}) or {}
        count = body.get('count')
        return int(count) if count is not None else len(body.get('backups') or [])

    # -------------------------------------------------------------- policies
    def list_policies(self, vault_id=None):
        params = {'operation_type': 'backup'}
        if vault_id:
            params['vault_id'] = vault_id
        body = self.client.get(self.service, '/policies', params=params) or {}
        found = [p for p in body.get('policies') or [] if p.get('operation_type', 'backup') == 'backup']
        if vault_id:  # a cloud may ignore the filter
            found = [p for p in found if any(v.get('vault_id') == vault_id for v in p.get('associated_vaults') or [])]
        return found

    def policy_of_vault(self, vault_id):
        found = self.list_policies(vault_id=vault_id)
        return found[0] if found else None

    def get_policy(self, policy_id):
        return self.client.get_or_none(self.service, '/policies/%s' % policy_id, 'policy')

    def find_policy(self, name_or_id, required=False):
        if looks_like_id(name_or_id):
            policy = self.get_policy(name_or_id)
            if policy is not None:
                return policy
        found = [p for p in self.list_policies() if p.get('name') == name_or_id]
        return only_match(found, 'CBR backup policy', name_or_id, '', required)

    def create_policy(self, fields):
        def recover():
            found = [p for p in self.list_policies() if p.get('name') == fields['name']]
            return {'policy': found[0]} if len(found) == 1 else None

        return self.client.post(self.service, '/policies', {'policy': fields}, recover=recover)['policy']

    def update_policy(self, policy_id, fields):
        return self.client.put(self.service, '/policies/%s' % policy_id, {'policy': fields})['policy']

    def delete_policy(self, policy_id):
        self.client.delete(self.service, '/policies/%s' % policy_id, ok=(200, 202, 204, 404))


class VBSPolicies(VBS):
    """VBS backup policy calls (the backup_policy module with ``backend: vbs``)."""

    def list_policies(self):
        body = self.client.get(self.service, '/backuppolicy') or {}
        return body.get('backup_policies') or []

    def find_policy(self, name_or_id, required=False):
        found = [p for p in self.list_policies() if name_or_id in (p.get('backup_policy_name'),
                                                                   p.get('backup_policy_id'))]
        return only_match(found, 'VBS backup policy', name_or_id, '', required)

    def get_policy(self, policy_id):
        found = [p for p in self.list_policies() if p.get('backup_policy_id') == policy_id]
        return found[0] if found else None

    def create_policy(self, name, scheduled):
        def recover():
            found = [p for p in self.list_policies() if p.get('backup_policy_name') == name]
            return {'backup_policy_id': found[0]['backup_policy_id']} if found else None

        fields = {'backup_policy_name': name, 'scheduled_policy': scheduled}
        body = self.client.post(self.service, '/backuppolicy', fields, recover=recover)
        return body['backup_policy_id']

    def update_policy(self, policy_id, scheduled):
        self.client.put(self.service, '/backuppolicy/%s' % policy_id, {'scheduled_policy': scheduled})

    def delete_policy(self, policy_id):
        self.client.delete(self.service, '/backuppolicy/%s' % policy_id, ok=(200, 202, 204, 404))

    def bind_disks(self, policy_id, disk_ids):
        body = self.client.post(self.service, '/backuppolicyresources', {
            'backup_policy_id': policy_id,
            'resources': [{'resource_id': d, 'resource_type': 'volume'} for d in disk_ids]}, idempotent=True)
        return (body or {}).get('fail_resources') or []

    def unbind_disks(self, policy_id, disk_ids):
        body = self.client.post(self.service, '/backuppolicyresources/%s/deleted_resources' % policy_id, {
            'resources': [{'resource_id': d} for d in disk_ids]}, idempotent=True)
        return [f for f in (body or {}).get('fail_resources') or [] if f.get('error_code') != 'AutoBackup.0301']

    def mark_disk(self, evs, disk_id, policy_id):
        """Note the binding in the disk's metadata (the API does not list a policy's disks)."""
        if policy_id:
            evs.update_volume_metadata(disk_id, {VBS_POLICY_MARK: policy_id})
        else:
            self.client.delete(evs.service, '/volumes/%s/metadata/%s' % (disk_id, VBS_POLICY_MARK),
                               ok=(200, 202, 204, 404))


def refuse_restore(label, backup, disk):
    """Refuse a restore of ``backup`` onto ``disk`` that the cloud would refuse, before any change:
    a backup that is not available, an attached or busy disk, a disk smaller than the backup."""
    if backup.get('status') != 'available':
        raise ResourceError('%s cannot be restored: the backup is %s; it must be available'
                            % (label, backup.get('status')))
    status = disk.get('status')
    if status == 'in-use' or disk.get('attachments'):
        servers = ', '.join(a.get('server_id') or '?' for a in disk.get('attachments') or []) or '(unknown)'
        raise ResourceError('%s cannot be restored: the disk is in-use (attached to server %s); detach it '
                            'first' % (label, servers))
    if status not in DISK_RESTORABLE:
        raise ResourceError('%s cannot be restored: the disk is %s; it must be available' % (label, status))
    if backup.get('size') and disk.get('size') and int(disk['size']) < int(backup['size']):
        raise ResourceError('%s cannot be restored: the disk (%s GB) is smaller than the backup (%s GB)'
                            % (label, disk['size'], backup['size']))


# ------------------------------------------------------------------------------------------------
# Cross-region replication of CBR backups (modules backup_replica, backup_replica_info,
# backup_replication_policy). A replica lives in a replication vault of the caller's project in
# another region; the source backup lists it in its ``replication_records``.

REPLICA_FIELDS = BACKUP_FIELDS + (
    'region', 'project_id', 'source_backup_id', 'source_region', 'replication_record_id')
RECORD_FIELDS = (
    'id', 'status', 'progress', 'auto_trigger', 'source_backup_id', 'source_region', 'source_project_id',
    'vault_id', 'destination_backup_id', 'destination_region', 'destination_project_id', 'destination_vault_id',
    'created_at', 'fail_code', 'fail_reason')
REPLICATION_POLICY_FIELDS = (
    'id', 'name', 'enabled', 'schedule', 'max_backups', 'retention_duration_days', 'destination_region',
    'destination_project_id', 'associated_vaults')
# a record in this status does not count as a replica: the backup may be copied again
RECORD_FAILED = ('failed',)


def replication_destinations(client):
    """The regions CBR replicates to from the client's region (``GET /replication-capabilities``)."""
    body = client.get('cbr', '/replication-capabilities') or {}
    for region in body.get('regions') or []:
        if region.get('name') == client.region:
            return list(region.get('replication_destinations') or [])
    return []


def record_view(raw):
    """A replication record (a source backup's ``replication_records`` entry) in RECORD_FIELDS."""
    extra = raw.get('extra_info') or {}
    view = dict((field, raw.get(field)) for field in RECORD_FIELDS)
    view.update(progress=extra.get('progress'), auto_trigger=extra.get('auto_trigger'),
                fail_code=extra.get('fail_code') or None, fail_reason=extra.get('fail_reason') or None,
                destination_vault_id=raw.get('destination_vault_id') or extra.get('destination_vault_id'))
    return view


def replica_records(raw_backup, region):
    """The records of the backup's copies to ``region`` that still count (not failed), newest last."""
    records = [record_view(r) for r in (raw_backup or {}).get('replication_records') or []]
    return sorted([r for r in records if r['destination_region'] == region and r['status'] not in RECORD_FAILED],
                  key=time_key)


def replica_view(raw_replica, region, record=None):
    """A replica (a backup in the destination region) in REPLICA_FIELDS; ``record``: the source's
    record of it, which names the source backup."""
    if raw_replica is None:
        return None
    view = CBR.normalise(raw_replica)
    record = record or {}
    view.update(region=region, project_id=raw_replica.get('project_id'),
                source_backup_id=record.get('source_backup_id'), source_region=record.get('source_region'),
                replication_record_id=record.get('id'))
    return view


class CBRReplication(CBRPolicies):
    """CopyBackup, replication records, and replication policies bound with a destination vault
    (reads, updates and deletes of a policy are those of CBRPolicies)."""

    def get_raw(self, backup_id):
        return self.client.get_or_none(self.service, '/backups/%s' % backup_id, 'backup')

    def list_replicas(self, vault_id=None):
        params = {'image_type': 'replication'}
        if vault_id:
            params['vault_id'] = vault_id
        found = self.client.paginate_offset(self.service, '/backups', 'backups', params, limit=1000)
        return [b for b in found
                if b.get('image_type') == 'replication' and (not vault_id or b.get('vault_id') == vault_id)]

    def replicate(self, backup_id, region, project_id, vault_id, name=None, description=None):
        """CopyBackup; answers the replication (``replication_record_id``, ...)."""
        body = {'destination_region': region, 'destination_project_id': project_id, 'destination_vault_id': vault_id}
        if name:
            body['name'] = name
        if description:
            body['description'] = description

        def recover():  # a lost answer: the copy started if the backup lists a record to the region
            records = replica_records(self.get_raw(backup_id), region)
            return {'replication': {'replication_record_id': records[-1]['id']}} if records else None

        answer = self.client.post(self.service, '/backups/%s/replicate' % backup_id, {'replicate': body},
                                  recover=recover)
        return (answer or {}).get('replication') or {}

    # -------------------------------------------------------------- policies
    def list_replication_policies(self):
        body = self.client.get(self.service, '/policies', params={'operation_type': 'replication'}) or {}
        return [p for p in body.get('policies') or [] if p.get('operation_type') == 'replication']

    def create_policy(self, fields):
        def recover():
            found = [p for p in self.list_replication_policies() if p.get('name') == fields['name']]
            return {'policy': found[0]} if len(found) == 1 else None

        return self.client.post(self.service, '/policies', {'policy': fields}, recover=recover)['policy']

    def bind(self, policy_id, vault_id, destination_vault_id):
        """Associate the replication policy with the source vault, copying into the destination vault."""
        def recover():
            bound = [v for v in (self.get_policy(policy_id) or {}).get('associated_vaults') or []
                     if v.get('vault_id') == vault_id and v.get('destination_vault_id') == destination_vault_id]
            return {} if bound else None

        self.client.post(self.service, '/vaults/%s/associatepolicy' % vault_id,
                         {'policy_id': policy_id, 'destination_vault_id': destination_vault_id}, recover=recover)

    def unbind(self, policy_id, vault_id):
        def recover():
            bound = [v for v in (self.get_policy(policy_id) or {}).get('associated_vaults') or []
                     if v.get('vault_id') == vault_id]
            return None if bound else {}

        self.client.post(self.service, '/vaults/%s/dissociatepolicy' % vault_id, {'policy_id': policy_id},
                         recover=recover)


def replication_policy_view(raw):
    """A CBR replication policy in REPLICATION_POLICY_FIELDS."""
    if raw is None:
        return None
    definition = raw.get('operation_definition') or {}
    return {'id': raw.get('id'), 'name': raw.get('name'), 'enabled': raw.get('enabled', True),
            'schedule': list(((raw.get('trigger') or {}).get('properties') or {}).get('pattern') or []),
            'max_backups': _limit(definition.get('max_backups')),
            'retention_duration_days': _limit(definition.get('retention_duration_days')),
            'destination_region': definition.get('destination_region'),
            'destination_project_id': definition.get('destination_project_id'),
            'associated_vaults': sorted([{'vault_id': v.get('vault_id'),
                                          'destination_vault_id': v.get('destination_vault_id')}
                                         for v in raw.get('associated_vaults') or []],
                                        key=lambda v: v['vault_id'] or '')}


class BackupsOfDisks:
    """Backups as the batch engine (module_utils/batch.py ``ParentedBatchModule``) reaches them:
    resources that each belong to a disk, on one service (``backend``). A backup starts with a
    snapshot of the disk, and EVS takes one at a time: a disk that is ``backing-up`` or takes a
    snapshot is busy. There is no per-disk limit."""

    kind, parent_kind, parent_key = 'backup', 'disk', 'disk_id'
    #: the service that names the one-at-a-time rule in messages
    service_name = 'EVS'

    def __init__(self, evs, backend):
        self.evs = evs
        self.backend = backend
        self.api = CBRPolicies(evs.client) if backend == 'cbr' else VBS(evs.client)
        self._creating_snapshots = None

    def find_parent(self, ref):
        return self.evs.find_volume(ref)

    def list_parents(self):
        return self.evs.list_volumes()

    def get(self, resource_id):
        return self.api.get(resource_id)

    def list(self, name=None, parent_id=None):
        return self.api.list(disk_id=parent_id, name=name)

    def describe(self, backup, disk):
        return describe_backup(backup, disk)

    def vaults(self):
        """Every CBR vault of the project (one listing): the batch's vaults and the vault that
        holds each disk (a disk is in one vault only) without a request per disk."""
        return self.api.list_vaults()

    def planned(self, options, disk, vault=None, previous=()):
        """The fields of a new backup; ``previous``: the disk's available backups (in ``vault``),
        without which the cloud takes a full backup whatever ``incremental`` says."""
        return {'name': options['name'], 'description': options['description'], 'backend': self.backend,
                'disk_id': disk['id'], 'disk_name': disk.get('name') if self.backend == 'cbr' else None,
                'size': disk.get('size'), 'availability_zone': disk.get('availability_zone'),
                'vault_id': (vault or {}).get('id'), 'incremental': bool(options['incremental'] and previous)}

    def create(self, changes, options):
        disk = {'id': changes['disk_id'], 'name': changes['disk_name']}
        vault = {'id': changes['vault_id']} if changes['vault_id'] else None
        if self.backend == 'vbs':
            return self.api.create(disk, changes['name'], changes['description'], options['incremental'])
        # the batch learns the backups' ids from its listings (``poll``, ``namesakes``) by checkpoint
        return self.api.create(disk, changes['name'], changes['description'], options['incremental'], vault=vault,
                               look_up=False)

    def delete(self, resource_id):
        self.api.delete(resource_id)

    def limit_problem(self, disk, backups, adding):
        return None

    def busy_with(self, disk, backups):
        """What the disk is busy with (``backing-up``, a snapshot being created), or None: the rule
        of the backup module. The snapshots being created are read once for the whole batch."""
        if self._creating_snapshots is None:
            self._creating_snapshots = self.evs.list_snapshots(status='creating')
        return busy_with(disk, [s for s in self._creating_snapshots if s.get('volume_id') == disk['id']])

    def until_free(self, waiter, disk, label):
        return self.evs.wait_until_free(waiter, disk, label)
