# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDRS modules against the emulator's ASGI app called in-process (no network, no sleep).

The emulator's SDRS is a state machine with real replication; driving the modules through it
checks the module flow (find, plan, check mode, apply, wait, diff) and the request sequence
without a socket. Skipped when the emulator package is not installed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.modules.dr_drill import DrDrillModule
from ansible_collections.dataprotection.evs.plugins.modules.protected_instance import ProtectedInstanceModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group import ProtectionGroupModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group_info import INFO as ProtectionGroupInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair import ReplicationPairModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair_info import INFO as ReplicationPairInfoModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    AUTH, api, drop_answer)

pytest.importorskip('evs_emulator.app')


@pytest.fixture
def emulator(cloud):
    return cloud


@pytest.fixture
def run(run_module):
    def call(module_cls, args, **kwargs):
        merged = dict(AUTH)
        merged.update(args)
        return run_module(module_cls, merged, connection=False, **kwargs)
    return call


def setup_protected(session, run, disks=1):
    """A group eu-de-01 -> eu-de-02 with a protected server and attached pairs."""
    server = api(session, 'POST', '/ecs/v2.1/{pid}/servers', {'server': {
        'name': 'app', 'availability_zone': 'eu-de-01', 'flavorRef': 'f', 'imageRef': 'i'}})['server']
    volumes = [api(session, 'POST', '/evs/v2/{pid}/volumes', {'volume': {
        'name': 'data%d' % i, 'size': 10, 'availability_zone': 'eu-de-01'}})['volume'] for i in range(disks)]
    group = run(ProtectionGroupModule, {'name': 'pg', 'source_availability_zone': 'eu-de-01',
                                        'target_availability_zone': 'eu-de-02', 'vpc': 'vpc-default'})
    assert group['changed'], group
    assert not run(ProtectedInstanceModule, {'protection_group': 'pg', 'name': 'app', 'server': server['id']})['failed']
    for i, volume in enumerate(volumes):
        pair = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair%d' % i, 'disk': volume['id'],
                                           'protected_instance': 'app', 'device': '/dev/vd%s' % 'bcd'[i]})
        assert pair['changed'], pair
    return server, volumes


def test_group_create_check_mode_idempotency_and_diff(emulator, run):
    args = {'name': 'pg', 'source_availability_zone': 'eu-de-01', 'target_availability_zone': 'eu-de-02',
            'vpc': 'vpc-default'}
    predicted = run(ProtectionGroupModule, args, check=True, diff=True)
    assert predicted['changed'] and emulator.mutating == []
    created = run(ProtectionGroupModule, args, diff=True)
    assert created['changed'] and created['diff'] == predicted['diff']
    group = created['protection_group']
    assert (group['status'], group['production_az'], group['protection']) == ('available', 'eu-de-01', 'disabled')
    for key in ('status', 'production_az', 'dr_az', 'protection', 'priority_station'):
        assert predicted['protection_group'][key] == group[key], key
    posts = list(emulator.mutating)
    assert len(posts) == 1 and posts[0].body['server_group']['domain_id'] == group['domain_id']
    del emulator.requests[:]
    again = run(ProtectionGroupModule, args)
    assert not again['changed'] and emulator.mutating == []


def test_protection_and_planned_failover_are_declared_state(emulator, run):
    setup_protected(emulator, run)
    del emulator.requests[:]
    enabled = run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled', 'production_az': 'eu-de-02'},
                  diff=True)
    assert enabled['changed'], enabled
    actions = [list(r.body)[0] for r in emulator.mutating]
    assert actions == ['start-server-group', 'reverse-server-group']
    assert enabled['protection_group']['production_az'] == 'eu-de-02'
    assert enabled['diff'] == {'before': {'protection': 'disabled', 'production_az': 'eu-de-01'},
                               'after': {'protection': 'enabled', 'production_az': 'eu-de-02'}}
    del emulator.requests[:]
    assert not run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled',
                                           'production_az': 'eu-de-02'})['changed']
    assert emulator.mutating == []


def test_failover_in_an_outage_needs_the_option_and_reads_nothing_in_the_down_zone(emulator, run):
    setup_protected(emulator, run)
    assert run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})['changed']
    emulator.emu.start_outage('eu-de-01')
    del emulator.requests[:]
    refused = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02'})
    assert refused['failed'] and 'allow_unplanned_failover' in refused['msg'] and emulator.mutating == []
    assert refused['changed'] is False
    predicted = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02',
                                            'allow_unplanned_failover': True}, check=True)
    assert predicted['changed'] and predicted['protection_group']['status'] == 'failed-over'
    assert emulator.mutating == []
    done = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02', 'allow_unplanned_failover': True})
    assert done['changed'] and done['protection_group']['status'] == 'failed-over'
    assert [list(r.body)[0] for r in emulator.mutating] == ['failover-server-group']
    # no request touched a resource of the down zone: every answer was a success
    assert all(r.path.startswith(('/sdrs/', '/identity/', '/evs/v2/')) for r in emulator.requests)
    # re-protecting needs the old zone back
    refused = run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})
    assert refused['failed'] and 'eu-de-01 is unavailable' in refused['msg']
    emulator.emu.end_outage('eu-de-01')
    back = run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled', 'production_az': 'eu-de-01'})
    assert back['changed'] and back['protection_group']['production_az'] == 'eu-de-01'
    assert back['protection_group']['status'] == 'protected'


