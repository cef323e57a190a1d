# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_region
short_description: What a DR policy's region tiers need - replication vault and policy, replicas due, replicas to prune
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that uses
    region_replication (C(failure) C(region)), the plan the protect role applies - the source vault
    and the replication vault in C(destination_region), both named C(<policy>-<tier>), whether
    each exists, the replication vault's size (the source vault's), the CBR replication policy
    C(<policy>-<tier>-replication) and its schedule, the replicas due now and the replicas the
    tier's retention no longer keeps.
  - A covered disk is due a replica when its newest available backup in the tier's vault (or the
    backup the backup mechanism takes in this run, O(backup_due)) has no replication record to
    the destination region that is C(replicating) or C(available).
  - A replica is the tier's when it is in the tier's replication vault and is a copy of a disk the
    tier covers; only those are pruned, never the newest available one of a disk. The replicas due
    now count as made now, so a check run prunes what the real run prunes.
  - The mechanism is declared in C(plugins/plugin_utils/mechanisms/region_replication.py).
options:
  tiers:
    description: Only these tiers; empty for all.
    type: list
    elements: str
  vaults:
    description: The vaults of the connection's region (C(vaults) of M(dataprotection.evs.vault_info)).
    type: list
    elements: dict
  backups:
    description: The CBR backups of the connection's region (C(backups) of M(dataprotection.evs.backup_info)).
    type: list
    elements: dict
  records:
    description: The replication records of the tiers' vaults (C(records) of M(dataprotection.evs.backup_replica_info)).
    type: list
    elements: dict
  destination_vaults:
    description: The vaults of each destination region, by region (C(vaults) of M(dataprotection.evs.vault_info) there).
    type: dict
  replicas:
    description: The replicas in the tiers' replication vaults (C(replicas) of M(dataprotection.evs.backup_replica_info)).
    type: list
    elements: dict
  backup_due:
    description: The backups the backup mechanism takes in this run (C(due) of P(dataprotection.evs.dr_policy_backups#filter)).
    type: list
    elements: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter
  - dataprotection.evs.policy_filter.now
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: Plan the region tiers
  ansible.builtin.set_fact:
    plan: >-
      {{ all_disks.disks | dataprotection.evs.dr_policy_region(checked_policy, all_disks.cloud_time,
           vaults=vaults.vaults, backups=backups.backups, records=records, destination_vaults={'eu-nl': nl_vaults.vaults},
           replicas=replicas.replicas) }}
'''

RETURN = r'''
_value:
  description: One item per region tier with C(tier), C(name) (of both vaults), C(destination_region),
    C(policy_name), C(schedule), C(vault_size), C(source_vault_exists), C(destination_vault_exists),
    C(disks), C(due) (C(disk_id), C(disk_name), C(backup), C(backup_id), C(predicted), C(reason)),
    C(keep) and C(prune) (C(id), C(name), C(disk_id), C(created_at), C(predicted), C(reasons)).
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.region_replication import region_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import POLICY_REFUSALS, refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(POLICY_REFUSALS, malformed=(KeyError, TypeError, ValueError))
def dr_policy_region(disks, policy, now, tiers=None, vaults=None, backups=None, records=None, destination_vaults=None,
                     replicas=None, backup_due=None, pairs=None):
    return region_plan(disks, policy, now, tiers=tiers, vaults=vaults, backups=backups, records=records,
                       destination_vaults=destination_vaults, replicas=replicas, backup_due=backup_due, pairs=pairs)


FilterModule = filter_module(dr_policy_region)
