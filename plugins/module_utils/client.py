# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP client for every module: auth, endpoints, retries, paging, errors, the cloud's clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import email.utils
import importlib.util
import json
import random
import re
import sys
import threading
import time

try:
    from urllib.parse import urlsplit, parse_qsl, urlencode
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, parse_qsl  # type: ignore
    from urllib import urlencode  # type: ignore

# requests is imported for the first change (or proxied request) only: reads go through
# lean_http, so a run with nothing to change never pays for importing it
try:
    HAS_REQUESTS = importlib.util.find_spec('requests') is not None
    REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else ImportError('No module named requests')
except (ImportError, ValueError) as exc:  # pragma: no cover - depends on the host
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible.module_utils.common.warnings import warn

from ansible_collections.dataprotection.evs.plugins.module_utils import lean_http
from ansible_collections.dataprotection.evs.plugins.module_utils.config import auth_method, secrets_of
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import refuse_sent
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import (
    CloudError, ConfigError, LostAnswerError, redact)

IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])
# statuses after which a non-idempotent request was certainly not carried out
REFUSED_STATUSES = frozenset([429, 503])
USER_AGENT = 'dataprotection.evs'

# service type -> (host service name, path prefix after the host); used when neither
# ``endpoints`` nor the catalog names the service
ENDPOINT_TEMPLATES = {
    'identity': ('iam', '/v3'),
    'volumev2': ('evs', '/v2/{project_id}'),
    'volumev3': ('evs', '/v3/{project_id}'),
    'evs': ('evs', '/v2/{project_id}'),
    'vbsv2': ('vbs', '/v2/{project_id}'),
    'volume-backup': ('vbs', '/v2'),
    'cbr': ('cbr', '/v3/{project_id}'),
    'sdrs': ('sdrs', '/v1/{project_id}'),
    'compute': ('ecs', '/v2.1/{project_id}'),
    'ecs': ('ecs', '/v1/{project_id}'),
}
# a catalog entry of one of these types serves the other as well
SERVICE_ALIASES = {'volumev2': ('evs',), 'evs': ('volumev2',)}


OTC_DOMAIN = 'otc.t-systems.com'
# Huawei Cloud's hosts: {service}.{region}.myhuaweicloud.com (its "Regions and Endpoints" page)
HUAWEI_DOMAIN = 'myhuaweicloud.com'


def cloud_domain(auth_url):
    """The cloud whose host scheme builds missing endpoints: Huawei Cloud when the IAM URL is
    one of its hosts, else Open Telekom Cloud."""
    host = (urlsplit(auth_url).hostname or '') if auth_url else ''
    return HUAWEI_DOMAIN if host == HUAWEI_DOMAIN or host.endswith('.' + HUAWEI_DOMAIN) else OTC_DOMAIN


def cloud_host(service, region, domain=OTC_DOMAIN):
    """Host of ``service`` in ``region`` (OTC's eu-ch2 has its own scheme)."""
    if domain == OTC_DOMAIN and region == 'eu-ch2':
        if service == 'iam':
            return 'iam-pub.eu-ch2.sc.otc.t-systems.com'
        return '%s.eu-ch2.sc.otc.t-systems.com' % service
    return '%s.%s.%s' % (service, region, domain)


def template_endpoint(service_type, region, project_id, domain=OTC_DOMAIN):
    if service_type not in ENDPOINT_TEMPLATES or not region:
        return None
    host_service, prefix = ENDPOINT_TEMPLATES[service_type]
    if '{project_id}' in prefix and not project_id:
        return None
    return 'https://%s%s' % (cloud_host(host_service, region, domain), prefix.format(project_id=project_id))


def catalog_endpoint(catalog, service_type, region, interface='public'):
    """URL of ``service_type`` for ``interface`` in the Keystone catalog (matching region when given)."""
    for wanted in (service_type,) + SERVICE_ALIASES.get(service_type, ()):
        for entry in catalog or ():
            if entry.get('type') != wanted:
                continue
            candidates = [e for e in entry.get('endpoints') or () if e.get('interface', 'public') == interface]
            for endpoint in candidates:
                if not region or region in (endpoint.get('region'), endpoint.get('region_id')):
                    return endpoint.get('url')
    return None


