# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import client as client_mod
from ansible_collections.dataprotection.evs.plugins.module_utils.client import (
    Client, RetryPolicy, catalog_endpoint, parse_error_body, parse_retry_after, template_endpoint)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import (
    CloudError, ConfigError, LostAnswerError)
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    DOMAIN, IAM, PASSWORD, gateway_answer, password_settings)

# the emulator's seeded tenant (its default config): user alice, AK/SK, project eu-de
USER_ID = '0a1a00000000000000000000000000a1'
AK, SK = 'AKALICE0000000000001', 'skAlice000000000000000000000000000000001'
PROJECT_ID = '0a1a0000000000000000000000000a01'
EVS_URL = 'http://emulator.test/evs/v2/' + PROJECT_ID
NOW_HERE = datetime.datetime(2026, 11, 25, 9, 0, 0, tzinfo=client_mod.UTC)  # this machine's clock, 1 h behind


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def make_client(cloud):
    def make(settings=None, rng=None, **kwargs):
        sleeps = Sleeps()
        kwargs.setdefault('utcnow', cloud.utcnow)
        client = Client(settings or password_settings(), session=cloud, sleeper=sleeps,
                        rng=rng or (lambda: 0.5), **kwargs)
        return client, cloud, sleeps
    return make


def aksk_settings(**auth):
    settings = password_settings()
    settings['auth'] = dict({'auth_url': IAM, 'ak': AK, 'sk': SK}, **auth)
    return settings


# ------------------------------------------------------------------ auth
def test_password_auth_once_and_token_reused(make_client):
    client, session, sleeps = make_client()
    client.get('volumev2', '/volumes/detail')
    client.get('volumev2', '/snapshots/detail')
    auth, first, second = session.requests
    assert auth.url == IAM + '/auth/tokens'
    user = auth.body['auth']['identity']['password']['user']
    assert user == {'name': 'alice', 'password': PASSWORD, 'domain': {'name': DOMAIN}}
    assert auth.body['auth']['scope'] == {'project': {'name': 'eu-de', 'domain': {'name': DOMAIN}}}
    assert first.url == EVS_URL + '/volumes/detail'
    token = first.headers['X-Auth-Token']
    assert token.startswith('MII') and second.headers['X-Auth-Token'] == token
    assert client.project_id == PROJECT_ID
    assert [r['status'] for r in session.logged()] == [201, 200, 200]


def test_password_auth_by_user_id_and_project_id(make_client):
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'user_id': USER_ID, 'password': PASSWORD, 'project_id': PROJECT_ID}
    client, session, sleeps = make_client(settings)
    client.get('volumev2', '/volumes')
    body = session.requests[0].body['auth']
    assert body['identity']['password']['user'] == {'id': USER_ID, 'password': PASSWORD}
    assert body['scope'] == {'project': {'id': PROJECT_ID}}


def test_token_auth_rescopes_with_token_method(make_client, cloud):
    cloud.call('GET', '/evs/v2/{pid}/volumes')
    existing = cloud._token
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'token': existing, 'project_id': PROJECT_ID}
    client, session, sleeps = make_client(settings)
    client.get('volumev2', '/volumes')
    assert session.requests[0].body['auth']['identity'] == {'methods': ['token'], 'token': {'id': existing}}
    assert session.logged()[-1]['status'] == 200


def test_expired_token_is_renewed_once(make_client, cloud):
    client, session, sleeps = make_client()
    client.get('volumev2', '/volumes/detail')
    cloud.advance(cloud.emu.config.data['token_lifetime_seconds'] + 1)
    assert client.get('volumev2', '/volumes/detail') == {'volumes': []}
    assert [r.path for r in session.requests].count('/identity/v3/auth/tokens') == 2
    assert [r['status'] for r in session.logged()] == [201, 200, 401, 201, 200]


def test_wrong_password_is_a_clear_error_without_secret(make_client):
    settings = password_settings()
    settings['auth']['password'] = 'pa55word-secret'
    client, session, sleeps = make_client(settings)
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.status == 401 and info.value.code == 'Unauthorized'
    assert 'pa55word-secret' not in str(info.value) and 'pa55word-secret' not in repr(info.value)
    assert 'pa55word-secret' not in repr(client)


