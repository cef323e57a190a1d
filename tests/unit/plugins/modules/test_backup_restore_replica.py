# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_restore of a replica onto a disk of the destination region (eu-nl) while eu-de is down:
only with replica_source_disk_id naming the replica's source disk; a replica of another disk is
refused before any mutating request; idempotent by request id; check mode predicts the real run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.modules.backup_replica import BackupReplicaModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_restore import BackupRestoreModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules import test_backup_replica as replication
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules.test_backup_replica import (
    NL, replica_args, vault_body)

# the fixtures of the replication tests: the emulator with eu-nl projects, db01 backed up in eu-de
regions = replication.regions
backed_up = replication.backed_up

DE_DOWN = {'region': 'eu-de'}


@pytest.fixture
def replicated(regions, backed_up, run_module):
    """db01's backup and db02's backup replicated to eu-nl, a stale disk ``db01-nl`` there, eu-de down."""
    cloud = regions.cloud
    other = cloud.add_volume('db02', size=10)
    cloud.write_disk(other, {'0': 'another disk'})
    regions.de('POST', '/cbr/v3/{pid}/vaults/%s/addresources' % backed_up['vault']['id'],
               {'resources': [{'id': other['id'], 'type': 'OS::Cinder::Volume'}]})
    regions.de('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': backed_up['vault']['id'], 'parameters': {
        'name': 'db02-b1', 'resources': [other['id']]}}})
    cloud.advance(1)
    replica = run_module(BackupReplicaModule, replica_args())['replica']
    foreign = run_module(BackupReplicaModule, replica_args(backup='db02-b1'))['replica']
    target = regions.nl('POST', '/evs/v2/{nl}/volumes', {'volume': {
        'name': 'db01-nl', 'size': 10, 'availability_zone': 'eu-nl-01'}})['volume']
    cloud.admin('PUT', '/disks/%s' % target['id'], {'blocks': {'0': 'stale'}})
    cloud.admin('POST', '/region-outages', DE_DOWN)
    return dict(replica=replica, foreign=foreign, target=target, origin=backed_up['disk']['id'],
                other_origin=other['id'])


def restore_args(replicated, **extra):
    args = dict(NL, backup=replicated['replica']['id'], disk='db01-nl', overwrite=True,
                replica_source_disk_id=replicated['origin'], request_id='INC-1')
    args.update(extra)
    return args


def blocks(regions, disk):
    return regions.cloud.admin('GET', '/disks/%s' % disk['id'])['blocks']


def mutating_since(cloud, sent):
    return [(r.method, r.path) for r in cloud.requests[sent:] if r.mutating]


def test_check_mode_then_one_restore_then_a_rerun_is_a_noop_and_a_new_request_restores_again(
        regions, replicated, run_module):
    cloud, target = regions.cloud, replicated['target']
    sent = len(cloud.requests)
    predicted = run_module(BackupRestoreModule, restore_args(replicated), check=True, diff=True, connection=False)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert mutating_since(cloud, sent) == [] and blocks(regions, target) == {'0': 'stale'}
    assert predicted['diff']['after']['content_from_backup'] == replicated['replica']['id']

    sent = len(cloud.requests)
    restored = run_module(BackupRestoreModule, restore_args(replicated), connection=False)
    assert restored['changed'] and not restored['failed'], restored
    assert blocks(regions, target) == {'0': 'as-backed-up', '7': 'tail'}
    restore_path = '/cbr/v3/%s/backups/%s/restore' % (regions.nl_project, replicated['replica']['id'])
    assert [m for m in mutating_since(cloud, sent) if m[1].endswith('/restore')] == [('POST', restore_path)]
    assert restored['disk']['metadata']['dp_evs_restore_backup_id'] == replicated['replica']['id']
    assert restored['backup']['id'] == replicated['replica']['id']
    unknown_before = dict(metadata=None, updated_at=None)
    assert dict(predicted['disk'], **unknown_before) == dict(restored['disk'], **unknown_before)
    # nothing was sent to eu-de, which is down
    assert not [r for r in cloud.requests[sent:] if cloud.project_id in r.path]

    cloud.write_disk(target, {'0': 'written after the restore'})
    sent = len(cloud.requests)
    again = run_module(BackupRestoreModule, restore_args(replicated), connection=False)
    assert not again['changed'] and not again['failed'], again
    assert mutating_since(cloud, sent) == []
    checked = run_module(BackupRestoreModule, restore_args(replicated), check=True, connection=False)
    assert not checked['changed'] and mutating_since(cloud, sent) == []

    second = run_module(BackupRestoreModule, restore_args(replicated, request_id='INC-2'), connection=False)
    assert second['changed'] and not second['failed'], second
    assert blocks(regions, target) == {'0': 'as-backed-up', '7': 'tail'}
    assert len([m for m in mutating_since(cloud, sent) if m[1].endswith('/restore')]) == 1


