#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replication_policy
short_description: Manage CBR replication policies that copy a vault's backups to another region
version_added: 1.1.0
description:
  - Makes sure a CBR policy of type replication (C(operation_type) C(replication)) with a given
    name exists with the given schedule, retention and destination region, or that it does not
    exist. When it fires, it copies the backups of the vaults it is bound to that have no
    replica in the destination region yet into their destination vault, then applies its
    retention to the copies it made there.
  - With O(vault) and O(destination_vault), the policy is bound to that source vault with that
    destination vault (a vault has one replication policy). Other vaults bound to the policy stay.
  - Only what is set is compared and changed; an option left out is never a change.
  - The connection options name the source region; the module logs in to the same user's
    project of O(destination_region) to find the destination vault (and the project's id).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the policy (1 to 64 letters, digits, C(_) or C(-)).
    type: str
    required: true
  state:
    description: Whether the policy should exist.
    type: str
    choices: [present, absent]
    default: present
  destination_region:
    description:
      - The region the backups are copied to; another region than the connection's O(region).
        Required with O(state=present). A policy's destination cannot change (delete it and create it again).
    type: str
  destination_project_id:
    description: The project of the destination region. Default the project named after the region.
    type: str
  enabled:
    description: Whether the policy runs. A new policy is enabled unless this is V(false).
    type: bool
  schedule:
    description:
      - When copies are made, as RRULE patterns in UTC, as for M(dataprotection.evs.backup_policy)
        (for example V(FREQ=DAILY;BYHOUR=3;BYMINUTE=0)); compared by meaning. Required to create a policy.
    type: list
    elements: str
  max_backups:
    description:
      - Keep the newest N copies the policy made of each disk in the destination vault (1 to
        99999; V(-1) = not limited by number). Setting only one of O(max_backups) and
        O(retention_duration_days) makes the other not limited.
    type: int
  retention_duration_days:
    description: Keep the copies the policy made for N days (1 to 99999; V(-1) = not limited by age).
    type: int
  vault:
    description:
      - The source vault (name or id) to bind the policy to; with O(destination_vault).
      - In check mode also the RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same check run
        would create (as O(destination_vault)); the binding is then predicted with it.
    type: str
  destination_vault:
    description:
      - The vault in the destination region (name or id) that takes the copies of O(vault), a
        replication vault (C(protect_type) C(replication)) for disks.
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
notes:
  - O(wait) and O(wait_timeout) have no effect; policy changes are immediate.
  - Copies already made stay when the policy is changed, unbound or deleted.
'''

EXAMPLES = r'''
- name: Copy the backups of disk-backups to eu-nl every night, keep 14 copies per disk there
  dataprotection.evs.backup_replication_policy:
    cloud: otc
    region: eu-de
    name: nightly-to-nl
    destination_region: eu-nl
    schedule:
      - FREQ=DAILY;BYHOUR=3;BYMINUTE=0
    max_backups: 14
    vault: disk-backups
    destination_vault: disk-replicas

- name: Pause it
  dataprotection.evs.backup_replication_policy:
    cloud: otc
    region: eu-de
    name: nightly-to-nl
    enabled: false
    destination_region: eu-nl
'''

RETURN = r'''
policy:
  description: The replication policy (C(null) after a delete; C(id) C(null) in a check-mode prediction of a create).
  returned: always
  type: dict
  contains:
    id:
      description: Policy id.
      type: str
    name:
      description: Policy name.
      type: str
    enabled:
      description: Whether the policy runs.
      type: bool
    schedule:
      description: The RRULE patterns (UTC) as the cloud holds them.
      type: list
      elements: str
    max_backups:
      description: Copies kept per disk (-1 not limited).
      type: int
    retention_duration_days:
      description: Days a copy is kept (-1 not limited).
      type: int
    destination_region:
      description: Region the copies go to.
      type: str
    destination_project_id:
      description: Project the copies go to.
      type: str
    associated_vaults:
      description: The bound source vaults, each with C(vault_id) and C(destination_vault_id).
      type: list
      elements: dict
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import (
    ReplicationPolicyResource, policy_argument_spec)


class BackupReplicationPolicyModule(ReplicationPolicyResource):
    argument_spec = policy_argument_spec(
        destination_region=dict(type='str'),
        destination_project_id=dict(type='str'),
        vault=dict(type='str'),
        destination_vault=dict(type='str'),
    )


def main():
    BackupReplicationPolicyModule.execute()


if __name__ == '__main__':
    main()
