#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replica
short_description: Replicate a CBR disk backup to another region, or delete its replica there
version_added: 1.1.0
description:
  - Makes sure a CBR backup has a replica (a full copy) in a replication vault of another region
    (CBR CopyBackup), or that it has none there. A replica survives the loss of the source
    region and becomes a new disk in any availability zone of its region
    (M(dataprotection.evs.disk) with O(dataprotection.evs.disk#module:backup) and the connection's
    O(region) set to the destination region).
  - The cloud keeps one replica per backup per destination region. An existing replica (the
    source backup's replication record names it) is never copied again and never changed.
  - The connection options name the source region and its project; the module logs in to the
    same user's project of O(destination_region) for what it does there.
  - O(state=absent) deletes the replica in the destination region, never the source backup.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backup:
    description: The source backup (CBR, disk backup), by name or id, in the connection's region.
    type: str
    required: true
  vault:
    description: The source vault (name or id) to look the backup up in; needed when its name is not unique.
    type: str
  destination_region:
    description: The region to replicate to; another region than the connection's O(region).
    type: str
    required: true
  destination_project_id:
    description:
      - The project of the destination region (the same user's). Default the project named after
        the region, as the cloud names a region's first project.
    type: str
  destination_vault:
    description:
      - The vault in the destination region (name or id) that takes the replica. Required with
        O(state=present). It must be a replication vault (C(protect_type) C(replication)) for
        disks, with room for the disk's size unless it expands automatically.
    type: str
  name:
    description: Name of a new replica (1 to 64 letters, digits, C(_) or C(-)). Default the source backup's name.
    type: str
  description:
    description: Description of a new replica (at most 255 bytes). Default the source backup's.
    type: str
  state:
    description: Whether the replica should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
notes:
  - A copy runs for a while (the replica is C(protecting)); with the default O(wait=true) the
    module returns when the replica is C(available). A source backup still being taken is waited
    for first (O(wait=true)) or refused (O(wait=false)).
  - The source region must answer to find a replica (through the source backup's records). To
    list or restore replicas while the source region is down, use
    M(dataprotection.evs.backup_replica_info) with only O(destination_region) and O(destination_vault).
  - Connection O(endpoints) overrides name the source region's hosts and are not used in the
    destination region (its endpoints come from the catalog of its project, or the cloud's template).
'''

EXAMPLES = r'''
- name: Copy last night's backup of db01 to eu-nl
  dataprotection.evs.backup_replica:
    cloud: otc
    region: eu-de
    vault: disk-backups
    backup: db01-2026-11-25
    destination_region: eu-nl
    destination_vault: disk-replicas

- name: Delete that replica (the backup in eu-de stays)
  dataprotection.evs.backup_replica:
    cloud: otc
    region: eu-de
    vault: disk-backups
    backup: db01-2026-11-25
    destination_region: eu-nl
    state: absent
'''

RETURN = r'''
replica:
  description:
    - The replica in the destination region (C(null) after a delete), with the keys of the
      C(backup) result of M(dataprotection.evs.backup) and the ones below.
    - A check-mode prediction of a copy has C(null) for C(id), C(checkpoint_id), C(created_at),
      C(updated_at) and C(replication_record_id).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the replica (a backup of the destination region).
      type: str
    status:
      description: C(protecting) while the copy runs, then C(available).
      type: str
      sample: available
    vault_id:
      description: The destination vault.
      type: str
    region:
      description: The destination region.
      type: str
      sample: eu-nl
    project_id:
      description: The destination project.
      type: str
    source_backup_id:
      description: The backup the replica is a copy of.
      type: str
    source_region:
      description: The region of the source backup.
      type: str
      sample: eu-de
    replication_record_id:
      description: The source backup's replication record of this copy.
      type: str
error:
  description: The cloud's error when a request failed (C(status), C(code), C(message), C(request_id)).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKUP_DELETABLE, BACKUP_DELETING, BACKUP_TRANSITIONAL, REPLICA_FIELDS, CBRReplication, check_backup_name,
    client_for_region, describe_backup, find_backup, replica_records, replica_view, replication_destinations)
from ansible_collections.dataprotection.evs.plugins.module_utils.config import resolve_settings
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Listed, Pending, Status


class BackupReplicaModule(ResourceModule):
    argument_spec = dict(
        backup=dict(type='str', required=True),
        vault=dict(type='str'),
        destination_region=dict(type='str', required=True),
        destination_project_id=dict(type='str'),
        destination_vault=dict(type='str'),
        name=dict(type='str'),
        description=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )
    kind = 'replica'
    result_key = 'replica'
    result_fields = REPLICA_FIELDS
    transitional = BACKUP_TRANSITIONAL
    deleting = BACKUP_DELETING
    deletable = BACKUP_DELETABLE

    def validate(self):
        params = self.params
        self.validate_text('backup', params['backup'], required=True)
        self.validate_text('destination_region', params['destination_region'], required=True)
        region = resolve_settings(params).get('region')
        if params['destination_region'] == region:
            raise ResourceError("destination_region '%s' is the region of the connection: CBR replicates a backup "
                                "to another region" % region)
        if params['state'] == 'present':
            if not (params['destination_vault'] or '').strip():
                raise ResourceError("destination_vault is required to replicate a backup: a replication vault in "
                                    "region '%s'" % params['destination_region'])
            if params['name'] is not None:
                check_backup_name(params['name'], 'cbr')
        self.validate_text('description', params['description'])

    def find(self):
        params, region = self.params, self.params['destination_region']
        self.source_api = CBRReplication(self.client)
        vault = self.source_api.find_vault(params['vault'], required=True) if params['vault'] else None
        self.source = find_backup(self.source_api, params['backup'], vault=vault,
                                  required=params['state'] == 'present')
        if self.source is None:
            self.module.warn("backup '%s' not found: a replica of it cannot be found through it" % params['backup'])
            return None
        self.destination = client_for_region(self.client, region, params['destination_project_id'])
        self.destination_api = CBRReplication(self.destination)
        self.record = None
        return self.replica_found()

    def replica_found(self):
        """The backup's replica in the destination region, through its newest record whose replica is there."""
        raw = self.source_api.get_raw(self.source['id'])
        self.source_image_type = (raw or {}).get('image_type', 'backup')
        for record in reversed(replica_records(raw, self.params['destination_region'])):
            replica = record['destination_backup_id'] and self.destination_api.get_raw(record['destination_backup_id'])
            if replica:
                self.record = record
                return replica_view(replica, self.params['destination_region'], record)
        return None

    def fetch(self, resource_id):
        return replica_view(self.destination_api.get_raw(resource_id), self.params['destination_region'], self.record)

    def namesakes(self):  # a copy a concurrent run started is the backup's one replica there
        found = self.replica_found()
        return [found] if found else []

    def label(self, resource):
        source = getattr(self, 'source', None) or {'name': self.params['backup']}
        return "replica in region '%s' of %s" % (self.params['destination_region'], describe_backup(source))

    def desired(self, current):
        if current is not None:
            return {}
        source, region = self.source, self.params['destination_region']
        self.destination_vault = self.destination_api.find_vault(self.params['destination_vault'], required=True)
        description = self.params['description']
        return {'name': self.params['name'] or source['name'],
                'description': source['description'] if description is None else description,
                'backend': 'cbr', 'disk_id': source['disk_id'], 'disk_name': source['disk_name'],
                'size': source['size'], 'availability_zone': source['availability_zone'],
                'vault_id': self.destination_vault['id'], 'incremental': False, 'region': region,
                'project_id': self.destination.project_id, 'source_backup_id': source['id'],
                'source_region': self.client.region}

    def predict_create(self, desired):
        replica = super(BackupReplicaModule, self).predict_create(desired)
        replica['status'] = 'available' if self.params['wait'] else 'protecting'  # the copy runs on
        return replica

    def check_create(self, desired):
        label, source, vault = self.label(None), self.source, self.destination_vault
        if self.source_image_type != 'backup':
            raise ResourceError('%s cannot be made: %s is itself a replica; CBR replicates backups only'
                                % (label, describe_backup(source)))
        status = source['status']
        if status != 'available' and not (status in BACKUP_TRANSITIONAL and self.params['wait']):
            raise ResourceError('%s cannot be made now: the backup is %s; it must be available (or, while it is '
                                'being taken, run with wait: true)' % (label, status))
        reachable = replication_destinations(self.client)
        if desired['region'] not in reachable:
            raise ResourceError("%s cannot be made: CBR in region '%s' replicates to %s only" % (
                label, self.client.region, ', '.join(reachable) or 'no region'))
        billing = vault.get('billing') or {}
        if billing.get('protect_type') != 'replication' or billing.get('object_type') not in (None, 'disk'):
            raise ResourceError("%s cannot be made in vault '%s': it is a %s vault for %s, not a replication vault "
                                "for disks" % (label, vault.get('name'), billing.get('protect_type'),
                                               billing.get('object_type')))
        free_mb = (billing.get('size') or 0) * 1024 - (billing.get('used') or 0)
        if not vault.get('auto_expand') and free_mb < (source['size'] or 0) * 1024:
            raise ResourceError("%s cannot be made in vault '%s': a replica is a full copy of the %s GB disk and the "
                                "vault has %d MB free (it does not expand automatically)" % (
                                    label, vault.get('name'), source['size'], free_mb))

    def check_update(self, current, changes):
        wanted = self.params['destination_vault']
        if wanted and wanted not in (current.get('vault_id'), None):
            vault = self.destination_api.find_vault(wanted)
            if vault is None or vault['id'] != current.get('vault_id'):
                self.module.warn("%s exists in vault %s, not in vault '%s'; the cloud keeps one replica per backup "
                                 "per region, so it is left where it is"
                                 % (self.label(current), current.get('vault_id'), wanted))

    def before_create(self, desired):  # a backup still being taken is copied once it is available
        if self.source['status'] == 'available':
            return None
        return Pending(self.source, Status(fetch=self.source_api.get, label=describe_backup(self.source)))

    def create(self, desired):
        self.source_api.replicate(self.source['id'], desired['region'], desired['project_id'], desired['vault_id'],
                                  name=self.params['name'], description=self.params['description'])
        return Pending(self.replica_found() or {'id': None}, Listed(self.replica_found, self.label(None)), Status())

    def fail(self, msg, error=None, **result):
        # the base counts the changes of the source region's client; a delete is sent to the other region
        if getattr(getattr(self, 'destination', None), 'changes', 0):
            result['changed'] = True
        super(BackupReplicaModule, self).fail(msg, error, **result)

    def delete(self, current):
        self.destination_api.delete(current['id'])
        return Pending(current, Gone())


def main():
    BackupReplicaModule.execute()


if __name__ == '__main__':
    main()
