# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The failover role's decision, as a table: per group and request, fail over, fail back, nothing
to do or refused with the reason; never a switch without the confirmation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_failover_plan import FilterModule, dr_failover_plan

UP = {'eu-de-01': True, 'eu-de-02': True}
HOME_DOWN = {'eu-de-01': False, 'eu-de-02': True}
DR_DOWN = {'eu-de-01': True, 'eu-de-02': False}


def group(status='protected', station='source', name='shop-gold', group_id='g1', replication_num=1):
    """A group as protection_group_info returns it, created eu-de-01 -> eu-de-02."""
    return {'id': group_id, 'name': name, 'status': status, 'priority_station': station,
            'source_availability_zone': 'eu-de-01', 'target_availability_zone': 'eu-de-02',
            'replication_num': replication_num}


def plan(groups, action, confirm=True, zones=None, name='shop-gold'):
    return dr_failover_plan(groups, name=name, action=action, confirm=confirm, zones=UP if zones is None else zones)[0]


# group, request, zones -> action, case, the options of the switch (production_az, protection, unplanned)
@pytest.mark.parametrize('current, asked, zones, action, case, options', [
    (group(), 'planned', UP, 'failover', 'planned', ('eu-de-02', None, False)),
    (group(), 'failover', UP, 'failover', 'planned', ('eu-de-02', None, True)),
    (group(), 'failover', HOME_DOWN, 'failover', 'unplanned', ('eu-de-02', None, True)),
    # a planned failover that failed leaves only the unplanned one
    (group('error-reversing'), 'failover', UP, 'failover', 'planned', ('eu-de-02', None, True)),
    (group(station='target'), 'failback', UP, 'failback', 'back', ('eu-de-01', 'enabled', False)),
    (group('failed-over', 'target'), 'failback', UP, 'failback', 'reprotect', ('eu-de-01', 'enabled', False)),
    # a run repeated after success: nothing to do
    (group(station='target'), 'planned', UP, 'none', 'done', ('eu-de-02', None, False)),
    (group('failed-over', 'target'), 'failover', HOME_DOWN, 'none', 'done', ('eu-de-02', None, True)),
    (group(), 'failback', UP, 'none', 'done', ('eu-de-01', 'enabled', False)),
    # already done needs no zone at all
    (group(station='target'), 'planned', HOME_DOWN, 'none', 'done', ('eu-de-02', None, False)),
    # re-protect after a failover: protection on from the side that serves now, production stays there
    (group('failed-over', 'target'), 'reprotect', UP, 'reprotect', 'reprotect-only', ('eu-de-02', 'enabled', False)),
    (group('error-reprotecting', 'target'), 'reprotect', UP, 'reprotect', 'reprotect-only',
     ('eu-de-02', 'enabled', False)),
    # after a failover back home (eu-de-02 lost once re-protected): re-protect eu-de-01 onto eu-de-02
    (group('failed-over', 'source'), 'reprotect', UP, 'reprotect', 'reprotect-only', ('eu-de-01', 'enabled', False)),
    # a rerun, a group re-protected already, one never failed over: nothing to do, whatever the zones
    (group(station='target'), 'reprotect', UP, 'none', 'protected', ('eu-de-02', 'enabled', False)),
    (group(station='target'), 'reprotect', HOME_DOWN, 'none', 'protected', ('eu-de-02', 'enabled', False)),
    (group('reprotecting', 'target'), 'reprotect', UP, 'none', 'protected', ('eu-de-02', 'enabled', False)),
    (group(), 'reprotect', DR_DOWN, 'none', 'protected', ('eu-de-01', 'enabled', False)),
])
def test_the_decision_table(current, asked, zones, action, case, options):
    result = plan([current], asked, zones=zones)
    assert (result['action'], result['case']) == (action, case)
    assert (result['production_az'], result['protection'], result['allow_unplanned_failover']) == options
    assert result['switch'] is (action != 'none')
    assert result['unconfirmed'] is None and 'refused' not in result