def test_aksk_discovers_project_and_catalog_signed(make_client):
    client, session, sleeps = make_client(aksk_settings(project_name='eu-de'))
    client.get('volumev2', '/volumes/detail')
    projects, cat, volumes = session.requests
    assert projects.url == IAM + '/projects?name=eu-de'
    assert cat.url == IAM + '/auth/catalog'
    for req in (projects, cat, volumes):
        assert req.headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=%s, SignedHeaders=' % AK)
        assert 'X-Auth-Token' not in req.headers
    assert volumes.headers['X-Project-Id'] == PROJECT_ID
    assert 'x-project-id' in volumes.headers['Authorization']
    assert volumes.url == EVS_URL + '/volumes/detail'
    assert [r['status'] for r in session.logged()] == [200, 200, 200]  # the cloud verified every signature


def test_aksk_with_project_id_and_no_catalog_uses_template(make_client, cloud):
    cloud.add_fault(method='GET', path='/auth/catalog$', status=404, count=1,
                    body={'error': {'code': 404, 'message': 'no'}})
    client, session, sleeps = make_client(aksk_settings(project_id=PROJECT_ID))
    with pytest.raises(CloudError):  # the template's host is the real cloud's, which the test cannot reach
        client.get('volumev2', '/volumes')
    assert session.requests[1].url == 'https://evs.eu-de.otc.t-systems.com/v2/%s/volumes' % PROJECT_ID


def test_get_or_none_is_none_only_for_a_missing_resource(make_client, cloud):
    volume = cloud.add_volume('v1')
    # a gateway that checks the id's form refuses a malformed one (400), unlike a missing one (404)
    cloud.add_fault(method='GET', path='/volumes/bad$', status=400,
                    body={'error': {'code': 'EVS.1002', 'message': 'invalid volume id!'}})
    client, session, sleeps = make_client()
    assert client.get_or_none('volumev2', '/volumes/%s' % volume['id'], 'volume')['id'] == volume['id']
    assert client.get_or_none('volumev2', '/volumes/v2', 'volume') is None
    with pytest.raises(CloudError) as caught:
        client.get_or_none('volumev2', '/volumes/bad', 'volume')
    assert caught.value.code == 'EVS.1002'


def test_aksk_refused_signature_is_an_error_not_a_template_fallback(make_client):
    client, session, sleeps = make_client(aksk_settings(sk='SK-WRONG-secret', project_id=PROJECT_ID))
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert caught.value.status == 401
    assert caught.value.code == 'APIGW.0301'
    assert len(session.requests) == 1
    assert 'SK-WRONG-secret' not in str(caught.value)


# ------------------------------------------------------------ endpoints
def test_endpoint_order_override_then_catalog_then_template(make_client):
    settings = password_settings(endpoints={'volumev3': 'http://override/v3/{project_id}'})
    client, session, sleeps = make_client(settings)
    assert client.endpoint('volumev3') == 'http://override/v3/' + PROJECT_ID
    assert client.endpoint('volumev2') == EVS_URL                        # catalog
    assert client.endpoint('evs') == EVS_URL                             # catalog (its own entry or the alias)
    catalog_types = set(e['type'] for e in client._catalog)
    missing = [t for t in ('vbsv2', 'volume-backup', 'cbr', 'sdrs', 'compute', 'ecs') if t not in catalog_types]
    assert missing, catalog_types  # a service the catalog does not list...
    assert client.endpoint(missing[0]).startswith('https://') and 'otc.t-systems.com' in client.endpoint(missing[0])
    assert len(session.requests) == 1                                    # ...comes from the template


def test_override_without_project_needs_no_auth(make_client):
    settings = password_settings(endpoints={'volumev2': 'http://override/v2/p'})
    client, session, sleeps = make_client(settings)
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


