# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""replication_pair_batch against the in-process emulator: many SDRS replication pairs made,
attached, detached and deleted in one call, counted from the emulator's request log."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import PREFIX, placeholder
from ansible_collections.dataprotection.evs.plugins.modules.protected_instance import ProtectedInstanceModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group import ProtectionGroupModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair import ReplicationPairModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair_batch import ReplicationPairBatchModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import drop_answer

pytest.importorskip('evs_emulator.app')

GROUP = dict(name='pg', source_availability_zone='eu-de-01', target_availability_zone='eu-de-02', vpc='vpc-default')
PAIRS = '/replications'
DEVICES = ['/dev/vd%s' % letter for letter in 'bcdefghijklmnopq']


@pytest.fixture
def group(cloud, run_module):
    """The group pg (eu-de-01 -> eu-de-02) with the protected instance app of the server app."""
    server = cloud.add_server('app')
    assert run_module(ProtectionGroupModule, GROUP)['changed']
    assert run_module(ProtectedInstanceModule, dict(protection_group='pg', name='app', server=server['id']))['changed']
    return 'pg'


def disks(cloud, count, prefix='data', az='eu-de-01'):
    return [cloud.add_volume('%s%02d' % (prefix, i), az=az) for i in range(count)]


def pairs_of(made, attach=True, first_device=0):
    return [dict(dict(name='pair-' + disk['name'], disk=disk['id']), **(dict(
        protected_instance='app', device=DEVICES[first_device + i]) if attach else {})) for i, disk in enumerate(made)]


def args(pairs, **extra):
    return dict(dict(protection_group='pg', pairs=pairs), **extra)


def listed_pairs(cloud):
    return cloud.api('GET', '/sdrs/v1/{pid}/replications')['replications']


def mutating(cloud, since=0):
    return [r for r in cloud.requests[since:] if r.mutating]


