#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: protected_instance
short_description: Create or delete an SDRS protected instance
version_added: 1.0.0
description:
  - Makes sure a server is protected (or not) in a protection group. The cloud creates a DR
    server (stopped) in the group's DR zone; attach replication pairs to the instance with
    M(dataprotection.evs.replication_pair).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the protected instance (unique in the group), or its id.
    type: str
    required: true
  protection_group:
    description:
      - The protection group, by name or id; in check mode also the RV(dataprotection.evs.protection_group#module:predicted_ref)
        of a group the same check run would create (the instance is then predicted as created in it).
    type: str
    required: true
  server:
    description:
      - The production server, by name or id; it must be in the group's production zone. Required
        to create. Give the id once the instance exists (the DR server has the same name).
    type: str
  description:
    description: Description (up to 64 bytes); set at creation only.
    type: str
  state:
    description:
      - Whether the instance should exist. An instance with replication pairs attached is not
        deleted; detach them first.
    type: str
    choices: [present, absent]
    default: present
  delete_dr_server:
    description: With O(state=absent), also delete the DR server. The production server is never deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Protect the database server
  dataprotection.evs.protected_instance:
    cloud: otc
    protection_group: shop
    name: db
    server: db01

- name: Stop protecting it and remove its DR server
  dataprotection.evs.protected_instance:
    cloud: otc
    protection_group: shop
    name: db
    state: absent
    delete_dr_server: true
'''

RETURN = r'''
protected_instance:
  description: The protected instance as the cloud shows it, with its sides named (C(null) after a delete).
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
      description: Status; an idle instance shows its group's protection status.
      type: str
    source_server:
      description: The server in the group's source zone.
      type: str
    target_server:
      description: The server in the group's target zone.
      type: str
    production_server:
      description: The server that is production now.
      type: str
    dr_server:
      description: The server that is the DR side now.
      type: str
    attachment:
      description: The attached replication pairs (C(replication), C(device)).
      type: list
      elements: dict
predicted_ref:
  description:
    - Only in check mode, when the protected instance would be created - a placeholder
      (C(predicted-by-check-mode:protected-instance:<name>)) that stands for it in later tasks of the
      same check run, so that they predict their own change with it. These options take it
      (in check mode only - it names nothing on the cloud).
    - O(dataprotection.evs.replication_pair#module:protected_instance)
  returned: check mode, when the protected instance would be created
  type: str
  sample: predicted-by-check-mode:protected-instance:db
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    INSTANCE_FIELDS, MEMBER_STABLE, GroupMember, member_argument_spec, with_instance_sides)


class ProtectedInstanceModule(GroupMember, ResourceModule):
    argument_spec = member_argument_spec(server=dict(type='str'), description=dict(type='str'),
                                         delete_dr_server=dict(type='bool', default=False))
    kind, result_key = 'protected instance', 'protected_instance'
    referable = True
    result_fields = INSTANCE_FIELDS
    server_defaults = {'description': '', 'attachment': [], 'tags': []}
    stable = MEMBER_STABLE
    api, sides = 'instance', staticmethod(with_instance_sides)

    def desired(self, current):
        if current is not None:
            return {}
        self.server = self.sdrs.find_server(self.needed_to_create('server'))
        return self.desired_member(production_server=self.server['id'])

    def check_create(self, desired):
        self.check_group_ready('created')
        zone = self.server.get('OS-EXT-AZ:availability_zone')
        if zone:
            self.refuse_outside_production("server '%s'" % self.server.get('name'), zone)

    def create(self, desired):
        fields = self.create_fields(desired, server_id=desired['production_server'])
        return self.created(self.sdrs.create_instance(fields), desired['name'])

    def check_update(self, current, changes):
        if self.asks_other('server', (current.get('source_server'), current.get('target_server'))):
            raise ResourceError('%s protects server %s; its server cannot be changed'
                                % (self.label(current), current.get('production_server')))

    def check_delete(self, current):
        if current.get('attachment'):
            raise ResourceError('%s cannot be deleted: replication pairs are attached (%s); detach them first '
                                '(replication_pair with protected_instance: "" or state: absent)' % (
                                    self.label(current), ', '.join(a.get('replication', '?')
                                                                   for a in current['attachment'])))

    def delete(self, current):
        return self.deleted(self.sdrs.delete_instance(current['id'], self.params['delete_dr_server']), current)


def main():
    ProtectedInstanceModule.execute()


if __name__ == '__main__':
    main()
