# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every task's module process imports what its module imports (from the AnsiballZ zip, compiled
each time): what a task does not use must not be imported. Checked in a fresh interpreter, since
this one has everything loaded already."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

PREFIX = 'ansible_collections.dataprotection.evs.plugins.'
BACKUP = PREFIX + 'module_utils.backup'
SIGNER = PREFIX + 'module_utils.signer'
LOGIN = PREFIX + 'module_utils.login'
RACES = PREFIX + 'module_utils.races'


def loaded_after(code):
    """The modules of interest that ``code`` leaves in sys.modules of a new interpreter."""
    script = code + '\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m in %r)))' % (
        ('yaml', BACKUP, SIGNER, LOGIN, RACES),)
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('module', ['snapshot', 'snapshot_info', 'disk', 'disk_info', 'snapshot_batch'])
def test_importing_a_module_loads_neither_yaml_nor_unused_module_utils(module):
    # PyYAML only reads a clouds.yaml, the signer only signs AK/SK requests, the backup
    # services' code only serves a disk created from a backup, the token request only runs
    # without a cached token, and the settling of two runs' creates only after a create
    assert loaded_after('import %smodules.%s' % (PREFIX, module)) == []


def test_settings_from_options_load_no_yaml_and_a_clouds_yaml_does(tmp_path):
    resolve = ('from %smodule_utils.config import resolve_settings\n' % PREFIX
               + 'resolve_settings(%r, {"HOME": %r}, %r)')
    options = {'auth': {'auth_url': 'https://iam.eu-de.otc.t-systems.com/v3', 'token': 't0ken'}}
    assert loaded_after(resolve % (options, str(tmp_path), str(tmp_path))) == []
    (tmp_path / 'clouds.yaml').write_text('clouds:\n  c:\n    auth: {auth_url: "http://x/v3", token: t}\n')
    assert loaded_after(resolve % ({'cloud': 'c'}, str(tmp_path), str(tmp_path))) == ['yaml']


def test_a_cached_token_loads_neither_the_login_nor_the_signer(tmp_path):
    # every task after a run's first finds its token in the cache: the token request, its
    # failure messages and the AK/SK paths are not compiled in its process
    script = """
from {p}module_utils.client import Client
from {p}module_utils.config import resolve_settings
from {p}module_utils.token_cache import TokenCache
settings = resolve_settings({{'auth': {{'auth_url': 'http://127.0.0.1:9/v3', 'username': 'u', 'password': 'pw',
                                      'user_domain_name': 'd', 'project_name': 'eu-de'}}, 'region': 'eu-de'}},
                            {{'HOME': {home!r}}}, {home!r})
cache = TokenCache({home!r})
client = Client(settings, token_cache=cache)
cache.store(client._cache_key(client._identity(), client._project_scope()), 'cached-token', [], 'pid', 3600)
client.authenticate()
assert client._token == 'cached-token' and client.project_id == 'pid'
""".format(p=PREFIX, home=str(tmp_path))
    assert loaded_after(script) == []
