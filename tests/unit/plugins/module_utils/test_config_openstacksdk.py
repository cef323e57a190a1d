# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's clouds.yaml loader against openstacksdk's own (a test-only dependency): for
each set of clouds.yaml / secure.yaml files and OS_* variables, both must resolve the same auth
URL, project, region, interface, timeout, TLS verification and credentials.

openstacksdk computes its search path when ``openstack.config.loader`` is imported (from the
current directory and HOME), so each case reloads it inside the case's scratch HOME and
directory: the search path itself is compared, not only the parsing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json
import os
import warnings

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.config import VENDOR_PROFILES, resolve_settings
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ConfigError

loader = pytest.importorskip('openstack.config.loader')
vendors = pytest.importorskip('openstack.config.vendors')

PASSWORD = {'auth_url': 'https://iam.eu-de.otc.t-systems.com/v3', 'username': 'alice', 'password': 'Pa55-alice',
            'user_domain_name': 'OTC00000000001000000001', 'project_name': 'eu-de_shop'}

# name -> (files relative to the scratch root, OS_* variables, cloud asked for, region asked for)
# Paths: "home/..." is under HOME, "work/..." the current directory, "elsewhere/..." neither.
CASES = {
    'password entry in ~/.config': ({'home/.config/openstack/clouds.yaml': {'clouds': {
        'prod': {'auth': PASSWORD, 'region_name': 'eu-de'}}}}, {}, 'prod', None),
    'secure.yaml supplies the password': ({
        'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {
            'auth': dict(PASSWORD, password=None), 'region_name': 'eu-de'}}},
        'home/.config/openstack/secure.yaml': {'clouds': {'prod': {'auth': {'password': 'From-Secure-1'}}}}},
        {}, 'prod', None),
    './clouds.yaml before ~/.config': ({
        'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'auth': PASSWORD, 'region_name': 'eu-de'}}},
        'work/clouds.yaml': {'clouds': {'prod': {'auth': dict(PASSWORD, username='bob'), 'region_name': 'eu-nl'}}}},
        {}, 'prod', None),
    './clouds.yml before ~/.config/openstack/clouds.yaml': ({
        'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'auth': PASSWORD}}},
        'work/clouds.yml': {'clouds': {'prod': {'auth': dict(PASSWORD, username='carol')}}}}, {}, 'prod', None),
    'clouds.json': ({'home/.config/openstack/clouds.json': {'clouds': {'prod': {'auth': PASSWORD}}}},
                    {}, 'prod', None),
    'OS_CLIENT_CONFIG_FILE wins': ({
        'work/clouds.yaml': {'clouds': {'prod': {'auth': PASSWORD}}},
        'elsewhere/my-clouds.yaml': {'clouds': {'prod': {'auth': dict(PASSWORD, username='dave')}}}},
        {'OS_CLIENT_CONFIG_FILE': 'elsewhere/my-clouds.yaml'}, 'prod', None),
    'OS_CLIENT_SECURE_FILE': ({
        'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'auth': dict(PASSWORD, password=None)}}},
        'elsewhere/sec.yaml': {'clouds': {'prod': {'auth': {'password': 'From-Env-File-2'}}}}},
        {'OS_CLIENT_SECURE_FILE': 'elsewhere/sec.yaml'}, 'prod', None),
    'OS_CLOUD picks one of several': ({'home/.config/openstack/clouds.yaml': {'clouds': {
        'prod': {'auth': PASSWORD}, 'test': {'auth': dict(PASSWORD, project_name='eu-de_test')}}}},
        {'OS_CLOUD': 'test'}, None, None),
    'the only cloud is the default': ({'home/.config/openstack/clouds.yaml': {'clouds': {
        'solo': {'auth': PASSWORD, 'region_name': 'eu-de'}}}}, {}, None, None),
    'profile otc, region eu-nl': ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {
        'profile': 'otc', 'region_name': 'eu-nl',
        'auth': {'username': 'alice', 'password': 'Pa55-alice', 'domain_name': 'OTC0001', 'project_name': 'eu-nl'}}}}},
        {}, 'prod', None),
    'profile otc, first region by default': ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {
        'profile': 'otc', 'auth': {'user_id': 'u-1', 'password': 'Pa55-alice', 'project_id': 'p-1'}}}}},
        {}, 'prod', None),
    'profile otc, region asked for': ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {
        'profile': 'otc', 'auth': {'user_id': 'u-1', 'password': 'Pa55-alice', 'project_id': 'p-1'}}}}},
        {}, 'prod', 'eu-nl'),
    'profile otc-swiss': ({'home/.config/openstack/clouds.yaml': {'clouds': {'ch': {
        'profile': 'otc-swiss', 'auth': {'user_id': 'u-1', 'password': 'Pa55-alice', 'project_name': 'eu-ch2'}}}}},
        {}, 'ch', None),
    'profile huaweicloud': ({'home/.config/openstack/clouds.yaml': {'clouds': {'hw': {
        'profile': 'huaweicloud', 'region_name': 'ap-southeast-3',
        'auth': {'user_id': 'u-1', 'password': 'Pa55-alice', 'project_id': 'p-hw'}}}}}, {}, 'hw', None),
    'regions with values': ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {
        'auth': PASSWORD, 'regions': [{'name': 'eu-de', 'values': {'interface': 'internal'}}, 'eu-nl']}}}},
        {}, 'prod', 'eu-de'),
    'old key names (tenant_name, auth_token, endpoint_type, a service timeout)': (
        {'home/.config/openstack/clouds.yaml': {'clouds': {'old': {
            'auth_type': 'token', 'endpoint_type': 'internal', 'block_storage_api_timeout': 17,
            'auth': {'auth_url': 'https://iam.eu-de.otc.t-systems.com/v3', 'auth_token': 'Tok-en-3',
                     'tenant_name': 'eu-de'}}}}}, {}, 'old', None),
    'top-level keys moved into auth': ({'home/.config/openstack/clouds.yaml': {'clouds': {'top': {
        'auth_url': 'https://iam.eu-de.otc.t-systems.com/v3', 'username': 'alice', 'password': 'Pa55-alice',
        'user_domain_name': 'OTC0001', 'project_id': 'p-2', 'api_timeout': 9}}}}, {}, 'top', None),
    'temporary AK/SK at the top (otcextensions)': ({'home/.config/openstack/clouds.yaml': {'clouds': {'tmp': {
        'profile': 'otc', 'region_name': 'eu-de', 'access_key': 'AKTEMP0000000001', 'secret_key': 'Sk-Temp-4',
        'security_token': 'Sec-Token-5', 'auth': {'project_id': 'p-3'}}}}}, {}, 'tmp', None),
    'TLS: verify false, cacert': ({'home/.config/openstack/clouds.yaml': {'clouds': {
        'a': {'auth': PASSWORD, 'verify': False},
        'b': {'auth': dict(PASSWORD, project_name='eu-de_b'), 'cacert': '/etc/ssl/ca.pem'}}}},
        {'OS_CLOUD': 'b'}, None, None),
    'OS_* variables': ({'home/.config/openstack/clouds.yaml': {'clouds': {'solo': {'auth': PASSWORD}}}}, {
        'OS_AUTH_URL': 'https://iam.eu-nl.otc.t-systems.com/v3', 'OS_USERNAME': 'erin', 'OS_PASSWORD': 'Pa55-erin',
        'OS_USER_DOMAIN_NAME': 'OTC0002', 'OS_PROJECT_NAME': 'eu-nl', 'OS_REGION_NAME': 'eu-nl',
        'OS_INTERFACE': 'internal', 'OS_API_TIMEOUT': '12', 'OS_CACERT': '/ca.pem'}, None, None),
    'OS_* variables with a token and a domain': ({}, {
        'OS_AUTH_URL': 'https://iam.eu-de.otc.t-systems.com/v3', 'OS_AUTH_TYPE': 'v3token', 'OS_TOKEN': 'Tok-en-6',
        'OS_PROJECT_NAME': 'eu-de', 'OS_PROJECT_DOMAIN_NAME': 'OTC0003'}, None, None),
    'OS_* AK/SK with a security token': ({}, {
        'OS_AUTH_URL': 'https://iam.eu-de.otc.t-systems.com/v3', 'OS_ACCESS_KEY': 'AKENV000000000001',
        'OS_SECRET_KEY': 'Sk-Env-7', 'OS_SECURITY_TOKEN': 'Sec-Token-8', 'OS_PROJECT_ID': 'p-4',
        'OS_REGION_NAME': 'eu-de'}, None, None),
}


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A HOME and a current directory of their own, no OS_* or XDG variables, and openstacksdk's
    loader imported again there (it fixes its search path at import)."""
    for key in list(os.environ):
        if key.startswith(('OS_', 'XDG_')):
            monkeypatch.delenv(key)
    (tmp_path / 'home').mkdir()
    (tmp_path / 'work').mkdir()
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.chdir(tmp_path / 'work')
    # openstacksdk has no Huawei Cloud profile: give it ours, so both expand the same one
    monkeypatch.setitem(vendors._get_vendor_defaults(), 'huaweicloud', VENDOR_PROFILES['huaweicloud'])
    importlib.reload(loader)
    yield tmp_path
    monkeypatch.undo()
    importlib.reload(loader)


def write_files(root, files):
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content) if relative.endswith('.json') else json.dumps(content, indent=1))


def openstacksdk_view(cloud, region):
    """What openstacksdk resolves (its key names mapped to ours); otcextensions' get_ak_sk reads
    AK/SK from the top of the config."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        config = loader.OpenStackConfig().get_one(cloud, **({'region_name': region} if region else {}))
    values, auth = config.config, config.config['auth']
    verify, _cert = config.get_requests_verify_args()
    auth_url = auth.get('auth_url')
    if auth_url and '://' not in auth_url:
        # openstacksdk's otc-swiss profile has no scheme; the collection's has https://
        auth_url = 'https://' + auth_url
    view = dict((key, auth.get(key)) for key in (
        'username', 'user_id', 'password', 'user_domain_name', 'project_name', 'project_id', 'token'))
    view.update(auth_url=auth_url, region=values.get('region_name') or None, interface=values.get('interface'),
                api_timeout=int(values['api_timeout']) if values.get('api_timeout') else None, verify=verify,
                ak=values.get('access_key', values.get('ak')), sk=values.get('secret_key', values.get('sk')),
                security_token=values.get('security_token'))
    return view


