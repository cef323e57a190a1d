# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-region replication modules against the in-process emulator with a project per region
(tenant-a has ``eu-de`` and ``eu-nl``): backup_replica, backup_replica_info,
backup_replication_policy, and a replica restored to a new disk in eu-nl by the disk module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.dataprotection.evs.plugins.module_utils import module as module_base
from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, Client
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica import BackupReplicaModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_restore import BackupRestoreModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_info import INFO as BackupReplicaInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replication_policy import (
    BackupReplicationPolicyModule)
from ansible_collections.dataprotection.evs.plugins.modules.disk import DiskModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    AUTH, DOMAIN, IAM, PASSWORD, drop_answer, use_emulator)

DISK_TYPE = 'OS::Cinder::Volume'
NL = dict(AUTH, region='eu-nl', auth=dict(AUTH['auth'], project_name='eu-nl'))
# what a check-mode prediction cannot know before the copy exists
UNKNOWN = ('id', 'checkpoint_id', 'created_at', 'updated_at', 'replication_record_id')


def vault_body(name, protect_type, size=100, resources=()):
    return {'vault': {'name': name, 'resources': [{'id': r, 'type': DISK_TYPE} for r in resources],
                      'billing': {'object_type': 'disk', 'protect_type': protect_type, 'size': size,
                                  'consistent_level': 'crash_consistent', 'cloud_type': 'public',
                                  'charging_mode': 'post_paid'}}}


class Regions:
    """The emulator with eu-nl projects, and setup calls in either region."""

    def __init__(self, cloud):
        self.cloud = cloud
        answer = cloud.send('POST', IAM + '/auth/tokens', json.dumps({'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': 'alice', 'password': PASSWORD, 'domain': {'name': DOMAIN}}}},
            'scope': {'project': {'name': 'eu-nl', 'domain': {'name': DOMAIN}}}}}),
            {'Content-Type': 'application/json'})
        self.nl_token = answer.headers['X-Subject-Token']
        self.nl_project = answer.json()['token']['project']['id']

    def nl(self, method, path, body=None):
        answer = self.cloud.send(method, 'http://emulator.test' + path.replace('{nl}', self.nl_project),
                                 json.dumps(body) if body is not None else None,
                                 {'X-Auth-Token': self.nl_token, 'Content-Type': 'application/json'})
        assert answer.status_code < 400, answer.text
        return answer.json() if answer.text else None

    def de(self, method, path, body=None):
        return self.cloud.api(method, path, body)


@pytest.fixture
def regions(monkeypatch, tmp_path):
    return Regions(use_emulator(monkeypatch, tmp_path, region_projects=True))


@pytest.fixture
def backed_up(regions):
    """A disk of eu-de holding known bytes, its backup ``db01-b1`` in vault ``src`` (available),
    and the replication vault ``dst`` in eu-nl."""
    cloud = regions.cloud
    disk = cloud.add_volume('db01', size=10)
    cloud.write_disk(disk, {'0': 'as-backed-up', '7': 'tail'})
    vault = regions.de('POST', '/cbr/v3/{pid}/vaults', vault_body('src', 'backup', resources=[disk['id']]))['vault']
    regions.de('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': vault['id'], 'parameters': {
        'name': 'db01-b1', 'resources': [disk['id']]}}})
    cloud.advance(1)
    cloud.write_disk(disk, {'0': 'changed-after-backup'})  # a replica is the backup, not the disk
    target = regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('dst', 'replication'))['vault']
    return dict(disk=disk, vault=vault, target=target)


def replica_args(**extra):
    return dict(dict(backup='db01-b1', vault='src', destination_region='eu-nl', destination_vault='dst'), **extra)


def replicas_in_nl(regions):
    return regions.nl('GET', '/cbr/v3/{nl}/backups?image_type=replication')['backups']


