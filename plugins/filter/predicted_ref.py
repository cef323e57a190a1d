# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: predicted_ref
short_description: A parent by its name, or by the placeholder a check run predicted for it
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - In check mode a module that would create a protection group or a protected instance answers
    C(predicted_ref), a placeholder that later tasks of the same check run pass where that
    resource is their parent, so that they predict their own change under it (see
    M(dataprotection.evs.protection_group)).
  - Returns the C(predicted_ref) that the registered result of such a task (a loop's results
    included) answered for the resource named as the input, or the name itself when it answered
    none (a real run, or a resource that exists). A real run therefore passes the name, as without
    this filter.
options:
  _input:
    description: The name of the parent resource.
    type: str
    required: true
  made:
    description: The registered result of the task that creates the parent (or a loop of such tasks).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: A protected instance in the group the task before creates (also predicted in check mode)
  dataprotection.evs.protected_instance:
    protection_group: "{{ 'shop' | dataprotection.evs.predicted_ref(shop_group) }}"
    name: db
    server: db
'''

RETURN = r'''
_value:
  description: The placeholder predicted for the resource, or the input name.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, name_of
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


def predicted_ref(name, made):
    results = made.get('results', [made]) if isinstance(made, dict) else None
    if not isinstance(results, list):
        raise AnsibleFilterError('predicted_ref: made must be a registered task result, not %r' % (made,))
    for result in results:
        ref = result.get('predicted_ref') if isinstance(result, dict) else None
        if is_placeholder(ref) and name_of(ref) == name:
            return ref
    return name


FilterModule = filter_module(predicted_ref)
