# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # modules whose create is re-checked for a namesake that a concurrent run made
    DOCUMENTATION = r'''
attributes:
  concurrent_runs:
    description:
      - Two runs at once (an AWX schedule, a cron job and a person can overlap) leave one resource, not two.
    support: full
    details:
      - After a create the module lists the resources of the same name (on the same disk, or in the same
        availability zone). When a concurrent run created one too, every run keeps the first made (the
        oldest C(created_at), then the smallest id). The other run deletes only the copy it created
        itself, never anything it did not create (nor a copy whose create lost its answer; it may be the
        other run's), warns naming both ids, and returns the one kept as not changed by it; it still
        updates that one to what it asks, and reports that change.
      - A create that the other run's resource makes fail or be refused (a vault whose disks are in the
        other run's vault) takes that resource instead. Check mode sends nothing, as always.
'''

    # the cloud shows no creation time: a concurrent duplicate is reported, not removed
    NO_CREATION_TIME = r'''
attributes:
  concurrent_runs:
    description:
      - Two runs at once (an AWX schedule, a cron job and a person can overlap) leave one resource, not two.
    support: partial
    details:
      - After a create the module lists the resources of the same name. The cloud shows no creation time
        for them, so when a concurrent run created one too no run can tell which came first; both are
        left and the module warns, naming both ids, so that one can be deleted by hand.
'''