def test_huawei_cloud_endpoints_follow_its_iam_host(make_client, cloud):
    cloud.hosts.add('iam.ap-southeast-3.myhuaweicloud.com')  # the emulator answers as that IAM, refusing the catalog
    cloud.add_fault(method='GET', path='/auth/catalog$', status=403, body={'error_msg': 'no catalog'})
    settings = password_settings(region='ap-southeast-3')
    settings['auth'] = {'auth_url': 'https://iam.ap-southeast-3.myhuaweicloud.com/v3', 'ak': 'AKHW0001',
                        'sk': 'Sk-Hw-0001', 'project_id': 'p'}
    client, session, sleeps = make_client(settings)
    assert client.endpoint('volumev2') == 'https://evs.ap-southeast-3.myhuaweicloud.com/v2/p'
    assert client.endpoint('cbr') == 'https://cbr.ap-southeast-3.myhuaweicloud.com/v3/p'
    assert [r.url for r in session.requests] == ['https://iam.ap-southeast-3.myhuaweicloud.com/v3/auth/catalog']
    assert template_endpoint('identity', 'eu-ch2', None, client_mod.HUAWEI_DOMAIN) == (
        'https://iam.eu-ch2.myhuaweicloud.com/v3')


def test_templates_and_eu_ch2():
    assert template_endpoint('volumev2', 'eu-de', 'p') == 'https://evs.eu-de.otc.t-systems.com/v2/p'
    assert template_endpoint('sdrs', 'eu-ch2', 'p') == 'https://sdrs.eu-ch2.sc.otc.t-systems.com/v1/p'
    assert template_endpoint('identity', 'eu-ch2', None) == 'https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3'
    assert template_endpoint('identity', 'eu-nl', None) == 'https://iam.eu-nl.otc.t-systems.com/v3'
    assert template_endpoint('unknown', 'eu-de', 'p') is None
    assert template_endpoint('volumev2', 'eu-de', None) is None


def test_missing_endpoint_is_config_error(make_client):
    client, session, sleeps = make_client(password_settings(region=None))
    with pytest.raises(ConfigError, match="no endpoint for service 'kms'"):  # in no catalog, no template
        client.endpoint('kms')


# -------------------------------------------------------------- retries
def test_429_honours_retry_after_then_succeeds(make_client, cloud):
    cloud.add_fault(method='GET', path='/volumes$', status=429, retry_after=7, count=1)
    client, session, sleeps = make_client()
    assert client.get('volumev2', '/volumes') == {'volumes': []}
    assert sleeps == [7.0]
    assert [r['status'] for r in session.logged(path='/volumes$')] == [429, 200]


def test_5xx_retried_with_exponential_full_jitter(make_client, cloud):
    cloud.add_fault(method='GET', path='/volumes$', status=503, count=3,
                    body={'error': {'code': 'EVS.2002', 'message': 'busy'}})
    client, session, sleeps = make_client(rng=lambda: 1.0)
    client.get('volumev2', '/volumes')
    assert sleeps == [1.0, 2.0, 4.0]  # rng=1: the full cap of each step


def test_jitter_uses_rng_between_zero_and_cap():
    policy = RetryPolicy(base_delay=1, max_delay=20)
    assert policy.delay(1, lambda: 0.0) == 0.0
    assert policy.delay(3, lambda: 0.5) == 2.0
    assert policy.delay(10, lambda: 1.0) == 20  # capped
    assert policy.delay(1, lambda: 0.5, retry_after=500) == 120  # Retry-After bounded too


def test_retries_are_bounded_and_counted(make_client, cloud):
    cloud.add_fault(method='GET', path='/volumes$', status=500,
                    body={'error': {'code': 'EVS.2002', 'message': 'internal'}})
    client, session, sleeps = make_client()
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.attempts == 5 and info.value.code == 'EVS.2002'
    assert 'after 5 attempts' in str(info.value)
    assert len(sleeps) == 4 and len(session.requests) == 6


def test_connection_error_retried_for_get(make_client, cloud):
    cloud.add_fault(method='GET', path='/volumes$', drop=True, count=1)
    client, session, sleeps = make_client()
    assert client.get('volumev2', '/volumes') == {'volumes': []}
    assert len(sleeps) == 1 and [r['status'] for r in cloud.logged(path='/volumes$')] == [0, 200]


def test_4xx_not_retried(make_client):
    client, session, sleeps = make_client()
    with pytest.raises(CloudError) as info:
        client.post('volumev2', '/volumes', {'volume': {'availability_zone': 'eu-de-01'}})
    assert info.value.code == 'EVS.1010' and sleeps == []
    assert len(session.mutating) == 1


