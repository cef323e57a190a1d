# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token request (password or token authentication) of ``Client``: imported only when a task
has no cached token, so a task that finds its token in the cache (``token_cache.py``) does not
compile it (AnsiballZ ships source; every module process compiles what it imports)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, _http_date
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, LostAnswerError


def log_in(client, body, cache_key):
    """Ask Keystone for a token with ``body``; keep the token, catalog and project on ``client``,
    and in the token cache under ``cache_key`` (when set) for the token's lifetime."""
    try:
        answer = client._send('POST', client._auth_url() + '/auth/tokens', json_body=body,
                              operation='authentication at %s' % client._auth_url(), authenticated=False,
                              ok=(200, 201), idempotent=True)
    except LostAnswerError:
        raise
    except CloudError as exc:
        raise refused_login(client, exc)
    client._token = answer.headers.get('X-Subject-Token')
    if not client._token:
        raise CloudError(answer.status, None, 'Keystone gave no X-Subject-Token',
                         operation='authentication at %s' % client._auth_url())
    client._secrets.append(client._token)
    token = (answer.body or {}).get('token') or {}
    client._catalog = token.get('catalog') or []
    project = token.get('project') or {}
    if project.get('id'):
        client._project_id = project['id']
    if cache_key:
        client.token_cache.store(cache_key, client._token, client._catalog, client._project_id,
                                 lifetime(token.get('expires_at'), answer.headers))


def refused_login(client, error):
    """A refused login (401 from Keystone) names who tried to log in, never the password or
    token: the cloud's own words only say that authentication is required."""
    if error.status != 401:
        return error
    auth = client.auth
    if client.method == 'password':
        who = ("user id %s" % auth['user_id'] if auth.get('user_id') else "user '%s' in domain '%s'" % (
            auth.get('username'), auth.get('user_domain_name') or auth.get('domain')))
        text = ('authentication failed for %s at %s: wrong password, or no such user in that domain '
                '(from %s)' % (who, client._auth_url(), client.settings.get('source', 'the module options')))
    else:
        text = ('the token given in auth.token was refused at %s: it expired (tokens live 24 hours), was '
                'revoked, or belongs to another cloud' % client._auth_url())
    return CloudError(error.status, error.code, '%s (the cloud said: %s)' % (text, error.message),
                      request_id=error.request_id, operation=error.operation, attempts=error.attempts)


def lifetime(expires_at, headers):
    """Seconds the token has left, on the cloud's own clock (its expires_at against its Date
    header), so a controller whose clock is off does not keep a token too long; None when unknown."""
    cloud_now = _http_date(headers.get('Date') if headers else None)
    if not expires_at or cloud_now is None:
        return None
    try:
        expires = datetime.datetime.strptime(expires_at[:19], '%Y-%m-%dT%H:%M:%S').replace(tzinfo=UTC)
    except ValueError:
        return None
    return (expires - cloud_now).total_seconds()
