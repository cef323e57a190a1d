# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the failover role decides in Python besides the plan: which group a request names, and
the report of the run (the group after it, the disks whose metadata was copied, the RTO)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_group import FilterModule as GroupFilters
from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_group import dr_failover_group
from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_plan import dr_failover_plan
from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_report import FilterModule as ReportFilters
from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_report import dr_failover_report

SHOP = {'name': 'shop', 'tiers': [{'name': 'bronze'}, {'name': 'gold', 'secondary_az': 'eu-de-02'}]}
TWO_REPLICATED = {'name': 'shop', 'tiers': [{'name': 'gold', 'secondary_az': 'eu-de-02'},
                                            {'name': 'silver', 'secondary_az': None}]}


@pytest.mark.parametrize('given, policy, tier, name', [
    ('shop-gold', None, '', 'shop-gold'),
    ('g-1234', SHOP, 'bronze', 'g-1234'),  # the group given wins over the policy
    ('', SHOP, '', 'shop-gold'),  # the policy's only replicated tier
    ('', TWO_REPLICATED, 'silver', 'shop-silver'),
])
def test_the_group_a_request_names(given, policy, tier, name):
    assert dr_failover_group(given, action='planned', policy=policy, tier=tier) == {'name': name}


@pytest.mark.parametrize('given, action, policy, tier', [
    ('shop-gold', 'switch', None, ''),  # not a request
    ('', 'planned', None, ''),  # nothing names the group
    ('', 'planned', TWO_REPLICATED, ''),  # which of the two tiers?
    ('', 'planned', {'name': 'shop', 'tiers': [{'name': 'bronze'}]}, ''),  # no replicated tier
    ('', 'planned', {'tiers': [{'name': 'gold', 'secondary_az': 'eu-de-02'}]}, ''),  # a policy without a name
    ('', 'planned', ['shop'], 'gold'),  # not a policy
])
def test_a_request_that_names_no_group_is_refused_in_the_roles_words(given, action, policy, tier):
    with pytest.raises(AnsibleFilterError) as refused:
        dr_failover_group(given, action=action, policy=policy, tier=tier)
    assert str(refused.value).startswith("failover needs failover_action planned, failover, failback or reprotect (not '%s')"
                                         % action)
    assert str(refused.value).endswith('nothing was changed')
    returned = GroupFilters().filters()['dr_failover_group'](given, action=action, policy=policy, tier=tier,
                                                             errors='return')
    assert returned == {'refused': str(refused.value)}


GROUP = {'id': 'g1', 'name': 'shop-gold', 'status': 'protected', 'priority_station': 'source',
         'source_availability_zone': 'eu-de-01', 'target_availability_zone': 'eu-de-02', 'replication_num': 1,
         'production_az': 'eu-de-01', 'dr_az': 'eu-de-02', 'protection': 'enabled'}  # as protection_group_info has it
SWITCHED = dict(GROUP, priority_station='target', production_az='eu-de-02', dr_az='eu-de-01')
BEFORE = {'cloud_time': '2026-11-25T10:00:00Z', 'protection_groups': [GROUP]}
AFTER = {'cloud_time': '2026-11-25T10:07:30Z', 'protection_groups': [SWITCHED]}
SKIPPED = {'changed': False, 'skipped': True}


def plan(confirm=True, groups=(GROUP,)):
    return dr_failover_plan(list(groups), name='shop-gold', action='planned', confirm=confirm)[0]


def test_a_switch_made_reports_the_switched_group_and_the_rto():
    copied = {'results': [{'changed': True, 'item': {'disk': 'd2', 'name': 'db'}},
                          {'changed': False, 'item': {'disk': 'd3', 'name': 'log'}}]}
    switch = {'changed': True, 'protection_group': dict(SWITCHED, status='reversing')}
    report = dr_failover_report(plan(), before=BEFORE, after=AFTER, switch=switch, metadata=copied)
    assert report == {
        'protection_group': 'shop-gold', 'action': 'planned', 'confirmed': True, 'check_mode': False,
        'already_done': False, 'changed': True, 'metadata_copied': [{'disk': 'd2', 'name': 'db'}],
        'from_az': 'eu-de-01', 'to_az': 'eu-de-02', 'production_az': 'eu-de-02', 'status': 'reversing',
        'protection': 'enabled', 'started_at': '2026-11-25T10:00:00Z', 'finished_at': '2026-11-25T10:07:30Z',
        'rto_seconds': 450}


def test_no_switch_reports_the_group_read_after_and_no_rto():
    done = plan(groups=[SWITCHED])
    report = dr_failover_report(done, before=BEFORE, after=AFTER, switch=SKIPPED, metadata={'results': []})
    assert report['already_done'] and not report['changed'] and report['rto_seconds'] is None
    assert (report['production_az'], report['status'], report['metadata_copied']) == ('eu-de-02', 'protected', [])
    unconfirmed = dr_failover_report(plan(confirm='yes please'), before=BEFORE, after=BEFORE, switch=SKIPPED)
    assert not unconfirmed['confirmed'] and not unconfirmed['already_done'] and unconfirmed['rto_seconds'] is None
    assert unconfirmed['production_az'] == 'eu-de-01'


def test_a_predicted_switch_has_no_rto():
    switch = {'changed': True, 'protection_group': SWITCHED}
    report = dr_failover_report(plan(), before=BEFORE, after=BEFORE, switch=switch, check_mode=True)
    assert report['changed'] and report['check_mode'] and report['rto_seconds'] is None
    assert report['production_az'] == 'eu-de-02'


def test_a_reprotect_made_moves_no_production_and_has_no_rto():
    failed_over = dict(SWITCHED, status='failed-over', protection='disabled')
    reprotect = dr_failover_plan([failed_over], name='shop-gold', action='reprotect', confirm=True)[0]
    switch = {'changed': True, 'protection_group': SWITCHED}
    report = dr_failover_report(reprotect, before=dict(BEFORE, protection_groups=[failed_over]), after=AFTER,
                                switch=switch)
    assert (report['action'], report['changed'], report['rto_seconds']) == ('reprotect', True, None)
    assert (report['from_az'], report['to_az'], report['production_az'], report['protection']) == (
        'eu-de-02', 'eu-de-02', 'eu-de-02', 'enabled')


@pytest.mark.parametrize('given, before, message', [
    ({'name': 'shop-gold', 'action': 'refused', 'refused': 'no'}, BEFORE, 'a plan of dr_failover_plan that was not refused'),
    (None, BEFORE, 'a plan of dr_failover_plan that was not refused'),
    ('plan', {'cloud_time': 'yesterday'}, "before must be a result of protection_group_info with its cloud_time"),
])
def test_a_report_of_something_else_is_refused(given, before, message):
    given = plan() if given == 'plan' else given
    with pytest.raises(AnsibleFilterError, match=message):
        dr_failover_report(given, before=before, after=AFTER, switch={'changed': True, 'protection_group': SWITCHED})
    returned = ReportFilters().filters()['dr_failover_report'](given, before=before, after=AFTER, errors='return',
                                                               switch={'changed': True, 'protection_group': SWITCHED})
    assert set(returned) == {'refused'}
