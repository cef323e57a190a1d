# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declarations of the backup resource types: what each service owns and refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import BACKUP_SERVICES
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_types import POLICY_BACKENDS
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.modules.backup_policy import BackupPolicyModule

OWNED = [(backend.name, option) for backend in POLICY_BACKENDS.values() for option in backend.options]


def validated(**params):
    """A backup_policy module without an AnsibleModule: only its checks run."""
    module = BackupPolicyModule.__new__(BackupPolicyModule)
    module.params = dict((k, None) for k in BackupPolicyModule.argument_spec)
    module.params.update(name='nightly', state='present', backend='cbr', purge_disks=False)
    module.params.update(params)
    module.validate()


def test_each_service_owns_its_own_options():
    options = [option for owner, option in OWNED]
    assert sorted(options) == sorted(set(options))
    assert all(option in BackupPolicyModule.argument_spec for option in options)


@pytest.mark.parametrize('owner, option', OWNED)
def test_an_option_of_one_service_is_refused_for_the_other(owner, option):
    other = [name for name in POLICY_BACKENDS if name != owner][0]
    validated(backend=owner, **{option: {} if option == 'long_term_retention' else ['d1']})
    with pytest.raises(ResourceError) as refused:
        validated(backend=other, **{option: {} if option == 'long_term_retention' else ['d1']})
    assert refused.value.msg == '%s is a %s option; this policy is %s (backend: %s)' % (
        option, owner.upper(), other.upper(), other)


def test_the_name_is_checked_before_the_options():
    with pytest.raises(ResourceError, match='the prefix default is reserved'):
        validated(backend='vbs', name='default-x', long_term_retention={})


@pytest.mark.parametrize('description, refused', [
    ('x' * 64, False), ('x' * 65, True), ('a <b>', True), ('', False), (None, False)])
def test_only_vbs_limits_a_backup_description(description, refused):
    assert bool(BACKUP_SERVICES['vbs'].description_problem(description)) is refused
    assert BACKUP_SERVICES['cbr'].description_problem(description) is None


def test_only_cbr_backups_live_in_vaults_and_keep_the_disk_name():
    assert [name for name, service in sorted(BACKUP_SERVICES.items()) if service.uses_vault] == ['cbr']
    assert [name for name, service in sorted(BACKUP_SERVICES.items()) if service.keeps_disk_name] == ['cbr']
