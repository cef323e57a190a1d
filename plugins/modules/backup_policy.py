#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_policy
short_description: Manage scheduled disk backup policies (CBR or VBS)
version_added: 1.0.0
description:
  - Makes sure a backup policy with a given name exists with the given schedule, retention and
    state, or that it does not exist. One interface for both services that back up disks.
  - With O(backend=cbr) (the default) it is a CBR backup policy (C(operation_type) C(backup)). A CBR
    policy backs up the disks of the vaults it is associated with; associate it with a vault
    through M(dataprotection.evs.vault) O(dataprotection.evs.vault#module:policy).
  - With O(backend=vbs) it is a VBS (Volume Backup Service) backup policy, which backs up the
    disks bound to it directly (O(disks)). VBS policies have no module of their own; this one
    covers them, with the same O(schedule) and retention options.
  - Only what is set is compared and changed; an option left out is never a change. Policy
    backups are named C(autobk_...) by the cloud.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description:
      - Name of the policy (1 to 64 letters, digits, C(_) or C(-)); VBS reserves names starting
        with C(default).
    type: str
    required: true
  state:
    description: Whether the policy should exist.
    type: str
    choices: [present, absent]
    default: present
  backend:
    description: The service that runs the policy.
    type: str
    choices: [cbr, vbs]
    default: cbr
  enabled:
    description: Whether the policy runs. A new policy is enabled unless this is V(false).
    type: bool
  schedule:
    description:
      - When backups are taken, as RRULE patterns as the CBR API takes them, in UTC, for example
        V(FREQ=DAILY;BYHOUR=2;BYMINUTE=0) or V(FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=22;BYMINUTE=30).
        C(FREQ) is C(DAILY) or C(WEEKLY); C(BYDAY), C(BYHOUR), C(BYMINUTE) (comma lists) and
        C(INTERVAL) (every N days or weeks) are optional; 1 to 24 patterns, times at least one
        hour apart. Required to create a policy.
      - Patterns are compared by meaning (C(BYMINUTE=00) is C(BYMINUTE=0), day order does not matter).
      - For VBS every pattern must run on the same days (C(DAILY) with C(INTERVAL) 1 to 30, or
        C(WEEKLY) with C(BYDAY)) at full hours (C(BYMINUTE=0)); it becomes the VBS C(start_time)
        and C(frequency) or C(week_frequency).
    type: list
    elements: str
  max_backups:
    description:
      - Keep the newest N scheduled backups of each disk. CBR 1 to 99999 (V(-1) = not limited by
        number); VBS 2 to 99 (C(rentention_num)).
      - Setting only one of O(max_backups) and O(retention_duration_days) makes the policy keep
        by that one (the other becomes not limited).
      - A VBS policy needs one of the two; without either a CBR policy keeps backups forever.
    type: int
  retention_duration_days:
    description:
      - Keep scheduled backups for N days. CBR 1 to 99999 (V(-1) = not limited by age); VBS 2 to
        99999 (C(rentention_day)).
    type: int
  long_term_retention:
    description:
      - CBR only. Also keep the newest backup of each of the latest N days, weeks, months and
        years (each 0 to 100), counted in O(long_term_retention.timezone).
      - Counts left out keep their current value.
    type: dict
    suboptions:
      day_backups:
        description: Days whose newest backup is kept.
        type: int
      week_backups:
        description: Weeks whose newest backup is kept.
        type: int
      month_backups:
        description: Months whose newest backup is kept.
        type: int
      year_backups:
        description: Years whose newest backup is kept.
        type: int
      timezone:
        description: Time zone of the periods, like V(UTC+01:00). Default V(UTC+00:00) when a count is set.
        type: str
  keep_first_backup_of_month:
    description: VBS only. Keep the first backup of each month beyond the retention.
    type: bool
  disks:
    description:
      - VBS only. Disks (names or ids) bound to the policy. A disk can be bound to one VBS policy
        only. Disks bound and not listed stay, unless O(purge_disks=true).
    type: list
    elements: str
  purge_disks:
    description: VBS only. Unbind the disks O(disks) does not list.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency.no_creation_time
notes:
  - O(wait) and O(wait_timeout) have no effect; policy changes are immediate.
  - The VBS API lists how many disks a policy has, not which. The module marks the disks it binds
    in their metadata (key C(vbs_backup_policy_id)) and trusts these marks while their number
    matches the policy's disk count; otherwise it binds the listed disks again (the cloud accepts
    that) and O(purge_disks) can only unbind marked disks.
