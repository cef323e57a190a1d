#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: disk_info
short_description: List EVS disks
version_added: 1.0.0
description:
  - Lists the disks (EVS volumes) of the project that match all the given filters.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Only the disks with this name.
    type: str
  id:
    description: Only the disk with this id.
    type: str
  availability_zone:
    description: Only the disks in this availability zone.
    type: str
  status:
    description: Only the disks in this status, for example C(available) or C(in-use).
    type: str
  metadata:
    description: Only the disks whose metadata has all these key/value pairs.
    type: dict
  zones:
    description:
      - Also return RV(zones), the availability zones of the region and whether each is
        available now (one more request). Snapshots live in their disk's zone, so during a
        zone's outage only backups can bring its disks back.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The disks that take part in the daily snapshot
  dataprotection.evs.disk_info:
    cloud: otc
    metadata:
      backup: daily
  register: daily_disks

- name: One disk by name
  dataprotection.evs.disk_info:
    cloud: otc
    name: db01
  register: db01
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
disks:
  description:
    - The matching disks (newest first), each with the keys of the C(disk) result of M(dataprotection.evs.disk).
  returned: always
  type: list
  elements: dict
zones:
  description:
    - Each availability zone of the region and whether it is available (C(false) during an
      outage), as the EVS zone list shows them; empty when the cloud does not list zones.
  returned: when O(zones=true)
  type: dict
  sample: {"eu-de-01": true, "eu-de-02": false}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import VOLUME_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.evs_info import list_disks, zones
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info

INFO = Info(
    kind='disk', result_key='disks', fields=VOLUME_FIELDS, listing=list_disks,
    options=dict(
        name=dict(type='str'),
        id=dict(type='str'),
        availability_zone=dict(type='str'),
        status=dict(type='str'),
        metadata=dict(type='dict'),
        zones=dict(type='bool', default=False),
    ),
    extras=(('zones', 'zones', zones),),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
