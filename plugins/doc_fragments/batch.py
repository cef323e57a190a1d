# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # the modules on the batch engine (module_utils/batch.py)
    DOCUMENTATION = r'''
options:
  concurrency:
    description:
      - How many creates, updates or deletes the module sends at once, each from a thread of its own
        (the cloud has no bulk create, and 10,000 changes sent one after another wait for 10,000
        answers in turn). C(1) sends them one after another.
      - The changes of one parent (a disk's snapshots or backups) are always sent one after another,
        as the cloud takes them; the option sets how many parents are served at once.
      - Lower it when the cloud's API rate limit for the project is low, or when other jobs share it;
        raising it past the rate limit gains nothing, as the cloud then answers HTTP 429 and every
        thread waits. Refused before any request below 1 or above 32.
    type: int
    default: 8
notes:
  - While the cloud throttles (HTTP 429, or 503 with C(Retry-After)) the module sends no further
    request from any thread until the time the cloud asks for is over, then retries.
'''