def parse_error_body(body):
    """(code, message, request_id) from any of the cloud's error body shapes."""
    if not isinstance(body, dict):
        return None, None, None
    if 'error_code' in body or 'error_msg' in body:  # API gateway / IAM
        return body.get('error_code'), body.get('error_msg'), body.get('request_id')
    error = body.get('error')
    if isinstance(error, dict):  # Keystone {code,title,message} or EVS {code:"EVS.x",message}
        code = error.get('code')
        if isinstance(code, int) or code is None:
            code = error.get('title') or code
        return code, error.get('message'), error.get('request_id')
    if isinstance(error, str):
        return None, error, None
    if len(body) == 1:  # Cinder/Nova fault wrapper {"itemNotFound": {"message", "code"}}
        name, fault = list(body.items())[0]
        if isinstance(fault, dict) and 'message' in fault:
            code = fault.get('code')
            if code is None or isinstance(code, int) or str(code).isdigit():
                code = name
            return code, fault.get('message'), None
    return None, None, None


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unusable."""
    if value in (None, ''):
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        pass
    when = _http_date(value)
    if when is None:
        return None
    now = now or datetime.datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class _UTC(datetime.tzinfo):
    def utcoffset(self, dt):
        return datetime.timedelta(0)

    def tzname(self, dt):
        return 'UTC'

    def dst(self, dt):
        return datetime.timedelta(0)


UTC = getattr(datetime, 'timezone', None) and datetime.timezone.utc or _UTC()


class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter (delay = U(0, min(cap, base*2^n)))."""

    def __init__(self, max_attempts=5, base_delay=1.0, max_delay=20.0, max_retry_after=120.0):
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    def delay(self, attempt, rng, retry_after=None):
        """Delay before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return rng() * min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))


class Answer:
    """A decoded answer: status, headers, body (parsed JSON or None)."""

    def __init__(self, status, headers, body, recovered=False):
        self.status = status
        self.headers = headers
        self.body = body
        self.recovered = recovered

    def __repr__(self):
        return 'Answer(status=%r, recovered=%r)' % (self.status, self.recovered)


class CloudClock:
    """The cloud's time as its answers tell it: the Date of the last one plus the (monotonic) time
    since; before any answer, this machine's UTC time."""

    def __init__(self, monotonic, utcnow):
        self.monotonic = monotonic
        self.utcnow = utcnow
        #: (the last answer's Date, the monotonic time it came), one tuple: threads replace it whole
        self._last = None

    def remember(self, headers):
        when = _http_date(headers.get('Date') if headers else None)
        if when is None:
            return
        self._last = (when, self.monotonic())

    @property
    def answered(self):
        """Whether an answer told the cloud's time (else ``now`` is this machine's)."""
        return self._last is not None

    def now(self):
        last = self._last
        if last is None:
            return self.utcnow()
        date, at = last
        return date + datetime.timedelta(seconds=max(0.0, self.monotonic() - at))


