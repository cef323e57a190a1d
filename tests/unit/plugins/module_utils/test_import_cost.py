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


def loaded_after(code):
    """The modules of interest that ``code`` leaves in sys.modules of a new interpreter."""
    script = code + '\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m in %r)))' % (
        ('yaml', BACKUP, SIGNER),)
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('module', ['snapshot', 'snapshot_info', 'disk', 'disk_info', 'snapshot_batch'])
def test_importing_a_module_loads_neither_yaml_nor_unused_module_utils(module):
    # PyYAML only reads a clouds.yaml, the signer only signs AK/SK requests, and the backup
    # services' code only serves a disk created from a backup
    assert loaded_after('import %smodules.%s' % (PREFIX, module)) == []


def test_settings_from_options_load_no_yaml_and_a_clouds_yaml_does(tmp_path):
    resolve = ('from %smodule_utils.config import resolve_settings\n' % PREFIX
               + 'resolve_settings(%r, {"HOME": %r}, %r)')
    options = {'auth': {'auth_url': 'https://iam.eu-de.otc.t-systems.com/v3', 'token': 't0ken'}}
    assert loaded_after(resolve % (options, str(tmp_path), str(tmp_path))) == []
    (tmp_path / 'clouds.yaml').write_text('clouds:\n  c:\n    auth: {auth_url: "http://x/v3", token: t}\n')
    assert loaded_after(resolve % ({'cloud': 'c'}, str(tmp_path), str(tmp_path))) == ['yaml']
