#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_info
short_description: List backups of EVS disks (CBR and VBS)
version_added: 1.0.0
description:
  - Lists disk backups of CBR, VBS or both, in one shape, sorted by creation time, and CBR server
    backups with their disk backups (C(children)).
  - O(disk) also takes a server (its id) to list its server backups.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backend:
    description:
      - Which service to list; V(all) lists both, and skips a service the region does not
        offer (VBS is not available everywhere).
    type: str
    choices: [all, cbr, vbs]
    default: all
  disk:
    description:
      - Only backups of this disk (name or id). A deleted disk's backups are listed by its id
        (for CBR also by the name it had).
    type: str
    aliases: [volume]
  name:
    description: Only backups with this name.
    type: str
  status:
    description: Only backups in this status (for example C(available)).
    type: str
  vault:
    description: Only backups in this CBR vault (name or id); implies O(backend=cbr).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.info_filters.sort
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: All backups of db01, newest first
  dataprotection.evs.backup_info:
    cloud: otc
    disk: db01
  register: db01_backups

- name: The latest available backup in a vault
  dataprotection.evs.backup_info:
    cloud: otc
    vault: disk-backups
    status: available
  register: vault_backups
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
backups:
  description:
    - The matching backups, each with the keys of the C(backup) result of M(dataprotection.evs.backup),
      and C(resource_type) and C(children).
    - A CBR server backup (M(dataprotection.evs.server_backup)) has C(resource_type) C(OS::Nova::Server); its
      C(disk_id) and C(disk_name) are the server's, C(size) the sum of its disks, and C(children) its disk
      backups (one per disk, taken at the same instant), each with the keys of a disk backup.
  returned: always
  type: list
  elements: dict
  contains:
    resource_type:
      description: What was backed up, C(OS::Cinder::Volume) (a disk) or C(OS::Nova::Server) (a server); C(null) for VBS.
      type: str
      version_added: 1.1.0
    children:
      description:
        - The disk backups of a server backup (empty for a disk backup; C(null) for VBS). Each can be
          restored onto a new disk (M(dataprotection.evs.disk) with its id as O(dataprotection.evs.disk#module:backup)).
      type: list
      elements: dict
      version_added: 1.1.0
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import time_key
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_info import BACKEND_OPTION, list_backups, vault_with_vbs
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_server import TREE_FIELDS
from ansible_collections.dataprotection.evs.plugins.module_utils.info import SORT_OPTION, Info

INFO = Info(
    kind='backup', result_key='backups', fields=TREE_FIELDS,
    options=dict(
        backend=BACKEND_OPTION,
        disk=dict(type='str', aliases=['volume']),
        name=dict(type='str'),
        status=dict(type='str'),
        vault=dict(type='str'),
        sort=SORT_OPTION,
    ),
    refusals=(vault_with_vbs('backups'),),
    listing=list_backups, order=time_key, sort_option='sort',
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
