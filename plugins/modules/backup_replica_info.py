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
    lists without asking the cloud (RV(cloud_time) is then this machine's UTC time), as the real
    run reads the new vault and finds it empty.
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
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
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

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    REPLICA_FIELDS, CBRReplication, find_backup, record_view, replica_view, time_key)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule


class BackupReplicaInfoModule(InfoModule):
    argument_spec = dict(
        backup=dict(type='str'),
        vault=dict(type='str'),
        destination_region=dict(type='str', required=True),
        destination_project_id=dict(type='str'),
        destination_vault=dict(type='str'),
    )
    kind = 'replica'
    result_key = 'replicas'
    result_fields = REPLICA_FIELDS + ('replication',)
    checked_texts = (('destination_region', 255, True),)
    checked_other_region = ('destination_region', 'replicas are in another region')
    # a vault a check run would create (module_utils/predicted.py) is empty: nothing to read in it
    parent_options = ('vault', 'destination_vault')

    def source_records(self):
        """The records to the destination region of the source backups asked for (GETs in the source region)."""
        params, api = self.params, CBRReplication(self.client)
        vault = api.find_vault(params['vault'], required=True) if params['vault'] else None
        if params['backup']:
            backups = [api.get_raw(find_backup(api, params['backup'], vault=vault, required=True)['id'])]
        else:
            backups = [b for b in api.client.paginate_offset(api.service, '/backups', 'backups',
                                                             {'vault_id': vault['id']}, limit=1000)
                       if b.get('vault_id') == vault['id']]
        records = [record_view(r) for b in backups for r in b.get('replication_records') or []]
        return sorted([r for r in records if r['destination_region'] == params['destination_region']], key=time_key)

    def run(self):
        if self.predicted_parent('vault') or self.predicted_parent('destination_vault'):
            return {'changed': False, 'replicas': [], 'records': [], 'cloud_time': self.cloud_time()}
        params, region = self.params, self.params['destination_region']
        asked = bool(params['backup'] or params['vault'])
        records = self.source_records() if asked else []
        destination = CBRReplication(self.client_for_region(region, params['destination_project_id']))
        vault_id = None
        if params['destination_vault']:
            vault_id = destination.find_vault(params['destination_vault'], required=True)['id']
        record_of = dict((r['destination_backup_id'], r) for r in records)
        replicas = []
        for raw in destination.list_replicas(vault_id):
            if asked and raw.get('id') not in record_of:
                continue  # a replica of another backup than the ones asked for
            view = replica_view(raw, region, record_of.get(raw.get('id')))
            view['replication'] = record_of.get(raw.get('id'))
            replicas.append(view)
        replicas = [self.shape(r) for r in sorted(replicas, key=time_key)]
        return {'changed': False, 'replicas': replicas, 'records': records, 'cloud_time': self.cloud_time()}


def main():
    BackupReplicaInfoModule.execute()


if __name__ == '__main__':
    main()
