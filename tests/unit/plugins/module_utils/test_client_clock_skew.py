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

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import (
    IAM, FakeResponse, ScriptedSession, password_settings, token_response)

SIGNED_AT = datetime.datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
SECRET = 'sk-Very-Secret-0001'
EXPIRED = {'error_code': 'APIGW.0301', 'request_id': 'r1', 'error_msg': 'Incorrect IAM authentication information: '
           'calc ak sk signature fail:signature expired, signature time:20261125T100000Z,server time:20261125T120005Z'}
WRONG = {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information: verify aksk signature fail'}


def refused(body, date):
    """The first signed request's answer, with the cloud's Date (None: no Date header)."""
    response = FakeResponse(401, body)
    if date is None:
        del response.headers['Date']
    else:
        response.headers['Date'] = date
    return response


def failure(answer, settings=None):
    if settings is None:
        settings = password_settings()
        settings['auth'] = {'auth_url': IAM, 'ak': 'AKCLOCK0001', 'sk': SECRET, 'project_id': 'p1'}
    client = Client(settings, session=ScriptedSession([answer]), sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    return caught.value


@pytest.mark.parametrize('date,words', [
    ('Wed, 25 Nov 2026 12:00:05 GMT', "this machine's clock is 2h 0m 5s behind the cloud's (signed at "
                                      "2026-11-25T10:00:00Z, X-Sdk-Date; the cloud's time 2026-11-25T12:00:05Z)"),
    ('Wed, 25 Nov 2026 09:44:59 GMT', "this machine's clock is 15m 1s ahead of the cloud's"),
])
def test_a_date_outside_the_window_names_the_skew_the_window_and_the_access_key(date, words):
    error = failure(refused(EXPIRED, date))
    assert words in error.message
    assert 'within 15 minutes of its own time (clock skew)' in error.message
    assert 'access key id AKCLOCK0001' in error.message
    assert error.message.endswith('(the cloud said: %s)' % EXPIRED['error_msg'])
    assert (error.status, error.code, error.request_id) == (401, 'APIGW.0301', 'r1')


def test_any_refusal_while_the_clock_is_off_names_the_clock():
    # a gateway that words it differently: its Date alone shows the cause
    error = failure(refused(WRONG, 'Wed, 25 Nov 2026 10:30:00 GMT'))
    assert "this machine's clock is 30m 0s behind the cloud's" in error.message


@pytest.mark.parametrize('body', [EXPIRED, WRONG])
def test_within_the_window_the_clock_is_not_blamed(body):
    # "signature expired" with the clocks in step: expired temporary credentials, not skew
    error = failure(refused(body, 'Wed, 25 Nov 2026 10:15:00 GMT'))
    assert error.message.startswith(('the cloud refused the AK/SK signature of access key id AKCLOCK0001 ',
                                     'the cloud knows access key id AKCLOCK0001 '))
    assert body['error_msg'] in error.message and 'clock' not in error.message


def test_without_a_date_the_clouds_signature_expired_still_names_the_clock():
    error = failure(refused(EXPIRED, None))
    assert 'signed at 2026-11-25T10:00:00Z by this machine\'s clock' in error.message
    assert 'within 15 minutes' in error.message
    wrong = failure(refused(WRONG, None)).message
    assert WRONG['error_msg'] in wrong and 'AKCLOCK0001' in wrong and 'clock' not in wrong


def test_token_auth_is_not_signed_with_the_local_clock():
    settings = password_settings()
    unauthorized = {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The token is expired.'}}
    client = Client(settings, session=ScriptedSession([
        token_response(), refused(unauthorized, 'Wed, 25 Nov 2026 14:00:00 GMT'),
        token_response(), refused(unauthorized, 'Wed, 25 Nov 2026 14:00:00 GMT')]),
        sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert caught.value.message == 'The token is expired.'


def test_temporary_credentials_send_and_sign_the_security_token():
    """As huaweicloudsdkcore's BasicCredentials.with_security_token: X-Security-Token is a signed header."""
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': 'AKTEMP0001', 'sk': SECRET, 'project_id': 'p1',
                        'security_token': 'Sec-Token-Temp-0001'}
    session = ScriptedSession([FakeResponse(200, {'volumes': []})])
    client = Client(settings, session=session, sleeper=lambda s: None, utcnow=lambda: SIGNED_AT)
    client.settings['endpoints'] = client.overrides = {'volumev2': 'https://evs.test/v2/p1'}
    client._catalog = []
    client.get('volumev2', '/volumes')
    sent = session.requests[0].headers
    assert sent['X-Security-Token'] == 'Sec-Token-Temp-0001'
    credentials = pytest.importorskip('huaweicloudsdkcore.auth.credentials')
    sdk_request = pytest.importorskip('huaweicloudsdkcore.sdk_request')
    reference = sdk_request.SdkRequest(method='GET', schema='https', host='evs.test', resource_path='/v2/p1/volumes', query_params=[],
                                       header_params={'Accept': 'application/json', 'X-Sdk-Date': sent['X-Sdk-Date']})
    credentials.BasicCredentials('AKTEMP0001', SECRET, 'p1').with_security_token('Sec-Token-Temp-0001').sign_request(reference)
    assert sent['Authorization'] == reference.header_params['Authorization']
    assert 'x-security-token' in sent['Authorization']


def test_refused_temporary_credentials_name_the_key_id_and_the_token_never_its_value():
    settings = password_settings(source="clouds.yaml entry 'tmp' in /x/clouds.yaml")
    settings['auth'] = {'auth_url': IAM, 'ak': 'AKTEMP0002', 'sk': SECRET, 'project_id': 'p1',
                        'security_token': 'Sec-Token-Temp-0002'}
    error = failure(refused(WRONG, 'Wed, 25 Nov 2026 10:00:01 GMT'), settings)
    assert error.message.startswith("the cloud refused the AK/SK signature of access key id AKTEMP0002 (from "
                                    "clouds.yaml entry 'tmp' in /x/clouds.yaml)")
    assert 'security_token (temporary credentials expire)' in error.message
    assert 'Sec-Token-Temp-0002' not in error.message