def snapshot_of(cloud):
    return {'snapshot': {'volume_id': cloud.add_volume('db01')['id'], 'name': 'daily'}}


def test_post_lost_answer_without_recover_is_surfaced(make_client, cloud):
    body = snapshot_of(cloud)
    cloud.add_fault(method='POST', path='/snapshots$', drop_answer=True, count=1)
    client, session, sleeps = make_client()
    with pytest.raises(LostAnswerError) as info:
        client.post('volumev2', '/snapshots', body)
    assert 'may have carried it out' in info.value.message
    assert len(session.requests) == 2  # never re-sent blindly
    assert [s['name'] for s in cloud.snapshots()] == ['daily']  # and the cloud did carry it out
    assert [r['status'] for r in cloud.logged(path='/snapshots$')] == [0]  # no answer sent


def test_post_lost_answer_recovered_by_lookup(make_client, cloud, monkeypatch):
    body = snapshot_of(cloud)
    gateway_answer(cloud, monkeypatch, 'POST', '/snapshots', 504, 'gateway timeout')
    client, session, sleeps = make_client()
    answer = client.request('POST', 'volumev2', '/snapshots', json_body=body,
                            recover=lambda: {'snapshot': cloud.snapshots()[0]})
    assert answer.recovered and answer.body['snapshot']['name'] == 'daily'
    assert len(session.requests) == 2


def test_post_lost_answer_not_found_then_retried(make_client, cloud):
    body = snapshot_of(cloud)
    cloud.add_fault(method='POST', path='/snapshots$', drop=True, count=1)  # lost before the cloud saw it
    lookups = []
    client, session, sleeps = make_client()
    created = client.post('volumev2', '/snapshots', body, recover=lambda: lookups.append(1))
    assert created['snapshot']['name'] == 'daily' and lookups == [1]
    assert [s['id'] for s in cloud.snapshots()] == [created['snapshot']['id']]
    assert [r['status'] for r in cloud.logged(path='/snapshots$')] == [0, 202]


def test_post_429_retried_blindly(make_client, cloud):
    body = snapshot_of(cloud)
    cloud.add_fault(method='POST', path='/snapshots$', status=429, retry_after=1, count=1)
    client, session, sleeps = make_client()
    assert client.post('volumev2', '/snapshots', body)['snapshot']['name'] == 'daily'
    assert len(cloud.snapshots()) == 1


def test_never_sent_post_is_retried(make_client, cloud):
    body = snapshot_of(cloud)
    client, session, sleeps = make_client()
    client.endpoint('volumev2')
    cloud.connect_failures = 1
    assert client.post('volumev2', '/snapshots', body)['snapshot']['name'] == 'daily'
    assert len([r for r in session.mutating if r.path.endswith('/snapshots')]) == 2
    assert len(cloud.snapshots()) == 1


def test_parse_retry_after():
    now = datetime.datetime(2026, 11, 25, 10, 0, 0, tzinfo=client_mod.UTC)
    assert parse_retry_after('3', now) == 3.0
    assert parse_retry_after('Wed, 25 Nov 2026 10:00:30 GMT', now) == 30.0
    assert parse_retry_after('garbage', now) is None
    assert parse_retry_after(None, now) is None


# --------------------------------------------------------------- paging
def test_paginate_links_follows_marker(make_client, cloud):
    made = [cloud.add_volume('x')['id'] for index in range(3)]
    cloud.add_volume('y')
    client, session, sleeps = make_client()
    items = list(client.paginate_links('volumev2', '/volumes/detail', 'volumes', {'name': 'x'}, limit=2))
    assert [i['id'] for i in items] == made[::-1]  # newest first
    assert session.requests[2].url == EVS_URL + '/volumes/detail?limit=2&marker=%s&name=x' % made[1]
    assert len(session.requests) == 3


