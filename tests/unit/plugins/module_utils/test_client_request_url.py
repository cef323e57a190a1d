# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client.request_url: a full URL outside the catalog bases, with the client's auth and retries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.fake_cloud import (
    IAM, TOKEN, FakeResponse, ScriptedSession, password_settings, token_response)

JOB_URL = 'https://vbs.test/v1/p1/jobs/j1'


def make_client(answers):
    session = ScriptedSession(answers)
    return Client(password_settings(), session=session, sleeper=lambda s: None, rng=lambda: 0.5), session


def test_request_url_logs_in_first_and_sends_the_token():
    client, session = make_client([token_response(), FakeResponse(200, {'status': 'SUCCESS'})])
    answer = client.request_url('GET', JOB_URL, operation='GET vbs job j1')
    assert answer.body == {'status': 'SUCCESS'}
    auth, job = session.requests
    assert auth.url == IAM + '/auth/tokens'
    assert job.method == 'GET' and job.url == JOB_URL
    assert job.headers['X-Auth-Token'] == TOKEN


def test_request_url_retries_and_reports_the_cloud_error():
    client, session = make_client([
        token_response(), FakeResponse(503, {'error_code': 'APIGW.0001', 'error_msg': 'busy'}),
        FakeResponse(200, {'status': 'RUNNING'}),
        FakeResponse(404, {'error': {'code': 'common.0011', 'message': 'no such job'}})])
    assert client.request_url('GET', JOB_URL).body == {'status': 'RUNNING'}
    with pytest.raises(CloudError) as failure:
        client.request_url('GET', JOB_URL, params={'x': '1'})
    assert failure.value.status == 404 and failure.value.code == 'common.0011'
    assert 'GET /v1/p1/jobs/j1' in str(failure.value)
    assert session.requests[-1].params == {'x': '1'}