class Client:
    """A session against one cloud, built from the settings that ``config.resolve_settings`` made.

    ``session`` (a requests.Session or a fake with ``request()``), ``sleeper``, ``rng`` and
    ``monotonic`` can be injected for tests.

    Threads may share a client (the batch engine sends its changes a few at a time): the counts,
    the token (renewed once when the cloud refuses it, whichever thread sees that first) and the
    cloud's clock are kept under a lock, and a throttled request (429, 503 with Retry-After)
    holds back every thread's next request until its wait is over, so that a throttling cloud
    is not hammered by the others meanwhile. ``concurrent`` says whether the session may be
    used by several threads at once: the client's own ``Transport`` may; an injected session
    only when it says so (``thread_safe = True``).
    """

    def __init__(self, settings, session=None, sleeper=None, rng=None, monotonic=None,
                 retry=None, utcnow=None, token_cache=None, clock=None):
        self.settings = settings
        #: a token_cache.TokenCache shared by the tasks of a run (None: a token per client)
        self.token_cache = token_cache
        self.auth = dict(settings.get('auth') or {})
        self.method = auth_method(self.auth, settings.get('auth_type'))
        self.region = settings.get('region')
        self.interface = settings.get('interface') or 'public'
        self.domain = cloud_domain(self.auth.get('auth_url'))
        self.overrides = dict(settings.get('endpoints') or {})
        self.timeout = settings.get('timeout') or 30
        self.retry = retry or RetryPolicy()
        self._secrets = secrets_of(settings)
        #: keyword arguments of every request of our own session
        self._request_options = {}
        #: the insecure-TLS warning goes out once per client (one task), not per request
        self._warned_insecure = False
        if session is None:
            if not HAS_REQUESTS:
                raise ConfigError('the python library requests is needed')
            # validate_certs: false wins over a ca_cert (as in openstacksdk: cacert only
            # matters when verifying); per request: a REQUESTS_CA_BUNDLE in the environment
            # would otherwise win over the session's ca_cert / validate_certs
            self._request_options['verify'] = (settings.get('ca_cert') or True) if settings.get(
                'validate_certs', True) else False
            session = Transport(self._request_options['verify'])
        self.session = session
        self.sleep = time.sleep if sleeper is None else sleeper
        self.rng = random.random if rng is None else rng
        self.monotonic = time.monotonic if monotonic is None else monotonic
        self.utcnow = (lambda: datetime.datetime.now(UTC)) if utcnow is None else utcnow
        self._token = None
        #: the cache file the token in use came from (dropped when the cloud refuses it)
        self._cached_key = None
        self._catalog = None
        self._project_id = self.auth.get('project_id')
        self._endpoint_cache = {}
        #: the cloud's time by the Date of the last answer, shared with this client's siblings in
        #: other regions (``client_for_region``): whichever of them answered last tells it
        self.clock = CloudClock(self.monotonic, self.utcnow) if clock is None else clock
        #: the counts and the token change under this lock (RLock: logging in sends a request)
        self._lock = threading.RLock()
        #: what each thread of this client did (``recovered_here``)
        self._thread = threading.local()
        #: (monotonic time, thread): no other thread sends before that time (a throttled answer)
        self._held_back = (0.0, None)
        self.request_count = 0
        #: answered changes (non-GET requests the cloud accepted, or found carried out)
        self.changes = 0
        #: changes whose answer was lost and that a look-up found carried out: what was found may
        #: be another run's resource, so it is never taken for one this run made
        self.recovered = 0

    @property
    def concurrent(self):
        """Whether several threads may send through this client's session at once."""
        return bool(getattr(self.session, 'thread_safe', False))

    def recovered_here(self):
        """``recovered`` counted in the calling thread only: what one thread's change found
        after a lost answer, whatever the other threads meanwhile recovered."""
        return getattr(self._thread, 'recovered', 0)

    def __repr__(self):
        return 'Client(auth_url=%r, method=%r, region=%r, project_id=%r)' % (
            self.auth.get('auth_url'), self.method, self.region, self._project_id)

    # ----------------------------------------------------------------- clock
    def cloud_now(self):
        """The cloud's current time (aware UTC): the last answer's Date plus the time since."""
        return self.clock.now()

    def _remember_date(self, headers):
        self.clock.remember(headers)

    # ----------------------------------------------------------------- auth
    @property
    def project_id(self):
        if not self._project_id:
            self.authenticate()
        return self._project_id

    def _auth_url(self):
        url = self.auth.get('auth_url')
        if not url:
            url = self.overrides.get('identity') or template_endpoint('identity', self.region, None, self.domain)
        if not url:
            raise ConfigError('no auth_url and no region to derive the IAM endpoint from')
        url = url.rstrip('/')
        if not url.endswith('/v3'):
            url += '/v3'
        return url

    def _project_scope(self):
        if self.auth.get('project_id'):
            return {'project': {'id': self.auth['project_id']}}
        name = self.auth.get('project_name') or self.region
        if not name:
            return None
        project = {'name': name}
        domain = self.auth.get('project_domain_name') or self.auth.get('user_domain_name') or self.auth.get('domain')
        if domain:
            project['domain'] = {'name': domain}
        return {'project': project}

    def authenticate(self):
        """Obtain the token (password/token) or the project and catalog (AK/SK), once per run."""
        with self._lock:
            self._authenticate()

    def _renew_token(self, refused):
        """The cloud refused token ``refused``: log in again, unless another thread already
        replaced it (then its new token is used)."""
        with self._lock:
            if self._token == refused:
                self._token = None
                if self._cached_key:
                    self.token_cache.discard(self._cached_key)
                    self._cached_key = None
            self._authenticate()

    def _authenticate(self):
        if self.method == 'aksk':
            if self._catalog is None:
                # imported by the AK/SK paths only (as the signer, which it is part of)
                from ansible_collections.dataprotection.evs.plugins.module_utils import signer
                signer.discover_project_and_catalog(self)
            return
        if self._token:
            return
        identity = self._identity()
        body = {'auth': {'identity': identity}}
        scope = self._project_scope()
        if scope:
            body['auth']['scope'] = scope
        cache_key = self._cache_key(identity, scope)
        if cache_key and self._use_cached(cache_key):
            return
        # imported only when a token is requested: a task whose token is cached does not load it
        from ansible_collections.dataprotection.evs.plugins.module_utils import login
        login.log_in(self, body, cache_key)

    def _identity(self):
        auth = self.auth
        if self.method == 'password':
            user = {'password': auth['password']}
            if auth.get('user_id'):
                user['id'] = auth['user_id']
            else:
                user['name'] = auth['username']
                user['domain'] = {'name': auth.get('user_domain_name') or auth.get('domain')}
            return {'methods': ['password'], 'password': {'user': user}}
        return {'methods': ['token'], 'token': {'id': auth['token']}}

    def _cache_key(self, identity, scope):
        """The cache file of this identity: everything the token request sends (the password or
        the given token included), so only the same credentials find it."""
        if self.token_cache is None:
            return None
        return self.token_cache.key([self._auth_url(), identity, scope])

    def _use_cached(self, cache_key):
        entry = self.token_cache.load(cache_key)
        if entry is None:
            return False
        self._token = entry['token']
        self._secrets.append(self._token)
        self._catalog = entry.get('catalog') or []
        self._project_id = entry.get('project_id') or self._project_id
        self._cached_key = cache_key
        return True

    def _auth_headers(self, method, url, headers, body):
        if self.method == 'aksk':
            # imported by the AK/SK paths only: the module process of a token or password task
            # does not load it
            from ansible_collections.dataprotection.evs.plugins.module_utils import signer
            headers = dict(headers)
            if self._project_id:
                headers['X-Project-Id'] = self._project_id
            if self.auth.get('security_token'):
                # temporary AK/SK: valid only with the token they were issued with, which is
                # sent and signed as X-Security-Token (Huawei SDK core signer)
                headers['X-Security-Token'] = self.auth['security_token']
            return signer.sign(method, url, headers, body, self.auth['ak'], self.auth['sk'], self.utcnow())
        if self._token:
            headers = dict(headers)
            headers['X-Auth-Token'] = self._token
        return headers

    # ------------------------------------------------------------- endpoints
    def endpoint(self, service_type):
        """Base URL of a service: ``endpoints`` option, else the catalog, else the template."""
        if service_type in self._endpoint_cache:
            return self._endpoint_cache[service_type]
        url = self.overrides.get(service_type)
        if url:
            if '{project_id}' in url or '$(tenant_id)s' in url or '%(tenant_id)s' in url:
                pid = self.project_id
                url = url.replace('{project_id}', pid).replace('$(tenant_id)s', pid).replace('%(tenant_id)s', pid)
        else:
            self.authenticate()
            url = catalog_endpoint(self._catalog, service_type, self.region, self.interface)
            if not url:
                url = template_endpoint(service_type, self.region, self._project_id, self.domain)
        if not url:
            raise ConfigError("no endpoint for service '%s': it is not in the catalog, no region "
                              "to build it from, and not in the endpoints option" % service_type)
        url = url.rstrip('/')
        self._endpoint_cache[service_type] = url
        return url

    # -------------------------------------------------------------- requests
    def _error_from(self, response, operation, attempts, sent=None):
        """The CloudError of a refused request; ``sent``: the headers it was sent with."""
        try:
            body = response.json()
        except ValueError:
            body = None
        code, message, request_id = parse_error_body(body)
        if message is None:
            text = (getattr(response, 'text', '') or '').strip()
            message = text[:300] if text else getattr(response, 'reason', None)
        headers = response.headers or {}
        request_id = (request_id or headers.get('X-Request-Id') or headers.get('X-Openstack-Request-Id')
                      or headers.get('X-Compute-Request-Id'))
        if response.status_code == 401 and self.method == 'aksk' and sent:
            from ansible_collections.dataprotection.evs.plugins.module_utils import signer
            message = signer.refused_signature(self, sent.get('X-Sdk-Date'), headers.get('Date'), message)
        return CloudError(response.status_code, redact(code, self._secrets), redact(message, self._secrets),
                          request_id=request_id, operation=operation, attempts=attempts)

    def _send(self, method, url, params=None, json_body=None, operation=None, authenticated=True,
              ok=None, idempotent=None, recover=None, headers=None):
        """Send with retries. Returns an Answer; raises CloudError (or LostAnswerError)."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        operation = operation or '%s %s' % (method, urlsplit(url).path)
        if params:
            query = urlencode([(k, v) for k, v in sorted(params.items()) if v is not None], doseq=True)
            if query:
                url = url + ('&' if '?' in url else '?') + query
        body = json.dumps(json_body) if json_body is not None else None
        refuse_sent(method, url, body)
        base_headers = {'Accept': 'application/json'}
        if body is not None:
            base_headers['Content-Type'] = 'application/json'
        base_headers.update(headers or {})
        attempt = 0
        reauthenticated = False
        while True:
            attempt += 1
            self._wait_if_held_back()
            token = self._token
            send_headers = self._auth_headers(method, url, base_headers, body) if authenticated else base_headers
            send_headers['User-Agent'] = USER_AGENT
            with self._lock:
                self.request_count += 1
            self._warn_insecure(url)
            try:
                response = self.session.request(method, url, data=body, headers=send_headers,
                                                timeout=self.timeout, allow_redirects=False,
                                                **self._request_options)
            except Exception as exc:  # requests' ConnectionError/Timeout and friends
                if not _is_transport_error(exc):
                    raise
                never_sent = _never_sent(exc)
                message = redact('%s: %s' % (type(exc).__name__, exc), self._secrets)
                if _certificate_refused(exc):  # a certificate does not heal by retrying
                    raise CloudError(None, 'CertificateError', _certificate_message(url, message),
                                     operation=operation, attempts=attempt)
                if _unresolvable(exc):  # a wrong host name does not heal by retrying
                    raise CloudError(None, 'NameResolutionError', message, operation=operation, attempts=attempt)
                if not (idempotent or never_sent):
                    recovered = self._recover(recover, operation, message, attempt)
                    if recovered is not None:
                        return recovered
                if attempt >= self.retry.max_attempts:
                    raise CloudError(None, 'ConnectionError', message, operation=operation, attempts=attempt)
                self.sleep(self.retry.delay(attempt, self.rng))
                continue
            self._remember_date(response.headers)
            status = response.status_code
            if ok is None and 200 <= status < 300 or ok is not None and status in ok:
                if authenticated and method not in ('GET', 'HEAD') and status < 300:
                    with self._lock:
                        self.changes += 1
                return Answer(status, response.headers, _json_or_none(response))
            if status == 401 and authenticated and self.method != 'aksk' and not reauthenticated:
                # the token may have expired during a long wait: get a new one once
                reauthenticated = True
                self._renew_token(token)
                attempt -= 1
                continue
            retryable = status in RETRY_STATUSES
            if retryable and not idempotent and status not in REFUSED_STATUSES:
                error = self._error_from(response, operation, attempt)
                recovered = self._recover(recover, operation, error.message, attempt, error)
                if recovered is not None:
                    return recovered
            if not retryable or attempt >= self.retry.max_attempts:
                raise self._error_from(response, operation, attempt, send_headers)
            retry_after = parse_retry_after(response.headers.get('Retry-After'), self.cloud_now())
            delay = self.retry.delay(attempt, self.rng, retry_after)
            if status in REFUSED_STATUSES:
                self._hold_back(delay)
            self.sleep(delay)

    def _hold_back(self, delay):
        """The cloud throttled this thread's request: the other threads send nothing for ``delay``
        seconds either (this thread sleeps that long itself)."""
        with self._lock:
            until = self.monotonic() + delay
            if until > self._held_back[0]:
                self._held_back = (until, threading.current_thread())

    def _wait_if_held_back(self):
        until, holder = self._held_back
        if holder is None or holder is threading.current_thread():
            return
        left = until - self.monotonic()
        if left > 0:
            self.sleep(left)

    def _warn_insecure(self, url):
        if self._warned_insecure or self._request_options.get('verify') is not False:
            return
        if not url.lower().startswith('https:'):
            return
        self._warned_insecure = True
        warn('validate_certs is false: the TLS certificate of %s is not verified, so anyone on the '
             'network path could read or change the requests; set ca_cert to the CA that signed it '
             'instead' % urlsplit(url).netloc)

    def _recover(self, recover, operation, message, attempt, error=None):
        """A non-idempotent request's answer is lost. Ask ``recover`` (look the resource up):
        a result means it was carried out; None means it was not, so retrying is safe."""
        if recover is None:
            status = error.status if error else None
            raise LostAnswerError(status, error.code if error else 'LostAnswer',
                                  'the answer was lost, the cloud may have carried it out: %s' % message,
                                  request_id=error.request_id if error else None,
                                  operation=operation, attempts=attempt)
        found = recover()
        if found is not None:
            with self._lock:
                self.changes += 1
                self.recovered += 1
            self._thread.recovered = self.recovered_here() + 1
            return Answer(None, {}, found, recovered=True)
        return None

    def request(self, method, service_type, path, params=None, json_body=None, ok=None,
                idempotent=None, recover=None, operation=None):
        """Send ``method`` to ``path`` under ``service_type``'s endpoint; returns an Answer.

        ``recover``: for non-idempotent requests (POST) a callable that looks the target up
        again after a lost answer and returns the body the request would have answered (or None
        when it was not carried out, so the request is retried). Without it a lost answer
        raises LostAnswerError.
        """
        try:
            url = self.endpoint(service_type) + path
            operation = operation or '%s %s %s' % (method.upper(), service_type, path)
            return self._send(method, url, params=params, json_body=json_body, operation=operation, ok=ok,
                              idempotent=idempotent, recover=recover)
        except CloudError as exc:
            raise self._in_region(exc)

    def request_url(self, method, url, params=None, json_body=None, ok=None, idempotent=None, recover=None,
                    operation=None):
        """``request`` for a full URL outside every catalog base (the VBS jobs under ``/v1`` next to
        its v2 API): logs in first when needed, then the same auth headers, retries, lost-answer
        recovery and errors."""
        try:
            self.authenticate()
            operation = operation or '%s %s' % (method.upper(), urlsplit(url).path)
            return self._send(method, url, params=params, json_body=json_body, operation=operation, ok=ok,
                              idempotent=idempotent, recover=recover)
        except CloudError as exc:
            raise self._in_region(exc)

    def _in_region(self, error):
        if error.region is None:
            error.region = self.region
        return error

    def get(self, service_type, path, params=None, **kwargs):
        return self.request('GET', service_type, path, params=params, **kwargs).body

    def get_or_none(self, service_type, path, key):
        """``body[key]`` of a GET of one resource, or None when the cloud answers that it does not exist."""
        try:
            return self.get(service_type, path)[key]
        except CloudError as exc:
            if exc.not_found:
                return None
            raise

    def post(self, service_type, path, json_body=None, **kwargs):
        return self.request('POST', service_type, path, json_body=json_body, **kwargs).body

    def put(self, service_type, path, json_body=None, **kwargs):
        return self.request('PUT', service_type, path, json_body=json_body, **kwargs).body

    def delete(self, service_type, path, params=None, **kwargs):
        return self.request('DELETE', service_type, path, params=params, **kwargs).body

    # ---------------------------------------------------------------- paging
    def paginate_links(self, service_type, path, key, params=None, limit=None):
        """Items of a Cinder-style list, following ``<key>_links`` rel=next (marker paging)."""
        params = dict(params or {})
        if limit:
            params['limit'] = limit
        seen = set()
        while True:
            body = self.get(service_type, path, params=params) or {}
            yield from body.get(key) or []
            next_params = None
            for link in body.get(key + '_links') or []:
                if link.get('rel') == 'next' and link.get('href'):
                    next_params = dict(parse_qsl(urlsplit(link['href']).query))
            if not next_params or not next_params.get('marker') or next_params['marker'] in seen:
                return
            seen.add(next_params['marker'])
            params.update(next_params)

    def paginate_offset(self, service_type, path, key, params=None, limit=100):
        """Items of a limit/offset list that reports the total in ``count`` (CBR, SDRS)."""
        params = dict(params or {})
        offset = int(params.pop('offset', 0) or 0)
        while True:
            params.update({'limit': limit, 'offset': offset})
            body = self.get(service_type, path, params=params) or {}
            items = body.get(key) or []
            yield from items
            offset += len(items)
            count = body.get('count')
            if not items or (count is not None and offset >= int(count)) or (count is None and len(items) < limit):
                return


def _http_date(value):
    """An HTTP date header as an aware datetime; None when missing or unreadable."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _requests():
    import requests
    return requests


