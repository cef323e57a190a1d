# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tests' one cloud: the emulator's ASGI app called in-process (no network, no sleep).

One app serves the whole session and is reset before each test (conftest.py, ``cloud``): the
rules, state machines, errors and request log are the emulator's, so a module test meets the
cloud the integration tests meet. Time is the emulator's clock, frozen at ``START``; a module's
waits move it (``Waiter`` sleeps advance it), so a test never sleeps for a cloud timing.
Skipped when the emulator package is not installed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import datetime
import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict

try:
    from urllib.parse import urlsplit, parse_qsl
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, parse_qsl  # type: ignore

from ansible_collections.dataprotection.evs.plugins.module_utils import module as module_base
from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, Client
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Waiter

HOST = 'emulator.test'
IAM = 'http://%s/identity/v3' % HOST
DOMAIN = 'OTC00000000001000000001'
PASSWORD = 'alice-secret-1'
AUTH = {'auth': {'auth_url': IAM, 'username': 'alice', 'password': PASSWORD,
                 'user_domain_name': DOMAIN, 'project_name': 'eu-de'},
        'region': 'eu-de'}
START = '2026-11-25T10:00:00Z'


def password_settings(**extra):
    """Client settings for the seeded tenant (tenant-a of the emulator's default config)."""
    settings = {'auth': dict(AUTH['auth']), 'region': 'eu-de', 'endpoints': {}, 'validate_certs': True,
                'timeout': 30}
    settings.update(extra)
    return settings


class Response:
    """The part of requests.Response the client reads."""

    def __init__(self, status, headers, content):
        self.status_code = status
        self.headers = CaseInsensitiveDict(headers)
        self.content = content
        self.text = content.decode('utf-8')
        self.reason = 'reason %d' % status

    def json(self):
        return json.loads(self.text)


class Request:
    """One request the code under test sent, as the test reads it back."""

    def __init__(self, method, url, headers, data):
        self.method = method
        self.url = url
        parts = urlsplit(url)
        self.path = parts.path
        self.params = dict(parse_qsl(parts.query))
        self.headers = headers
        self.body = json.loads(data) if data else None

    @property
    def mutating(self):
        return self.method not in ('GET', 'HEAD') and not self.path.endswith('/auth/tokens')

    def __repr__(self):
        return '%s %s' % (self.method, self.url)


class _Connection:
    """What the emulator's `drop`/`drop_answer` faults abort (app._drop_connection): in-process,
    an aborted connection is the requests ConnectionError a client sees when the server hangs up."""

    def __init__(self):
        self.transport = self
        self.aborted = False
        self.messages = []

    def abort(self):
        self.aborted = True

    async def send(self, message):
        self.messages.append(message)


