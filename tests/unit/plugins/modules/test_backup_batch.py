# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils import basic

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE
from ansible_collections.dataprotection.evs.plugins.modules.backup_batch import BackupBatchModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import drop_answer

BILLING = {'object_type': 'disk', 'protect_type': 'backup', 'size': 400, 'consistent_level': 'crash_consistent',
           'cloud_type': 'public', 'charging_mode': 'post_paid'}
#: what each backend's start of a backup is, and the path of its backups
STARTS = {'cbr': '/checkpoints', 'vbs': '/cloudbackups'}


def _vault(cloud, name, disks=()):
    return cloud.api('POST', '/cbr/v3/{pid}/vaults', {'vault': {'name': name, 'billing': BILLING, 'resources': [
        {'id': d['id'], 'type': 'OS::Cinder::Volume'} for d in disks]}})['vault']


def _args(backend, disks, name='daily', **extra):
    args = dict({'backend': backend, 'disks': [d['name'] for d in disks], 'name': name}, **extra)
    if backend == 'cbr':
        args.setdefault('vault', 'v1')
    return args


def _starts(cloud, backend):
    return [r for r in cloud.mutating if r.method == 'POST' and r.path.endswith(STARTS[backend])]


def _backup_reads(cloud):
    return [(i, r) for i, r in enumerate(cloud.requests) if r.method == 'GET' and '/backups' in r.path]


def _another_run_backs_up_first(cloud, monkeypatch, vault, disk):
    """Another run's start of backup 'daily' of ``disk`` reaches the cloud just before this run's
    first checkpoint; returns the list the module's warnings are collected in."""
    original = cloud.request

    def another_run_first(method, url, *args, **kwargs):
        if method == 'POST' and url.endswith('/checkpoints'):
            monkeypatch.setattr(cloud, 'request', original)
            cloud.api('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': vault['id'], 'parameters': {
                'name': 'daily', 'incremental': True, 'resources': [disk['id']]}}})
            cloud.advance(1)
        return original(method, url, *args, **kwargs)

    warned = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, message: warned.append(message))
    monkeypatch.setattr(cloud, 'request', another_run_first)
    return warned


@pytest.mark.parametrize('backend', ['cbr', 'vbs'])
def test_all_started_before_one_wait_then_a_rerun_changes_nothing(cloud, run_module, backend):
    disks = [cloud.add_volume('d%02d' % i, status='in-use' if i == 1 else 'available') for i in range(3)]
    if backend == 'cbr':
        _vault(cloud, 'v1')
    args = _args(backend, disks, description='nightly')

    predicted = run_module(BackupBatchModule, args, check=True, diff=True)
    assert predicted['changed'] is True and cloud.mutating == [], predicted
    assert [r['action'] for r in predicted['backups']] == ['create'] * 3
    assert sorted(predicted['diff']['after']) == ["backup 'daily' of disk 'd%02d'" % i for i in range(3)]

    cloud.taking('backup.create', 60)
    del cloud.requests[:]
    created = run_module(BackupBatchModule, args)
    assert created['changed'] is True and not created.get('failed'), created
    assert [r['action'] for r in created['backups']] == [r['action'] for r in predicted['backups']]
    assert all(r['backup']['status'] == 'available' and r['changed'] for r in created['backups'])
    assert sorted(r['backup']['disk_id'] for r in created['backups']) == sorted(d['id'] for d in disks)
    # the prediction has the keys and the values the real run shows (but the cloud's ids and times)
    for real, guess in zip(created['backups'], predicted['backups']):
        assert sorted(real['backup']) == sorted(guess['backup'])
        known = dict((k, v) for k, v in guess['backup'].items() if v is not None)
        assert dict((k, real['backup'][k]) for k in known) == known
    starts = _starts(cloud, backend)
    assert len(starts) == 3
    # every backup was started before the first poll, and each poll round is one listing
    last_start = max(cloud.requests.index(r) for r in starts)
    polls = [r for i, r in _backup_reads(cloud) if i > last_start]
    assert polls and all(r.path.endswith('/backups') or r.path.endswith('/backups/detail') for r in polls)
    if backend == 'cbr':  # the disks join the vault with one request
        assert [r.path.split('/')[-1] for r in cloud.mutating] == ['addresources'] + ['checkpoints'] * 3

    del cloud.requests[:]
    again = run_module(BackupBatchModule, args, check=True)
    assert again['changed'] is False and [r['action'] for r in again['backups']] == ['none'] * 3
    again = run_module(BackupBatchModule, args)
    assert again['changed'] is False and cloud.mutating == []
    assert [r['action'] for r in again['backups']] == ['none'] * 3


