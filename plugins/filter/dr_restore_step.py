# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_restore_step
short_description: What a restore does with its plan, done before, unconfirmed or refused
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Takes a plan of P(dataprotection.evs.dr_restore_plan#filter) and says what the restore role
    does with it (create the new disk, write the copy onto the disk, or nothing) and which
    refusal stops it before any change.
  - A new disk (C(target=new)) whose name is taken by a disk a restore made (C(dp_evs_restored_from)
    in its metadata) was made by an earlier run, so there is nothing to do. A disk of that name that no
    restore made is refused (RV(_value.name_taken)).
  - Writing onto the disk (C(target=original)) needs O(confirm); without it RV(_value.unconfirmed) names
    the variable. The cloud writes a copy only onto a detached disk, so an attached disk is
    detached and attached again only with O(detach); without it RV(_value.attached) names the variable.
options:
  _input:
    description: The plan (P(dataprotection.evs.dr_restore_plan#filter)).
    type: dict
    required: true
  disk:
    description: The disk the plan restores, as M(dataprotection.evs.disk_info) returns it (with C(attachments)).
    type: dict
    required: true
  existing:
    description: The disks named as the plan's new disk (M(dataprotection.evs.disk_info) by name); C(target=new) only.
    type: list
    elements: dict
  confirm:
    description: The confirmation of an overwrite, read as Ansible's C(bool) filter reads it.
    type: raw
    default: false
  detach:
    description: Whether an attached disk may be detached and attached again, read as C(bool).
    type: raw
    default: false
  request_id:
    description: The restore request's id (for the plan in words).
    type: str
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: What to do
  ansible.builtin.set_fact:
    step: "{{ plan | dataprotection.evs.dr_restore_step(disk, existing=found.disks, confirm=restore_confirm) }}"

- name: Refuse an unconfirmed overwrite
  ansible.builtin.fail:
    msg: "{{ step.unconfirmed }}"
  when: step.unconfirmed is not none
'''

RETURN = r'''
_value:
  description: The step.
  type: dict
  contains:
    create:
      description: Create the new disk (C(target=new), no earlier restore made it).
      type: bool
    write:
      description: Write the copy onto the disk (C(target=original), confirmed); the module decides from the disk's record.
      type: bool
    existing:
      description: The disk an earlier restore made, or C(null).
      type: dict
    needs_detach:
      description: The disk must be detached for the overwrite, and attached again after.
      type: bool
    attachments:
      description: The disk's attachments (C(server_id), C(device)).
      type: list
      elements: dict
    attached_to:
      description: The attachments in words (C(<server> at <device>, ...)).
      type: str
    done:
      description: False only when an overwrite was needed and not confirmed.
      type: bool
    already_done:
      description:
        - True when an earlier run brought this copy back already (the new disk it made exists, or the
          original disk's record says this request wrote this copy) - this run recovers nothing.
      type: bool
    name_taken:
      description: The refusal when the new disk's name is taken by a disk no restore made, else C(null).
      type: str
    unconfirmed:
      description: The refusal of an overwrite without O(confirm), else C(null).
      type: str
    attached:
      description: The refusal of an overwrite of an attached disk without O(detach), else C(null).
      type: str
    summary:
      description: The plan in words.
      type: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import restore_step
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_restore_step(plan, disk, existing=None, confirm=False, detach=False, request_id=None):
    return restore_step(plan, disk, existing, confirm, detach, request_id)


FilterModule = filter_module(dr_restore_step)
