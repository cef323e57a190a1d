# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.config import (
    find_clouds_files, resolve_settings)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ConfigError

CLOUDS = """
clouds:
  emu:
    auth:
      auth_url: http://127.0.0.1:9000/identity/v3
      username: alice
      user_domain_name: dom
      project_name: eu-de
    region_name: eu-de
    verify: false
    volumev3_endpoint_override: http://127.0.0.1:9000/evs/v3/{project_id}
  keys:
    auth:
      auth_url: http://127.0.0.1:9000/identity/v3
      access_key: AKCLOUD
      secret_key: SKCLOUD
      project_id: p1
"""
SECURE = """
clouds:
  emu:
    auth:
      password: from-secure-yaml
"""


@pytest.fixture
def home(tmp_path):
    cfg = tmp_path / 'home' / '.config' / 'openstack'
    cfg.mkdir(parents=True)
    (cfg / 'clouds.yaml').write_text(CLOUDS)
    (cfg / 'secure.yaml').write_text(SECURE)
    work = tmp_path / 'work'
    work.mkdir()
    return {'HOME': str(tmp_path / 'home')}, str(work)


def test_clouds_yaml_merged_with_secure_yaml(home):
    env, cwd = home
    settings = resolve_settings({'cloud': 'emu'}, env, cwd)
    assert settings['auth'] == {'auth_url': 'http://127.0.0.1:9000/identity/v3', 'username': 'alice',
                                'user_domain_name': 'dom', 'project_name': 'eu-de', 'password': 'from-secure-yaml'}
    assert settings['region'] == 'eu-de'
    assert settings['validate_certs'] is False
    assert settings['endpoints'] == {'volumev3': 'http://127.0.0.1:9000/evs/v3/{project_id}'}


def test_access_key_in_clouds_yaml_selects_aksk(home):
    env, cwd = home
    settings = resolve_settings({'cloud': 'keys'}, env, cwd)
    assert settings['auth']['ak'] == 'AKCLOUD' and settings['auth']['sk'] == 'SKCLOUD'


def test_os_cloud_used_when_module_gives_no_cloud(home):
    env, cwd = home
    env = dict(env, OS_CLOUD='emu', OS_USERNAME='ignored')
    settings = resolve_settings({}, env, cwd)
    assert settings['auth']['username'] == 'alice'


def test_module_options_override_the_cloud(home):
    env, cwd = home
    settings = resolve_settings({'cloud': 'emu', 'region': 'eu-de', 'validate_certs': True,
                                 'auth': {'password': 'explicit', 'username': None},
                                 'endpoints': {'volumev2': 'http://x'}}, env, cwd)
    assert settings['auth']['password'] == 'explicit' and settings['auth']['username'] == 'alice'
    assert settings['region'] == 'eu-de' and settings['validate_certs'] is True
    assert settings['endpoints']['volumev2'] == 'http://x' and 'volumev3' in settings['endpoints']


def test_os_variables_when_no_cloud(tmp_path):
    env = {'HOME': str(tmp_path), 'OS_AUTH_URL': 'https://iam/v3', 'OS_USERNAME': 'bob', 'OS_PASSWORD': 'pw',
           'OS_USER_DOMAIN_NAME': 'd', 'OS_PROJECT_ID': 'p', 'OS_REGION_NAME': 'eu-de', 'OS_CACERT': '/ca.pem'}
    settings = resolve_settings({'auth': {'project_id': 'override'}}, env, str(tmp_path))
    assert settings['auth'] == {'auth_url': 'https://iam/v3', 'username': 'bob', 'password': 'pw',
                                'user_domain_name': 'd', 'project_id': 'override'}
    assert settings['region'] == 'eu-de' and settings['ca_cert'] == '/ca.pem'
    assert settings['validate_certs'] is True and settings['timeout'] == 30


def test_os_cloud_ignored_when_module_gives_auth_url(home):
    env, cwd = home
    env = dict(env, OS_CLOUD='emu')
    settings = resolve_settings({'auth': {'auth_url': 'https://other/v3', 'token': 't0ken'}}, env, cwd)
    assert settings['auth'] == {'auth_url': 'https://other/v3', 'token': 't0ken'}


