# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_restore_point
short_description: The newest available copy at or before a point in time
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - From the copies (snapshots or backups) of one disk, the newest C(available) one created at
    or before O(before), or at or before O(now) (the cloud's time) when O(before) is not given.
  - Fails with the reason, naming the oldest copy, when there is none.
  - The snapshot a VBS or CBR backup left on its disk (C(autobk_snapshot_*), C(manualbk_snapshot_*))
    is never chosen; the cloud refuses to roll it back or to make a disk of it.
options:
  _input:
    description: The copies, each with C(created_at) and C(status).
    type: list
    elements: dict
    required: true
  before:
    description: The point in time (ISO 8601 UTC, for example C(2026-11-20T10:00:00Z)).
    type: str
  now:
    description: The cloud's time, used when O(before) is not given.
    type: str
  what:
    description: Words for the disk in messages.
    type: str
    default: disk
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The newest snapshot before 10:00
  ansible.builtin.set_fact:
    point: "{{ snaps.snapshots | dataprotection.evs.dr_restore_point('2026-11-20T10:00:00Z') }}"
'''

RETURN = r'''
_value:
  description: The chosen copy, plus C(created) (its creation time, ISO 8601 UTC) and
    C(restore_before) (the point asked for).
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import restore_point
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_restore_point(copies, before=None, now=None, what='disk'):
    return restore_point(copies, before, now, what)


FilterModule = filter_module(dr_restore_point)
