# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy_servers
short_description: What a DR policy's server tiers need - server vault, policy, servers, on-demand server backups
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every tier of a checked policy (P(dataprotection.evs.dr_policy#filter)) that selects servers
    (C(servers) instead of C(disks); mechanism C(server_backup)), the plan the
    P(dataprotection.evs.backup_policy#role) role applies - the CBR server vault and policy named
    C(<policy>-<tier>), whether they are in place, the selected servers, the vault size (twice their
    disks, at least 10 GB), the schedule and retention (as backup tiers have them) and the on-demand
    server backups due now.
  - A selected server is due an on-demand server backup C(<policy>-<tier>-<slot start YYYYMMDDTHHMMZ>)
    when its newest available server backup is older than the tier's backup interval (its RPO, at
    least 1 hour) on the cloud's clock, or when it has none; one still being taken is in C(waiting),
    never started twice.
  - The due backups of a tier with C(app_consistency) are its C(group) (a consistency group - every
    server quiesced, every checkpoint accepted, every server resumed), marked application-consistent in
    their description (C(dp_evs_consistency=application dp_evs_group_run=<tier>-<run_id>;)); the others
    are in C(due).
  - Fails before any change when a tier's selector matches no server, names a server that does not exist
    or whose name two servers share, selects two servers of one name, selects a server that another server
    tier selects too or that is in a vault the policy did not make, selects more than the 256 servers a vault
    holds, or (with C(app_consistency)) selects a server it names no hooks for.
options:
  _input:
    description: The servers (C(servers) of M(dataprotection.evs.server_info)).
    type: list
    elements: dict
    required: true
  disks:
    description: The disks (C(disks) of M(dataprotection.evs.disk_info)), for the vault size.
    type: list
    elements: dict
    required: true
  policy:
    description: The checked policy (P(dataprotection.evs.dr_policy#filter)).
    type: dict
    required: true
  now:
    description: The cloud's time (C(cloud_time) of any info module).
    type: str
    required: true
  vaults:
    description: The vaults (C(vaults) of M(dataprotection.evs.vault_info)).
    type: list
    elements: dict
  policies:
    description: The CBR backup policies (C(policies) of M(dataprotection.evs.vault_info) with C(policies=true)).
    type: list
    elements: dict
  backups:
    description: The CBR backups (C(backups) of M(dataprotection.evs.backup_info)); server backups are those of C(resource_type) C(OS::Nova::Server).
    type: list
    elements: dict
  tiers:
    description: Only these tiers (names); empty - every server tier.
    type: list
    elements: str
  vault_size:
    description: The vault size in GB; 0 - twice the selected servers' disks, at least 10, never less than the vault has.
    type: int
    default: 0
  on_demand:
    description: Plan the on-demand server backups.
    type: bool
    default: true
  run_id:
    description: What makes this run's consistency group marks unique, for example the controller's time and a random part.
    type: str
    default: ''
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Plan the server tiers
  ansible.builtin.set_fact:
    plan: >-
      {{ servers.servers | dataprotection.evs.dr_policy_servers(disks.disks, checked_policy, servers.cloud_time,
           vaults=vaults.vaults, policies=vaults.policies, backups=backups.backups,
           run_id=now(utc=true).strftime('%Y%m%dT%H%M%SZ')) }}
'''

RETURN = r'''
_value:
  description:
    - One entry per server tier - C(tier), C(name) (of its vault and policy), C(servers) (C(id), C(name)),
      C(server_ids), C(vault_size), C(backup) (schedule and retention), C(notes), C(vault_exists),
      C(policy_exists), C(vault_in_place), C(policy_in_place), C(due) (C(server_id), C(server_name), C(name),
      C(vault), C(description), C(reason)), C(group) (C(null), or C(run_id), C(max_freeze), C(servers) with
      their hooks and C(server_backups), the due backups marked), C(waiting) and C(skipped).
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.server_backup import server_backup_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import POLICY_REFUSALS, refusing, switch
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(POLICY_REFUSALS, malformed=(KeyError, TypeError, ValueError, AttributeError),
          source='the servers must come from server_info, the disks from disk_info and the policy from dr_policy')
def dr_policy_servers(servers, disks, policy, now, vaults=None, policies=None, backups=None, tiers=None, vault_size=0,
                      on_demand=True, run_id=''):
    return server_backup_plan(servers or [], disks or [], policy, now, vaults=vaults, policies=policies,
                              backups=backups, tiers=tiers, vault_size=int(vault_size or 0),
                              on_demand=switch(on_demand, 'dr_policy_servers: on_demand'), run_id=str(run_id))


FilterModule = filter_module(dr_policy_servers)
