#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vault
short_description: Manage CBR disk and server vaults (capacity, resources, bind rules, backup policy)
version_added: 1.0.0
description:
  - Makes sure a CBR (Cloud Backup and Recovery) vault for disk backups (or server backups,
    O(object_type=server)) exists with the given capacity, disks (servers), automatic binding and
    backup policy, or that it does not exist.
  - A vault is found by its name. Only what is set is compared and changed; an option left out
    is never a change.
  - Backups are taken in a vault by M(dataprotection.evs.backup) (M(dataprotection.evs.server_backup)
    in a server vault) or on a schedule by the M(dataprotection.evs.backup_policy) associated with
    it (O(policy)); a policy of a server vault backs up each of its servers with all their disks.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the vault (1 to 64 letters, digits, C(_) or C(-)).
    type: str
    required: true
  state:
    description: Whether the vault should exist.
    type: str
    choices: [present, absent]
    default: present
  object_type:
    description:
      - What the vault protects. V(disk) - disks (EVS volumes); V(server) - servers, each backed up
        with every disk attached to it at one instant (M(dataprotection.evs.server_backup)).
      - Set when the vault is created; an existing vault of the other type is refused.
    type: str
    choices: [disk, server]
    default: disk
  protect_type:
    description:
      - What the vault keeps. V(backup) - the backups of its disks; V(replication) - the replicas
        other regions copy into it (M(dataprotection.evs.backup_replica),
        M(dataprotection.evs.backup_replication_policy)); such a vault holds no disks.
      - Set when the vault is created; an existing vault of the other type is refused.
    type: str
    choices: [backup, replication]
    default: backup
    version_added: 1.1.0
  size:
    description:
      - Capacity in GB (10 to 10485760). Required to create a vault.
      - A vault grows to a larger size. It shrinks only as far as the cloud allows, to no less
        than the capacity its backups use; a smaller size is refused before any request.
    type: int
  auto_expand:
    description: Let the cloud grow the vault when a backup does not fit.
    type: bool
  auto_bind:
    description:
      - Let the cloud add disks (servers, in a server vault) that carry all O(bind_rules) tags to the
        vault by itself.
    type: bool
  bind_rules:
    description:
      - Tags (key and value) a disk (a server, in a server vault) must carry to be added by
        O(auto_bind). V({}) removes the rules.
    type: dict
  resources:
    description:
      - Disks (names or ids) that the vault protects; servers (names or ids) in a server vault
        (O(object_type=server)). A name that two disks or servers share is refused; use the id.
      - A disk or server can be in one vault only; one in another vault is refused before any
        request.
      - Disks in the vault that are not listed stay, unless O(purge_resources=true).
    type: list
    elements: str
  purge_resources:
    description: Remove the disks that O(resources) does not list from the vault (their backups stay).
    type: bool
    default: false
  policy:
    description:
      - The CBR backup policy (name or id) associated with the vault, which takes its scheduled
        backups. A vault has at most one; another one replaces it. V('') dissociates the policy.
      - In check mode also the RV(dataprotection.evs.backup_policy#module:predicted_ref) of a policy the same
        check run would create.
    type: str
  delete_backups:
    description:
      - With O(state=absent), delete a vault that still holds backups (the cloud deletes them with
        it). Without it such a vault is refused, naming the number of backups.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
notes:
  - O(wait) and O(wait_timeout) have no effect; vault changes are immediate.
'''

EXAMPLES = r'''
- name: A 100 GB vault for the database disks, backed up nightly
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    size: 100
    auto_expand: true
    resources: [db01, db02]
    policy: nightly

- name: A server vault for the database servers (each backed up with all its disks)
  dataprotection.evs.vault:
    cloud: otc
    name: db-servers
    object_type: server
    size: 200
    resources: [db01-server]

- name: Exactly these disks, no policy
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    resources: [db01]
    purge_resources: true
    policy: ''

- name: Delete the vault and its backups
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    state: absent
    delete_backups: true
'''

RETURN = r'''
vault:
  description: The vault (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Vault id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Vault name.
      type: str
    description:
      description: Description.
      type: str
    status:
      description: Vault status (C(available), C(lock), C(frozen), C(deleting), C(error)).
      type: str
      sample: available
    object_type:
      description: What the vault protects (C(disk) or C(server)).
      type: str
    size:
      description: Capacity in GB.
      type: int
    used_mb:
      description: Capacity the vault's backups use, in MB.
      type: int
    auto_expand:
      description: Whether the cloud grows the vault when a backup does not fit.
      type: bool
    auto_bind:
      description: Whether disks matching O(bind_rules) are added automatically.
      type: bool
    bind_rules:
      description: Tags a disk needs to be added automatically.
      type: dict
    resource_ids:
      description: Ids of the disks (servers) in the vault, sorted.
      type: list
      elements: str
    resources:
      description: The disks (servers) in the vault as the cloud shows them (C(id), C(name), C(type), C(size), C(backup_count), ...).
      type: list
      elements: dict
    policy_id:
      description: Id of the associated backup policy (C(null) when none).
      type: str
    policy_name:
      description: Name of the associated backup policy.
      type: str
    billing:
      description: The cloud's billing record of the vault (C(size), C(used), C(object_type), C(status), ...).
      type: dict
    created_at:
      description: Creation time (UTC).
      type: str
predicted_ref:
  description:
    - Only in check mode, when the vault would be created - a placeholder
      (C(predicted-by-check-mode:vault:<name>)) that stands for it in later tasks of the
      same check run, so that they predict their own change with it. These options take it
      (in check mode only - it names nothing on the cloud).
    - O(dataprotection.evs.backup_replication_policy#module:vault)
    - O(dataprotection.evs.backup_replication_policy#module:destination_vault)
    - O(dataprotection.evs.backup_batch#module:vault)
    - O(dataprotection.evs.backup_replica_info#module:vault) and
      O(dataprotection.evs.backup_replica_info#module:destination_vault) (a read of the new vault,
      empty)
  returned: check mode, when the vault would be created
  type: str
  sample: predicted-by-check-mode:vault:db-backups
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import VaultResource


class VaultModule(VaultResource):
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        object_type=dict(type='str', choices=['disk', 'server'], default='disk'),
        protect_type=dict(type='str', choices=['backup', 'replication'], default='backup'),
        size=dict(type='int'),
        auto_expand=dict(type='bool'),
        auto_bind=dict(type='bool'),
        bind_rules=dict(type='dict'),
        resources=dict(type='list', elements='str'),
        purge_resources=dict(type='bool', default=False),
        policy=dict(type='str'),
        delete_backups=dict(type='bool', default=False),
    )


def main():
    VaultModule.execute()


if __name__ == '__main__':
    main()
