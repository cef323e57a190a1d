# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection settings: module options, a clouds.yaml entry (+ secure.yaml) and OS_* variables,
read as openstacksdk's OpenStackConfig.get_one reads them (without importing openstacksdk, a heavy
import per task; tests/unit/plugins/module_utils/test_config_openstacksdk.py compares the two).

Precedence, highest first:
1. the module's own options (``auth.*``, ``region``, ``interface``, ``endpoints``, ...);
2. the clouds.yaml entry named by ``cloud``, else openstacksdk's default cloud (``OS_CLOUD``,
   else the ``OS_*`` variables, else the only entry) when the module gives no ``auth.auth_url``;
3. the entry's vendor profile, then openstacksdk's defaults.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import re
import sys

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ConfigError

AUTH_KEYS = ('auth_url', 'username', 'user_id', 'password', 'user_domain_name', 'domain',
             'project_name', 'project_id', 'project_domain_name', 'token', 'ak', 'sk', 'security_token')
SECRET_KEYS = ('password', 'token', 'sk', 'security_token')
AUTH_TYPES = {'password': 'password', 'v3password': 'password', 'token': 'token', 'v3token': 'token',
              'aksk': 'aksk'}
INTERFACES = ('public', 'internal', 'admin')

# Vendor profiles (``profile:`` in a clouds.yaml entry). ``otc`` and ``otc-swiss`` are
# openstack/config/vendors/otc.json and otc-swiss.json of openstacksdk 4.22 (the file of
# otc-swiss lacks the ``https://`` of its auth_url, which keystoneauth cannot use: ours has it).
# openstacksdk has no Huawei Cloud profile; ``huaweicloud`` follows the IAM endpoints of Huawei
# Cloud's "Regions and Endpoints" page (https://iam.{region}.myhuaweicloud.com/v3).
VENDOR_PROFILES = {
    'otc': {'auth': {'auth_url': 'https://iam.{region_name}.otc.t-systems.com/v3'},
            'regions': ['eu-de', 'eu-nl'], 'identity_api_version': '3', 'interface': 'public'},
    'otc-swiss': {'auth': {'auth_url': 'https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3'},
                  'regions': ['eu-ch2'], 'identity_api_version': '3', 'interface': 'public'},
    'huaweicloud': {'auth': {'auth_url': 'https://iam.{region_name}.myhuaweicloud.com/v3'},
                    'regions': ['cn-north-4', 'cn-east-3', 'cn-south-1', 'ap-southeast-1', 'ap-southeast-2',
                                'ap-southeast-3', 'af-south-1', 'eu-west-101', 'la-south-2', 'sa-brazil-1',
                                'tr-west-1', 'me-east-1'],
                    'identity_api_version': '3', 'interface': 'public'},
}

# openstacksdk's defaults.json, the part that matters here. Its auth_type default (password) is
# left out: without an auth_type, the credentials given choose (see auth_method).
DEFAULTS = {'interface': 'public'}

# OS_* variables that only select (a cloud, a file, a region) and so alone make no cloud
# (openstacksdk's OpenStackConfig._get_os_environ)
ENV_SELECTORS = ('OS_CLOUD', 'OS_REGION_NAME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE',
                 'OS_CLOUD_NAME')
ENV_CLOUD = 'envvars'

# Keys of a cloud entry (or its ``auth``) -> the auth key they mean, in openstacksdk's
# _fix_backwards_auth order (the last one present wins).
_BACKWARDS_AUTH = (
    ('domain_id', ('domain_id', 'domain-id')),
    ('domain_name', ('domain_name', 'domain-name')),
    ('user_domain_id', ('user_domain_id', 'user-domain-id')),
    ('user_domain_name', ('user_domain_name', 'user-domain-name')),
    ('project_domain_id', ('project_domain_id', 'project-domain-id')),
    ('project_domain_name', ('project_domain_name', 'project-domain-name')),
    ('token', ('auth-token', 'auth_token', 'token')),
    ('project_id', ('tenant_id', 'tenant-id', 'project_id', 'project-id')),
    ('project_name', ('tenant_name', 'tenant-name', 'project_name', 'project-name')),
)
# Options of keystoneauth's password and token plugins: found at the top of an entry (as
# OS_* variables put them), openstacksdk moves them into ``auth``.
_PLUGIN_OPTIONS = ('auth_url', 'username', 'user_name', 'user_id', 'password', 'user_domain_name',
                   'user_domain_id', 'project_name', 'project_id', 'project_domain_name',
                   'project_domain_id', 'domain_name', 'domain_id', 'token', 'system_scope',
                   'trust_id', 'default_domain_id', 'default_domain_name')
