#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_info
short_description: List the servers (ECS) with their metadata and disks
version_added: 1.1.0
description:
  - Lists the servers of the project that match all the given filters, each with its metadata
    and the ids of the disks attached to it.
  - The policy tiers that select servers (C(servers) instead of C(disks); see
    R(the policy guide,ansible_collections.dataprotection.evs.docsite.guide_policies)) read them here.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Only the servers with this name.
    type: str
  metadata:
    description: Only the servers whose metadata has all these key/value pairs.
    type: dict
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes.info_module
'''

EXAMPLES = r'''
- name: The servers of the database tier
  dataprotection.evs.server_info:
    cloud: otc
    metadata:
      tier: db
  register: db_servers
'''

RETURN = r'''
cloud_time: {description: "The cloud's current time (UTC, ISO 8601).", returned: always, type: str, sample: "2026-11-25T10:00:00Z"}
servers:
  description: The matching servers, by name.
  returned: always
  type: list
  elements: dict
  contains:
    id: {description: Server id., type: str}
    name: {description: Server name (not unique; the cloud allows two servers of one name)., type: str}
    status: {description: "C(ACTIVE), C(SHUTOFF), C(BUILD), C(ERROR), ...", type: str}
    task_state: {description: "The task the server is busy with (a stop, start or restore), or C(null).", type: str}
    availability_zone: {description: Availability zone of the server., type: str}
    metadata: {description: The server's metadata (key/value text)., type: dict}
    disk_ids: {description: Ids of the disks attached to the server., type: list, elements: str}
    created_at: {description: Creation time (UTC)., type: str}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import ECS, SERVER_FIELDS, server_view
from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info


def _metadata_matches(params, server):
    wanted = dict((k, str(v)) for k, v in (params['metadata'] or {}).items())
    return all(server['metadata'].get(k) == v for k, v in wanted.items())


INFO = Info(
    kind='server', result_key='servers', fields=SERVER_FIELDS,
    options=dict(
        name=dict(type='str'),
        metadata=dict(type='dict'),
    ),
    listing=lambda module: ECS(module.client, module.evs.get_volume).list_servers(module.params['name']),
    normalise=server_view, keep=_metadata_matches, order=lambda s: (s['name'] or '', s['id']),
)


def main():
    INFO.execute()


if __name__ == '__main__':
    main()
