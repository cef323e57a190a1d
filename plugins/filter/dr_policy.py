# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_policy
short_description: Check a DR policy against what the mechanisms can do and map its tiers onto them
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Checks a declared DR policy and returns it normalized, with the mechanisms each tier needs
    and why. A policy that the cloud's mechanisms cannot satisfy fails with one error that lists
    every reason and what would satisfy it, before any request is sent.
  - "Mapping: C(snapshot) for point-in-time copies with fast same-AZ rollback (any RPO above 0);
    C(backup) (CBR) for copies in object storage that survive the loss of the disk's AZ (RPO of
    1 hour or more); C(replication) (SDRS) when the RPO is 0, or a tier must survive an AZ with an
    RPO under 1 hour or an RTO under 1 hour (standing DR disks and servers, in an AZ less than
    100 km away)."
  - "Refused: C(failure: region) while no registered mechanism leaves the region (none of the
    built-in ones does); RPO 0 without replication;
    surviving an AZ with snapshots only; backups for an RPO under 1 hour; snapshots more often than
    once a minute (an RPO or O(_input.tiers[].snapshot_every) under C(1m)); replication without
    O(_input.tiers[].secondary_az); a tier without a retention when it keeps copies; a tier name
    with C(-); unknown keys."
  - "Refused too: snapshots the cloud cannot keep. The cloud lets a disk have a limited number of
    manual snapshots (O(_input.snapshots_per_disk), 7 on Open Telekom Cloud; the snapshots a
    backup makes do not count), and a run takes a tier's next snapshot before it prunes the oldest.
    So each tier that snapshots may keep at most O(_input.snapshots_per_disk) - 1 snapshots per
    disk, and tiers that can cover the same disk share that: their counts plus one each must not
    exceed the limit. The error names the tiers, the count, the limit and the fix: keep fewer
    snapshots (O(_input.tiers[].snapshot_retention)) and the longer history as backups."
  - "How many snapshots a retention keeps per disk is counted as an upper bound, with one snapshot
    per slot (O(_input.tiers[].snapshot_every)) taken at any moment of its slot: C(last), C(within)
    (its length divided by the slot, rounded up, plus 1 for a late run) and the C(hourly) and
    C(daily) periods that hold at most one snapshot (the slot is a whole number of them) keep the
    newest snapshots, so they count as the largest of them; every other period C(K) adds C(K - 1)
    (the newest snapshot is in all of them). Example - C({last: 2, daily: 7, weekly: 4, monthly: 3})
    with daily snapshots keeps up to 7 + 3 + 2 = 12."
  - "Tiers can cover the same disk unless their selectors cannot meet: metadata with one key of
    different values, or names (or ids) that are all different. A disk may carry any metadata and
    any name, so a metadata selector and a names selector are assumed to meet."
  - "The mechanisms are declared in the mechanism registry (C(plugins/plugin_utils/mechanisms/registry.py),
    one module per mechanism); see P(dataprotection.evs.dr_mechanisms#filter) and the guide
    C(guide_mechanisms)."
  - "Names: a tier's vault, backup policy and protection group are named C(<policy>-<tier>) and its
    copies C(<policy>-<tier>-<slot>). A tier name holds no C(-), so a name is read from the right and
    two policies never name the same resource (policy C(db) tier C(prod-daily) is refused; policy
    C(db-prod) tier C(daily) is C(db-prod-daily)). Which copies are a policy's is decided by the
    metadata marks C(dp_evs_policy) and C(dp_evs_tier), never by the name."
options:
  _input:
    description: The policy.
    type: dict
    required: true
    suboptions:
      name:
        description: Name of the policy (1 to 40 letters, digits, C(-), C(_)); it marks the copies
          the policy makes (metadata C(dp_evs_policy)) and starts their names.
        type: str
        required: true
      description:
        description: Free text.
        type: str
      az_distances_km:
        description: Known distances between AZs, keyed C(az-a/az-b); a secondary AZ farther than
          100 km from a disk's AZ is refused.
        type: dict
      snapshots_per_disk:
        description:
          - The most manual snapshots the cloud lets a disk have; the policy's snapshots (every
            tier that can cover the disk, plus the one each takes before pruning) must fit.
          - Open Telekom Cloud documents 7 (EVS User Guide, Creating an EVS Snapshot), as Huawei
            Cloud does for its legacy snapshots; Huawei Cloud's standard snapshots allow 256 per
            disk (7 of them with Instant Snapshot Restore). Raise it only where the cloud keeps more.
          - Snapshots others take of a disk by hand count towards the cloud's limit too; leave room
            for them.
        type: int
        default: 7
      tiers:
        description: The tiers.
        type: list
        elements: dict
        required: true
        suboptions:
          name:
            description: Name of the tier (1 to 40 letters, digits, C(_); no C(-)); it marks the
              copies with metadata C(dp_evs_tier) and follows the policy's name in resource names.
            type: str
            required: true
          failure:
            description: The failure the tier must survive, C(disk) (lost or corrupted data on
              the disk) or C(az) (the loss of the disk's AZ). C(region) is refused until a registered
              mechanism survives the loss of a region (a tier may ask only for what one survives).
            type: str
            required: true
            choices: [disk, az, region]
          rpo:
            description: The most data the tier may lose, as a duration (C(0), C(15m), C(1h),
              C(1d), C(1w) or seconds). Snapshots are taken once per RPO slot; an RPO that
              snapshots must keep is at least C(1m) (slots are named to the minute).
            type: raw
            required: true
          rto:
            description: How fast service must be back (a duration); under 1 hour with
              C(failure=az) needs replication.
            type: raw
          retention:
            description:
              - How many copies to keep, as for P(dataprotection.evs.retention_plan#filter) (C(last),
                C(hourly), C(daily), C(weekly), C(monthly), C(yearly), C(within)).
              - It keeps the tier's backups, and its snapshots unless
                O(_input.tiers[].snapshot_retention) is given.
            type: dict
          snapshot_retention:
            description:
              - How many snapshots to keep, for a tier that keeps snapshots and backups; the same keys
                as O(_input.tiers[].retention), which then keeps the backups only.
              - "Snapshots live with the disk and the cloud keeps few per disk
                (O(_input.snapshots_per_disk)); keep the last hours or days as snapshots for fast
                rollback, and weeks, months and years as backups. Example -
                C(snapshot_retention: {last: 6}) and C(retention: {daily: 7, weekly: 4, monthly: 12})."
              - Refused on a tier without snapshots, and on a tier without backups (its
                O(_input.tiers[].retention) is its snapshots' already; add C(backup) to
                O(_input.tiers[].mechanisms) to keep the longer history as backups).
            type: dict
          disks:
            description:
              - The disks the tier covers; a disk is covered when it carries all of C(metadata),
                or is in C(names), or in C(ids); C(all_disks=true) (alone) covers every disk of
                the project. An empty selector is refused.
              - Metadata values are text, as the cloud stores them; an integer is compared as its
                decimal text, and a boolean (YAML reads an unquoted C(yes), C(no), C(true), C(false),
                C(on), C(off) as one), C(null), a float or a structure is refused - quote the value
                the disks carry.
              - The DR side of an SDRS replication pair is never covered, whatever the selector
                says (the filters that apply the policy take the pairs).
            type: dict
            required: true
          mechanisms:
            description: The mechanisms to use, instead of the derived ones; they are checked
              against the tier.
            type: list
            elements: str
            choices: [snapshot, backup, replication]
          secondary_az:
            description: The DR AZ for replication.
            type: str
          snapshot_every:
            description: How often to snapshot (a duration from C(1m), at most the RPO); defaults to
              the RPO, or for an RPO of 0 to 1 hour when the snapshots' retention keeps hourly copies,
              else 1 day.
            type: raw
          force:
            description: Snapshot disks that are attached to a server (crash-consistent).
            type: bool
            default: true
          app_consistency:
            description:
              - Take the tier's snapshots application-consistent, all its servers in one step (a consistency
                group); only for a tier that takes snapshots. See the guide
                R(Application-consistent snapshots,ansible_collections.dataprotection.evs.docsite.guide_app_consistency).
              - >-
                C(servers), a list with, per server the tier's disks are attached to, C(server) (its id), C(host)
                (the inventory host the hooks run on; default C(server)), C(quiesce) and C(resume) (each a
                command, or C({tasks: <task file>}) for a task file); a disk attached to a server it does not list is refused.
              - C(max_freeze), the longest the servers may stay quiesced (a duration; default C(30s)).
              - The checked tier has C(app_consistency) (C(max_freeze) in seconds, the hooks as C(command) or
                C(tasks)), or C(null).
            type: dict
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Check the policy before anything else
  ansible.builtin.set_fact:
    checked_policy: "{{ dr_policy | dataprotection.evs.dr_policy }}"

