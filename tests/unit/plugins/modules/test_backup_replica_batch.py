# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_replica_batch against the in-process emulator with a project per region (tenant-a has
``eu-de`` and ``eu-nl``): many backups copied to eu-nl in one call, counted from the emulator's
request log."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica import BackupReplicaModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_batch import BackupReplicaBatchModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import drop_answer
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules.test_backup_replica import (  # noqa: F401 # pylint: disable=unused-import
    regions, replicas_in_nl, vault_body)

REPLICATE = '/replicate'


def back_up(regions, count, vault='src', prefix='db'):
    """``count`` disks of eu-de in a new vault, each with one available backup ``<disk>-b1``; the
    replication vault ``dst`` in eu-nl once. Returns the backups' names."""
    cloud = regions.cloud
    disks = [cloud.add_volume('%s%02d' % (prefix, i), size=10) for i in range(count)]
    body = vault_body(vault, 'backup', size=20 * count, resources=[d['id'] for d in disks])
    made = regions.de('POST', '/cbr/v3/{pid}/vaults', body)['vault']
    for disk in disks:
        regions.de('POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {'vault_id': made['id'], 'parameters': {
            'name': disk['name'] + '-b1', 'resources': [disk['id']]}}})
    cloud.advance(1)
    if not [v for v in regions.nl('GET', '/cbr/v3/{nl}/vaults')['vaults'] if v['name'] == 'dst']:
        regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('dst', 'replication', size=1000))
    return [d['name'] + '-b1' for d in disks]


def batch_args(names, **extra):
    return dict(dict(backups=[{'backup': n} for n in names], vault='src', destination_region='eu-nl',
                     destination_vault='dst'), **extra)


def copies(cloud, since=0):
    return [r for r in cloud.requests[since:] if r.mutating and r.path.endswith(REPLICATE)]


