# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's reads without requests (module_utils/lean_http.py), against a real HTTP server on
loopback: what the client reads of an answer, kept connections, a server that closed one, and
failures named as requests names them. TLS: the integration target ``tls``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import select
import subprocess
import sys
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import client as client_mod
from ansible_collections.dataprotection.evs.plugins.module_utils import lean_http
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ConfigError


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        server.seen.append((self.command, self.path, self.headers.get('X-Auth-Token'),
                            self.client_address[1]))
        if self.path.startswith('/drop'):
            self.close_connection = True  # took the request, answers nothing
            return
        if self.path.startswith('/redirect'):
            self.send_response(302)
            self.send_header('Location', '/elsewhere')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        body = json.dumps({'path': self.path}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('X-Request-Id', 'r1')
        self.send_header('Set-Cookie', 'a=1')
        self.send_header('Set-Cookie', 'b=2')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command == 'GET':
            self.wfile.write(body)
        if server.close_after_answer:
            self.close_connection = True

    do_HEAD = do_GET


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    httpd.seen, httpd.close_after_answer = [], False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url(server, path):
    return 'http://127.0.0.1:%d%s' % (server.server_address[1], path)


def test_an_answer_reads_as_requests_would_give_it(server):
    session = lean_http.LeanSession(environ={})
    answer = session.request('GET', url(server, '/v2/p/volumes?limit=1'), headers={'X-Auth-Token': 't'}, timeout=5)
    assert (answer.status_code, answer.json(), answer.headers.get('x-request-id')) == (
        200, {'path': '/v2/p/volumes?limit=1'}, 'r1')
    assert answer.headers['CONTENT-TYPE'] == 'application/json' and 'content-length' in answer.headers
    assert answer.headers.get('set-cookie') == 'a=1, b=2'
    assert server.seen[0][:3] == ('GET', '/v2/p/volumes?limit=1', 't')
    head = session.request('HEAD', url(server, '/x'), timeout=5)
    assert (head.status_code, head.content) == (200, b'')


def test_one_connection_serves_every_read_of_a_host(server):
    session = lean_http.LeanSession(environ={})
    for path in ('/a', '/b', '/c'):
        session.request('GET', url(server, path), timeout=5)
    assert len(set(port for _m, _p, _t, port in server.seen)) == 1


def test_a_connection_the_server_closed_is_opened_again_at_once(server):
    session = lean_http.LeanSession(environ={})
    server.close_after_answer = True  # the server closes without saying so (no Connection: close)
    assert session.request('GET', url(server, '/a'), timeout=5).json() == {'path': '/a'}
    (kept,) = session._connections.values()
    # the server thread closes its end after answering: the test waits for that (polling the
    # socket, not sleeping a guess), so the next request finds the connection closed
    deadline = time.monotonic() + 5
    while not lean_http._dropped(kept) and time.monotonic() < deadline:
        select.select([kept.sock], [], [], 0.05)
    assert lean_http._dropped(kept)
    assert session.request('GET', url(server, '/b'), timeout=5).json() == {'path': '/b'}
    assert [path for _m, path, _t, _port in server.seen] == ['/a', '/b']


def test_a_request_whose_answer_is_lost_is_not_sent_again_here(server):
    """Retrying is the client's (with its back-off, and never blindly for a change)."""
    session = lean_http.LeanSession(environ={})
    session.request('GET', url(server, '/a'), timeout=5)
    with pytest.raises(ConnectionError) as info:
        session.request('GET', url(server, '/drop'), timeout=5)
    assert 'RemoteDisconnected' in str(info.value) and client_mod._is_transport_error(info.value)
    assert [path for _m, path, _t, _port in server.seen] == ['/a', '/drop']
    assert session.request('GET', url(server, '/b'), timeout=5).json() == {'path': '/b'}


def test_no_redirect_is_followed(server):
    answer = lean_http.LeanSession(environ={}).request('GET', url(server, '/redirect'), timeout=5)
    assert answer.status_code == 302 and [p for _m, p, _t, _port in server.seen] == ['/redirect']


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
def test_a_change_is_never_sent_here(server, method):
    with pytest.raises(ValueError):
        lean_http.LeanSession(environ={}).request(method, url(server, '/a'), data='{}', timeout=5)
    assert server.seen == []


def test_failures_name_the_host_and_are_transport_errors():
    session = lean_http.LeanSession(environ={})
    with pytest.raises(ConnectionRefusedError) as refused:
        session.request('GET', 'http://127.0.0.1:9/v2', timeout=5)
    assert 'Failed to establish a new connection to 127.0.0.1:9' in str(refused.value)
    assert client_mod._is_transport_error(refused.value) and client_mod._never_sent(refused.value)
    with pytest.raises(ConnectionError) as unknown:
        session.request('GET', 'http://evs.nowhere.invalid/v2', timeout=5)
    assert "Failed to resolve 'evs.nowhere.invalid'" in str(unknown.value)
    assert client_mod._unresolvable(unknown.value)


@pytest.mark.parametrize('environ, usable', [
    ({}, True), ({'NO_PROXY': '*'}, True), ({'https_proxy': 'http://proxy:3128'}, False),
    ({'HTTP_PROXY': 'http://proxy:3128'}, False), ({'ALL_PROXY': 'socks5://p'}, False), ({'http_proxy': ''}, True)])
def test_a_proxy_in_the_environment_sends_reads_through_requests(environ, usable):
    assert lean_http.usable(environ) is usable


def test_an_unreadable_ca_bundle_is_a_settings_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        lean_http.tls_context(str(tmp_path / 'missing.pem'), environ={})
    assert 'missing.pem cannot be read' in str(info.value)
    assert lean_http.tls_context(False).verify_mode == lean_http.ssl.CERT_NONE


def test_the_ca_bundle_of_the_environment_wins_as_with_requests(tmp_path):
    bundle = str(tmp_path / 'env.pem')
    assert lean_http._ca_bundle(True, {'REQUESTS_CA_BUNDLE': bundle}) == bundle
    assert lean_http._ca_bundle(True, {'CURL_CA_BUNDLE': bundle}) == bundle
    assert lean_http._ca_bundle('/etc/ca.pem', {'REQUESTS_CA_BUNDLE': bundle}) == '/etc/ca.pem'


def test_the_client_reads_through_it_and_changes_through_requests(server):
    transport = client_mod.Transport(True)
    assert transport.lean is not None or not lean_http.usable()
    answer = transport.request('GET', url(server, '/a'), timeout=5, allow_redirects=False, verify=True)
    assert answer.json() == {'path': '/a'}
    assert transport._session is None  # no requests session for a read


def test_a_run_that_only_reads_never_imports_requests(server):
    """A fresh interpreter (this one has requests loaded): the client's GET leaves it unimported."""
    script = '\n'.join([
        'import sys',
        'from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client',
        'client = Client({"auth": {"auth_url": "http://127.0.0.1:1/v3", "token": "t", "project_id": "p"},',
        '                 "endpoints": {"volumev2": %r}, "region": "eu-de"})' % url(server, '/v2/p'),
        'client._token = "t"',
        'print(client.get("volumev2", "/volumes")["path"], "requests" in sys.modules)',
    ])
    environ = dict((k, v) for k, v in os.environ.items() if k.lower() not in lean_http.PROXY_VARIABLES)
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=False,
                         env=dict(environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert out.stdout.split() == ['/v2/p/volumes', 'False'], out.stderr


def test_a_read_of_a_missing_host_fails_at_once_through_the_client():
    client = client_mod.Client({'auth': {'auth_url': 'http://127.0.0.1:1/v3', 'token': 't', 'project_id': 'p'},
                                'endpoints': {'volumev2': 'http://evs.nowhere.invalid/v2/p'}, 'region': 'eu-de'},
                               sleeper=lambda seconds: pytest.fail('a name that does not resolve is not retried'))
    client._token = 't'
    if not isinstance(client.session.lean, lean_http.LeanSession):
        pytest.skip('a proxy is set in this environment')
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.code == 'NameResolutionError'
    assert "Failed to resolve 'evs.nowhere.invalid'" in info.value.message