# AK/SK: in ``auth`` (this collection) or at the top of the entry (otcextensions' get_ak_sk,
# which is also where OS_ACCESS_KEY, OS_SECRET_KEY and OS_SECURITY_TOKEN land)
_AKSK_KEYS = (('ak', ('ak', 'access_key', 'access_key_id')),
              ('sk', ('sk', 'secret_key', 'secret_access_key')),
              ('security_token', ('security_token',)))

CONFIG_SUFFIXES = ('.yaml', '.yml', '.json')


def config_dirs(environ, cwd=None):
    """The directories openstacksdk searches, in its order (loader.CONFIG_SEARCH_PATH): the
    current one, the user's (platformdirs, then ~/.config/openstack), the site's."""
    home = environ.get('HOME') or os.path.expanduser('~')
    unix_user = os.path.join(home, '.config', 'openstack')
    if sys.platform == 'darwin':
        user = os.path.join(home, 'Library', 'Application Support', 'openstack')
        site = '/Library/Application Support/openstack'
    else:
        user = os.path.join(environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config'), 'openstack')
        site = ':'.join(os.path.join(d, 'openstack') for d in
                        (environ.get('XDG_CONFIG_DIRS') or '/etc/xdg').split(':') if d)
    dirs = []
    for directory in (cwd or os.getcwd(), user, unix_user, site, '/etc/openstack'):
        if directory not in dirs:
            dirs.append(directory)
    return dirs


def search_paths(kind, environ, cwd=None):
    """Every file openstacksdk would try for ``kind`` (``clouds`` or ``secure``), in order."""
    override = environ.get('OS_CLIENT_CONFIG_FILE' if kind == 'clouds' else 'OS_CLIENT_SECURE_FILE')
    paths = [override] if override else []
    return paths + [os.path.join(d, kind + s) for d in config_dirs(environ, cwd) for s in CONFIG_SUFFIXES]


def _first_existing(paths):
    for path in paths:
        if path and os.path.exists(path) and os.access(path, os.R_OK):
            return path
    return None


def find_clouds_files(environ, cwd=None):
    """(clouds.yaml path, secure.yaml path) where openstacksdk would find them."""
    return (_first_existing(search_paths('clouds', environ, cwd)),
            _first_existing(search_paths('secure', environ, cwd)))


def _load_yaml(path):
    # imported only to read a YAML file: a task whose settings come from its options or the
    # environment does not pay for PyYAML's import in its module process
    try:
        import yaml
    except ImportError:
        raise ConfigError('PyYAML is needed to read %s' % path)
    return yaml


def _parse_yaml(yaml, text):
    """safe_load with libyaml's parser where PyYAML has it: PyYAML's own parser takes several
    milliseconds of every module process for a clouds.yaml. Whatever libyaml refuses is parsed
    again by PyYAML's parser, so a refusal reads (and an edge case loads) exactly as before."""
    fast = getattr(yaml, 'CSafeLoader', None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _load_file(path):
    if path.endswith('json'):
        try:
            with open(path) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError) as exc:
            raise ConfigError('cannot read %s: %s' % (path, exc))
    else:
        yaml = _load_yaml(path)
        try:
            with open(path) as handle:
                data = _parse_yaml(yaml, handle.read())
        except (IOError, OSError) as exc:
            raise ConfigError('cannot read %s: %s' % (path, exc))
        except yaml.YAMLError as exc:
            # PyYAML's own text quotes the offending line, which may hold a password
            mark = getattr(exc, 'problem_mark', None)
            where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark else ''
            raise ConfigError('%s is not valid YAML%s: %s' % (path, where, getattr(exc, 'problem', None) or 'syntax error'))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError('%s is empty or not a valid mapping' % path)
    return data


def deep_merge(base, overlay):
    result = dict(base)
    for key, value in (overlay or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def _auth_update(base, overlay):
    """openstacksdk's _auth_update: ``auth`` is merged one level deep, any other key replaced."""
    result = dict(base)
    for key, value in (overlay or {}).items():
        if key == 'auth' and isinstance(value, dict):
            result['auth'] = dict(result.get('auth') or {}, **value)
        else:
            result[key] = value
    return result


def _bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def _format(value, config):
    """``{region_name}``-style references to other top-level string values, as openstacksdk's
    ``str.format(**config)``; an unknown reference stays as written."""
    if not isinstance(value, str):
        return value
    return re.sub(r'\{(\w+)\}', lambda m: str(config[m.group(1)]) if isinstance(
        config.get(m.group(1)), (str, int)) else m.group(0), value)


def _regions(entry):
    """The region names an entry declares (``regions`` list, or ``region_name``), each with
    the values it overrides (``regions: [{name: eu-de, values: {...}}]``)."""
    if 'regions' in entry:
        regions = entry['regions'] or []
    elif entry.get('region_name'):
        value = entry['region_name']
        regions = value if isinstance(value, list) else str(value).split(',')
    else:
        return []
    result = []
    for region in regions:
        if isinstance(region, dict):
            if 'name' not in region or not set(region) <= set(['name', 'values']):
                raise ConfigError('invalid region entry %r: it needs name and only name and values' % sorted(region))
            result.append((region['name'], dict(region.get('values') or {})))
        else:
            result.append((region, {}))
    return result


class CloudsFile:
    """The clouds of clouds.yaml with secure.yaml merged in, found where openstacksdk looks."""

    def __init__(self, environ, cwd=None):
        self.environ = environ
        self.searched = search_paths('clouds', environ, cwd)
        self.path, self.secure_path = find_clouds_files(environ, cwd)
        self.clouds = {}
        if self.path:
            self.clouds = _load_file(self.path).get('clouds') or {}
        if self.secure_path:
            self.clouds = deep_merge(self.clouds, _load_file(self.secure_path).get('clouds') or {})

    def where(self):
        return self.path + (' (with %s)' % self.secure_path if self.secure_path else '')

    def missing(self, name, asked_by):
        """The error for a cloud ``name`` that is not there: which files were searched, which
        clouds exist. Names only, never a value of an entry."""
        override = self.environ.get('OS_CLIENT_CONFIG_FILE')
        if not self.path:
            text = "cloud '%s' (%s) was asked for, but no clouds.yaml was found; searched: %s" % (
                name, asked_by, ', '.join(p for p in self.searched if p))
        else:
            text = "cloud '%s' (%s) is not in %s; the clouds there: %s" % (
                name, asked_by, self.where(), ', '.join(sorted(self.clouds)) or 'none')
        if override and not os.path.exists(override):
            text += ' (OS_CLIENT_CONFIG_FILE names %s, which does not exist)' % override
        return ConfigError(text)


def environment_entry(environ):
    """The cloud openstacksdk makes of the OS_* variables (``OS_AUTH_URL`` -> ``auth_url`` ...),
    or None when only selectors (OS_CLOUD, OS_REGION_NAME, ...) are set."""
    keys = [k for k in environ if k.startswith('OS_') and not k.startswith(('OS_TEST', 'OS_STD', 'OS_LOG'))]
    if not [k for k in keys if k not in ENV_SELECTORS]:
        return None
    return dict((k.split('_', 1)[-1].lower(), environ[k]) for k in keys)


def _profile(entry, name):
    profile = entry.get('profile', entry.get('cloud'))
    if not profile or profile == ENV_CLOUD:
        return None, {}
    if profile not in VENDOR_PROFILES:
        return profile, None
    return profile, copy.deepcopy(VENDOR_PROFILES[profile])


def normalize_entry(entry, name, region=None):
    """One clouds.yaml entry as openstacksdk's OpenStackConfig.get_one(cloud, region_name) makes
    it: defaults, the vendor profile, the entry, the region's values, then its magic fixes.
    Returns the config dict (openstacksdk's key names) and the profile name (None if none)."""
    entry = dict((k.replace('-', '_') if k != 'auth' else k, v) for k, v in (entry or {}).items())
    profile, profile_data = _profile(entry, name)
    config = _auth_update(copy.deepcopy(DEFAULTS), profile_data or {})
    config.setdefault('auth', {})
    config = _auth_update(config, entry)
    config.pop('cloud', None)
    config.pop('profile', None)
    regions = _regions(entry) or _regions(profile_data or {})
    config.pop('regions', None)
    if regions:
        names = [r[0] for r in regions]
        if not region:
            region, values = regions[0]
        elif region in names:
            values = regions[names.index(region)][1]
        else:
            raise ConfigError("region '%s' is not a region of cloud '%s' (its regions: %s; names are case "
                              "sensitive)" % (region, name, ', '.join(names)))
        config.update(values)
    config['region_name'] = region or ''
    # magic fixes, in openstacksdk's order
    for key in list(config):
        if key.endswith('timeout') and key not in ('timeout', 'api_timeout'):
            config['api_timeout'] = config.pop(key)
    auth = dict(config['auth'] or {})
    for target, sources in _BACKWARDS_AUTH:
        value = None
        for key in sources:
            if key in auth:
                value = auth.pop(key)
            if key in config:
                value = config.pop(key)
        if value not in (None, ''):
            auth[target] = str(value)
    for key in list(config):
        if key.endswith('endpoint_type'):
            config[key.replace('endpoint_type', 'interface')] = config.pop(key)
    scoped = any(k in auth or k in config for k in ('project_id', 'project_name'))
    for target, derived in (('domain_id', ('user_domain_id', 'project_domain_id')),
                            ('domain_name', ('user_domain_name', 'project_domain_name'))):
        if not scoped:
            if target in config and target not in auth:
                auth[target] = config.pop(target)
            continue
        for key in derived:
            if target in auth and key not in auth:
                auth[key] = auth[target]
        config.pop(target, None)
        auth.pop(target, None)
    for key in ('insecure',):
        if key in config and not isinstance(config[key], bool):
            config[key] = _bool(config[key])
    for key in _PLUGIN_OPTIONS:
        if key in config:
            value = config.pop(key)
            if not auth.get(key):
                auth[key] = value
    if 'user_name' in auth:
        auth.setdefault('username', auth.pop('user_name'))
    config['auth'] = auth
    if auth.get('auth_url'):
        auth['auth_url'] = _format(auth['auth_url'], config)
    for key, value in list(config.items()):
        if key != 'password':
            config[key] = _format(value, config)
    return config, profile


def _settings_of(config, name, profile):
    """Our settings (module option names) from an openstacksdk-shaped config."""
    auth_in = config.get('auth') or {}
    settings = {'auth': {}, 'endpoints': {}}
    for key in ('auth_url', 'username', 'user_id', 'password', 'user_domain_name', 'project_name',
                'project_id', 'project_domain_name', 'token'):
        if auth_in.get(key) not in (None, ''):
            settings['auth'][key] = auth_in[key]
    for target, sources in _AKSK_KEYS:
        for source in (auth_in, config):
            for key in sources:
                if source.get(key) and target not in settings['auth']:
                    settings['auth'][target] = source[key]
    if config.get('auth_type'):
        settings['auth_type'] = config['auth_type']
    if config.get('region_name'):
        settings['region'] = config['region_name']
    if config.get('interface'):
        settings['interface'] = config['interface']
    if 'verify' in config:
        settings['validate_certs'] = _bool(config['verify'])
    if config.get('insecure'):
        settings['validate_certs'] = False
    if config.get('cacert'):
        settings['ca_cert'] = os.path.expanduser(config['cacert'])
    if config.get('api_timeout'):
        settings['timeout'] = int(float(config['api_timeout']))
    for key, value in config.items():
        if key.endswith('_endpoint_override') and value:
            settings['endpoints'][key[:-len('_endpoint_override')]] = value
    for key, value in (config.get('endpoints') or {}).items():
        settings['endpoints'][key] = value
    settings['profile'] = profile
    return settings


def load_cloud(name, environ, cwd=None, region=None, asked_by='the cloud option'):
    """The settings of clouds.yaml entry ``name`` (secure.yaml merged in), in our key names."""
    clouds = CloudsFile(environ, cwd)
    if name not in clouds.clouds:
        raise clouds.missing(name, asked_by)
    config, profile = normalize_entry(clouds.clouds[name], name, region)
    settings = _settings_of(config, name, profile)
    settings['source'] = "clouds.yaml entry '%s' in %s" % (name, clouds.where())
    return settings


def load_environment(environ, region=None):
    entry = environment_entry(environ) or {}
    config, profile = normalize_entry(entry, ENV_CLOUD, region or entry.get('region_name'))
    settings = _settings_of(config, ENV_CLOUD, profile)
    settings['source'] = 'module options and OS_* environment variables'
    return settings


def _default_cloud(environ, cwd):
    """The cloud openstacksdk takes when none is named: OS_CLOUD, else the OS_* variables when
    set, else the only entry of clouds.yaml. (name, who asked) or (None, None)."""
    if environ.get('OS_CLOUD'):
        return environ['OS_CLOUD'], 'OS_CLOUD'
    if environment_entry(environ) is not None:
        return None, None
    clouds = CloudsFile(environ, cwd)
    if len(clouds.clouds) == 1:
        return list(clouds.clouds)[0], 'the only cloud in %s' % clouds.where()
    return None, None


def resolve_settings(params, environ=None, cwd=None):
    """Merge module options over the clouds.yaml entry or the OS_* variables.

    Returns a dict: auth (dict of AUTH_KEYS), auth_type, region, interface, endpoints,
    validate_certs, ca_cert, timeout (of one HTTP answer: api_timeout), source (where the base
    came from, for messages).
    """
    environ = os.environ if environ is None else environ
    params = params or {}
    module_auth = dict((k, v) for k, v in (params.get('auth') or {}).items() if v not in (None, ''))
    cloud, asked_by = params.get('cloud'), 'the cloud option'
    if not cloud and not module_auth.get('auth_url'):
        # openstacksdk's default cloud; a module that names its own auth_url brings its own
        # credentials and never gets another cloud's mixed in
        cloud, asked_by = _default_cloud(environ, cwd)
    if cloud:
        base = load_cloud(cloud, environ, cwd, params.get('region'), asked_by)
    else:
        base = load_environment(environ, params.get('region'))
    settings = dict(base)
    settings['auth'] = deep_merge(base.get('auth') or {}, module_auth)
    settings['endpoints'] = deep_merge(base.get('endpoints') or {}, params.get('endpoints') or {})
    for key, option in (('region', 'region'), ('validate_certs', 'validate_certs'), ('ca_cert', 'ca_cert'),
                        ('timeout', 'api_timeout'), ('interface', 'interface'), ('auth_type', 'auth_type')):
        if params.get(option) is not None:
            settings[key] = params[option]
    settings.setdefault('validate_certs', True)
    settings.setdefault('timeout', 30)
    settings.setdefault('region', None)
    settings.setdefault('ca_cert', None)
    settings.setdefault('interface', 'public')
    settings.setdefault('profile', None)
    check_settings(settings)
    return settings


def auth_method(auth, auth_type=None):
    """``password``, ``token`` or ``aksk``: the auth_type when given, else what the credentials are."""
    if auth_type:
        return AUTH_TYPES.get(auth_type, auth_type)
    if auth.get('ak') or auth.get('sk'):
        return 'aksk'
    if auth.get('token'):
        return 'token'
    return 'password'


def check_settings(settings):
    auth = settings['auth']
    where = settings.get('source', 'the connection settings')
    auth_type = settings.get('auth_type')
    if auth_type and auth_type not in AUTH_TYPES:
        raise ConfigError("auth_type '%s' is not supported (from %s); use one of %s, or leave it out to "
                          "choose by the credentials given" % (auth_type, where, ', '.join(sorted(AUTH_TYPES))))
    if settings.get('interface') not in INTERFACES:
        raise ConfigError("interface '%s' is not one of %s (from %s)" % (
            settings.get('interface'), ', '.join(INTERFACES), where))
    method = auth_method(auth, auth_type)
    if method == 'aksk':
        if not (auth.get('ak') and auth.get('sk')):
            raise ConfigError('AK/SK authentication needs both ak and sk (from %s)' % where)
        if not auth.get('project_id') and not auth.get('auth_url') and not settings.get('endpoints'):
            raise ConfigError('AK/SK authentication needs auth.project_id or auth.auth_url (from %s)' % where)
        return
    if not auth.get('auth_url'):
        text = 'no auth_url: set auth.auth_url, cloud, OS_CLOUD or OS_AUTH_URL (from %s)' % where
        profile = settings.get('profile')
        if profile and profile not in VENDOR_PROFILES:
            text += "; its profile '%s' is not one this collection knows (%s)" % (
                profile, ', '.join(sorted(VENDOR_PROFILES)))
        raise ConfigError(text)
    if method == 'token':
        if not auth.get('token'):
            raise ConfigError('token authentication needs auth.token (from %s)' % where)
        return
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
