# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server backups against the in-process emulator: a server vault with servers by name (an
ambiguous name refused), a server backup of all its disks at one instant, its disk backups
restored onto new disks, the whole backup restored onto the stopped server (with overwrite only),
backup_info showing the children; reruns and check mode send nothing mutating, and check mode
predicts the real run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.dataprotection.evs.plugins.modules.backup_info import INFO as BackupInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_restore import BackupRestoreModule
from ansible_collections.dataprotection.evs.plugins.modules.disk import DiskModule
from ansible_collections.dataprotection.evs.plugins.modules.server_backup import ServerBackupModule
from ansible_collections.dataprotection.evs.plugins.modules.server_backup_restore import ServerBackupRestoreModule
from ansible_collections.dataprotection.evs.plugins.modules.server_info import INFO as ServerInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.vault import VaultModule


@pytest.fixture
def estate(cloud):
    """Server ``db`` with a data and a log disk holding known bytes, and a spare detached disk."""
    server = cloud.add_server('db')
    data = cloud.attach(cloud.add_volume('db-data', size=20), server)
    log = cloud.attach(cloud.add_volume('db-log', size=10), server)
    cloud.write_disk(data, {'0': 'row 1', '7': 'row 7'})
    cloud.write_disk(log, {'0': 'commit 1'})
    cloud.advance(1)
    return {'server': server, 'data': data, 'log': log}


def mutating_since(cloud, sent):
    return [(r.method, r.path) for r in cloud.requests[sent:] if r.mutating]


def vault_args(**extra):
    return dict(dict(name='db-servers', object_type='server', size=100, resources=['db']), **extra)


def backup_args(**extra):
    return dict(dict(name='before-upgrade', server='db', vault='db-servers'), **extra)


def without_ids(value):
    """A result with the values only the cloud can know (ids, times) left out."""
    if isinstance(value, dict):
        return dict((k, without_ids(v)) for k, v in value.items()
                    if k not in ('id', 'checkpoint_id', 'created_at', 'updated_at'))
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def stop(cloud, server):
    cloud.api('POST', '/ecs/v2.1/{pid}/servers/%s/action' % server['id'], {'os-stop': {}})
    cloud.advance(1)


def server_status(cloud, server):
    return cloud.api('GET', '/ecs/v2.1/{pid}/servers/%s' % server['id'])['server']['status']


def test_a_server_vault_takes_servers_by_name_and_refuses_an_ambiguous_one(cloud, estate, run_module):
    predicted = run_module(VaultModule, vault_args(), check=True)
    assert predicted['changed'] and cloud.mutating == []
    made = run_module(VaultModule, vault_args())
    assert made['changed'] and made['vault']['object_type'] == 'server', made
    assert made['vault']['resource_ids'] == [estate['server']['id']]
    assert [(r['id'], r['type']) for r in made['vault']['resources']] == [(estate['server']['id'], 'OS::Nova::Server')]
    assert [(r['id'], r['type']) for r in predicted['vault']['resources']] == [
        (r['id'], r['type']) for r in made['vault']['resources']]
    sent = len(cloud.requests)
    again = run_module(VaultModule, vault_args())
    assert not again['changed'] and mutating_since(cloud, sent) == []
    cloud.add_server('app')
    cloud.add_server('app')
    sent = len(cloud.requests)
    twice = run_module(VaultModule, vault_args(resources=['db', 'app']))
    assert twice['failed'] and "2 servers are named 'app'" in twice['msg'], twice
    assert mutating_since(cloud, sent) == []
    disk_vault = run_module(VaultModule, vault_args(object_type='disk', resources=None))
    assert disk_vault['failed'] and 'is a server vault, not a disk vault' in disk_vault['msg']