@pytest.mark.parametrize('backend', ['cbr', 'vbs'])
def test_a_backup_still_being_taken_is_waited_for_not_started_again(cloud, run_module, backend):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1')]
    if backend == 'cbr':
        _vault(cloud, 'v1')
    cloud.taking('backup.create', 600)
    started = run_module(BackupBatchModule, _args(backend, disks, wait=False))
    assert started['changed'] and len(_starts(cloud, backend)) == 2
    waiting = started['backups'][0]['backup']['status']
    predicted = run_module(BackupBatchModule, _args(backend, disks, wait=False), check=True)
    assert waiting == predicted['backups'][0]['backup']['status'] == ('protecting' if backend == 'cbr' else 'creating')
    del cloud.requests[:]
    waited = run_module(BackupBatchModule, _args(backend, disks))
    assert waited['changed'] is False and cloud.mutating == [], waited
    assert [(r['action'], r['backup']['status']) for r in waited['backups']] == [('wait', 'available')] * 2


def test_many_disks_are_read_and_polled_with_listings(cloud, run_module):
    count = READ_ONE_BY_ONE + 5
    disks = [cloud.add_volume('d%02d' % i) for i in range(count)]
    _vault(cloud, 'v1', disks)
    cloud.taking('backup.create', 60)
    del cloud.requests[:]
    created = run_module(BackupBatchModule, _args('cbr', disks))
    assert created['changed'] and len(_starts(cloud, 'cbr')) == count
    paths = [r.path for r in cloud.requests if r.method == 'GET']
    # no read of one disk, one backup or one vault: listings only
    assert all(p.rsplit('/', 1)[-1] in ('detail', 'backups', 'vaults') for p in paths), paths
    # and no second request to add disks that are already in the vault
    assert not [r for r in cloud.mutating if r.path.endswith('/addresources')]


def test_the_whole_batch_is_refused_before_any_change(cloud, run_module):
    free = cloud.add_volume('free')
    broken = cloud.add_volume('broken', status='error')
    elsewhere = cloud.add_volume('elsewhere')
    _vault(cloud, 'v1')
    _vault(cloud, 'other', [elsewhere])
    result = run_module(BackupBatchModule, _args('cbr', [free, broken, elsewhere, {'name': 'gone'}]))
    assert result['failed'] and cloud.mutating == []
    assert result['msg'].startswith('3 of 4 backups cannot be done, nothing was changed'), result['msg']
    assert "backup 'daily' of disk 'broken': the disk is error" in result['msg']
    assert "disk 'elsewhere': the disk belongs to vault 'other', not to vault 'v1'" in result['msg']
    assert "disk 'gone'" in result['msg'] and 'does not exist' in result['msg']
    missing = run_module(BackupBatchModule, _args('cbr', [free], vault='nope'))
    assert missing['failed'] and "vault 'nope' not found" in missing['msg'] and cloud.mutating == []


