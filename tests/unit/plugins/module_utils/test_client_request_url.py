# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client.request_url: a full URL outside the catalog bases, with the client's auth and retries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    HOST, IAM, password_settings)


@pytest.fixture
def job_url(cloud):
    """The URL of an EVS job (vendor create): /evs/v1/..., below no catalog base (/evs/v2/...)."""
    job = cloud.api('POST', '/evs/v2.1/{pid}/cloudvolumes', {'volume': {
        'name': 'db01', 'size': 10, 'availability_zone': 'eu-de-01'}})['job_id']
    return 'http://%s/evs/v1/%s/jobs/%s' % (HOST, cloud.project_id, job)


def make_client(cloud):
    return Client(password_settings(), session=cloud, sleeper=lambda s: None, rng=lambda: 0.5)


def test_request_url_logs_in_first_and_sends_the_token(cloud, job_url):
    client = make_client(cloud)
    answer = client.request_url('GET', job_url, operation='GET evs job')
    assert answer.body['status'] == 'SUCCESS' and answer.body['job_type'] == 'createVolume'
    auth, job = cloud.requests
    assert auth.url == IAM + '/auth/tokens'
    assert job.method == 'GET' and job.url == job_url
    assert job.headers['X-Auth-Token'].startswith('MII')
    assert [r['status'] for r in cloud.logged(path='/jobs/')] == [200]


def test_request_url_retries_and_reports_the_cloud_error(cloud, job_url):
    cloud.add_fault(method='GET', path='/jobs/', status=503, count=1,
                    body={'error_code': 'APIGW.0001', 'error_msg': 'busy'})
    client = make_client(cloud)
    assert client.request_url('GET', job_url).body['status'] == 'SUCCESS'
    missing = job_url.rsplit('/', 1)[0] + '/no-such-job'
    with pytest.raises(CloudError) as failure:
        client.request_url('GET', missing, params={'x': '1'})
    assert failure.value.status == 404 and failure.value.code == 'itemNotFound'
    assert 'GET /evs/v1/%s/jobs/no-such-job' % cloud.project_id in str(failure.value)
    assert cloud.requests[-1].params == {'x': '1'}
    assert [r['status'] for r in cloud.logged(path='/jobs/')] == [503, 200, 404]