def test_a_failed_job_is_reported_with_the_cloud_reason(emulator, run, monkeypatch):
    setup_protected(emulator, run)
    assert run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})['changed']
    # the zone goes down after the module looked (a stale view): the cloud accepts, the job fails
    monkeypatch.setattr(ProtectionGroupModule, 'zone_down', lambda self, zone: False)
    emulator.emu.start_outage('eu-de-02')
    failed = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02'})
    assert failed['failed'] and failed['changed'] is True
    assert 'FAIL' in failed['msg'] and 'eu-de-02 is unavailable' in failed['msg']
    assert run(ProtectionGroupInfoModule, {'name': 'pg'})['protection_groups'][0]['status'] == 'error-reversing'
    # the planned failover failed: only the unplanned one is left, and only with the option
    emulator.emu.end_outage('eu-de-02')
    refused = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02'})
    assert refused['failed'] and 'a planned failover failed' in refused['msg']
    done = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02', 'allow_unplanned_failover': True})
    assert done['changed'] and done['protection_group']['status'] == 'failed-over'


def test_group_delete_refusals_then_delete(emulator, run):
    setup_protected(emulator, run)
    refused = run(ProtectionGroupModule, {'name': 'pg', 'state': 'absent'})
    assert refused['failed'] and '1 protected instances, 1 replication pairs' in refused['msg']
    assert run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'state': 'absent'})['changed']
    assert run(ProtectedInstanceModule, {'protection_group': 'pg', 'name': 'app', 'state': 'absent'})['changed']
    deleted = run(ProtectionGroupModule, {'name': 'pg', 'state': 'absent'}, diff=True)
    assert deleted['changed'] and deleted['diff']['after'] == {}
    assert run(ProtectionGroupInfoModule, {})['protection_groups'] == []
    assert not run(ProtectionGroupModule, {'name': 'pg', 'state': 'absent'})['changed']


def test_pair_attach_detach_and_info(emulator, run):
    setup_protected(emulator, run)
    del emulator.requests[:]
    detached = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'protected_instance': ''})
    assert detached['changed'] and detached['replication_pair']['protected_instance'] is None
    assert [r.method for r in emulator.mutating] == ['DELETE']
    info = run(ReplicationPairInfoModule, {'protection_group': 'pg'})
    pair = info['replication_pairs'][0]
    assert pair['production_volume_id'] and pair['dr_volume_id'] and pair['device'] is None
    moved = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'protected_instance': 'app',
                                        'device': '/dev/vdd'}, diff=True)
    assert moved['changed'] and moved['replication_pair']['device'] == '/dev/vdd'
    assert moved['diff']['after'] == {'protected_instance': moved['replication_pair']['protected_instance'],
                                      'device': '/dev/vdd'}


def test_drill_create_delete(emulator, run):
    setup_protected(emulator, run)
    predicted = run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'}, check=True)
    assert predicted['changed'] and predicted['dr_drill']['status'] == 'available'
    created = run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'})
    assert created['changed'] and len(created['dr_drill']['drill_servers']) == 1
    assert sorted(created['dr_drill']) == sorted(predicted['dr_drill'])
    assert not run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'})['changed']
    assert run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1', 'state': 'absent'})['changed']
    assert not run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1', 'state': 'absent'})['changed']


def test_wait_false_returns_the_transitional_status(emulator, run):
    setup_protected(emulator, run)
    emulator.emu.update_timings({'sdrs.group.start': 60})
    started = run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled', 'wait': False})
    assert started['changed'] and started['protection_group']['status'] == 'starting'
    emulator.emu.clock.advance(61)
    del emulator.requests[:]
    assert not run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})['changed']
    assert emulator.mutating == []


def test_lost_create_answer_is_resolved_by_name(emulator, run, monkeypatch):
    """The create reached the cloud but its answer was lost: the module looks the group up
    by name instead of creating a second one."""
    state = drop_answer(emulator, monkeypatch, 'POST', '/server-groups')
    created = run(ProtectionGroupModule, {'name': 'pg', 'source_availability_zone': 'eu-de-01',
                                          'target_availability_zone': 'eu-de-02', 'vpc': 'vpc-default'})
    assert created['changed'] and created['protection_group']['status'] == 'available', created
    assert state['dropped'] == 1 and len([r for r in emulator.mutating if r.path.endswith('/server-groups')]) == 1