def test_bad_input_is_refused_before_any_request(cloud, run_module):
    result = run_module(BackupBatchModule, {'backend': 'cbr', 'vault': 'v1', 'backups': [
        {'disk': 'a', 'name': 'autobk_x'}, {'disk': 'b', 'name': 'ok', 'vault': ''}, {'disk': 'c', 'name': 'a b'}]})
    assert result['failed'] and cloud.requests == []
    assert 'backups[0]' in result['msg'] and 'reserved' in result['msg']
    assert 'backups[2]' in result['msg'] and 'invalid' in result['msg']
    vbs = run_module(BackupBatchModule, {'backend': 'vbs', 'disks': ['a'], 'name': 'x', 'vault': 'v1'})
    assert vbs['failed'] and 'VBS backups have no vault' in vbs['msg'] and cloud.requests == []
    twice = run_module(BackupBatchModule, {'backend': 'vbs', 'disks': ['a', 'a'], 'name': 'x'})
    assert twice['failed'] and 'both name' in twice['msg'] and cloud.requests == []


@pytest.mark.parametrize('backend', ['cbr', 'vbs'])
def test_a_busy_disk_is_refused_without_wait_and_waited_for_with_it(cloud, run_module, backend):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1')]
    if backend == 'cbr':
        _vault(cloud, 'v1', disks)
    cloud.add_snapshot(disks[1], 'by-hand', takes=30)
    for check in (True, False):
        refused = run_module(BackupBatchModule, _args(backend, disks, wait=False), check=check)
        assert refused['failed'] and cloud.mutating == []
        assert ("backup 'daily' of disk 'd1': snapshot 'by-hand' of the disk is being created, and EVS takes one "
                "backup of a disk at a time" in refused['msg'])
    created = run_module(BackupBatchModule, _args(backend, disks))
    assert created['changed'] and not created.get('failed') and len(_starts(cloud, backend)) == 2
    assert [r['backup']['status'] for r in created['backups']] == ['available'] * 2


def test_two_backups_of_one_disk_are_taken_one_after_the_other(cloud, run_module):
    disk = cloud.add_volume('d0')
    _vault(cloud, 'v1', [disk])
    cloud.taking('backup.create', 60)
    created = run_module(BackupBatchModule, {'vault': 'v1', 'backups': [{'disk': 'd0', 'name': 'full'},
                                                                        {'disk': 'd0', 'name': 'changes'}]})
    assert created['changed'] and not created.get('failed'), created
    assert [(r['backup']['name'], r['backup']['status']) for r in created['backups']] == [
        ('full', 'available'), ('changes', 'available')]
    # the prediction of incremental follows the disk's backups in the vault: the first is full
    predicted = run_module(BackupBatchModule, {'vault': 'v1', 'disks': ['d0'], 'name': 'third'}, check=True)
    assert predicted['backups'][0]['backup']['incremental'] is True


def test_a_backup_that_fails_is_named_and_the_others_are_kept(cloud, run_module):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1')]
    _vault(cloud, 'v1', disks)
    cloud.add_fault(method='POST', path='/checkpoints$', status=400, count=1, body={
        'error_code': 'BackupService.6113', 'error_msg': 'the vault is full'})
    result = run_module(BackupBatchModule, _args('cbr', disks))
    assert result['failed'] and result['changed'] is True
    assert result['msg'].startswith('1 of 2 backups failed'), result['msg']
    assert "backup 'daily' of disk 'd0' cannot be created" in result['msg'] and 'BackupService.6113' in result['msg']
    assert [(r['failed'], r['changed']) for r in result['backups']] == [(True, False), (False, True)]


def test_a_backup_in_another_vault_is_refused(cloud, run_module):
    disk = cloud.add_volume('d0')
    _vault(cloud, 'old', [disk])
    run_module(BackupBatchModule, _args('cbr', [disk], vault='old'))
    _vault(cloud, 'v1')
    refused = run_module(BackupBatchModule, _args('cbr', [disk]))
    assert refused['failed'] and 'backups cannot move between vaults' in refused['msg']