@pytest.mark.parametrize('current, asked, zones, reason', [
    (group(), 'planned', HOME_DOWN,
     'shop-gold: a planned failover needs both zones and the production zone eu-de-01 is unavailable; '
     'run failover_action=failover'),
    (group(), 'failover', DR_DOWN, 'shop-gold: cannot switch to eu-de-02: that availability zone is unavailable'),
    (group('failed-over', 'target'), 'failback', HOME_DOWN,
     'shop-gold: cannot switch to eu-de-01: that availability zone is unavailable'),
    (group(station='target'), 'failback', DR_DOWN,
     'shop-gold: a failback re-protects from the production zone eu-de-02 and needs both zones; '
     'eu-de-02 is unavailable'),
    # a group in an error state: the module's rule, naming the status and the statuses allowed
    (group('error'), 'planned', UP,
     "protection group 'shop-gold': a planned failover to eu-de-02 needs protection; it is error "
     "(a planned failover starts from protected, error-reversing)"),
    (group('error'), 'failover', HOME_DOWN,
     "protection group 'shop-gold' cannot fail over in status error (only in protected, error-failing-over, "
     "error-reversing)"),
    (group('error-reversing'), 'planned', UP, 'a planned failover failed (status error-reversing), so a planned '
     'failover to eu-de-02 is not possible; set allow_unplanned_failover: true'),
    (group('available'), 'planned', UP,
     "protection group 'shop-gold': a planned failover to eu-de-02 needs protection; set protection: enabled first"),
    (group('error', 'target'), 'failback', UP,
     "protection group 'shop-gold': protection cannot be enabled in status error (only in available, "
     "error-starting, failed-over, error-reprotecting)"),
    (group('failed-over', 'target', replication_num=0), 'failback', UP,
     "protection group 'shop-gold': protection cannot be enabled without replication pairs"),
    # re-protect while the old production zone is still down (or the serving one went down)
    (group('failed-over', 'target'), 'reprotect', HOME_DOWN,
     'shop-gold: a re-protect replicates eu-de-02 onto eu-de-01 and needs both zones; eu-de-01 is unavailable: '
     're-protect once it is back'),
    (group('failed-over', 'target'), 'reprotect', DR_DOWN,
     'shop-gold: a re-protect replicates eu-de-02 onto eu-de-01 and needs both zones; eu-de-02 is unavailable'),
    (group('failed-over', 'target'), 'reprotect', {'eu-de-01': False, 'eu-de-02': False},
     'needs both zones; eu-de-01 and eu-de-02 are unavailable: re-protect once they are back'),
    (group('error', 'target'), 'reprotect', UP,
     "protection group 'shop-gold': protection cannot be enabled in status error (only in available, "
     "error-starting, failed-over, error-reprotecting)"),
])
def test_a_switch_that_cannot_be_done_is_refused_with_the_reason(current, asked, zones, reason):
    for confirm in (True, False):
        result = plan([current], asked, confirm=confirm, zones=zones)
        assert result['action'] == 'refused' and not result['switch']
        assert reason in result['refused'] and result['refused'].endswith('; nothing was changed')


def test_a_group_in_a_transitional_status_is_left_to_the_module_which_waits_for_it():
    result = plan([group('reversing')], 'planned')
    assert (result['action'], result['switch']) == ('failover', True)


@pytest.mark.parametrize('confirm', [False, None, '', 'no', 'ture', 'flase', {'x': 1}, ['true'], 0])
def test_missing_confirmation_never_switches_and_says_so(confirm):
    result = plan([group()], 'planned', confirm=confirm)
    assert result['action'] == 'failover' and result['switch'] is False and result['confirmed'] is False
    assert result['unconfirmed'].startswith(
        'planned of protection group shop-gold to eu-de-02 needs failover_confirm=true (it is %s)' % (confirm,))
    assert result['summary'].endswith('. NOT DONE: failover_confirm is not true')


@pytest.mark.parametrize('confirm', [True, 'true', 'yes', 'True', 1, 'on'])
def test_the_confirmation_is_read_as_the_bool_filter_reads_it(confirm):
    assert plan([group()], 'planned', confirm=confirm)['switch'] is True


