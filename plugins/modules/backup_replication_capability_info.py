#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_replication_capability_info
short_description: The regions CBR can replicate disk backups to
version_added: 1.1.0
description:
  - Reads the cloud's CBR replication capabilities (C(GET /replication-capabilities)) - for each
    region, the regions its backups can be replicated to
    (M(dataprotection.evs.backup_replica), M(dataprotection.evs.backup_replication_policy)).
  - Reads only; the protect role uses it to refuse a region tier whose destination region the
    connection's region cannot replicate to, before any change.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options: {}
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: Where can eu-de replicate to?
  dataprotection.evs.backup_replication_capability_info:
    cloud: otc
    region: eu-de
  register: capabilities

- name: Refuse eu-nl when it is not one of them
  ansible.builtin.assert:
    that: "'eu-nl' in capabilities.replication_destinations"
'''

RETURN = r'''
region:
  description: The connection's region.
  returned: always
  type: str
  sample: eu-de
replication_destinations:
  description: The regions the connection's region replicates to (empty when the cloud lists none).
  returned: always
  type: list
  elements: str
  sample: [eu-nl]
regions:
  description: Every region the cloud lists, each with C(name) and C(replication_destinations).
  returned: always
  type: list
  elements: dict
cloud_time:
  description: The cloud's current time (UTC, ISO 8601), from the C(Date) header of its answers.
  returned: always
  type: str
  sample: "2026-11-25T10:00:00Z"
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_info import list_capabilities, own_destinations
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info

INFO = Info(
    kind='replication capability', result_key='regions', listing=list_capabilities,
    extras=(('region', None, lambda module: module.client.region),
            ('replication_destinations', None, own_destinations)),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