def test_os_client_config_file_wins(home, tmp_path):
    env, cwd = home
    other = tmp_path / 'other.yaml'
    other.write_text('clouds: {solo: {auth: {auth_url: "http://solo/v3", token: "abcd"}}}')
    env = dict(env, OS_CLIENT_CONFIG_FILE=str(other))
    assert resolve_settings({'cloud': 'solo'}, env, cwd)['auth']['auth_url'] == 'http://solo/v3'


def test_current_directory_clouds_yaml_before_home(home):
    env, cwd = home
    with open(os.path.join(cwd, 'clouds.yaml'), 'w') as handle:
        handle.write('clouds: {here: {auth: {auth_url: "http://here/v3", token: "abcd"}}}')
    clouds, secure = find_clouds_files(env, cwd)
    assert clouds == os.path.join(cwd, 'clouds.yaml')
    assert secure.endswith('.config/openstack/secure.yaml')


def test_unknown_cloud_lists_known_ones(home):
    env, cwd = home
    with pytest.raises(ConfigError, match="cloud 'nope' .* is not in .*clouds.yaml .*secure.yaml.*; the clouds there: emu, keys$"):
        resolve_settings({'cloud': 'nope'}, env, cwd)


def test_no_clouds_yaml_at_all(tmp_path):
    with pytest.raises(ConfigError, match='no clouds.yaml was found'):
        resolve_settings({'cloud': 'x'}, {'HOME': str(tmp_path)}, str(tmp_path))


@pytest.mark.parametrize('auth,message', [
    ({}, 'no auth_url'),
    ({'auth_url': 'u'}, 'needs auth.username or auth.user_id'),
    ({'auth_url': 'u', 'username': 'a'}, 'needs auth.password'),
    ({'auth_url': 'u', 'username': 'a', 'password': 'p'}, 'user_domain_name'),
    ({'ak': 'a'}, 'needs both ak and sk'),
    ({'ak': 'a', 'sk': 's'}, 'needs auth.project_id or auth.auth_url'),
])
def test_incomplete_settings_refused(tmp_path, auth, message):
    with pytest.raises(ConfigError, match=message):
        resolve_settings({'auth': auth}, {'HOME': str(tmp_path)}, str(tmp_path))


def test_error_messages_never_hold_the_password(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve_settings({'auth': {'auth_url': 'u', 'username': 'a', 'password': 'hunter22'}},
                         {'HOME': str(tmp_path)}, str(tmp_path))
    assert 'hunter22' not in str(info.value)


SECRET_ENTRY = """
clouds:
  prod:
    auth: {auth_url: "https://iam.eu-de.otc.t-systems.com/v3", username: alice, password: "S3cret-Entry-77",
           user_domain_name: dom, project_name: eu-de}
  test:
    profile: otc
    auth: {user_id: u1, password: "S3cret-Entry-78"}
"""


def test_no_clouds_yaml_names_every_file_searched_and_who_asked(tmp_path):
    home, work = tmp_path / 'home', tmp_path / 'work'
    work.mkdir()
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, {'HOME': str(home), 'OS_CLOUD': 'prod'}, str(work))
    text = str(info.value)
    assert text.startswith("cloud 'prod' (OS_CLOUD) was asked for, but no clouds.yaml was found; searched: ")
    for path in (work / 'clouds.yaml', work / 'clouds.json', home / '.config/openstack/clouds.yaml',
                 '/etc/openstack/clouds.yaml'):
        assert str(path) in text


def test_a_missing_os_client_config_file_is_named(home, tmp_path):
    env, cwd = home
    env = dict(env, OS_CLIENT_CONFIG_FILE=str(tmp_path / 'typo.yaml'))
    with pytest.raises(ConfigError, match=r"the clouds there: emu, keys \(OS_CLIENT_CONFIG_FILE names .*typo.yaml, "
                                          r"which does not exist\)"):
        resolve_settings({'cloud': 'nope'}, env, cwd)


