# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_audit
short_description: Audit the disks of a DR policy against their tiers
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For every disk a checked policy (P(dataprotection.evs.dr_policy#filter)) covers, lists the
    available copies per mechanism (snapshots, backups, live replication pairs), their age on the
    cloud's clock, and where they live (the disk's AZ, object storage, another AZ).
  - The snapshot a VBS or CBR backup left on its disk (C(autobk_snapshot_*), C(manualbk_snapshot_*))
    is not counted as a snapshot copy; it cannot be rolled back or made into a disk.
  - "The verdict is C(compliant) when the newest copy that survives the tier's failure is no
    older than the RPO (for C(failure: az) only copies outside the disk's AZ count: backups and
    live replication) and every mechanism the tier uses has a copy; else C(out of policy), with
    the reasons (no copy, stale, only copies in the disk's AZ, a missing mechanism)."
  - A disk a tier names (or lists by id) that the cloud does not have is a row with the verdict
    C(missing) and the reason, not a failure, so that the report still covers the other disks.
options:
  snapshots:
    description: The snapshots (C(snapshots) of M(dataprotection.evs.snapshot_info)).
    type: list
    elements: dict
  backups:
    description: The backups (C(backups) of M(dataprotection.evs.backup_info)).
    type: list
    elements: dict
  groups:
    description: The protection groups (M(dataprotection.evs.protection_group_info)).
    type: list
    elements: dict
  vaults:
    description:
      - The CBR vaults (C(vaults) of M(dataprotection.evs.vault_info)); needed only when there are
        CBR backups.
      - A CBR backup in the vault of one of the policy's backup tiers (named C(<policy>-<tier>),
        the vault the P(dataprotection.evs.backup_policy#role) role makes and schedules) counts as
        the policy's (C(by_policy)). Without the vaults no CBR backup does.
    type: list
    elements: dict
  replicas:
    description:
      - The replicas of the region tiers (C(failure) C(region)) in their destination regions
        (C(replicas) of M(dataprotection.evs.backup_replica_info) with
        O(dataprotection.evs.backup_replica_info#module:destination_vault) the tier's replication
        vault C(<policy>-<tier>), which reads only the destination region, so it works while the
        disks' region is down).
      - Only a replica in another region survives the loss of the disk's region; its age is
        counted from when its copy started, on the cloud's clock.
    type: list
    elements: dict
    version_added: 1.1.0
  backup_policies:
    description:
      - The backup policies (C(policies) of M(dataprotection.evs.backup_policy_info) with
        O(dataprotection.evs.backup_policy_info#module:backend=vbs)); needed only when there are
        VBS backups made by a schedule (named C(autobk_...)).
      - Such a backup of a disk bound to the VBS policy of one of the policy's backup tiers (named
        C(<policy>-<tier>)) counts as the policy's (C(by_policy)). VBS backups do not name the
        policy that made them, so one made by another policy the disk was bound to before counts
        too.
      - A backup's own name never makes it the policy's; a backup taken by hand and named like
        the policy's backups is not.
    type: list
    elements: dict
  zones:
    description:
      - The availability zones and whether each is up (C(zones) of M(dataprotection.evs.disk_info)
        with O(dataprotection.evs.disk_info#module:zones=true)).
      - Copies in a zone that is down (a disk's snapshots, a pair whose DR AZ is down) do not
        count as usable; a disk whose AZ is down gets a note in C(notes) saying what can still
        bring it back (backups restored into another AZ, a failover).
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter
  - dataprotection.evs.policy_filter.now
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: Audit
  ansible.builtin.set_fact:
    report: "{{ disks.disks | dataprotection.evs.dr_audit(checked_policy, disks.cloud_time, snapshots=snaps.snapshots) }}"
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    policy:
      description: The policy name.
      type: str
    cloud_time:
      description: The time the ages are computed against.
      type: str
    compliant:
      description: Whether every covered disk is compliant; false when the policy covers no disk
        at all (C(problems) says so), never a vacuous "0 of 0 compliant".
      type: bool
    problems:
      description: What makes the whole audit fail besides the disks' verdicts (a policy that
        covers no disk).
      type: list
      elements: str
    summary:
      description: Counts C(disks), C(compliant), C(out_of_policy), and C(empty_tiers) (the tiers
        that cover no disk).
      type: dict
    disks:
      description: One row per tier and disk, with C(tier), C(failure), C(rpo), C(disk_id),
        C(disk_name), C(availability_zone), C(copies) (each with C(mechanism), C(name),
        C(created_at), C(age) in seconds, C(location), C(usable), and C(by_policy), true for a
        snapshot with the policy's C(dp_evs_policy) mark and for a backup in the policy's vault or
        made by its VBS policy, see O(vaults) and O(backup_policies)), C(copies_per_mechanism),
        C(newest_surviving_age), C(availability_zone_up), C(verdict), C(reasons) and C(notes).
      type: list
      elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit import audit
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import POLICY_REFUSALS, refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(POLICY_REFUSALS)
def dr_audit(disks, policy, now, snapshots=None, backups=None, pairs=None, groups=None, zones=None, vaults=None,
             backup_policies=None, replicas=None, servers=None):
    return audit(disks, policy, now, snapshots, backups, pairs, groups, zones, vaults, backup_policies, replicas,
                 servers)


FilterModule = filter_module(dr_audit)