def test_a_replica_by_name_is_found_among_the_copies_of_its_source_disk(regions, replicated, run_module):
    restored = run_module(BackupRestoreModule, restore_args(replicated, backup='db01-b1'), connection=False)
    assert restored['changed'] and not restored['failed'], restored
    assert restored['backup']['id'] == replicated['replica']['id']
    assert blocks(regions, replicated['target']) == {'0': 'as-backed-up', '7': 'tail'}


@pytest.mark.parametrize('args, message', [
    # a replica of db02 restored as if it were db01's: another disk's data
    (lambda r: dict(backup=r['foreign']['id']), "is a copy of disk %(other_origin)s ('db02'), not of disk %(origin)s"),
    # a replica of db02 named as db02's, but by name among db01's copies: not there
    (lambda r: dict(backup='db02-b1'), "db02-b1"),
    # a replica without the option: refused, saying which disk it is a copy of
    (lambda r: dict(replica_source_disk_id=None), "is a replica of disk %(origin)s ('db01') of another region"),
    (lambda r: dict(replica_source_disk_id=None, disk=None), "is a replica of disk %(origin)s ('db01')"),
    # confirmation of the overwrite is still needed
    (lambda r: dict(overwrite=False), 'would replace all data on the disk; set overwrite: true'),
])
def test_a_foreign_or_unconfirmed_replica_is_refused_before_any_mutating_request(
        regions, replicated, run_module, args, message):
    cloud = regions.cloud
    sent = len(cloud.requests)
    result = run_module(BackupRestoreModule, restore_args(replicated, **args(replicated)), connection=False)
    assert result['failed'] and message % replicated in result['msg'], result
    assert mutating_since(cloud, sent) == []
    assert blocks(regions, replicated['target']) == {'0': 'stale'}


def test_a_backup_of_the_region_is_not_restored_as_a_replica(regions, replicated, run_module):
    cloud = regions.cloud
    local = regions.nl('POST', '/evs/v2/{nl}/volumes', {'volume': {'name': 'nl-own', 'size': 10,
                                                                   'availability_zone': 'eu-nl-01'}})['volume']
    vault = regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('nl-backups', 'backup', resources=[local['id']]))
    regions.nl('POST', '/cbr/v3/{nl}/checkpoints', {'checkpoint': {'vault_id': vault['vault']['id'], 'parameters': {
        'name': 'nl-own-b1', 'resources': [local['id']]}}})
    cloud.advance(1)
    sent = len(cloud.requests)
    result = run_module(BackupRestoreModule, restore_args(replicated, backup='nl-own-b1',
                                                          replica_source_disk_id=local['id']), connection=False)
    assert result['failed'] and 'is not a replica' in result['msg'], result
    assert mutating_since(cloud, sent) == []


@pytest.mark.parametrize('args, message', [
    (dict(backend='vbs'), 'VBS has no replicas'),
    (dict(disk=None), 'replica_source_disk_id needs disk'),
    (dict(source_disk='db01'), 'replica_source_disk_id and source_disk exclude each other'),
    (dict(replica_source_disk_id=' '), 'replica_source_disk_id must not be empty'),
])
def test_bad_replica_options_are_refused_before_any_request(regions, run_module, args, message):
    asked = dict(NL, backup='db01-b1', disk='db01-nl', overwrite=True, replica_source_disk_id='0' * 32)
    asked.update(args)
    result = run_module(BackupRestoreModule, asked, connection=False)
    assert result['failed'] and message in result['msg'], result
    assert regions.cloud.requests == []
