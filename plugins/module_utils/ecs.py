# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS (compute): servers and disk attachments.

Servers are read through the Nova compatible API (``compute``); disks are attached and detached
through the native ECS API (``ecs``, ``/v1/{project_id}/cloudservers/...``), which answers a job
(the ECS API reference marks the Nova attach/detach as discarded).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id, only_match
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Job, Pending, Status, Then

# the device names the cloud gives data disks when none is asked for, in its order
DATA_DEVICES = tuple('/dev/vd%s' % letter for letter in 'bcdefghijklmnopqrstuvwxyz')
# a disk attached at one of these is the server's system (boot) disk
SYSTEM_DEVICES = ('/dev/vda', '/dev/sda', '/dev/xvda')
# the disk statuses of an attach or detach under way
MOVING = ('attaching', 'detaching')
ATTACHMENT_FIELDS = ('server_id', 'server_name', 'disk_id', 'disk_name', 'device', 'status', 'attachment_id')
# what server_info shows of a server (the policy tiers that select servers read these)
SERVER_FIELDS = ('id', 'name', 'status', 'task_state', 'availability_zone', 'metadata', 'disk_ids', 'created_at')


def server_view(server):
    """A server as server_info shows it: Nova's extension keys as plain words, its disks' ids."""
    return {'id': server.get('id'), 'name': server.get('name'), 'status': server.get('status'),
            'task_state': server.get('OS-EXT-STS:task_state'),
            'availability_zone': server.get('OS-EXT-AZ:availability_zone'),
            'metadata': dict(server.get('metadata') or {}),
            'disk_ids': [v.get('id') for v in server.get('os-extended-volumes:volumes_attached') or () if v.get('id')],
            'created_at': server.get('created')}


def attachment_of(volume, server_id):
    """The disk's attachment record on ``server_id`` (None when it is not attached there)."""
    for attachment in (volume or {}).get('attachments') or ():
        if attachment.get('server_id') == server_id:
            return attachment
    return None


def attachment_view(volume, server):
    """The disk's attachment to ``server`` as the disk_attachment module shows it (None when the
    disk is not attached there)."""
    attachment = attachment_of(volume, server['id'])
    if attachment is None:
        return None
    return {'id': volume['id'], 'server_id': server['id'], 'server_name': server.get('name'),
            'disk_id': volume['id'], 'disk_name': volume.get('name'), 'device': attachment.get('device'),
            'status': volume.get('status'), 'attachment_id': attachment.get('attachment_id')}


def attach_refusal(volume, server, device, used):
    """Why the disk ``volume`` cannot be attached to ``server`` at ``device`` (``used``: the server's
    devices), as the words after the attachment's label, or None."""
    server_zone = server.get('OS-EXT-AZ:availability_zone')
    if volume.get('availability_zone') != server_zone:
        return ('cannot be attached: the disk is in %s, the server in %s; a disk can only be attached to a server '
                'in its own availability zone' % (volume.get('availability_zone'), server_zone))
    if server.get('status') != 'ACTIVE':
        return 'cannot be attached: the server is %s; it must be ACTIVE' % server.get('status')
    if volume.get('status') == 'in-use' and not volume.get('multiattach'):
        return ('cannot be attached: the disk is attached to server %s and is not shareable; detach it there first'
                % ', '.join(a.get('server_id') for a in volume.get('attachments') or ()))
    if volume.get('status') not in ('available', 'in-use'):
        return 'cannot be attached: the disk is %s; it must be available' % volume.get('status')
    if device in used:
        return 'cannot be attached at %s: another disk of the server has that device' % device
    if device is None:
        return 'cannot be attached: the server has no free device name left'
    return None


def predicted_attachment(volume, server, device, wait):
    """The attachment a check-mode attach predicts (the cloud names its ``attachment_id``)."""
    attached = dict(volume, status='in-use' if wait else 'attaching', attachments=[
        {'server_id': server['id'], 'device': device}])
    return attachment_view(attached, server)


def next_free_device(used):
    """The device the cloud picks when none is asked for: the first free /dev/vdX."""
    for device in DATA_DEVICES:
        if device not in used:
            return device
    return None


def is_system_disk(volume, device):
    return device in SYSTEM_DEVICES or str((volume or {}).get('bootable')).lower() == 'true'


