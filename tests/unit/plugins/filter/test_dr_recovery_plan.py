# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Recovery plans: checked and ordered before any request (every refusal at once, in the plan's
words), and the evidence of a run (report, HTML page, history)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_recovery_plan import FilterModule, dr_recovery_plan
from ansible_collections.dataprotection.evs.plugins.filter.dr_recovery_plan_html import dr_recovery_plan_html
from ansible_collections.dataprotection.evs.plugins.filter.dr_recovery_plan_report import dr_recovery_plan_report
from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan import last_proven

HOSTS = ['db1', 'app1', 'stage-db1', 'stage-app1', 'localhost']
POLICY = {'name': 'shop', 'tiers': [{'name': 'gold'}, {'name': 'silver'}]}
SHOP = {
    'name': 'shop',
    'groups': [
        {'name': 'web', 'after': ['app'], 'wait': {'url': 'http://web/health', 'test_url': 'http://stage-web/health'}},
        {'name': 'database', 'tier': 'gold',
         'pre': [{'host': 'db1', 'test_host': 'stage-db1', 'command': 'systemctl stop postgresql'}],
         'post': [{'host': 'db1', 'test_host': 'stage-db1', 'tasks': 'start_db.yml'}],
         'wait': {'host': 'db1', 'test_host': 'stage-db1', 'port': 5432, 'timeout': 120}},
        {'name': 'app', 'after': 'database', 'disks': ['app-data'],
         'post': [{'host': 'app1', 'test_host': 'stage-app1', 'command': 'systemctl start shop'}]},
    ],
}


def check(plan=None, mode='test', **options):
    options.setdefault('hosts', HOSTS)
    options.setdefault('policy', POLICY)
    return dr_recovery_plan(SHOP if plan is None else plan, mode, **options)


def refusal(plan=None, mode='test', **options):
    with pytest.raises(AnsibleFilterError) as caught:
        check(plan, mode, **options)
    return str(caught.value)


def changed(**group_changes):
    """SHOP with the database group changed (None removes a key)."""
    plan = copy.deepcopy(SHOP)
    for key, value in group_changes.items():
        if value is None:
            plan['groups'][1].pop(key, None)
        else:
            plan['groups'][1][key] = value
    return plan


def test_groups_run_in_the_order_after_gives_and_otherwise_as_declared():
    assert check()['order'] == ['database', 'app', 'web']
    independent = {'name': 'p', 'groups': [{'name': 'b'}, {'name': 'a'}, {'name': 'c', 'after': ['a']}]}
    assert check(independent)['order'] == ['b', 'a', 'c']


def test_test_mode_runs_hooks_and_waits_on_the_test_stage():
    plan = check()
    database = plan['groups'][0]
    assert [hook['host'] for hook in database['pre'] + database['post']] == ['stage-db1', 'stage-db1']
    assert database['pre'][0] == {'kind': 'command', 'run': 'systemctl stop postgresql', 'host': 'stage-db1'}
    assert database['post'][0]['kind'] == 'tasks'
    assert database['wait'] == {'kind': 'port', 'host': 'stage-db1', 'port': 5432, 'timeout': 120}
    assert plan['groups'][2]['wait'] == {'kind': 'url', 'url': 'http://stage-web/health', 'status': 200, 'timeout': 300}
    assert plan['restore_target'] == 'new'


def test_restore_mode_runs_them_on_production_once_confirmed():
    plan = check(mode='restore', confirm=True)
    assert plan['groups'][0]['pre'][0]['host'] == 'db1'
    assert plan['groups'][0]['wait']['host'] == 'db1'
    assert plan['groups'][2]['wait']['url'] == 'http://web/health'


@pytest.mark.parametrize('mode', ['restore', 'failover'])
def test_changing_production_needs_the_confirmation_except_in_check_mode(mode):
    plan = changed(tier='gold') if mode == 'restore' else changed()
    if mode == 'failover':
        plan['groups'][2].pop('disks')
    message = refusal(plan, mode)
    assert 'set recovery_plan_confirm=true' in message and 'nothing was run or requested' in message
    assert check(plan, mode, check_mode=True)['mode'] == mode
    assert check(plan, mode, confirm=True)['mode'] == mode


