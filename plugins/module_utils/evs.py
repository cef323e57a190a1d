# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small EVS API layer: volumes (disks), snapshots, rollback, metadata, extend."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Pending, Progress, Until

SERVICE = 'volumev2'

VOLUME_FIELDS = (
    'id', 'name', 'description', 'status', 'size', 'availability_zone', 'volume_type', 'bootable',
    'encrypted', 'multiattach', 'metadata', 'snapshot_id', 'source_volid', 'attachments',
    'created_at', 'updated_at', 'links', 'user_id')
SNAPSHOT_FIELDS = (
    'id', 'name', 'description', 'status', 'size', 'volume_id', 'metadata', 'created_at',
    'updated_at')

# statuses a disk/snapshot passes through on its way to a stable one
VOLUME_DELETABLE = ('available', 'error', 'error_extending', 'error_restoring', 'error_rollbacking')
VOLUME_ROLLBACKABLE = ('available', 'error_rollbacking')
SNAPSHOT_DELETABLE = ('available', 'error')
RESERVED_SNAPSHOT_PREFIX = 'autobk_snapshot_'
# Every VBS/CBR (and CSBS) backup of a disk leaves a snapshot on it, named with one of these
# prefixes (OTC EVS user guide, "Deleting an EVS Snapshot"; API reference, "Creating an EVS
# Snapshot"). The cloud replaces it at the next backup and deletes it with the disk; it "can only
# be viewed": it cannot be deleted, rolled back or turned into a disk. It is not a copy anybody
# chose to keep, so nothing in the collection counts, keeps, prunes or restores from it.
BACKUP_SNAPSHOT_PREFIXES = (RESERVED_SNAPSHOT_PREFIX, 'manualbk_snapshot_vbs_', 'manualbk_snapshot_csbs_')
BACKUP_SNAPSHOT_NOTE = ('the backup service made it and replaces it at the next backup of the disk; it cannot be '
                        'deleted, rolled back or used to create a disk, and goes with its disk')
#: EVS allows at most 7 manual snapshots per disk (OTC EVS User Guide "Creating an EVS Snapshot",
#: evs_01_2721); the ones a backup makes (BACKUP_SNAPSHOT_PREFIXES) do not count
SNAPSHOTS_PER_DISK = 7
#: a disk takes one snapshot (or backup, which starts with a snapshot) at a time: while one is
#: ``creating`` or the disk is ``backing-up``, the next one is refused, so it is waited for
DISK_BUSY = ('backing-up',)

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


def looks_like_id(value):
    return bool(value) and bool(UUID_RE.match(str(value)))


def describe_disk(volume):
    if not volume:
        return 'disk'
    name = volume.get('name')
    return "disk '%s'" % name if name else "disk %s" % volume.get('id')


def describe_snapshot(snapshot, volume=None):
    name = (snapshot or {}).get('name') or (snapshot or {}).get('id')
    text = "snapshot '%s'" % name
    if volume is not None:
        text += ' of %s' % describe_disk(volume)
    return text


def made_by_backup(snapshot):
    """Whether ``snapshot`` (as the API or snapshot_info shows it) is the one a backup left on its
    disk. snapshot_info's ``made_by_backup`` wins; a backup record (``backend``, as backup_info
    shows it) is never one, whatever its name."""
    flag = snapshot.get('made_by_backup')
    if flag is not None:
        return bool(flag)
    if snapshot.get('backend'):
        return False
    return str(snapshot.get('name') or '').startswith(BACKUP_SNAPSHOT_PREFIXES)


def refuse_backup_snapshot(snapshot, label, action):
    """A ResourceError saying why ``snapshot`` (made by a backup) cannot be ``action``."""
    if made_by_backup(snapshot):
        raise ResourceError('%s cannot be %s: it was made by a backup (%s)' % (label, action, BACKUP_SNAPSHOT_NOTE))