class Transport:
    """The client's own HTTP: reads through lean_http (no import of requests), everything else
    through a requests session made at the first request that needs one. Each thread has its
    own sessions (and so its own connections): neither http.client's connections nor a requests
    session promise to serve two threads at once."""

    #: several threads may send at once (``Client.concurrent``)
    thread_safe = True

    def __init__(self, verify):
        self.verify = verify
        self.lean_usable = lean_http.usable()
        self._local = threading.local()

    @property
    def lean(self):
        if not self.lean_usable:
            return None
        if getattr(self._local, 'lean', None) is None:
            self._local.lean = lean_http.LeanSession()
        return self._local.lean

    @property
    def _session(self):
        """This thread's requests session (None until a change needed one)."""
        return getattr(self._local, 'session', None)

    @property
    def full(self):
        if self._session is None:
            requests = _requests()
            session = requests.Session()
            session.verify = self.verify
            if self.verify is False:
                # warned once by Client._warn_insecure, not by urllib3 per request
                requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
            self._local.session = session
        return self._session

    def request(self, method, url, **kwargs):
        if self.lean_usable and method.upper() in lean_http.READ_METHODS:
            return self.lean.request(method, url, **kwargs)
        return self.full.request(method, url, **kwargs)


def _json_or_none(response):
    if not getattr(response, 'content', None):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _requests_if_imported():
    """requests when this process imported it (else no exception can be one of its own)."""
    return sys.modules.get('requests')