@pytest.mark.parametrize('plan, words', [
    (dict(SHOP, groups=SHOP['groups'] + [{'name': 'app'}]), 'group app is declared twice'),
    (changed(after=['cache']), 'group database runs after cache, which the plan does not have'),
    (changed(after=['database']), 'group database runs after itself'),
    (changed(after=['web']), 'groups web, database, app wait for each other (after forms a cycle)'),
    (changed(pre=[{'host': 'db9', 'test_host': 'stage-db9', 'command': 'true'}]),
     'group database.pre[0] runs on host stage-db9, which the inventory does not have'),
    (changed(pre=[{'host': 'db1', 'command': 'true'}]), 'has no test_host: test mode runs hooks on the test stage only'),
    (changed(pre=[{'host': 'db1', 'test_host': 'stage-db1', 'command': 'true', 'tasks': 'x.yml'}]),
     'needs exactly one of command'),
    (changed(tier='platinum'), 'group database.tier platinum is not a tier of the DR policy'),
    (changed(disks=['db-data']), 'group database names disks and tier: give one of them'),
    (changed(protection_group='shop-gold', tier=None), 'protection_group is switched by a failover only'),
    (changed(wait={'host': 'db1', 'test_host': 'stage-db1', 'port': 70000}), 'port must be a TCP port'),
    (changed(wait={'host': 'db1', 'port': 5432}), 'wait.test_host must be the address to reach the port at on the test stage'),
    (changed(wait={'url': 'http://db1', 'test_url': 'ftp://x'}), 'wait.test_url must be an http(s) URL'),
    (changed(wait={'port': 5432, 'url': 'http://x'}), 'needs either port (with host) or url'),
    (changed(wait={'host': 'a', 'test_host': 'a', 'port': 1, 'timeout': 0}), 'timeout must be a whole number of seconds'),
    (changed(colour='red'), 'group database has unknown keys colour'),
    (dict(SHOP, restore_target='original'), 'test mode restores into scratch disks only'),
    (dict(SHOP, name='shop plan'), 'name must be 1 to 40 letters'),
    (dict(SHOP, groups=[]), 'groups must be a list of at least one group'),
])
def test_a_plan_that_cannot_run_is_refused_in_its_own_words(plan, words):
    assert words in refusal(plan)


def test_every_reason_is_given_at_once():
    message = refusal(changed(after=['cache'], pre=[{'host': 'db9', 'test_host': 'db9', 'command': 'x'}]))
    assert 'runs after cache' in message and 'host db9' in message


def test_a_failover_switches_protection_groups_not_disks():
    assert 'a failover switches protection groups, not disks' in refusal(mode='failover', confirm=True)
    plan = copy.deepcopy(SHOP)
    plan['groups'][2] = {'name': 'app', 'after': ['database'], 'protection_group': 'shop-app'}
    assert check(plan, 'failover', confirm=True)['groups'][1]['protection_group'] == 'shop-app'


def test_a_mode_or_a_plan_of_another_shape_is_refused():
    assert 'recovery_plan_mode must be one of restore, failover, test' in refusal(mode='drill')
    assert 'recovery_plan_definition must be a dict' in refusal(plan=['database'])
    assert 'the policy must come from the dr_policy filter' in refusal(policy={'tiers': ['gold']})


def test_the_filter_returns_refusals_on_request():
    assert 'refused' in FilterModule().filters()['dr_recovery_plan'](SHOP, 'drill', errors='return')


T0 = 1780000000.0  # 2026-05-28T20:26:40Z


def runs(fail_app=False):
    restored = {'disk': 'db-data', 'copy': 'daily-1', 'copy_id': 's1', 'copy_created': '2026-05-28T18:00:00Z',
                'copy_age_seconds': '8800', 'mechanism': 'snapshot', 'restored_disk': {'name': 'dp-plan-test-shop-db-data'}}
    database = {'name': 'database', 'started': T0 + 1, 'ended': T0 + 31, 'ok': True, 'copies': [restored],
                'hooks': [{'phase': 'pre', 'host': 'stage-db1', 'kind': 'command', 'run': 'stop', 'ok': True, 'seconds': 0.2}],
                'wait': {'target': 'port 5432 on stage-db1', 'ok': True, 'seconds': 3.0}, 'switched': []}
    app = {'name': 'app', 'started': T0 + 31, 'ended': T0 + 40, 'ok': not fail_app, 'copies': [], 'hooks': [],
           'wait': {'target': 'port 8080 on stage-app1', 'ok': not fail_app, 'msg': 'Timeout' if fail_app else None},
           'switched': []}
    return [database, app]


