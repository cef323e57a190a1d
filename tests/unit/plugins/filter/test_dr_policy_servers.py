# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tiers that select servers: the policy check (dr_policy) and the plan of the server tiers
(dr_policy_servers): vault, policy, on-demand server backups on the cloud's clock, consistency
groups, and every refusal before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_servers import FilterModule, dr_policy_servers
from ansible_collections.dataprotection.evs.plugins.plugin_utils.app_consistency import consistency_of

from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import (
    checked, policy, refused, refused_by, tier)

NOW = '2026-12-07T10:00:00Z'
SLOT = '20261207T0000Z'
DISKS = [{'id': 'd-data', 'size': 20}, {'id': 'd-log', 'size': 10}, {'id': 'd-app', 'size': 40}]
DB, APP, OTHER = (
    {'id': 's-db', 'name': 'db01', 'status': 'ACTIVE', 'metadata': {'app': 'db'}, 'disk_ids': ['d-data', 'd-log']},
    {'id': 's-app', 'name': 'app01', 'status': 'ACTIVE', 'metadata': {'app': 'shop'}, 'disk_ids': ['d-app']},
    {'id': 's-other', 'name': 'other', 'status': 'ACTIVE', 'metadata': {}, 'disk_ids': []})
SERVERS = [DB, APP, OTHER]
HOOKS = {'max_freeze': '10s', 'servers': [{'server': 'db01', 'host': 'db-host', 'quiesce': 'fsfreeze -f /data',
                                           'resume': 'fsfreeze -u /data'}]}


def server_tier(name='db', servers=None, **overrides):
    """A tier of the servers whose metadata app is ``db`` (or ``servers``), daily, 3 kept."""
    base = dict(failure='az', retention={'last': 3}, disks=None,
                servers=servers if servers is not None else {'metadata': {'app': 'db'}})
    base.update(overrides)
    return tier(name, **base)


def plan(*tiers, **kwargs):
    kwargs.setdefault('run_id', 'R1')
    return dr_policy_servers(kwargs.pop('servers', SERVERS), DISKS, checked(*tiers), NOW, **kwargs)


def server_backup(server, name, created, status='available', description=''):
    return {'id': 'b-%s-%s' % (server['id'], name), 'name': name, 'disk_id': server['id'], 'status': status,
            'resource_type': 'OS::Nova::Server', 'created_at': created, 'description': description}


def test_a_tier_that_selects_servers_is_backed_up_whole_by_server_backups_only():
    tiers = checked(server_tier(), tier('daily'))['tiers']
    assert tiers[0]['mechanisms'] == ['server_backup'] and tiers[0]['disks'] is None
    assert tiers[0]['servers'] == {'metadata': {'app': 'db'}, 'names': [], 'ids': []}
    assert tiers[1]['mechanisms'] == ['snapshot'] and tiers[1]['servers'] is None


@pytest.mark.parametrize('overrides, reason', [
    ({'servers': {}}, "tier 'db'.servers selects no server: give metadata"),
    ({'servers': {'metadata': {}}}, "tier 'db'.servers selects no server"),
    ({'servers': {'tags': {'app': 'db'}}}, "tier 'db'.servers has unknown keys tags"),
    ({'servers': {'metadata': {'backup': True}}}, 'metadata.backup is the boolean True'),
    ({'disks': {'names': ['x']}}, "tier 'db' selects both disks and servers"),
    ({'mechanisms': ['backup']}, "tier 'db' selects servers; backup does not protect servers"),
    ({'mechanisms': ['snapshot', 'server_backup']}, 'snapshot does not protect servers'),
    ({'rpo': '30m'}, 'name one in mechanisms: server_backup'),
    ({'rpo': '30m', 'mechanisms': ['server_backup']}, 'RPO 30m cannot be met with server backups'),
    ({'failure': 'region'}, "surviving the loss of a region cannot be met for a tier that selects servers"),
    ({'retention': None}, 'retention is missing'),
])
def test_a_server_tier_that_cannot_be_kept_is_refused_before_any_request(overrides, reason):
    assert reason in refused(policy(server_tier(**overrides)))


