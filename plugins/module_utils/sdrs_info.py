# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the SDRS *_info modules that list what belongs to a protection group.

Not in ``sdrs.py``: the filters and the inventory plugin import that one, and need no module base.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.module import InfoModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import SdrsMixin


class GroupMembersInfoModule(SdrsMixin, InfoModule):
    """Lists what ``list_members()`` returns, filtered by the ``protection_group`` and ``name``
    options (documented by the doc fragment ``dataprotection.evs.info_filters.protection_group``)."""

    argument_spec = dict(
        protection_group=dict(type='str'),
        name=dict(type='str'),
    )

    def list(self):
        return self.list_members(self.group_filter(), self.params['name'])

    def list_members(self, group, name):
        """The raw API objects of ``group`` (None: of every group) named ``name`` (None: any)."""
        raise NotImplementedError
