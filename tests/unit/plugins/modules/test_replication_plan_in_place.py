# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replication plan's in-place flags against the SDRS modules themselves: the replication role
leaves out the module call of a group, instance or pair the plan calls in place (and the enable
of a group it calls protected), so the plan must say so only when the module, given the role's
arguments, would change nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_replication import dr_policy_replication
from ansible_collections.dataprotection.evs.plugins.modules.disk_info import INFO as DiskInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.protected_instance import ProtectedInstanceModule
from ansible_collections.dataprotection.evs.plugins.modules.protected_instance_info import INFO as ProtectedInstanceInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group import ProtectionGroupModule
from ansible_collections.dataprotection.evs.plugins.modules.protection_group_info import INFO as ProtectionGroupInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair_batch import ReplicationPairBatchModule
from ansible_collections.dataprotection.evs.plugins.modules.replication_pair_info import INFO as ReplicationPairInfoModule

pytest.importorskip('evs_emulator.app')

POLICY = dr_policy({'name': 'shop', 'tiers': [{'name': 'gold', 'failure': 'az', 'rpo': 0, 'rto': '15m',
                                               'secondary_az': 'eu-de-02', 'retention': {'hourly': 6},
                                               'disks': {'metadata': {'tier': 'gold'}}}],
                    'az_distances_km': {'eu-de-01/eu-de-02': 30}})


def _plan(run_module):
    disks = run_module(DiskInfoModule, {'zones': True})
    (tier,) = dr_policy_replication(
        disks['disks'], POLICY, groups=run_module(ProtectionGroupInfoModule, {})['protection_groups'],
        instances=run_module(ProtectedInstanceInfoModule, {})['protected_instances'],
        pairs=run_module(ReplicationPairInfoModule, {})['replication_pairs'], zones=disks['zones'])
    return tier


def _apply(run_module, tier, check=False, everything=False):
    """The role's module calls (roles/replication/tasks/apply.yml), all of them (``everything``) or
    those the plan does not leave out: {call: changed}."""
    calls = []
    if everything or not tier['group_in_place']:
        calls.append(('group', ProtectionGroupModule, {
            'name': tier['name'], 'source_availability_zone': tier['source_az'],
            'target_availability_zone': tier['secondary_az'], 'vpc': 'vpc-default'}))
    for instance in tier['instances']:
        if everything or instance['name'] not in tier['instances_in_place']:
            calls.append((instance['name'], ProtectedInstanceModule, {
                'protection_group': tier['name'], 'name': instance['name'], 'server': instance['server_id']}))
    pairs = []
    for pair in tier['pairs']:
        if everything or not pair['in_place']:
            pairs.append({'protection_group': tier['name'], 'name': pair['name'], 'disk': pair['disk_id'],
                          'protected_instance': pair['protected_instance'] or None, 'device': pair['device'] or None})
    if pairs:
        calls.append(('pairs', ReplicationPairBatchModule, {'pairs': pairs}))
    if everything or not tier['group_protected']:
        calls.append(('enable', ProtectionGroupModule, {'name': tier['name'], 'protection': 'enabled'}))
    changed = {}
    for name, module, args in calls:
        result = run_module(module, args, check=check)
        assert not result['failed'], (name, result)
        changed[name] = result['changed']
    return changed


def test_what_the_modules_made_is_in_place_and_they_would_change_nothing(cloud, run_module):
    cloud.add_volume('db01', status='in-use', metadata={'tier': 'gold'})
    cloud.add_volume('scratch', metadata={'tier': 'gold'})
    tier = _plan(run_module)
    assert not tier['group_in_place'] and not tier['group_protected'] and tier['instances_in_place'] == []
    assert not any(p['in_place'] for p in tier['pairs'])
    assert all(_apply(run_module, tier).values())

    tier = _plan(run_module)
    assert tier['group_in_place'] and tier['group_protected']
    assert tier['instances_in_place'] == [i['name'] for i in tier['instances']] and len(tier['instances']) == 1
    assert [p['in_place'] for p in tier['pairs']] == [True, True]
    assert _apply(run_module, tier) == {}
    assert not any(_apply(run_module, tier, check=True, everything=True).values())


def test_a_new_disk_is_not_in_place_and_protection_is_enabled_again_with_it(cloud, run_module):
    cloud.add_volume('db01', status='in-use', metadata={'tier': 'gold'})
    _apply(run_module, _plan(run_module))
    cloud.add_volume('db02', metadata={'tier': 'gold'})
    tier = _plan(run_module)
    assert tier['group_in_place'] and not tier['group_protected']
    assert [(p['disk_name'], p['in_place']) for p in tier['pairs']] == [('db01', True), ('db02', False)]
    changed = _apply(run_module, tier)
    assert list(changed) == ['pairs', 'enable'] and changed['pairs']
    assert _plan(run_module)['group_protected']
