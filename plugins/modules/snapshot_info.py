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
  - Every VBS or CBR backup of a disk leaves a snapshot on it (named C(autobk_snapshot_*) or
    C(manualbk_snapshot_*)), which the cloud replaces at the next backup and which cannot be
    deleted, rolled back or used to create a disk. It is not a copy to count, keep or restore
    from, so it is left out unless O(include_backup_snapshots=true); every returned snapshot
    says whether it is one (C(made_by_backup)).
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
  include_backup_snapshots:
    description:
      - Also return the snapshots that backups left on their disks (C(made_by_backup=true)).
    type: bool
    default: false
    version_added: 1.1.0
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.info_filters.sort
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
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
snapshots:
  description:
    - The matching snapshots, each with the keys of the C(snapshot) result of M(dataprotection.evs.snapshot)
      and C(made_by_backup) (true for the snapshot a backup left on its disk).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import SNAPSHOT_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.evs_info import (
    created_order, list_snapshots, wanted_snapshot, with_backup_mark)
from ansible_collections.dataprotection.evs.plugins.module_utils.info import SORT_OPTION, Info

INFO = Info(
    kind='snapshot', result_key='snapshots', fields=SNAPSHOT_FIELDS + ('made_by_backup',),
    options=dict(
        disk=dict(type='str', aliases=['volume']),
        name=dict(type='str'),
        status=dict(type='str'),
        metadata=dict(type='dict'),
        include_backup_snapshots=dict(type='bool', default=False),
        sort=SORT_OPTION,
    ),
    listing=list_snapshots, normalise=with_backup_mark, keep=wanted_snapshot,
    order=created_order, sort_option='sort',
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
