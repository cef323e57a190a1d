#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: disk_attachment
short_description: Attach an EVS disk to an ECS server, or detach it
version_added: 1.1.0
description:
  - Attaches a disk to a server (O(state=present)) or detaches it (O(state=absent)) through the
    ECS API (C(attachvolume) / C(detachvolume)), and waits for the cloud's job.
  - The cloud attaches only an C(available) disk in the server's availability zone, or a
    shareable (C(multiattach)) disk that is in use elsewhere; every such rule is checked before
    any change is requested.
  - A disk that is already attached to the server is left as it is. Attached at another device
    than O(device), it is refused (moving it means a detach and an attach; do that with two tasks).
  - Also available as C(dataprotection.evs.server_volume), the name openstack.cloud uses.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  server:
    description: The server, by name or id. A name must be unique.
    type: str
    required: true
  disk:
    description: The disk, by name or id. A name must be unique.
    type: str
    required: true
    aliases: [volume]
  device:
    description:
      - The device name on the server, for example C(/dev/vdb) (KVM) or C(/dev/sdb) (Xen).
      - When not set, the cloud picks the first free C(/dev/vdX); check mode predicts that one.
      - With O(state=present) and a disk that is attached already, the device it must have.
    type: str
  state:
    description: Whether the disk is attached to the server.
    type: str
    choices: [present, absent]
    default: present
  detach_system_disk:
    description:
      - Detaching the server's system (boot) disk (a C(bootable) disk, or one at C(/dev/vda),
        C(/dev/sda) or C(/dev/xvda)) is refused unless this is true; the server cannot start without it.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
notes:
  - Waiting follows O(wait) and O(wait_timeout). With O(wait=false) the result shows the disk
    C(attaching) or C(detaching).
  - A rerun finds the attachment (or its absence) and sends no change; a disk still attaching
    or detaching from an earlier run is waited for first.
'''

EXAMPLES = r'''
- name: Attach the data disk db01-data to server db01 as /dev/vdb
  dataprotection.evs.disk_attachment:
    cloud: otc
    server: db01
    disk: db01-data
    device: /dev/vdb

- name: Detach it (for a restore onto it)
  dataprotection.evs.disk_attachment:
    cloud: otc
    server: db01
    disk: db01-data
    state: absent
'''

RETURN = r'''
attachment:
  description:
    - The attachment; null after a detach (or when there is none).
  returned: success
  type: dict
  contains:
    server_id:
      description: The server's id.
      type: str
    server_name:
      description: The server's name.
      type: str
    disk_id:
      description: The disk's id.
      type: str
    disk_name:
      description: The disk's name.
      type: str
    device:
      description: The device name on the server.
      type: str
      sample: /dev/vdb
    status:
      description: The disk's status (C(in-use), or C(attaching) with O(wait=false)).
      type: str
    attachment_id:
      description: The cloud's id of the attachment (null in check mode).
      type: str
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import (
    ATTACHMENT_FIELDS, ECS, MOVING, attach_refusal, attachment_view, next_free_device, predicted_attachment,
    refuse_device_path, refuse_system_disk_detach)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Pending, Status


class DiskAttachmentModule(ResourceModule):
    argument_spec = dict(
        server=dict(type='str', required=True), disk=dict(type='str', required=True, aliases=['volume']),
        device=dict(type='str'), state=dict(type='str', choices=['present', 'absent'], default='present'),
        detach_system_disk=dict(type='bool', default=False))
    kind, result_key = 'disk attachment', 'attachment'
    result_fields = ATTACHMENT_FIELDS
    updatable = ('device',)
    transitional, stable, deleting = ('attaching',), ('in-use',), ('detaching',)

    checked_texts = (('server', 255, True), ('disk', 255, True))

    def validate(self):
        refuse_device_path(self.params['device'])

    @property
    def ecs(self):
        return ECS(self.client, self.evs.get_volume)

    def find(self):
        self.server = self.ecs.find_server(self.params['server'])
        self.disk = self.evs.find_volume(self.params['disk'], required=True)
        # an attach or detach of an earlier run still runs: decide on its outcome
        self.disk = yield Pending(self.disk, Status(('available', 'in-use'), self.evs.get_volume, self.label(None),
                                                    only_from=MOVING))
        yield attachment_view(self.disk, self.server)

    def fetch(self, resource_id):
        return attachment_view(self.evs.get_volume(resource_id), self.server)

    def label(self, resource):
        return "disk '%s' on server '%s'" % (self.disk.get('name') or self.disk['id'], self.server.get('name'))

    def desired(self, current):
        if current is not None:
            return {'device': self.params['device']}
        self.used = self.ecs.server_devices(self.server['id'])
        return {'server_id': self.server['id'], 'disk_id': self.disk['id'],
                'device': self.params['device'] or next_free_device(self.used)}

    def check_update(self, current, changes):
        if changes:
            raise ResourceError('%s is attached at %s, not %s; detach it first (state: absent) to attach it at '
                                'another device' % (self.label(current), current['device'], changes['device']))

    def check_create(self, desired):
        refusal = attach_refusal(self.disk, self.server, desired['device'], self.used)
        if refusal:
            raise ResourceError('%s %s' % (self.label(None), refusal))

    def predict_create(self, desired):
        return predicted_attachment(self.disk, self.server, desired['device'], self.params['wait'])

    def create(self, desired):
        return self.ecs.attach(self.disk, self.server, self.params['device'], self.label(None),
                               self.predict_create(desired))

    def check_delete(self, current):
        refuse_system_disk_detach(self.disk, current['device'], self.params['detach_system_disk'], self.label(current))

    def delete(self, current):
        return self.ecs.detach(self.disk, self.server, self.label(None))


def main():
    DiskAttachmentModule.execute()


if __name__ == '__main__':
    main()
