# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure logic of the disks inventory: host names, protection status, groups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.inventory.disks import (
    InventoryModule, build_hosts, cloud_identity, group_name, hostnames, index_pairs, protection_of,
    protection_sources)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ConfigError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry

ALL = ['snapshot', 'backup', 'replication']


def disk(disk_id, name, az='eu-de-01', metadata=None, attachments=None):
    return {'id': disk_id, 'name': name, 'availability_zone': az, 'metadata': metadata or {},
            'attachments': attachments or [], 'status': 'available', 'size': 10}


def test_group_name_keeps_only_valid_characters():
    assert group_name('az', 'eu-de-01') == 'az_eu_de_01'
    assert group_name('tier', 'gold.plus 1') == 'tier_gold_plus_1'
    assert group_name('tier', '') == 'tier'


def test_hostnames_fall_back_to_the_id_for_shared_or_missing_names():
    disks = [disk('a', 'db'), disk('b', 'db'), disk('c', 'web'), disk('d', '')]
    assert hostnames(disks) == {'a': 'a', 'b': 'b', 'c': 'web', 'd': 'd'}


def test_pairs_give_production_and_dr_roles_by_priority_station():
    pairs = [{'id': 'p1', 'volume_ids': 'src,dst', 'priority_station': 'source', 'status': 'available'},
             {'id': 'p2', 'volume_ids': 'x,y', 'priority_station': 'target', 'status': 'available'}]
    index = index_pairs(pairs)
    assert index['src'][1] == 'production' and index['dst'][1] == 'dr'
    assert index['y'][1] == 'production' and index['x'][1] == 'dr'  # failed over


def test_only_usable_copies_and_chosen_sources_protect():
    snapshots = {'a': [{'status': 'available', 'created_at': '2026-01-02'},
                       {'status': 'available', 'created_at': '2026-01-03'}]}
    backups = {'a': [{'status': 'available', 'created_at': '2026-01-01'}]}
    protection, by = protection_of('a', snapshots, backups, {}, ALL)
    assert by == ['snapshot', 'backup']
    assert protection['snapshots'] == 2 and protection['latest_snapshot_at'] == '2026-01-03'
    assert protection_of('a', snapshots, backups, {}, ['replication'])[1] == []


def test_build_hosts_groups_by_az_tier_and_protection():
    disks = [disk('a', 'db01', metadata={'tier': 'gold'}, attachments=[{'server_id': 's1', 'device': '/dev/vdb'}]),
             disk('b', 'web01', az='eu-de-02', metadata={'tier': 'silver'}),
             disk('c', 'web01', az='eu-de-01'),
             disk('d', 'scratch', az='eu-de-03')]
    snapshots = [{'volume_id': 'a', 'status': 'available', 'created_at': 't'},
                 {'volume_id': 'd', 'status': 'error', 'created_at': 't'}]
    backups = [{'disk_id': 'd', 'status': 'creating'}]
    pairs = [{'id': 'p', 'volume_ids': 'b,c', 'priority_station': 'source', 'status': 'available'}]
    servers = [{'id': 's1', 'name': 'app', 'status': 'ACTIVE', 'OS-EXT-AZ:availability_zone': 'eu-de-01'}]
    hosts = dict((h['name'], h) for h in build_hosts(disks, servers, snapshots, backups, pairs, ALL))
    assert sorted(hosts) == ['b', 'c', 'db01', 'scratch']
    assert hosts['db01']['groups'] == ['az_eu_de_01', 'tier_gold', 'protection_protected', 'protected_by_snapshot']
    assert hosts['b']['groups'] == ['az_eu_de_02', 'tier_silver', 'protection_protected', 'protected_by_replication']
    assert hosts['c']['groups'] == ['az_eu_de_01', 'protection_unprotected', 'replication_dr_disk']
    assert hosts['scratch']['groups'] == ['az_eu_de_03', 'protection_unprotected']
    assert hosts['db01']['vars']['evs_servers'] == [
        {'id': 's1', 'name': 'app', 'status': 'ACTIVE', 'availability_zone': 'eu-de-01', 'device': '/dev/vdb'}]
    assert hosts['c']['vars']['evs_protection']['replication_role'] == 'dr'


def test_a_dr_replica_is_never_in_a_tier_group():
    # the DR twin carries the tier metadata too (a cloud that copies it, or a failover that made
    # the tagged disk the DR side): before, it was in tier_gold with its production disk
    disks = [disk('a', 'db01', metadata={'tier': 'gold'}), disk('b', 'db01', az='eu-de-02', metadata={'tier': 'gold'})]
    pairs = [{'id': 'p', 'volume_ids': 'a,b', 'priority_station': 'source', 'status': 'available'}]
    hosts = dict((h['name'], h) for h in build_hosts(disks, [], [], [], pairs, ALL))
    assert 'tier_gold' in hosts['a']['groups'] and 'tier_gold' not in hosts['b']['groups']
    assert 'replication_dr_disk' in hosts['b']['groups']
    failed_over = [dict(pairs[0], priority_station='target')]
    hosts = dict((h['name'], h) for h in build_hosts(disks, [], [], [], failed_over, ALL))
    assert 'tier_gold' in hosts['b']['groups'] and 'tier_gold' not in hosts['a']['groups']


def test_a_custom_tier_key():
    hosts = build_hosts([disk('a', 'db', metadata={'class': 'A'})], [], [], [], [], ALL, tier_key='class')
    assert hosts[0]['groups'][:2] == ['az_eu_de_01', 'tier_A'] and hosts[0]['vars']['evs_tier'] == 'A'