def test_the_plan_makes_a_server_vault_and_policy_and_a_backup_of_each_server_without_one():
    (result,) = plan(server_tier())
    assert result['name'] == 'shop-db' and result['server_ids'] == ['s-db']
    assert result['vault_size'] == 60          # twice the server's two disks
    assert result['backup']['schedule'] == ['FREQ=DAILY;BYHOUR=0;BYMINUTE=0']
    assert result['backup']['cbr']['max_backups'] == 3
    assert (result['vault_exists'], result['policy_exists'], result['vault_in_place'], result['group']) == (
        False, False, False, None)
    assert result['due'] == [{'server_id': 's-db', 'server_name': 'db01', 'name': 'shop-db-' + SLOT, 'tier': 'db',
                              'vault': 'shop-db', 'vault_exists': False, 'reason': 'no backup yet',
                              'description': 'shop policy, tier db: no backup yet'}]


def test_on_the_clouds_clock_a_recent_backup_or_this_slots_backup_is_not_taken_again():
    recent = server_backup(DB, 'by-hand', '2026-12-07T01:00:00Z')
    assert plan(server_tier(), backups=[recent])[0]['due'] == []
    old = server_backup(DB, 'by-hand', '2026-12-05T01:00:00Z')
    (due,) = plan(server_tier(), backups=[old])[0]['due']
    assert (due['name'], due['reason']) == ('shop-db-' + SLOT, 'newest backup is 57h old, more than 1d')
    # a disk backup of a server's disk is not a server backup of it
    disk = dict(recent, resource_type='OS::Cinder::Volume')
    assert len(plan(server_tier(), backups=[disk])[0]['due']) == 1


def test_a_server_backup_still_being_taken_is_waited_for_never_started_twice():
    running = server_backup(DB, 'shop-db-20261206T0000Z', '2026-12-06T00:00:00Z', status='protecting')
    (result,) = plan(server_tier(), backups=[running])
    assert result['due'] == []
    assert [(w['server_id'], w['name'], w['vault']) for w in result['waiting']] == [
        ('s-db', 'shop-db-20261206T0000Z', 'shop-db')]


def test_a_server_that_cannot_be_backed_up_now_is_skipped_and_said():
    stopped = dict(DB, status='ERROR')
    (result,) = plan(server_tier(), servers=[stopped, APP])
    assert result['due'] == [] and "server 'db01' is ERROR" in result['skipped'][0]


def test_without_on_demand_nothing_is_due():
    assert plan(server_tier(), on_demand='false')[0]['due'] == []
    assert 'on_demand must be true or false' in refused_by(plan, server_tier(), on_demand='ture')


@pytest.mark.parametrize('tiers, servers, reason', [
    ([server_tier(servers={'metadata': {'app': 'nothing'}})], SERVERS,
     "tier 'db'.servers selects no server: no server carries app=nothing"),
    ([server_tier(servers={'names': ['gone']})], SERVERS, "names server 'gone', which does not exist"),
    ([server_tier(servers={'ids': ['s-gone']})], SERVERS, 'lists server id s-gone, which does not exist'),
    ([server_tier(servers={'names': ['db01']})], SERVERS + [dict(OTHER, id='s-db2', name='db01')],
     "names server 'db01', but 2 servers have that name; list it under ids instead (s-db, s-db2)"),
    ([server_tier()], SERVERS + [dict(DB, id='s-db2')], "selects server 'db01', a name 2 servers share (s-db, s-db2)"),
    ([server_tier(), server_tier('db2', servers={'names': ['db01']})], SERVERS,
     "server 'db01' is selected by server tiers 'db' and 'db2'"),
    ([server_tier(app_consistency={'servers': [dict(HOOKS['servers'][0], server='app01')]})], SERVERS,
     "server 'db01' (s-db) is selected, but app_consistency.servers does not list it"),
])
def test_what_the_servers_refuse_is_refused_with_every_reason_before_any_request(tiers, servers, reason):
    assert reason in refused_by(plan, *tiers, servers=servers)


def test_a_server_tier_of_more_servers_than_a_vault_holds_is_refused():
    many = [dict(APP, id='s-%03d' % n, name='app%03d' % n) for n in range(257)]
    assert "tier 'db' selects 257 servers, more than the 256 a CBR vault holds" in refused_by(
        plan, server_tier(servers={'metadata': {'app': 'shop'}}), servers=many)
    assert len(plan(server_tier(servers={'metadata': {'app': 'shop'}}), servers=many[:256])[0]['server_ids']) == 256


def test_a_server_in_a_vault_the_policy_did_not_make_is_refused():
    vaults = [{'name': 'by-hand', 'resource_ids': ['s-db'], 'object_type': 'server'}]
    assert "server 'db01' is in vault 'by-hand', which the policy did not make" in refused_by(
        plan, server_tier(), vaults=vaults)


