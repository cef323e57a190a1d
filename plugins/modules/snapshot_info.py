#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: snapshot_info
short_description: List EVS disk snapshots
version_added: 1.0.0
description:
  - Lists the snapshots that match all the given filters, sorted by creation time.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  disk:
    description: Only the snapshots of this disk (name or id). A disk that does not exist is an error.
    type: str
    aliases: [volume]
  name:
    description: Only the snapshots with this name.
    type: str
  status:
    description: Only the snapshots in this status, for example C(available).
    type: str
  metadata:
    description: Only the snapshots whose metadata has all these key/value pairs.
    type: dict
  sort:
    description: Order by creation time; C(newest_first) or C(oldest_first).
    type: str
    choices: [newest_first, oldest_first]
    default: newest_first
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The snapshots of db01, newest first
  dataprotection.evs.snapshot_info:
    cloud: otc
    disk: db01
  register: db01_snapshots

- name: The oldest available snapshot made by the daily policy
  dataprotection.evs.snapshot_info:
    cloud: otc
    disk: db01
    status: available
    metadata:
      policy: daily
    sort: oldest_first
  register: daily
'''

RETURN = r'''
cloud_time:
  description:
    - The cloud's current time (UTC, ISO 8601), taken from the C(Date) header of its answers.
      Compute ages (for example of snapshots) against it, not against the controller's clock.
  returned: always
  type: str
  sample: "2026-11-25T10:00:00Z"
snapshots:
  description:
    - The matching snapshots, each with the keys of the C(snapshot) result of M(dataprotection.evs.snapshot).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import SNAPSHOT_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule


class SnapshotInfoModule(InfoModule):
    argument_spec = dict(
        disk=dict(type='str', aliases=['volume']),
        name=dict(type='str'),
        status=dict(type='str'),
        metadata=dict(type='dict'),
        sort=dict(type='str', choices=['newest_first', 'oldest_first'], default='newest_first'),
    )
    kind = 'snapshot'
    result_key = 'snapshots'
    result_fields = SNAPSHOT_FIELDS

    def list(self):
        params = self.params
        volume_id = None
        if params['disk']:
            volume_id = self.evs.find_volume(params['disk'], required=True)['id']
        snapshots = self.evs.list_snapshots(volume_id=volume_id, name=params['name'], status=params['status'],
                                            metadata=params['metadata'])
        return sorted(snapshots, key=lambda s: (s.get('created_at') or '', s.get('id') or ''),
                      reverse=params['sort'] == 'newest_first')


def main():
    SnapshotInfoModule.execute()


if __name__ == '__main__':
    main()
