# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_failover_metadata
short_description: The metadata the disks that serve after a failover need to stay selected
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - After a protection group switched production to O(serving_az), the disks there serve. The
    policies select disks by metadata (for example C(tier)) and never select the DR side of a
    replication pair (the side its C(priority_station) does not name). So the disk that serves
    must carry the selection metadata of the disk it replaces, or snapshots and backups stop for
    the service until a failback; the replaced disk, now the DR side, is not selected.
  - Returns, per replication pair, the serving disk and the keys it lacks or holds with another
    value; the inherited keys are the replaced disk's own, without the collection's bookkeeping
    (C(dp_evs_*)) and the keys the cloud sets (C(__system__*)). Pairs whose disks are not both
    in O(disks) are left out.
options:
  _input:
    description: The group's replication pairs (M(dataprotection.evs.replication_pair_info)).
    type: list
    elements: dict
    required: true
  disks:
    description: The disks (M(dataprotection.evs.disk_info)), at least both sides of each pair.
    type: list
    elements: dict
    required: true
  serving_az:
    description: The availability zone that is production after the switch.
    type: str
    required: true
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
'''

EXAMPLES = r'''
- name: The serving disks keep the policy's selection
  dataprotection.evs.disk:
    name: "{{ item.disk }}"
    metadata: "{{ item.metadata }}"
  loop: "{{ pairs.replication_pairs | dataprotection.evs.dr_failover_metadata(disks.disks, 'eu-de-02') }}"
'''

RETURN = r'''
_value:
  description: One entry per serving disk that lacks keys.
  type: list
  elements: dict
  contains:
    disk:
      description: The serving disk's id.
      type: str
    name:
      description: The serving disk's name.
      type: str
    metadata:
      description: The keys to set on it.
      type: dict
    from:
      description: The name of the disk it replaces.
      type: str
    pair:
      description: The replication pair's name.
      type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.restore import serving_disk_metadata
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


@refusing(RetentionError)
def dr_failover_metadata(pairs, disks, serving_az):
    if not serving_az or not isinstance(serving_az, str):
        raise AnsibleFilterError('dr_failover_metadata needs the availability zone that serves (serving_az)')
    return serving_disk_metadata(pairs, disks, serving_az)


FilterModule = filter_module(dr_failover_metadata)