def test_check_mode_predicts_the_copy_then_it_is_made_once(regions, backed_up, run_module):
    cloud = regions.cloud
    cloud.taking('cbr.replicate', 120)
    predicted = run_module(BackupReplicaModule, replica_args(), check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert not cloud.mutating and replicas_in_nl(regions) == []
    assert predicted['diff']['before'] == {} and predicted['diff']['after']['vault_id'] == backed_up['target']['id']

    made = run_module(BackupReplicaModule, replica_args(), diff=True)
    assert made['changed'] and not made['failed'], made
    assert [r.path for r in cloud.mutating] == ['/cbr/v3/%s/backups/%s/replicate' % (
        cloud.project_id, made['replica']['source_backup_id'])]
    replica = made['replica']
    assert replica['status'] == 'available'  # waited the copy's 120 s on the emulator clock
    assert dict((k, v) for k, v in replica.items() if k not in UNKNOWN) == \
        dict((k, v) for k, v in predicted['replica'].items() if k not in UNKNOWN)
    assert (replica['region'], replica['source_region'], replica['project_id']) == (
        'eu-nl', 'eu-de', regions.nl_project)
    assert [r['id'] for r in replicas_in_nl(regions)] == [replica['id']]

    sent = len(cloud.requests)
    again = run_module(BackupReplicaModule, replica_args())
    assert not again['changed'] and not again['failed'], again
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    assert again['replica'] == replica
    checked = run_module(BackupReplicaModule, replica_args(), check=True)
    assert not checked['changed'] and checked['replica'] == replica


def test_a_second_copy_is_never_made_even_into_another_vault(regions, backed_up, run_module, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text))
    assert run_module(BackupReplicaModule, replica_args())['changed']
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('other', 'replication'))
    sent = len(regions.cloud.requests)
    again = run_module(BackupReplicaModule, replica_args(destination_vault='other'))
    assert not again['changed'] and not again['failed'], again
    assert again['replica']['vault_id'] == backed_up['target']['id']
    assert [w for w in warnings if 'left where it is' in w], warnings
    assert not [r for r in regions.cloud.requests[sent:] if r.mutating]
    assert len(replicas_in_nl(regions)) == 1


def test_absent_deletes_the_replica_only(regions, backed_up, run_module):
    made = run_module(BackupReplicaModule, replica_args())['replica']
    cloud = regions.cloud
    sent = len(cloud.requests)
    predicted = run_module(BackupReplicaModule, replica_args(state='absent'), check=True, diff=True)
    assert predicted['changed'] and predicted['diff']['before']['id'] == made['id']
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    gone = run_module(BackupReplicaModule, replica_args(state='absent'))
    assert gone['changed'] and gone['replica'] is None, gone
    assert [(r.method, r.path) for r in cloud.requests[sent:] if r.mutating] == [
        ('DELETE', '/cbr/v3/%s/backups/%s' % (regions.nl_project, made['id']))]
    assert replicas_in_nl(regions) == []
    [source] = regions.de('GET', '/cbr/v3/{pid}/backups')['backups']
    assert source['status'] == 'available'
    sent = len(cloud.requests)
    again = run_module(BackupReplicaModule, replica_args(state='absent'))
    assert not again['changed'] and not [r for r in cloud.requests[sent:] if r.mutating]
    # once deleted, the backup may be copied there again
    again = run_module(BackupReplicaModule, replica_args())['replica']
    # a delete whose wait times out changed the cloud all the same
    cloud.taking('backup.delete', 3600)
    timed_out = run_module(BackupReplicaModule, replica_args(state='absent', wait_timeout=60))
    assert timed_out['failed'] and timed_out['changed'], timed_out
    assert regions.nl('GET', '/cbr/v3/{nl}/backups/%s' % again['id'])['backup']['status'] == 'deleting'


@pytest.mark.parametrize('args, message', [
    (replica_args(destination_region='eu-de'), "destination_region 'eu-de' is the region of the connection"),
    (replica_args(destination_vault=None), 'destination_vault is required'),
    (replica_args(destination_vault='  '), 'destination_vault is required'),
    (replica_args(name='a b'), "backup name 'a b' is invalid"),
    (replica_args(backup=''), 'backup must not be empty'),
])
def test_bad_input_is_refused_before_any_request(regions, run_module, args, message):
    result = run_module(BackupReplicaModule, args)
    assert result['failed'] and message in result['msg'], result
    assert regions.cloud.requests == []


