# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_restore_plan
short_description: Choose the replica to restore a disk from in another region, and where
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Chooses the newest C(available) replica of a disk (a CBR backup copied to O(region),
    M(dataprotection.evs.backup_replica_info)) created at or before O(before), and where it comes back in
    O(region), either a new disk in O(new_disk_availability_zone) (default the first available zone
    of O(region)) or the existing disk O(onto) of O(region).
  - Needs nothing of the source region, so it plans a restore while that region is down. The disk
    is named as its replicas record it (C(disk_id), or C(disk_name) when no replica has that id).
  - The plan has the keys of P(dataprotection.evs.dr_restore_plan#filter) (C(mechanism=backup);
    C(target=new), or C(original) for the disk O(onto) written onto), so
    P(dataprotection.evs.dr_restore_step#filter) decides the step, plus C(region) and C(source_disk).
options:
  _input:
    description: The source disk, by id or name, as its replicas record it.
    type: str
    required: true
  replicas:
    description: The replicas in O(region) (M(dataprotection.evs.backup_replica_info) C(replicas)).
    type: list
    elements: dict
    required: true
  region:
    description: The region the replicas are in, where the disk comes back.
    type: str
    required: true
  now:
    description: The cloud's time in O(region) (a C(cloud_time) of a module run there).
    type: str
  zones:
    description: The availability zones of O(region) and whether they are up (M(dataprotection.evs.disk_info) C(zones)).
    type: dict
  before:
    description: The point in time (ISO 8601 UTC); default O(now), the newest replica.
    type: str
  new_disk_availability_zone:
    description: Zone of the new disk; default the first available zone of O(region).
    type: str
  new_disk_name:
    description: Name of the new disk; default C(<disk name>-restored-<replica time YYYYMMDDTHHMMZ>).
    type: str
  onto:
    description:
      - An existing disk of O(region) to write the replica onto (as M(dataprotection.evs.disk_info)
        returns it), instead of a new disk. At least as large as the replica, in an available zone.
    type: dict
  request_id:
    description:
      - With O(onto), names the restore request, as for P(dataprotection.evs.dr_restore_plan#filter)
        (C(record) C(restore), C(done) or C(running)).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The plan for db01 in eu-nl, eu-de being down
  ansible.builtin.set_fact:
    plan: >-
      {{ 'db01' | dataprotection.evs.dr_region_restore_plan(replicas=found.replicas, region='eu-nl',
         now=nl_disks.cloud_time, zones=nl_disks.zones, new_disk_availability_zone='eu-nl-02') }}
'''

RETURN = r'''
_value:
  description: The plan, with the keys of P(dataprotection.evs.dr_restore_plan#filter) and the ones below.
  type: dict
  contains:
    region:
      description: The region the disk comes back in.
      type: str
    source_disk:
      description: The source disk as its replica records it (C(id), C(name), C(availability_zone), C(region)).
      type: dict
    copy_age_seconds:
      description: Age of the replica on the cloud's clock (when O(now) is given), the RPO achieved.
      type: int
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import region_restore_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_region_restore_plan(disk, replicas=None, region=None, now=None, zones=None, before=None,
                           new_disk_availability_zone=None, new_disk_name=None, onto=None, request_id=None):
    return region_restore_plan(disk, replicas, region, now, zones, before, new_disk_availability_zone,
                               new_disk_name, onto, request_id)


FilterModule = filter_module(dr_region_restore_plan)
