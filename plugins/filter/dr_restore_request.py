# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_restore_request
short_description: Which restore sources the restore role takes and which copies it reads, from the mechanism registry
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - For a restore source (the restore role's C(restore_source)), what the mechanism registry
    (C(plugins/plugin_utils/mechanisms/registry.py)) declares, so that the role checks the
    request before its first request and reads the copies without naming a mechanism.
  - A mechanism whose copies restore a disk is a source with no edit of the role (see the guide
    "Adding a DR mechanism").
options:
  _input:
    description: The restore source (C(auto) or a mechanism name).
    type: str
    required: true
  zone_up:
    description: Whether the disk's availability zone is up (copies that live there are not read while it is down).
    type: bool
    default: true
  other_region:
    description: The restore is in another region, from the disk's replicas there.
    type: bool
    default: false
  disk:
    description: The disk's name, for the refusal's text.
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: Refuse a source the restore does not take
  ansible.builtin.assert:
    that: (restore_source | dataprotection.evs.dr_restore_request).valid
'''

RETURN = r'''
_value:
  description:
    - C(accepted), the sources taken (C(auto), the mechanisms whose copies restore a disk, and those
      refused with their reason; in another region C(auto) and the sources the replicas there
      answer to); C(valid), whether the input is one of them; C(refusal), why the input is refused
      (for example a failover of a whole protection group is no restore of one disk), or C(null);
      C(reads), the kinds of copies to read for it (C(snapshots), C(backups), the keywords of
      P(dataprotection.evs.dr_restore_plan#filter)).
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import restore_request
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError, named=True)
def dr_restore_request(source, zone_up=True, other_region=False, disk=None):
    return restore_request(source, zone_up=zone_up, other_region=other_region, disk=disk)


FilterModule = filter_module(dr_restore_request)
