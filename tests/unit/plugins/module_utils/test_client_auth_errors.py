# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refused credentials are explained by their cause, naming who or which key id, never the
password, secret key or token: the cloud's answers (Keystone's 401 on a login, the API gateway's
APIGW.0301 reasons on a signed request) as the real cloud words them. The same refusals from the
emulator, through a module, are in tests/integration/targets/connection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    DOMAIN, IAM, password_settings)

SECRET = 'sk-Very-Secret-0002'
PROJECT_ID = '0a1a0000000000000000000000000a01'


@pytest.fixture
def failure(cloud):
    """The CloudError of the client's first request, refused by the emulator as the cloud words it."""
    def fail(settings, secret):
        client = Client(settings, session=cloud, sleeper=lambda s: None, utcnow=cloud.utcnow)
        with pytest.raises(CloudError) as caught:
            client.get('volumev2', '/volumes')
        assert secret not in str(caught.value) and secret not in repr(caught.value)
        assert caught.value.status == 401
        assert [r['status'] for r in cloud.logged()] == [401]
        return caught.value
    return fail


def aksk_settings(ak='AKUNKNOWN0001', sk=SECRET):
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'ak': ak, 'sk': sk, 'project_id': PROJECT_ID}
    return settings


def test_a_wrong_password_names_the_user_and_the_domain(failure):
    settings = password_settings()
    settings['auth']['password'] = 'wrong-Password-0002'
    error = failure(settings, 'wrong-Password-0002')
    assert error.message.startswith("authentication failed for user 'alice' in domain '%s' at %s: wrong "
                                    "password, or no such user in that domain (from the module options"
                                    % (DOMAIN, IAM))
    assert error.message.endswith('(the cloud said: The request you have made requires authentication.)')


def test_a_refused_token_says_it_expired_or_was_revoked_never_its_value(failure):
    settings = password_settings()
    settings['auth'] = {'auth_url': IAM, 'token': 'MIIsecret-token-value-0001', 'project_id': PROJECT_ID}
    error = failure(settings, 'MIIsecret-token-value-0001')
    assert error.message.startswith('the token given in auth.token was refused at %s: it expired' % IAM)


def test_an_unknown_access_key_is_named_and_the_secret_key_never(failure):
    error = failure(aksk_settings('AKUNKNOWN0001'), SECRET)
    assert error.code == 'APIGW.0301'
    assert error.message.startswith('the cloud does not know access key id AKUNKNOWN0001 (from the module options')
    assert 'check ak' in error.message


def test_a_wrong_secret_key_says_the_secret_key_does_not_belong_to_the_key_id(failure):
    error = failure(aksk_settings('AKALICE0000000000001'), SECRET)  # alice's key id, not her secret key
    assert error.message.startswith('the cloud knows access key id AKALICE0000000000001 (from the module options')
    assert 'the secret key does not belong to it; check sk' in error.message
