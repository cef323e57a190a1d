#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dr_drill
short_description: Run or remove an SDRS disaster-recovery drill
version_added: 1.0.0
description:
  - Makes sure a DR drill exists (or not) for a protection group. A drill clones the replicated
    (DR side) disks into new disks and boots drill servers with them in the DR zone, in a drill
    VPC, without stopping replication. Deleting a drill deletes only what the drill made (its
    servers, disks and drill VPC); production and DR resources are never touched.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the drill (unique in the group), or its id.
    type: str
    required: true
  protection_group:
    description: The protection group, by name or id.
    type: str
    required: true
  drill_vpc:
    description:
      - A VPC (name or id) with the CIDR of the group's VPC to run the drill in. Default is a new
        drill VPC made by the cloud. Set at creation only.
    type: str
  state:
    description: Whether the drill should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Run a DR drill
  dataprotection.evs.dr_drill:
    cloud: otc
    protection_group: shop
    name: drill-2026-11
  register: drill

- name: Clean the drill up
  dataprotection.evs.dr_drill:
    cloud: otc
    protection_group: shop
    name: drill-2026-11
    state: absent
'''

RETURN = r'''
dr_drill:
  description: The drill as the cloud shows it (C(null) after a delete).
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
      description: C(creating), C(available), C(deleting), C(error), ...
      type: str
    drill_vpc_id:
      description: The VPC the drill runs in.
      type: str
    drill_servers:
      description: One entry per protected instance (C(protected_instance), C(drill_server_id)).
      type: list
      elements: dict
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    DRILL_FIELDS, GroupMember, member_argument_spec)


class DrDrillModule(GroupMember, ResourceModule):
    """A DR drill on the resource engine (module_utils/module.py), as a member of its group.

    A drill is not a recorded one-shot action (module_utils/action.py): it is a resource with a
    name that is unique in its group and that exists until it is deleted, so the drill itself is
    the idempotency record. A rerun finds it by name and changes nothing; a rerun while it is
    created waits for it; a create whose answer was lost is found by name (``SDRS.create_drill``),
    never sent twice. What it shares with the other group members (the group option, the group's
    status a create or delete needs: ``check_group_settled``, the waits) is ``GroupMember``.
    """

    argument_spec = member_argument_spec(drill_vpc=dict(type='str'))
    kind = 'DR drill'
    of_group = 'of'
    result_key = 'dr_drill'
    result_fields = DRILL_FIELDS
    server_defaults = {'drill_servers': []}
    deletable = ('available', 'error', 'error-deleting')
    checked_texts = (('name', 64, True),)
    api = 'drill'
    delete_needs_settled_group = False

    def drill_vpc_id(self):
        return self.sdrs.find_vpc(self.params['drill_vpc'])['id'] if self.params['drill_vpc'] else None

    def desired(self, current):
        if current is not None:
            return {}
        return dict(name=self.params['name'], server_group_id=self.group['id'], drill_vpc_id=self.drill_vpc_id())

    def check_create(self, desired):
        self.check_group_settled(None, 'created', refused_errors=('error-deleting',))

    def create(self, desired):
        fields = dict((k, v) for k, v in desired.items() if v is not None)
        return self.created(self.sdrs.create_drill(fields), desired['name'])

    def check_update(self, current, changes):
        if self.params['drill_vpc'] and self.drill_vpc_id() != current.get('drill_vpc_id'):
            raise ResourceError('%s runs in VPC %s; its VPC cannot be changed (delete the drill and run a new one)'
                                % (self.label(current), current.get('drill_vpc_id')))

    def delete(self, current):
        return self.deleted(self.sdrs.delete_drill(current['id']), current)


def main():
    DrDrillModule.execute()


if __name__ == '__main__':
    main()