def test_refusals_before_any_mutating_request(regions, backed_up, run_module):
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('plain', 'backup'))
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('tiny', 'replication', size=10))
    big = regions.cloud.add_volume('big', size=20)
    regions.de('POST', '/cbr/v3/{pid}/vaults/%s/addresources' % backed_up['vault']['id'],
               {'resources': [{'id': big['id'], 'type': DISK_TYPE}]})
    regions.de('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': backed_up['vault']['id'], 'parameters': {
        'name': 'big-b1', 'resources': [big['id']]}}})
    for backup, vault, message in (
            ('db01-b1', 'plain', "it is a backup vault for disk, not a replication vault"),
            ('db01-b1', 'missing', "vault 'missing' not found"),
            ('big-b1', 'tiny', 'a full copy of the 20 GB disk and the vault has 10240 MB free')):
        result = run_module(BackupReplicaModule, replica_args(backup=backup, destination_vault=vault))
        assert result['failed'] and message in result['msg'], result
    assert not regions.cloud.mutating
    assert replicas_in_nl(regions) == []


def test_a_replica_is_not_replicated_and_a_backup_being_taken_waits_or_is_refused(regions, backed_up, run_module):
    replica = run_module(BackupReplicaModule, replica_args())['replica']
    regions.de('POST', '/cbr/v3/{pid}/vaults', vault_body('back-home', 'replication'))
    again = run_module(BackupReplicaModule, dict(NL, backup=replica['id'], destination_region='eu-de',
                                                 destination_vault='back-home'), connection=False)
    assert again['failed'] and 'is itself a replica; CBR replicates backups only' in again['msg'], again
    # a backup still being taken: refused with wait: false, waited for with wait: true
    cloud = regions.cloud
    cloud.taking('backup.create', 300)
    regions.de('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': backed_up['vault']['id'],
                                                                    'parameters': {'name': 'db01-b2'}}})
    sent = len(cloud.requests)
    refused = run_module(BackupReplicaModule, replica_args(backup='db01-b2', wait=False))
    assert refused['failed'] and 'the backup is protecting' in refused['msg'], refused
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    made = run_module(BackupReplicaModule, replica_args(backup='db01-b2'))
    assert made['changed'] and made['replica']['status'] == 'available', made
    assert made['replica']['name'] == 'db01-b2'


def test_the_disk_module_restores_a_replica_in_the_destination_region_byte_exact(regions, backed_up, run_module):
    replica = run_module(BackupReplicaModule, replica_args())['replica']
    regions.cloud.admin('POST', '/region-outages', {'region': 'eu-de'})
    restored = run_module(DiskModule, dict(NL, name='db01-restored', size=10, availability_zone='eu-nl-02',
                                           backup=replica['id']), connection=False)
    assert restored['changed'] and not restored['failed'], restored
    assert restored['disk']['availability_zone'] == 'eu-nl-02'
    assert regions.cloud.admin('GET', '/disks/%s' % restored['disk']['id'])['blocks'] == \
        {'0': 'as-backed-up', '7': 'tail'}
    again = run_module(DiskModule, dict(NL, name='db01-restored', size=10, availability_zone='eu-nl-02',
                                        backup=replica['id']), connection=False)
    assert not again['changed'] and not again['failed'], again


def test_backup_restore_writes_a_replica_onto_a_disk_of_the_destination_region(regions, backed_up, run_module):
    replica = run_module(BackupReplicaModule, replica_args())['replica']
    target = regions.nl('POST', '/evs/v2/{nl}/volumes', {'volume': {
        'name': 'db01-nl', 'size': 10, 'availability_zone': 'eu-nl-01'}})['volume']
    regions.cloud.admin('PUT', '/disks/%s' % target['id'], {'blocks': {'0': 'stale'}})
    regions.cloud.admin('POST', '/region-outages', {'region': 'eu-de'})
    restored = run_module(BackupRestoreModule, dict(NL, backup=replica['id'], disk='db01-nl', overwrite=True,
                                                    replica_source_disk_id=backed_up['disk']['id']),
                          connection=False)
    assert restored['changed'] and not restored['failed'], restored
    assert regions.cloud.admin('GET', '/disks/%s' % target['id'])['blocks'] == {'0': 'as-backed-up', '7': 'tail'}


