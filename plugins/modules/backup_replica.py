#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replica
short_description: Replicate a CBR disk backup to another region, or delete its replica there
version_added: 1.1.0
description:
  - Makes sure a CBR backup has a replica (a full copy) in a replication vault of another region
    (CBR CopyBackup), or that it has none there. A replica survives the loss of the source
    region and becomes a new disk in any availability zone of its region
    (M(dataprotection.evs.disk) with O(dataprotection.evs.disk#module:backup) and the connection's
    O(region) set to the destination region).
  - The cloud keeps one replica per backup per destination region. An existing replica (the
    source backup's replication record names it) is never copied again and never changed.
  - The connection options name the source region and its project; the module logs in to the
    same user's project of O(destination_region) for what it does there.
  - O(state=absent) deletes the replica in the destination region, never the source backup.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backup:
    description: The source backup (CBR, disk backup), by name or id, in the connection's region.
    type: str
    required: true
  vault:
    description: The source vault (name or id) to look the backup up in; needed when its name is not unique.
    type: str
  destination_vault:
    description:
      - The vault in the destination region (name or id) that takes the replica. Required with
        O(state=present). It must be a replication vault (C(protect_type) C(replication)) for
        disks, with room for the disk's size unless it expands automatically.
    type: str
  name:
    description: Name of a new replica (1 to 64 letters, digits, C(_) or C(-)). Default the source backup's name.
    type: str
  description:
    description: Description of a new replica (at most 255 bytes). Default the source backup's.
    type: str
  state:
    description: Whether the replica should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dataprotection.evs.replica_destination
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
notes:
  - A copy runs for a while (the replica is C(protecting)); with the default O(wait=true) the
    module returns when the replica is C(available). A source backup still being taken is waited
    for first (O(wait=true)) or refused (O(wait=false)).
  - The source region must answer to find a replica (through the source backup's records). To
    list or restore replicas while the source region is down, use
    M(dataprotection.evs.backup_replica_info) with only O(destination_region) and O(destination_vault).
  - Connection O(endpoints) overrides name the source region's hosts and are not used in the
    destination region (its endpoints come from the catalog of its project, or the cloud's template).
'''

EXAMPLES = r'''
- name: Copy last night's backup of db01 to eu-nl
  dataprotection.evs.backup_replica:
    cloud: otc
    region: eu-de
    vault: disk-backups
    backup: db01-2026-11-25
    destination_region: eu-nl
    destination_vault: disk-replicas

- name: Delete that replica (the backup in eu-de stays)
  dataprotection.evs.backup_replica:
    cloud: otc
    region: eu-de
    vault: disk-backups
    backup: db01-2026-11-25
    destination_region: eu-nl
    state: absent
'''

RETURN = r'''
replica:
  description:
    - The replica in the destination region (C(null) after a delete), with the keys of the
      C(backup) result of M(dataprotection.evs.backup) and the ones below.
    - A check-mode prediction of a copy has C(null) for C(id), C(checkpoint_id), C(created_at),
      C(updated_at) and C(replication_record_id).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the replica (a backup of the destination region).
      type: str
    status:
      description: C(protecting) while the copy runs, then C(available).
      type: str
      sample: available
    vault_id:
      description: The destination vault.
      type: str
    region:
      description: The destination region.
      type: str
      sample: eu-nl
    project_id:
      description: The destination project.
      type: str
    source_backup_id:
      description: The backup the replica is a copy of.
      type: str
    source_region:
      description: The region of the source backup.
      type: str
      sample: eu-de
    replication_record_id:
      description: The source backup's replication record of this copy.
      type: str
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import ReplicaResource, replica_destination_argument_spec


class BackupReplicaModule(ReplicaResource):
    argument_spec = dict(
        backup=dict(type='str', required=True),
        vault=dict(type='str'),
        **replica_destination_argument_spec(),
        destination_vault=dict(type='str'),
        name=dict(type='str'),
        description=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )


def main():
    BackupReplicaModule.execute()


if __name__ == '__main__':
    main()
