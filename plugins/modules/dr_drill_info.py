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
  - Lists SDRS DR drills, optionally of one protection group. A drill is a set of drill servers
    booted in the DR zone from clones of the replicated disks; list them to find drills that
    were left running.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.info_filters.protection_group
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
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
dr_drills:
  description:
    - The matching DR drills, each with the keys of the C(dr_drill) result of M(dataprotection.evs.dr_drill).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import DRILL_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs_info import MEMBER_OPTIONS, drills, members

INFO = Info(
    kind='DR drill', result_key='dr_drills', fields=DRILL_FIELDS, options=MEMBER_OPTIONS, listing=members(drills),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
