# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record what a playbook run did, task by task and loop item by item, for check_real.py.

Enabled by check_real.sh (ANSIBLE_CALLBACKS_ENABLED) for the runs it compares; not part of the
collection.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: check_real_record
type: aggregate
short_description: Record per task and item the status, the diff and the cloud's mutating requests
description:
  - Writes a JSON file (environment variable C(CHECK_REAL_RECORD)) with every task the run started,
    in order, with its file and line, action and check_mode setting, the status of each result (one
    per loop item) and its diff.
  - When C(CHECK_REAL_EMULATOR_URL) is set, reads the emulator's request log before every task and
    at the end, and gives each task the mutating requests the cloud logged while it ran (one host
    and the linear strategy run the tasks one after the other, so the window between the start of
    a task and the start of the next is that task's).
requirements:
  - the environment variable C(CHECK_REAL_RECORD)
"""

import json
import os
import urllib.request

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'check_real_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.path = os.environ.get('CHECK_REAL_RECORD')
        self.url = os.environ.get('CHECK_REAL_EMULATOR_URL')
        self.tasks = []
        self.seen = {}
        self.current = None
        self.since = self._newest_seq() if self.url else 0
        self.stray = []  # mutating requests before the first task

    # -- the emulator's request log ------------------------------------------------
    def _requests(self, since):
        with urllib.request.urlopen('%s/_emulator/requests?since_seq=%d' % (self.url, since), timeout=30) as answer:
            return json.load(answer)['requests']

    def _newest_seq(self):
        entries = self._requests(0)
        return max(entry['seq'] for entry in entries) if entries else 0

    def _close_window(self):
        if not self.url:
            return
        entries = self._requests(self.since)
        if entries:
            self.since = max(entry['seq'] for entry in entries)
        mutating = ['%s %s' % (entry['method'], entry['path']) for entry in entries if entry['mutating']]
        (self.current['mutating'] if self.current else self.stray).extend(mutating)

    # -- tasks and results ---------------------------------------------------------
    def _start(self, task):
        self._close_window()
        path = task.get_path() or ''
        name = task.get_name()
        occurrence = self.seen.get((path, name), 0) + 1
        self.seen[(path, name)] = occurrence
        self.current = {
            'key': '%s [%s] #%d' % (name, os.path.basename(path), occurrence),
            'name': name, 'path': path, 'action': task.action,
            'check_mode': task.check_mode if isinstance(task.check_mode, bool) else None,
            'results': [], 'mutating': [],
        }
        self.tasks.append(self.current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _record(self, result, status, item=False):
        if self.current is None:
            return
        data = result._result
        if not item and 'results' in data:
            return  # a loop's summary: its items were recorded one by one
        self.current['results'].append({
            'host': result._host.get_name(),
            'item': self._get_item_label(data) if item else None,
            'status': status,
            'changed': bool(data.get('changed')),
            'diff': data.get('diff'),
            'msg': data.get('msg') if status == 'failed' else None,
        })

    def v2_runner_on_ok(self, result):
        self._record(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'failed')

    def v2_runner_item_on_ok(self, result):
        self._record(result, 'changed' if result._result.get('changed') else 'ok', item=True)

    def v2_runner_item_on_failed(self, result):
        self._record(result, 'failed', item=True)

    def v2_runner_item_on_skipped(self, result):
        self._record(result, 'skipped', item=True)

    def v2_playbook_on_stats(self, stats):
        self._close_window()
        if self.path:
            with open(self.path, 'w') as handle:
                json.dump({'tasks': self.tasks, 'mutating_before_first_task': self.stray}, handle,
                          indent=1, sort_keys=True, default=str)
