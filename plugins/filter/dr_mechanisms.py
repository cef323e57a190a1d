# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_mechanisms
short_description: How the protect role applies each DR mechanism, from the mechanism registry
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For mechanism names (the C(mechanisms) of the tiers of a checked policy,
    P(dataprotection.evs.dr_policy#filter)), what the mechanism registry
    (C(plugins/plugin_utils/mechanisms/registry.py)) declares for each, in the order the protect
    role applies them (snapshot, backup, replication, then any extra mechanism).
  - A name the registry does not have fails - the task files the protect role includes are named
    only by the registry, never by text from a policy or from the cloud.
  - See the guide "Adding a DR mechanism" (docs/docsite/rst/guide_mechanisms.rst).
options:
  _input:
    description: Mechanism names; duplicates are dropped.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Apply each mechanism of the tiers
  ansible.builtin.include_tasks: "{{ mechanism.tasks }}"
  loop: "{{ checked_policy.tiers | map(attribute='mechanisms') | flatten | dataprotection.evs.dr_mechanisms }}"
  loop_control:
    loop_var: mechanism
'''

RETURN = r'''
_value:
  description:
    - One item per mechanism, in the registry's order, with C(name), C(survives) (the failures
      its copies survive, of C(disk), C(az), C(region)), C(min_rpo) (the shortest RPO in seconds
      it keeps alone; 0 for continuous copies), C(tasks) (the protect role's task file that
      applies it, relative to the role's C(tasks) folder) and C(preflight_tasks) (the task file
      that checks its tiers against the cloud from reads only, or C(null)).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(registry.MechanismError, named=True)
def dr_mechanisms(names):
    if not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
        raise AnsibleFilterError('dr_mechanisms: give a list of mechanism names, not %r' % (names,))
    return [registry.get(name).describe() for name in registry.ordered(names)]


FilterModule = filter_module(dr_mechanisms)
