# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup plan's policy_in_place and vault_in_place against the modules themselves: the
backup_policy role leaves out the module call of a policy or vault the plan calls in place, so the
plan must say so exactly when the module, given the role's arguments, would change nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_backups import dr_policy_backups
from ansible_collections.dataprotection.evs.plugins.modules.backup_policy import BackupPolicyModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_policy_info import INFO as BackupPolicyInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.disk_info import INFO as DiskInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.vault import VaultModule
from ansible_collections.dataprotection.evs.plugins.modules.vault_info import INFO as VaultInfoModule

RETENTIONS = [{'last': 6}, {'last': 6, 'daily': 7, 'weekly': 4, 'monthly': 12}, {'daily': 10}]


def _policy(retention):
    return dr_policy({'name': 'shop', 'tiers': [{'name': 'silver', 'failure': 'az', 'rpo': '4h',
                                                 'snapshot_retention': {'last': 6}, 'retention': retention,
                                                 'disks': {'metadata': {'tier': 'silver'}}}]})


def _plan(run_module, checked):
    disks = run_module(DiskInfoModule, {})
    (tier,) = dr_policy_backups(disks['disks'], checked, disks['cloud_time'],
                                vaults=run_module(VaultInfoModule, {})['vaults'],
                                policies=run_module(BackupPolicyInfoModule, {'backend': 'cbr'})['policies'])
    return tier


def _apply(run_module, tier, check=False):
    """The role's two module calls (roles/backup_policy/tasks/cbr.yml): whether each changed."""
    cbr = tier['backup']['cbr']
    policy = run_module(BackupPolicyModule, {
        'name': tier['name'], 'backend': 'cbr', 'enabled': True, 'schedule': tier['backup']['schedule'],
        'max_backups': cbr['max_backups'], 'retention_duration_days': cbr['retention_duration_days'],
        'long_term_retention': cbr['long_term_retention']}, check=check)
    vault = run_module(VaultModule, {'name': tier['name'], 'size': tier['vault_size'], 'auto_expand': True,
                                     'resources': tier['disk_ids'], 'purge_resources': True,
                                     'policy': tier['name']}, check=check)
    assert not policy['failed'] and not vault['failed'], (policy, vault)
    return policy['changed'], vault['changed']


@pytest.mark.parametrize('retention', RETENTIONS)
def test_what_the_modules_made_is_in_place_and_they_would_change_nothing(cloud, run_module, retention):
    for name in ('db01', 'db02'):
        cloud.add_volume(name, metadata={'tier': 'silver'})
    checked = _policy(retention)
    tier = _plan(run_module, checked)
    assert (tier['policy_in_place'], tier['vault_in_place']) == (False, False)
    assert _apply(run_module, tier) == (True, True)

    tier = _plan(run_module, checked)
    assert (tier['policy_in_place'], tier['vault_in_place']) == (True, True)
    assert _apply(run_module, tier, check=True) == (False, False)


def test_a_changed_retention_or_a_new_disk_is_not_in_place_and_the_modules_change_it(cloud, run_module):
    cloud.add_volume('db01', metadata={'tier': 'silver'})
    _apply(run_module, _plan(run_module, _policy({'last': 6})))
    # another retention: the policy changes, the vault does not
    tier = _plan(run_module, _policy({'last': 6, 'daily': 7}))
    assert (tier['policy_in_place'], tier['vault_in_place']) == (False, True)
    assert _apply(run_module, tier, check=True) == (True, False)
    # a disk joins the tier: the vault changes
    cloud.add_volume('db02', metadata={'tier': 'silver'})
    tier = _plan(run_module, _policy({'last': 6}))
    assert (tier['policy_in_place'], tier['vault_in_place']) == (True, False)
    assert _apply(run_module, tier, check=True) == (False, True)


def test_a_policy_switched_off_by_hand_is_not_in_place(cloud, run_module):
    cloud.add_volume('db01', metadata={'tier': 'silver'})
    checked = _policy({'last': 6})
    tier = _plan(run_module, checked)
    _apply(run_module, tier)
    run_module(BackupPolicyModule, {'name': tier['name'], 'backend': 'cbr', 'enabled': False})
    assert not _plan(run_module, checked)['policy_in_place']


def test_vault_info_hands_over_the_policies_it_lists_as_backup_policy_info_lists_them(cloud, run_module):
    # the protect and backup_policy roles take the policies from vault_info(policies=true) instead
    # of a second listing with backup_policy_info (bench/noop_requests.py: protect's no-op run)
    for name in ('db01', 'db02'):
        cloud.add_volume(name, metadata={'tier': 'silver'})
    _apply(run_module, _plan(run_module, _policy({'last': 6, 'daily': 7, 'monthly': 12})))
    del cloud.requests[:]
    plain = run_module(VaultInfoModule, {})
    sent = [(r.method, r.path) for r in cloud.requests]
    del cloud.requests[:]
    with_policies = run_module(VaultInfoModule, {'policies': True})
    assert [(r.method, r.path) for r in cloud.requests] == sent
    assert len([r for r in cloud.requests if r.path.endswith('/policies')]) == 1
    assert 'policies' not in plain and with_policies['vaults'] == plain['vaults']
    listed = run_module(BackupPolicyInfoModule, {'backend': 'cbr'})['policies']
    assert listed and with_policies['policies'] == listed
