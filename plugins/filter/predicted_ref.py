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
    included, and the items of a batch module's result) answered for the resource named as the
    input, or the name itself when it answered none (a real run, or a resource that exists). A real
    run therefore passes the name, as without this filter.
options:
  _input:
    description: The name of the parent resource.
    type: str
    required: true
  made:
    description: The registered result of the task that creates the parent (or a loop of such tasks).
    type: dict
    required: true
  parent:
    description:
      - The id of the resource the named one belongs to, for resources whose name is unique only
        there (the backups of M(dataprotection.evs.backup_batch), one per disk under one name).
    type: str
'''

EXAMPLES = r'''
- name: A protected instance in the group the task before creates (also predicted in check mode)
  dataprotection.evs.protected_instance:
    protection_group: "{{ 'shop' | dataprotection.evs.predicted_ref(shop_group) }}"
    name: db
    server: db

- name: A replica of a backup the task before takes (also predicted in check mode)
  dataprotection.evs.backup_replica_batch:
    destination_region: eu-nl
    backups:
      - backup: "{{ 'daily' | dataprotection.evs.predicted_ref(started, parent=db_disk_id) }}"
        vault: gold
        destination_vault: gold
    predicted_backups: "{{ started.backups | selectattr('predicted_ref', 'defined') | list }}"
'''

RETURN = r'''
_value:
  description: The placeholder predicted for the resource, or the input name.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, name_of, parent_of
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


def predicted_ref(name, made, parent=None):
    results = made.get('results', [made]) if isinstance(made, dict) else None
    if not isinstance(results, list):
        raise AnsibleFilterError('predicted_ref: made must be a registered task result, not %r' % (made,))
    for result in results:
        for answer in answers(result):
            ref = answer.get('predicted_ref')
            if is_placeholder(ref) and name_of(ref) == name and parent_of(ref) == parent:
                return ref
    return name


def answers(result):
    """``result`` (a task's) and, for a batch module, the item results of its lists."""
    if not isinstance(result, dict):
        return []
    items = [element for value in result.values() if isinstance(value, list) for element in value]
    return [result] + [element for element in items if isinstance(element, dict)]


FilterModule = filter_module(predicted_ref)