def test_two_runs_at_once_keep_the_first_backup_made(cloud, run_module, monkeypatch):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1')]
    warned = _another_run_backs_up_first(cloud, monkeypatch, _vault(cloud, 'v1', disks), disks[0])
    result = run_module(BackupBatchModule, _args('cbr', disks))
    assert not result.get('failed'), result
    assert len(warned) == 1 and "backup 'daily' of disk 'd0' was also created by another run" in warned[0]
    assert 'this run deleted its own copy' in warned[0]
    kept = cloud.api('GET', '/cbr/v3/{pid}/backups?name=daily')['backups']
    assert sorted(b['resource_id'] for b in kept) == sorted(d['id'] for d in disks)
    assert [r['action'] for r in result['backups']] == ['none', 'create']
    assert [r.method for r in cloud.mutating if r.method == 'DELETE'] == ['DELETE']


@pytest.mark.parametrize('wait', [True, False])
def test_a_cbr_batch_learns_its_backups_ids_from_its_listings_not_one_read_per_backup(cloud, run_module, wait):
    disks = [cloud.add_volume('d%02d' % i) for i in range(READ_ONE_BY_ONE + 2)]
    _vault(cloud, 'v1', disks)
    cloud.taking('backup.create', 60)
    del cloud.requests[:]
    result = run_module(BackupBatchModule, _args('cbr', disks, wait=wait))
    assert result['changed'] and not result.get('failed'), result
    starts = _starts(cloud, 'cbr')
    first, last = cloud.requests.index(starts[0]), cloud.requests.index(starts[-1])
    # the checkpoints follow one another: no backup is read between them
    assert not [r for r in cloud.requests[first:last] if r.method == 'GET'], cloud.requests[first:last]
    # after them, the one listing by name that looks for other runs' backups, and (wait: true) one
    # listing per poll round: never a read of one backup
    after = [r for i, r in _backup_reads(cloud) if i > last]
    assert after and all(r.path.endswith('/backups') for r in after) and (wait or len(after) == 1), after
    listed = dict((b['resource_id'], b['id']) for b in cloud.api('GET', '/cbr/v3/{pid}/backups?name=daily')['backups'])
    assert dict((r['backup']['disk_id'], r['backup']['id']) for r in result['backups']) == listed
    assert len(listed) == len(disks)


def test_a_lost_checkpoint_answer_in_a_batch_is_recovered_and_nothing_is_taken_twice(cloud, run_module, monkeypatch):
    disks = [cloud.add_volume('d0'), cloud.add_volume('d1')]
    _vault(cloud, 'v1', disks)
    lost = drop_answer(cloud, monkeypatch, 'POST', '/checkpoints')
    result = run_module(BackupBatchModule, _args('cbr', disks))
    assert result['changed'] and not result.get('failed') and lost['dropped'] == 1, result
    assert len(_starts(cloud, 'cbr')) == 2
    listed = dict((b['resource_id'], b['id']) for b in cloud.api('GET', '/cbr/v3/{pid}/backups?name=daily')['backups'])
    assert dict((r['backup']['disk_id'], r['backup']['id']) for r in result['backups']) == listed
    assert all(r['backup']['status'] == 'available' for r in result['backups'])
    again = run_module(BackupBatchModule, _args('cbr', disks))
    assert again['changed'] is False and [r['action'] for r in again['backups']] == ['none'] * 2


def test_two_runs_at_once_without_wait_keep_the_first_backup_made(cloud, run_module, monkeypatch):
    # without a wait, the listing by name that looks for the other run's backup names this run's too
    disks = [cloud.add_volume('d0')]
    warned = _another_run_backs_up_first(cloud, monkeypatch, _vault(cloud, 'v1', disks), disks[0])
    result = run_module(BackupBatchModule, _args('cbr', disks, wait=False))
    assert not result.get('failed'), result
    assert len(warned) == 1 and 'this run deleted its own copy' in warned[0], warned
    kept = cloud.api('GET', '/cbr/v3/{pid}/backups?name=daily')['backups']
    assert [b['id'] for b in kept] == [result['backups'][0]['backup']['id']]