def test_check_mode_predicts_then_all_are_made_together_and_a_rerun_sends_nothing(cloud, group, run_module):
    made = disks(cloud, 3)
    cloud.taking('sdrs.pair.create', 10)
    cloud.taking('sdrs.pair.attach', 5)
    sent = len(cloud.requests)
    predicted = run_module(ReplicationPairBatchModule, args(pairs_of(made)), check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert mutating(cloud, sent) == [] and listed_pairs(cloud) == []
    assert predicted['counts'] == dict(pairs=3, created=3, updated=0, deleted=0, waited=0, unchanged=0, failed=0)
    assert [r['predicted_ref'] for r in predicted['pairs']] == [
        placeholder('replication pair', 'pair-' + d['name']) for d in made]
    assert sorted(predicted['diff']['after']) == sorted(
        "replication pair 'pair-%s' in protection group 'pg'" % d['name'] for d in made)

    sent = len(cloud.requests)
    result = run_module(ReplicationPairBatchModule, args(pairs_of(made)), diff=True)
    assert result['changed'] and not result['failed'], result
    assert result['counts'] == predicted['counts']
    assert [r.path.split('/')[-1] for r in mutating(cloud, sent)] == ['replications'] * 3 + ['attachreplication'] * 3
    listed = dict((p['id'], p) for p in listed_pairs(cloud))
    assert sorted(listed) == sorted(r['replication_pair']['id'] for r in result['pairs'])
    for real, guess, disk, device in zip(result['pairs'], predicted['pairs'], made, DEVICES):
        pair = real['replication_pair']
        assert sorted(real) == sorted(k for k in guess if k != 'predicted_ref')
        assert sorted(pair) == sorted(guess['replication_pair'])
        assert (pair['status'], pair['production_volume_id'], pair['device']) == ('available', disk['id'], device)
        for key in ('name', 'status', 'production_volume_id', 'device', 'server_group_id', 'protected_instance',
                    'priority_station', 'description'):
            assert pair[key] == guess['replication_pair'][key], key
        assert listed[pair['id']]['attachment'][0]['device'] == device
    assert result['diff']['after'] == predicted['diff']['after']
    # every create was sent before the first poll; then each round lists the group's pairs once
    requests = cloud.requests[sent:]
    posts = [i for i, r in enumerate(requests) if r.mutating]
    polls = [r for r in requests[posts[2] + 1:] if r.method == 'GET']
    assert polls and all(r.path.endswith(PAIRS) for r in polls)
    # what replication_pair finds for each: the same pair, nothing to do
    single = run_module(ReplicationPairModule, dict(pairs_of(made)[1], protection_group='pg'))
    assert not single['changed'] and single['replication_pair']['id'] == result['pairs'][1]['replication_pair']['id']

    sent = len(cloud.requests)
    again = run_module(ReplicationPairBatchModule, args(pairs_of(made)), diff=True)
    assert not again['changed'] and not again['failed'] and mutating(cloud, sent) == [], again
    assert [r['action'] for r in again['pairs']] == ['none'] * 3 and again['diff'] == {'before': {}, 'after': {}}
    checked = run_module(ReplicationPairBatchModule, args(pairs_of(made)), check=True)
    assert not checked['changed'] and checked['pairs'] == again['pairs'] and mutating(cloud, sent) == []


def test_the_reads_before_the_changes_do_not_grow_with_the_batch(cloud, group, run_module):
    def reads_before_first_change(batch):
        sent = len(cloud.requests)
        result = run_module(ReplicationPairBatchModule, args(batch))
        assert result['changed'] and not result['failed'], result
        requests = cloud.requests[sent:]
        return [r.path for r in requests[:requests.index(mutating(cloud, sent)[0])] if r.method == 'GET']

    one = reads_before_first_change(pairs_of(disks(cloud, 1, 'one')))
    many = reads_before_first_change(pairs_of(disks(cloud, READ_ONE_BY_ONE + 2, 'many'), first_device=1))
    assert len(one) == len(many) == 4, (one, many)  # groups, the group's pairs, its instances, the disks
    assert len(listed_pairs(cloud)) == READ_ONE_BY_ONE + 3


def test_a_lost_create_answer_does_not_make_a_second_pair(cloud, group, run_module, monkeypatch):
    made = disks(cloud, 2)
    lost = drop_answer(cloud, monkeypatch, 'POST', PAIRS)
    sent = len(cloud.requests)
    result = run_module(ReplicationPairBatchModule, args(pairs_of(made)))
    assert result['changed'] and not result['failed'] and lost['dropped'] == 1, result
    assert len([r for r in mutating(cloud, sent) if r.path.endswith(PAIRS)]) == 2
    listed = listed_pairs(cloud)
    assert sorted(p['name'] for p in listed) == ['pair-data00', 'pair-data01']
    assert all(p['attachment'] for p in listed)
    assert sorted(p['id'] for p in listed) == sorted(r['replication_pair']['id'] for r in result['pairs'])


def test_detach_attach_elsewhere_and_delete_are_requests_in_a_row(cloud, group, run_module):
    made = disks(cloud, 3)
    assert run_module(ReplicationPairBatchModule, args(pairs_of(made)))['changed']
    cloud.taking('sdrs.pair.detach', 5)
    changed = pairs_of(made)
    changed[0]['protected_instance'] = ''
    changed[1]['device'] = '/dev/vdz'
    predicted = run_module(ReplicationPairBatchModule, args(changed), check=True)
    sent = len(cloud.requests)
    result = run_module(ReplicationPairBatchModule, args(changed))
    assert result['changed'] and not result['failed'], result
    assert [r['action'] for r in result['pairs']] == [r['action'] for r in predicted['pairs']] == [
        'update', 'update', 'none']
    assert [r.method for r in mutating(cloud, sent)] == ['DELETE', 'DELETE', 'POST']  # two detaches, one attach
    assert [(p['replication_pair']['protected_instance'] is None, p['replication_pair']['device'])
            for p in result['pairs']] == [(True, None), (False, '/dev/vdz'), (False, DEVICES[2])]

    gone = [dict(name=p['name']) for p in changed]
    predicted = run_module(ReplicationPairBatchModule, args(gone, state='absent', delete_dr_disk=True), check=True)
    sent = len(cloud.requests)
    result = run_module(ReplicationPairBatchModule, args(gone, state='absent', delete_dr_disk=True))
    assert result['changed'] and not result['failed'], result
    assert [r['action'] for r in result['pairs']] == [r['action'] for r in predicted['pairs']] == ['delete'] * 3
    assert [r.path.split('/')[-2] for r in mutating(cloud, sent) if 'detachreplication' in r.path] != []
    assert listed_pairs(cloud) == [] and len(mutating(cloud, sent)) == 5  # two detaches, three deletes
    assert not run_module(ReplicationPairBatchModule, args(gone, state='absent'))['changed']


def test_wait_false_waits_for_the_create_an_attach_needs_and_answers_the_ids(cloud, group, run_module):
    made = disks(cloud, 2)
    cloud.taking('sdrs.pair.create', 10)
    cloud.taking('sdrs.pair.attach', 30)
    predicted = run_module(ReplicationPairBatchModule, args(pairs_of(made), wait=False), check=True)
    result = run_module(ReplicationPairBatchModule, args(pairs_of(made), wait=False))
    assert result['changed'] and not result['failed'], result
    assert [r['replication_pair']['status'] for r in result['pairs']] == ['attaching'] * 2
    assert [r['replication_pair']['status'] for r in predicted['pairs']] == ['creating'] * 2
    assert sorted(r['replication_pair']['id'] for r in result['pairs']) == sorted(p['id'] for p in listed_pairs(cloud))
    sent = len(cloud.requests)
    waited = run_module(ReplicationPairBatchModule, args(pairs_of(made)))
    assert not waited['changed'] and [r['action'] for r in waited['pairs']] == ['wait'] * 2, waited
    assert mutating(cloud, sent) == [] and [r['replication_pair']['status'] for r in waited['pairs']] == ['available'] * 2


def test_pairs_in_a_group_and_instance_the_check_run_would_create_count_for_its_protection(cloud, run_module):
    server = cloud.add_server('app')
    made = disks(cloud, 2)
    made_group = run_module(ProtectionGroupModule, GROUP, check=True)
    instance = run_module(ProtectedInstanceModule, dict(protection_group=made_group['predicted_ref'], name='app',
                                                        server=server['id']), check=True)
    batch = [dict(p, protected_instance=instance['predicted_ref']) for p in pairs_of(made)]
    predicted = run_module(ReplicationPairBatchModule, args(batch, protection_group=made_group['predicted_ref']),
                           check=True, diff=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    assert [r['protection_group'] for r in predicted['pairs']] == ['pg'] * 2
    assert PREFIX not in json.dumps([r['replication_pair'] for r in predicted['pairs']])
    refs = [r['predicted_ref'] for r in predicted['pairs']]
    enabled = run_module(ProtectionGroupModule, dict(name=made_group['predicted_ref'], protection='enabled',
                                                     predicted_pairs=refs), check=True)
    assert enabled['changed'] and enabled['protection_group']['replication_num'] == 2, enabled
    assert cloud.mutating == []
    # a real run refuses the placeholders before any request
    refused = run_module(ReplicationPairBatchModule, args(batch, protection_group=made_group['predicted_ref']))
    assert refused['failed'] and 'only a check run takes it' in refused['msg'] and cloud.mutating == []


@pytest.mark.parametrize('pairs, extra, message', [
    ([dict(name='', disk='d')], {}, 'pairs[0]: name must not be empty'),
    ([dict(name='p' * 65, disk='d')], {}, 'pairs[0]: name is too long'),
    ([dict(name='p', disk='d', description='d' * 65)], {}, 'pairs[0]: description is too long'),
    ([dict(name='p', disk='d', protected_instance='app')], {}, 'device is required'),
    ([dict(name='p', disk='d')], dict(protection_group=None), 'pairs[0]: protection_group is required'),
    ([dict(name='p', disk='d'), dict(name='p', disk='e')], {}, "pairs[0] and pairs[1] both name replication pair 'p'"),
    ([dict(name='p', disk='d'), dict(name='q', disk='d')], {}, "pairs[0] and pairs[1] both name disk 'd'"),
    ([dict(name='p', disk='d', protected_instance=placeholder('protected instance', 'app'), device='/dev/vdb')], {},
     'only a check run takes it'),
])
def test_bad_input_is_refused_before_any_request(cloud, run_module, pairs, extra, message):
    result = run_module(ReplicationPairBatchModule, dict(args(pairs), **extra))
    assert result['failed'] and message in result['msg'], result
    assert cloud.requests == []


def test_the_whole_batch_is_refused_before_any_change(cloud, group, run_module):
    made = disks(cloud, 2)
    far = disks(cloud, 1, 'far', az='eu-de-02')[0]
    sent = len(cloud.requests)
    for batch, message in (
            (pairs_of(made) + [dict(name='x', disk='no-such-disk')], "disk 'no-such-disk' not found"),
            (pairs_of(made) + [dict(name='x', disk=far['id'])], 'is in eu-de-02, not in the production zone eu-de-01'),
            (pairs_of(made) + [dict(name='x', disk='far00', protection_group='no-such-group')],
             "protection group 'no-such-group' not found"),
            (pairs_of(made) + [dict(name='x', disk='far00', protected_instance='nobody', device='/dev/vdx')],
             "protected instance 'nobody' not found in protection group 'pg'"),
            (pairs_of(made) + [dict(name='x')], 'disk is needed to create it')):
        result = run_module(ReplicationPairBatchModule, args(batch))
        assert result['failed'] and message in result['msg'] and 'nothing was changed' in result['msg'], result
    assert mutating(cloud, sent) == [] and listed_pairs(cloud) == []


def test_a_pair_the_cloud_refuses_is_named_and_the_others_are_made(cloud, group, run_module):
    made = disks(cloud, 2)
    cloud.add_fault(method='POST', path=PAIRS + '$', status=400, count=1, body={
        'error': {'code': 'SDRS.0305', 'message': 'The replication pair quota is exhausted.'}})
    result = run_module(ReplicationPairBatchModule, args(pairs_of(made)))
    assert result['failed'] and result['changed'] is True, result
    assert result['msg'].startswith('1 of 2 pairs failed') and 'SDRS.0305' in result['msg'], result['msg']
    assert [(r['failed'], r['changed']) for r in result['pairs']] == [(True, False), (False, True)]
    again = run_module(ReplicationPairBatchModule, args(pairs_of(made)))
    assert not again['failed'] and [r['action'] for r in again['pairs']] == ['create', 'none'], again
