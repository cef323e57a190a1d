# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_drill_plan
short_description: What a region drill restores per disk, from which replica, and where
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For each disk, the newest C(available) replica in the destination region whose source
    backup is known (newest by the source backup's creation time, the instant its data comes
    from), its source backup, the data's age on the cloud's clock (C(rpo_achieved_seconds)),
    the replica's own age (C(replica_age_seconds)), and the scratch disk the drill makes of it
    (C(scratch_name) C(dp-drill-<run>-<disk>-region), C(availability_zone)).
  - A disk without such a replica, or a destination region without the zone asked for, gets
    C(refused) (the reason); the drill records it as failed and makes nothing for it.
options:
  _input:
    description: The disks to drill, as M(dataprotection.evs.disk_info) returns them (source region).
    type: list
    elements: dict
    required: true
  replicas:
    description: The replicas, as M(dataprotection.evs.backup_replica_info) returns them (with C(source_backup_id)).
    type: list
    elements: dict
    default: []
  backups:
    description: The source backups, as M(dataprotection.evs.backup_info) returns them.
    type: list
    elements: dict
    default: []
  now:
    description: The cloud's time (ISO 8601 UTC), the C(cloud_time) of an info module.
    type: str
    required: true
  run:
    description: The drill run's id, part of the scratch disks' names.
    type: str
    required: true
  zones:
    description: The destination region's zones (name -> available), the C(zones) of M(dataprotection.evs.disk_info).
    type: dict
  availability_zone:
    description: The zone for the scratch disks; default the first available zone of O(zones).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Plan the region drill of db01
  ansible.builtin.set_fact:
    jobs: >-
      {{ [db01] | dataprotection.evs.dr_region_drill_plan(replicas=found.replicas, backups=source.backups,
                                                           now=found.cloud_time, run='r1', zones=dest.zones) }}
'''

RETURN = r'''
_value:
  description: One job per disk.
  type: list
  elements: dict
  contains:
    disk:
      description: The source disk (C(id), C(name), C(size), C(availability_zone)).
      type: dict
    replica:
      description: The chosen replica, or C(null).
      type: dict
    source_backup:
      description: Its source backup, or C(null).
      type: dict
    rpo_achieved_seconds:
      description: Age of the replica's data (now minus the source backup's creation).
      type: int
    replica_age_seconds:
      description: Age of the replica itself (now minus its creation in the destination region).
      type: int
    scratch_name:
      description: The name of the scratch disk.
      type: str
    availability_zone:
      description: Its zone in the destination region.
      type: str
    refused:
      description: Why this disk cannot be drilled, or C(null).
      type: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import region_drill_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module

SOURCE = 'the records must be what the drill role read and did (backup_replica_info, backup_info, disk)'


@refusing(RetentionError, named=True, malformed=(KeyError, TypeError, AttributeError, ValueError),
          source=SOURCE)
def dr_region_drill_plan(disks, replicas=None, backups=None, now=None, run=None, zones=None, availability_zone=None):
    return region_drill_plan(disks, replicas, backups, now, run, zones, availability_zone)


FilterModule = filter_module(dr_region_drill_plan)
