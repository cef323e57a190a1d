# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Long waits in steps, with a line of progress between steps.

A backup, a replication sync, a restore or a drill takes hours on a real cloud. A module waits
inside its own process and Ansible shows nothing until it returns, so a job that waits six hours
looks hung. The action plugins of the modules that wait run the module with the wait cut into
steps of ``progress_interval`` seconds. A step whose wait times out is followed by the next, which
finds the work the first one started and waits on it: every resource module resumes a wait when it
is run again (the ``timeouts`` integration target proves it module by module; restores and
rollbacks by their restore record). Between steps one line tells what is waited for, its status and
the time waited. ``wait_timeout`` stays the time of the whole wait: the last step gets what is left.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# the defaults of the modules' wait_timeout and progress_interval (module_utils/module.py)
DEFAULT_WAIT_TIMEOUT = 600
DEFAULT_PROGRESS_INTERVAL = 60

display = Display()


def printable(text):
    """``text`` with control characters escaped: a name from the cloud must not start a line of
    its own in the job output (a disk named ``x\\nok: [db01]`` would fake a result line)."""
    return ''.join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))


def duration(seconds):
    """``2h 05m``, ``3m 20s``, ``45s``."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return '%dh %02dm' % (hours, minutes)
    return '%dm %02ds' % (minutes, seconds) if minutes else '%ds' % seconds


def _number(value, default):
    """An option's value as an int, or None when it is not one (the module then refuses it)."""
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WaitInSteps(ActionBase):
    """Runs the module as ansible.builtin.normal does; when it would wait longer than
    ``progress_interval``, in steps."""

    _supports_check_mode = True
    _supports_async = True
    clock = staticmethod(time.monotonic)

    def run(self, tmp=None, task_vars=None):
        result = super(WaitInSteps, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        timeout = _number(args.get('wait_timeout', args.get('timeout')), DEFAULT_WAIT_TIMEOUT)
        interval = _number(args.get('progress_interval'), DEFAULT_PROGRESS_INTERVAL)
        if (wrap_async or self._task.check_mode or not boolean(args.get('wait', True), strict=False)
                or timeout is None or interval is None or interval <= 0 or timeout <= interval):
            result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        else:
            args.pop('timeout', None)
            result.update(self.wait_in_steps(args, timeout, interval, task_vars))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def wait_in_steps(self, args, timeout, interval, task_vars):
        host = printable((task_vars or {}).get('inventory_hostname', ''))
        started = self.clock()
        changed = False
        first = None
        warnings = []
        while True:
            left = timeout - (self.clock() - started)
            step = self._execute_module(module_args=dict(args, wait_timeout=max(0, int(min(interval, left)))),
                                        task_vars=task_vars)
            first = first or step
            changed = changed or bool(step.get('changed'))
            warnings.extend(w for w in step.get('warnings') or [] if w not in warnings)
            timed_out = step.get('timed_out')
            waited = self.clock() - started
            if not (step.get('failed') and isinstance(timed_out, dict)) or waited >= timeout:
                break
            display.display('[%s] waiting for %s to become %s: %s after %s (up to %s)' % (
                host, printable(timed_out.get('waiting_for')), printable(timed_out.get('to_become')),
                printable(timed_out.get('last_status')), duration(waited), duration(timeout)))
        if step.get('failed') and isinstance(timed_out, dict):
            step['msg'] = 'timed out after %ss waiting for %s to become %s; last status: %s' % (
                timeout, timed_out.get('waiting_for'), timed_out.get('to_become'), timed_out.get('last_status'))
            # ansible-core 2.19 and later show the error summary of the last step, made from its own
            # message ("after 0s"): without it, core makes one from the message above. A wait that
            # timed out has no traceback to lose.
            step.pop('exception', None)
        # the first step made the change: its diff is the run's, and the run changed what it did
        step['changed'] = changed
        if 'diff' in first and 'diff' not in step:
            step['diff'] = first['diff']
        if warnings:
            step['warnings'] = warnings
        return step
