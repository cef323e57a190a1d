# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_role_variables
short_description: Refuse a mistyped variable of one of the collection's roles
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Every role of the collection runs this check first, so that a typo such as
    C(restore_confrim=true) fails the run, naming the variable and the one meant, instead of
    giving a green job that silently used the default (and, for a confirmation, did nothing).
  - The known variables of a role are the options of its C(meta/argument_specs.yml), the keys of
    its C(defaults/main.yml) and C(vars/main.yml), and every name its own task files (in C(tasks)
    and its subfolders) set (C(register), C(set_fact), task C(vars), C(loop_var)), read from
    O(role_path).
  - A variable with the role's prefix (C(<role>_)) that is not known is reported when it is a
    typo of a known one, one edit apart (a letter added, dropped, changed, or two neighbours
    swapped), two for names of more than 12 characters after the prefix; the run fails.
  - Any other unknown variable with the prefix is reported as a warning that names it, and the run
    goes on, as the same prefix is the one ansible-lint asks plays to give their own facts
    (C(restore_ticket), C(drill_verify_disks)), which the role cannot tell apart from a mistake.
options:
  _input:
    description:
      - The names of the variables the task sees that start with the prefix, as
        C(lookup('ansible.builtin.varnames', '^restore_', wantlist=True)) returns them.
    type: list
    elements: str
    required: true
  role_path:
    description: The role's directory, C(role_path).
    type: path
    required: true
  prefix:
    description: The role's prefix; default the name of O(role_path) followed by C(_).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Refuse mistyped restore_* variables
  ansible.builtin.fail:
    msg: "{{ restore_unknown_variables }}"
  when: restore_unknown_variables | length > 0
  vars:
    restore_unknown_variables: >-
      {{ lookup('ansible.builtin.varnames', '^restore_', wantlist=True) | dataprotection.evs.dr_role_variables(role_path) }}
'''

RETURN = r'''
_value:
  description:
    - Empty when every name is known or no typo of a known one; else one message that names each
      mistyped variable and the known variable closest to it, and says that nothing was changed.
  type: str
'''

import os

from ansible.errors import AnsibleFilterError
from ansible.parsing.utils.yaml import from_yaml
from ansible.utils.display import Display

from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module

TASK_FACT_ACTIONS = ('set_fact', 'ansible.builtin.set_fact', 'ansible.legacy.set_fact')
NESTED_TASK_KEYS = ('block', 'rescue', 'always')


def _load(path):
    if not os.path.isfile(path):
        return None
    with open(path, 'rb') as handle:
        return from_yaml(handle.read().decode('utf-8'), file_name=os.path.abspath(path))


def _names_set_by_tasks(tasks, names):
    for task in tasks if isinstance(tasks, list) else []:
        if not isinstance(task, dict):
            continue
        if isinstance(task.get('register'), str):
            names.add(task['register'])
        for key in ('vars',) + TASK_FACT_ACTIONS:
            if isinstance(task.get(key), dict):
                names.update(k for k in task[key] if k != 'cacheable')
        loop_var = (task.get('loop_control') or {}).get('loop_var') if isinstance(task.get('loop_control'), dict) else None
        if isinstance(loop_var, str):
            names.add(loop_var)
        for key in NESTED_TASK_KEYS:
            _names_set_by_tasks(task.get(key), names)
    return names


def known_role_variables(role_path):
    """Every variable name the role at ``role_path`` takes or sets."""
    names = set()
    specs = (_load(os.path.join(role_path, 'meta', 'argument_specs.yml')) or {}).get('argument_specs') or {}
    for entry in specs.values():
        names.update(((entry or {}).get('options') or {}).keys())
    for path in ('defaults', 'vars'):
        names.update((_load(os.path.join(role_path, path, 'main.yml')) or {}).keys())
    # task files in subfolders too (the protect role's tasks/mechanisms/)
    for folder, _dirs, files in sorted(os.walk(os.path.join(role_path, 'tasks'))):
        for name in sorted(files):
            if name.endswith(('.yml', '.yaml')):
                _names_set_by_tasks(_load(os.path.join(folder, name)), names)
    return names


def edit_distance(one, other):
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbours each count 1 (the typos people make)."""
    previous, current = None, list(range(len(other) + 1))
    for i in range(1, len(one) + 1):
        before, previous, current = previous, current, [i] + [0] * len(other)
        for j in range(1, len(other) + 1):
            cost = 0 if one[i - 1] == other[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and one[i - 1] == other[j - 2] and one[i - 2] == other[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


def dr_role_variables(names, role_path, prefix=None):
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise AnsibleFilterError('dr_role_variables takes a list of variable names, not %r' % (names,))
    if not role_path or not os.path.isdir(str(role_path)):
        raise AnsibleFilterError('dr_role_variables needs the role directory (role_path), not %r' % (role_path,))
    role_path = str(role_path)
    if prefix is not None and not (isinstance(prefix, str) and prefix):
        raise AnsibleFilterError('dr_role_variables: prefix must be the variables\' common start, not %r' % (prefix,))
    prefix = prefix or os.path.basename(os.path.normpath(role_path)) + '_'
    known = known_role_variables(role_path)
    candidates = sorted(k for k in known if k.startswith(prefix))
    problems, unknown = [], []
    for name in sorted(set(names)):
        if not name.startswith(prefix) or name in known:
            continue
        suffix = name[len(prefix):]
        limit = 2 if len(suffix) > 12 else 1
        distance, closest = min((edit_distance(suffix, k[len(prefix):]), k) for k in candidates) if candidates else (None, None)
        if distance is not None and distance <= limit:
            problems.append('%s (did you mean %s?)' % (name, closest))
        else:
            unknown.append(name)
    role = prefix.rstrip('_')
    if unknown:
        Display().warning('the %s role does not use the variable%s %s (a fact of the play, or a mistake: the role '
                          'ignores it)' % (role, 's' if len(unknown) > 1 else '', ', '.join(unknown)))
    if not problems:
        return ''
    return ('the %s role does not know the variable%s %s; a mistyped variable is ignored and its default used, so '
            'the run stops here; nothing was changed' % (role, 's' if len(problems) > 1 else '', ', '.join(problems)))


FilterModule = filter_module(dr_role_variables)
