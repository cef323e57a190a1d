# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # every filter of the collection: how it refuses
    DOCUMENTATION = r'''
options:
  errors:
    description:
      - What the filter does with input it refuses (a policy the mechanisms cannot honour, a selector
        that is not strict, a copy that cannot be restored...).
      - C(strict) fails the task. Ansible then wraps the filter's message in its own words about
        templating the task's arguments.
      - C(return) returns a dictionary with the single key C(refused), the message, instead, as the collection's roles do, so that a
        following C(ansible.builtin.fail) task shows the message alone (O(errors=return) never hides
        a Python error, only refusals).
    type: str
    choices: [strict, return]
    default: strict
'''
