# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_drill_marked
short_description: The scratch disks and DR drills that carry the marks of a DR drill run
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - The drill role marks what it makes. A scratch disk carries the metadata C(dp_evs_drill) (the
    run id) and C(dp_evs_drill_of) (the id of the disk it is a copy of), and a name that starts
    with C(dp-drill-<run>-). A DR drill (whose API has neither metadata nor a description) is
    named C(dp-drill-<run>-<check>), where C(<check>) is the first 10 hex digits of the SHA-1 of
    C(<run>:<protection group id>), and belongs to that protection group.
  - Returns the resources of the given disks and protection groups that carry all these marks,
    each with its run and whether its lease (O(lease) seconds from its C(created_at), on the
    cloud's clock) is over. A resource with a name that looks like a drill's but without all the
    marks is never returned, nor one whose marks do not parse.
options:
  _input:
    description: Disks as M(dataprotection.evs.disk_info) returns them.
    type: list
    elements: dict
    required: true
  drills:
    description: DR drills as M(dataprotection.evs.dr_drill_info) returns them.
    type: list
    elements: dict
    default: []
  disks_of:
    description: Only scratch disks that are copies of these disk ids.
    type: list
    elements: str
    default: []
  groups:
    description: Only DR drills of these protection group ids.
    type: list
    elements: str
    default: []
  now:
    description: The cloud's time (ISO 8601 UTC), the C(cloud_time) of an info module.
    type: str
    required: true
  lease:
    description: Seconds a drill run may take; a resource older than this is a leftover.
    type: int
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Leftovers of earlier drills of these disks
  ansible.builtin.set_fact:
    leftovers: >-
      {{ found.disks | dataprotection.evs.dr_drill_marked(disks_of=[disk.id], now=found.cloud_time, lease=86400)
         | rejectattr('run', 'equalto', drill_run) | selectattr('expired') | list }}
'''

RETURN = r'''
_value:
  description: The marked resources, disks first.
  type: list
  elements: dict
  contains:
    kind:
      description: C(disk) or C(dr_drill).
      type: str
    id:
      description: Id.
      type: str
    name:
      description: Name.
      type: str
    run:
      description: The id of the drill run that made it.
      type: str
    of:
      description: The disk id (scratch disks) or the protection group id (DR drills) it belongs to.
      type: str
    created_at:
      description: When the cloud made it (ISO 8601 UTC).
      type: str
    expired:
      description: Whether its lease is over (its run has ended, or failed to clean up).
      type: bool
'''

import datetime
import hashlib
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, format_time, parse_time, require_records)
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module

RUN = re.compile(r'^[a-z0-9]{1,20}$')
DRILL_NAME = re.compile(r'^dp-drill-([a-z0-9]{1,20})-([0-9a-f]{10})$')


def drill_check(run, group_id):
    """The part of a DR drill's name that binds it to its run and its protection group."""
    return hashlib.sha1(('%s:%s' % (run, group_id)).encode('utf-8')).hexdigest()[:10]


def _created(resource):
    try:
        return parse_time(resource.get('created_at'))
    except RetentionError:
        return None


def _marked_disk(disk, disks_of):
    metadata = disk.get('metadata') if isinstance(disk.get('metadata'), dict) else {}
    run, of = metadata.get('dp_evs_drill'), metadata.get('dp_evs_drill_of')
    if not (isinstance(run, str) and RUN.match(run) and isinstance(of, str) and of in disks_of):
        return None
    if not str(disk.get('name') or '').startswith('dp-drill-%s-' % run):
        return None
    return dict(kind='disk', run=run, of=of)


def _marked_drill(drill, groups):
    match = DRILL_NAME.match(str(drill.get('name') or ''))
    group_id = drill.get('server_group_id')
    if not match or not isinstance(group_id, str) or group_id not in groups or match.group(2) != drill_check(match.group(1), group_id):
        return None
    return dict(kind='dr_drill', run=match.group(1), of=group_id)


def _ids(value, what):
    if value is None:
        return set()
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise AnsibleFilterError('dr_drill_marked: %s must be a list of ids, not %r' % (what, value))
    return set(value)


@refusing(RetentionError, named=True)
def dr_drill_marked(disks, drills=None, disks_of=None, groups=None, now=None, lease=None):
    now = parse_time(now, 'now')
    if isinstance(lease, bool) or not isinstance(lease, int) or lease < 0:
        raise AnsibleFilterError('dr_drill_marked: lease must be a number of seconds, not %r' % (lease,))
    disks, drills = require_records(disks, 'the disks', optional=True), require_records(drills, 'the DR drills', optional=True)
    disks_of, groups = _ids(disks_of, 'disks_of'), _ids(groups, 'groups')
    found = []
    for resources, marked, scope in ((disks, _marked_disk, disks_of), (drills, _marked_drill, groups)):
        for resource in resources:
            record = marked(resource, scope)
            created = record and _created(resource)
            if created is None:  # no marks, or marks that do not parse: not a drill's
                continue
            record.update(id=resource.get('id'), name=resource.get('name'), created_at=format_time(created),
                          expired=created + datetime.timedelta(seconds=lease) <= now)
            found.append(record)
    return found


FilterModule = filter_module(dr_drill_marked)
