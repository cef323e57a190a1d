#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replica_info
short_description: List the replicas of CBR backups in another region, with their replication records
version_added: 1.1.0
description:
  - Lists the replicas in O(destination_region) of one source backup (O(backup)) or of every
    backup of a source vault (O(vault)), each with the source backup's replication record of it
    (status, progress, source backup and region, time). Records of copies that failed are listed
    in RV(records).
  - With neither O(backup) nor O(vault), lists the replicas in the destination region (of
    O(destination_vault) when given) without asking the source region anything, so it works
    while the source region is down; their RV(replicas[].replication) is then C(null).
  - The connection options name the source region; the module logs in to the same user's
    project of O(destination_region) to read the replicas.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backup:
    description: A source backup (CBR) by name or id, in the connection's region.
    type: str
  vault:
    description: A source vault (name or id); with O(backup) where to look the backup up, alone every backup in it.
    type: str
  destination_region:
    description: The region the replicas are in; another region than the connection's O(region).
    type: str
    required: true
  destination_project_id:
    description: The project of the destination region. Default the project named after the region.
    type: str
  destination_vault:
    description: Only replicas in this vault of the destination region (name or id).
    type: str
notes:
  - In check mode O(vault) and O(destination_vault) also take the
    RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same check run would create.
    A vault that does not exist yet holds no backup and no replica, so the module answers empty
    lists without asking the cloud (RV(cloud_time) is then null, as no answer told the cloud's time),
    as the real run reads the new vault and finds it empty.
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: Replicas in eu-nl of every backup in the vault disk-backups
  dataprotection.evs.backup_replica_info:
    cloud: otc
    region: eu-de
    vault: disk-backups
    destination_region: eu-nl
  register: replicas

- name: While eu-de is down, the replicas eu-nl holds
  dataprotection.evs.backup_replica_info:
    cloud: otc
    region: eu-de
    destination_region: eu-nl
    destination_vault: disk-replicas
  register: replicas
'''

RETURN = r'''
cloud_time:
  description:
    - The cloud's current time (UTC, ISO 8601), from the Date of its last answer.
    - Null when no request was sent (a vault the check run would create), never this machine's clock.
  returned: always
  type: str
  sample: "2026-11-25T10:00:00Z"
replicas:
  description:
    - The replicas, oldest first, with the keys of the C(replica) result of
      M(dataprotection.evs.backup_replica) and C(replication).
  returned: always
  type: list
  elements: dict
  contains:
    replication:
      description:
        - The source backup's record of the copy (C(null) when the source region was not asked).
        - C(status) C(replicating), C(available) or C(failed); C(progress) 0 to 100; C(auto_trigger)
          (made by a replication policy); C(source_backup_id), C(source_region),
          C(source_project_id), C(vault_id) (source vault), C(destination_backup_id),
          C(destination_region), C(destination_project_id), C(destination_vault_id),
          C(created_at), C(fail_code), C(fail_reason).
      type: dict
records:
  description:
    - Every replication record to O(destination_region) of the source backups asked for,
      failed ones and ones whose replica was deleted included (keys as in C(replication) above).
      Empty without O(backup) or O(vault).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import REPLICA_FIELDS, time_key
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_info import list_replicas
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info

INFO = Info(
    kind='replica', result_key='replicas', fields=REPLICA_FIELDS + ('replication',),
    options=dict(
        backup=dict(type='str'),
        vault=dict(type='str'),
        destination_region=dict(type='str', required=True),
        destination_project_id=dict(type='str'),
        destination_vault=dict(type='str'),
    ),
    checks=dict(checked_texts=(('destination_region', 255, True),),
                checked_other_region=('destination_region', 'replicas are in another region')),
    # a vault a check run would create (module_utils/predicted.py) is empty: nothing to read in it
    parent_options=('vault', 'destination_vault'),
    listing=list_replicas, order=time_key,
    extras=(('records', None, lambda module: module.found['records']),),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
