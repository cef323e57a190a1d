# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode across parents (module_utils/predicted.py): a module that would create a parent
answers a placeholder (``predicted_ref``); a member's module takes it, in check mode only, and
predicts its own create under it; the placeholder never reaches the cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.predicted_ref import predicted_ref
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.config import resolve_settings
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import PREFIX, placeholder
from ansible_collections.dataprotection.evs.plugins.modules.backup_batch import BackupBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_policy import BackupPolicyModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_batch import BackupReplicaBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_info import INFO as BackupReplicaInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replication_policy import (
    BackupReplicationPolicyModule)
from ansible_collections.dataprotection.evs.plugins.modules.protected_instance import ProtectedInstanceModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group import ProtectionGroupModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair import ReplicationPairModule
from ansible_collections.dataprotection.evs.plugins.modules.vault import VaultModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import AUTH, api
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules.test_backup_replica import (  # noqa: F401 # pylint: disable=unused-import
    NL, regions)

pytest.importorskip('evs_emulator.app')

GROUP = dict(name='pg', source_availability_zone='eu-de-01', target_availability_zone='eu-de-02', vpc='vpc-default')


@pytest.fixture
def run(run_module):
    def call(module_cls, args, **kwargs):
        return run_module(module_cls, dict(AUTH, **args), connection=False, **kwargs)
    return call


def carrying_placeholder(requests):
    return [r for r in requests if PREFIX in r.url or PREFIX in json.dumps(r.body)]


@pytest.fixture
def estate(cloud):
    server = api(cloud, 'POST', '/ecs/v2.1/{pid}/servers', {'server': {
        'name': 'app', 'availability_zone': 'eu-de-01', 'flavorRef': 'f', 'imageRef': 'i'}})['server']
    disk = api(cloud, 'POST', '/evs/v2/{pid}/volumes', {'volume': {
        'name': 'data', 'size': 10, 'availability_zone': 'eu-de-01'}})['volume']
    return dict(server=server, disk=disk)


def members(estate, group, instance):
    return [(ProtectedInstanceModule, dict(protection_group=group, name='app', server=estate['server']['id'])),
            (ReplicationPairModule, dict(protection_group=group, name='pair', disk=estate['disk']['id'],
                                         protected_instance=instance, device='/dev/vdb'))]


def test_members_of_a_group_the_check_run_would_create_predict_the_real_run(cloud, estate, run):
    group = run(ProtectionGroupModule, GROUP, check=True, diff=True)
    assert group['changed'] and group['predicted_ref'] == placeholder('protection group', 'pg')
    assert group['protection_group']['id'] is None
    instance = run(*members(estate, group['predicted_ref'], None)[0], check=True, diff=True)
    assert instance['changed'] and not instance['failed'], instance
    pair_module, pair_args = members(estate, group['predicted_ref'], instance['predicted_ref'])[1]
    pair = run(pair_module, pair_args, check=True, diff=True)
    assert pair['changed'] and not pair['failed'], pair
    assert pair['predicted_ref'] == placeholder('replication pair', 'pair')  # counts for the group's protection
    assert cloud.mutating == [] and carrying_placeholder(cloud.requests) == []
    predictions = [instance, pair]
    # a placeholder is shown as null, as an id known only once the real run made the parent
    assert PREFIX not in json.dumps([p['diff'] for p in predictions] + [p[k] for p, k in (
        (instance, 'protected_instance'), (pair, 'replication_pair'))])

    assert run(ProtectionGroupModule, GROUP)['changed']
    for (module, args), predicted in zip(members(estate, 'pg', 'app'), predictions):
        made = run(module, args, diff=True)
        assert made['changed'] and not made['failed'], made
        assert 'predicted_ref' not in made
        before, after = predicted['diff']['before'], predicted['diff']['after']
        assert before == made['diff']['before']
        assert dict((k, v) for k, v in after.items() if v is not None) == \
            dict((k, v) for k, v in made['diff']['after'].items() if after.get(k) is not None)
        assert set(k for k, v in after.items() if v is None) <= {'server_group_id', 'protected_instance'}


def enabling(group, *pairs):
    return dict(name=group, protection='enabled', predicted_pairs=list(pairs))


