#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replica_batch
short_description: Replicate many CBR disk backups to another region in one call, and wait for all together
version_added: 1.1.0
description:
  - Makes sure each backup of a list has a replica (a full copy) in a replication vault of
    O(destination_region), like M(dataprotection.evs.backup_replica) does for one, but in one
    module call; use it instead of a loop over M(dataprotection.evs.backup_replica) when many
    backups are copied at once (the number of requests before the copies does not grow with the
    list).
  - Reads the source backups with their replication records (one listing per source vault, or
    one listing of the project when an element names no vault), the destination vaults and the
    replicas already in O(destination_region) (one listing each), starts every missing copy
    (CBR CopyBackup, one request per backup), then waits for all of them together with one
    listing per poll round.
  - The cloud keeps one replica per backup per destination region. An existing replica (its
    backup's replication record names it; also one whose copy request lost its answer, or that
    another run started) is never copied again and never changed; one still being copied is
    waited for (O(wait=true)).
  - The whole batch is checked before any copy is started, with the refusals of
    M(dataprotection.evs.backup_replica) (a backup or vault that does not exist, a backup that is
    itself a replica or is not available, a destination region CBR does not replicate to, a
    destination vault that is not a replication vault for disks or has no room for the full
    copies this batch puts in it). When one element cannot be done, nothing is changed and the
    message names every refused element.
  - A copy that fails after the batch started (the cloud refuses it, or it goes to C(error)) does
    not stop the others; the module fails at the end, names the failed elements, and still
    returns every element's result.
  - The module only makes replicas; M(dataprotection.evs.backup_replica) with
    O(dataprotection.evs.backup_replica#module:state=absent) deletes one, and the protect role's retention prunes them.
  - It is a module of its own rather than a list option of M(dataprotection.evs.backup_replica),
    because that module's result is one replica and its state may be C(absent), while this one runs on
    the collection's batch engine (as M(dataprotection.evs.backup_batch) beside
    M(dataprotection.evs.backup)) and returns a summary.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backups:
    description: The backups to replicate. A backup may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      backup:
        description:
          - The source backup (CBR, disk backup), by name or id, in the connection's region.
          - In check mode also the RV(dataprotection.evs.backup_batch#module:backups[].predicted_ref) of a
            backup the same check run would take; O(predicted_backups) then gives what it is planned from.
        type: str
        required: true
      vault:
        description:
          - The source vault (name or id) to look the backup up in; default O(vault).
          - In check mode also the RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same
            check run would create.
        type: str
      destination_vault:
        description:
          - The replication vault (name or id) in O(destination_region); default O(destination_vault).
          - In check mode also the RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same
            check run would create (its room is not checked here; its own module checks the options it is
            made with).
        type: str
      name:
        description: Name of a new replica (1 to 64 letters, digits, C(_) or C(-)). Default the backup's name.
        type: str
      description:
        description: Description of a new replica; default O(description), else the backup's.
        type: str
  vault:
    description:
      - The source vault (name or id) of every element that names none. Without any, the backups
        are looked up in every vault of the project (one listing).
    type: str
  destination_vault:
    description:
      - The vault in O(destination_region) (name or id) that takes the replicas of the elements
        that name none. It must be a replication vault (C(protect_type) C(replication)) for
        disks, with room for the disks' sizes unless it expands automatically.
    type: str
  description:
    description: Description (at most 255 bytes) of every new replica whose element gives none.
    type: str
  predicted_backups:
    description:
      - Check mode only - the item results (RV(dataprotection.evs.backup_batch#module:backups)) of a
        M(dataprotection.evs.backup_batch) task of the same check run that answered a
        RV(dataprotection.evs.backup_batch#module:backups[].predicted_ref). An element whose
        O(backups[].backup) is such a placeholder is planned from the predicted backup (its disk, size
        and availability zone), as the real run copies that backup once it is taken.
      - Only the results with a placeholder are needed; a real run has none (an empty list), and a
        placeholder given there is refused before any request.
    type: list
    elements: dict
extends_documentation_fragment:
  - dataprotection.evs.replica_destination
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.batch
notes:
  - O(wait) and O(wait_timeout) apply to the whole batch; a timeout names the replicas still
    being copied with their last status, and running the task again waits for them (it copies
    none of them again). A source backup still being taken is waited for (O(wait=true)) or
    refused (O(wait=false)).
  - The source region must answer (the replicas are found through the source backups' records).
    Connection O(endpoints) overrides name the source region's hosts only.
seealso:
  - module: dataprotection.evs.backup_replica
  - module: dataprotection.evs.backup_batch
'''

EXAMPLES = r'''
- name: Copy last night's backups of db01 and db02 to eu-nl and wait for both copies together
  dataprotection.evs.backup_replica_batch:
    cloud: otc
    region: eu-de
    vault: disk-backups
    destination_region: eu-nl
    destination_vault: disk-replicas
    backups:
      - backup: db01-2026-11-25
      - backup: db02-2026-11-25
        description: before the upgrade

- name: Start a copy of each backup of a list of ids (any source vault), without waiting
  dataprotection.evs.backup_replica_batch:
    cloud: otc
    region: eu-de
    destination_region: eu-nl
    destination_vault: disk-replicas
    backups: >-
      [{% for id in nightly_backup_ids %}{"backup": "{{ id }}"}{{ "," if not loop.last }}{% endfor %}]
    wait: false
'''

RETURN = r'''
counts:
  description:
    - How many elements of O(backups) there are (C(backups)), and how many were C(replicated) (a
      copy started; predicted in check mode), C(waited) for (a copy already under way),
      C(existing) (a replica already there) and C(failed).
  returned: always
  type: dict
  sample: {backups: 100, replicated: 98, waited: 1, existing: 1, failed: 0}
backups:
  description: One short result per element of O(backups), in the same order (ids, never the whole replica).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the element in O(backups).
      type: int
    backup:
      description: The element's O(backups[].backup), as given.
      type: str
    backup_id:
      description: Id of the source backup (C(null) when it was not found).
      type: str
    action:
      description: What was done (or would be, in check mode) - C(create), C(wait) or C(none).
      type: str
      sample: create
    changed:
      description: Whether a copy was started for this element.
      type: bool
    failed:
      description: Whether this copy failed after the batch started.
      type: bool
    msg:
      description: Why it failed (C(null) otherwise).
      type: str
    replica_id:
      description: Id of the replica in O(destination_region) (C(null) in a check-mode prediction of a copy).
      type: str
    status:
      description: The replica's status, C(protecting) while the copy runs, then C(available).
      type: str
      sample: available
    vault_id:
      description: The destination vault of the replica.
      type: str
    replication_record_id:
      description: The source backup's replication record of the copy.
      type: str
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import replica_destination_argument_spec
from ansible_collections.dataprotection.evs.plugins.module_utils.replica_batch import ReplicaBatchResource


class BackupReplicaBatchModule(ReplicaBatchResource):
    argument_spec = dict(
        backups=dict(type='list', elements='dict', required=True, options=dict(
            backup=dict(type='str', required=True),
            vault=dict(type='str'),
            destination_vault=dict(type='str'),
            name=dict(type='str'),
            description=dict(type='str'),
        )),
        vault=dict(type='str'),
        **replica_destination_argument_spec(),
        destination_vault=dict(type='str'),
        description=dict(type='str'),
        predicted_backups=dict(type='list', elements='dict'),
    )


def main():
    BackupReplicaBatchModule.execute()


if __name__ == '__main__':
    main()
