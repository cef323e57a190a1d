# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dr_restore_request and dr_drill_request: what the restore and drill roles decide from their
sources, from the mechanism registry, so that the roles name no mechanism (an extra mechanism's
case is in test_dr_mechanisms.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_drill_request import dr_drill_request
from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_request import dr_restore_request
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import checked, refused_by, tier

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
DISKS = [{'id': 'id-db01', 'name': 'db01', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'gold'}},
         {'id': 'id-app01', 'name': 'app01', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'bronze'}}]


@pytest.mark.parametrize('source, zone_up, reads', [
    ('auto', True, ['snapshots', 'backups']),
    ('auto', False, ['backups']),  # snapshots live in the disk's zone: not read while it is down
    ('snapshot', True, ['snapshots']),
    ('snapshot', False, []),
    ('backup', False, ['backups']),
    ('replication', True, []),
])
def test_the_copies_read_for_a_source(source, zone_up, reads):
    request = dr_restore_request(source, zone_up=zone_up)
    assert request['reads'] == reads and request['valid']


def test_the_sources_taken_here_and_in_another_region():
    assert dr_restore_request('auto')['accepted'] == ['auto', 'snapshot', 'backup', 'replication']
    # a region's replicas are backups there: restored as backups
    assert dr_restore_request('auto', other_region=True)['accepted'] == ['auto', 'backup']
    assert not dr_restore_request('snapshot', other_region=True)['valid']
    for bad in ('tape', '', None, ['backup'], 7):
        assert not dr_restore_request(bad)['valid'] and dr_restore_request(bad)['reads'] == []


def test_a_source_whose_copies_restore_no_disk_is_refused_with_its_way_back():
    refusal = dr_restore_request('replication', disk='db01')['refusal']
    assert refusal.startswith('restore_source=replication: restoring by failover acts on a whole protection group')
    assert 'run the failover playbook (dataprotection.evs.failover) for the group that replicates db01' in refusal
    assert dr_restore_request('auto')['refusal'] is None and dr_restore_request('backup')['refusal'] is None


def test_the_drill_sources_and_how_each_restores():
    request = dr_drill_request(['snapshot', 'backup'])
    assert request['accepted'] == ['snapshot', 'backup', 'region_replication']
    assert (request['disk_accepted'], request['region_accepted']) == (['snapshot', 'backup'], ['region_replication'])
    assert (request['unknown'], request['disk_sources'], request['region']) == ([], ['snapshot', 'backup'], False)
    assert request['copies'] == {'snapshot': {'copies': 'snapshots', 'own_zone_only': True},
                                 'backup': {'copies': 'backups', 'own_zone_only': False}}
    assert request['group_mechanism'] == 'replication'
    region = dr_drill_request(['region_replication'])
    assert (region['disk_sources'], region['region'], region['region_sources']) == ([], True, ['region_replication'])
    # replication is drilled through its protection groups, never as a disk source
    assert dr_drill_request(['replication', 'tape', 'snapshot'])['unknown'] == ['replication', 'tape']
    for bad in ('snapshot', [None], None):
        assert 'drill_sources must be a list of mechanism names' in refused_by(dr_drill_request, bad)


def test_the_drill_job_table_of_disks_and_a_policy():
    policy = checked(tier('gold', mechanisms=['snapshot', 'backup']),
                     tier('bronze', mechanisms=['snapshot', 'replication'], secondary_az='eu-de-02'),
                     az_distances_km={'eu-de-01': {'eu-de-02': 20}})
    named = [{'id': 'id-x', 'name': 'x'}]
    request = dr_drill_request(['backup', 'snapshot'], disks=named, inventory=DISKS, policy=policy)
    assert [(disk['name'], mechanism) for disk, mechanism in request['disk_jobs']] == [
        ('x', 'snapshot'), ('x', 'backup'), ('db01', 'snapshot'), ('db01', 'backup'), ('app01', 'snapshot')]
    assert request['groups'] == ['shop-bronze']
    only = dr_drill_request(['backup'], inventory=DISKS, policy=policy, tiers=['bronze'])
    assert (only['disk_jobs'], only['groups']) == ([], ['shop-bronze'])
    assert dr_drill_request(['snapshot'], disks=named)['groups'] == []
    assert 'the policy must come from the dr_policy filter' in refused_by(
        dr_drill_request, ['snapshot'], inventory=DISKS, policy={'tiers': [{'name': 'gold'}]})


@pytest.mark.parametrize('role, files', [('restore', ('main', 'same_region', 'other_region')),
                                         ('drill', ('main', 'disk', 'group'))])
def test_the_restore_and_drill_roles_name_no_mechanism(role, files):
    names = '|'.join(re.escape(name) for name in registry.names())
    for name in files:
        with open(os.path.join(ROOT, 'roles', role, 'tasks', name + '.yml')) as tasks:
            text = tasks.read()
        assert not re.findall(r"""['"](%s)['"]""" % names, text), (role, name)
