# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_restore_plan
short_description: How to bring a disk back by point in time, from a snapshot or a backup
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Chooses the copy (snapshot or backup) to restore a disk from, and how (a new disk from it, a
    rollback of the snapshot onto the disk, or a restore of the backup onto the disk).
  - The snapshot a VBS or CBR backup left on its disk (C(autobk_snapshot_*), C(manualbk_snapshot_*))
    is never chosen; the cloud refuses to roll it back or to make a disk of it.
  - With O(source=auto) the newest available copy at or before O(before) wins. A snapshot and a
    backup at most O(same_time_window) seconds apart are the same point in time, and the
    snapshot (in the disk's zone, nothing to copy from object storage) is preferred.
  - Snapshots live in the disk's availability zone. While that zone is unavailable (O(zones))
    they are unusable, nothing can be written onto the disk, and a new disk from a backup goes
    into another zone (O(new_disk_availability_zone), default the first available zone). A
    snapshot can only become a disk in its own zone; a backup in any zone of the region.
  - Fails with every reason, and the mechanism that would have helped, when no copy qualifies.
    O(source=replication) is refused with a pointer to the failover playbook (a failover
    switches a whole protection group, not one disk).
options:
  _input:
    description: The disk, as M(dataprotection.evs.disk_info) returns it (C(id), C(name), C(availability_zone)).
    type: dict
    required: true
  snapshots:
    description: The disk's snapshots (M(dataprotection.evs.snapshot_info)).
    type: list
    elements: dict
  backups:
    description: Backups (M(dataprotection.evs.backup_info)); only those of the disk (C(disk_id)) count.
    type: list
    elements: dict
  before:
    description: The point in time (ISO 8601 UTC); default O(now).
    type: str
  now:
    description: The cloud's time; used when O(before) is not given and for the copy's age.
    type: str
  zones:
    description: Availability zone to whether it is up (C(zones) of M(dataprotection.evs.disk_info)).
    type: dict
  source:
    description: Which copies may be used.
    type: str
    choices: [auto, snapshot, backup, replication]
    default: auto
  target:
    description: C(new) for a new disk, C(original) to overwrite the disk.
    type: str
    choices: [new, original]
    default: new
  new_disk_availability_zone:
    description: Zone of the new disk; default the disk's (another one while it is down).
    type: str
  same_time_window:
    description: Seconds within which a snapshot and a backup count as the same point.
    type: int
    default: 0
  new_disk_name:
    description: Name of the new disk; default C(<disk>-restored-<copy time YYYYMMDDTHHMMZ>).
    type: str
  request_id:
    description:
      - Names the restore request (O(target=original)), as the C(request_id) of
        M(dataprotection.evs.snapshot_rollback) and M(dataprotection.evs.backup_restore).
      - When the disk's record says the chosen copy was already written onto it, the same id
        makes the plan C(record=done), another id C(record=restore); without an id the filter
        fails (the cloud cannot tell whether the disk was written since), naming
        C(restore_request_id).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The plan for db01 at 10:00
  ansible.builtin.set_fact:
    plan: >-
      {{ disks.disks[0] | dataprotection.evs.dr_restore_plan(snapshots=snaps.snapshots, backups=backups.backups,
         before='2026-11-20T10:00:00Z', now=disks.cloud_time, zones=disks.zones) }}
'''

RETURN = r'''
_value:
  description: The plan.
  type: dict
  contains:
    mechanism:
      description: C(snapshot) or C(backup).
      type: str
    action:
      description: C(create_from_snapshot), C(create_from_backup), C(rollback) or C(backup_restore).
      type: str
    source_copy:
      description: The chosen copy, plus C(created) (ISO 8601 UTC) and C(restore_before).
      type: dict
    availability_zone:
      description: The zone of the disk that holds the restored data.
      type: str
    disk_zone_up:
      description: Whether the disk's own zone is available.
      type: bool
    new_disk_name:
      description: The name of the new disk (O(target=new)).
      type: str
    record:
      description:
        - O(target=original) only. What the disk's record of earlier restores means for this one
          (the rule of M(dataprotection.evs.snapshot_rollback)), one of C(restore) (write the copy),
          C(done) (this O(request_id) already wrote it) or C(running) (the recorded restore of
          this copy still runs).
      type: str
    new_disk_metadata:
      description:
        - O(target=new) only. The metadata for the new disk, the disk's own keys (so the policies
          that select the disk by metadata select the restored disk too) without the
          collection's bookkeeping keys (C(dp_evs_*), restore records, drill and policy marks)
          and the keys the cloud sets (C(__system__*)), plus C(dp_evs_restored_from) (the copy's id).
      type: dict
    new_disk_from:
      description:
        - O(target=new) only. The option of M(dataprotection.evs.disk) that makes the new disk from
          the copy, with the copy's id (C(snapshot) or C(backup)), as the copy's mechanism declares it.
      type: dict
    copy_age_seconds:
      description: Age of the copy on the cloud's clock (when O(now) is given), the RPO achieved.
      type: int
    notes:
      description: Why this copy and zone were chosen, in words.
      type: list
      elements: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import restore_plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_restore_plan(disk, snapshots=None, backups=None, before=None, now=None, zones=None, source='auto',
                    target='new', new_disk_availability_zone=None, same_time_window=0, new_disk_name=None,
                    request_id=None):
    return restore_plan(disk, snapshots, backups, before, now, zones, source, target,
                        new_disk_availability_zone, same_time_window, new_disk_name, request_id)


FilterModule = filter_module(dr_restore_plan)
