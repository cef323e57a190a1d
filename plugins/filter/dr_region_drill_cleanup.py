# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_drill_cleanup
short_description: What the cleanup of a region drill did to each scratch disk
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - "Each record of P(dataprotection.evs.dr_region_drill_result#filter) with C(cleanup) C(deleted),
    C(nothing to delete), C(failed: <name> is still there), C(failed: the cleanup could not
    finish: <why>) or, in check mode, C(check mode: nothing made)."
options:
  _input:
    description: The records.
    type: list
    elements: dict
    required: true
  found:
    description: Names of this run's marked scratch disks the cleanup found and deleted.
    type: list
    elements: str
  left:
    description: Names of this run's marked scratch disks still there after the deletes.
    type: list
    elements: str
  error:
    description: Why the cleanup could not finish.
    type: str
  check_mode:
    description: Whether the run is in check mode.
    type: bool
    default: false
  tier:
    description: The policy tier drilled (a region drill of a DR policy), added to each record as C(tier).
    type: str
    version_added: 1.1.0
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Record the cleanup
  ansible.builtin.set_fact:
    results: "{{ results | dataprotection.evs.dr_region_drill_cleanup(found=deleted_names, left=left_names) }}"
'''

RETURN = r'''
_value:
  description: The records, each with C(cleanup) (and C(tier) when given).
  type: list
  elements: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import region_drill_cleanup
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module

SOURCE = 'the records must be what the drill role read and did (backup_replica_info, backup_info, disk)'


@refusing(RetentionError, named=True, malformed=(KeyError, TypeError, AttributeError, ValueError),
          source=SOURCE)
def dr_region_drill_cleanup(results, found=None, left=None, error=None, check_mode=False, tier=None):
    return region_drill_cleanup(results, found, left, error, check_mode, tier)


FilterModule = filter_module(dr_region_drill_cleanup)