def test_info_lists_replicas_with_their_records(regions, backed_up, run_module):
    regions.cloud.taking('cbr.replicate', 120)
    predicted = run_module(BackupReplicaModule, replica_args(wait=False), check=True)
    made = run_module(BackupReplicaModule, replica_args(wait=False))
    assert made['replica']['status'] == predicted['replica']['status'] == 'protecting'
    sent = len(regions.cloud.requests)
    by_backup = run_module(BackupReplicaInfoModule, dict(backup='db01-b1', vault='src', destination_region='eu-nl'))
    assert not by_backup['failed'] and not by_backup['changed'], by_backup
    [replica] = by_backup['replicas']
    assert replica['status'] == 'protecting' and replica['replication']['status'] == 'replicating'
    assert replica['replication']['source_region'] == 'eu-de'
    assert replica['replication']['source_backup_id'] == replica['source_backup_id']
    regions.cloud.advance(200)
    by_vault = run_module(BackupReplicaInfoModule, dict(vault='src', destination_region='eu-nl'))
    [replica] = by_vault['replicas']
    assert replica['status'] == 'available' and replica['replication']['status'] == 'available'
    assert replica['replication']['progress'] == 100
    # with eu-de down, the destination vault still lists its replicas (without records)
    assert not [r for r in regions.cloud.requests[sent:] if r.mutating]
    regions.cloud.add_fault(path='/cbr/v3/%s/' % regions.cloud.project_id, status=503)
    sent = len(regions.cloud.requests)
    down = run_module(BackupReplicaInfoModule, dict(destination_region='eu-nl', destination_vault='dst'))
    assert not down['failed'], down
    assert [(r['id'], r['replication']) for r in down['replicas']] == [(replica['id'], None)]
    assert not [r for r in regions.cloud.requests[sent:] if regions.cloud.project_id in r.path]


POLICY = dict(name='to-nl', destination_region='eu-nl', schedule=['FREQ=DAILY;BYHOUR=3;BYMINUTE=0'],
              max_backups=7, vault='src', destination_vault='dst')


def test_replication_policy_check_mode_idempotency_and_update(regions, backed_up, run_module):
    cloud = regions.cloud
    predicted = run_module(BackupReplicationPolicyModule, POLICY, check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'] and not cloud.mutating, predicted
    made = run_module(BackupReplicationPolicyModule, POLICY)
    assert made['changed'] and not made['failed'], made
    policy = made['policy']
    assert dict((k, v) for k, v in policy.items() if k != 'id') == \
        dict((k, v) for k, v in predicted['policy'].items() if k != 'id')
    assert policy['associated_vaults'] == [{'vault_id': backed_up['vault']['id'],
                                            'destination_vault_id': backed_up['target']['id']}]
    assert policy['destination_project_id'] == regions.nl_project
    sent = len(cloud.requests)
    again = run_module(BackupReplicationPolicyModule, POLICY)
    assert not again['changed'] and again['policy'] == policy
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    # the policy replicates when it fires, on the emulator clock
    cloud.advance(18 * 3600)  # 10:00 -> 04:00 next day
    assert len(replicas_in_nl(regions)) == 1
    sent = len(cloud.requests)
    predicted = run_module(BackupReplicationPolicyModule, dict(POLICY, max_backups=3, enabled=False), check=True)
    assert predicted['changed'] and not [r for r in cloud.requests[sent:] if r.mutating]
    changed = run_module(BackupReplicationPolicyModule, dict(POLICY, max_backups=3, enabled=False), diff=True)
    assert changed['policy'] == predicted['policy']
    assert changed['changed'] and changed['diff']['after'] == {'max_backups': 3, 'enabled': False}, changed
    assert (changed['policy']['max_backups'], changed['policy']['enabled']) == (3, False)
    # another destination vault: unbound from the first, bound to the second
    other = regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('other', 'replication'))['vault']
    moved = run_module(BackupReplicationPolicyModule, dict(POLICY, destination_vault='other'))
    assert moved['changed'] and moved['policy']['associated_vaults'] == [
        {'vault_id': backed_up['vault']['id'], 'destination_vault_id': other['id']}], moved
    # a vault has one replication policy: a second one is refused before any request
    sent = len(cloud.requests)
    second = run_module(BackupReplicationPolicyModule, dict(POLICY, name='to-nl-2'))
    assert second['failed'] and "replication policy 'to-nl' is, and a vault has one" in second['msg'], second
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('plain', 'backup'))
    plain = run_module(BackupReplicationPolicyModule, dict(POLICY, destination_vault='plain'))
    assert plain['failed'] and "cannot copy into vault 'plain': it is a backup vault" in plain['msg'], plain
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    gone = run_module(BackupReplicationPolicyModule, dict(name='to-nl', destination_region='eu-nl', state='absent'))
    assert gone['changed'] and gone['policy'] is None
    assert regions.de('GET', '/cbr/v3/{pid}/policies?operation_type=replication')['policies'] == []


