# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_region_tier_disks
short_description: The disks of a region tier, read from the replicas in its replication vault
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - The source disks of the replicas in the replication vault (C(<policy>-<tier>)) of a
    C(failure=region) tier in the destination region, as M(dataprotection.evs.backup_replica_info)
    lists them with O(dataprotection.evs.backup_replica_info#module:destination_vault), are the disks a failover of the tier to that region restores.
  - Needs nothing of the source region, so it works while that region is down.
  - Refuses a vault that holds no replica, or a replica that does not record its source disk.
options:
  _input:
    description: The replicas in the tier's replication vault.
    type: list
    elements: dict
    required: true
  vault:
    description: The replication vault's name, for the messages.
    type: str
  region:
    description: The destination region, for the messages.
    type: str
'''

EXAMPLES = r'''
- name: The disks of the tier db-daily-region, restored one by one in eu-nl
  ansible.builtin.debug:
    msg: "{{ found.replicas | dataprotection.evs.dr_region_tier_disks(vault='db-daily-region', region='eu-nl') }}"
'''

RETURN = r'''
_value:
  description: The ids of the source disks, sorted, each once.
  type: list
  elements: str
'''

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import region_tier_disks
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError, malformed=(KeyError, TypeError, AttributeError),
          source='the replicas must be what backup_replica_info returns')
def dr_region_tier_disks(replicas, vault=None, region=None):
    return region_tier_disks(replicas, vault, region)


FilterModule = filter_module(dr_region_tier_disks)
