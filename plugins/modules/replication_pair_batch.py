#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: replication_pair_batch
short_description: Create, attach, detach or delete many SDRS replication pairs in one call, and wait for all together
version_added: 1.1.0
description:
  - Makes sure each replication pair of a list exists (or not) in its protection group, attached
    to a protected instance where the element names one, like M(dataprotection.evs.replication_pair)
    does for one, but in one module call; use it instead of a loop over
    M(dataprotection.evs.replication_pair) when many disks are replicated at once (the number of
    requests before the changes does not grow with the list).
  - Reads the protection groups (one listing), the pairs and, when an element names one, the
    protected instances of each group (one listing each per group, or of the project when the
    list names many groups), and the disks of the pairs to create (one request each, or one
    listing of the project for many). Then sends every pair's requests (create, attach, detach,
    delete; each answers an SDRS job), O(concurrency) at a time, and waits for all of them
    together with one listing of the pairs per poll round. A pair's next request (the attach
    after its create, the attach or delete after its detach) is sent once the pair has settled,
    also with O(wait=false), as the cloud refuses it until then.
  - The whole batch is checked before any request that changes something, with the refusals of
    M(dataprotection.evs.replication_pair) (a group, disk or protected instance that does not exist,
    a disk outside the group's production zone, a group that is busy, a pair whose disks would
    change, a pair or a disk given twice). When one element cannot be done, nothing is changed and
    the message names every refused element.
  - An existing pair is never created again, also one whose create lost its answer (the pair is
    looked up by its name in its group before the create is sent again); one still being created,
    attached or detached is waited for (O(wait=true)).
  - A pair that fails after the batch started (the cloud refuses a request, or the pair goes to
    C(error)) does not stop the others; the module fails at the end, names the failed elements,
    and still returns every element's result.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  pairs:
    description: The replication pairs. A pair (group and name) and a disk may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the pair (unique in the group), or its id.
        type: str
        required: true
      protection_group:
        description:
          - The protection group, by name or id; default O(protection_group). In check mode also the
            RV(dataprotection.evs.protection_group#module:predicted_ref) of a group the same check run
            would create (the pair is then predicted as created in it).
        type: str
      disk:
        description:
          - The production disk, by name or id; it must be in the group's production zone. Required
            to create. Give the id once the pair exists (the DR disk has the same name).
        type: str
      description:
        description: Description (up to 64 bytes); set at creation only.
        type: str
      protected_instance:
        description:
          - The protected instance (name or id) of the group the pair should be attached to; an
            empty string means detached. Not set means leave the attachment as it is. In check mode
            also the RV(dataprotection.evs.protected_instance#module:predicted_ref) of an instance
            the same check run would create.
        type: str
      device:
        description: Device name on the servers, for example C(/dev/vdb). Required with O(pairs[].protected_instance).
        type: str
  protection_group:
    description: The protection group (name or id) of every element that names none.
    type: str
  state:
    description: Whether the pairs should exist. C(absent) detaches an attached pair first.
    type: str
    choices: [present, absent]
    default: present
  delete_dr_disk:
    description: With O(state=absent), also delete the DR disks. The production disks are never deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.batch
notes:
  - O(wait) and O(wait_timeout) apply to the whole batch; a timeout names the pairs still pending
    with their last status, and running the task again waits for them (it creates none of them again).
seealso:
  - module: dataprotection.evs.replication_pair
  - module: dataprotection.evs.protection_group
'''

EXAMPLES = r'''
- name: Replicate the database disks, each attached to its protected server
  dataprotection.evs.replication_pair_batch:
    cloud: otc
    protection_group: shop
    pairs:
      - name: db-data
        disk: db-data
        protected_instance: db
        device: /dev/vdb
      - name: db-log
        disk: db-log
        protected_instance: db
        device: /dev/vdc

- name: Remove two pairs and their DR disks
  dataprotection.evs.replication_pair_batch:
    cloud: otc
    protection_group: shop
    state: absent
    delete_dr_disk: true
    pairs:
      - name: db-data
      - name: db-log
'''

RETURN = r'''
counts:
  description:
    - How many elements of O(pairs) there are (C(pairs)), and how many were C(created), C(updated)
      (attached, detached or attached elsewhere), C(deleted) (predicted in check mode), C(waited)
      for (a pair still being created, attached or detached), C(unchanged) and C(failed).
  returned: always
  type: dict
  sample: {pairs: 100, created: 98, updated: 0, deleted: 0, waited: 1, unchanged: 1, failed: 0}
pairs:
  description: One result per element of O(pairs), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the element in O(pairs).
      type: int
    name:
      description: The element's O(pairs[].name), as given.
      type: str
    protection_group:
      description: The name of the pair's protection group (also of one a check run would create).
      type: str
    action:
      description: What was done (or would be, in check mode) - C(create), C(update), C(delete), C(wait) or C(none).
      type: str
      sample: create
    changed:
      description: Whether this pair changed.
      type: bool
    failed:
      description: Whether this pair failed after the batch started.
      type: bool
    msg:
      description: Why it failed (C(null) otherwise).
      type: str
    replication_pair:
      description:
        - The pair as the cloud shows it (C(null) when it does not exist or was deleted), with the
          keys of RV(dataprotection.evs.replication_pair#module:replication_pair).
      type: dict
    predicted_ref:
      description:
        - Only in check mode, for a pair that would be created - its placeholder
          (C(predicted-by-check-mode:replication-pair:<name>)), which
          O(dataprotection.evs.protection_group#module:predicted_pairs) takes in later tasks of the
          same check run.
      type: str
      sample: predicted-by-check-mode:replication-pair:db-data
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.pair_batch import PairBatchResource


class ReplicationPairBatchModule(PairBatchResource):
    argument_spec = dict(
        pairs=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True),
            protection_group=dict(type='str'),
            disk=dict(type='str'),
            description=dict(type='str'),
            protected_instance=dict(type='str'),
            device=dict(type='str'),
        )),
        protection_group=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        delete_dr_disk=dict(type='bool', default=False),
    )


def main():
    ReplicationPairBatchModule.execute()


if __name__ == '__main__':
    main()