@pytest.mark.parametrize('args, message', [
    (dict(POLICY, destination_region='eu-de'), "destination_region 'eu-de' is the region of the connection"),
    (dict(POLICY, destination_vault=None), 'vault and destination_vault go together'),
    (dict(POLICY, schedule=['FREQ=HOURLY']), 'FREQ must be DAILY or WEEKLY'),
    (dict(POLICY, max_backups=0), 'max_backups must be -1 or 1 to 99999'),
    (dict(POLICY, name='bad name'), "replication policy name 'bad name' is invalid"),
])
def test_replication_policy_refuses_bad_input_before_any_request(regions, run_module, args, message):
    result = run_module(BackupReplicationPolicyModule, args)
    assert result['failed'] and message in result['msg'], result
    assert regions.cloud.requests == []


def test_aksk_reaches_the_destination_project_by_the_regions_name(regions, backed_up, run_module):
    aksk = {'auth': {'auth_url': IAM, 'ak': 'AKALICE0000000000001', 'sk': 'skAlice000000000000000000000000000000001',
                     'project_name': 'eu-de'}, 'region': 'eu-de'}
    made = run_module(BackupReplicaModule, dict(aksk, **replica_args()), connection=False)
    assert made['changed'] and not made['failed'], made
    assert made['replica']['project_id'] == regions.nl_project and made['replica']['status'] == 'available'
    again = run_module(BackupReplicaModule, dict(aksk, **replica_args()), connection=False)
    assert not again['changed'] and again['replica'] == made['replica']


def test_a_lost_answer_to_the_copy_is_recovered_without_a_second_copy(regions, backed_up, run_module, monkeypatch):
    lost = drop_answer(regions.cloud, monkeypatch, 'POST', '/replicate')
    made = run_module(BackupReplicaModule, replica_args())
    assert made['changed'] and not made['failed'] and lost['dropped'] == 1, made
    assert [r['id'] for r in replicas_in_nl(regions)] == [made['replica']['id']]
    assert made['replica']['status'] == 'available'


def test_info_of_the_destination_only_tells_the_time_of_the_cloud_that_answered(
        regions, backed_up, run_module, monkeypatch):
    # this machine's clock is a year off: only answers of the cloud can give its time
    cloud, off = regions.cloud, datetime.datetime(2030, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(module_base, 'Client', lambda settings, token_cache=None: Client(
        settings, session=cloud, sleeper=cloud.advance, utcnow=lambda: off))
    cloud.advance(3600)
    cloud.add_fault(path='/cbr/v3/%s/' % cloud.project_id, status=503)  # eu-de down: only eu-nl answers
    listed = run_module(BackupReplicaInfoModule, dict(destination_region='eu-nl', destination_vault='dst'))
    assert not listed['failed'], listed
    assert listed['cloud_time'] == cloud.now()


def test_a_failure_names_the_region_whose_request_failed(regions, backed_up, run_module):
    cloud = regions.cloud
    cloud.add_fault(path='/cbr/v3/%s/' % regions.nl_project, status=503)  # eu-nl down, eu-de up
    failed = run_module(BackupReplicaInfoModule, dict(vault='src', destination_region='eu-nl'))
    assert failed['failed'] and failed['region'] == 'eu-nl', failed
    cloud.add_fault(path='/cbr/v3/%s/' % cloud.project_id, status=503)
    failed = run_module(BackupReplicaInfoModule, dict(vault='src', destination_region='eu-nl'))
    assert failed['failed'] and failed['region'] == 'eu-de', failed