def test_enabling_protection_of_a_group_the_check_run_creates_with_its_predicted_pairs(cloud, estate, run):
    group = run(ProtectionGroupModule, GROUP, check=True)
    _instance, (pair_module, pair_args) = members(estate, group['predicted_ref'], '')
    pair = run(pair_module, dict(pair_args, protected_instance=None), check=True)
    enabled = run(ProtectionGroupModule, enabling(group['predicted_ref'], pair['predicted_ref']), check=True, diff=True)
    assert enabled['changed'] and not enabled['failed'], enabled
    assert enabled['protection_group']['status'] == 'protected' and enabled['protection_group']['replication_num'] == 1
    assert enabled['diff']['after']['protection'] == 'enabled'
    # the pairs are what makes it possible: without them the check refuses, as the real run would
    refused = run(ProtectionGroupModule, enabling(group['predicted_ref']), check=True)
    assert refused['failed'] and 'cannot be enabled without replication pairs' in refused['msg']
    assert cloud.mutating == [] and carrying_placeholder(cloud.requests) == []

    assert run(ProtectionGroupModule, GROUP)['changed']
    assert run(pair_module, dict(pair_args, protection_group='pg', protected_instance=None))['changed']
    made = run(ProtectionGroupModule, enabling('pg'), diff=True)
    assert made['changed'] and made['protection_group']['status'] == enabled['protection_group']['status']
    assert made['diff'] == enabled['diff']
    again = run(ProtectionGroupModule, enabling('pg'), check=True)
    assert not again['changed'] and not again['failed'], again


def test_enabling_protection_of_an_existing_group_without_pairs_counts_the_predicted_ones(cloud, estate, run):
    assert run(ProtectionGroupModule, GROUP)['changed']
    pair_module, pair_args = members(estate, 'pg', '')[1]
    pair = run(pair_module, dict(pair_args, protected_instance=None), check=True)
    sent = len(cloud.mutating)
    enabled = run(ProtectionGroupModule, enabling('pg', pair['predicted_ref']), check=True)
    assert enabled['changed'] and not enabled['failed'] and len(cloud.mutating) == sent, enabled
    assert run(ProtectionGroupModule, enabling('pg'), check=True)['failed']


def test_predicted_pairs_refused_in_a_real_run_and_when_not_pairs(cloud, estate, run):
    assert run(ProtectionGroupModule, GROUP)['changed']
    asked, mutated = len(cloud.requests), len(cloud.mutating)
    refused = run(ProtectionGroupModule, enabling('pg', placeholder('replication pair', 'pair')))
    assert refused['failed'] and "predicted_pairs[0] is '%s" % PREFIX in refused['msg']
    assert 'only a check run takes it' in refused['msg'] and len(cloud.requests) == asked
    other = run(ProtectionGroupModule, enabling('pg', placeholder('protected instance', 'app')), check=True)
    assert other['failed'] and 'predicted_pairs takes the predicted_ref of replication pairs' in other['msg']
    assert len(cloud.mutating) == mutated


def test_a_real_run_refuses_a_placeholder_before_any_request(cloud, estate, run):
    for module, args in members(estate, placeholder('protection group', 'pg'), placeholder('protected instance', 'app')):
        del cloud.requests[:]
        refused = run(module, args)
        assert refused['failed'] and not refused['changed']
        assert " is '%s" % PREFIX in refused['msg']
        assert 'only a check run takes it' in refused['msg'] and cloud.requests == []


def test_a_placeholder_where_the_module_takes_no_parent_is_refused_in_check_mode_too(cloud, estate, run):
    refused = run(ReplicationPairModule, dict(protection_group='pg', name='pair', disk=placeholder('disk', 'data')),
                  check=True)
    assert refused['failed'] and "disk is '%s'" % placeholder('disk', 'data') in refused['msg']
    assert 'takes none in disk' in refused['msg'] and cloud.requests == []


def test_a_member_under_a_predicted_group_finds_no_other_member_there(cloud, estate, run):
    module, args = members(estate, placeholder('protection group', 'pg'), 'app')[1]
    refused = run(module, args, check=True)
    assert refused['failed'] and "protected instance 'app' not found in protection group 'pg', which this check " \
        "run would create" in refused['msg'], refused
    assert carrying_placeholder(cloud.requests) == []


def test_the_client_never_sends_a_placeholder(cloud):
    client = Client(resolve_settings(dict(AUTH)), session=cloud, sleeper=cloud.advance, utcnow=cloud.utcnow)
    sent = len(cloud.requests)
    for call in (lambda: client.get('sdrs', '/server-groups/%s' % placeholder('protection group', 'pg')),
                 lambda: client.get('sdrs', '/replications', params={'server_group_id': placeholder('protection group', 'pg')}),
                 lambda: client.post('sdrs', '/replications', {'replication': {'server_group_id': placeholder('x', 'y')}})):
        with pytest.raises(ResourceError, match='carries a check-mode placeholder'):
            call()
    assert carrying_placeholder(cloud.requests[sent:]) == []


