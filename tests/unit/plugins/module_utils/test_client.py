# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest
import requests

from ansible_collections.dataprotection.evs.plugins.module_utils import client as client_mod
from ansible_collections.dataprotection.evs.plugins.module_utils.client import (
    Client, RetryPolicy, catalog_endpoint, parse_error_body, parse_retry_after, template_endpoint)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import (
    CloudError, ConfigError, LostAnswerError)
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import (
    EVS_URL, IAM, PROJECT_ID, TOKEN, FakeResponse, ScriptedSession, password_settings, token_response)


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def make_client(answers, settings=None, rng=None, **kwargs):
    session = ScriptedSession(answers)
    sleeps = Sleeps()
    client = Client(settings or password_settings(), session=session, sleeper=sleeps,
                    rng=rng or (lambda: 0.5), **kwargs)
    return client, session, sleeps


# ------------------------------------------------------------------ auth
def test_password_auth_once_and_token_reused():
    client, session, sleeps = make_client([
        token_response(), FakeResponse(200, {'volumes': []}), FakeResponse(200, {'snapshots': []})])
    client.get('volumev2', '/volumes/detail')
    client.get('volumev2', '/snapshots/detail')
    auth, first, second = session.requests
    assert auth.url == IAM + '/auth/tokens'
    user = auth.body['auth']['identity']['password']['user']
    assert user == {'name': 'alice', 'password': 'pa55word-secret', 'domain': {'name': 'OTC-DOMAIN'}}
    assert auth.body['auth']['scope'] == {'project': {'name': 'eu-de', 'domain': {'name': 'OTC-DOMAIN'}}}
    assert first.url == EVS_URL + '/volumes/detail'
    assert first.headers['X-Auth-Token'] == TOKEN and second.headers['X-Auth-Token'] == TOKEN
    assert client.project_id == PROJECT_ID


def test_password_auth_by_user_id_and_project_id():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'user_id': 'uid', 'password': 'pw123456', 'project_id': 'p1'}
    client, session, sleeps = make_client([token_response(), FakeResponse(200, {})], settings)
    client.get('volumev2', '/volumes')
    body = session.requests[0].body['auth']
    assert body['identity']['password']['user'] == {'id': 'uid', 'password': 'pw123456'}
    assert body['scope'] == {'project': {'id': 'p1'}}


def test_token_auth_rescopes_with_token_method():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'token': 'existing-token-abc', 'project_id': 'p1'}
    client, session, sleeps = make_client([token_response(), FakeResponse(200, {})], settings)
    client.get('volumev2', '/volumes')
    assert session.requests[0].body['auth']['identity'] == {'methods': ['token'], 'token': {'id': 'existing-token-abc'}}


def test_expired_token_is_renewed_once():
    client, session, sleeps = make_client([
        token_response(), FakeResponse(401, {'error_code': 'APIGW.0301', 'error_msg': 'expired'}),
        token_response(), FakeResponse(200, {'volumes': []})])
    assert client.get('volumev2', '/volumes/detail') == {'volumes': []}
    assert [r.path for r in session.requests].count('/v3/auth/tokens') == 2


def test_wrong_password_is_a_clear_error_without_secret():
    client, session, sleeps = make_client([FakeResponse(401, {'error': {
        'code': 401, 'title': 'Unauthorized', 'message': 'bad password pa55word-secret'}})])
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.status == 401 and info.value.code == 'Unauthorized'
    assert 'pa55word-secret' not in str(info.value) and 'pa55word-secret' not in repr(info.value)
    assert 'pa55word-secret' not in repr(client)


