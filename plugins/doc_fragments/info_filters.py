# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # the filters of the SDRS info modules that list what belongs to a protection group
    # (module_utils.sdrs_info.members)
    PROTECTION_GROUP = r'''
options:
  protection_group:
    description:
      - Only those of this protection group (name or id). A group that does not exist is an error.
    type: str
  name:
    description: Only the one with this name.
    type: str
'''

    # the order of the info modules that list copies (snapshots, backups)
    SORT = r'''
options:
  sort:
    description: Order by creation time.
    type: str
    choices: [newest_first, oldest_first]
    default: newest_first
'''
