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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKENDS, BACKUP_SERVICES, backup_api, list_backups_of, time_key)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_server import TREE_FIELDS, CBRTree
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule


class BackupInfoModule(InfoModule):
    argument_spec = dict(
        backend=dict(type='str', choices=['all', 'cbr', 'vbs'], default='all'),
        disk=dict(type='str', aliases=['volume']),
        name=dict(type='str'),
        status=dict(type='str'),
        vault=dict(type='str'),
        sort=dict(type='str', choices=['newest_first', 'oldest_first'], default='newest_first'),
    )
    kind = 'backup'
    result_key = 'backups'
    result_fields = TREE_FIELDS

    def validate(self):
        if self.params['vault'] and self.params['backend'] == 'vbs':
            raise ResourceError('vault is a CBR option; VBS backups have no vault')

    def list(self):
        params = self.params
        backends = BACKENDS if params['backend'] == 'all' else (params['backend'],)
        vault_id = None
        if params['vault']:
            backends = ('cbr',)
            vault_id = backup_api(self.client, 'cbr').find_vault(params['vault'], required=True)['id']
        disk_id, disk_name = None, None
        if params['disk']:
            disk = self.evs.find_volume(params['disk'])
            if disk is not None:
                disk_id = disk['id']
            elif looks_like_id(params['disk']):
                disk_id = params['disk']
            else:
                disk_name = params['disk']
        # with backend: all, a service this region does not offer (VBS) is skipped
        found = list_backups_of(self.client, backends, skip_missing=params['backend'] == 'all',
                                services=dict(BACKUP_SERVICES, cbr=CBRTree),
                                disk_id=disk_id, name=params['name'], status=params['status'], vault_id=vault_id)
        if disk_name is not None:  # a disk that no longer exists: CBR remembers its name
            found = [b for b in found if b.get('disk_name') == disk_name]
        return sorted(found, key=time_key, reverse=params['sort'] == 'newest_first')


def main():
    BackupInfoModule.execute()


if __name__ == '__main__':
    main()