def test_a_server_backup_takes_every_disk_at_once_and_reruns_change_nothing(cloud, estate, run_module):
    run_module(VaultModule, vault_args(resources=None))
    sent = len(cloud.requests)
    predicted = run_module(ServerBackupModule, backup_args(), check=True)
    assert predicted['changed'] and mutating_since(cloud, sent) == []
    taken = run_module(ServerBackupModule, backup_args())
    assert taken['changed'] and taken['backup']['status'] == 'available', taken
    backup = taken['backup']
    assert (backup['server_id'], backup['size'], backup['incremental']) == (estate['server']['id'], 30, False)
    assert [(c['disk_id'], c['size'], c['status']) for c in backup['children']] == [
        (estate['data']['id'], 20, 'available'), (estate['log']['id'], 10, 'available')]
    assert without_ids(predicted['backup']) == without_ids(backup)
    sent = len(cloud.requests)
    again = run_module(ServerBackupModule, backup_args())
    assert not again['changed'] and again['backup']['id'] == backup['id'] and mutating_since(cloud, sent) == []
    again_check = run_module(ServerBackupModule, backup_args(), check=True)
    assert not again_check['changed'] and mutating_since(cloud, sent) == []
    listed = run_module(BackupInfoModule, {'backend': 'cbr', 'vault': 'db-servers'})['backups']
    assert [(b['id'], b['resource_type'], [c['id'] for c in b['children']]) for b in listed] == [
        (backup['id'], 'OS::Nova::Server', [c['id'] for c in backup['children']])]
    gone = run_module(ServerBackupModule, backup_args(state='absent'))
    assert gone['changed'] and gone['backup'] is None
    for child in backup['children']:
        assert cloud.call('GET', '/cbr/v3/{pid}/backups/%s' % child['id']).status_code == 404


@pytest.mark.parametrize('setup,message', [
    ('disk_vault', "it is a disk vault, not a server vault"),
    ('no_disks', 'no disk is attached to the server'),
    ('busy_disk', "disk 'db-log' of the server"),
    ('other_vault', "the server belongs to vault 'elsewhere'"),
])
def test_a_server_backup_the_cloud_would_refuse_is_refused_before_any_change(
        cloud, estate, run_module, setup, message):
    args = backup_args()
    if setup == 'disk_vault':
        run_module(VaultModule, dict(name='disks', size=100))
        args['vault'] = 'disks'
    else:
        run_module(VaultModule, vault_args(resources=None))
    if setup == 'no_disks':
        cloud.add_server('lonely')
        args['server'] = 'lonely'
    if setup == 'busy_disk':
        cloud.add_snapshot(estate['log'], 'slow', takes=60)
    if setup == 'other_vault':
        run_module(VaultModule, vault_args(name='elsewhere'))
    sent = len(cloud.requests)
    refused = run_module(ServerBackupModule, args)
    assert refused['failed'] and message in refused['msg'], refused
    assert mutating_since(cloud, sent) == []


def test_disk_backups_of_a_server_backup_become_new_disks_byte_for_byte(cloud, estate, run_module):
    run_module(VaultModule, vault_args())
    backup = run_module(ServerBackupModule, backup_args())['backup']
    cloud.write_disk(estate['data'], {'0': 'changed after the backup'})
    data_child = backup['children'][0]
    made = run_module(DiskModule, {'name': 'db-data-copy', 'availability_zone': 'eu-de-02',
                                   'backup': data_child['id']})
    assert made['changed'] and made['disk']['size'] == 20, made
    assert cloud.disk(made['disk']) == {'0': 'row 1', '7': 'row 7'}
    spare = cloud.add_volume('spare', size=20)
    restored = run_module(BackupRestoreModule, {'backup': data_child['id'], 'source_disk': 'db-data',
                                                'disk': 'spare', 'overwrite': True, 'request_id': 'INC-1'})
    assert restored['changed'] and cloud.disk(spare) == {'0': 'row 1', '7': 'row 7'}, restored