class EmulatedCloud:
    """A requests.Session look-alike in front of the emulator app, plus setup and inspection
    helpers for tests. Setup (``api``, ``add_*``) is not recorded in ``requests``, which holds
    what the code under test sent."""

    def __init__(self, app):
        self.app = app
        self.emu = app.emulator
        self.verify = True
        self._loop = asyncio.new_event_loop()
        self._forget_the_test()

    def _forget_the_test(self):
        self.requests = []
        self._token = self.project_id = None
        self.connect_failures = 0
        self.hosts = set([HOST])

    def reset(self):
        """The seeded, empty cloud at START with every timing 0 (Emulator.reset, then our defaults)."""
        self.emu.reset()
        self.emu.clock.freeze()
        self.emu.clock.set(_epoch(START))
        self.zero_timings()
        self._forget_the_test()

    def zero_timings(self):
        self.emu.update_timings(dict((name, 0) for name in self.emu.timings()))

    # -- the session interface ------------------------------------------
    @property
    def mutating(self):
        return [r for r in self.requests if r.mutating]

    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=True):
        self.requests.append(Request(method, url, headers or {}, data))
        # the network: only the emulator's ``hosts`` resolve; ``connect_failures`` requests never reach it
        host = urlsplit(url).hostname
        if host not in self.hosts:
            raise requests.exceptions.ConnectionError("Failed to resolve '%s' ([Errno -2] Name or service not known)"
                                                      % host)
        if self.connect_failures:
            self.connect_failures -= 1
            raise requests.exceptions.ConnectTimeout('connection to %s timed out' % host)
        return self.send(method, url, data, headers)

    def send(self, method, url, data=None, headers=None):
        parts = urlsplit(url)
        raw = data.encode() if isinstance(data, str) else (data or b'')
        scope = {'type': 'http', 'method': method, 'path': parts.path, 'raw_path': parts.path.encode(),
                 'query_string': parts.query.encode(), 'root_path': '', 'scheme': 'http', 'http_version': '1.1',
                 'headers': [(b'host', HOST.encode())] + [(k.lower().encode(), str(v).encode())
                                                          for k, v in (headers or {}).items()],
                 'server': (HOST, 80), 'client': ('127.0.0.1', 1)}
        connection = _Connection()

        async def receive():
            return {'type': 'http.request', 'body': raw, 'more_body': False}

        self._loop.run_until_complete(self.app(scope, receive, connection.send))
        if connection.aborted:
            raise requests.exceptions.ConnectionError('Connection aborted: the remote end closed the connection '
                                                      'without a response')
        start = connection.messages[0]
        headers_out = [(k.decode(), v.decode()) for k, v in start['headers']]
        return Response(start['status'], headers_out, b''.join(m.get('body', b'') for m in connection.messages[1:]))

    # -- setup and inspection ---------------------------------------------
    def call(self, method, path, body=None):
        """A direct call (setup/inspection) with the test tenant's token; ``{pid}`` is its project.
        Answers the Response; not recorded."""
        if self._token is None:
            answer = self.send('POST', IAM + '/auth/tokens', json.dumps({'auth': {
                'identity': {'methods': ['password'], 'password': {'user': {
                    'name': 'alice', 'password': PASSWORD, 'domain': {'name': DOMAIN}}}},
                'scope': {'project': {'name': 'eu-de', 'domain': {'name': DOMAIN}}}}}),
                {'Content-Type': 'application/json'})
            self._token = answer.headers['X-Subject-Token']
            self.project_id = answer.json()['token']['project']['id']
        return self.send(method, 'http://%s%s' % (HOST, path.replace('{pid}', self.project_id)),
                         json.dumps(body) if body is not None else None,
                         {'X-Auth-Token': self._token, 'Content-Type': 'application/json'})

    def api(self, method, path, body=None):
        """``call`` that must succeed; answers the JSON body (None when empty)."""
        answer = self.call(method, path, body)
        assert answer.status_code < 400, '%s %s -> %s %s' % (method, path, answer.status_code, answer.text)
        return answer.json() if answer.text else None

    def admin(self, method, path, body=None):
        """The emulator's admin API (/_emulator/...)."""
        answer = self.send(method, 'http://%s/_emulator%s' % (HOST, path), json.dumps(body) if body else None,
                           {'Content-Type': 'application/json'})
        assert answer.status_code < 400, answer.text
        return answer.json() if answer.text else None

    def add_fault(self, **rule):
        """An emulator fault rule (faults.py: method, path regex, status, body, drop_answer, count...)."""
        return self.admin('POST', '/faults', rule)['id']

    def advance(self, seconds):
        self.emu.clock.advance(seconds)

    def utcnow(self):
        """The emulator's time as an aware datetime: the test machine's clock, in step with the cloud's."""
        return datetime.datetime.fromtimestamp(self.emu.now(), UTC)

    def now(self):
        """The emulator's time as the modules write it (``2026-11-25T10:00:00Z``)."""
        return self.admin('GET', '/clock')['now'][:19] + 'Z'

    def taking(self, timing, seconds):
        """Every operation named ``timing`` started from now on takes ``seconds`` of emulator time."""
        self.emu.update_timings({timing: seconds})

    def volume(self, volume_id):
        """The disk as the cloud answers it now, or None when it is gone."""
        answer = self.call('GET', '/evs/v2/{pid}/volumes/%s' % volume_id)
        return answer.json()['volume'] if answer.status_code == 200 else None

    def snapshot(self, snapshot_id):
        answer = self.call('GET', '/evs/v2/{pid}/snapshots/%s' % snapshot_id)
        return answer.json()['snapshot'] if answer.status_code == 200 else None

    def snapshots(self, **filters):
        query = '&'.join('%s=%s' % item for item in sorted(filters.items()))
        return self.api('GET', '/evs/v2/{pid}/snapshots/detail' + ('?' + query if query else ''))['snapshots']

    def add_volume(self, name, status='available', size=10, az='eu-de-01', **fields):
        """A disk made through the API one emulated second after the previous resource (so lists
        have one order). ``status`` ``in-use``: attached to a new server; any other status the API
        cannot reach on demand (``error``, ``backing-up``) is set with ``set_status``."""
        self.advance(1)
        spec = dict({'name': name, 'size': size, 'availability_zone': az}, **fields)
        volume = self.api('POST', '/evs/v2/{pid}/volumes', {'volume': spec})['volume']
        if status == 'in-use':
            self.attach(volume, self.add_server('srv-' + name, az))
        elif status != 'available':
            self.set_status('volume', volume['id'], status)
        return self.volume(volume['id'])

    def add_server(self, name, az='eu-de-01'):
        return self.api('POST', '/ecs/v2.1/{pid}/servers', {'server': {
            'name': name, 'availability_zone': az, 'flavorRef': 's3.medium.1', 'imageRef': 'i'}})['server']

    def attach(self, volume, server):
        self.api('POST', '/ecs/v2.1/{pid}/servers/%s/os-volume_attachments' % server['id'],
                 {'volumeAttachment': {'volumeId': volume['id']}})
        return self.volume(volume['id'])

    def add_snapshot(self, volume, name, status='available', takes=0, **fields):
        """A snapshot made through the API (the cloud's rules apply: at most 7 per disk, one
        ``creating`` at a time). ``takes``: seconds it stays ``creating``; another ``status``
        (``error``, ``backing-up``) is set with ``set_status``."""
        self.advance(1)
        self.taking('snapshot.create', takes)
        spec = dict({'volume_id': volume['id'], 'name': name, 'force': True}, **fields)
        snapshot = self.api('POST', '/evs/v2/{pid}/snapshots', {'snapshot': spec})['snapshot']
        self.taking('snapshot.create', 0)
        if status != 'available':
            self.set_status('snapshot', snapshot['id'], status)
        return self.snapshot(snapshot['id'])

    def add_backup_snapshot(self, volume):
        """The snapshot a manual VBS backup leaves on the disk (``manualbk_snapshot_vbs_*``)."""
        self.advance(1)
        self.api('POST', '/vbs/v2/{pid}/cloudbackups', {'backup': {'volume_id': volume['id'], 'name': 'bk'}})
        return [s for s in self.snapshots(volume_id=volume['id']) if s['name'].startswith('manualbk_')][0]

    def start_delete(self, snapshot, takes):
        """The snapshot's delete is accepted and runs ``takes`` seconds (status ``deleting``)."""
        self.taking('snapshot.delete', takes)
        self.api('DELETE', '/evs/v2/{pid}/snapshots/%s' % snapshot['id'])
        self.taking('snapshot.delete', 0)

    def set_status(self, kind, rid, status):
        """Put a stored disk or snapshot in a status the API cannot lead it to on demand (one the
        real cloud shows, e.g. ``error`` after a failed operation), with nothing pending."""
        from evs_emulator.lifecycle import PENDING_KEY, settle
        body = settle(self.emu.store.get(kind, rid), self.emu.now())
        body = dict((k, v) for k, v in body.items() if k != PENDING_KEY)
        body['status'] = status
        self.emu.store.put(kind, rid, body, body.get('project_id'), body.get('region'))

    def write_disk(self, volume, blocks):
        """The disk's content (the emulator's block map), as a server writing to it."""
        return self.admin('PUT', '/disks/%s' % volume['id'], {'blocks': blocks})['blocks']

    def disk(self, volume):
        return self.admin('GET', '/disks/%s' % volume['id'])['blocks']

    def logged(self, **filters):
        """The emulator's request log (``/_emulator/requests``), filtered like the admin API."""
        query = '&'.join('%s=%s' % item for item in sorted(filters.items()))
        return self.admin('GET', '/requests' + ('?' + query if query else ''))['requests']