def validate_snapshot_options(validate_text, options, state):
    """A snapshot's options checked before any request (``validate_text`` of the module)."""
    validate_text('name', options['name'], required=True)
    validate_text('disk', options['disk'], required=True)
    validate_text('description', options.get('description'))
    if options['name'].startswith(BACKUP_SNAPSHOT_PREFIXES):
        if state == 'present':
            raise ResourceError("snapshot name '%s' is invalid: the prefixes %s are reserved for the snapshots of "
                                "backups" % (options['name'], ', '.join(BACKUP_SNAPSHOT_PREFIXES)))
        refuse_backup_snapshot(options, "snapshot '%s'" % options['name'], 'deleted')


def snapshot_disk_problem(volume, force):
    """Why the disk ``volume`` cannot take a snapshot now (``force``: even while attached), or None."""
    status = volume.get('status')
    if status == 'in-use' and not force:
        return 'the disk is in-use (attached to a server); set force: true to snapshot it anyway'
    if status not in ('available', 'in-use') + DISK_BUSY:
        return 'the disk is %s' % status
    return None


def manual_snapshots(snapshots):
    """The snapshots that count against the per-disk limit (not the ones backups make)."""
    return [s for s in snapshots if not made_by_backup(s)]


def snapshot_limit_problem(volume, snapshots, adding=1):
    """Why ``adding`` more snapshots of ``volume`` (which has ``snapshots``) exceed EVS's per-disk
    limit, or None."""
    count = len(manual_snapshots(snapshots))
    if count + adding <= SNAPSHOTS_PER_DISK:
        return None
    return ('%s already has %d snapshot%s and EVS allows at most %d per disk; delete one first' % (
        describe_disk(volume), count, '' if count == 1 else 's', SNAPSHOTS_PER_DISK))


def busy_with(volume, snapshots):
    """What the disk is busy with (a snapshot being created, a backup), or None: EVS takes one
    snapshot of a disk at a time and refuses the next one meanwhile."""
    if (volume or {}).get('status') in DISK_BUSY:
        return 'the disk is %s' % volume['status']
    creating = [s for s in snapshots if s.get('status') == 'creating']
    if creating:
        return "snapshot '%s' of the disk is being created" % (creating[0].get('name') or creating[0].get('id'))
    return None


def _snapshot_source(evs, name, label):
    snapshot = evs.find_snapshot(name, required=True)
    refuse_backup_snapshot(snapshot, "snapshot '%s'" % name, 'used to create %s' % label)
    return snapshot


def _backup_source(evs, name, label):
    # the backup services' code (the largest module_utils) is compiled from the
    # AnsiballZ zip in every disk task that imports it: only the tasks naming a backup do
    from ansible_collections.dataprotection.evs.plugins.module_utils.backup import find_backup_anywhere
    return find_backup_anywhere(evs.client, name)


#: what a new disk can be made from: the option (and the ``<option>_id`` field of the create) that
#: names it, how it is found, and the statuses it must be in (None: any)
DISK_SOURCES = (('snapshot', _snapshot_source, None), ('backup', _backup_source, ('available',)))


def refuse_disk_resize(volume, size, label):
    """Refuse to make the disk ``volume`` ``size`` GB: disks only grow, and only when idle."""
    if size < volume.get('size', 0):
        raise ResourceError('%s cannot be shrunk from %s GB to %s GB; disks can only grow' % (
            label, volume.get('size'), size))
    if volume.get('status') not in ('available', 'in-use'):
        raise ResourceError('%s cannot be extended: it is %s' % (label, volume.get('status')))


def disk_source_fields(evs, options, size, label):
    """The fields of the new disk ``label`` that its source gives (``<kind>_id``, and its ``size``
    when ``size`` is None): the snapshot or backup ``options`` names; refuses a smaller ``size`` or a
    source not ready."""
    for kind, find, ready in DISK_SOURCES:
        name = options.get(kind)
        if not name:
            continue
        found = find(evs, name, label)
        if size is None:
            size = found.get('size')
        elif found.get('size') and size < found['size']:
            raise ResourceError('%s cannot be created: size %s GB is smaller than the %s GB of %s %s' % (
                label, size, found['size'], kind, name))
        if ready is not None and found.get('status') not in ready:
            raise ResourceError('%s cannot be created: %s %s is %s; it must be %s' % (
                label, kind, name, found.get('status'), ' or '.join(ready)))
        return {kind + '_id': found['id'], 'size': size}
    return {}