def test_an_unconfirmed_reprotect_sends_nothing_and_names_both_sides():
    result = plan([group('failed-over', 'target')], 'reprotect', confirm=False)
    assert (result['action'], result['switch']) == ('reprotect', False)
    assert result['unconfirmed'].startswith('reprotect of protection group shop-gold (eu-de-02 onto eu-de-01) needs '
                                            'failover_confirm=true (it is False)')
    assert ('reprotect: re-protect in the reverse direction: replicate eu-de-02 onto eu-de-01, overwriting what '
            'eu-de-01 holds; production stays eu-de-02') in result['summary']


def test_nothing_to_do_needs_no_confirmation():
    result = plan([group(station='target')], 'planned', confirm=False)
    assert (result['action'], result['switch'], result['unconfirmed']) == ('none', False, None)
    assert result['summary'].endswith('planned: nothing to do, production is already eu-de-02')


def test_the_summary_says_what_happens_in_words():
    result = plan([group()], 'failover', zones=HOME_DOWN)
    assert result['summary'] == (
        'protection group shop-gold (protected, protection enabled): production is eu-de-01 (unavailable), '
        'DR is eu-de-02. failover: eu-de-01 is down; make eu-de-02 production (unplanned: replication stops; '
        'a failback re-protects and switches back once eu-de-01 is back)')
    reprotect = plan([group('failed-over', 'target')], 'failback')
    assert 're-protect (replicate eu-de-02 back onto eu-de-01' in reprotect['summary']


@pytest.mark.parametrize('name, reason', [
    ('shop-silver', 'protection group shop-silver does not exist; nothing was changed'),
    ('g9', 'protection group g9 does not exist; nothing was changed'),
    ('shop', 'protection group shop does not exist; nothing was changed'),   # no prefix matching
])
def test_an_unknown_group_is_refused(name, reason):
    result = plan([group(), group(name='other', group_id='g2')], 'planned', name=name)
    assert result == {'name': name, 'action': 'refused', 'refused': reason, 'switch': False}


def test_namesakes_are_refused_naming_the_ids_and_an_id_selects_one():
    twins = [group(), group(group_id='g2')]
    refused = plan(twins, 'planned')
    assert refused['action'] == 'refused'
    assert refused['refused'] == '2 protection groups are named shop-gold; give the id (g1, g2); nothing was changed'
    assert plan(twins, 'planned', name='g2')['id'] == 'g2'


def test_one_plan_per_name_in_order():
    groups = [group(), group('failed-over', 'target', name='shop-silver', group_id='g2')]
    results = dr_failover_plan(groups, name=['shop-silver', 'nope', 'shop-gold'], action='failover', zones=HOME_DOWN)
    assert [(r['name'], r['action']) for r in results] == [
        ('shop-silver', 'none'), ('nope', 'refused'), ('shop-gold', 'failover')]


@pytest.mark.parametrize('kwargs', [
    dict(name='', action='planned'),                 # an empty selector never selects every group
    dict(name=[], action='planned'),
    dict(name=['shop-gold', ''], action='planned'),
    dict(name=None, action='planned'),
    dict(name={'name': 'shop-gold'}, action='planned'),
    dict(name='shop-gold', action='fail-over'),
    dict(name='shop-gold', action=''),
    dict(name='shop-gold', action='planned', zones=['eu-de-01']),
])
def test_a_request_that_names_nothing_or_no_action_is_refused(kwargs):
    with pytest.raises(AnsibleFilterError, match='nothing was changed|zones must be'):
        dr_failover_plan([group()], **kwargs)
    as_the_roles_call_it = FilterModule().filters()['dr_failover_plan']
    assert list(as_the_roles_call_it([group()], errors='return', **kwargs)) == ['refused']


@pytest.mark.parametrize('groups', ['shop-gold', [group(), 'g2'], {'id': 'g1'}])
def test_groups_that_are_not_the_info_modules_list_are_refused(groups):
    with pytest.raises(AnsibleFilterError, match='protection groups must be a list of dicts'):
        dr_failover_plan(groups, name='shop-gold', action='planned')


@pytest.mark.parametrize('zone', [None, '', ['eu-de-01']])
def test_a_group_without_its_zones_is_refused(zone):
    broken = dict(group(), source_availability_zone=zone)
    with pytest.raises(AnsibleFilterError, match='has source_availability_zone .*, not an availability zone'):
        dr_failover_plan([broken], name='shop-gold', action='failback')
