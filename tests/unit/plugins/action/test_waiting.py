# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins' wait in steps: the module runs once per step with the time left, the whole
wait never exceeds wait_timeout, the run reports the first step's change and diff, a line of
progress comes between steps, and nothing is cut into steps where it must not be (check mode,
wait: false, async, a short wait). The module is replaced by a script of step results; the
integration target ``wait_progress`` runs the real modules against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.dataprotection.evs.plugins.action.backup_restore import ActionModule
from ansible_collections.dataprotection.evs.plugins.plugin_utils import waiting


def timed_out(status='restoring', changed=False, **extra):
    return dict(extra, failed=True, changed=changed, msg='timed out after 60s waiting for x',
                timed_out={'waiting_for': "restore of disk 'db01'", 'to_become': 'available', 'last_status': status})


class Script:
    """The module: answers the steps in order; each step moves the clock by the time it waited."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.now = 0.0
        self.calls = []

    def clock(self):
        return self.now

    def execute(self, module_args=None, task_vars=None, wrap_async=False):
        self.calls.append(dict(module_args=module_args, wrap_async=wrap_async))
        answer = self.answers.pop(0)
        self.now += (module_args or {}).get('wait_timeout', 0) if answer.get('timed_out') else 1
        return answer


@pytest.fixture
def lines(monkeypatch):
    shown = []
    monkeypatch.setattr(waiting.display, 'display', shown.append)
    return shown


def action(args, answers, check_mode=False, async_val=0):
    task = MagicMock(args=args, async_val=async_val, check_mode=check_mode)
    connection = MagicMock(has_native_async=False)
    plugin = ActionModule(task, connection, MagicMock(), MagicMock(), MagicMock(), MagicMock())
    script = Script(answers)
    plugin._execute_module = script.execute
    plugin._remove_tmp_path = MagicMock()
    plugin.clock = script.clock
    return plugin, script


def test_a_long_wait_runs_in_steps_with_a_line_between_and_keeps_the_first_change(lines):
    plugin, script = action({'backup': 'b1', 'wait_timeout': 200, 'progress_interval': 60}, [
        timed_out(changed=True, diff={'before': {}, 'after': {'status': 'available'}}, warnings=['w1']),
        timed_out(status='restoring', warnings=['w1']),
        {'changed': False, 'disk': {'status': 'available'}}])
    result = plugin.run(task_vars={'inventory_hostname': 'db01'})
    assert [call['module_args']['wait_timeout'] for call in script.calls] == [60, 60, 60]
    assert result['changed'] is True and 'failed' not in result
    assert result['diff'] == {'before': {}, 'after': {'status': 'available'}}
    assert result['warnings'] == ['w1']
    assert lines == ["[db01] waiting for restore of disk 'db01' to become available: restoring after 1m 00s (up to 3m 20s)",
                     "[db01] waiting for restore of disk 'db01' to become available: restoring after 2m 00s (up to 3m 20s)"]


def test_the_last_step_gets_what_is_left_and_the_timeout_names_the_whole_wait(lines):
    plugin, script = action({'backup': 'b1', 'timeout': 150, 'progress_interval': 60},
                            [timed_out(changed=True), timed_out(), timed_out(status='restoring-backup')])
    result = plugin.run(task_vars={})
    assert [call['module_args']['wait_timeout'] for call in script.calls] == [60, 60, 30]
    assert all('timeout' not in call['module_args'] for call in script.calls)  # the alias would win
    assert result['failed'] and result['changed'] is True
    assert result['msg'] == ("timed out after 150s waiting for restore of disk 'db01' to become available; "
                             "last status: restoring-backup")
    assert len(lines) == 2


def test_a_failure_that_is_not_a_timeout_ends_the_wait_at_once(lines):
    plugin, script = action({'backup': 'b1', 'wait_timeout': 600}, [
        timed_out(changed=True), {'failed': True, 'changed': False, 'msg': 'went to status error'}])
    result = plugin.run(task_vars={})
    assert len(script.calls) == 2 and result['msg'] == 'went to status error' and result['changed'] is True


@pytest.mark.parametrize('args, check_mode, async_val', [
    ({'wait': False, 'wait_timeout': 3600}, False, 0),
    ({'wait': 'no', 'wait_timeout': 3600}, False, 0),
    ({'wait_timeout': 3600}, True, 0),          # check mode waits for nothing
    ({'wait_timeout': 3600}, False, 7200),      # async: the module runs detached, once
    ({'wait_timeout': 3600, 'progress_interval': 0}, False, 0),
    ({'wait_timeout': 60}, False, 0),           # no longer than one step
    ({'wait_timeout': 'soon'}, False, 0),       # the module refuses it with its own message
    ({'wait_timeout': 3600, 'progress_interval': -5}, False, 0),
])
def test_one_call_with_the_arguments_as_given(lines, args, check_mode, async_val):
    plugin, script = action(dict(args, backup='b1'), [timed_out(changed=True)], check_mode, async_val)
    result = plugin.run(task_vars={})
    assert script.calls == [{'module_args': None, 'wrap_async': bool(async_val)}]
    assert result['failed'] and result['msg'] == 'timed out after 60s waiting for x' and not lines


def test_a_name_from_the_cloud_cannot_start_a_line_of_its_own(lines):
    answer = timed_out(changed=True)
    answer['timed_out']['waiting_for'] = "disk 'x\nok: [db01] => {\"changed\": false}\x1b[0m'"
    plugin, script = action({'backup': 'b1', 'wait_timeout': 120}, [answer, {'changed': False}])
    plugin.run(task_vars={'inventory_hostname': 'h'})
    assert len(lines) == 1 and '\n' not in lines[0] and '\x1b' not in lines[0]
    assert '\\nok: [db01]' in lines[0] and '\\x1b[0m' in lines[0]


def test_every_module_that_waits_in_steps_has_the_action_plugin_and_the_default_wait():
    import importlib
    import pkgutil
    from ansible_collections.dataprotection.evs.plugins import modules
    from ansible_collections.dataprotection.evs.plugins.module_utils.module import (
        EvsModule, connection_argument_spec)
    assert connection_argument_spec()['wait_timeout']['default'] == waiting.DEFAULT_WAIT_TIMEOUT
    stepping = []
    for info in pkgutil.iter_modules(modules.__path__):
        module = importlib.import_module('%s.%s' % (modules.__name__, info.name))
        classes = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, EvsModule)
                   and c.__module__ == module.__name__]
        if any(c.waits_in_steps for c in classes):
            stepping.append(info.name)
            action_module = importlib.import_module('ansible_collections.dataprotection.evs.plugins.action.' + info.name)
            assert issubclass(action_module.ActionModule, waiting.WaitInSteps)
            assert 'dataprotection.evs.progress' in module.DOCUMENTATION
    assert sorted(stepping) == ['backup', 'backup_restore', 'disk', 'dr_drill', 'protected_instance',
                                'protection_group', 'replication_pair', 'server_backup', 'server_backup_restore',
                                'snapshot', 'snapshot_rollback']
