# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # the options of module_utils.module.metadata_argument_spec()
    DOCUMENTATION = r'''
options:
  metadata:
    description:
      - Metadata key/value pairs. Values are stored as strings, so C(1) and C("1") are the same.
    type: dict
  purge_metadata:
    description:
      - Remove the metadata keys that are not in O(metadata) (keys starting with C(__system__),
        which the cloud sets, are always kept).
      - With C(false), the keys of O(metadata) are added or updated and the others are kept.
    type: bool
    default: false
'''