'''

EXAMPLES = r'''
- name: Nightly CBR backups at 02:00 UTC, the last 7 kept, plus 4 weekly and 12 monthly ones
  dataprotection.evs.backup_policy:
    cloud: otc
    name: nightly
    schedule: ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"]
    max_backups: 7
    long_term_retention:
      week_backups: 4
      month_backups: 12
      timezone: "UTC+01:00"

- name: Associate it with a vault
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    size: 100
    resources: [db01]
    policy: nightly

- name: A VBS policy on weekdays at 01:00 and 13:00 UTC, kept 30 days, for two disks
  dataprotection.evs.backup_policy:
    cloud: otc
    backend: vbs
    name: weekdays
    schedule: ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=1,13;BYMINUTE=0"]
    retention_duration_days: 30
    disks: [db01, db02]

- name: Pause the CBR policy
  dataprotection.evs.backup_policy:
    cloud: otc
    name: nightly
    enabled: false
'''

RETURN = r'''
policy:
  description: The policy in one shape for both services (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Policy id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Policy name.
      type: str
    backend:
      description: C(cbr) or C(vbs).
      type: str
    enabled:
      description: Whether the policy runs.
      type: bool
    schedule:
      description: The RRULE patterns (as the cloud stores them; for VBS derived from its schedule).
      type: list
      elements: str
      sample: ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"]
    max_backups:
      description: Backups kept per disk by number (C(-1) = not limited).
      type: int
    retention_duration_days:
      description: Days backups are kept (C(-1) = not limited).
      type: int
    long_term_retention:
      description: CBR long-term retention (C(day_backups), C(week_backups), C(month_backups), C(year_backups), C(timezone)); C(null) for VBS.
      type: dict
    keep_first_backup_of_month:
      description: VBS only (C(null) for CBR).
      type: bool
    vault_ids:
      description: CBR vaults the policy is associated with (C(null) for VBS).
      type: list
      elements: str
    disk_ids:
      description: VBS disks bound to the policy, sorted (C(null) for CBR, or when unknown; see the notes).
      type: list
      elements: str
    disk_count:
      description: Number of disks bound to a VBS policy as the cloud counts them (C(null) for CBR).
      type: int
predicted_ref:
  description:
    - Only in check mode, when the policy would be created - a placeholder
      (C(predicted-by-check-mode:backup-policy:<name>)) that stands for it in later tasks of the
      same check run, so that they predict their own change with it. These options take it
      (in check mode only - it names nothing on the cloud).
    - O(dataprotection.evs.vault#module:policy)
  returned: check mode, when the policy would be created
  type: str
  sample: predicted-by-check-mode:backup-policy:nightly
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import (
    BackupPolicyResource, policy_argument_spec)


class BackupPolicyModule(BackupPolicyResource):
    argument_spec = policy_argument_spec(
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        long_term_retention=dict(type='dict', options=dict(
            day_backups=dict(type='int'), week_backups=dict(type='int'), month_backups=dict(type='int'),
            year_backups=dict(type='int'), timezone=dict(type='str'))),
        keep_first_backup_of_month=dict(type='bool'),
        disks=dict(type='list', elements='str'),
        purge_disks=dict(type='bool', default=False),
    )


def main():
    BackupPolicyModule.execute()


if __name__ == '__main__':
    main()
