# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads without importing requests: the client's GETs over the standard library's http.client.

Every module is its own process, and importing requests (with urllib3, charset_normalizer, idna
and certifi) is the largest part of what a task costs above Ansible's own (bench/RESULTS.md,
"Per task cost"). A run with nothing to change sends only reads (its token comes from the token
cache), so the client sends GET and HEAD requests through ``LeanSession`` and imports requests
for the first change only. ``LeanSession.request`` takes the arguments ``requests.Session.request``
takes and answers with the attributes the client reads (``status_code``, ``headers``,
``content``, ``json()``), as requests would for the same request:

- TLS as the client's requests session verifies: ``verify`` False (not verified), a CA bundle file
  or directory, or True: ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` when set (requests reads them
  too), else certifi's bundle where certifi is installed, else the system's CAs;
- no redirects followed; one connection kept alive per scheme, host and port; a kept connection
  the server closed while idle is replaced before the request is sent (as urllib3 does), so this
  layer never sends a request twice: a failure after sending is the client's to retry;
- a failure of the connection raises an OSError (the client's transport errors), never an
  http.client exception.

A proxy in the environment (``http_proxy``, ``https_proxy``, ``all_proxy``, any case) is not
spoken here: with one set, ``usable()`` says no and every request goes through requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client as http_client
import json
import os
import select
import socket
import ssl
from urllib.parse import urlsplit

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ConfigError

READ_METHODS = ('GET', 'HEAD')
PROXY_VARIABLES = ('http_proxy', 'https_proxy', 'all_proxy')
CA_BUNDLE_VARIABLES = ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')


def usable(environ=None):
    """Whether reads can go through ``LeanSession``: no proxy is set."""
    environ = os.environ if environ is None else environ
    return not any(
        key.lower() in PROXY_VARIABLES and value for key, value in environ.items())


class Headers(object):
    """Response headers: looked up by name in any case, as requests' headers are."""

    def __init__(self, pairs):
        self._by_name = {}
        for name, value in pairs:
            known = self._by_name.get(name.lower())
            # a repeated header is one value, comma-joined (as urllib3 joins it)
            self._by_name[name.lower()] = (name, value if known is None else '%s, %s' % (known[1], value))

    def get(self, name, default=None):
        found = self._by_name.get(name.lower())
        return default if found is None else found[1]

    def __getitem__(self, name):
        return self._by_name[name.lower()][1]

    def __contains__(self, name):
        return name.lower() in self._by_name

    def items(self):
        return list(self._by_name.values())

    def __iter__(self):
        return iter([name for name, _value in self._by_name.values()])

    def __len__(self):
        return len(self._by_name)


class LeanResponse(object):
    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.text)


def _ca_bundle(verify, environ):
    if verify is not True:
        return verify
    for variable in CA_BUNDLE_VARIABLES:
        if environ.get(variable):
            return environ[variable]
    try:
        import certifi  # requests' own bundle, so that both trust the same CAs
    except ImportError:
        return None
    return certifi.where()


def tls_context(verify, environ=None):
    """The SSL context of ``verify`` (False, True or a CA bundle file or directory)."""
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    bundle = _ca_bundle(verify, os.environ if environ is None else environ)
    try:
        if bundle and os.path.isdir(bundle):
            return ssl.create_default_context(capath=bundle)
        return ssl.create_default_context(cafile=bundle)
    except (IOError, OSError, ssl.SSLError) as exc:
        raise ConfigError('the CA bundle %s cannot be read: %s' % (bundle, exc))


def _dropped(connection):
    """Whether a kept connection can no longer be used: its socket is gone or readable before a
    request was sent (the server closed it, or sent what no request asked for)."""
    if connection.sock is None:
        return True
    try:
        readable, _writable, _failed = select.select([connection.sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class LeanSession(object):
    """GET and HEAD over http.client, with ``requests.Session.request``'s arguments."""

    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ
        self._connections = {}
        self._contexts = {}

    def _connection(self, scheme, host, port, timeout, verify):
        key = (scheme, host, port, timeout, verify)
        connection = self._connections.get(key)
        if connection is not None:
            return connection, True
        if scheme == 'https':
            if verify not in self._contexts:
                self._contexts[verify] = tls_context(verify, self._environ)
            connection = http_client.HTTPSConnection(host, port, timeout=timeout, context=self._contexts[verify])
        else:
            connection = http_client.HTTPConnection(host, port, timeout=timeout)
        self._connections[key] = connection
        return connection, False

    def _connect(self, connection, key):
        """Open the connection, naming the host in what fails (as requests does)."""
        where = '%s:%s' % (connection.host, connection.port)
        try:
            connection.connect()
        except socket.gaierror as exc:
            self._drop(key)
            raise ConnectionError("Failed to resolve '%s' (%s)" % (connection.host, exc))
        except ConnectionRefusedError as exc:
            self._drop(key)
            raise ConnectionRefusedError(exc.errno, 'Failed to establish a new connection to %s: %s' % (
                where, exc.strerror))
        except socket.timeout:
            self._drop(key)
            raise socket.timeout('Connection to %s timed out' % where)
        except Exception:
            self._drop(key)
            raise

    def _drop(self, key_parts):
        connection = self._connections.pop(key_parts, None)
        if connection is not None:
            connection.close()

    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=False, verify=True):
        parts = urlsplit(url)
        if method.upper() not in READ_METHODS or parts.scheme not in ('http', 'https') or allow_redirects:
            raise ValueError('LeanSession sends GET and HEAD without redirects only, not %s %s' % (method, url))
        target = (parts.path or '/') + ('?' + parts.query if parts.query else '')
        key = (parts.scheme, parts.hostname, parts.port, timeout, verify)
        connection, reused = self._connection(parts.scheme, parts.hostname, parts.port, timeout, verify)
        if reused and _dropped(connection):
            # the server closed the idle connection (as urllib3, looked at before sending: a
            # request is never sent twice by this layer)
            self._drop(key)
            connection, reused = self._connection(parts.scheme, parts.hostname, parts.port, timeout, verify)
        if not reused:
            self._connect(connection, key)
        try:
            connection.request(method.upper(), target, body=data, headers=headers or {})
            response = connection.getresponse()
            content = response.read()
        except http_client.HTTPException as exc:
            self._drop(key)
            raise ConnectionError('%s: %s' % (type(exc).__name__, exc))
        except Exception:
            self._drop(key)
            raise
        if response.will_close:
            self._drop(key)
        return LeanResponse(response.status, Headers(response.getheaders()), content)

    def close(self):
        for key in list(self._connections):
            self._drop(key)