def test_check_mode_predicts_then_all_are_copied_together_and_a_rerun_sends_nothing(regions, run_module):
    cloud = regions.cloud
    names = back_up(regions, 3)
    cloud.taking('cbr.replicate', 120)
    predicted = run_module(BackupReplicaBatchModule, batch_args(names), check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert not cloud.mutating and replicas_in_nl(regions) == []
    assert predicted['counts'] == dict(backups=3, replicated=3, waited=0, existing=0, failed=0)
    assert [(r['action'], r['changed'], r['replica_id']) for r in predicted['backups']] == [('create', True, None)] * 3
    assert sorted(predicted['diff']['after']) == sorted(
        "replica in region 'eu-nl' of backup '%s'" % n for n in names)

    sent = len(cloud.requests)
    made = run_module(BackupReplicaBatchModule, batch_args(names), diff=True)
    assert made['changed'] and not made['failed'], made
    assert made['counts'] == predicted['counts']
    assert len(copies(cloud, sent)) == 3 and len([r for r in cloud.requests[sent:] if r.mutating]) == 3
    listed = dict((r['id'], r) for r in replicas_in_nl(regions))
    assert sorted(listed) == sorted(r['replica_id'] for r in made['backups'])
    assert all(r['status'] == 'available' == listed[r['replica_id']]['status'] for r in made['backups'])
    assert [r['backup'] for r in made['backups']] == names and all(r['backup_id'] for r in made['backups'])
    assert sorted(made['backups'][0]) == sorted(predicted['backups'][0])  # the same keys, no whole replica
    # every copy was started before the first poll; then each round lists the replicas once
    requests = cloud.requests[sent:]
    last_copy = max(i for i, r in enumerate(requests) if r.mutating)
    polls = [r for r in requests[last_copy + 1:] if r.method == 'GET']
    replica_lists = [r for r in polls if r.path.endswith('/backups') and regions.nl_project in r.path]
    assert replica_lists and len(polls) == len(replica_lists) + 1  # + one listing of the sources' records
    # the replica is what backup_replica finds for each backup: the same one, nothing to do
    single = run_module(BackupReplicaModule, dict(backup=names[1], vault='src', destination_region='eu-nl',
                                                  destination_vault='dst'))
    assert not single['changed'] and single['replica']['id'] == made['backups'][1]['replica_id']

    sent = len(cloud.requests)
    again = run_module(BackupReplicaBatchModule, batch_args(names), diff=True)
    assert not again['changed'] and not again['failed'], again
    assert not [r for r in cloud.requests[sent:] if r.mutating]
    assert again['counts'] == dict(backups=3, replicated=0, waited=0, existing=3, failed=0)
    assert again['backups'] == [dict(r, action='none', changed=False) for r in made['backups']]
    assert again['diff'] == {'before': {}, 'after': {}}
    checked = run_module(BackupReplicaBatchModule, batch_args(names), check=True)
    assert not checked['changed'] and checked['backups'] == again['backups']
    assert not [r for r in cloud.requests[sent:] if r.mutating]


def test_the_reads_before_the_copies_do_not_grow_with_the_batch(regions, run_module):
    cloud = regions.cloud
    names = back_up(regions, READ_ONE_BY_ONE + 2)

    def reads_before_first_copy(batch):
        sent = len(cloud.requests)
        result = run_module(BackupReplicaBatchModule, batch_args(batch))
        assert result['changed'] and not result['failed'], result
        requests = cloud.requests[sent:]
        return requests.index(copies(cloud, sent)[0])

    one = reads_before_first_copy(names[:1])
    assert one == reads_before_first_copy(names)  # the 11 others, and the first one found copied
    assert len(replicas_in_nl(regions)) == len(names)


def test_existing_copies_are_found_also_when_their_answer_was_lost(regions, run_module, monkeypatch):
    """A copy started by an earlier run whose answer was lost, and one still being copied: found
    through the backups' records, never copied again, the running one waited for."""
    cloud = regions.cloud
    names = back_up(regions, 3)
    target = [v for v in regions.nl('GET', '/cbr/v3/{nl}/vaults')['vaults'] if v['name'] == 'dst'][0]
    sources = dict((b['name'], b) for b in regions.de('GET', '/cbr/v3/{pid}/backups')['backups'])
    regions.de('POST', '/cbr/v3/{pid}/backups/%s/replicate' % sources[names[0]]['id'], {'replicate': {
        'destination_region': 'eu-nl', 'destination_project_id': regions.nl_project,
        'destination_vault_id': target['id']}})
    cloud.taking('cbr.replicate', 300)
    regions.de('POST', '/cbr/v3/{pid}/backups/%s/replicate' % sources[names[1]]['id'], {'replicate': {
        'destination_region': 'eu-nl', 'destination_project_id': regions.nl_project,
        'destination_vault_id': target['id']}})
    # this run's own copy loses its answer: recovered from the backup's record, not copied twice
    lost = drop_answer(cloud, monkeypatch, 'POST', REPLICATE)
    sent = len(cloud.requests)
    result = run_module(BackupReplicaBatchModule, batch_args(names))
    assert result['changed'] and not result['failed'] and lost['dropped'] == 1, result
    assert [r['action'] for r in result['backups']] == ['none', 'wait', 'create']
    assert result['counts'] == dict(backups=3, replicated=1, waited=1, existing=1, failed=0)
    assert [r.path.split('/')[-2] for r in copies(cloud, sent)] == [sources[names[2]]['id']]
    listed = replicas_in_nl(regions)
    assert len(listed) == 3 and set(r['status'] for r in listed) == {'available'}
    assert sorted(r['id'] for r in listed) == sorted(r['replica_id'] for r in result['backups'])


def test_a_copy_another_run_starts_at_the_same_time_is_taken_not_made_twice(regions, run_module, monkeypatch):
    """Between this run's read and its copy, another run copies the same backup: the cloud refuses
    this run's copy (one replica per backup per region), and the run waits for the other's."""
    cloud = regions.cloud
    names = back_up(regions, 2)
    cloud.taking('cbr.replicate', 60)
    original = cloud.request
    raced = []

    def request(method, url, data=None, headers=None, timeout=None, allow_redirects=True):
        if method == 'POST' and url.endswith(REPLICATE) and not raced:
            raced.append(cloud.send(method, url, data, headers))  # the other run's copy, sent first
        return original(method, url, data, headers, timeout, allow_redirects)

    monkeypatch.setattr(cloud, 'request', request)
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text))
    result = run_module(BackupReplicaBatchModule, batch_args(names))
    assert raced[0].status_code == 200 and not result['failed'], result
    assert [r['action'] for r in result['backups']] == ['wait', 'create']
    assert [w for w in warnings if 'started by another run at the same time' in w], warnings
    listed = replicas_in_nl(regions)
    assert len(listed) == 2 and set(r['status'] for r in listed) == {'available'}
    assert sorted(r['id'] for r in listed) == sorted(r['replica_id'] for r in result['backups'])


