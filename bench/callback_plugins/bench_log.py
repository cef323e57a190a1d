# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark recorder: per task its start and end (wall clock), per loop item its end, and the
emulator requests sent while it ran (read from the emulator's request log at each task boundary;
the admin API is never logged itself, so reading it adds nothing to the count).

Enabled by the bench harness with ANSIBLE_CALLBACKS_ENABLED=bench_log; writes JSON to $BENCH_LOG.
Tasks run one after another on one host (localhost), so requests between two task starts belong
to the first task. Registered results of the collection's modules are kept (for the debug twin).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: bench_log
type: aggregate
short_description: record task timings and emulator requests for the benchmarks
description: Writes task timings and the emulator requests of each task to $BENCH_LOG as JSON.
'''

import json
import os
import time

try:
    from urllib.request import urlopen
except ImportError:  # pragma: no cover
    from urllib2 import urlopen  # type: ignore

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_log'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.path = os.environ.get('BENCH_LOG')
        self.url = (os.environ.get('EVS_EMULATOR_URL') or '').rstrip('/')
        self.tasks = []
        self.current = None
        self.registered = {}
        self.seq = self._last_seq()
        self.started = time.time()

    def _requests_since(self, seq):
        if not self.url:
            return []
        with urlopen('%s/_emulator/requests?since_seq=%d' % (self.url, seq), timeout=30) as answer:
            return json.loads(answer.read().decode('utf-8'))['requests']

    def _last_seq(self):
        found = self._requests_since(0) if self.url else []
        return max([r['seq'] for r in found] or [0])

    def _close_current(self):
        now = time.time()
        found = self._requests_since(self.seq)
        if found:
            self.seq = max(r['seq'] for r in found)
        if self.current is not None:
            self.current['end'] = now
            self.current['requests'] = [
                dict((k, r.get(k)) for k in ('method', 'path', 'query', 'status', 'mutating', 'time', 'service'))
                for r in found]
            self.tasks.append(self.current)
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_current()
        self.current = {'name': task.get_name(), 'action': task.action, 'start': time.time(),
                        'items': [], 'results': 0, 'changed': 0, 'skipped': 0, 'failed': 0,
                        'check_mode': bool(task.check_mode)}

    def _item(self, result, kind):
        if self.current is not None:
            self.current['items'].append({'end': time.time(), 'kind': kind,
                                          'changed': bool(result._result.get('changed'))})

    def v2_runner_item_on_ok(self, result):
        self._item(result, 'ok')

    def v2_runner_item_on_failed(self, result):
        self._item(result, 'failed')

    def v2_runner_item_on_skipped(self, result):
        self._item(result, 'skipped')

    def _result(self, result, kind):
        if self.current is None:
            return
        self.current['results'] += 1
        if kind != 'ok':
            self.current[kind] += 1
        if kind == 'ok' and result._result.get('changed'):
            self.current['changed'] += 1
        task = result._task
        register = getattr(task, 'register', None)
        if kind == 'ok' and register and str(task.action).startswith('dataprotection.evs.'):
            self.registered[register] = dict((k, v) for k, v in result._result.items()
                                             if not k.startswith('_ansible') and k != 'invocation')

    def v2_runner_on_ok(self, result):
        self._result(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._result(result, 'skipped')

    def v2_playbook_on_stats(self, stats):
        self._close_current()
        if not self.path:
            return
        with open(self.path, 'w') as out:
            json.dump({'start': self.started, 'end': time.time(), 'tasks': self.tasks,
                       'registered': self.registered}, out, default=str)
