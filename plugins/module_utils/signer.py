# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AK/SK request signing (SDK-HMAC-SHA256), as the Huawei/OTC SDK core signer does it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac

try:
    from urllib.parse import quote, unquote, urlsplit, parse_qsl
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps the import test quiet
    from urllib import quote, unquote  # type: ignore
    from urlparse import urlsplit, parse_qsl  # type: ignore

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'
# The API Gateway refuses a request whose X-Sdk-Date is further than this from its own time
# (Huawei Cloud / OTC API signing guide: "more than 15 minutes").
MAX_CLOCK_SKEW = 15 * 60
EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def _encode(value):
    return quote(value, safe='~')


def _to_bytes(body):
    if body is None:
        return b''
    if isinstance(body, bytes):
        return body
    return body.encode('utf-8')


def canonical_uri(path):
    url_path = '/'.join(_encode(segment) for segment in unquote(path or '/').split('/'))
    if not url_path.endswith('/'):
        url_path += '/'
    return url_path


def canonical_query(pairs):
    """``pairs``: list of (key, value) as they go on the wire (value None -> ``k=``)."""
    params = sorted((str(k), '' if v is None else str(v)) for k, v in pairs)
    return '&'.join('%s=%s' % (_encode(k), _encode(v)) for k, v in params)


def host_of(url):
    parts = urlsplit(url)
    host = parts.hostname or ''
    if ':' in host:
        host = '[%s]' % host
    port = parts.port
    if port and not ((parts.scheme == 'https' and port == 443) or (parts.scheme == 'http' and port == 80)):
        host = '%s:%d' % (host, port)
    return host


def sign(method, url, headers, body, ak, sk, when):
    """Return a copy of ``headers`` with ``X-Sdk-Date``, ``Host`` and ``Authorization`` added.

    ``url`` carries the query string exactly as it will be sent; ``when`` is a naive-UTC or
    aware datetime. Every header in ``headers`` whose name has no underscore is signed, as the
    SDK does, so pass only the headers that are sent as given (Content-Type, X-Project-Id...).
    """
    out = dict(headers or {})
    lower = dict((k.lower(), k) for k in out)
    if 'x-sdk-date' not in lower:
        out['X-Sdk-Date'] = when.strftime(DATE_FORMAT)
    if 'host' not in lower:
        out['Host'] = host_of(url)
    values = {}
    for key, value in out.items():
        values[key.lower()] = str(value).strip()
    signed = sorted(k for k in values if '_' not in k and k != 'authorization')

    parts = urlsplit(url)
    payload = _to_bytes(body)
    if not payload:
        payload_hash = EMPTY_HASH
    else:
        payload_hash = values.get('x-sdk-content-sha256') or hashlib.sha256(payload).hexdigest()
    canonical = '\n'.join([
        method.upper(),
        canonical_uri(parts.path),
        canonical_query(parse_qsl(parts.query, keep_blank_values=True)),
        ''.join('%s:%s\n' % (k, values[k]) for k in signed),
        ';'.join(signed),
        payload_hash,
    ])
    string_to_sign = '\n'.join([
        ALGORITHM, values['x-sdk-date'], hashlib.sha256(canonical.encode('utf-8')).hexdigest()])
    signature = hmac.new(sk.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    out['Authorization'] = '%s Access=%s, SignedHeaders=%s, Signature=%s' % (
        ALGORITHM, ak, ';'.join(signed), signature)
    return out