def test_a_copy_that_fails_is_named_and_the_others_are_kept(regions, run_module):
    cloud = regions.cloud
    names = back_up(regions, 2)
    cloud.add_fault(method='POST', path=REPLICATE + '$', status=400, count=1, body={
        'error_code': 'BackupService.6113', 'error_msg': 'the vault is full'})
    result = run_module(BackupReplicaBatchModule, batch_args(names))
    assert result['failed'] and result['changed'] is True, result
    assert result['msg'].startswith('1 of 2 backups failed'), result['msg']
    assert "replica in region 'eu-nl' of backup '%s'" % names[0] in result['msg'] and 'BackupService.6113' in result['msg']
    assert [(r['failed'], r['changed']) for r in result['backups']] == [(True, False), (False, True)]
    assert result['counts']['failed'] == 1 and result['backups'][1]['status'] == 'available'
    # a rerun copies the one that failed, only that one
    sent = len(cloud.requests)
    again = run_module(BackupReplicaBatchModule, batch_args(names))
    assert again['changed'] and not again['failed'], again
    assert [r['action'] for r in again['backups']] == ['create', 'none'] and len(copies(cloud, sent)) == 1


def test_wait_false_returns_the_replicas_being_copied_with_their_ids(regions, run_module):
    cloud = regions.cloud
    names = back_up(regions, 2)
    cloud.taking('cbr.replicate', 120)
    predicted = run_module(BackupReplicaBatchModule, batch_args(names, wait=False), check=True)
    started = run_module(BackupReplicaBatchModule, batch_args(names, wait=False))
    assert started['changed'] and not started['failed'], started
    assert [r['status'] for r in started['backups']] == [r['status'] for r in predicted['backups']] == ['protecting'] * 2
    assert sorted(r['replica_id'] for r in started['backups']) == sorted(r['id'] for r in replicas_in_nl(regions))
    sent = len(cloud.requests)
    waited = run_module(BackupReplicaBatchModule, batch_args(names))
    assert not waited['changed'] and [r['action'] for r in waited['backups']] == ['wait'] * 2
    assert [r['status'] for r in waited['backups']] == ['available'] * 2 and not copies(cloud, sent)


@pytest.mark.parametrize('args, message', [
    (batch_args(['db00-b1'], destination_region='eu-de'), "destination_region 'eu-de' is the region of the connection"),
    (batch_args(['db00-b1'], destination_vault=None), 'destination_vault is required'),
    (batch_args(['db00-b1'], destination_vault=' '), 'destination_vault is required'),
    (dict(batch_args([]), backups=[{'backup': 'db00-b1', 'name': 'a b'}]), "backup name 'a b' is invalid"),
    (batch_args(['']), 'backup must not be empty'),
    (batch_args(['db00-b1', 'db00-b1']), "backups[0] and backups[1] both name backup 'db00-b1'"),
])
def test_bad_input_is_refused_before_any_request(regions, run_module, args, message):
    result = run_module(BackupReplicaBatchModule, args)
    assert result['failed'] and message in result['msg'], result
    assert regions.cloud.requests == []


def test_the_whole_batch_is_refused_before_any_copy(regions, run_module):
    cloud = regions.cloud
    names = back_up(regions, 2)
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('plain', 'backup'))
    regions.nl('POST', '/cbr/v3/{nl}/vaults', vault_body('tiny', 'replication', size=15))
    for args, message in (
            (batch_args(names, destination_vault='plain'), 'it is a backup vault for disk, not a replication vault'),
            (batch_args(names, destination_vault='missing'), "vault 'missing' not found in region 'eu-nl'"),
            (batch_args(names + ['nothing']), "backup 'nothing': the backup does not exist"),
            # each copy fits, both together do not
            (batch_args(names, destination_vault='tiny'), 'this batch copies 20480 MB into it')):
        result = run_module(BackupReplicaBatchModule, args)
        assert result['failed'] and message in result['msg'], result
        assert 'nothing was changed' in result['msg']
    assert not cloud.mutating and replicas_in_nl(regions) == []
