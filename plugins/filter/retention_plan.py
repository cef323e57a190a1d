# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: retention_plan
short_description: Which copies a generational retention keeps and which it prunes
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Given the snapshots (or backups) of one or many disks, a retention and the cloud's current
    time, returns the copies to keep (with the reasons), the copies to prune, and the copies the
    retention does not touch.
  - Per disk, among the C(available) copies the policy made, it keeps the O(retention.last)
    newest, the newest copy of each of the O(retention.hourly), O(retention.daily),
    O(retention.weekly) (ISO weeks, Monday to Sunday), O(retention.monthly) and
    O(retention.yearly) most recent calendar periods (UTC) that hold a copy, and every copy
    younger than O(retention.within) on the cloud's clock. This is the rule of CBR's long-term
    retention, so a tier's retention means the same for snapshots and backups.
  - The newest available copy of a disk is never pruned. Copies another tool made (without the
    policy's mark in their metadata) and copies that are not C(available) are never pruned.
  - The snapshot a VBS or CBR backup left on its disk (C(autobk_snapshot_*), C(manualbk_snapshot_*),
    or C(made_by_backup) from M(dataprotection.evs.snapshot_info)) is no copy; it is ignored, never
    counts as the disk's newest copy and is never pruned.
  - Times are the cloud's (C(cloud_time) of M(dataprotection.evs.snapshot_info)), never the
    controller's.
options:
  _input:
    description: The copies, each a dict with C(id), C(created_at), C(status), C(metadata) and the
      disk key (O(group_by)), as M(dataprotection.evs.snapshot_info) returns them.
    type: list
    elements: dict
    required: true
  retention:
    description:
      - How many copies to keep; at least one count must be above 0.
      - Each of the period counts (O(retention.hourly) to O(retention.yearly)) keeps the newest copy
        of each of the N most recent periods that hold one.
    type: dict
    required: true
    suboptions:
      last:
        description: Keep the N newest copies.
        type: int
        default: 0
      hourly: {description: N hours (a period count)., type: int, default: 0}
      daily: {description: N days (a period count)., type: int, default: 0}
      weekly: {description: N ISO weeks (a period count)., type: int, default: 0}
      monthly: {description: N months (a period count)., type: int, default: 0}
      yearly: {description: N years (a period count)., type: int, default: 0}
      within:
        description: Keep every copy younger than this duration (C(36h), C(7d), C(2w) or seconds).
        type: raw
  now:
    description: The cloud's current time (ISO 8601 UTC), the C(cloud_time) of an info module.
    type: str
    required: true
  policy:
    description:
      - Only copies whose metadata has C(dp_evs_policy) equal to this are pruned.
      - Required, so that a copy without the policy's mark (taken by hand, or by another tool) is
        never pruned, whatever its name.
    type: str
    required: true
  tier:
    description: Only copies whose metadata has C(dp_evs_tier) equal to this are pruned.
    type: str
  group_by:
    description: The key of a copy that names its disk; retention applies per disk.
    type: str
    default: volume_id
  due:
    description:
      - The copies due in this run (the P(dataprotection.evs.dr_policy_targets#filter) items). Those
        that O(_input) does not hold yet are planned as if created at O(now), so that a check-mode
        run, which creates nothing, predicts the prune of the real run.
    type: list
    elements: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Read the snapshots of the policy
  dataprotection.evs.snapshot_info:
    metadata:
      dp_evs_policy: gold
  register: policy_snapshots

- name: Plan the retention on the cloud's clock
  ansible.builtin.set_fact:
    retention: "{{ policy_snapshots.snapshots | dataprotection.evs.retention_plan(
                   {'last': 3, 'daily': 7, 'weekly': 4, 'monthly': 12},
                   policy_snapshots.cloud_time, policy='gold') }}"

- name: Prune what the plan drops
  dataprotection.evs.snapshot:
    disk: "{{ item.volume_id }}"
    name: "{{ item.id }}"
    state: absent
  loop: "{{ retention.prune }}"
'''

RETURN = r'''
_value:
  description: The plan.
  type: dict
  contains:
    keep:
      description: The copies kept, newest first per disk, each with C(retention_reasons)
        (for example C(daily 2026-11-25), C(last 3), C(newest)).
      type: list
      elements: dict
    prune:
      description: The copies to delete (with an empty C(retention_reasons)).
      type: list
      elements: dict
    ignored:
      description: The copies the retention does not touch (another tool's, or not available),
        with the reason.
      type: list
      elements: dict
    summary:
      description: One line per copy, C(keep <name> (<created_at>) - <reasons>) or C(prune <name> (<created_at>)).
      type: list
      elements: str
    disks:
      description: Per disk key, the ids kept (C(keep)) and pruned (C(prune)).
      type: dict
    now:
      description: The time the plan was computed for.
      type: str
    retention:
      description: The retention with every key (counts, C(within) in seconds).
      type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError, retention_plan as plan
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError, named=True)
def retention_plan(copies, retention, now, policy=None, tier=None, group_by='volume_id', due=None):
    return plan(copies, retention, now, policy=policy, tier=tier, group_by=group_by, due=due)


FilterModule = filter_module(retention_plan)
