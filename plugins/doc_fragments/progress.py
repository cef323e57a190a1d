# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # modules whose action plugin waits in steps (plugins/plugin_utils/waiting.py)
    DOCUMENTATION = r'''
options:
  progress_interval:
    description:
      - While the module waits (O(wait=true)), a line of progress every this
        many seconds in the job output (what it waits for, its status, the time waited).
      - The wait is done in steps of this length, each a run of the module that finds the work the
        step before started and waits on it (nothing is started twice); O(wait_timeout) is the
        time of all steps together. A step that times out returns C(timed_out) (what it waited for,
        the status wanted and the last status seen) with its failure.
      - V(0) waits in one step, silently. Check mode waits for nothing.
    type: int
    default: 60
'''