def test_the_whole_server_backup_goes_back_onto_the_stopped_server_with_overwrite_only(cloud, estate, run_module):
    run_module(VaultModule, vault_args())
    backup = run_module(ServerBackupModule, backup_args())['backup']
    cloud.write_disk(estate['data'], {'0': 'corrupted'})
    cloud.write_disk(estate['log'], {})
    args = dict(backup='before-upgrade', server='db', overwrite=True, request_id='CHG-1')
    sent = len(cloud.requests)
    running = run_module(ServerBackupRestoreModule, args)
    assert running['failed'] and 'the server is ACTIVE; stop it first' in running['msg'], running
    stop(cloud, estate['server'])
    unconfirmed = run_module(ServerBackupRestoreModule, dict(args, overwrite=False))
    assert unconfirmed['failed'] and 'set overwrite: true to confirm' in unconfirmed['msg'], unconfirmed
    predicted = run_module(ServerBackupRestoreModule, args, check=True, diff=True)
    assert predicted['changed'] and mutating_since(cloud, sent) == [], predicted
    restored = run_module(ServerBackupRestoreModule, args, diff=True)
    assert restored['changed'] and restored['server']['status'] == 'ACTIVE', restored
    assert cloud.disk(estate['data']) == {'0': 'row 1', '7': 'row 7'} and cloud.disk(estate['log']) == {
        '0': 'commit 1'}
    restores = [path for method, path in mutating_since(cloud, sent) if path.endswith('/restore')]
    assert len(restores) == 1 and restores[0].endswith('/backups/%s/restore' % backup['id'])
    assert without_ids(predicted['disks']) == without_ids(restored['disks'])
    assert predicted['server'] == restored['server']
    assert sorted(restored['diff']['after']) == sorted([estate['data']['id'], estate['log']['id']])
    assert [d['metadata']['dp_evs_restore_backup_id'] for d in restored['disks']] == [
        c['id'] for c in backup['children']]
    sent = len(cloud.requests)
    again = run_module(ServerBackupRestoreModule, args)
    assert not again['changed'] and mutating_since(cloud, sent) == [], again
    check_again = run_module(ServerBackupRestoreModule, args, check=True)
    assert not check_again['changed'] and mutating_since(cloud, sent) == []
    unnamed = run_module(ServerBackupRestoreModule, dict(args, request_id=None))
    assert unnamed['failed'] and 'was already restored onto the disk' in unnamed['msg'] and mutating_since(
        cloud, sent) == []


def test_a_server_restore_keeps_the_server_stopped_with_power_on_false(cloud, estate, run_module):
    run_module(VaultModule, vault_args())
    run_module(ServerBackupModule, backup_args())
    stop(cloud, estate['server'])
    restored = run_module(ServerBackupRestoreModule, dict(backup='before-upgrade', server='db', overwrite=True,
                                                          power_on=False))
    assert restored['changed'] and restored['server']['status'] == 'SHUTOFF', restored
    assert server_status(cloud, estate['server']) == 'SHUTOFF'


def test_a_server_joins_an_existing_server_vault_as_a_server(cloud, estate, run_module):
    run_module(VaultModule, vault_args())
    app = cloud.add_server('app')
    sent = len(cloud.requests)
    grown = run_module(VaultModule, vault_args(resources=['app']))
    assert grown['changed'] and grown['vault']['resource_ids'] == sorted([estate['server']['id'], app['id']])
    added = [r for r in cloud.requests[sent:] if r.mutating]
    assert [r.path.rsplit('/', 1)[-1] for r in added] == ['addresources']
    assert added[0].body == {'resources': [{'id': app['id'], 'type': 'OS::Nova::Server', 'name': 'app'}]}


