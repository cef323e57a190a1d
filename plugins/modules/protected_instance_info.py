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
  - Lists SDRS protected instances (a production server and its stopped DR server), optionally of
    one protection group.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.info_filters.protection_group
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The DR server of web01 in the shop group
  dataprotection.evs.protected_instance_info:
    cloud: otc
    protection_group: shop
    name: web01
  register: web01

- name: Show it
  ansible.builtin.debug:
    msg: "{{ web01.protected_instances[0] }}"
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
protected_instances:
  description:
    - The matching protected instances, each with the keys of the C(protected_instance) result of M(dataprotection.evs.protected_instance).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import INSTANCE_FIELDS, with_instance_sides
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs_info import MEMBER_OPTIONS, instances, members

INFO = Info(
    kind='protected instance', result_key='protected_instances', fields=INSTANCE_FIELDS, options=MEMBER_OPTIONS,
    listing=members(instances), normalise=with_instance_sides,
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
