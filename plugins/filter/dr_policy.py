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
  - "Refused: C(failure: region) (no mechanism leaves the region); RPO 0 without replication;
    surviving an AZ with snapshots only; backups for an RPO under 1 hour; snapshots more often than
    once a minute (an RPO or O(_input.tiers[].snapshot_every) under C(1m)); replication without
    O(_input.tiers[].secondary_az); a tier without a retention when it keeps copies; a tier name
    with C(-); unknown keys."
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
              the disk) or C(az) (the loss of the disk's AZ). C(region) is refused.
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
            description: How many copies to keep, as for
              P(dataprotection.evs.retention_plan#filter) (C(last), C(hourly), C(daily),
              C(weekly), C(monthly), C(yearly), C(within)).
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
              the RPO, or for an RPO of 0 to 1 hour when the retention keeps hourly copies, else 1 day.
            type: raw
          force:
            description: Snapshot disks that are attached to a server (crash-consistent).
            type: bool
            default: true
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
#       retention: {last: 2, daily: 7, weekly: 4}
#       disks: {metadata: {tier: bronze}}
'''

RETURN = r'''
_value:
  description:
    - The policy with every key; each tier has C(rpo) and C(rto) in seconds,
      C(rpo_text), the normalized C(retention), C(disks) (C(metadata), C(names), C(ids)),
      C(mechanisms) (ordered snapshot, backup, replication) and C(mechanism_reasons) (why each).
    - A tier that uses backups has C(backup) (else C(null)) - C(every) (seconds between backups, the RPO
      but at least 1 hour), C(schedule) (RRULE patterns in UTC), C(cbr) and C(vbs) (the options of
      M(dataprotection.evs.backup_policy) that keep the tier's retention as closely as each service
      allows) and C(notes) (per service, what it keeps differently - always more, never less).
  type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.policy import PolicyError, check_policy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import untrusted_filters


def dr_policy(policy):
    try:
        return check_policy(policy)
    except PolicyError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return untrusted_filters({'dr_policy': dr_policy})
