# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the SDRS ``*_info`` modules list: protection groups, and what belongs to a group (protected
instances, replication pairs, DR drills), the listings their ``info.Info`` declarations name.

Not in ``sdrs.py``: the filters and the inventory plugin import that one, and need no module base.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    SDRS, with_group_state, with_pair_sides)

#: the filters of what belongs to a group (doc fragment ``info_filters.protection_group``)
MEMBER_OPTIONS = dict(
    protection_group=dict(type='str'),
    name=dict(type='str'),
)


def list_groups(module):
    """The protection groups of the ``name`` (or id) and ``status`` options."""
    sdrs, name, status = SDRS(module.client), module.params['name'], module.params['status']
    if name and looks_like_id(name):
        group = sdrs.get_group(name)
        if group is not None:
            return [group] if status in (None, group.get('status')) else []
    return sdrs.list_groups(name=name, status=status)


def members(lister):
    """The listing of what ``lister(sdrs, group, params)`` lists in the group the ``protection_group``
    option names (one that does not exist is an error; None when the option is not set: every group)."""
    def listing(module):
        sdrs, params = SDRS(module.client), module.params
        group = with_group_state(sdrs.find_group(params['protection_group'], required=True)) \
            if params['protection_group'] else None
        return lister(sdrs, group, params)
    return listing


def drills(sdrs, group, params):
    return sdrs.list_drills(group_id=group and group['id'], name=params['name'])


def instances(sdrs, group, params):
    return sdrs.list_instances(group_id=group and group['id'], name=params['name'])


def pairs(sdrs, group, params):
    """The pairs, also of the ``protected_instance`` option (one that does not exist is an error)."""
    instance_id = None
    if params['protected_instance']:
        instance_id = sdrs.find_instance(params['protected_instance'], group, required=True)['id']
    found = sdrs.list_pairs(group_id=group and group['id'], name=params['name'], protected_instance_id=instance_id)
    return [p for p in map(with_pair_sides, found) if instance_id is None or p['protected_instance'] == instance_id]
