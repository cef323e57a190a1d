# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # the input of the filters that apply a checked DR policy to the project's disks
    DOCUMENTATION = r'''
options:
  _input:
    description: All disks of the project (C(disks) of M(dataprotection.evs.disk_info)).
    type: list
    elements: dict
    required: true
  policy:
    description: The checked policy (the result of P(dataprotection.evs.dr_policy#filter)).
    type: dict
    required: true
'''

    # ... and that judge it on the cloud's clock
    NOW = r'''
options:
  now:
    description: The cloud's time (C(cloud_time) of an info module).
    type: str
    required: true
'''

    # ... and that leave out the DR replicas of replication pairs
    PAIRS = r'''
options:
  pairs:
    description:
      - The project's replication pairs (C(replication_pairs) of
        M(dataprotection.evs.replication_pair_info)).
      - The DR side of a pair (the disk the pair's C(priority_station) does not name) is never
        selected, whatever the selector says; without the pairs it cannot be told apart.
    type: list
    elements: dict
'''