@pytest.mark.parametrize('case,message', [
    ('detached', 'has no disk attached to the server to go onto; restore it onto a new disk'),
    ('other_server', 'CBR restores a server backup onto its own server only'),
    ('server_gone', 'the server no longer exists; restore its disk backups onto new disks'),
])
def test_a_server_restore_the_cloud_would_refuse_is_refused_before_any_change(
        cloud, estate, run_module, case, message):
    run_module(VaultModule, vault_args())
    backup = run_module(ServerBackupModule, backup_args())['backup']
    stop(cloud, estate['server'])
    args = dict(backup=backup['id'], overwrite=True, request_id='CHG-1')
    if case == 'detached':
        cloud.api('DELETE', '/ecs/v2.1/{pid}/servers/%s/os-volume_attachments/%s' % (
            estate['server']['id'], estate['log']['id']))
        cloud.advance(1)
    if case == 'other_server':
        cloud.add_server('other')
        args['server'] = 'other'
        args['backup'] = backup['id']
    if case == 'server_gone':
        cloud.api('DELETE', '/ecs/v2.1/{pid}/servers/%s' % estate['server']['id'])
        cloud.advance(1)
    sent = len(cloud.requests)
    refused = run_module(ServerBackupRestoreModule, args)
    assert refused['failed'] and message in refused['msg'], refused
    assert mutating_since(cloud, sent) == []


def test_a_server_vault_binds_the_servers_carrying_its_tags(cloud, estate, run_module):
    rules = dict(resources=None, auto_bind=True, bind_rules={'tier': 'db'})
    run_module(VaultModule, vault_args(**rules))
    tagged = cloud.api('POST', '/ecs/v2.1/{pid}/servers', {'server': {
        'name': 'db2', 'availability_zone': 'eu-de-01', 'flavorRef': 's3.medium.1', 'imageRef': 'i',
        'metadata': {'tier': 'db'}}})['server']
    sent = len(cloud.requests)
    again = run_module(VaultModule, vault_args(**rules))
    assert not again['changed'] and again['vault']['resource_ids'] == [tagged['id']], again
    assert mutating_since(cloud, sent) == []


def test_check_mode_predicts_a_backup_in_a_server_vault_the_same_check_run_would_create(cloud, estate, run_module):
    vault = run_module(VaultModule, vault_args(), check=True)
    ref = vault['predicted_ref']
    assert ref.startswith('predicted-by-check-mode:')
    sent = len(cloud.requests)
    predicted = run_module(ServerBackupModule, backup_args(vault=ref), check=True)
    assert predicted['changed'] and mutating_since(cloud, sent) == [], predicted
    assert [c['disk_id'] for c in predicted['backup']['children']] == [estate['data']['id'], estate['log']['id']]
    # the real run makes the vault, then the backup it predicted
    run_module(VaultModule, vault_args())
    taken = run_module(ServerBackupModule, backup_args())
    # the same backup, but for the vault's id, which only the real run knows
    assert json.loads(json.dumps(without_ids(predicted['backup'])).replace('"vault_id": null', '"vault_id": "v"')) == \
        json.loads(json.dumps(without_ids(taken['backup'])).replace(taken['backup']['vault_id'], 'v'))
    # a placeholder is never taken outside check mode: refused before any request
    sent = len(cloud.requests)
    refused = run_module(ServerBackupModule, backup_args(name='other', vault=ref))
    assert refused['failed'] and 'placeholder' in refused['msg'] and mutating_since(cloud, sent) == []


def test_server_info_lists_the_servers_with_their_metadata_and_disks(cloud, estate, run_module):
    cloud.api('POST', '/ecs/v2.1/{pid}/servers', {'server': {'name': 'web', 'metadata': {'app': 'shop'}}})
    cloud.advance(11)
    listed = run_module(ServerInfoModule, {})['servers']
    assert [(s['name'], s['metadata'], sorted(s['disk_ids'])) for s in listed] == [
        ('db', {}, sorted([estate['data']['id'], estate['log']['id']])), ('web', {'app': 'shop'}, [])]
    assert [s['name'] for s in run_module(ServerInfoModule, {'metadata': {'app': 'shop'}})['servers']] == ['web']
    assert [s['status'] for s in run_module(ServerInfoModule, {'name': 'db'})['servers']] == ['ACTIVE']