def test_a_run_of_every_group_proves_the_plan_with_its_rto_and_rpo():
    plan = check()
    report = dr_recovery_plan_report(runs() + [{'name': 'web', 'started': T0 + 40, 'ended': T0 + 42, 'ok': True}],
                                     plan, T0, T0 + 42, cleanup={'removed': ['dp-plan-test-shop-db-data'], 'left': []})
    assert report['result'] == 'proven' and report['rto_seconds'] == 42.0 and report['rpo_seconds'] == 8800
    assert report['groups'][0]['started'] == '2026-05-28T20:26:41Z' and report['groups'][0]['seconds'] == 30.0
    assert report['groups'][0]['copies'] == [{'disk': 'db-data', 'copy': 'daily-1', 'created': '2026-05-28T18:00:00Z',
                                              'mechanism': 'snapshot', 'age_seconds': 8800,
                                              'restored_disk': 'dp-plan-test-shop-db-data'}]
    assert report['history'] == {'plan': 'shop', 'mode': 'test', 'result': 'proven', 'started': '2026-05-28T20:26:40Z',
                                 'ended': '2026-05-28T20:27:22Z', 'rto_seconds': 42.0, 'rpo_seconds': 8800}


def test_a_failed_wait_fails_the_run_names_the_groups_not_started_and_measures_no_rto():
    report = dr_recovery_plan_report(runs(fail_app=True), check(), T0, T0 + 40, failure='group app: port 8080 ...',
                                     cleanup={'removed': ['dp-plan-test-shop-db-data'], 'left': []})
    assert report['result'] == 'failed' and report['rto_seconds'] is None
    assert report['not_started'] == ['web'] and report['failure'] == 'group app: port 8080 ...'


def test_a_test_that_leaves_a_scratch_disk_behind_proves_nothing():
    three = runs() + [{'name': 'web', 'started': T0 + 40, 'ended': T0 + 42, 'ok': True}]
    report = dr_recovery_plan_report(three, check(), T0, T0 + 42, cleanup={'removed': [], 'left': ['dp-plan-test-shop-db-data']})
    assert report['result'] == 'failed' and report['cleanup']['left'] == ['dp-plan-test-shop-db-data']


def test_check_mode_reports_what_would_happen_and_proves_nothing():
    three = runs() + [{'name': 'web', 'started': T0 + 40, 'ended': T0 + 42, 'ok': True}]
    report = dr_recovery_plan_report(three, check(check_mode=True), T0, T0 + 42)
    assert report['result'] == 'check mode' and report['rto_seconds'] is None and report['rpo_seconds'] == 8800


def three_groups(already_done):
    """The shop plan's three groups as a restore run keeps them, each disk restored or found done before."""
    groups = runs() + [{'name': 'web', 'started': T0 + 40, 'ended': T0 + 42, 'ok': True}]
    for group, done in zip(groups, already_done):
        group['already_done'] = done
    return groups


# The attack: a restore plan run twice. The rerun finds every disk back and recovers nothing; taken as
# proof it would put a 2 s RTO into the audit as what the plan achieves.
@pytest.mark.parametrize('already_done, result', [
    ([[True], [], []], 'already recovered'),
    ([[True, True], [True], []], 'already recovered'),
    ([[True, False], [], []], 'proven'),
    ([[False], [], []], 'proven'),
    ([[], [], []], 'proven'),  # hooks only: they ran, which is what the plan asks
])
def test_a_rerun_that_found_everything_recovered_proves_nothing(already_done, result):
    report = dr_recovery_plan_report(three_groups(already_done), check(mode='restore', confirm=True), T0, T0 + 2)
    assert report['result'] == result and report['history']['result'] == result
    assert (report['rto_seconds'] is None) is (result != 'proven')
    assert report['groups'][0]['already_done'] is (bool(already_done[0]) and all(already_done[0]))
    history = last_proven([report['history']])
    assert (history['shop']['proven'] is None) is (result != 'proven')


def test_a_test_run_always_restores_anew_so_it_proves_the_plan():
    cleanup = {'removed': ['dp-plan-test-shop-db-data'], 'left': []}
    report = dr_recovery_plan_report(three_groups([[True], [], []]), check(), T0, T0 + 42, cleanup=cleanup)
    assert report['result'] == 'proven'


def test_records_of_another_shape_are_refused_cleanly():
    with pytest.raises(AnsibleFilterError, match="must be the recovery_plan role's"):
        dr_recovery_plan_report([{'name': 'x'}], check(), T0, T0)


