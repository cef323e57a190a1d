#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_backup
short_description: Take or delete a CBR backup of a whole server (all its disks at one instant)
version_added: 1.1.0
description:
  - Makes sure a CBR server backup with this name exists for the server, or that it does not exist.
  - A server backup is one checkpoint of the server in a server vault (M(dataprotection.evs.vault)
    with O(dataprotection.evs.vault#module:object_type=server)). It takes every disk attached to the
    server at the same instant, one disk backup per disk (its C(children)), so the copies are
    crash-consistent across the server's disks (a database's data and log disks).
  - The server is added to the vault when it is in no vault yet; a server in another vault is
    refused. The server must be C(ACTIVE) or C(SHUTOFF), with at least one disk, none of them busy
    (a snapshot or backup being taken); otherwise the backup is refused before any request.
  - A backup is never changed; a rerun finds it by its name (unique per server) and changes nothing.
  - Restore the whole backup onto the server with M(dataprotection.evs.server_backup_restore), or
    one disk backup (a C(children) entry) onto a new disk with M(dataprotection.evs.disk)
    (O(dataprotection.evs.disk#module:backup) = its id) or onto a detached disk with
    M(dataprotection.evs.backup_restore).
  - One call backs up one server with all its disks; disks outside server vaults are backed up
    with M(dataprotection.evs.backup) or M(dataprotection.evs.backup_batch).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description: Name of the backup (1 to 64 letters, digits, C(_) or C(-); the prefix C(autobk_) is reserved).
    type: str
    required: true
  server:
    description: The server (name or id). A name that two servers share is refused; use the id.
    type: str
    required: true
  vault:
    description:
      - The CBR server vault (name or id) that holds the backup. Required to take one.
      - In check mode also the RV(dataprotection.evs.vault#module:predicted_ref) of a vault the same check run would create.
    type: str
  state:
    description: Whether the backup should exist. V(absent) deletes it with its disk backups.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of a new backup (at most 255 characters).
    type: str
  incremental:
    description:
      - Take each disk incrementally (only the blocks changed since that disk's previous backup in the
        vault). The first backup is always full. V(false) forces a full backup.
    type: bool
    default: true
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Back up the database server (data and log disks at one instant) before an upgrade
  dataprotection.evs.server_backup:
    cloud: otc
    server: db01
    vault: db-servers
    name: db01-before-upgrade

- name: Delete it (with its disk backups)
  dataprotection.evs.server_backup:
    cloud: otc
    server: db01
    name: db01-before-upgrade
    state: absent
'''

RETURN = r'''
backup:
  description: The server backup as the cloud shows it (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id: {description: Backup id (C(null) in a check-mode prediction of a create)., type: str}
    name: {description: Backup name., type: str}
    description: {description: Description., type: str}
    status: {description: "C(available) when usable; C(protecting) while it is taken.", type: str, sample: available}
    backend: {description: C(cbr)., type: str}
    server_id: {description: Id of the server backed up., type: str}
    server_name: {description: Name of the server at backup time., type: str}
    size: {description: The sum of the sizes of its disks in GB., type: int}
    availability_zone: {description: Availability zone of the server., type: str}
    vault_id: {description: The vault holding the backup., type: str}
    checkpoint_id: {description: The checkpoint (restore point) of the backup., type: str}
    incremental: {description: Whether every disk was backed up incrementally., type: bool}
    created_at: {description: Creation time (UTC)., type: str}
    updated_at: {description: Last update time (UTC)., type: str}
    children:
      description:
        - One disk backup per disk of the server, in device order, with the keys of the C(backup) result of
          M(dataprotection.evs.backup) (C(disk_id), C(disk_name), C(size), ...).
      type: list
      elements: dict
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_server import ServerBackupResource


class ServerBackupModule(ServerBackupResource):
    argument_spec = dict(
        name=dict(type='str', required=True),
        server=dict(type='str', required=True),
        vault=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        description=dict(type='str'),
        incremental=dict(type='bool', default=True),
    )


def main():
    ServerBackupModule.execute()


if __name__ == '__main__':
    main()