def refuse_device_path(device):
    """Refuse a ``device`` option that is not a device path."""
    if device is not None and not (device.startswith('/dev/') and len(device) > 5):
        raise ResourceError("device must be a device path like /dev/vdb, not '%s'" % device)


def refuse_system_disk_detach(volume, device, allowed, label):
    """Refuse to detach the server's system disk unless ``allowed`` (``detach_system_disk``)."""
    if is_system_disk(volume, device) and not allowed:
        raise ResourceError('%s is the system disk of the server (%s); detaching it is refused unless '
                            'detach_system_disk is true' % (label, device))


class ECS:
    """Servers, and the attach and detach of disks; ``get_volume`` (``EVS.get_volume``) reads the disk
    that a lost answer or a wait looks at."""

    def __init__(self, client, get_volume):
        self.client = client
        self.get_volume = get_volume

    def get_server(self, server_id):
        return self.client.get_or_none('compute', '/servers/%s' % server_id, 'server')

    def list_servers(self, name=None):
        """Every server of the project (Nova marker paging), or those named ``name``."""
        servers = self.client.paginate_links('compute', '/servers/detail', 'servers',
                                             {'name': name} if name else None, limit=1000)
        return [s for s in servers if name is None or s.get('name') == name]

    def find_server(self, name_or_id, required=True):
        if looks_like_id(name_or_id):
            server = self.get_server(name_or_id)
            if server is not None:
                return server
        servers = self.client.get('compute', '/servers/detail', params={'name': name_or_id}).get('servers') or []
        return only_match([s for s in servers if s.get('name') == name_or_id], 'server', name_or_id, '', required)

    def server_devices(self, server_id):
        """The devices of the server's disks (attached or being attached)."""
        body = self.client.get('compute', '/servers/%s/os-volume_attachments' % server_id)
        return set(a.get('device') for a in body.get('volumeAttachments') or () if a.get('device'))

    def attach_volume(self, server_id, volume_id, device):
        """Start attaching; returns the job id (None when a lost answer was found carried out)."""
        def recover():  # carried out if the disk is now attaching to, or attached to, the server
            volume = self.get_volume(volume_id) or {}
            if volume.get('status') == 'attaching' or attachment_of(volume, server_id):
                return {}
            return None

        spec = {'volumeId': volume_id}
        if device:
            spec['device'] = device
        body = self.client.post('ecs', '/cloudservers/%s/attachvolume' % server_id, {'volumeAttachment': spec},
                                recover=recover)
        return (body or {}).get('job_id')

    def detach_volume(self, server_id, volume_id):
        """Start detaching; returns the job id (None when a lost answer was found carried out).
        Not retried blindly: a second detach of a detached disk is refused."""
        def recover():
            volume = self.get_volume(volume_id) or {}
            if volume.get('status') == 'detaching' or not attachment_of(volume, server_id):
                return {}
            return None

        body = self.client.request('DELETE', 'ecs', '/cloudservers/%s/detachvolume/%s' % (server_id, volume_id),
                                   idempotent=False, recover=recover).body
        return (body or {}).get('job_id')

    def attach(self, volume, server, device, label, unwaited):
        """Attach the disk ``volume`` to ``server`` (at ``device``, or where the cloud puts it) and
        declare the waits; the attachment (``unwaited`` without ``wait``)."""
        job_id = self.attach_volume(server['id'], volume['id'], device)
        return self.moved(job_id, volume, server, '%s (attached)' % label, ('in-use',), unwaited)

    def detach(self, volume, server, label):
        job_id = self.detach_volume(server['id'], volume['id'])
        return self.moved(job_id, volume, server, '%s (detached)' % label, ('available', 'in-use'), None)

    def moved(self, job_id, volume, server, label, statuses, unwaited):
        """The waits after an attach or detach (``label``): its job, then the disk ``volume`` in one of
        ``statuses``; the attachment to ``server`` as it is then (``unwaited`` without ``wait``)."""
        return Pending(volume, Job(job_id, self.get_job, label), Status(statuses, self.get_volume, label),
                       Then(lambda progress: attachment_view(progress.resource, server) or unwaited, 'waiting'),
                       Then(lambda progress: unwaited, 'not waiting'))

    def get_job(self, job_id):
        try:
            return self.client.get('ecs', '/jobs/%s' % job_id)
        except CloudError as exc:
            if exc.not_found:
                return None
            raise
