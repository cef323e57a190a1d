# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check == real comparison of the playbook_check_* targets
(tests/integration/targets/setup_check_real/check_real.py) finds every kind of mismatch it claims
to find, and accepts a faithful prediction and report files written with check_mode: false."""

from __future__ import annotations

import copy
import importlib.util
import json
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    'check_real', os.path.join(HERE, '..', 'integration', 'targets', 'setup_check_real', 'check_real.py'))
check_real = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_real)


def task(key, action, results, mutating=(), check_mode=None):
    return {'key': key, 'name': key, 'path': 'play.yml:1', 'action': action, 'check_mode': check_mode,
            'results': results, 'mutating': list(mutating)}


def result(status, item=None, diff=None):
    return {'host': 'localhost', 'item': item, 'status': status, 'changed': status == 'changed', 'diff': diff,
            'msg': None}


SNAP_DIFF = {'before': {}, 'after': {'name': 'nightly', 'id': None}}
REAL_DIFF = {'before': {}, 'after': {'name': 'nightly', 'id': 'a1b2'}}


def runs():
    check = {'mutating_before_first_task': [], 'tasks': [
        task('read #1', 'dataprotection.evs.disk_info', [result('ok')]),
        task('snapshot #1', 'dataprotection.evs.snapshot', [result('changed', 'db01', SNAP_DIFF), result('ok', 'app01')]),
        task('report #1', 'ansible.builtin.copy', [result('changed')], check_mode=False),
    ]}
    real = copy.deepcopy(check)
    real['tasks'][1]['results'][0]['diff'] = REAL_DIFF
    real['tasks'][1]['mutating'] = ['POST /v2/p/snapshots']
    again = copy.deepcopy(check)
    again['tasks'][1]['results'][0] = result('ok', 'db01')
    again['tasks'][2]['results'][0] = result('ok')
    return check, real, again


def test_a_faithful_prediction_passes_and_report_files_are_local_changes(capsys):
    assert check_real.compare('t', *runs()) == []
    out = capsys.readouterr().out
    assert 'check predicted 1 cloud changes, the real run made them with 1 mutating requests (check run: 0)' in out
    assert ('local changes: report #1 (ansible.builtin.copy, check_mode: false, so also done by the check run:'
            ' changed there, changed in the real run)') in out


def test_a_local_check_mode_false_task_may_find_its_work_done_in_the_real_run(capsys):
    check, real, again = runs()
    real['tasks'][2]['results'][0] = result('ok')
    assert check_real.compare('t', check, real, again) == []
    assert 'changed there, ok in the real run' in capsys.readouterr().out


def test_a_local_task_that_runs_in_check_mode_is_compared():
    check, real, again = runs()
    for run in (check, real):
        run['tasks'][2]['check_mode'] = None
    real['tasks'][2]['results'][0] = result('ok')
    assert any('report #1: check predicted' in f for f in check_real.compare('t', check, real, again))


def finding(change, no_cloud_change=False):
    check, real, again = runs()
    change(check, real, again)
    return check_real.compare('t', check, real, again, no_cloud_change)


@pytest.mark.parametrize('change, expected', [
    (lambda c, r, a: c['tasks'][1]['mutating'].append('POST /v2/p/snapshots'), 'check run sent 1 mutating requests'),
    (lambda c, r, a: c['tasks'][1]['results'].__setitem__(1, result('changed', 'app01', SNAP_DIFF)),
     'check predicted'),
    (lambda c, r, a: r['tasks'].pop(0), 'the runs ran different tasks'),
    (lambda c, r, a: c['tasks'][1]['results'][0].__setitem__('diff', None), 'changed in check mode without a diff'),
    (lambda c, r, a: r['tasks'][1]['results'][0].__setitem__('diff', {'before': {}, 'after': {'name': 'other'}}),
     "after differs: name: check 'nightly', real 'other'"),
    (lambda c, r, a: r['tasks'][1]['results'][0].__setitem__('diff', {'before': {'x': 1}, 'after': REAL_DIFF['after']}),
     'before differs'),
    (lambda c, r, a: r['tasks'][1].__setitem__('mutating', []), 'reported 1 changes but sent 0 mutating requests'),
    (lambda c, r, a: r['tasks'][0]['mutating'].append('DELETE /v2/p/volumes/1'), 'sent DELETE /v2/p/volumes/1 but reported no change'),
    (lambda c, r, a: a['tasks'][1]['mutating'].append('POST /v2/p/snapshots'), 'the run after the real one was not a no-op'),
])
def test_every_mismatch_is_a_finding(change, expected):
    findings = finding(change)
    assert any(expected in f for f in findings), findings


BINDING_CHECK = {'name': 'rep', 'associated_vaults': [{'vault_id': None, 'destination_vault_id': None}]}
BINDING_REAL = {'name': 'rep', 'associated_vaults': [{'vault_id': 'v1', 'destination_vault_id': 'v2'}]}


def test_nulls_in_the_elements_of_a_list_match_anything_when_the_lengths_agree():
    assert check_real.after_differs(BINDING_CHECK, BINDING_REAL) == []
    assert check_real.after_differs({'ids': [None, 'b']}, {'ids': ['a', 'b']}) == []


@pytest.mark.parametrize('real_after, expected', [
    (dict(BINDING_REAL, associated_vaults=BINDING_REAL['associated_vaults'] * 2), 'associated_vaults: check'),
    (dict(BINDING_REAL, associated_vaults=[]), 'associated_vaults: check'),
    (dict(BINDING_REAL, associated_vaults=None), 'associated_vaults: check'),
])
def test_a_list_of_another_length_differs(real_after, expected):
    wrong = check_real.after_differs(BINDING_CHECK, real_after)
    assert len(wrong) == 1 and wrong[0].startswith(expected), wrong


def test_a_different_value_in_a_list_element_differs():
    check_after = {'associated_vaults': [{'vault_id': 'v1', 'destination_vault_id': None}]}
    real_after = {'associated_vaults': [{'vault_id': 'v9', 'destination_vault_id': 'v2'}]}
    assert check_real.after_differs(check_after, real_after) == ["associated_vaults.0.vault_id: check 'v1', real 'v9'"]
    assert check_real.after_differs({'ids': ['a', None]}, {'ids': ['b', 'c']}) == ["ids.0: check 'a', real 'b'"]


def test_the_comparison_accepts_a_binding_of_predicted_vaults_and_refuses_another_list():
    binding_task = 'binding #1'

    def add_binding(check_after, real_after):
        def change(c, r, a):
            for run, after in ((c, check_after), (r, real_after)):
                run['tasks'].append(task(binding_task, 'dataprotection.evs.backup_replication_policy',
                                         [result('changed', diff={'before': {}, 'after': after})]))
            r['tasks'][-1]['mutating'] = ['POST /v3/p/policies']
            a['tasks'].append(task(binding_task, 'dataprotection.evs.backup_replication_policy', [result('ok')]))
        return change

    assert finding(add_binding(BINDING_CHECK, BINDING_REAL)) == []
    findings = finding(add_binding(BINDING_CHECK, dict(BINDING_REAL, associated_vaults=[])))
    assert any('binding #1: after differs: associated_vaults: check' in f for f in findings), findings


def test_a_read_only_playbook_must_not_change_the_cloud_even_for_real():
    findings = finding(lambda c, r, a: None, no_cloud_change=True)
    assert any('changed the cloud in a playbook that must not' in f for f in findings)
    assert any('real run sent 1 mutating requests; this playbook must send none' in f for f in findings)


def test_the_command_line_exits_1_on_a_finding(tmp_path):
    check, real, again = runs()
    real['tasks'][1]['mutating'] = []
    paths = []
    for name, data in (('check', check), ('real', real), ('again', again)):
        paths.append(str(tmp_path / ('%s.json' % name)))
        with open(paths[-1], 'w') as handle:
            json.dump(data, handle)
    assert check_real.main(['t'] + paths) == 1


def hooked_runs():
    """runs() of a plan whose hook (a local shell task in hook.yml) only the real run runs."""
    check, real, again = runs()
    check['tasks'].insert(0, task('Record the hook check mode does not run [hook.yml:17] #1', 'ansible.builtin.set_fact',
                                  [result('ok')]))
    real['tasks'].insert(0, task('Run the command hook on db1 [hook.yml:31] #1', 'ansible.builtin.shell', [result('changed')]))
    return check, real, again


def test_local_tasks_the_real_run_only_runs_are_left_out_when_named():
    assert any('the runs ran different tasks' in f for f in check_real.compare('t', *hooked_runs()))
    assert check_real.compare('t', *hooked_runs(), real_only=r'\[hook\.yml:') == []


def test_a_cloud_task_is_never_left_out_as_real_only():
    check, real, again = hooked_runs()
    real['tasks'][2]['results'][0] = result('ok', 'db01')  # the snapshot the check run predicted is not made
    findings = check_real.compare('t', check, real, again, real_only=r'snapshot|\[hook\.yml:')
    assert any(f.startswith('snapshot #1: check predicted') for f in findings)


def test_the_command_line_takes_the_real_only_pattern(tmp_path):
    paths = []
    for name, data in zip(('check', 'real', 'again'), hooked_runs()):
        paths.append(str(tmp_path / ('%s.json' % name)))
        with open(paths[-1], 'w') as handle:
            json.dump(data, handle)
    assert check_real.main(['t'] + paths) == 1
    assert check_real.main(['t'] + paths + ['--real-only', r'\[hook\.yml:']) == 0
