# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import AUTH, connect, new_cloud

CONNECTION = AUTH


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture(scope='session')
def shared_cloud():
    """One emulator app for the session: building one per test would cost most of the suite's time.
    Its SQLite store lives in memory-backed /dev/shm where there is one: every request commits."""
    state_dir = tempfile.mkdtemp(prefix='evs-unit-', dir='/dev/shm' if os.path.isdir('/dev/shm') else None)
    cloud = new_cloud(state_dir)
    yield cloud
    cloud.emu.store.close()
    shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def cloud(monkeypatch, shared_cloud):
    """The emulator, reset (empty, clock at START, timings 0), that the modules talk to."""
    for var in list(os.environ):
        if var.startswith('OS_'):
            monkeypatch.delenv(var)
    shared_cloud.reset()
    return connect(monkeypatch, shared_cloud)


@pytest.fixture
def run_module(monkeypatch):
    def exit_json(self, **result):
        raise ModuleExit(result, False)

    def fail_json(self, **result):
        raise ModuleExit(result, True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def run(module_cls, args, check=False, diff=False, connection=True):
        args = dict(args)
        if connection:
            for key, value in CONNECTION.items():
                args.setdefault(key, value)
        if check:
            args['_ansible_check_mode'] = True
        if diff:
            args['_ansible_diff'] = True
        with patch_module_args(args):
            with pytest.raises(ModuleExit) as info:
                module_cls.execute()
        result = info.value.result
        result['failed'] = info.value.failed
        return result

    return run
