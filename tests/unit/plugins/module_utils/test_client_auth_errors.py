# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refused credentials are explained by their cause, naming who or which key id, never the
password, secret key or token: the cloud's answers (Keystone's 401 on a login, the API gateway's
APIGW.0301 reasons on a signed request) as the real cloud words them. The same refusals from the
emulator, through a module, are in tests/integration/targets/connection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import UTC, Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import (
    IAM, FakeResponse, ScriptedSession, password_settings)

NOW = datetime.datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
SECRET = 'sk-Very-Secret-0002'
KEYSTONE_401 = {'error': {'code': 401, 'title': 'Unauthorized',
                          'message': 'The request you have made requires authentication.'}}


def gateway(reason):
    return {'error_code': 'APIGW.0301', 'request_id': 'r1',
            'error_msg': 'Incorrect IAM authentication information: ' + reason}


def failure(settings, answer, secret):
    response = FakeResponse(401, answer)
    response.headers['Date'] = 'Wed, 25 Nov 2026 10:00:01 GMT'  # the clock is right
    client = Client(settings, session=ScriptedSession([response]), sleeper=lambda s: None, utcnow=lambda: NOW)
    with pytest.raises(CloudError) as caught:
        client.get('volumev2', '/volumes')
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    assert caught.value.status == 401
    return caught.value


def aksk_settings(ak='AKUNKNOWN0001'):
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': ak, 'sk': SECRET, 'project_id': 'p1'}
    return settings


def test_a_wrong_password_names_the_user_and_the_domain():
    settings = password_settings()
    error = failure(settings, KEYSTONE_401, settings['auth']['password'])
    assert error.message.startswith("authentication failed for user 'alice' in domain 'OTC-DOMAIN' at %s: wrong "
                                    "password, or no such user in that domain (from the module options" % IAM)
    assert error.message.endswith('(the cloud said: The request you have made requires authentication.)')


def test_a_refused_token_says_it_expired_or_was_revoked_never_its_value():
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'token': 'MIIsecret-token-value-0001', 'project_id': 'p1'}
    error = failure(settings, KEYSTONE_401, 'MIIsecret-token-value-0001')
    assert error.message.startswith('the token given in auth.token was refused at %s: it expired' % IAM)


def test_an_unknown_access_key_is_named_and_the_secret_key_never():
    error = failure(aksk_settings('AKUNKNOWN0001'), gateway('Get secretKey failed,ak:AKUNKNOWN0001,err:ak not exist'),
                    SECRET)
    assert error.code == 'APIGW.0301'
    assert error.message.startswith('the cloud does not know access key id AKUNKNOWN0001 (from the module options')
    assert 'check ak' in error.message


def test_a_wrong_secret_key_says_the_secret_key_does_not_belong_to_the_key_id():
    error = failure(aksk_settings('AKKNOWN0001'), gateway('verify aksk signature fail'), SECRET)
    assert error.message.startswith('the cloud knows access key id AKKNOWN0001 (from the module options')
    assert 'the secret key does not belong to it; check sk' in error.message