def test_aksk_discovers_project_and_catalog_signed():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': 'AKEXAMPLE', 'sk': 'SKEXAMPLE-secret', 'project_name': 'eu-de'}
    catalog = {'catalog': [{'type': 'volumev2', 'endpoints': [
        {'interface': 'public', 'region': 'eu-de', 'url': EVS_URL}]}]}
    client, session, sleeps = make_client([
        FakeResponse(200, {'projects': [{'id': PROJECT_ID, 'name': 'eu-de'}]}),
        FakeResponse(200, catalog), FakeResponse(200, {'volumes': []})], settings)
    client.get('volumev2', '/volumes/detail')
    projects, cat, volumes = session.requests
    assert projects.url == IAM + '/projects?name=eu-de'
    assert cat.url == IAM + '/auth/catalog'
    for req in (projects, cat, volumes):
        assert req.headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=')
        assert 'X-Auth-Token' not in req.headers
    assert volumes.headers['X-Project-Id'] == PROJECT_ID
    assert 'x-project-id' in volumes.headers['Authorization']
    assert volumes.url == EVS_URL + '/volumes/detail'


def test_aksk_with_project_id_and_no_catalog_uses_template():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': 'AK', 'sk': 'SKSECRET', 'project_id': 'p1'}
    client, session, sleeps = make_client([FakeResponse(404, {'error': {'code': 404, 'message': 'no'}}),
                                           FakeResponse(200, {})], settings)
    client.get('volumev2', '/volumes')
    assert session.requests[1].url == 'https://evs.eu-de.otc.t-systems.com/v2/p1/volumes'


def test_get_or_none_is_none_only_for_a_missing_resource():
    client, session, sleeps = make_client([
        token_response(), FakeResponse(200, {'volume': {'id': 'v1'}}),
        FakeResponse(404, {'itemNotFound': {'message': 'Volume v2 could not be found.', 'code': 404}}),
        FakeResponse(400, {'error': {'code': 'EVS.1002', 'message': 'invalid volume id!'}})])
    assert client.get_or_none('volumev2', '/volumes/v1', 'volume') == {'id': 'v1'}
    assert client.get_or_none('volumev2', '/volumes/v2', 'volume') is None
    with pytest.raises(CloudError) as caught:
        client.get_or_none('volumev2', '/volumes/bad', 'volume')
    assert caught.value.code == 'EVS.1002'


def test_aksk_refused_signature_is_an_error_not_a_template_fallback():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': 'AK', 'sk': 'SK-WRONG-secret', 'project_id': 'p1'}
    refused = {'error_msg': 'Incorrect IAM authentication information: verify aksk signature fail',
               'error_code': 'APIGW.0301'}
    client, session, sleeps = make_client([FakeResponse(401, refused)], settings)
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert caught.value.status == 401
    assert caught.value.code == 'APIGW.0301'
    assert len(session.requests) == 1
    assert 'SK-WRONG-secret' not in str(caught.value)


# ------------------------------------------------------------ endpoints
def test_endpoint_order_override_then_catalog_then_template():
    settings = password_settings(endpoints={'volumev3': 'http://override/v3/{project_id}'})
    client, session, sleeps = make_client([token_response()], settings)
    assert client.endpoint('volumev3') == 'http://override/v3/' + PROJECT_ID
    assert client.endpoint('volumev2') == EVS_URL                        # catalog
    assert client.endpoint('evs') == EVS_URL                             # alias of volumev2 in the catalog
    assert client.endpoint('cbr') == 'https://cbr.eu-de.otc.t-systems.com/v3/' + PROJECT_ID  # template
    assert len(session.requests) == 1


def test_override_without_project_needs_no_auth():
    settings = password_settings(endpoints={'volumev2': 'http://override/v2/p'})
    client, session, sleeps = make_client([], settings)
    assert client.endpoint('volumev2') == 'http://override/v2/p'
    assert session.requests == []


def test_catalog_matches_region_and_public_interface():
    catalog = [{'type': 'volumev2', 'endpoints': [
        {'interface': 'internal', 'region': 'eu-de', 'url': 'internal'},
        {'interface': 'public', 'region': 'eu-nl', 'url': 'nl'},
        {'interface': 'public', 'region': 'eu-de', 'url': 'de'}]}]
    assert catalog_endpoint(catalog, 'volumev2', 'eu-de') == 'de'
    assert catalog_endpoint(catalog, 'volumev2', 'eu-nl') == 'nl'
    assert catalog_endpoint(catalog, 'volumev2', 'eu-ch2') is None
    assert catalog_endpoint(catalog, 'volumev2', 'eu-de', 'internal') == 'internal'
    assert catalog_endpoint(catalog, 'volumev2', 'eu-de', 'admin') is None


