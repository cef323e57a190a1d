# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_policy: what is wanted from what is set (retention, long-term retention) and the bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import cbr_policy_view
from ansible_collections.dataprotection.evs.plugins.modules.backup_policy import BackupPolicyModule

CURRENT = cbr_policy_view({
    'id': 'p1', 'name': 'nightly', 'enabled': True, 'operation_type': 'backup',
    'operation_definition': {'max_backups': 7, 'week_backups': 2, 'timezone': 'UTC+01:00'},
    'trigger': {'properties': {'pattern': ['FREQ=DAILY;BYHOUR=2;BYMINUTE=0']}}})


def policy_module(**params):
    """A module object without an AnsibleModule: only its planning is exercised."""
    module = BackupPolicyModule.__new__(BackupPolicyModule)
    module.params = dict((k, None) for k in BackupPolicyModule.argument_spec)
    module.params.update(name='nightly', state='present', backend='cbr', purge_disks=False)
    module.params.update(params)
    return module


def plan(**params):
    module = policy_module(**params)
    return module.plan_changes(CURRENT, module.desired(CURRENT))


def test_leaving_everything_out_is_no_change():
    assert plan() == {}


@pytest.mark.parametrize('params', [
    {'schedule': ['FREQ=DAILY;BYHOUR=02;BYMINUTE=00']}, {'max_backups': 7}, {'enabled': True},
    {'long_term_retention': {'week_backups': 2}}, {'long_term_retention': {'timezone': 'UTC+01:00'}},
    {'max_backups': 7, 'retention_duration_days': -1},
])
def test_the_current_values_in_other_words_are_no_change(params):
    assert plan(**params) == {}


def test_keeping_by_days_stops_keeping_by_number():
    assert plan(retention_duration_days=30) == {'retention_duration_days': 30, 'max_backups': -1}


def test_both_retention_limits_can_be_set():
    assert plan(max_backups=7, retention_duration_days=30) == {'retention_duration_days': 30}


def test_long_term_counts_left_out_keep_their_value():
    changes = plan(long_term_retention={'month_backups': 12})
    assert changes == {'long_term_retention': {'day_backups': 0, 'week_backups': 2, 'month_backups': 12,
                                               'year_backups': 0, 'timezone': 'UTC+01:00'}}


def test_long_term_retention_gets_utc_when_no_timezone_is_known():
    module = policy_module(long_term_retention={'day_backups': 3})
    assert module.desired(None)['long_term_retention'] == {
        'day_backups': 3, 'week_backups': 0, 'month_backups': 0, 'year_backups': 0, 'timezone': 'UTC+00:00'}


def test_the_cbr_definition_keeps_what_does_not_change():
    changes = {'retention_duration_days': 30, 'max_backups': -1}
    assert BackupPolicyModule.cbr_definition(CURRENT['operation_definition'], changes) == {
        'max_backups': -1, 'retention_duration_days': 30, 'week_backups': 2, 'timezone': 'UTC+01:00'}
    assert BackupPolicyModule.cbr_definition({}, {'max_backups': 7, 'retention_duration_days': -1},
                                             creating=True) == {'max_backups': 7}


def test_vbs_fields_of_a_create_and_of_updates():
    create = BackupPolicyModule.vbs_fields({
        'schedule': ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=4'], 'max_backups': 3, 'retention_duration_days': -1,
        'enabled': False, 'keep_first_backup_of_month': True}, creating=True)
    assert create == {'start_time': '04:00', 'week_frequency': ['MON'], 'rentention_num': 3, 'status': 'OFF',
                      'remain_first_backup_of_curMonth': 'Y'}
    # the cloud prefers frequency and rentention_num: switching away clears them
    update = BackupPolicyModule.vbs_fields({'schedule': ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=4'],
                                            'retention_duration_days': 14, 'max_backups': -1})
    assert update == {'start_time': '04:00', 'week_frequency': ['MON'], 'frequency': None,
                      'rentention_day': 14, 'rentention_num': None}
    assert BackupPolicyModule.vbs_fields({'enabled': True}) == {'status': 'ON'}