class EVS:
    """Calls of the EVS (Cinder v2 compatible + vendor) API through one ``Client``."""

    def __init__(self, client, service=SERVICE):
        self.client = client
        self.service = service

    # ------------------------------------------------------------ generic
    def _get(self, collection, key, resource_id):
        """GET one resource; None when the cloud answers 404."""
        return self.client.get_or_none(self.service, '/%s/%s' % (collection, resource_id), key)

    def _list(self, collection, filters, metadata=None):
        """All pages of ``/<collection>/detail``, filtered by the cloud and again here (a cloud
        may ignore a filter it does not know; metadata is only filtered here)."""
        params = dict((k, v) for k, v in filters.items() if v)
        items = self.client.paginate_links(self.service, '/%s/detail' % collection, collection, params)
        return [item for item in items if matches(item, params, metadata)]

    def _optional_get(self, path):
        """The body of a listing some clouds do not offer; None when this one does not."""
        try:
            return self.client.get(self.service, path) or {}
        except CloudError as exc:
            if exc.status in (403, 404, 405, 501):
                return None
            raise

    def _create(self, collection, key, fields, lookup):
        """POST a new resource. A lost answer is resolved by ``lookup()`` (by name) instead of
        sending the create a second time."""
        def recover():
            found = lookup()
            return {key: found[0]} if len(found) == 1 else None

        body = self.client.post(self.service, '/' + collection, {key: fields},
                                recover=recover if fields.get('name') else None)
        return body[key]

    # ------------------------------------------------------------ volumes
    def update_text_and_metadata(self, kind, resource_id, changes):
        """Send the ``description`` and ``metadata`` of ``changes`` to the ``kind`` (``volume``,
        ``snapshot``) ``resource_id``: two requests, each only when its field changes."""
        if 'description' in changes:
            getattr(self, 'update_' + kind)(resource_id, {'description': changes['description']})
        if 'metadata' in changes:
            getattr(self, 'set_%s_metadata' % kind)(resource_id, changes['metadata'])

    def get_volume(self, volume_id):
        return self._get('volumes', 'volume', volume_id)

    def list_volumes(self, name=None, status=None, availability_zone=None, metadata=None):
        return self._list('volumes', {'name': name, 'status': status, 'availability_zone': availability_zone},
                          metadata)

    def find_volume(self, name_or_id, required=False, availability_zone=None):
        """The one disk named ``name_or_id`` (or with that id). Several disks with the name are
        told apart by ``availability_zone`` when given (a replication pair's DR disk carries its
        production disk's name, in the other AZ); still several -> error."""
        if looks_like_id(name_or_id):
            volume = self.get_volume(name_or_id)
            if volume is not None:
                return volume
        found = self.list_volumes(name=name_or_id)
        if len(found) > 1 and availability_zone:
            found = [v for v in found if v.get('availability_zone') == availability_zone]
        return only_match(found, 'disk', name_or_id, '', required)

    def create_volume(self, fields):
        return self._create('volumes', 'volume', fields, lambda: self.list_volumes(
            name=fields.get('name'), availability_zone=fields.get('availability_zone')))

    def update_volume(self, volume_id, fields):
        return self.client.put(self.service, '/volumes/%s' % volume_id, {'volume': fields})['volume']

    def set_volume_metadata(self, volume_id, metadata):
        """Replace all metadata of the volume (PUT)."""
        return self.client.put(self.service, '/volumes/%s/metadata' % volume_id,
                               {'metadata': metadata})['metadata']

    def update_volume_metadata(self, volume_id, metadata):
        """Add/overwrite the given keys, keeping the others (POST; sending it twice is harmless)."""
        return self.client.post(self.service, '/volumes/%s/metadata' % volume_id,
                                {'metadata': metadata}, idempotent=True)['metadata']

    def extend_volume(self, volume_id, new_size):
        def recover():
            volume = self.get_volume(volume_id) or {}
            done = volume.get('status') == 'extending' or int(volume.get('size') or 0) >= int(new_size)
            return {} if done else None

        self.client.post(self.service, '/volumes/%s/action' % volume_id,
                         {'os-extend': {'new_size': int(new_size)}}, recover=recover)

    def delete_volume(self, volume_id, cascade=False):
        params = {'cascade': 'true'} if cascade else None
        self.client.delete(self.service, '/volumes/%s' % volume_id, params=params, ok=(200, 202, 204, 404))

    def list_availability_zones(self):
        """{zone name: available (bool)}, or None when the cloud does not list them."""
        body = self._optional_get('/os-availability-zone')
        if body is None:
            return None
        return dict((z.get('zoneName'), bool((z.get('zoneState') or {}).get('available', True)))
                    for z in body.get('availabilityZoneInfo') or [])

    def list_volume_types(self):
        """Names of the disk types, or None when the cloud does not list them."""
        body = self._optional_get('/types')
        if body is None:
            return None
        return sorted(t.get('name') for t in body.get('volume_types') or [] if t.get('name'))

    # ---------------------------------------------------------- snapshots
    def refuse_disk_create(self, desired, label):
        """Refuse the new disk ``label`` (``desired``) without a zone or a size, or where none can be made."""
        missing = [o for o in ('availability_zone',) if not desired.get(o)]
        if desired.get('size') is None:
            missing.append('size (or snapshot or backup)')
        if missing:
            raise ResourceError('%s does not exist and cannot be created without %s' % (label, ' and '.join(missing)))
        problem = self.placement_problem(desired['availability_zone'], desired.get('volume_type'))
        if problem:
            raise ResourceError('%s cannot be created: %s' % (label, problem))

    def placement_problem(self, zone, volume_type):
        """Why no disk can be made in ``zone`` (with ``volume_type``, when set), or None; a cloud that
        does not list its zones or types refuses nothing here."""
        zones = self.list_availability_zones()
        if zones is not None and zone not in zones:
            return 'availability zone %s does not exist (known: %s)' % (zone, ', '.join(sorted(zones)))
        if zones is not None and not zones[zone]:
            return 'availability zone %s is not available' % zone
        types = self.list_volume_types() if volume_type else None
        if types is not None and volume_type not in types:
            return 'volume type %s does not exist (known: %s)' % (volume_type, ', '.join(types))
        return None

    def disk_deletion(self, volume, delete_snapshots, label):
        """Whether the delete of the disk ``volume`` must cascade (take its snapshots); refuses one
        attached, in a status the cloud deletes nothing in, or with snapshots not to be deleted."""
        servers = [a.get('server_id') for a in volume.get('attachments') or []]
        if volume.get('status') == 'in-use' or servers:
            raise ResourceError('%s cannot be deleted: it is attached to server %s; detach it first' % (
                label, ', '.join(s for s in servers if s) or '(unknown)'))
        if volume.get('status') not in VOLUME_DELETABLE:
            raise ResourceError('%s cannot be deleted: it is %s' % (label, volume.get('status')))
        snapshots = self.list_snapshots(volume_id=volume['id'])
        own = manual_snapshots(snapshots)
        if own and not delete_snapshots:
            raise ResourceError('%s cannot be deleted: it has %d snapshot(s) (%s); delete them first or set '
                                'delete_snapshots: true' % (label, len(own), ', '.join(
                                    sorted(s.get('name') or s['id'] for s in own))))
        # The cloud counts the snapshot a backup left as a dependent one, and only a cascade delete
        # takes it (nobody can delete it alone); it is the backup service's, not a copy the user kept.
        return bool(delete_snapshots or len(own) < len(snapshots))

    def get_snapshot(self, snapshot_id):
        return self._get('snapshots', 'snapshot', snapshot_id)

    def list_snapshots(self, volume_id=None, name=None, status=None, metadata=None):
        return self._list('snapshots', {'volume_id': volume_id, 'name': name, 'status': status}, metadata)

    def find_snapshot(self, name_or_id, volume=None, required=False):
        """The snapshot ``name_or_id`` (of ``volume`` when given; names are unique per disk)."""
        volume_id = volume['id'] if volume else None
        if looks_like_id(name_or_id):
            snapshot = self.get_snapshot(name_or_id)
            if snapshot is not None and (volume_id is None or snapshot.get('volume_id') == volume_id):
                return snapshot
        where = ' of %s' % describe_disk(volume) if volume else ''
        return only_match(self.list_snapshots(volume_id=volume_id, name=name_or_id), 'snapshot', name_or_id,
                          where, required)

    def until_free(self, volume, label):
        """The wait until the disk takes no snapshot or backup (one at a time); answers the disk."""
        def fetch():
            disk = self.get_volume(volume['id'])
            return disk, (self.list_snapshots(volume_id=volume['id'], status='creating') if disk else [])

        return Until(
            fetch, '%s (waiting for the disk to finish what it is doing)' % label, 'free',
            status_of=lambda found: busy_with(*found) or (found[0] or {}).get('status') or 'deleted',
            done=lambda found, status: found[0] is not None and busy_with(*found) is None,
            failed=lambda found, status: found[0] is None, answer=lambda found: found[0])

    def wait_until_free(self, waiter, volume, label):
        """``until_free`` run now (for a caller that waits itself, e.g. a batch)."""
        progress = Progress(volume, self.get_volume, label)
        self.until_free(volume, label).run(waiter, progress)
        return progress.resource

    def create_snapshot(self, fields):
        return self._create('snapshots', 'snapshot', fields, lambda: self.list_snapshots(
            volume_id=fields.get('volume_id'), name=fields.get('name')))

    def update_snapshot(self, snapshot_id, fields):
        return self.client.put(self.service, '/snapshots/%s' % snapshot_id, {'snapshot': fields})['snapshot']

    def set_snapshot_metadata(self, snapshot_id, metadata):
        return self.client.put(self.service, '/snapshots/%s/metadata' % snapshot_id,
                               {'metadata': metadata})['metadata']

    def delete_snapshot(self, snapshot_id):
        self.client.delete(self.service, '/snapshots/%s' % snapshot_id, ok=(200, 202, 204, 404))

    def rollback_snapshot(self, snapshot_id, volume_id):
        """Vendor rollback of a snapshot onto its own disk (202 ``{"rollback": {...}}``)."""
        def recover():  # a lost answer: the rollback happened if the disk is rolling back now
            volume = self.get_volume(volume_id) or {}
            return {'rollback': {'volume_id': volume_id}} if volume.get('status') == 'rollbacking' else None

        body = self.client.post(self.service, '/os-vendor-snapshots/%s/rollback' % snapshot_id,
                                {'rollback': {'volume_id': volume_id}}, recover=recover)
        return (body or {}).get('rollback') or {'volume_id': volume_id}


