# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection settings: module options, a clouds.yaml entry (+ secure.yaml) and OS_* variables.

Precedence, highest first:
1. the module's own options (``auth.*``, ``region``, ``endpoints``, ``validate_certs``, ...);
2. the clouds.yaml entry named by ``cloud`` (or by ``OS_CLOUD`` when the module gives neither
   ``cloud`` nor ``auth.auth_url``);
3. the ``OS_*`` environment variables, only when no clouds.yaml entry is used.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ConfigError

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - depends on the host
    HAS_YAML = False

AUTH_KEYS = ('auth_url', 'username', 'user_id', 'password', 'user_domain_name', 'domain',
             'project_name', 'project_id', 'token', 'ak', 'sk')
SECRET_KEYS = ('password', 'token', 'sk')

# OS_* variable -> auth key (first match wins)
ENV_AUTH = (
    ('OS_AUTH_URL', 'auth_url'),
    ('OS_USERNAME', 'username'),
    ('OS_USER_ID', 'user_id'),
    ('OS_PASSWORD', 'password'),
    ('OS_USER_DOMAIN_NAME', 'user_domain_name'),
    ('OS_DOMAIN_NAME', 'domain'),
    ('OS_PROJECT_NAME', 'project_name'),
    ('OS_TENANT_NAME', 'project_name'),
    ('OS_PROJECT_ID', 'project_id'),
    ('OS_TENANT_ID', 'project_id'),
    ('OS_TOKEN', 'token'),
    ('OS_AUTH_TOKEN', 'token'),
    ('OS_ACCESS_KEY', 'ak'),
    ('OS_ACCESS_KEY_ID', 'ak'),
    ('OS_SECRET_KEY', 'sk'),
    ('OS_SECRET_ACCESS_KEY', 'sk'),
)

# clouds.yaml ``auth`` key -> our key
CLOUD_AUTH_ALIASES = {
    'auth_url': 'auth_url', 'username': 'username', 'user_name': 'username',
    'user_id': 'user_id', 'password': 'password', 'user_domain_name': 'user_domain_name',
    'domain_name': 'domain', 'project_domain_name': 'domain', 'domain': 'domain',
    'project_name': 'project_name', 'tenant_name': 'project_name',
    'project_id': 'project_id', 'tenant_id': 'project_id', 'token': 'token',
    'ak': 'ak', 'access_key': 'ak', 'sk': 'sk', 'secret_key': 'sk',
}

CONFIG_FILES = ('clouds.yaml', 'clouds.yml')
SECURE_FILES = ('secure.yaml', 'secure.yml')