def test_a_vault_and_its_replication_policy_predicted_under_a_new_policy_and_new_vaults(regions, run_module):
    cloud = regions.cloud
    policy_args = dict(name='far-gold', backend='cbr', schedule=['FREQ=DAILY;BYHOUR=1;BYMINUTE=0'], max_backups=3)
    policy = run_module(BackupPolicyModule, policy_args, check=True)
    assert policy['changed'] and policy['predicted_ref'] == placeholder('backup policy', 'far-gold')
    vault_args = dict(name='far-gold', size=20, policy=policy['predicted_ref'])
    vault = run_module(VaultModule, vault_args, check=True, diff=True)
    assert vault['changed'] and not vault['failed'], vault
    assert vault['diff']['after']['policy_id'] is None and vault['diff']['after']['policy_name'] == 'far-gold'
    target = run_module(VaultModule, dict(NL, name='far-gold', size=20, protect_type='replication'), check=True)
    binding_args = dict(name='far-gold-replication', destination_region='eu-nl', schedule=['FREQ=DAILY;BYHOUR=3'],
                        vault=vault['predicted_ref'], destination_vault=target['predicted_ref'])
    binding = run_module(BackupReplicationPolicyModule, binding_args, check=True, diff=True)
    assert binding['changed'] and not binding['failed'], binding
    assert binding['policy']['associated_vaults'] == [{'vault_id': None, 'destination_vault_id': None}]
    assert cloud.mutating == [] and carrying_placeholder(cloud.requests) == []

    refused = run_module(BackupReplicationPolicyModule, binding_args)
    assert refused['failed'] and 'only a check run takes it' in refused['msg'] and cloud.mutating == []
    assert run_module(BackupPolicyModule, policy_args)['changed']
    made = run_module(VaultModule, dict(vault_args, policy='far-gold'), diff=True)
    assert made['changed'] and made['diff']['before'] == vault['diff']['before']
    assert made['diff']['after']['policy_name'] == 'far-gold' and made['diff']['after']['policy_id']


def test_the_filter_passes_the_placeholder_of_the_named_parent_else_the_name():
    made = {'results': [{'changed': True, 'predicted_ref': placeholder('protection group', 'a')},
                        {'changed': False}, {'skipped': True}]}
    assert predicted_ref('a', made) == placeholder('protection group', 'a')
    assert predicted_ref('b', made) == 'b'
    assert predicted_ref('a', {'changed': True, 'predicted_ref': placeholder('vault', 'a')}) == placeholder('vault', 'a')
    assert predicted_ref('a', {'skipped': True}) == 'a'