def test_huawei_cloud_endpoints_follow_its_iam_host():
    settings = password_settings(region='ap-southeast-3')
    settings['auth'] = {'auth_url': 'https://iam.ap-southeast-3.myhuaweicloud.com/v3', 'ak': 'AKHW0001',
                        'sk': 'Sk-Hw-0001', 'project_id': 'p'}
    client = Client(settings, session=ScriptedSession([FakeResponse(403, {'error_msg': 'no catalog'})]))
    assert client.endpoint('volumev2') == 'https://evs.ap-southeast-3.myhuaweicloud.com/v2/p'
    assert client.endpoint('cbr') == 'https://cbr.ap-southeast-3.myhuaweicloud.com/v3/p'
    assert template_endpoint('identity', 'eu-ch2', None, client_mod.HUAWEI_DOMAIN) == (
        'https://iam.eu-ch2.myhuaweicloud.com/v3')


def test_templates_and_eu_ch2():
    assert template_endpoint('volumev2', 'eu-de', 'p') == 'https://evs.eu-de.otc.t-systems.com/v2/p'
    assert template_endpoint('sdrs', 'eu-ch2', 'p') == 'https://sdrs.eu-ch2.sc.otc.t-systems.com/v1/p'
    assert template_endpoint('identity', 'eu-ch2', None) == 'https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3'
    assert template_endpoint('identity', 'eu-nl', None) == 'https://iam.eu-nl.otc.t-systems.com/v3'
    assert template_endpoint('unknown', 'eu-de', 'p') is None
    assert template_endpoint('volumev2', 'eu-de', None) is None


def test_missing_endpoint_is_config_error():
    settings = password_settings(region=None)
    client, session, sleeps = make_client([token_response(catalog=[])], settings)
    with pytest.raises(ConfigError, match="no endpoint for service 'cbr'"):
        client.endpoint('cbr')


# -------------------------------------------------------------- retries
def test_429_honours_retry_after_then_succeeds():
    client, session, sleeps = make_client([
        token_response(),
        FakeResponse(429, {'error_code': 'APIGW.0308', 'error_msg': 'The request is throttled.'}, {'Retry-After': '7'}),
        FakeResponse(200, {'ok': 1})])
    assert client.get('volumev2', '/volumes') == {'ok': 1}
    assert sleeps == [7.0]


def test_5xx_retried_with_exponential_full_jitter():
    answers = [token_response()] + [FakeResponse(503, {'error': {'code': 'EVS.2002', 'message': 'busy'}})] * 3
    answers.append(FakeResponse(200, {}))
    client, session, sleeps = make_client(answers, rng=lambda: 1.0)
    client.get('volumev2', '/volumes')
    assert sleeps == [1.0, 2.0, 4.0]  # rng=1: the full cap of each step


def test_jitter_uses_rng_between_zero_and_cap():
    policy = RetryPolicy(base_delay=1, max_delay=20)
    assert policy.delay(1, lambda: 0.0) == 0.0
    assert policy.delay(3, lambda: 0.5) == 2.0
    assert policy.delay(10, lambda: 1.0) == 20  # capped
    assert policy.delay(1, lambda: 0.5, retry_after=500) == 120  # Retry-After bounded too


def test_retries_are_bounded_and_counted():
    answers = [token_response()] + [FakeResponse(500, {'error': {'code': 'EVS.2002', 'message': 'internal'}})] * 5
    client, session, sleeps = make_client(answers)
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.attempts == 5 and info.value.code == 'EVS.2002'
    assert 'after 5 attempts' in str(info.value)
    assert len(sleeps) == 4 and len(session.requests) == 6


def test_connection_error_retried_for_get():
    client, session, sleeps = make_client([token_response(), requests.exceptions.ConnectionError('reset by peer'),
                                           FakeResponse(200, {'a': 1})])
    assert client.get('volumev2', '/volumes') == {'a': 1}
    assert len(sleeps) == 1


