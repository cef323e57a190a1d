#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dr_drill_info
short_description: List SDRS DR drills
version_added: 1.0.0
description:
  - Lists SDRS DR drills, optionally of one protection group.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  protection_group:
    description: Only the DR drills of this protection group (name or id). A group that does not exist is an error.
    type: str
  name:
    description: Only the DR drill with this name.
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The DR drills of the shop group
  dataprotection.evs.dr_drill_info:
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
dr_drills:
  description:
    - The matching DR drills, each with the keys of the C(dr_drill) result of M(dataprotection.evs.dr_drill).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import DRILL_FIELDS, SdrsMixin


class DrDrillInfoModule(SdrsMixin, InfoModule):
    argument_spec = dict(
        protection_group=dict(type='str'),
        name=dict(type='str'),
    )
    kind = 'DR drill'
    result_key = 'dr_drills'
    result_fields = DRILL_FIELDS

    def list(self):
        group = self.group_filter()
        return self.sdrs.list_drills(group_id=group['id'] if group else None, name=self.params['name'])


def main():
    DrDrillInfoModule.execute()


if __name__ == '__main__':
    main()