def test_the_html_page_shows_the_evidence_escaped():
    hostile = runs(fail_app=True)
    hostile[0]['hooks'][0]['run'] = '<script>alert(1)</script>'
    report = dr_recovery_plan_report(hostile, check(), T0, T0 + 40, failure='</script><b>x</b>', cleanup={'removed': [], 'left': []})
    page = dr_recovery_plan_html(report)
    assert '<script>alert' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert 'Recovery plan shop' in page and 'Not started: web' in page and '2h 26m old' in page
    embedded = re.search(r'<script type="application/json" id="report">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded)['failure'] == '</script><b>x</b>'
    with pytest.raises(AnsibleFilterError, match='must be a dr_recovery_plan_report report'):
        dr_recovery_plan_html({'plan': 'x'})


def test_the_history_says_when_each_plan_was_last_proven():
    history = [{'plan': 'shop', 'result': 'proven', 'ended': '2026-05-01T10:00:00Z'},
               {'plan': 'shop', 'result': 'failed', 'ended': '2026-05-20T10:00:00Z'},
               {'plan': 'erp', 'result': 'failed', 'ended': '2026-05-02T10:00:00Z'}, 'garbage']
    plans = last_proven(history)
    assert plans['shop']['proven']['ended'] == '2026-05-01T10:00:00Z' and plans['shop']['last']['result'] == 'failed'
    assert plans['erp']['proven'] is None


def test_the_audit_reads_the_history_file_and_shows_when_each_plan_was_last_proven():
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
    from ansible_collections.dataprotection.evs.plugins.filter.dr_recovery_plan_history import dr_recovery_plan_history
    text = '\n'.join([json.dumps({'plan': 'shop', 'mode': 'test', 'result': 'proven', 'ended': '2026-05-01T10:00:00Z',
                                  'rto_seconds': 41.7}),
                      'not json', json.dumps({'plan': 'erp', 'result': 'failed', 'ended': '2026-05-02T10:00:00Z'})])
    plans = dr_recovery_plan_history(text)
    assert [(p['plan'], (p['last_proven'] or {}).get('ended')) for p in plans] == [('erp', None), ('shop', '2026-05-01T10:00:00Z')]
    report = {'policy': 'shop', 'cloud_time': '2026-05-03T00:00:00Z', 'problems': [], 'disks': [],
              'summary': {'disks': 0, 'compliant': 0, 'out_of_policy': 0}}
    assert 'Recovery plans' not in dr_audit_html(report)
    page = dr_audit_html(dict(report, plans=plans))
    assert 'Recovery plans' in page and '41.7 s' in page and 'never' in page


def test_a_wait_given_by_a_template_may_be_text():
    plan = changed(wait={'host': 'db1', 'test_host': 'stage-db1', 'port': '5432', 'timeout': '60'})
    assert check(plan)['groups'][0]['wait'] == {'kind': 'port', 'host': 'stage-db1', 'port': 5432, 'timeout': 60}


def test_test_mode_refuses_a_tier_in_another_region_whose_scratch_disks_it_could_not_name():
    # the attack: a test run that restores a tier elsewhere under the restore role's names would
    # leave disks it cannot tell apart from others (or remove others); refused before any request
    in_region = dict(SHOP, restore_region='eu-nl')
    assert 'groups database' in refusal(in_region) and 'drill the tier' in refusal(in_region)
    listed = dict(in_region, groups=[changed(tier=None, disks=['db-data'])['groups'][1]])
    assert check(listed)['restore_region'] == 'eu-nl'
    assert check(in_region, mode='restore', confirm=True)['restore_region'] == 'eu-nl'


def test_a_failover_run_achieves_rpo_0_per_switched_group():
    plan = dict(SHOP, groups=[{'name': 'database', 'protection_group': 'shop-db'},
                              {'name': 'app', 'after': 'database', 'protection_group': 'shop-app'}])
    switched = ['protection group shop-db: eu-de-01 -> eu-de-02 (switched, RTO 4 s)']
    records = [{'name': 'database', 'started': T0, 'ended': T0 + 5, 'ok': True, 'switched': switched},
               {'name': 'app', 'started': T0 + 5, 'ended': T0 + 9, 'ok': True, 'switched': []}]
    report = dr_recovery_plan_report(records, check(plan, 'failover', confirm=True), T0, T0 + 9)
    assert report['result'] == 'proven' and report['rto_seconds'] == 9.0 and report['rpo_seconds'] == 0
    assert [group['rpo_seconds'] for group in report['groups']] == [0, None]
    assert report['history']['rpo_seconds'] == 0
