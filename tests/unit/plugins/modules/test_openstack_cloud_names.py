# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users bring openstack.cloud's option names and its module_defaults habit: every module is in
the action group, and every connection option name of openstack.cloud's doc fragment (and the
volume option of its volume_snapshot/volume_backup modules) is accepted with its meaning."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

import pytest
import yaml

from ansible_collections.dataprotection.evs.plugins.module_utils.info import Info
from ansible_collections.dataprotection.evs.plugins.module_utils.module import connection_argument_spec

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))

# openstack.cloud's plugins/doc_fragments/openstack.py: option -> (our option, what it means)
OPENSTACK_CLOUD = {
    'cloud': 'cloud', 'auth': 'auth', 'auth_type': 'auth_type', 'region_name': 'region',
    'wait': 'wait', 'timeout': 'wait_timeout', 'api_timeout': 'api_timeout',
    'validate_certs': 'validate_certs', 'verify': 'validate_certs', 'ca_cert': 'ca_cert', 'cacert': 'ca_cert',
    'interface': 'interface', 'endpoint_type': 'interface',
}


def test_every_module_is_in_the_module_defaults_group():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    assert sorted(runtime['action_groups']['all']) == MODULES


@pytest.mark.parametrize('name,ours', sorted(OPENSTACK_CLOUD.items()))
def test_openstack_cloud_connection_names_are_accepted(name, ours):
    spec = connection_argument_spec()
    assert name == ours or name in spec[ours].get('aliases', [])


def test_timeout_means_waiting_as_in_openstack_cloud():
    # openstack.cloud: timeout is how long to wait for the resource, api_timeout one HTTP answer
    spec = connection_argument_spec()
    assert 'timeout' not in spec and 'timeout' in spec['wait_timeout']['aliases']
    assert spec['api_timeout']['type'] == 'int'


@pytest.mark.parametrize('module', ['snapshot', 'snapshot_info', 'snapshot_rollback', 'backup', 'backup_info',
                                    'backup_restore'])
def test_volume_is_the_disk(module):
    # a resource module's class, or an info module's declaration (module_utils/info.py)
    spec = [getattr(v, 'argument_spec', None) or getattr(v, 'options', None) for v in vars(importlib.import_module(
        'ansible_collections.dataprotection.evs.plugins.modules.' + module)).values()
        if isinstance(v, (type, Info)) and 'disk' in (getattr(v, 'argument_spec', None) or getattr(v, 'options', {}))][0]
    assert 'volume' in spec['disk'].get('aliases', [])
