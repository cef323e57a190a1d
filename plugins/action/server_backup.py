# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server_backup module, its wait in steps of progress_interval with a line of progress between."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.waiting import WaitInSteps


class ActionModule(WaitInSteps):
    pass
