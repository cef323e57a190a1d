# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep the emulator's request log and the hashes of the tokens it issued, across resets.

Every integration target resets the emulator (setup_emulator), which empties its request log and
forgets its tokens. `make integration` scans the log and looks for every issued token in the
output afterwards, so this callback copies both before every task (a reset is a task of its
own, so nothing logged before it is missed) and when a playbook ends. Not part of the collection:
`make integration` loads it through the ansible.cfg it writes for ansible-test.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: emulator_request_log
type: aggregate
short_description: Copy the emulator's request log and issued-token hashes to files
description:
  - Before every task and at the end of a playbook, appends the entries of the emulator's request
    log (C(GET /_emulator/requests), as users see it) that are new since the last copy to
    C(out_dir/requests.jsonl), and adds the hashes of the tokens in the emulator's store (read
    read-only) to C(out_dir/token-hashes.txt).
  - Does nothing unless C(url) and C(out_dir) are set.
options:
  url:
    description: The emulator's base URL.
    ini: [{section: emulator_request_log, key: url}]
  out_dir:
    description: Where the copies go.
    ini: [{section: emulator_request_log, key: out_dir}]
  store:
    description: The emulator's SQLite store file (opened read-only), for the token hashes.
    ini: [{section: emulator_request_log, key: store}]
"""

import fcntl
import json
import os
import sqlite3
import urllib.request

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'emulator_request_log'
    CALLBACK_NEEDS_ENABLED = False

    def _copy(self):
        url, out_dir = self.get_option('url'), self.get_option('out_dir')
        if not url or not out_dir:
            return
        os.makedirs(out_dir, exist_ok=True)
        # several ansible processes may run at once (a runme.sh in the background): one at a time
        with open(os.path.join(out_dir, 'lock'), 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            seq_file = os.path.join(out_dir, 'requests.seq')
            since = int(open(seq_file).read() or 0) if os.path.exists(seq_file) else 0
            try:
                with urllib.request.urlopen('%s/_emulator/requests?since_seq=%d' % (url, since), timeout=10) as answer:
                    entries = json.load(answer)['requests']
            except (OSError, ValueError) as exc:
                self._display.warning('emulator_request_log: cannot read the request log: %s' % exc)
                entries = []
            entries = [entry for entry in entries if entry['seq'] > since]
            if entries:
                with open(os.path.join(out_dir, 'requests.jsonl'), 'a') as log:
                    log.writelines(json.dumps(entry, sort_keys=True) + '\n' for entry in entries)
                with open(seq_file, 'w') as handle:
                    handle.write(str(max(entry['seq'] for entry in entries)))
            self._copy_token_hashes(out_dir)

    def _copy_token_hashes(self, out_dir):
        store = self.get_option('store')
        if not store or not os.path.exists(store):
            return
        try:
            db = sqlite3.connect('file:%s?mode=ro' % store, uri=True, timeout=10)
            try:
                hashes = {row[0] for row in db.execute("SELECT id FROM resources WHERE kind = 'token'")}
            finally:
                db.close()
        except sqlite3.Error as exc:
            self._display.warning('emulator_request_log: cannot read the token hashes: %s' % exc)
            return
        path = os.path.join(out_dir, 'token-hashes.txt')
        known = set(open(path).read().split()) if os.path.exists(path) else set()
        if hashes - known:
            with open(path, 'a') as handle:
                handle.writelines(h + '\n' for h in sorted(hashes - known))

    def v2_playbook_on_start(self, playbook):
        self._copy()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._copy()

    def v2_playbook_on_handler_task_start(self, task):
        self._copy()

    def v2_playbook_on_stats(self, stats):
        self._copy()