def test_a_server_tier_and_a_disk_tier_may_cover_the_same_disks():
    # a snapshot tier of a server's disks does not keep it in a vault: no conflict
    (result,) = plan(server_tier(), tier('daily', disks={'ids': ['d-data']}))
    assert result['server_ids'] == ['s-db']


def test_an_application_consistent_tier_gives_its_due_backups_as_one_marked_group():
    (result,) = plan(server_tier(servers={'metadata': {'app': 'db'}, 'names': ['app01']}, app_consistency={
        'max_freeze': '10s', 'servers': HOOKS['servers'] + [{'server': 's-app', 'host': 'app-host', 'quiesce': 'q',
                                                            'resume': 'r'}]}))
    group = result['group']
    assert result['due'] == [] and group['run_id'] == 'db-R1' and group['max_freeze'] == 10
    assert group['copy_noun'] == 'server backup' and group['snapshots'] == []
    # hooks of the servers by id, in the policy's order
    assert [(s['server'], s['host']) for s in group['servers']] == [('s-db', 'db-host'), ('s-app', 'app-host')]
    assert [b['server_id'] for b in group['server_backups']] == ['s-app', 's-db']
    for backup in group['server_backups']:
        # the audit reads the mark back from the backup's description
        assert consistency_of(backup) == ('application', 'db-R1')
        assert backup['description'].endswith('shop policy, tier db: no backup yet')


def test_an_application_consistent_tier_with_nothing_due_quiesces_nothing():
    recent = server_backup(DB, 'x', '2026-12-07T01:00:00Z')
    assert plan(server_tier(app_consistency=HOOKS), backups=[recent])[0]['group'] is None


def test_a_backup_not_marked_so_is_crash_consistent():
    assert consistency_of({'description': 'shop policy, tier db: no backup yet'}) == ('crash', None)
    assert consistency_of({'description': 'by hand; dp_evs_consistency=application dp_evs_group_run=x;'}) == (
        'crash', None)


def test_the_plan_says_when_vault_and_policy_are_in_place():
    (first,) = plan(server_tier())
    vault = {'name': 'shop-db', 'object_type': 'server', 'size': 60, 'auto_expand': True, 'resource_ids': ['s-db'],
             'policy_name': 'shop-db'}
    cbr = {'name': 'shop-db', 'enabled': True, 'schedule': first['backup']['schedule'], 'max_backups': 3,
           'retention_duration_days': -1, 'long_term_retention': first['backup']['cbr']['long_term_retention']}
    (result,) = plan(server_tier(), vaults=[vault], policies=[cbr])
    assert result['vault_in_place'] and result['policy_in_place']
    # a disk vault of that name is not the tier's server vault
    (result,) = plan(server_tier(), vaults=[dict(vault, object_type='disk')], policies=[cbr])
    assert not result['vault_in_place']


def test_the_filter_is_registered():
    assert FilterModule().filters()['dr_policy_servers'] is not None


def test_the_audit_covers_a_server_tiers_disks_with_their_disk_backups_marked_application_consistent():
    policy = checked(server_tier())
    disks = [{'id': 'd-data', 'name': 'db-data', 'availability_zone': 'eu-de-01', 'status': 'in-use'},
             {'id': 'd-log', 'name': 'db-log', 'availability_zone': 'eu-de-01', 'status': 'in-use'},
             {'id': 'd-app', 'name': 'app-data', 'availability_zone': 'eu-de-01', 'status': 'in-use'}]
    marked = dict(server_backup(DB, 'shop-db-' + SLOT, '2026-12-07T00:00:10Z',
                                description='dp_evs_consistency=application dp_evs_group_run=db-R1; shop policy'),
                  vault_id='v-db', children=[{'id': 'c1', 'disk_id': 'd-data'}, {'id': 'c2', 'disk_id': 'd-log'}])
    report = dr_audit(disks, policy, NOW, backups=[marked], vaults=[{'id': 'v-db', 'name': 'shop-db'}],
                      servers=SERVERS)
    rows = dict((row['disk_name'], row) for row in report['disks'])
    assert sorted(rows) == ['db-data', 'db-log'] and report['compliant']
    for row in rows.values():
        (copy,) = row['copies']
        assert (copy['mechanism'], copy['consistency'], copy['group_run'], copy['by_policy']) == (
            'server_backup', 'application', 'db-R1', True)
    # without the servers the audit cannot tell which disks a server tier covers: refused, not guessed
    assert 'the audit needs the servers (server_info)' in refused_by(dr_audit, disks, policy, NOW, backups=[marked])
