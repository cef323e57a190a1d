#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_backup_restore
short_description: Restore a whole CBR server backup onto its server
version_added: 1.1.0
description:
  - Writes every disk backup of a server backup (M(dataprotection.evs.server_backup)) onto the disk
    it was taken of, all in one restore, and starts the server afterwards unless O(power_on=false).
    All data on the server's disks is replaced, so the module refuses unless O(overwrite=true).
  - The server must be stopped (C(SHUTOFF)); each disk of the backup must still be attached to it
    (C(in-use)) and at least as large as its backup. Anything else is refused before any change.
  - To bring back one disk only, or the disks of a server that no longer exists, restore a disk
    backup of the server backup (its C(children), M(dataprotection.evs.backup_info)) onto a new disk
    with M(dataprotection.evs.disk) (O(dataprotection.evs.disk#module:backup) = its id), or onto a
    detached disk with M(dataprotection.evs.backup_restore) (O(dataprotection.evs.backup_restore#module:source_disk)
    = the disk it was taken of).
  - Every disk records the restore of its disk backup in its metadata, as
    M(dataprotection.evs.backup_restore) does; that record decides what a repeat does (see the notes).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  backup:
    description: The server backup, by id, or by name (among the backups of O(server) when given).
    type: str
    required: true
  server:
    description: The server (name or id) to restore onto; default the backup's. It must be the backup's own server.
    type: str
  overwrite:
    description:
      - Confirm that the data on all the server's disks is to be replaced by the backup's. Without
        it a restore is refused (nothing is sent).
    type: bool
    default: false
  power_on:
    description: Start the server when the restore is done.
    type: bool
    default: true
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.restore_record
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Bring db01 (all its disks) back to the backup taken before the upgrade
  dataprotection.evs.server_backup_restore:
    cloud: otc
    server: db01
    backup: db01-before-upgrade
    overwrite: true
    request_id: CHG-4711
'''

RETURN = r'''
backup:
  description: The server backup, with the keys of the C(backup) result of M(dataprotection.evs.server_backup).
  returned: success
  type: dict
server:
  description: The server (C(id), C(name), C(status)) after the restore, or as predicted in check mode.
  returned: success
  type: dict
disks:
  description:
    - The server's disks after the restore, or as predicted in check mode. Their C(metadata) holds the
      record (C(dp_evs_restore_backup_id) - the disk backup written onto the disk, C(dp_evs_restore_at),
      C(dp_evs_restore_request_id)).
  returned: success
  type: list
  elements: dict
restored_at:
  description: When the recorded restore was started (the cloud's time, UTC).
  returned: success
  type: str
  sample: "2026-11-25T10:00:00Z"
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup_server import ServerRestoreAction
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import request_id_argument_spec


class ServerBackupRestoreModule(ServerRestoreAction):
    argument_spec = dict(
        backup=dict(type='str', required=True),
        server=dict(type='str'),
        overwrite=dict(type='bool', default=False),
        power_on=dict(type='bool', default=True),
        **request_id_argument_spec()
    )


def main():
    ServerBackupRestoreModule.execute()


if __name__ == '__main__':
    main()
