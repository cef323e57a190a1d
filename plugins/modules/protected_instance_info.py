#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: protected_instance_info
short_description: List SDRS protected instances
version_added: 1.0.0
description:
  - Lists SDRS protected instances, optionally of one protection group.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  protection_group:
    description: Only the protected instances of this protection group (name or id). A group that does not exist is an error.
    type: str
  name:
    description: Only the protected instance with this name.
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The protected instances of the shop group
  dataprotection.evs.protected_instance_info:
    cloud: otc
    protection_group: shop
  register: found
'''

RETURN = r'''
cloud_time:
  description: The cloud's current time (UTC, ISO 8601), from the C(Date) header of its answers.
  returned: always
  type: str
  sample: "2026-11-25T10:00:00Z"
protected_instances:
  description:
    - The matching protected instances, each with the keys of the C(protected_instance) result of M(dataprotection.evs.protected_instance).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import INSTANCE_FIELDS, SdrsMixin, with_instance_sides


class ProtectedInstanceInfoModule(SdrsMixin, InfoModule):
    argument_spec = dict(
        protection_group=dict(type='str'),
        name=dict(type='str'),
    )
    kind = 'protected instance'
    result_key = 'protected_instances'
    result_fields = INSTANCE_FIELDS

    def list(self):
        group = self.group_filter()
        instances = self.sdrs.list_instances(group_id=group['id'] if group else None, name=self.params['name'])
        return [with_instance_sides(i) for i in instances]


def main():
    ProtectedInstanceInfoModule.execute()


if __name__ == '__main__':
    main()