def test_paginate_offset_uses_count(make_client, cloud):
    made = [cloud.add_volume('d%d' % i)['id'] for i in range(3)]
    client, session, sleeps = make_client()
    items = list(client.paginate_offset('evs', '/cloudvolumes/detail', 'volumes', limit=2))
    assert sorted(i['id'] for i in items) == sorted(made)
    assert session.requests[2].params == {'limit': '2', 'offset': '2'}
    assert len(session.requests) == 3  # the count (3) says the second page is the last


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


def test_error_request_id_from_header_and_operation(make_client, cloud):
    client, session, sleeps = make_client()
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes/v')
    error = info.value
    (logged,) = cloud.logged(path='/volumes/v$')
    assert error.not_found and error.request_id == logged['request_id']
    assert error.operation == 'GET volumev2 /volumes/v'
    assert error.to_dict() == {'status': 404, 'code': 'itemNotFound',
                               'message': 'Volume v could not be found.', 'request_id': logged['request_id']}


def test_non_json_error_body(make_client, cloud, monkeypatch):
    gateway_answer(cloud, monkeypatch, 'GET', '/volumes', 400, '<html>Bad gateway</html>')
    client, session, sleeps = make_client()
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.message == '<html>Bad gateway</html>'


def test_token_never_in_error(make_client, cloud):
    client, session, sleeps = make_client()
    client.get('volumev2', '/volumes')
    token = session.requests[-1].headers['X-Auth-Token']
    cloud.add_fault(method='GET', path='/volumes$', status=400, body={'error': {
        'code': 'EVS.0002', 'message': 'invalid token %s' % token}})
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.code == 'EVS.0002'
    assert token not in str(info.value) and token not in repr(info.value)
    assert token not in str(info.value.to_dict())


def test_aksk_secret_never_in_error(make_client, cloud):
    settings = password_settings()
    settings['auth'] = {'ak': AK, 'sk': SK, 'project_id': PROJECT_ID}
    settings['endpoints'] = {'volumev2': EVS_URL}
    cloud.add_fault(method='GET', path='/volumes$', status=401,
                    body={'error_msg': 'bad signature for %s' % SK, 'error_code': 'APIGW.0301'})
    client, session, sleeps = make_client(settings)
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.code == 'APIGW.0301'
    assert SK not in str(info.value)
    assert SK not in repr(client)


# ---------------------------------------------------------------- clock
def test_cloud_now_from_date_header(make_client, cloud):
    ticks = [100.0]
    client, session, sleeps = make_client(monotonic=lambda: ticks[0], utcnow=lambda: NOW_HERE)
    client.get('volumev2', '/volumes')
    ticks[0] = 160.0
    assert client.cloud_now() == datetime.datetime(2026, 11, 25, 10, 1, 0, tzinfo=client_mod.UTC)


def test_cloud_now_before_any_answer_is_local_utc(make_client):
    client, session, sleeps = make_client(utcnow=lambda: datetime.datetime(2030, 1, 1, tzinfo=client_mod.UTC))
    assert client.cloud_now().year == 2030


def test_unresolvable_host_fails_at_once(make_client):
    client, session, sleeps = make_client(password_settings(endpoints={'volumev2': 'https://evs.nowhere/v2/p'}))
    with pytest.raises(CloudError) as info:
        client.get('volumev2', '/volumes')
    assert info.value.code == 'NameResolutionError' and sleeps == []
    assert "Failed to resolve 'evs.nowhere'" in info.value.message


def test_tls_settings_reach_the_session():
    assert Client(password_settings(validate_certs=False)).session.verify is False
    assert Client(password_settings(ca_cert='/etc/ssl/ca.pem')).session.verify == '/etc/ssl/ca.pem'
    assert Client(password_settings()).session.verify is True


def test_a_client_of_another_region_tells_the_cloud_time_to_its_origin(make_client, cloud):
    ticks = [100.0]
    client, session, sleeps = make_client(monotonic=lambda: ticks[0], utcnow=lambda: NOW_HERE)
    sibling = client_mod.client_for_region(client, 'eu-de', PROJECT_ID)
    sibling.get('volumev2', '/volumes')  # only the sibling was answered
    ticks[0] = 160.0
    assert client.cloud_now() == sibling.cloud_now() == datetime.datetime(2026, 11, 25, 10, 1, 0, tzinfo=client_mod.UTC)