# dr_policy:
#   name: shop
#   tiers:
#     - name: bronze
#       failure: disk
#       rpo: 1d
#       retention: {daily: 6}
#       disks: {metadata: {tier: bronze}}
#     - name: silver
#       failure: az
#       rpo: 4h
#       snapshot_retention: {last: 6}          # one day of snapshots
#       retention: {daily: 7, weekly: 4, monthly: 12}   # the backups
#       disks: {metadata: {tier: silver}}
'''

RETURN = r'''
_value:
  description:
    - The policy with every key (C(snapshots_per_disk) 7 unless given); each tier has C(rpo) and C(rto) in seconds,
      C(rpo_text), the normalized C(retention), C(snapshot_retention) (the retention its snapshots are
      pruned by, for a tier that snapshots, else C(null)), C(disks) (C(metadata), C(names), C(ids)),
      C(mechanisms) (ordered snapshot, backup, replication) and C(mechanism_reasons) (why each).
    - A tier that uses backups has C(backup) (else C(null)) - C(every) (seconds between backups, the RPO
      but at least 1 hour), C(schedule) (RRULE patterns in UTC), C(cbr) and C(vbs) (the options of
      M(dataprotection.evs.backup_policy) that keep the tier's retention as closely as each service
      allows) and C(notes) (per service, what it keeps differently - always more, never less).
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.policy import PolicyError, check_policy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PolicyError)
def dr_policy(policy):
    return check_policy(policy)


FilterModule = filter_module(dr_policy)