def config_dirs(environ, cwd=None):
    home = environ.get('HOME') or os.path.expanduser('~')
    return [
        cwd or os.getcwd(),
        os.path.join(environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config'), 'openstack'),
        '/etc/openstack',
    ]


def _first_existing(paths):
    for path in paths:
        if path and os.path.isfile(path):
            return path
    return None


def find_clouds_files(environ, cwd=None):
    """(clouds.yaml path, secure.yaml path) where openstacksdk would find them."""
    dirs = config_dirs(environ, cwd)
    clouds = _first_existing([environ.get('OS_CLIENT_CONFIG_FILE')] + [
        os.path.join(d, name) for d in dirs for name in CONFIG_FILES])
    secure = _first_existing([environ.get('OS_CLIENT_SECURE_FILE')] + [
        os.path.join(d, name) for d in dirs for name in SECURE_FILES])
    return clouds, secure


def _load_yaml(path):
    if not HAS_YAML:
        raise ConfigError('PyYAML is needed to read %s' % path)
    try:
        with open(path) as handle:
            return yaml.safe_load(handle) or {}
    except (IOError, OSError, yaml.YAMLError) as exc:
        raise ConfigError('cannot read %s: %s' % (path, exc))


def deep_merge(base, overlay):
    result = dict(base)
    for key, value in (overlay or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def _bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def load_cloud(name, environ, cwd=None):
    """The settings of clouds.yaml entry ``name`` (secure.yaml merged in), in our key names."""
    clouds_path, secure_path = find_clouds_files(environ, cwd)
    if not clouds_path:
        raise ConfigError("cloud '%s' was asked for but no clouds.yaml was found "
                          "(looked at OS_CLIENT_CONFIG_FILE, ./clouds.yaml, "
                          "~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)" % name)
    clouds = (_load_yaml(clouds_path).get('clouds') or {})
    if secure_path:
        clouds = deep_merge(clouds, _load_yaml(secure_path).get('clouds') or {})
    if name not in clouds:
        raise ConfigError("cloud '%s' is not in %s (it has: %s)" % (
            name, clouds_path, ', '.join(sorted(clouds)) or 'none'))
    entry = clouds[name] or {}
    settings = {'auth': {}, 'endpoints': {}}
    for key, value in (entry.get('auth') or {}).items():
        if key in CLOUD_AUTH_ALIASES and value not in (None, ''):
            settings['auth'][CLOUD_AUTH_ALIASES[key]] = value
    for key in ('ak', 'sk', 'access_key', 'secret_key'):  # otcextensions also allows top level
        if entry.get(key) and CLOUD_AUTH_ALIASES[key] not in settings['auth']:
            settings['auth'][CLOUD_AUTH_ALIASES[key]] = entry[key]
    if entry.get('region_name') or entry.get('region'):
        settings['region'] = entry.get('region_name') or entry.get('region')
    if 'verify' in entry:
        settings['validate_certs'] = _bool(entry['verify'])
    if entry.get('insecure') is not None:
        settings['validate_certs'] = not _bool(entry['insecure'])
    if entry.get('cacert'):
        settings['ca_cert'] = entry['cacert']
    if entry.get('api_timeout'):
        settings['timeout'] = entry['api_timeout']
    for key, value in entry.items():
        if key.endswith('_endpoint_override') and value:
            settings['endpoints'][key[:-len('_endpoint_override')]] = value
    for key, value in (entry.get('endpoints') or {}).items():
        settings['endpoints'][key] = value
    return settings


def load_environment(environ):
    settings = {'auth': {}, 'endpoints': {}}
    for var, key in ENV_AUTH:
        if environ.get(var) and key not in settings['auth']:
            settings['auth'][key] = environ[var]
    if environ.get('OS_REGION_NAME'):
        settings['region'] = environ['OS_REGION_NAME']
    if environ.get('OS_CACERT'):
        settings['ca_cert'] = environ['OS_CACERT']
    if environ.get('OS_INSECURE'):
        settings['validate_certs'] = not _bool(environ['OS_INSECURE'])
    return settings


def resolve_settings(params, environ=None, cwd=None):
    """Merge module options over the clouds.yaml entry or the OS_* variables.

    Returns a dict: auth (dict of AUTH_KEYS), region, endpoints, validate_certs, ca_cert,
    timeout, source (where the base came from, for messages).
    """
    environ = os.environ if environ is None else environ
    params = params or {}
    module_auth = dict((k, v) for k, v in (params.get('auth') or {}).items() if v not in (None, ''))
    cloud = params.get('cloud')
    if not cloud and not module_auth.get('auth_url'):
        cloud = environ.get('OS_CLOUD') or None
    if cloud:
        base = load_cloud(cloud, environ, cwd)
        base['source'] = "clouds.yaml entry '%s'" % cloud
    else:
        base = load_environment(environ)
        base['source'] = 'module options and OS_* environment variables'
    settings = dict(base)
    settings['auth'] = deep_merge(base.get('auth') or {}, module_auth)
    settings['endpoints'] = deep_merge(base.get('endpoints') or {}, params.get('endpoints') or {})
    for key in ('region', 'validate_certs', 'ca_cert', 'timeout'):
        if params.get(key) is not None:
            settings[key] = params[key]
    settings.setdefault('validate_certs', True)
    settings.setdefault('timeout', 30)
    settings.setdefault('region', None)
    settings.setdefault('ca_cert', None)
    check_settings(settings)
    return settings


def auth_method(auth):
    if auth.get('ak') or auth.get('sk'):
        return 'aksk'
    if auth.get('token'):
        return 'token'
    return 'password'


def check_settings(settings):
    auth = settings['auth']
    method = auth_method(auth)
    where = settings.get('source', 'the connection settings')
    if method == 'aksk':
        if not (auth.get('ak') and auth.get('sk')):
            raise ConfigError('AK/SK authentication needs both ak and sk (from %s)' % where)
        if not auth.get('project_id') and not auth.get('auth_url') and not settings.get('endpoints'):
            raise ConfigError('AK/SK authentication needs auth.project_id or auth.auth_url (from %s)' % where)
        return
    if not auth.get('auth_url'):
        raise ConfigError('no auth_url: set auth.auth_url, cloud, OS_CLOUD or OS_AUTH_URL (from %s)' % where)
    if method == 'password':
        if not (auth.get('username') or auth.get('user_id')):
            raise ConfigError('password authentication needs auth.username or auth.user_id (from %s)' % where)
        if not auth.get('password'):
            raise ConfigError('password authentication needs auth.password (from %s)' % where)
        if auth.get('username') and not auth.get('user_id') and not (
                auth.get('user_domain_name') or auth.get('domain')):
            raise ConfigError('auth.username needs auth.user_domain_name (or auth.domain) (from %s)' % where)


def secrets_of(settings):
    auth = settings.get('auth') or {}
    return [auth[k] for k in SECRET_KEYS if auth.get(k)]
