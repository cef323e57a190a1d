# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""app_consistency: the tier option (checked by the snapshot mechanism) and the split of the due
snapshots into plain ones and consistency groups (dr_app_consistency)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.filter.dr_app_consistency import FilterModule, dr_app_consistency
from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
from ansible_collections.dataprotection.evs.plugins.filter.dr_snapshot_batch import dr_snapshot_batch

from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import checked, refused, refused_by, tier

DB = {'max_freeze': '20s', 'servers': [
    {'server': 'srv-db', 'host': 'db01', 'quiesce': 'fsfreeze -f /data', 'resume': {'tasks': '/hooks/thaw.yml'}},
    {'server': 'srv-app', 'quiesce': 'app-pause', 'resume': 'app-resume'},
]}


def test_a_checked_tier_has_its_hooks_normalized_and_its_cap_in_seconds():
    result = checked(tier('db', app_consistency=DB))['tiers'][0]['app_consistency']
    assert result == {'max_freeze': 20, 'servers': [
        {'server': 'srv-db', 'host': 'db01', 'quiesce': {'command': 'fsfreeze -f /data'},
         'resume': {'tasks': '/hooks/thaw.yml'}},
        # the inventory host defaults to the server
        {'server': 'srv-app', 'host': 'srv-app', 'quiesce': {'command': 'app-pause'}, 'resume': {'command': 'app-resume'}},
    ]}


def test_the_cap_defaults_to_30_seconds_and_a_tier_without_the_option_has_none():
    tiers = checked(tier('db', app_consistency={'servers': DB['servers']}), tier('web'))['tiers']
    assert tiers[0]['app_consistency']['max_freeze'] == 30
    assert tiers[1]['app_consistency'] is None


def test_a_server_without_a_resume_hook_is_refused():
    """A server the run could quiesce but not resume would stay frozen."""
    message = refused({'name': 'shop', 'tiers': [tier('db', app_consistency={'servers': [
        {'server': 'srv-db', 'quiesce': 'fsfreeze -f /data'}]})]})
    assert "tier 'db'.app_consistency.servers[0].resume must be a command (a string) or {tasks: <task file>}" in message


def test_bad_shapes_are_all_refused_at_once():
    message = refused({'name': 'shop', 'tiers': [tier('db', app_consistency={
        'max_freeze': 0, 'hooks': 1, 'servers': [
            {'server': 'a', 'quiesce': {'shell': 'x'}, 'resume': 'y'},
            {'server': 'a', 'quiesce': 'x', 'resume': 'y', 'when': 'never'},
            'b']})]})
    assert "app_consistency has unknown keys hooks" in message
    assert 'max_freeze must be above 0' in message
    assert "servers[0].quiesce must be a command (a string) or {tasks: <task file>}, not {'shell': 'x'}" in message
    assert 'servers[1]: server a is listed twice' in message
    assert 'servers[1] has unknown keys when' in message
    assert 'servers[2] must be a dict' in message


def test_no_servers_is_refused():
    assert 'app_consistency.servers must list the servers to quiesce' in refused(
        {'name': 'shop', 'tiers': [tier('db', app_consistency={'max_freeze': '10s'})]})


def test_a_tier_without_snapshots_cannot_ask_for_it():
    message = refused({'name': 'shop', 'tiers': [tier('db', failure='az', rpo='1d', mechanisms=['backup'],
                                                      app_consistency=DB)]})
    assert "tier 'db' takes no snapshots (its mechanisms are backup); app_consistency quiesces the servers" in message


DISKS = [
    {'id': 'd-data', 'name': 'db-data', 'attachments': [{'server_id': 'srv-db'}]},
    {'id': 'd-log', 'name': 'db-log', 'attachments': [{'server_id': 'srv-db'}]},
    {'id': 'd-app', 'name': 'app-disk', 'attachments': [{'server_id': 'srv-app'}]},
    {'id': 'd-web', 'name': 'web', 'attachments': [{'server_id': 'srv-web'}]},
    {'id': 'd-spare', 'name': 'spare', 'attachments': []},
]


def _due(policy, tiers_of_disks):
    targets = [{'disk_id': disk, 'name': 'shop-%s-20261125T1000Z' % name, 'policy': 'shop', 'tier': name, 'force': True,
                'slot': {'start': '2026-11-25T10:00:00Z'}, 'metadata': {'dp_evs_policy': 'shop', 'dp_evs_tier': name},
                'skip': None} for disk, name in tiers_of_disks]
    return dr_snapshot_batch(targets, [])


