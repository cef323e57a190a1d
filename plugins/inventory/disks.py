# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: disks
short_description: EVS disks as inventory hosts
version_added: 1.0.0
description:
  - Lists the EVS disks of one project as hosts, with the servers they are attached to and how they are
    protected (snapshots, backups, replication) as host variables.
  - Groups the disks by availability zone (C(az_<zone>)), by tier metadata (C(tier_<value>)) and by
    protection status (C(protection_protected), C(protection_unprotected), C(protected_by_snapshot),
    C(protected_by_backup), C(protected_by_replication), C(replication_dr_disk)). Group names keep
    letters, digits and C(_); any other character becomes C(_).
  - The DR side of a replication pair (the disk the pair's C(priority_station) does not name) is in
    C(replication_dr_disk) and never in a C(tier_<value>) group, even when it carries the tier metadata.
    SDRS writes it from its production disk, so a play over a tier must not copy or change it (the DR
    policy filters and the snapshot playbook never select it either).
  - A host is named after its disk; a disk without a name, or whose name another listed disk has too
    (the DR disks of replication pairs do), is named by its id, so every disk is exactly one host.
  - Hosts get C(ansible_connection=local) (see O(local_connection)), so a play over them runs the
    collection's modules on the controller or execution node, one disk per fork.
  - Connection options, C(clouds.yaml) lookup and the C(OS_*) variables are those of the modules.
    Host variables never hold credentials.
  - Host names and host variables are data, never templates. Disk names, descriptions and metadata are
    written by anyone who may change the project, so they are marked unsafe and Ansible never templates
    them, also on ansible-core before 2.19.
  - The configuration file name must end in C(evs_disks.yml) or C(evs_disks.yaml).
  - The inventory cache is kept per configuration file and per cloud, project and user (never keyed by a secret).
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  plugin:
    description: The name of this plugin; always C(dataprotection.evs.disks).
    type: str
    required: true
    choices: [dataprotection.evs.disks]
  filters:
    description:
      - List only the disks that match all of these. Keys C(availability_zone), C(status) and C(metadata)
        (a dict of key/value pairs the disk's metadata must have).
    type: dict
    default: {}
  tier_key:
    description: The metadata key whose value names the tier group (C(tier_<value>)).
    type: str
    default: tier
  protection_sources:
    description:
      - The DR mechanisms whose copies protect a disk, as a DR policy names them (C(snapshot),
        C(backup), C(replication), and any other registered mechanism that tells the inventory
        where its copies are). Not set means all of them.
      - A source whose service the cloud does not offer fails the inventory, so that no disk is
        wrongly called unprotected; leave it out instead. A mechanism whose copies the inventory
        cannot see is refused the same way.
      - C(backup) reads CBR and VBS backups; a backup service the catalog does not list is skipped as long
        as one of the two answers.
    type: list
    elements: str
  servers:
    description:
      - Look up the servers the disks are attached to (C(evs_servers)); one listing of the compute service.
      - When the cloud offers no compute service to the user, a warning says so and C(evs_servers) holds only
        the server ids and devices.
    type: bool
    default: true
  local_connection:
    description: Set C(ansible_connection=local) on every host (disks are not reachable over SSH).
    type: bool
    default: true
extends_documentation_fragment:
  - dataprotection.evs.connection
  - constructed
  - inventory_cache
notes:
  - O(wait) and O(wait_timeout) of the connection options are not used by the inventory.
  - "Host variables (all prefixed C(evs_)): C(evs_id), C(evs_name), C(evs_status), C(evs_size),
    C(evs_availability_zone), C(evs_volume_type), C(evs_bootable), C(evs_metadata), C(evs_tier),
    C(evs_created_at), C(evs_servers) (list of C(id), C(name), C(status), C(availability_zone), C(device)),
    C(evs_protection) (C(snapshots), C(latest_snapshot_at), C(backups), C(latest_backup_at),
    C(replication_pair), C(replication_role), C(replication_status)), C(evs_protected_by) (list of
    mechanisms) and C(evs_protection_status) (C(protected) or C(unprotected))."
'''

EXAMPLES = r'''
---
# prod.evs_disks.yml: every disk of the project in OS_CLOUD, grouped, cached for an hour
plugin: dataprotection.evs.disks
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/evs-inventory
cache_timeout: 3600

---
# gold.evs_disks.yml: the gold-tier disks of one cloud, with extra groups
plugin: dataprotection.evs.disks
cloud: otc-prod
filters:
  metadata:
    tier: gold
protection_sources: [snapshot, replication]
keyed_groups:
  - key: evs_volume_type
    prefix: type
groups:
  big: evs_size >= 500
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"
'''

import hashlib
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.dataprotection.evs.plugins.module_utils.client import (
    Client, HAS_REQUESTS, REQUESTS_IMPORT_ERROR)
from ansible_collections.dataprotection.evs.plugins.module_utils.config import resolve_settings, secrets_of
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ConfigError, redact
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import EVS, made_by_backup
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import SDRS, with_pair_sides
from ansible_collections.dataprotection.evs.plugins.module_utils.token_cache import TokenCache
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import untrusted

try:
    from ansible_collections.dataprotection.evs.plugins.module_utils.backup import BACKENDS, backup_api
    HAS_BACKUP = True
except ImportError:  # pragma: no cover - a collection without the backup layer
    HAS_BACKUP = False

CONNECTION_OPTIONS = ('cloud', 'auth', 'auth_type', 'region', 'interface', 'endpoints', 'validate_certs', 'ca_cert',
                      'api_timeout')
USABLE = ('available', 'in-use', 'protected')
_GROUP_RE = re.compile(r'[^A-Za-z0-9_]')


# ------------------------------------------------------------------------- pure logic
def group_name(*parts):
    """A valid Ansible group name from its parts: ``('az', 'eu-de-01')`` -> ``az_eu_de_01``."""
    return _GROUP_RE.sub('_', '_'.join(str(p) for p in parts if p not in (None, '')))


def hostnames(disks):
    """{disk id: host name}: the disk's name when no other listed disk has it, else the id."""
    counts = {}
    for disk in disks:
        if disk.get('name'):
            counts[disk['name']] = counts.get(disk['name'], 0) + 1
    return dict((d['id'], d['name'] if d.get('name') and counts[d['name']] == 1 else d['id']) for d in disks)


def index_copies(items, disk_key):
    """{disk id: [copies in a usable status]} for snapshots or backups (``disk_key`` names the disk);
    the snapshot a backup left on its disk is no copy (it cannot be restored from)."""
    by_disk = {}
    for item in items or ():
        if item.get('status') in USABLE and item.get(disk_key) and not made_by_backup(item):
            by_disk.setdefault(item[disk_key], []).append(item)
    return by_disk


def index_pairs(pairs):
    """{disk id: (pair, role)} with role ``production`` or ``dr`` for the two disks of each pair."""
    by_disk = {}
    for pair in pairs or ():
        pair = with_pair_sides(pair)
        if pair.get('production_volume_id'):
            by_disk[pair['production_volume_id']] = (pair, 'production')
        if pair.get('dr_volume_id'):
            by_disk[pair['dr_volume_id']] = (pair, 'dr')
    return by_disk


def inventory_mechanisms():
    """The registered mechanisms whose copies the inventory can see, in registry order."""
    return [m for m in registry.all_mechanisms() if m.inventory_records]


def protection_sources(names):
    """The checked ``protection_sources`` option: the names of registered mechanisms whose copies
    the inventory can see (None: all of them); a ConfigError names any other."""
    if names is None:
        return [m.name for m in inventory_mechanisms()]
    readable = [m.name for m in inventory_mechanisms()]
    for name in names:
        try:
            registry.get(name)
        except registry.MechanismError as exc:
            raise ConfigError('protection_sources: %s' % exc)
        if name not in readable:
            raise ConfigError('protection_sources: the inventory cannot see the copies of mechanism %s (it can see '
                              'those of %s); leave it out' % (name, ', '.join(readable)))
    return list(names)


def protection_of(disk_id, snapshots, backups, pairs, sources):
    """The ``evs_protection`` host variable and the mechanisms in ``sources`` that protect the
    disk, as each mechanism reads its records' index: ``snapshots`` and ``backups`` ({disk id:
    usable copies}, ``index_copies``), ``pairs`` ({disk id: (pair, role)}, ``index_pairs``)."""
    indexes = {'snapshots': snapshots, 'backups': backups, 'pairs': pairs}
    protection, protected_by = {}, []
    for mechanism in inventory_mechanisms():
        keys, protects = mechanism.inventory_protection(indexes, disk_id)
        protection.update(keys)
        if protects and mechanism.name in sources:
            protected_by.append(mechanism.name)
    return protection, protected_by


def cloud_identity(settings):
    """A short digest of where and as whom the inventory reads (never of a secret), for the cache key."""
    auth = settings.get('auth') or {}
    parts = [auth.get(key) or '' for key in ('auth_url', 'user_domain_name', 'domain', 'username', 'user_id', 'ak',
                                             'project_id', 'project_name')]
    parts.append(settings.get('region') or '')
    parts.extend('%s=%s' % item for item in sorted((settings.get('endpoints') or {}).items()))
    return hashlib.sha256('\n'.join(str(p) for p in parts).encode('utf-8')).hexdigest()[:16]


def server_vars(disk, servers):
    """The servers ``disk`` is attached to, as far as the compute service describes them."""
    result = []
    for attachment in disk.get('attachments') or ():
        server_id = attachment.get('server_id')
        server = servers.get(server_id) or {}
        result.append({
            'id': server_id,
            'name': server.get('name'),
            'status': server.get('status'),
            'availability_zone': server.get('OS-EXT-AZ:availability_zone') or server.get('availability_zone'),
            'device': attachment.get('device'),
        })
    return result


def build_hosts(disks, servers, snapshots, backups, pairs, sources, tier_key='tier'):
    """The hosts of the inventory, sorted by name: [{'name', 'vars', 'groups'}]. Pure: the cloud's
    answers in, the inventory out (this is also what the cache holds)."""
    names = hostnames(disks)
    snapshot_index = index_copies(snapshots, 'volume_id')
    backup_index = index_copies(backups, 'disk_id')
    pair_index = index_pairs(pairs)
    server_index = dict((s.get('id'), s) for s in servers or ())
    hosts = []
    for disk in disks:
        metadata = disk.get('metadata') or {}
        protection, protected_by = protection_of(disk['id'], snapshot_index, backup_index, pair_index, sources)
        status = 'protected' if protected_by else 'unprotected'
        tier = metadata.get(tier_key)
        host_vars = {
            'evs_id': disk['id'],
            'evs_name': disk.get('name'),
            'evs_status': disk.get('status'),
            'evs_size': disk.get('size'),
            'evs_availability_zone': disk.get('availability_zone'),
            'evs_volume_type': disk.get('volume_type'),
            'evs_bootable': disk.get('bootable'),
            'evs_metadata': metadata,
            'evs_tier': tier,
            'evs_created_at': disk.get('created_at'),
            'evs_servers': server_vars(disk, server_index),
            'evs_protection': protection,
            'evs_protected_by': protected_by,
            'evs_protection_status': status,
        }
        groups = []
        if disk.get('availability_zone'):
            groups.append(group_name('az', disk['availability_zone']))
        if tier not in (None, '') and protection['replication_role'] != 'dr':
            groups.append(group_name('tier', tier))
        groups.append(group_name('protection', status))
        groups.extend(group_name('protected_by', m) for m in protected_by)
        if protection['replication_role'] == 'dr':
            groups.append('replication_dr_disk')
        hosts.append({'name': names[disk['id']], 'vars': host_vars, 'groups': groups})
    return sorted(hosts, key=lambda h: h['name'])


# ------------------------------------------------------------------------- the plugin
class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'dataprotection.evs.disks'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ('evs_disks.yml', 'evs_disks.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        settings = self.settings()
        try:
            # refused before the cache is read: a cached inventory of a mistyped source is no answer
            protection_sources(self.get_option('protection_sources'))
        except ConfigError as exc:
            raise AnsibleParserError('dataprotection.evs.disks: %s' % exc)
        # the same file with another OS_CLOUD (or OS_* user) is another inventory
        cache_key = '%s_%s' % (self.get_cache_key(path), cloud_identity(settings))
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        hosts = None
        if use_cache:
            try:
                hosts = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if hosts is None:
            hosts = self.fetch_hosts(settings)
        if update_cache:
            self._cache[cache_key] = hosts
        self.populate(hosts)

    def connection_params(self):
        return dict((key, self.get_option(key)) for key in CONNECTION_OPTIONS)

    def settings(self):
        """The connection settings, resolved as the modules resolve them (no request yet)."""
        try:
            return resolve_settings(self.connection_params())
        except ConfigError as exc:
            raise AnsibleParserError('dataprotection.evs.disks: %s' % exc)

    def fetch_hosts(self, settings):
        """Read the cloud and build the hosts; failures name what failed, never a secret."""
        if not HAS_REQUESTS:
            raise AnsibleError('the dataprotection.evs.disks inventory needs the python library requests: %s'
                               % REQUESTS_IMPORT_ERROR)
        secrets = secrets_of(settings)
        try:
            return self.read_cloud(Client(settings, token_cache=TokenCache.from_environment()))
        except (ConfigError, CloudError) as exc:
            raise AnsibleParserError('dataprotection.evs.disks: %s' % redact(str(exc), secrets))

    def read_cloud(self, client):
        sources = protection_sources(self.get_option('protection_sources'))
        filters = self.get_option('filters') or {}
        evs = EVS(client)
        disks = evs.list_volumes(status=filters.get('status'), availability_zone=filters.get('availability_zone'),
                                 metadata=filters.get('metadata'))
        servers = []
        if self.get_option('servers') and any(d.get('attachments') for d in disks):
            servers = self.read_servers(client)
        # each kind of record once, and only when a chosen mechanism's copies are among them
        kinds = set(registry.get(name).inventory_records for name in sources)
        readers = {'snapshots': evs.list_snapshots, 'backups': lambda: self.read_backups(client),
                   'pairs': lambda: SDRS(client).list_pairs()}
        records = dict((kind, read() if kind in kinds else []) for kind, read in readers.items())
        return build_hosts(disks, servers, records['snapshots'], records['backups'], records['pairs'], sources,
                           self.get_option('tier_key'))

    def read_servers(self, client):
        """The project's servers; none (``evs_servers`` then has only ids and devices) when the cloud
        offers no compute service to this user."""
        try:
            return list(client.paginate_links('compute', '/servers/detail', 'servers'))
        except ConfigError as exc:
            self.display.warning('dataprotection.evs.disks: servers not read: %s' % exc)
        except CloudError as exc:
            if exc.status not in (403, 404):
                raise
            self.display.warning('dataprotection.evs.disks: servers not read: %s' % exc)
        return []

    def read_backups(self, client):
        if not HAS_BACKUP:
            raise ConfigError("protection source 'backup' needs the backup layer of the collection")
        found, errors = [], []
        for backend in BACKENDS:
            try:
                found.extend(backup_api(client, backend).list())
            except ConfigError as exc:  # the cloud has no endpoint for this service
                errors.append(str(exc))
            except CloudError as exc:
                if exc.status not in (403, 404):
                    raise
                errors.append(str(exc))
        if len(errors) == len(BACKENDS):
            raise ConfigError("protection source 'backup': no backup service answered (%s); "
                              "leave 'backup' out of protection_sources" % '; '.join(errors))
        return found

    def populate(self, hosts):
        strict = self.get_option('strict')
        local = self.get_option('local_connection')
        for host in hosts:
            # names, descriptions and metadata are whatever anyone with access to the project wrote
            host = untrusted(host)
            name = self.inventory.add_host(host['name'])
            for key, value in host['vars'].items():
                self.inventory.set_variable(name, key, value)
            if local:
                self.inventory.set_variable(name, 'ansible_connection', 'local')
            for group in host['groups']:
                self.inventory.add_group(group)
                self.inventory.add_child(group, name)
            host_vars = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option('compose'), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), host_vars, name, strict=strict)
