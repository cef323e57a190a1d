# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the protect role's region tiers do with modules, against the in-process emulator with a
project per region: a replication vault made by the vault module in eu-nl, the replication
capabilities read, and a replica pruned by the backup module in eu-nl while eu-de is down."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.modules.backup import BackupModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica import BackupReplicaModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replication_capability_info import (
    INFO as BackupReplicationCapabilityInfoModule)
from ansible_collections.dataprotection.evs.plugins.modules.vault import VaultModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules.test_backup_replica import (
    NL, replica_args, replicas_in_nl)
# fixtures: pytest finds them by name in this module
from ansible_collections.dataprotection.evs.tests.unit.plugins.modules.test_backup_replica import (  # noqa: F401 # pylint: disable=unused-import
    backed_up, regions)


def test_the_vault_module_makes_a_replication_vault_and_refuses_to_change_a_vaults_type(regions, run_module):
    args = dict(NL, name='far-gold', protect_type='replication', size=40, auto_expand=True)
    predicted = run_module(VaultModule, args, check=True)
    assert predicted['changed'] and not regions.cloud.mutating
    made = run_module(VaultModule, args)
    assert made['changed'] and made['vault']['billing']['protect_type'] == 'replication'
    assert not run_module(VaultModule, args)['changed']
    refused = run_module(VaultModule, dict(args, protect_type='backup'))
    assert refused['failed'] and "vault 'far-gold' is a replication vault, not a backup vault" in refused['msg']
    # the default stays a backup vault
    plain = run_module(VaultModule, dict(NL, name='plain', size=10))
    assert plain['vault']['billing']['protect_type'] == 'backup'


def test_the_capabilities_name_the_regions_this_region_replicates_to(regions, run_module):
    result = run_module(BackupReplicationCapabilityInfoModule, {})
    assert not result['changed'] and not regions.cloud.mutating
    assert (result['region'], result['replication_destinations']) == ('eu-de', ['eu-nl'])
    assert {'name': 'eu-nl', 'replication_destinations': ['eu-de']} in result['regions']


def test_a_replica_is_deleted_in_its_region_by_id_also_while_the_source_region_is_down(
        regions, backed_up, run_module):
    replica = run_module(BackupReplicaModule, replica_args())['replica']
    regions.cloud.admin('POST', '/region-outages', {'region': 'eu-de'})
    args = dict(NL, name=replica['id'], disk=backed_up['disk']['id'], state='absent')
    predicted = run_module(BackupModule, args, check=True)
    assert predicted['changed'] and not predicted['failed'], predicted
    deleted = run_module(BackupModule, args)
    assert deleted['changed'] and not deleted['failed'], deleted
    assert [r['status'] for r in replicas_in_nl(regions)] in ([], ['deleting'])
    assert not run_module(BackupModule, args)['changed']
