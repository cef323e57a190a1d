# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the EVS ``*_info`` modules list (``disk_info``, ``snapshot_info``): the listings and filters
their ``info.Info`` declarations name. Reads only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup, matches


def list_disks(module):
    """The disks the options ask for: the one of ``id`` (if it matches the other filters), else a
    listing the cloud filters."""
    params = module.params
    if params['id']:
        volume = module.evs.get_volume(params['id'])
        filters = dict((k, params[k]) for k in ('name', 'availability_zone', 'status'))
        return [volume] if volume and matches(volume, filters, params['metadata']) else []
    return module.evs.list_volumes(name=params['name'], status=params['status'],
                                   availability_zone=params['availability_zone'], metadata=params['metadata'])


def zones(module):
    """The region's availability zones and whether each is available now."""
    return module.evs.list_availability_zones() or {}


def list_snapshots(module):
    """The snapshots the options ask for (of the ``disk``: one that does not exist is an error)."""
    params = module.params
    volume_id = module.evs.find_volume(params['disk'], required=True)['id'] if params['disk'] else None
    return module.evs.list_snapshots(volume_id=volume_id, name=params['name'], status=params['status'],
                                     metadata=params['metadata'])


def with_backup_mark(snapshot):
    """The snapshot with ``made_by_backup``: whether a backup made it (and removes it)."""
    return dict(snapshot, made_by_backup=made_by_backup(snapshot))


def wanted_snapshot(params, snapshot):
    """A backup's own snapshot only with ``include_backup_snapshots``."""
    return params['include_backup_snapshots'] or not snapshot['made_by_backup']


def created_order(resource):
    """Oldest first by creation time (the id breaks ties)."""
    return (resource.get('created_at') or '', resource.get('id') or '')