def collection_view(cloud, region):
    settings = resolve_settings({'cloud': cloud, 'region': region}, dict(os.environ), os.getcwd())
    auth = settings['auth']
    view = dict((key, auth.get(key)) for key in (
        'auth_url', 'username', 'user_id', 'password', 'user_domain_name', 'project_name', 'project_id', 'token',
        'ak', 'sk', 'security_token'))
    view.update(region=settings['region'], interface=settings['interface'],
                api_timeout=settings['timeout'] if settings['timeout'] != 30 else None,
                verify=False if not settings['validate_certs'] else (settings['ca_cert'] or True))
    return view


@pytest.mark.parametrize('case', sorted(CASES))
def test_resolves_what_openstacksdk_resolves(scratch, monkeypatch, case):
    files, env, cloud, region = CASES[case]
    write_files(scratch, files)
    for key, value in env.items():
        monkeypatch.setenv(key, str(scratch / value) if key.endswith('_FILE') else value)
    expected = openstacksdk_view(cloud, region)
    assert expected['auth_url'] and (expected['password'] or expected['token'] or expected['sk'])
    assert collection_view(cloud, region) == expected


@pytest.mark.parametrize('files,cloud,region', [
    ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'auth': PASSWORD}}}}, 'nope', None),
    ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'auth': PASSWORD, 'region_name': 'eu-de'}}}},
     'prod', 'eu-nl'),
    ({'home/.config/openstack/clouds.yaml': {'clouds': {'prod': {'profile': 'otc', 'auth': PASSWORD}}}},
     'prod', 'eu-ch2'),
], ids=['unknown cloud', 'region not of the entry', 'region not of the profile'])
def test_refuses_what_openstacksdk_refuses(scratch, files, cloud, region):
    write_files(scratch, files)
    with pytest.raises(Exception) as sdk:
        openstacksdk_view(cloud, region)
    assert type(sdk.value).__name__ == 'ConfigException'
    with pytest.raises(ConfigError):
        collection_view(cloud, region)
