# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_app_consistency
short_description: Split the due snapshots into plain ones and application-consistent groups
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Takes the snapshots to take (the result of P(dataprotection.evs.dr_snapshot_batch#filter)) and splits them by
    their tier. The snapshots of a tier without C(app_consistency) are C(plain), taken as before.
  - The snapshots of a tier with C(app_consistency) form one group (a consistency group) per tier, with the
    servers their disks are attached to (in the order the tier lists them, with their inventory C(host) and
    C(quiesce) and C(resume) hooks), the tier's C(max_freeze) (seconds), and one C(run_id)
    (C(<tier>-<run_id>)) that every snapshot of the group carries in its metadata as C(dp_evs_group_run),
    beside C(dp_evs_consistency=application).
  - A disk of such a tier attached to a server the tier does not list is refused, naming the disk and the
    server, as its copy could not be application-consistent.
options:
  _input:
    description: The snapshots to take (the result of P(dataprotection.evs.dr_snapshot_batch#filter)).
    type: list
    elements: dict
    required: true
  policy:
    description: The checked policy (P(dataprotection.evs.dr_policy#filter)).
    type: dict
    required: true
  disks:
    description: The disks with their C(attachments) (C(disks) of M(dataprotection.evs.disk_info)).
    type: list
    elements: dict
    required: true
  run_id:
    description: What makes this run's group marks unique, for example the controller's time and a random part.
    type: str
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The plain snapshots and the application-consistent groups of this run
  ansible.builtin.set_fact:
    split: >-
      {{ due | dataprotection.evs.dr_app_consistency(checked_policy, disks.disks,
           run_id=now(utc=true).strftime('%Y%m%dT%H%M%SZ')) }}
'''

RETURN = r'''
_value:
  description:
    - C(plain), the snapshots of tiers without C(app_consistency), and C(groups), one per tier with
      C(app_consistency) that has a snapshot due, each with C(tier), C(run_id), C(max_freeze) (seconds),
      C(servers) (each with C(server), C(host), C(quiesce) and C(resume), a hook being C(command) or C(tasks))
      and C(snapshots) (marked).
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.app_consistency import app_groups
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(PolicyError, malformed=(KeyError, TypeError, AttributeError),
          source='the snapshots must come from dr_snapshot_batch and the policy from dr_policy')
def dr_app_consistency(batch, policy, disks, run_id):
    return app_groups(batch or [], policy, disks or [], str(run_id))


FilterModule = filter_module(dr_app_consistency)
