# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's ASGI app called in-process (no network, no sleep), for module tests that need
a cloud with real state machines. Its tests are skipped when the emulator is not installed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import module as module_base
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Waiter
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import FakeResponse, RecordingSession

HOST = 'emulator.test'
AUTH = {'auth': {'auth_url': 'http://%s/identity/v3' % HOST, 'username': 'alice', 'password': 'alice-secret-1',
                 'user_domain_name': 'OTC00000000001000000001', 'project_name': 'eu-de'},
        'region': 'eu-de'}


class InProcessSession(RecordingSession):
    """A requests.Session look-alike that hands each request to the emulator's ASGI app."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=True):
        req = self.record(method, url, headers, data)
        query = url.split('?', 1)[1] if '?' in url else ''
        raw = data.encode() if isinstance(data, str) else (data or b'')
        scope = {'type': 'http', 'method': method, 'path': req.path, 'raw_path': req.path.encode(),
                 'query_string': query.encode(), 'root_path': '', 'scheme': 'http', 'http_version': '1.1',
                 'headers': [(b'host', HOST.encode())] + [(k.lower().encode(), str(v).encode())
                                                          for k, v in (headers or {}).items()],
                 'server': (HOST, 80), 'client': ('127.0.0.1', 1)}
        sent = []

        async def receive():
            return {'type': 'http.request', 'body': raw, 'more_body': False}

        async def send(message):
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        headers_out = dict((k.decode().title(), v.decode()) for k, v in sent[0]['headers'])
        content = b''.join(m.get('body', b'') for m in sent[1:])
        body = json.loads(content) if content else None
        return FakeResponse(sent[0]['status'], body, headers_out, text=content.decode() if content else '')


def use_emulator(monkeypatch, tmp_path, **settings):
    """A fresh emulator (timings 0; ``settings`` override its default config, e.g.
    ``api_flavour='huawei'``) that the modules' client talks to; answers its session."""
    emulator_app = pytest.importorskip('evs_emulator.app')
    emulator_config = pytest.importorskip('evs_emulator.config')
    config = emulator_config.Config.load()
    if settings:
        config = emulator_config.Config(dict(config.data, **settings))
    app = emulator_app.create_app(config, tmp_path)
    emu = app.emulator
    emu.update_timings(dict((name, 0) for name in emu.timings()))
    session = InProcessSession(app)

    class NoSleepWaiter(Waiter):
        def __init__(self, *args, **kwargs):
            kwargs.update(sleeper=lambda s: None, clock=lambda: 0.0)
            super(NoSleepWaiter, self).__init__(*args, **kwargs)

    # each test its own emulator: no token kept between tests (token_cache ignored)
    monkeypatch.setattr(module_base, 'Client', lambda settings, token_cache=None: Client(
        settings, session=session, sleeper=lambda s: None))
    monkeypatch.setattr(module_base, 'Waiter', NoSleepWaiter)
    session.emu = emu
    return session


def api(session, method, path, body=None):
    """A direct call (setup), logged in with the test tenant's token."""
    token = getattr(session, 'requests_token', None)
    if token is None:
        answer = session.request('POST', 'http://%s/identity/v3/auth/tokens' % HOST, json.dumps({'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': 'alice', 'password': 'alice-secret-1', 'domain': {'name': 'OTC00000000001000000001'}}}},
            'scope': {'project': {'name': 'eu-de', 'domain': {'name': 'OTC00000000001000000001'}}}}}),
            {'Content-Type': 'application/json'})
        session.requests_token = token = answer.headers['X-Subject-Token']
        session.project_id = answer.json()['token']['project']['id']
    url = 'http://%s%s' % (HOST, path.replace('{pid}', session.project_id))
    answer = session.request(method, url, json.dumps(body) if body is not None else None,
                             {'X-Auth-Token': token, 'Content-Type': 'application/json'})
    return answer.json() if answer.text else None


def drop_answer(emulator, monkeypatch, method, suffix):
    """The cloud carries out the first ``method`` on a path ending in ``suffix``, then its answer
    is lost (a gateway 504)."""
    original = emulator.request
    state = {'dropped': 0}

    def request(m, url, data=None, headers=None, timeout=None, allow_redirects=True):
        answer = original(m, url, data, headers, timeout, allow_redirects)
        if m == method and url.split('?')[0].endswith(suffix) and not state['dropped']:
            state['dropped'] += 1
            return FakeResponse(504, {'error_msg': 'gateway timeout', 'error_code': 'APIGW.0201'})
        return answer

    monkeypatch.setattr(emulator, 'request', request)
    return state