def test_4xx_not_retried():
    client, session, sleeps = make_client([token_response(), FakeResponse(400, {'error': {
        'code': 'EVS.1010', 'message': 'invalid size'}})])
    with pytest.raises(CloudError) as info:
        client.post('volumev2', '/volumes', {'volume': {}})
    assert info.value.code == 'EVS.1010' and sleeps == []


def test_post_lost_answer_without_recover_is_surfaced():
    client, session, sleeps = make_client([token_response(), requests.exceptions.ReadTimeout('read timed out')])
    with pytest.raises(LostAnswerError) as info:
        client.post('volumev2', '/snapshots', {'snapshot': {}})
    assert 'may have carried it out' in info.value.message
    assert len(session.requests) == 2  # never re-sent blindly


def test_post_lost_answer_recovered_by_lookup():
    client, session, sleeps = make_client([token_response(), FakeResponse(504, text='gateway timeout')])
    answer = client.request('POST', 'volumev2', '/snapshots', json_body={'snapshot': {}},
                            recover=lambda: {'snapshot': {'id': 's1'}})
    assert answer.recovered and answer.body == {'snapshot': {'id': 's1'}}
    assert len(session.requests) == 2


def test_post_lost_answer_not_found_then_retried():
    lookups = []
    client, session, sleeps = make_client([token_response(), requests.exceptions.ConnectionError('aborted'),
                                           FakeResponse(202, {'snapshot': {'id': 's2'}})])
    body = client.post('volumev2', '/snapshots', {'snapshot': {}}, recover=lambda: lookups.append(1))
    assert body == {'snapshot': {'id': 's2'}} and lookups == [1]


def test_post_429_retried_blindly():
    client, session, sleeps = make_client([token_response(), FakeResponse(429, {}, {'Retry-After': '1'}),
                                           FakeResponse(202, {'snapshot': {'id': 's3'}})])
    assert client.post('volumev2', '/snapshots', {'snapshot': {}})['snapshot']['id'] == 's3'


def test_never_sent_post_is_retried():
    client, session, sleeps = make_client([token_response(), requests.exceptions.ConnectTimeout('connect timeout'),
                                           FakeResponse(202, {'x': 1})])
    assert client.post('volumev2', '/snapshots', {}) == {'x': 1}


def test_parse_retry_after():
    now = datetime.datetime(2026, 11, 25, 10, 0, 0, tzinfo=client_mod.UTC)
    assert parse_retry_after('3', now) == 3.0
    assert parse_retry_after('Wed, 25 Nov 2026 10:00:30 GMT', now) == 30.0
    assert parse_retry_after('garbage', now) is None
    assert parse_retry_after(None, now) is None


# --------------------------------------------------------------- paging
def test_paginate_links_follows_marker():
    page1 = FakeResponse(200, {'volumes': [{'id': 'a'}, {'id': 'b'}], 'volumes_links': [
        {'rel': 'next', 'href': 'https://elsewhere/v2/p/volumes/detail?limit=2&marker=b'}]})
    page2 = FakeResponse(200, {'volumes': [{'id': 'c'}]})
    client, session, sleeps = make_client([token_response(), page1, page2])
    items = list(client.paginate_links('volumev2', '/volumes/detail', 'volumes', {'name': 'x'}, limit=2))
    assert [i['id'] for i in items] == ['a', 'b', 'c']
    assert session.requests[2].url == EVS_URL + '/volumes/detail?limit=2&marker=b&name=x'


def test_paginate_offset_uses_count():
    client, session, sleeps = make_client([
        token_response(),
        FakeResponse(200, {'backups': [{'id': 1}, {'id': 2}], 'count': 3}),
        FakeResponse(200, {'backups': [{'id': 3}], 'count': 3})])
    items = list(client.paginate_offset('cbr', '/backups', 'backups', limit=2))
    assert [i['id'] for i in items] == [1, 2, 3]
    assert session.requests[2].params == {'limit': '2', 'offset': '2'}