@pytest.mark.parametrize('args, method, suffix, expect', [
    ({'name': 'pg', 'protection': 'enabled'}, 'POST', '/action', ('protected', 'eu-de-01')),
    ({'name': 'pg', 'protection': 'enabled', 'production_az': 'eu-de-02'}, 'POST', '/action', ('protected', 'eu-de-02')),
])
def test_lost_action_answer_is_resolved_by_reading_the_group(emulator, run, monkeypatch, args, method, suffix, expect):
    setup_protected(emulator, run)
    state = drop_answer(emulator, monkeypatch, method, suffix)
    del emulator.requests[:]
    result = run(ProtectionGroupModule, args)
    assert state['dropped'] == 1 and result['changed'], result
    group = result['protection_group']
    assert (group['status'], group['production_az']) == expect
    # every action was sent exactly once
    actions = [list(r.body)[0] for r in emulator.mutating]
    assert len(actions) == len(set(actions))


def test_lost_detach_and_delete_answers_are_resolved_by_reading_the_pair(emulator, run, monkeypatch):
    setup_protected(emulator, run)
    state = drop_answer(emulator, monkeypatch, 'DELETE', '/detachreplication/' + run(
        ReplicationPairInfoModule, {'protection_group': 'pg'})['replication_pairs'][0]['id'])
    detached = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'protected_instance': ''})
    assert state['dropped'] == 1 and detached['changed'] and detached['replication_pair']['protected_instance'] is None
    pair_id = detached['replication_pair']['id']
    state = drop_answer(emulator, monkeypatch, 'DELETE', '/replications/' + pair_id)
    deleted = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'state': 'absent'})
    assert state['dropped'] == 1 and deleted['changed'] and not deleted['failed'], deleted
    assert len([r for r in emulator.mutating if r.path.endswith('/replications/' + pair_id)]) == 1
    assert run(ReplicationPairInfoModule, {'protection_group': 'pg'})['replication_pairs'] == []


def test_a_failover_rerun_while_it_runs_waits_for_it_and_sends_nothing(emulator, run):
    """The group is the failover's record: a rerun during the switch waits for it, never switches again."""
    setup_protected(emulator, run)
    assert run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})['changed']
    emulator.emu.update_timings({'sdrs.group.reverse': 60})
    started = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02', 'wait': False})
    assert started['changed'] and started['protection_group']['status'] == 'reversing', started
    del emulator.requests[:]
    again = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02'})
    assert not again['changed'] and emulator.mutating == [], again
    group = again['protection_group']
    assert (group['status'], group['production_az']) == ('protected', 'eu-de-02')


def test_an_unplanned_failover_whose_answer_was_lost_is_sent_once(emulator, run, monkeypatch):
    setup_protected(emulator, run)
    assert run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled'})['changed']
    emulator.emu.start_outage('eu-de-01')
    state = drop_answer(emulator, monkeypatch, 'POST', '/action')
    del emulator.requests[:]
    done = run(ProtectionGroupModule, {'name': 'pg', 'production_az': 'eu-de-02', 'allow_unplanned_failover': True})
    assert state['dropped'] == 1 and done['changed'], done
    assert (done['protection_group']['status'], done['protection_group']['production_az']) == ('failed-over',
                                                                                               'eu-de-02')
    assert [list(r.body)[0] for r in emulator.mutating] == ['failover-server-group']


def test_a_drill_whose_create_answer_was_lost_is_found_by_name(emulator, run, monkeypatch):
    setup_protected(emulator, run)
    state = drop_answer(emulator, monkeypatch, 'POST', '/disaster-recovery-drills')
    created = run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'})
    assert state['dropped'] == 1 and created['changed'] and created['dr_drill']['status'] == 'available', created
    assert len([r for r in emulator.mutating if r.path.endswith('/disaster-recovery-drills')]) == 1
    assert not run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'})['changed']


def test_a_busy_group_refuses_a_new_drill_and_a_member_delete_alike(emulator, run):
    setup_protected(emulator, run)
    emulator.emu.update_timings({'sdrs.group.start': 60})
    assert run(ProtectionGroupModule, {'name': 'pg', 'protection': 'enabled', 'wait': False})['changed']
    del emulator.requests[:]
    drill = run(DrDrillModule, {'protection_group': 'pg', 'name': 'd1'})
    assert drill['failed'] and "DR drill 'd1' of protection group 'pg' cannot be created while the protection " \
        "group is starting" in drill['msg'], drill
    pair = run(ReplicationPairModule, {'protection_group': 'pg', 'name': 'pair0', 'state': 'absent'})
    assert pair['failed'] and 'cannot be deleted while the protection group is starting' in pair['msg'], pair
    assert emulator.mutating == []
