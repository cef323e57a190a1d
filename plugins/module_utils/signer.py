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


# --- the client's AK/SK paths (``Client`` imports this module only for AK/SK)
def discover_project_and_catalog(client):
    """An AK/SK client's project (by name, when only a name or the region is given) and the
    service catalog (when IAM gives one to AK/SK callers; else the endpoint template serves)."""
    from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ConfigError
    if not client._project_id:
        name = client.auth.get('project_name') or client.region
        if not name:
            raise ConfigError('AK/SK authentication needs auth.project_id, auth.project_name or region')
        answer = client._send('GET', client._auth_url() + '/projects', params={'name': name},
                              operation='look up project %s' % name)
        projects = (answer.body or {}).get('projects') or []
        if len(projects) != 1:
            raise ConfigError("project '%s' not found for this AK/SK (%d matches)" % (name, len(projects)))
        client._project_id = projects[0]['id']
    client._catalog = []
    if client.auth.get('auth_url'):
        try:
            answer = client._send('GET', client._auth_url() + '/auth/catalog', operation='read the catalog')
            client._catalog = (answer.body or {}).get('catalog') or []
        except CloudError as exc:
            # 403/404: this IAM does not give AK/SK callers a catalog, so the endpoint
            # template serves. 401 is the signature itself being refused: wrong ak/sk.
            if exc.status not in (403, 404):
                raise


def refused_signature(client, sdk_date, cloud_date, message):
    """The message of a 401 to a signed request: the clock when its X-Sdk-Date lies outside the
    gateway's window, else the key."""
    return clock_skew(client.auth['ak'], sdk_date, cloud_date, message) or refused_key(client, message)


def refused_key(client, message):
    """A refused signature names the access key id (never the secret key) and where it came
    from, so that a user with several keys sees which one is wrong; the gateway's reason
    (OTC API Gateway FAQ "Common Errors Related to IAM Authentication Information") says
    which of the two is wrong."""
    auth = client.auth
    source = client.settings.get('source', 'the module options')
    reason = (message or '').lower()
    if 'ak not exist' in reason or 'get secretkey failed' in reason:
        return ('the cloud does not know access key id %s (from %s): check ak (a typo, or a key that was '
                'deleted or belongs to another account) (the cloud said: %s)' % (auth['ak'], source, message))
    if 'verify aksk signature fail' in reason and not auth.get('security_token'):
        return ('the cloud knows access key id %s (from %s) but refused its signature: the secret key does '
                'not belong to it; check sk (the cloud said: %s)' % (auth['ak'], source, message))
    return ('the cloud refused the AK/SK signature of access key id %s (from %s): %s; check ak and sk%s'
            % (auth['ak'], source, message,
               ' and security_token (temporary credentials expire)' if auth.get('security_token') else ''))


def clock_skew(access_key, sdk_date, cloud_date, message):
    """The message for a signature refused because its X-Sdk-Date lies outside the gateway's
    window, by the answer's Date (or, without one, the cloud's "signature expired"); None for
    any other 401. The cloud's own words do not say that only this machine's clock can fix it,
    and "signature expired" also means expired temporary credentials."""
    import datetime
    from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, _http_date
    try:
        signed_at = datetime.datetime.strptime(sdk_date or '', DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    cloud_time = _http_date(cloud_date)
    if cloud_time is not None:
        if abs((signed_at - cloud_time).total_seconds()) <= MAX_CLOCK_SKEW:
            return None
    elif 'signature expired' not in (message or '').lower():
        return None
    return clock_skew_message(access_key, signed_at, cloud_time, MAX_CLOCK_SKEW, message)


def _duration(seconds):
    """``2h 0m 5s``, ``16m 0s``, ``42s``: whole seconds, largest unit first."""
    hours, rest = divmod(int(abs(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = (['%dh' % hours] if hours else []) + (['%dm' % minutes] if hours or minutes else []) + ['%ds' % seconds]
    return ' '.join(parts)


def clock_skew_message(access_key, signed_at, cloud_time, allowed, cloud_message=None):
    """Why the cloud refused an AK/SK signature whose time is outside its window, in the user's terms.

    ``signed_at`` (the X-Sdk-Date sent) and ``cloud_time`` (the answer's Date; None when unknown)
    are aware datetimes, ``allowed`` the window in seconds. Names the access key id, never the
    secret key."""
    text = "the cloud refused the AK/SK signature of access key id %s because of the clock: " % access_key
    stamp = '%Y-%m-%dT%H:%M:%SZ'
    if cloud_time is None:
        text += 'the request was signed at %s by this machine\'s clock' % signed_at.strftime(stamp)
    else:
        skew = (signed_at - cloud_time).total_seconds()
        text += ("this machine's clock is %s %s the cloud's (signed at %s, X-Sdk-Date; the cloud's time %s)"
                 % (_duration(skew), 'ahead of' if skew > 0 else 'behind', signed_at.strftime(stamp),
                    cloud_time.strftime(stamp)))
    window = '%d minutes' % (allowed // 60) if allowed % 60 == 0 else _duration(allowed)
    text += ("; the API gateway accepts a signature only within %s of its own time (clock skew). Set this "
             "machine's clock right (NTP) and run again" % window)
    if cloud_message:
        text += ' (the cloud said: %s)' % cloud_message
    return text