def only_match(found, kind, name, where='', required=False):
    """The single element of ``found``; None (or an error when ``required``) if there is none,
    and an error listing the ids when the name is ambiguous."""
    if len(found) > 1:
        raise ResourceError("%d %ss%s are named '%s' (ids: %s); use the id instead" % (
            len(found), kind, where, name, ', '.join(sorted(item['id'] for item in found))))
    if not found:
        if required:
            raise ResourceError("%s '%s'%s not found" % (kind, name, where))
        return None
    return found[0]


def by_ref(found, ref, kind, where=''):
    """The element of ``found`` that ``ref`` (an id or a name) names, or None; an ambiguous name is an error."""
    named = [x for x in found if x.get('id') == ref] if looks_like_id(ref) else []
    return named[0] if named else only_match([x for x in found if x.get('name') == ref], kind, ref, where)


def matches(resource, filters, metadata=None):
    """True when every set filter equals the resource's field and ``metadata`` matches."""
    return (all(value in (None, '') or resource.get(key) == value for key, value in filters.items())
            and metadata_matches(resource.get('metadata'), metadata))


def metadata_matches(actual, wanted):
    """True when every key of ``wanted`` has that value in ``actual`` (values compared as text)."""
    if not wanted:
        return True
    actual = actual or {}
    return all(k in actual and str(actual[k]) == str(v) for k, v in wanted.items())