def test_the_due_snapshots_split_into_plain_ones_and_one_marked_group_per_tier():
    policy = checked(tier('db', app_consistency=DB), tier('web'))
    due = _due(policy, [('d-data', 'db'), ('d-web', 'web'), ('d-app', 'db'), ('d-log', 'db'), ('d-spare', 'db')])
    split = dr_app_consistency(due, policy, DISKS, run_id='20261125T100312Z-1f2e')
    assert [item['disk'] for item in split['plain']] == ['d-web']
    assert split['plain'][0]['metadata'] == {'dp_evs_policy': 'shop', 'dp_evs_tier': 'web'}
    [group] = split['groups']
    assert group['tier'] == 'db' and group['max_freeze'] == 20 and group['run_id'] == 'db-20261125T100312Z-1f2e'
    # the servers the group's disks are attached to, in the policy's order, each once
    assert [s['server'] for s in group['servers']] == ['srv-db', 'srv-app']
    assert group['servers'][0]['host'] == 'db01'
    assert [item['disk'] for item in group['snapshots']] == ['d-data', 'd-app', 'd-log', 'd-spare']
    for item in group['snapshots']:
        assert item['metadata'] == {'dp_evs_policy': 'shop', 'dp_evs_tier': 'db', 'dp_evs_consistency': 'application',
                                    'dp_evs_group_run': 'db-20261125T100312Z-1f2e'}
        # ownership is still the policy's and tier's marks only: a rerun adopts its own copy
        assert item['owner_metadata'] == {'dp_evs_policy': 'shop', 'dp_evs_tier': 'db'}


def test_a_listed_server_none_of_whose_disks_is_due_is_not_quiesced():
    policy = checked(tier('db', app_consistency=DB))
    [group] = dr_app_consistency(_due(policy, [('d-log', 'db')]), policy, DISKS, run_id='r')['groups']
    assert [s['server'] for s in group['servers']] == ['srv-db']


def test_nothing_due_makes_no_group():
    policy = checked(tier('db', app_consistency=DB))
    assert dr_app_consistency([], policy, DISKS, run_id='r') == {'plain': [], 'groups': []}


def test_a_disk_attached_to_an_unlisted_server_is_refused():
    policy = checked(tier('db', app_consistency=DB))
    message = refused_by(dr_app_consistency, _due(policy, [('d-data', 'db'), ('d-web', 'db')]), policy, DISKS,
                         run_id='r')
    assert ("tier 'db': disk 'web' is attached to server srv-web, which app_consistency.servers does not list"
            in message)
    # as the role calls it: the refusal returned, for a fail task to show alone
    as_the_role_calls_it = FilterModule().filters()['dr_app_consistency']
    assert as_the_role_calls_it(_due(policy, [('d-web', 'db')]), policy, DISKS, run_id='r', errors='return') == {
        'refused': "policy shop is refused, nothing was changed:\n"
                   "  - tier 'db': disk 'web' is attached to server srv-web, which app_consistency.servers does not list; "
                   "add it (with its quiesce and resume hooks) or select the disk in another tier"}


def test_the_audit_shows_which_copies_are_application_consistent_and_their_group_run():
    policy = checked(tier('db', app_consistency=DB))
    disks = [{'id': 'd-data', 'name': 'db-data', 'availability_zone': 'eu-de-01', 'status': 'in-use',
              'metadata': {'tier': 'db'}}]
    marks = {'dp_evs_policy': 'shop', 'dp_evs_tier': 'db'}
    snapshots = [
        {'id': 's-app', 'name': 'shop-db-20261125T0000Z', 'volume_id': 'd-data', 'status': 'available',
         'created_at': '2026-11-25T00:00:01.000000',
         'metadata': dict(marks, dp_evs_consistency='application', dp_evs_group_run='db-20261125T000001Z-1f2e')},
        {'id': 's-crash', 'name': 'shop-db-20261124T0000Z', 'volume_id': 'd-data', 'status': 'available',
         'created_at': '2026-11-24T00:00:01.000000', 'metadata': marks},
    ]
    report = dr_audit(disks, policy, '2026-11-25T12:00:00Z', snapshots=snapshots)
    copies = dict((c['id'], c) for c in report['disks'][0]['copies'])
    assert copies['s-app']['consistency'] == 'application'
    assert copies['s-app']['group_run'] == 'db-20261125T000001Z-1f2e'
    # a crash-consistent copy keeps the shape it always had
    assert 'consistency' not in copies['s-crash'] and 'group_run' not in copies['s-crash']
    page = dr_audit_html(report)
    assert page.count('application-consistent (group run db-20261125T000001Z-1f2e)') == 1