class NoCompute:
    """A client whose cloud has no compute service (or refuses it)."""

    def __init__(self, error):
        self.error = error

    def paginate_links(self, *args, **kwargs):
        raise self.error


def test_servers_are_optional_but_other_failures_are_not():
    plugin = InventoryModule()
    assert plugin.read_servers(NoCompute(ConfigError("no endpoint for service 'compute'"))) == []
    assert plugin.read_servers(NoCompute(CloudError(403, 'Forbidden', 'no'))) == []
    with pytest.raises(CloudError):
        plugin.read_servers(NoCompute(CloudError(500, 'Boom', 'server error')))


def test_the_cache_key_part_names_the_cloud_and_user_but_no_secret():
    alice = {'auth': {'auth_url': 'https://iam/v3', 'username': 'alice', 'password': 'a-secret'}, 'region': 'eu-de'}
    other_password = {'auth': dict(alice['auth'], password='b-secret'), 'region': 'eu-de'}
    bob = {'auth': dict(alice['auth'], username='bob'), 'region': 'eu-de'}
    assert cloud_identity(alice) == cloud_identity(other_password)
    assert cloud_identity(alice) != cloud_identity(bob)
    assert cloud_identity(alice) != cloud_identity(dict(alice, region='eu-nl'))


# The protection sources are the registry's mechanisms: an extra one (DP_EVS_EXTRA_MECHANISMS)
# that tells the inventory where its copies are is a source like the built-in ones.
TAPE = u'''from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry


class Tape(registry.Mechanism):
    name = 'tape'
    survives = ('disk', 'az')
    min_rpo = 86400
    inventory_records = 'backups'

    def inventory_protection(self, indexes, disk_id):
        tapes = [b for b in indexes['backups'].get(disk_id) or () if b.get('backend') == 'tape']
        return {'tapes': len(tapes)}, bool(tapes)


class Label(registry.Mechanism):
    name = 'label'
    min_rpo = 0


MECHANISMS = [Tape(), Label()]
'''


@pytest.fixture
def tape(monkeypatch, tmp_path):
    path = tmp_path / 'tape.py'
    path.write_text(TAPE)
    monkeypatch.setenv(registry.EXTRA_ENV, str(path))
    registry.reload()
    yield
    monkeypatch.delenv(registry.EXTRA_ENV, raising=False)
    registry.reload()


def test_the_sources_are_the_mechanisms_the_registry_knows():
    assert protection_sources(None) == ALL
    assert protection_sources(['replication']) == ['replication']
    with pytest.raises(ConfigError, match="protection_sources: unknown mechanism 'snapshots'; the mechanisms are "
                                          "snapshot, backup, server_backup, replication"):
        protection_sources(['snapshot', 'snapshots'])


def test_an_extra_mechanism_protects_disks_like_a_built_in_one(tape):
    assert protection_sources(None) == ALL + ['tape']
    disks = [disk('a', 'db01'), disk('b', 'db02')]
    backups = [{'disk_id': 'a', 'backend': 'tape', 'status': 'available', 'created_at': 't'},
               {'disk_id': 'b', 'backend': 'cbr', 'status': 'available', 'created_at': 't'}]
    hosts = dict((h['name'], h) for h in build_hosts(disks, [], [], backups, [], protection_sources(None)))
    assert hosts['db01']['vars']['evs_protected_by'] == ['tape']
    assert hosts['db01']['groups'] == ['az_eu_de_01', 'protection_protected', 'protected_by_tape']
    # the tape copy is the tape mechanism's, not a backup
    assert hosts['db01']['vars']['evs_protection']['backups'] == 0 and hosts['db01']['vars']['evs_protection']['tapes'] == 1
    assert hosts['db02']['vars']['evs_protected_by'] == ['backup']
    assert hosts['db02']['vars']['evs_protection']['tapes'] == 0
    # left out of the sources, it protects nothing (its counts are still shown)
    hosts = dict((h['name'], h) for h in build_hosts(disks, [], [], backups, [], ALL))
    assert hosts['db01']['vars']['evs_protection_status'] == 'unprotected'


def test_a_mechanism_whose_copies_the_inventory_cannot_see_is_refused_as_a_source(tape):
    assert 'label' not in protection_sources(None)
    with pytest.raises(ConfigError, match='the inventory cannot see the copies of mechanism label'):
        protection_sources(['snapshot', 'label'])


class Options(InventoryModule):
    """The plugin with its options given (no inventory file)."""

    def __init__(self, **options):
        super(Options, self).__init__()
        self.options = options

    def get_option(self, name):
        return self.options.get(name)


class Reads:
    """A client that answers every listing with nothing and keeps the paths it was asked for."""

    def __init__(self):
        self.paths = []

    def get(self, service, path, **kwargs):
        self.paths.append(path)
        return {}

    def __getattr__(self, name):
        def listing(service, path, *args, **kwargs):
            self.paths.append(path)
            return []
        return listing


@pytest.mark.parametrize('sources, read', [
    (['snapshot'], ['/snapshots/detail']),
    (['replication'], ['/replications']),
    (['backup'], ['/backups', '/backups/detail']),
    (None, ['/snapshots/detail', '/backups', '/backups/detail', '/replications']),
])
def test_only_the_records_of_the_chosen_sources_are_read(sources, read):
    client = Reads()
    hosts = Options(protection_sources=sources, filters={}, servers=False, tier_key='tier').read_cloud(client)
    assert hosts == [] and client.paths == ['/volumes/detail'] + read
