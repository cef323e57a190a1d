# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.dataprotection.evs.plugins.module_utils import module as module_base
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Waiter
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import IAM, FakeCloud

CONNECTION = {'auth': {'auth_url': IAM, 'username': 'alice', 'password': 'pa55word-secret',
                       'user_domain_name': 'OTC-DOMAIN', 'project_name': 'eu-de'},
              'region': 'eu-de'}


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture
def cloud(monkeypatch):
    fake = FakeCloud()
    for var in list(os.environ):
        if var.startswith('OS_'):
            monkeypatch.delenv(var)

    def client_factory(settings, token_cache=None):  # each test its own cloud: no token kept between tests
        return Client(settings, session=fake, sleeper=lambda s: None)

    class NoSleepWaiter(Waiter):
        def __init__(self, *args, **kwargs):
            kwargs.update(sleeper=lambda s: None, clock=lambda: 0.0)
            super(NoSleepWaiter, self).__init__(*args, **kwargs)

    monkeypatch.setattr(module_base, 'Client', client_factory)
    monkeypatch.setattr(module_base, 'Waiter', NoSleepWaiter)
    return fake


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
