# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a restore finds its backup and its disk: a backup of the disk (or of ``source_disk``), or a
replica copied from another region, which is restored only when ``replica_source_disk_id`` names
the disk it is a copy of (a copy of another disk would replace the disk's data)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.action import RecordedAction
from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    CBRReplication, describe_backup, find_backup)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import describe_disk, looks_like_id


class BackupSourceAction(RecordedAction):
    """A recorded action whose source is a backup (``self.api``: its backend) and whose target is
    ``disk``, or the backup's own disk."""

    def validate(self):
        super(BackupSourceAction, self).validate()
        params = self.params
        if params['replica_source_disk_id'] is None:
            return
        self.validate_text('replica_source_disk_id', params['replica_source_disk_id'], required=True)
        if params['backend'] != 'cbr':
            raise ResourceError('replica_source_disk_id restores a CBR replica; VBS has no replicas')
        if not params['disk']:
            raise ResourceError('replica_source_disk_id needs disk: the disk of this region to restore the replica '
                                'onto (the replica\'s own disk is in its source region)')
        if params['source_disk']:
            raise ResourceError('replica_source_disk_id and source_disk exclude each other: a replica\'s disk is in '
                                'its source region, named by replica_source_disk_id')

    def find(self):
        params, evs = self.params, self.evs
        target = evs.find_volume(params['disk'], required=True) if params['disk'] else None
        if params['replica_source_disk_id']:
            return self.find_replica(target), target
        source = evs.find_volume(params['source_disk'], required=True) if params['source_disk'] else target
        try:
            backup = find_backup(self.api, params['backup'], disk=source, required=True)
        except ResourceError:
            self.refuse_unnamed_replica(target)
            raise
        target = target or evs.get_volume(backup['disk_id'])
        if target is None:
            self.refuse_unnamed_replica(None)
            raise ResourceError("%s cannot be restored onto its disk %s: the disk no longer exists; create a "
                                "new disk from the backup (dataprotection.evs.disk, backup: %s)"
                                % (describe_backup(backup), backup['disk_id'], backup['id']))
        return backup, target

    def find_replica(self, target):
        """The replica ``backup`` of the disk ``replica_source_disk_id``; a replica of another disk, or a
        backup that is not a replica, is refused (GETs only)."""
        params = self.params
        origin = params['replica_source_disk_id']
        replicas = CBRReplication(self.client)
        raw = replicas.get_raw(params['backup']) if looks_like_id(params['backup']) else None
        if raw is None:  # by name, among the copies of that disk
            raw = replicas.get_raw(find_backup(self.api, params['backup'], disk={'id': origin, 'name': origin},
                                               required=True)['id'])
        backup = self.api.normalise(raw)
        if raw.get('resource_id') != origin:
            raise ResourceError(
                "%s is a copy of disk %s ('%s'), not of disk %s (replica_source_disk_id): restoring it onto %s "
                "would replace that disk's data with another disk's; nothing was changed"
                % (describe_backup(backup), raw.get('resource_id'), raw.get('resource_name'), origin,
                   describe_disk(target)))
        if raw.get('image_type', 'backup') != 'replication':
            raise ResourceError('%s is not a replica (a backup copied from another region): replica_source_disk_id '
                                'is for replicas; restore a backup of this region with source_disk; nothing was '
                                'changed' % describe_backup(backup))
        return backup

    def refuse_unnamed_replica(self, target):
        """A replica given by id without replica_source_disk_id: say what it is and how to confirm."""
        if self.params['backend'] != 'cbr' or not looks_like_id(self.params['backup']):
            return
        raw = CBRReplication(self.client).get_raw(self.params['backup'])
        if raw and raw.get('image_type') == 'replication':
            raise ResourceError(
                "%s is a replica of disk %s ('%s') of another region: restoring it onto %s replaces that disk's data "
                "with the data of disk %s; set replica_source_disk_id: %s to confirm; nothing was changed"
                % (describe_backup(self.api.normalise(raw)), raw.get('resource_id'), raw.get('resource_name'),
                   describe_disk(target) if target else 'a disk', raw.get('resource_id'), raw.get('resource_id')))
