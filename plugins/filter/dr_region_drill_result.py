# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_drill_result
short_description: The report's record of one disk of a region drill
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - From a job of P(dataprotection.evs.dr_region_drill_plan#filter) and the scratch disk as the
    destination region shows it, the record of the drill. It holds the replica and its source backup,
    RPO (the data's age) and RTO (O(finished_at) minus O(started_at), the destination region's
    clock), and the checks, each of which must pass (the scratch disk C(available), at least the
    replica's size, in the planned zone and, with O(checksums), its content's checksum equal to
    the source backup's).
  - A refused job, or one with O(error), is a failed drill with that reason.
options:
  _input:
    description: One job of P(dataprotection.evs.dr_region_drill_plan#filter).
    type: dict
    required: true
  scratch:
    description: The scratch disk as M(dataprotection.evs.disk_info) shows it.
    type: dict
  started_at:
    description: The destination region's time before the restore (ISO 8601 UTC).
    type: str
  finished_at:
    description: The destination region's time once the scratch disk was read back.
    type: str
  checksums:
    description:
      - The content's checksums, C(source_backup) and C(scratch), from the role's checksum hook;
        C(null) when there is no hook (the content is then not compared, and the record says so).
    type: dict
  error:
    description: Why the drill of this disk stopped.
    type: str
  check_mode:
    description: Whether the run is in check mode (nothing made, nothing verified).
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Record the drill of one disk
  ansible.builtin.set_fact:
    results: "{{ results + [job | dataprotection.evs.dr_region_drill_result(scratch=info.disks[0], started_at=t0, finished_at=info.cloud_time)] }}"
'''

RETURN = r'''
_value:
  description:
    - The record, with C(rpo_achieved_seconds), C(replica_age_seconds), C(rto_seconds), C(scratch)
      (C(kind), C(name), C(id), C(availability_zone), C(region)) and C(verification) (C(passed),
      C(checks), C(detail)).
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import region_drill_result
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module

SOURCE = 'the records must be what the drill role read and did (backup_replica_info, backup_info, disk)'


@refusing(RetentionError, named=True, malformed=(KeyError, TypeError, AttributeError, ValueError),
          source=SOURCE)
def dr_region_drill_result(job, scratch=None, started_at=None, finished_at=None, checksums=None, error=None,
                           check_mode=False):
    return region_drill_result(job, scratch, started_at, finished_at, checksums, error, check_mode)


FilterModule = filter_module(dr_region_drill_result)