def _epoch(iso):
    from evs_emulator.clock import parse_iso
    return parse_iso(iso)


def new_cloud(state_dir, **settings):
    """An emulator app of its own (``settings`` override its default config, e.g.
    ``api_flavour='huawei'``), reset to START."""
    emulator_app = pytest.importorskip('evs_emulator.app')
    emulator_config = pytest.importorskip('evs_emulator.config')
    config = emulator_config.Config.load()
    if settings:
        config = emulator_config.Config(dict(config.data, **settings))
    cloud = EmulatedCloud(emulator_app.create_app(config, state_dir))
    cloud.reset()
    return cloud


def connect(monkeypatch, cloud):
    """The modules' client talks to ``cloud``; their waits and retries sleep on its clock."""
    class EmulatorClockWaiter(Waiter):
        def __init__(self, *args, **kwargs):
            kwargs.update(sleeper=cloud.advance, clock=cloud.emu.now)
            super(EmulatorClockWaiter, self).__init__(*args, **kwargs)

    # the emulator is reset between tests: no token is kept between them (token_cache ignored)
    monkeypatch.setattr(module_base, 'Client', lambda settings, token_cache=None: Client(
        settings, session=cloud, sleeper=cloud.advance, utcnow=cloud.utcnow))
    monkeypatch.setattr(module_base, 'Waiter', EmulatorClockWaiter)
    return cloud


def use_emulator(monkeypatch, tmp_path, **settings):
    """A fresh emulator of its own (another config than the shared one), connected."""
    return connect(monkeypatch, new_cloud(tmp_path, **settings))


def api(session, method, path, body=None):
    return session.api(method, path, body)


GATEWAY_TIMEOUT = '{"error_msg": "gateway timeout", "error_code": "APIGW.0201"}'


def gateway_answer(emulator, monkeypatch, method, suffix, status=504, text=GATEWAY_TIMEOUT, dated=True):
    """The cloud carries out the first ``method`` on a path ending in ``suffix``; the gateway in
    front answers ``status`` and ``text`` instead (a lost answer, an HTML error page), with the
    cloud's Date header unless ``dated`` is false."""
    original = emulator.request
    state = {'dropped': 0}

    def request(m, url, data=None, headers=None, timeout=None, allow_redirects=True):
        answer = original(m, url, data, headers, timeout, allow_redirects)
        if m == method and url.split('?')[0].endswith(suffix) and not state['dropped']:
            state['dropped'] += 1
            kept = [('Date', answer.headers['Date'])] if dated else []
            return Response(status, kept + [('Content-Type', 'application/json')], text.encode())
        return answer

    monkeypatch.setattr(emulator, 'request', request)
    return state


def drop_answer(emulator, monkeypatch, method, suffix):
    """The cloud carries out the first ``method`` on a path ending in ``suffix``, then its answer
    is lost (a gateway 504)."""
    return gateway_answer(emulator, monkeypatch, method, suffix)
