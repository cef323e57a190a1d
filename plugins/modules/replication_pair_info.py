#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: replication_pair_info
short_description: List SDRS replication pairs
version_added: 1.0.0
description:
  - Lists SDRS replication pairs, optionally of one protection group.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  protected_instance:
    description: Only the pairs attached to this protected instance (name or id).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.info_filters.protection_group
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The replication pairs of the shop group
  dataprotection.evs.replication_pair_info:
    cloud: otc
    protection_group: shop
  register: found
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
replication_pairs:
  description:
    - The matching replication pairs, each with the keys of the C(replication_pair) result of M(dataprotection.evs.replication_pair).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import PAIR_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs_info import MEMBER_OPTIONS, members, pairs

INFO = Info(
    kind='replication pair', result_key='replication_pairs', fields=PAIR_FIELDS,
    options=dict(MEMBER_OPTIONS, protected_instance=dict(type='str')), listing=members(pairs),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