# --------------------------------------------------------------- errors
@pytest.mark.parametrize('body,expected', [
    ({'error': {'code': 401, 'title': 'Unauthorized', 'message': 'needs auth'}}, ('Unauthorized', 'needs auth', None)),
    ({'badRequest': {'message': 'Invalid input', 'code': 400}}, ('badRequest', 'Invalid input', None)),
    ({'itemNotFound': {'message': 'Volume x could not be found.', 'code': 404}},
     ('itemNotFound', 'Volume x could not be found.', None)),
    ({'overLimit': {'message': 'quota', 'code': '413', 'retryAfter': '0'}}, ('overLimit', 'quota', None)),
    ({'error': {'code': 'EVS.1046', 'message': 'wrong status'}}, ('EVS.1046', 'wrong status', None)),
    ({'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information', 'request_id': 'r1'},
     ('APIGW.0301', 'Incorrect IAM authentication information', 'r1')),
    ({'unexpected': 1, 'shape': 2}, (None, None, None)),
    ('text', (None, None, None)),
])
def test_error_body_shapes(body, expected):
    assert parse_error_body(body) == expected


def test_error_request_id_from_header_and_operation():
    client, session, sleeps = make_client([token_response(), FakeResponse(
        404, {'itemNotFound': {'message': 'Volume v could not be found.', 'code': 404}},
        {'X-Openstack-Request-Id': 'req-123'})])
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes/v')
    error = info.value
    assert error.not_found and error.request_id == 'req-123'
    assert error.operation == 'GET volumev2 /volumes/v'
    assert error.to_dict() == {'status': 404, 'code': 'itemNotFound',
                               'message': 'Volume v could not be found.', 'request_id': 'req-123'}


def test_non_json_error_body():
    client, session, sleeps = make_client([token_response(), FakeResponse(400, text='<html>Bad gateway</html>')])
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.message == '<html>Bad gateway</html>'


def test_token_never_in_error():
    client, session, sleeps = make_client([token_response(), FakeResponse(400, {'error': {
        'code': 'EVS.0002', 'message': 'invalid token %s' % TOKEN}})])
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    assert TOKEN not in str(info.value.to_dict())


def test_aksk_secret_never_in_error():
    settings = password_settings()
    settings['auth'] = {'ak': 'AK', 'sk': 'SK-very-secret', 'project_id': 'p1'}
    settings['endpoints'] = {'volumev2': 'https://evs.test/v2/p1'}
    client, session, sleeps = make_client([FakeResponse(401, {'error_msg': 'bad signature for SK-very-secret',
                                                              'error_code': 'APIGW.0301'})], settings)
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert 'SK-very-secret' not in str(info.value)
    assert 'SK-very-secret' not in repr(client)


# ---------------------------------------------------------------- clock
def test_cloud_now_from_date_header():
    ticks = [100.0]
    client, session, sleeps = make_client([token_response(), FakeResponse(200, {})], monotonic=lambda: ticks[0])
    client.get('volumev2', '/volumes')
    ticks[0] = 160.0
    assert client.cloud_now() == datetime.datetime(2026, 11, 25, 10, 1, 0, tzinfo=client_mod.UTC)


def test_cloud_now_before_any_answer_is_local_utc():
    client, session, sleeps = make_client([], utcnow=lambda: datetime.datetime(2030, 1, 1, tzinfo=client_mod.UTC))
    assert client.cloud_now().year == 2030


def test_unresolvable_host_fails_at_once():
    client, session, sleeps = make_client([token_response(), requests.exceptions.ConnectionError(
        "Failed to resolve 'evs.nowhere' ([Errno -2] Name or service not known)")])
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.code == 'NameResolutionError' and sleeps == []


def test_tls_settings_reach_the_session():
    assert Client(password_settings(validate_certs=False)).session.verify is False
    assert Client(password_settings(ca_cert='/etc/ssl/ca.pem')).session.verify == '/etc/ssl/ca.pem'
    assert Client(password_settings()).session.verify is True
