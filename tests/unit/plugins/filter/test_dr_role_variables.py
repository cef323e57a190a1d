# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_role_variables import (
    dr_role_variables, edit_distance, known_role_variables)

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles')
ROLE_NAMES = sorted(os.listdir(ROLES))


def test_a_typo_of_the_confirmation_is_named_with_the_variable_meant():
    message = dr_role_variables(['restore_disk', 'restore_confrim', 'restore_ticket'], os.path.join(ROLES, 'restore'))
    assert message == ('the restore role does not know the variable restore_confrim (did you mean restore_confirm?); '
                       'a mistyped variable is ignored and its default used, so the run stops here; nothing was changed')


@pytest.mark.parametrize('role', ROLE_NAMES)
def test_every_role_knows_its_arguments_defaults_and_its_own_facts(role):
    path = os.path.join(ROLES, role)
    known = known_role_variables(path)
    # the check's own task variable, registered results and set_fact names count as known
    assert role + '_mistyped_variables' in known
    assert dr_role_variables(sorted(known), path) == ''


@pytest.mark.parametrize('role, name, meant', [
    ('failover', 'failover_confrim', 'failover_confirm'),
    ('restore', 'restore_taget', 'restore_target'),
    ('snapshot_policy', 'snapshot_policy_polciy', 'snapshot_policy_policy'),
])
def test_typos_are_found_in_every_role(role, name, meant):
    assert '%s (did you mean %s?)' % (name, meant) in dr_role_variables([name], os.path.join(ROLES, role))


def test_names_far_from_every_known_one_are_the_plays_own():
    # the prefix is also the one ansible-lint asks plays (and molecule scenarios) to give their facts
    assert dr_role_variables(['drill_verify_disks', 'restore_verify_case'], os.path.join(ROLES, 'drill')) == ''


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance('confrim', 'confirm') == 1
    assert edit_distance('taget', 'target') == 1
    assert edit_distance('verify_disks', 'verify_tasks') == 2


def test_bad_input():
    with pytest.raises(AnsibleFilterError, match='role directory'):
        dr_role_variables(['x_y'], '/no/such/role')
    with pytest.raises(AnsibleFilterError, match='list of variable names'):
        dr_role_variables('restore_x', os.path.join(ROLES, 'restore'))


def test_an_unknown_variable_far_from_every_known_one_is_reported_as_a_warning(monkeypatch):
    warned = []
    monkeypatch.setattr('ansible.utils.display.Display.warning', lambda self, msg, *a, **k: warned.append(msg))
    path = os.path.join(ROLES, 'restore')
    assert dr_role_variables(['restore_disk', 'restore_overwrite_everything'], path) == ''
    assert warned == ['the restore role does not use the variable restore_overwrite_everything (a fact of the play, '
                      'or a mistake: the role ignores it)']


def test_known_variables_give_no_warning(monkeypatch):
    warned = []
    monkeypatch.setattr('ansible.utils.display.Display.warning', lambda self, msg, *a, **k: warned.append(msg))
    dr_role_variables(['restore_disk', 'restore_confirm'], os.path.join(ROLES, 'restore'))
    assert warned == []


def test_the_facts_of_task_files_in_subfolders_are_known():
    # roles/protect/tasks/mechanisms/: a second protect run in one play sees the first run's facts
    known = known_role_variables(os.path.join(ROLES, 'protect'))
    assert {'protect_vaults', 'protect_replication_plan', 'protect_snapshot_check'} <= known
    assert dr_role_variables(['protect_replication_plan', 'protect_vaults'], os.path.join(ROLES, 'protect')) == ''
