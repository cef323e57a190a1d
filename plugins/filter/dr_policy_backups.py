# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_backups
short_description: What a DR policy's backup tiers need - vault, backup policy, disks, on-demand backups
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that uses
    backups, the plan the P(dataprotection.evs.backup_policy#role) role applies - the vault and
    backup policy named C(<policy>-<tier>), whether they exist, the covered disks
    (as P(dataprotection.evs.dr_policy_disks#filter) selects them), the vault size, the schedule
    and retention (the tier's C(backup) from the dr_policy filter) and the on-demand backups due now.
  - A covered disk is due an on-demand backup C(<policy>-<tier>-<slot start YYYYMMDDTHHMMZ>)
    when its newest available backup of O(backend) is older than the tier's backup interval (its
    RPO, at least 1 hour) on the cloud's clock, or when it has none; a second run in the slot
    finds that backup by name. A disk whose backup is still being taken (an earlier run's wait
    timed out, or its job was cancelled) is not due again, in any slot; it is in C(waiting).
  - Fails before any change when a disk is covered by two backup tiers, or (CBR) is in a vault
    the policy did not make, or (CBR) when a tier covers more than the 256 disks a vault holds
    (split the tier).
  - The backup mechanism is declared in C(plugins/plugin_utils/mechanisms/backup.py) (the mechanism registry,
    P(dataprotection.evs.dr_mechanisms#filter)).
options:
  vaults:
    description: All CBR vaults (C(vaults) of M(dataprotection.evs.vault_info)).
    type: list
    elements: dict
  policies:
    description: All backup policies (C(policies) of M(dataprotection.evs.backup_policy_info)).
    type: list
    elements: dict
  backups:
    description: All backups (C(backups) of M(dataprotection.evs.backup_info)).
    type: list
    elements: dict
  backend:
    description: C(cbr) or C(vbs).
    type: str
    default: cbr
  tiers:
    description: Only these tiers; empty for all.
    type: list
    elements: str
  vault_size:
    description: Vault capacity in GB (10 to 10485760, as CBR accepts; refused otherwise); 0 for
      twice the covered disks' size (at least 10 GB, never less than the vault has).
    type: int
    default: 0
  on_demand:
    description: Plan on-demand backups.
    type: bool
    default: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter
  - dataprotection.evs.policy_filter.now
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: Plan the backup tiers
  ansible.builtin.set_fact:
    plan: >-
      {{ all_disks.disks | dataprotection.evs.dr_policy_backups(checked_policy, all_disks.cloud_time,
           vaults=vaults.vaults, policies=policies.policies, backups=backups.backups) }}
'''

RETURN = r'''
_value:
  description: One item per backup tier with C(tier), C(name) (of the vault and the backup
    policy), C(rpo_text), C(backup) (C(every), C(schedule), C(cbr), C(vbs), C(notes)), C(notes)
    (what the backend keeps differently from the tier's retention), C(disks), C(disk_ids),
    C(vault_size), C(vault_exists), C(policy_exists), C(policy_in_place) and C(vault_in_place)
    (for CBR, the policy and the vault are as the backup_policy role's modules would make them, so
    their modules would change nothing; always false for VBS), C(due) (C(disk_id), C(disk_name), C(name),
    C(reason)), C(waiting) (disks whose backup an earlier run started is still being taken - C(disk_id),
    C(disk_name), C(name), C(id), C(reason) - to be waited for, never started again) and C(skipped)
    (disks that cannot be backed up now, and why).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import backup_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import POLICY_REFUSALS, refusing, switch
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(POLICY_REFUSALS, malformed=(KeyError, TypeError, ValueError))
def dr_policy_backups(disks, policy, now, vaults=None, policies=None, backups=None, backend='cbr', tiers=None,
                      vault_size=0, on_demand=True, pairs=None):
    if backend not in ('cbr', 'vbs'):
        raise AnsibleFilterError('dr_policy_backups: backend must be cbr or vbs, not %r' % (backend,))
    return backup_plan(disks, policy, now, vaults=vaults, policies=policies, backups=backups, backend=backend,
                       tiers=tiers, vault_size=int(vault_size or 0),
                       on_demand=switch(on_demand, 'dr_policy_backups: on_demand'), pairs=pairs)


FilterModule = filter_module(dr_policy_backups)
