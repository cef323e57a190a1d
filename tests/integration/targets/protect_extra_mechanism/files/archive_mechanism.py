# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A second mechanism that exists only in the tests: 'archive', whose copies are a disk's backups,
restores a disk and is drilled through the restore and drill roles, registered through
DP_EVS_EXTRA_MECHANISMS with no edit anywhere else (the roles ask the registry: dr_restore_request,
dr_drill_request, dr_restore_plan)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry


class Archive(registry.Mechanism):
    name = 'archive'
    survives = ('disk', 'az')
    min_rpo = 3600
    restore_copies = 'backups'
    restore_actions = {'new': 'create_from_backup', 'original': 'backup_restore'}
    new_disk_option = 'backup'


MECHANISMS = [Archive()]
