# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: rpo_slot
short_description: The RPO slot a moment of the cloud's clock falls in
version_added: 1.0.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Cuts time into slots as long as the RPO, counted from the Unix epoch (UTC), and returns the
    one the given cloud time falls in. Taking one copy per slot, named after the slot, keeps
    the RPO and makes a second run in the same slot change nothing.
options:
  _input:
    description: The cloud's time (ISO 8601 UTC), the C(cloud_time) of an info module.
    type: str
    required: true
  rpo:
    description:
      - The RPO, a duration of at least C(1m) (C(15m), C(1h), C(1d) or seconds).
      - The stamp is to the minute, so shorter slots would share names; they are refused.
    type: raw
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Name the copy after the slot
  ansible.builtin.set_fact:
    snapshot_name: "shop-gold-{{ (disks.cloud_time | dataprotection.evs.rpo_slot('1h')).stamp }}"
'''

RETURN = r'''
_value:
  description: The slot.
  type: dict
  contains:
    start:
      description: Start of the slot (ISO 8601 UTC).
      type: str
    end:
      description: End of the slot (ISO 8601 UTC).
      type: str
    stamp:
      description: The start as C(YYYYMMDDTHHMMZ), for names.
      type: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import rpo_slot as slot
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError, named=True)
def rpo_slot(now, rpo):
    return slot(now, rpo)


FilterModule = filter_module(rpo_slot)
