# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_select_disks
short_description: The disks a selector covers, checked as strictly as a DR policy's tier
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - From all disks of the project (the C(disks) of M(dataprotection.evs.disk_info)), the ones a
    selector covers, sorted by name - by the same rule as the tiers of a DR policy
    (P(dataprotection.evs.dr_policy_disks#filter)), for playbooks that select disks without a policy
    (the C(dataprotection.evs.snapshot) playbook).
  - The selector is checked first, so an empty input list checks it without any request.
  - "Metadata values are text, as the cloud stores them: an integer is compared as its decimal
    text; a boolean (YAML reads an unquoted C(yes), C(no), C(true), C(false), C(on), C(off) as
    one), C(null), a float or a structure fails: quote the value the disks carry."
  - An empty or null selector fails; every disk of the project takes C(all_disks=true), alone.
  - The DR side of a replication pair in O(pairs) is never selected.
options:
  _input:
    description: All disks of the project.
    type: list
    elements: dict
    required: true
  selector:
    description: Which disks.
    type: dict
    required: true
    suboptions:
      metadata:
        description: Key/value pairs a disk must all carry.
        type: dict
      names:
        description: Disk names (each must name exactly one disk).
        type: list
        elements: str
      ids:
        description: Disk ids.
        type: list
        elements: str
      all_disks:
        description: Every disk of the project (but the DR replicas); refused with other keys.
        type: bool
        default: false
  what:
    description: How error messages name the selector.
    type: str
    default: selector
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
  - dataprotection.evs.policy_filter.pairs
'''

EXAMPLES = r'''
- name: The disks to snapshot
  ansible.builtin.set_fact:
    selected: >-
      {{ all_disks.disks | dataprotection.evs.dr_select_disks({'metadata': {'backup': 'daily'}},
           pairs=pairs.replication_pairs) }}
'''

RETURN = r'''
_value:
  description: The selected disks, as given.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError, check_selector, select_by
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError, require_records
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


def dr_select_disks(disks, selector, pairs=None, what='selector'):
    problems = []
    wanted = check_selector(selector, what, problems)
    if not problems:
        try:
            chosen, problems = select_by(require_records(disks, 'the disks'), wanted, what, pairs)
            selected = sorted(chosen.values(), key=lambda d: (str(d.get('name') or ''), str(d['id'])))
        except (PolicyError, RetentionError) as exc:
            raise AnsibleFilterError(str(exc))
        except (KeyError, TypeError, AttributeError) as exc:
            raise AnsibleFilterError('dr_select_disks: the disks must be what disk_info returns (%s)' % exc)
    if problems:
        raise AnsibleFilterError('%s is refused, nothing was changed:\n  - %s' % (what, '\n  - '.join(problems)))
    return selected


FilterModule = filter_module(dr_select_disks)