def test_unknown_cloud_names_the_clouds_never_their_values(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(SECRET_ENTRY)
    with pytest.raises(ConfigError) as info:
        resolve_settings({'cloud': 'prd'}, {'HOME': str(tmp_path)}, str(tmp_path))
    assert str(info.value) == "cloud 'prd' (the cloud option) is not in %s; the clouds there: prod, test" % (
        tmp_path / 'clouds.yaml')


def test_a_broken_clouds_yaml_is_named_without_quoting_its_lines(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(SECRET_ENTRY + '  broken: [password: "S3cret-Entry-79"\n')
    with pytest.raises(ConfigError) as info:
        resolve_settings({'cloud': 'prod'}, {'HOME': str(tmp_path)}, str(tmp_path))
    assert str(tmp_path / 'clouds.yaml') in str(info.value) and 'line ' in str(info.value)
    assert 'S3cret' not in str(info.value)


def test_a_broken_clouds_yaml_reads_as_pyyaml_says_whichever_parser_loads_it(tmp_path):
    # clouds.yaml is parsed by libyaml where PyYAML has it, whose words differ ("... in this
    # context"): a refusal must read exactly as PyYAML's own parser put it before
    (tmp_path / 'clouds.yaml').write_text('clouds:\n  emu:\n    auth:\n      password: hunter: 22\n')
    with pytest.raises(ConfigError) as info:
        resolve_settings({'cloud': 'emu'}, {'HOME': str(tmp_path)}, str(tmp_path))
    assert str(info.value) == ('%s is not valid YAML at line 4, column 23: mapping values are not allowed here'
                               % (tmp_path / 'clouds.yaml'))


def test_only_cloud_is_the_default_but_os_variables_win(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(SECRET_ENTRY[:SECRET_ENTRY.index('  test:')])
    env = {'HOME': str(tmp_path)}
    assert resolve_settings({}, env, str(tmp_path))['auth']['username'] == 'alice'
    env.update(OS_AUTH_URL='https://iam.eu-nl.otc.t-systems.com/v3', OS_TOKEN='t0ken-env')
    assert resolve_settings({}, env, str(tmp_path))['auth'] == {
        'auth_url': 'https://iam.eu-nl.otc.t-systems.com/v3', 'token': 't0ken-env'}


def test_profile_region_and_interface_from_the_entry(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(SECRET_ENTRY)
    settings = resolve_settings({'cloud': 'test', 'region': 'eu-nl'}, {'HOME': str(tmp_path)}, str(tmp_path))
    assert settings['auth']['auth_url'] == 'https://iam.eu-nl.otc.t-systems.com/v3'
    assert (settings['region'], settings['interface'], settings['profile']) == ('eu-nl', 'public', 'otc')
    with pytest.raises(ConfigError, match=r"region 'eu-ch2' is not a region of cloud 'test' \(its regions: eu-de, eu-nl"):
        resolve_settings({'cloud': 'test', 'region': 'eu-ch2'}, {'HOME': str(tmp_path)}, str(tmp_path))


@pytest.mark.parametrize('params,message', [
    ({'auth_type': 'v3applicationcredential'}, "auth_type 'v3applicationcredential' is not supported .* use one of "
                                               "aksk, password, token, v3password, v3token"),
    ({'auth_type': 'token'}, 'token authentication needs auth.token'),
    ({'auth_type': 'password', 'auth': {'ak': 'AK1', 'sk': 'S3cret-Entry-80'}}, 'needs auth.username'),
])
def test_auth_type_is_honoured(tmp_path, params, message):
    params = dict(params, auth=dict(params.get('auth') or {}, auth_url='https://iam/v3', user_domain_name='d'))
    with pytest.raises(ConfigError, match=message) as info:
        resolve_settings(params, {'HOME': str(tmp_path)}, str(tmp_path))
    assert 'S3cret' not in str(info.value)


def test_unknown_profile_is_named_when_it_leaves_no_auth_url(tmp_path):
    (tmp_path / 'clouds.yaml').write_text('clouds: {x: {profile: otcloud, auth: {username: a, password: b}}}')
    with pytest.raises(ConfigError, match=r"no auth_url.*profile 'otcloud' is not one this collection knows "
                                          r"\(huaweicloud, otc, otc-swiss\)"):
        resolve_settings({'cloud': 'x'}, {'HOME': str(tmp_path)}, str(tmp_path))
