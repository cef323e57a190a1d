#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: protection_group_info
short_description: List SDRS protection groups
version_added: 1.0.0
description:
  - Lists SDRS protection groups with their protection state and current production zone.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Only the group with this name (or id).
    type: str
  status:
    description: Only groups in this status (for example C(protected), C(failed-over)).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: Where does the shop run now?
  dataprotection.evs.protection_group_info:
    cloud: otc
    name: shop
  register: groups

- name: Show the production zone
  ansible.builtin.debug:
    msg: "{{ groups.protection_groups[0].production_az }}"
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
protection_groups:
  description:
    - The matching groups, each with the keys of the C(protection_group) result of
      M(dataprotection.evs.protection_group) (including C(production_az), C(dr_az), C(protection)).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import GROUP_FIELDS, with_group_state
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs_info import list_groups

INFO = Info(
    kind='protection group', result_key='protection_groups', fields=GROUP_FIELDS,
    options=dict(
        name=dict(type='str'),
        status=dict(type='str'),
    ),
    listing=list_groups, normalise=with_group_state,
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
