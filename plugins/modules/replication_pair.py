#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: replication_pair
short_description: Create, attach, detach or delete an SDRS replication pair
version_added: 1.0.0
description:
  - Makes sure a replication pair exists (or not) in a protection group. A pair is a production
    disk and a DR disk that the cloud creates in the group's DR zone (same size and type); while
    the group's protection is enabled every write on the production disk is on the DR disk (RPO 0).
  - With O(protected_instance) the pair is attached to a protected instance (the production disk
    to the production server, the DR disk to the DR server, both as O(device)).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the pair (unique in the group), or its id.
    type: str
    required: true
  protection_group:
    description:
      - The protection group, by name or id; in check mode also the RV(dataprotection.evs.protection_group#module:predicted_ref)
        of a group the same check run would create (the pair is then predicted as created in it).
    type: str
    required: true
  disk:
    description:
      - The production disk, by name or id; it must be in the group's production zone. Required to
        create. Give the id once the pair exists (the DR disk has the same name).
    type: str
  description:
    description: Description (up to 64 bytes); set at creation only.
    type: str
  protected_instance:
    description:
      - The protected instance (name or id) the pair should be attached to; an empty string means
        detached. Not set means leave the attachment as it is. In check mode also the
        RV(dataprotection.evs.protected_instance#module:predicted_ref) of an instance the same check run would create.
    type: str
  device:
    description: Device name on the servers, for example C(/dev/vdb). Required with O(protected_instance).
    type: str
  state:
    description: Whether the pair should exist. C(absent) detaches an attached pair first.
    type: str
    choices: [present, absent]
    default: present
  delete_dr_disk:
    description: With O(state=absent), also delete the DR disk. The production disk is never deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Replicate the database disk and attach it to the protected database server
  dataprotection.evs.replication_pair:
    cloud: otc
    protection_group: shop
    name: db-data
    disk: db-data
    protected_instance: db
    device: /dev/vdb

- name: Remove the pair and its DR disk
  dataprotection.evs.replication_pair:
    cloud: otc
    protection_group: shop
    name: db-data
    state: absent
    delete_dr_disk: true
'''

RETURN = r'''
replication_pair:
  description: The replication pair as the cloud shows it, with its sides named (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status; an idle pair shows its group's protection status (C(protected), C(failed-over), ...).
      type: str
    volume_ids:
      description: "C(<disk in the source zone>,<disk in the target zone>)."
      type: str
    production_volume_id:
      description: The disk that is production now (writable).
      type: str
    dr_volume_id:
      description: The disk that is the DR copy now.
      type: str
    protected_instance:
      description: The protected instance the pair is attached to, or C(null).
      type: str
    device:
      description: The device name of the attachment, or C(null).
      type: str
    replication_status:
      description: C(active), C(inactive), C(active-stopped), ...
      type: str
    fault_level:
      description: C(0) no fault, C(2) production disk unreachable, C(3) DR disk unreachable, C(5) both.
      type: str
predicted_ref:
  description:
    - Only in check mode, when the pair would be created - a placeholder
      (C(predicted-by-check-mode:replication-pair:<name>)) that stands for it in later tasks of the
      same check run, so that they predict their own change with it. These options take it
      (in check mode only - it names nothing on the cloud).
    - O(dataprotection.evs.protection_group#module:predicted_pairs)
  returned: check mode, when the pair would be created
  type: str
  sample: predicted-by-check-mode:replication-pair:db-data
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import describe_disk
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    PAIR_FIELDS, AttachedMember, member_argument_spec, with_pair_sides)
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Status


class ReplicationPairModule(AttachedMember, ResourceModule):
    argument_spec = member_argument_spec(
        disk=dict(type='str'), description=dict(type='str'), protected_instance=dict(type='str'),
        device=dict(type='str'), delete_dr_disk=dict(type='bool', default=False))
    kind, result_key = 'replication pair', 'replication_pair'
    result_fields = PAIR_FIELDS
    updatable = ('protected_instance', 'device')
    server_defaults = {'description': '', 'protected_instance': '', 'device': '', 'attachment': []}
    api, sides = 'pair', staticmethod(with_pair_sides)

    def validate(self):
        if self.params['protected_instance'] and not self.params['device']:
            raise ResourceError('device is required to attach the pair to protected instance %s'
                                % self.params['protected_instance'])

    def desired(self, current):
        wanted = {}
        instance = self.params['protected_instance']
        if instance:
            wanted['protected_instance'] = self.attached_instance_id()
            wanted['device'] = self.params['device']
        elif instance == '':
            wanted.update(protected_instance='', device='')
        if current is None:
            self.disk = self.evs.find_volume(self.needed_to_create('disk'), required=True)
            wanted.update(self.desired_member(production_volume_id=self.disk['id']))
        return wanted

    def check_create(self, desired):
        self.check_group_ready('created')
        self.refuse_outside_production(describe_disk(self.disk), self.disk.get('availability_zone'))

    def create(self, desired):
        fields = self.create_fields(desired, volume_id=desired['production_volume_id'])
        attach = desired.get('protected_instance')
        # a lost answer: wait on the pair itself (for the attach too)
        pair = yield self.created(self.sdrs.create_pair(fields), desired['name'], lost=Status(self.stable),
                                  always=bool(attach))
        if attach:
            yield self.attach(pair, attach, desired['device'])
        yield self.fetch(pair['id'])

    def check_update(self, current, changes):
        if self.asks_other('disk', (current.get('volume_ids') or '').split(',')):
            raise ResourceError('%s: its disks (%s) cannot be changed; delete and re-create the pair'
                                % (self.label(current), current.get('volume_ids')))
        if changes:
            self.check_group_ready('attached or detached')

    def delete(self, current):
        if current.get('protected_instance'):
            yield self.detach(current)
        yield self.deleted(self.sdrs.delete_pair(current['id'], self.group['id'], self.params['delete_dr_disk']),
                           current)


def main():
    ReplicationPairModule.execute()


if __name__ == '__main__':
    main()