def test_backups_predicted_in_a_vault_the_check_run_would_create_as_the_real_run_takes_them(cloud, run_module):
    disks = [cloud.add_volume('d%d' % i) for i in range(2)]
    vault = run_module(VaultModule, dict(name='v1', size=100, resources=[d['id'] for d in disks]), check=True)
    batch = dict(backend='cbr', backups=[dict(disk=d['name'], name='b1', vault=vault['predicted_ref']) for d in disks])
    predicted = run_module(BackupBatchModule, batch, check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert cloud.mutating == [] and carrying_placeholder(cloud.requests) == []
    # the vault's placeholder shows as null; each backup answers its own (backup_replica_batch takes it)
    assert PREFIX not in json.dumps(dict(predicted, backups=[dict(b, predicted_ref=None) for b in predicted['backups']]))
    assert [b['predicted_ref'] for b in predicted['backups']] == [placeholder('backup', 'b1', d['id']) for d in disks]
    refused = run_module(BackupBatchModule, batch)
    assert refused['failed'] and "backups[0].vault is '%s" % PREFIX in refused['msg'] and cloud.mutating == []

    assert run_module(VaultModule, dict(name='v1', size=100, resources=[d['id'] for d in disks]))['changed']
    made = run_module(BackupBatchModule, dict(batch, backups=[dict(b, vault='v1') for b in batch['backups']]), diff=True)
    assert made['changed'] and [r['action'] for r in made['backups']] == [r['action'] for r in predicted['backups']]
    assert sorted(made['diff']['after']) == sorted(predicted['diff']['after'])


def test_replicas_read_in_vaults_the_check_run_would_create_are_none_and_ask_nothing(regions, run_module):
    cloud = regions.cloud
    source = run_module(VaultModule, dict(name='far-gold', size=20), check=True)
    target = run_module(VaultModule, dict(NL, name='far-gold', size=20, protect_type='replication'), check=True)
    asked_before = len(cloud.requests)
    for reads in (dict(vault=source['predicted_ref']), dict(destination_vault=target['predicted_ref'])):
        read = run_module(BackupReplicaInfoModule, dict(reads, destination_region='eu-nl'), check=True)
        # no answer tells the cloud's time: none is made up from this machine's clock
        assert not read['failed'] and read['replicas'] == [] and read['records'] == [] and read['cloud_time'] is None, read
    assert len(cloud.requests) == asked_before and cloud.mutating == []

    refused = run_module(BackupReplicaInfoModule, dict(vault=source['predicted_ref'], destination_region='eu-nl'))
    assert refused['failed'] and 'only a check run takes it' in refused['msg'] and len(cloud.requests) == asked_before


def replicate(backups, vault, destination_vault, started):
    """backup_replica_batch's options as the protect role gives them: each backup by its placeholder
    (a check run) or its name (a real run), with the predictions of the batch that took them."""
    return dict(destination_region='eu-nl', vault=vault, destination_vault=destination_vault,
                backups=[dict(backup=predicted_ref(name, started, parent=disk_id)) for disk_id, name in backups],
                predicted_backups=[r for r in started['backups'] if 'predicted_ref' in r])


def test_replicas_of_backups_the_check_run_would_take_into_vaults_it_would_create(regions, run_module):
    cloud = regions.cloud
    disks = [cloud.add_volume('d%d' % i, size=10 + i) for i in range(2)]
    source_args = dict(name='far-gold', size=100, resources=[d['id'] for d in disks])
    target_args = dict(NL, name='far-gold', size=100, protect_type='replication')
    batch = dict(backend='cbr', wait=False, backups=[dict(disk=d['id'], name='far-gold-b1') for d in disks])
    taken = [(d['id'], 'far-gold-b1') for d in disks]  # one name for every disk, as the backup policy names them

    source = run_module(VaultModule, source_args, check=True)
    target = run_module(VaultModule, target_args, check=True)
    started = run_module(BackupBatchModule, dict(batch, vault=source['predicted_ref']), check=True)
    refs = [r['predicted_ref'] for r in started['backups']]
    assert refs == [placeholder('backup', 'far-gold-b1', d['id']) for d in disks]
    args = replicate(taken, source['predicted_ref'], target['predicted_ref'], started)
    assert [b['backup'] for b in args['backups']] == refs
    predicted = run_module(BackupReplicaBatchModule, args, check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert predicted['counts'] == dict(backups=2, replicated=2, waited=0, existing=0, failed=0)
    # planned from the predicted backups: their disks' sizes and zone (the diff is keyed by backup name)
    after = predicted['diff']['after']
    assert [(v['disk_id'], v['size'], v['availability_zone']) for v in after.values()] == \
        [(disks[1]['id'], 11, disks[1]['availability_zone'])]
    assert cloud.mutating == [] and carrying_placeholder(cloud.requests) == []
    assert PREFIX not in json.dumps(dict(predicted, backups=[dict(b, backup=None) for b in predicted['backups']]))

    # no prediction for a placeholder, or a placeholder in a real run: refused before any request
    asked = len(cloud.requests)
    unknown = run_module(BackupReplicaBatchModule, dict(args, predicted_backups=[]), check=True)
    assert unknown['failed'] and 'has no prediction of it' in unknown['msg']
    refused = run_module(BackupReplicaBatchModule, args)
    assert refused['failed'] and 'only a check run takes it' in refused['msg'] and len(cloud.requests) == asked

    assert run_module(VaultModule, source_args)['changed'] and run_module(VaultModule, target_args)['changed']
    real_started = run_module(BackupBatchModule, dict(batch, vault='far-gold', wait=True))
    assert real_started['changed'] and not any('predicted_ref' in r for r in real_started['backups'])
    real_args = replicate(taken, 'far-gold', 'far-gold', real_started)
    assert [b['backup'] for b in real_args['backups']] == ['far-gold-b1'] * 2 and real_args['predicted_backups'] == []
    made = run_module(BackupReplicaBatchModule, dict(real_args, backups=[
        dict(b, backup=r['backup']['id']) for b, r in zip(real_args['backups'], real_started['backups'])]), diff=True)
    assert made['changed'] and made['counts'] == predicted['counts'], made
    ids = ('vault_id', 'source_backup_id', 'project_id')  # known to the real run only
    assert [dict((k, v) for k, v in a.items() if k not in ids) for a in made['diff']['after'].values()] == \
        [dict((k, v) for k, v in a.items() if k not in ids) for a in after.values()]
