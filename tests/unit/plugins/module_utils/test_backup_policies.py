# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of vaults and backup policies: schedule patterns, VBS schedules, the views."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import backup as bk
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError


def test_a_pattern_gets_the_api_defaults():
    parsed = bk.parse_pattern('FREQ=DAILY;BYHOUR=2')
    assert parsed == {'freq': 'DAILY', 'interval': 1, 'days': bk.WEEKDAYS, 'hours': (2,), 'minutes': (0,)}


@pytest.mark.parametrize('a, b', [
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=0', 'FREQ=DAILY;BYHOUR=02;BYMINUTE=00'),
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=0', 'freq=daily;byminute=0;byhour=2'),
    ('FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=3', 'FREQ=WEEKLY;BYDAY=FR,MO;BYHOUR=3;BYMINUTE=0;INTERVAL=1'),
    ('FREQ=DAILY;BYHOUR=2', 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=2'),
    ('FREQ=DAILY;BYHOUR=1,13', 'FREQ=DAILY;BYHOUR=13,1,1'),
])
def test_patterns_are_compared_by_meaning(a, b):
    assert bk.canonical_schedule([a]) == bk.canonical_schedule([b])


@pytest.mark.parametrize('a, b', [
    ('FREQ=DAILY;BYHOUR=2', 'FREQ=DAILY;BYHOUR=3'),
    ('FREQ=DAILY;BYHOUR=2', 'FREQ=WEEKLY;BYHOUR=2'),
    ('FREQ=DAILY;BYHOUR=2', 'FREQ=DAILY;INTERVAL=2;BYHOUR=2'),
    ('FREQ=WEEKLY;BYDAY=MO;BYHOUR=2', 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2'),
])
def test_different_patterns_differ(a, b):
    assert bk.canonical_schedule([a]) != bk.canonical_schedule([b])


def test_the_order_of_patterns_does_not_matter():
    assert bk.canonical_schedule(['FREQ=DAILY;BYHOUR=1', 'FREQ=DAILY;BYHOUR=5']) == \
        bk.canonical_schedule(['FREQ=DAILY;BYHOUR=5', 'FREQ=DAILY;BYHOUR=1'])
    assert bk.canonical_schedule(None) is None


@pytest.mark.parametrize('patterns, message', [
    (['FREQ=HOURLY;BYHOUR=1'], 'FREQ must be DAILY or WEEKLY'),
    (['FREQ=DAILY'], 'BYHOUR (UTC) is required'),
    (['FREQ=DAILY;BYHOUR=24'], 'BYHOUR must be 0 to 23'),
    (['FREQ=DAILY;BYHOUR=1;BYMINUTE=60'], 'BYMINUTE must be 0 to 59'),
    (['FREQ=DAILY;BYHOUR=x'], 'BYHOUR must be numbers'),
    (['FREQ=DAILY;INTERVAL=0;BYHOUR=1'], 'INTERVAL must be 1'),
    (['FREQ=DAILY;BYHOUR=1;BYSECOND=2'], 'use FREQ, INTERVAL'),
    (['FREQ=DAILY;FREQ=DAILY;BYHOUR=1'], 'use FREQ, INTERVAL'),
    (['FREQ=WEEKLY;BYDAY=MON;BYHOUR=1'], 'BYDAY takes'),
    (['FREQ=DAILY;BYHOUR=1;BYMINUTE=0,30'], 'at least 1 hour apart'),
    (['FREQ=DAILY;BYHOUR=1', 'FREQ=DAILY;BYHOUR=1;BYMINUTE=59'], 'at least 1 hour apart'),
    ([], 'schedule needs 1 to 24 patterns'),
    (['FREQ=DAILY;BYHOUR=%d' % h for h in range(24)] + ['FREQ=WEEKLY;BYHOUR=0'], '1 to 24 patterns'),
])
def test_bad_schedules_are_refused(patterns, message):
    with pytest.raises(ResourceError) as failure:
        bk.check_schedule(patterns)
    assert message in failure.value.msg


def test_a_good_schedule_passes():
    patterns = ['FREQ=DAILY;BYHOUR=1,13;BYMINUTE=0', 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=7;BYMINUTE=30']
    assert bk.check_schedule(patterns) == patterns


@pytest.mark.parametrize('patterns, fields', [
    (['FREQ=DAILY;BYHOUR=2'], {'start_time': '02:00', 'frequency': 1}),
    (['FREQ=DAILY;INTERVAL=3;BYHOUR=13,1'], {'start_time': '01:00,13:00', 'frequency': 3}),
    (['FREQ=DAILY;BYHOUR=13', 'FREQ=DAILY;BYHOUR=1;BYMINUTE=00'], {'start_time': '01:00,13:00', 'frequency': 1}),
    (['FREQ=WEEKLY;BYDAY=SU,MO;BYHOUR=4'], {'start_time': '04:00', 'week_frequency': ['MON', 'SUN']}),
    (['FREQ=DAILY;BYDAY=MO;BYHOUR=4'], {'start_time': '04:00', 'week_frequency': ['MON']}),
])
def test_schedules_as_vbs_fields(patterns, fields):
    assert bk.schedule_to_vbs(patterns) == fields


@pytest.mark.parametrize('patterns, message', [
    (['FREQ=DAILY;BYHOUR=2;BYMINUTE=30'], 'full hours only'),
    (['FREQ=DAILY;BYHOUR=2', 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=5'], 'same days'),
    (['FREQ=DAILY;INTERVAL=31;BYHOUR=2'], 'INTERVAL is 1 to 30 days'),
    (['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=2'], 'run every week'),
])
def test_schedules_vbs_cannot_run_are_refused(patterns, message):
    with pytest.raises(ResourceError) as failure:
        bk.schedule_to_vbs(patterns)
    assert message in failure.value.msg


@pytest.mark.parametrize('patterns', [
    ['FREQ=DAILY;BYHOUR=2'], ['FREQ=DAILY;INTERVAL=7;BYHOUR=0,12'], ['FREQ=WEEKLY;BYDAY=TU,SA;BYHOUR=23'],
])
def test_a_vbs_schedule_reads_back_as_the_same_schedule(patterns):
    fields = bk.schedule_to_vbs(patterns)
    back = bk.vbs_to_schedule(fields)
    assert bk.schedule_to_vbs(back) == fields
    assert bk.canonical_schedule(back) == bk.canonical_schedule(patterns)


def test_cbr_policy_view_fills_in_the_server_defaults():
    view = bk.cbr_policy_view({
        'id': 'p1', 'name': 'n', 'enabled': True, 'operation_type': 'backup',
        'operation_definition': {'max_backups': 7, 'week_backups': 2, 'timezone': 'UTC+01:00'},
        'trigger': {'properties': {'pattern': ['FREQ=DAILY;BYHOUR=2'], 'start_time': 'x'}},
        'associated_vaults': [{'vault_id': 'v2'}, {'vault_id': 'v1'}]})
    assert sorted(k for k in view if k != 'operation_definition') == sorted(bk.POLICY_FIELDS)
    assert view['max_backups'] == 7 and view['retention_duration_days'] == -1
    assert view['long_term_retention'] == {'day_backups': 0, 'week_backups': 2, 'month_backups': 0,
                                           'year_backups': 0, 'timezone': 'UTC+01:00'}
    assert view['vault_ids'] == ['v1', 'v2'] and view['schedule'] == ['FREQ=DAILY;BYHOUR=2']


def test_vbs_policy_view():
    view = bk.vbs_policy_view({
        'backup_policy_id': 'p1', 'backup_policy_name': 'n', 'policy_resource_count': 2,
        'scheduled_policy': {'start_time': '01:00,13:00', 'frequency': 1, 'rentention_day': 30,
                             'remain_first_backup_of_curMonth': 'Y', 'status': 'OFF'}})
    assert (view['enabled'], view['max_backups'], view['retention_duration_days']) == (False, -1, 30)
    assert view['schedule'] == ['FREQ=DAILY;BYHOUR=1,13;BYMINUTE=0']
    assert view['keep_first_backup_of_month'] and view['disk_count'] == 2 and view['long_term_retention'] is None


def test_vault_view_flattens_billing_rules_and_resources():
    view = bk.vault_view({
        'id': 'v1', 'name': 'n', 'auto_bind': True, 'bind_rules': {'tags': [{'key': 'env', 'value': 'prod'}]},
        'resources': [{'id': 'd2'}, {'id': 'd1'}],
        'billing': {'size': 40, 'used': 20480, 'object_type': 'disk', 'status': 'available'}},
        {'id': 'p1', 'name': 'nightly'})
    assert sorted(view) == sorted(bk.VAULT_RESULT_FIELDS)
    assert view['bind_rules'] == {'env': 'prod'} and view['resource_ids'] == ['d1', 'd2']
    assert (view['size'], view['used_mb'], view['status'], view['policy_name']) == (40, 20480, 'available', 'nightly')
    assert view['auto_expand'] is False and view['description'] == ''
    assert bk.vault_view(None) is None and bk.vault_view({'id': 'v'})['policy_id'] is None


@pytest.mark.parametrize('name, ok', [('a', True), ('a' * 64, True), ('a-b_C9', True), ('', False),
                                      ('a' * 65, False), ('a b', False), ('ä', False)])
def test_names(name, ok):
    if ok:
        bk.check_name(name, 'vault')
    else:
        with pytest.raises(ResourceError):
            bk.check_name(name, 'vault')