def merge_metadata(current, wanted, purge):
    """The metadata the resource should end up with: ``wanted`` over ``current``, or exactly
    ``wanted`` with ``purge`` (keys of the ``__system__`` namespace are never purged)."""
    current = dict(current or {})
    if wanted is None:
        return current
    wanted = dict((k, str(v)) for k, v in wanted.items())
    if purge:
        kept = dict((k, v) for k, v in current.items() if k.startswith('__system__'))
        kept.update(wanted)
        return kept
    current.update(wanted)
    return current


class EvsResource:
    """A resource module for an EVS volume or snapshot: ``evs_kind`` (``volume``, ``snapshot``) names the
    EVS calls its ``fetch``, ``update`` (description and metadata) and ``delete`` go through."""

    evs_kind = None
    #: the options of the delete request (a disk's ``cascade``, decided by its ``check_delete``)
    delete_options = {}

    def fetch(self, resource_id):
        return getattr(self.evs, 'get_' + self.evs_kind)(resource_id)

    def update(self, current, changes):
        self.evs.update_text_and_metadata(self.evs_kind, current['id'], changes)
        return self.fetch(current['id'])

    def delete(self, current):  # the base waits until it is gone
        getattr(self.evs, 'delete_' + self.evs_kind)(current['id'], **self.delete_options)
        return Pending(current, Gone())


