# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A refused AK/SK signature is explained as clock skew only when the clock is the cause: the
answer's Date lies outside the gateway's window from the X-Sdk-Date sent (or, without a Date,
the cloud says the signature expired). The real emulator with a skewed clock is
tests/reliability/test_clock_skew.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    IAM, gateway_answer, password_settings)

SIGNED_AT = datetime.datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)  # this machine's clock; the emulator starts here
AK, SK = 'AKALICE0000000000001', 'skAlice000000000000000000000000000000001'
PROJECT_ID = '0a1a0000000000000000000000000a01'
EXPIRED = {'error_code': 'APIGW.0301', 'request_id': 'r1', 'error_msg': 'Incorrect IAM authentication information: '
           'calc ak sk signature fail:signature expired, signature time:20261125T100000Z,server time:20261125T120005Z'}
WRONG = {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information: verify aksk signature fail'}


def aksk_settings(**extra):
    settings = password_settings()
    settings['auth'] = dict({'auth_url': IAM, 'ak': AK, 'sk': SK, 'project_id': PROJECT_ID}, **extra)
    return settings


@pytest.fixture
def failure(cloud):
    """The CloudError of a signed request made at SIGNED_AT by this machine's clock, the cloud's
    clock ``cloud_ahead`` seconds ahead; ``refusal``: a refusal worded another way (a fault)."""
    def fail(cloud_ahead, refusal=None, settings=None):
        cloud.advance(cloud_ahead)
        if refusal is not None:
            cloud.add_fault(status=401, body=refusal)
        client = Client(settings or aksk_settings(), session=cloud, sleeper=lambda s: None,
                        utcnow=lambda: SIGNED_AT)
        with pytest.raises(CloudError) as caught:
            client.get('volumev2', '/volumes')
        assert SK not in str(caught.value) and SK not in repr(caught.value)
        return caught.value
    return fail


@pytest.mark.parametrize('ahead,words', [
    (7205, "this machine's clock is 2h 0m 5s behind the cloud's (signed at "
           "2026-11-25T10:00:00Z, X-Sdk-Date; the cloud's time 2026-11-25T12:00:05Z)"),
    (-901, "this machine's clock is 15m 1s ahead of the cloud's"),
])
def test_a_date_outside_the_window_names_the_skew_the_window_and_the_access_key(cloud, failure, ahead, words):
    error = failure(ahead)
    assert words in error.message
    assert 'within 15 minutes of its own time (clock skew)' in error.message
    assert 'access key id %s' % AK in error.message
    (refused,) = cloud.logged()
    assert '(the cloud said: Incorrect IAM authentication information: calc ak sk signature fail:signature ' \
           'expired, signature time:20261125T100000Z' in error.message
    assert (error.status, error.code, error.request_id) == (401, 'APIGW.0301', refused['request_id'])


def test_any_refusal_while_the_clock_is_off_names_the_clock(failure):
    # a gateway that words it differently: its Date alone shows the cause
    error = failure(1800, WRONG)
    assert "this machine's clock is 30m 0s behind the cloud's" in error.message


@pytest.mark.parametrize('body', [EXPIRED, WRONG])
def test_within_the_window_the_clock_is_not_blamed(failure, body):
    # "signature expired" with the clocks in step: expired temporary credentials, not skew
    error = failure(900, body)
    assert error.message.startswith(('the cloud refused the AK/SK signature of access key id %s ' % AK,
                                     'the cloud knows access key id %s ' % AK))
    assert body['error_msg'] in error.message and 'clock' not in error.message


def test_without_a_date_the_clouds_signature_expired_still_names_the_clock(cloud, monkeypatch):
    def refused(body):
        gateway_answer(cloud, monkeypatch, 'GET', '/catalog', 401, json.dumps(body), dated=False)
        client = Client(aksk_settings(), session=cloud, sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
        with pytest.raises(CloudError) as caught:
            client.get('volumev2', '/volumes')
        return caught.value.message

    expired = refused(EXPIRED)
    assert 'signed at 2026-11-25T10:00:00Z by this machine\'s clock' in expired
    assert 'within 15 minutes' in expired
    wrong = refused(WRONG)
    assert WRONG['error_msg'] in wrong and AK in wrong and 'clock' not in wrong


def test_token_auth_is_not_signed_with_the_local_clock(cloud):
    cloud.advance(4 * 3600)
    unauthorized = {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The token is expired.'}}
    cloud.add_fault(method='GET', path='/volumes$', status=401, body=unauthorized)
    client = Client(password_settings(), session=cloud, sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert caught.value.message == 'The token is expired.'
    assert [r['status'] for r in cloud.logged()] == [201, 401, 201, 401]  # renewed once, then given up


def test_temporary_credentials_send_and_sign_the_security_token(cloud):
    """As huaweicloudsdkcore's BasicCredentials.with_security_token: X-Security-Token is a signed header."""
    settings = aksk_settings(security_token='Sec-Token-Temp-0001')
    client = Client(settings, session=cloud, sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
    client.get('volumev2', '/volumes')
    sent = cloud.requests[-1].headers
    assert sent['X-Security-Token'] == 'Sec-Token-Temp-0001'
    assert cloud.logged()[-1]['status'] == 200  # the cloud verified the signature over it
    credentials = pytest.importorskip('huaweicloudsdkcore.auth.credentials')
    sdk_request = pytest.importorskip('huaweicloudsdkcore.sdk_request')
    url = urlsplit(cloud.requests[-1].url)
    reference = sdk_request.SdkRequest(method='GET', schema='http', host=url.netloc, resource_path=url.path,
                                       query_params=[], header_params={
                                           'Accept': 'application/json', 'X-Sdk-Date': sent['X-Sdk-Date'],
                                           'X-Project-Id': sent['X-Project-Id']})
    credentials.BasicCredentials(AK, SK, PROJECT_ID).with_security_token('Sec-Token-Temp-0001').sign_request(reference)
    assert sent['Authorization'] == reference.header_params['Authorization']
    assert 'x-security-token' in sent['Authorization']


def test_refused_temporary_credentials_name_the_key_id_and_the_token_never_its_value(failure):
    settings = aksk_settings(security_token='Sec-Token-Temp-0002')
    settings['source'] = "clouds.yaml entry 'tmp' in /x/clouds.yaml"
    error = failure(1, WRONG, settings)
    assert error.message.startswith("the cloud refused the AK/SK signature of access key id %s (from "
                                    "clouds.yaml entry 'tmp' in /x/clouds.yaml)" % AK)
    assert 'security_token (temporary credentials expire)' in error.message
    assert 'Sec-Token-Temp-0002' not in error.message