def _is_transport_error(exc):
    requests = _requests_if_imported()
    if requests is not None and isinstance(exc, requests.exceptions.RequestException):
        return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                                requests.exceptions.ChunkedEncodingError))
    return isinstance(exc, (IOError, OSError))


def _certificate_refused(exc):
    text = str(exc)
    return 'CERTIFICATE_VERIFY_FAILED' in text or 'certificate verify failed' in text


def _certificate_message(url, message):
    reason = re.search(r'certificate verify failed: ([^()\'"]+)', message)
    return ('the TLS certificate of %s could not be verified (%s); set ca_cert (or the clouds.yaml '
            'cacert, or OS_CACERT) to the CA bundle that signed it, or validate_certs: false to skip '
            'the check' % (urlsplit(url).netloc, reason.group(1).strip() if reason else message))


def _unresolvable(exc):
    text = str(exc)
    return ('NameResolutionError' in text or 'Failed to resolve' in text or 'Name or service not known' in text
            or 'nodename nor servname' in text)


def _never_sent(exc):
    """True when the request certainly did not reach the server (connect phase failed)."""
    requests = _requests_if_imported()
    if requests is not None:
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return True
        if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(exc, requests.exceptions.ReadTimeout):
            text = str(exc)
            return 'NewConnectionError' in text or 'Failed to establish' in text or 'Name or service' in text
    return isinstance(exc, ConnectionRefusedError)


def client_for_region(client, region, project_id=None, endpoints=None):
    """A client of the same user, HTTP session and settings, acting in its project of ``region``
    (``project_id``, else the project named after the region, as the cloud names them). The
    ``endpoints`` overrides of the source region are not carried over: they name its hosts. The
    two share the cloud's clock: an answer in either region tells the time to both."""
    settings = dict(client.settings)
    auth = dict((k, v) for k, v in (settings.get('auth') or {}).items() if k not in ('project_id', 'project_name'))
    if project_id:
        auth['project_id'] = project_id
    else:
        auth['project_name'] = region
    identity = (settings.get('endpoints') or {}).get('identity')
    settings.update(auth=auth, region=region, endpoints=dict(endpoints or {}))
    if identity and 'identity' not in settings['endpoints']:
        settings['endpoints']['identity'] = identity
    sibling = type(client)(settings, session=client.session, sleeper=client.sleep, rng=client.rng,
                           monotonic=client.monotonic, retry=client.retry, utcnow=client.utcnow,
                           token_cache=client.token_cache, clock=client.clock)
    # the session's TLS settings win over REQUESTS_CA_BUNDLE for this client too
    sibling._request_options = dict(client._request_options)
    return sibling