class SnapshotsOfDisks:
    """Snapshots as the batch engine (module_utils/batch.py ``ParentedBatchModule``) reaches them:
    resources that each belong to a disk, that EVS takes one at a time per disk, at most
    ``SNAPSHOTS_PER_DISK`` manual ones."""

    kind, parent_kind, parent_key = 'snapshot', 'disk', 'volume_id'
    #: the service that names the one-at-a-time rule in messages
    service_name = 'EVS'

    def __init__(self, evs):
        self.evs = evs

    def find_parent(self, ref):
        return self.evs.find_volume(ref)

    def list_parents(self):
        return self.evs.list_volumes()

    def get(self, resource_id):
        return self.evs.get_snapshot(resource_id)

    def list(self, name=None, parent_id=None):
        return self.evs.list_snapshots(volume_id=parent_id, name=name)

    def describe(self, snapshot, disk):
        return describe_snapshot(snapshot, disk)

    def planned(self, options, disk):
        """The fields of a new snapshot (``size``: for the prediction only)."""
        return {'name': options['name'], 'volume_id': disk['id'], 'description': options['description'],
                'metadata': options['metadata'], 'size': disk.get('size')}

    def create(self, changes, options):
        fields = dict((k, v) for k, v in changes.items() if k != 'size' and v is not None)
        fields['force'] = options['force']
        return self.evs.create_snapshot(fields)

    def update(self, current, changes):
        self.evs.update_text_and_metadata('snapshot', current['id'], changes)
        return self.evs.get_snapshot(current['id'])

    def delete(self, resource_id):
        self.evs.delete_snapshot(resource_id)

    def limit_problem(self, disk, snapshots, adding):
        return snapshot_limit_problem(disk, snapshots, adding=adding)

    def busy_with(self, disk, snapshots):
        return busy_with(disk, snapshots)

    def until_free(self, waiter, disk, label):
        return self.evs.wait_until_free(waiter, disk, label)
