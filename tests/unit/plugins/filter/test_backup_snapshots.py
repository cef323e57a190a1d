# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot a VBS or CBR backup leaves on its disk (autobk_snapshot_*, manualbk_snapshot_vbs_*)
as the attack on every filter that reads snapshots: it is the newest snapshot of the disk, yet
nothing counts it, keeps it as the newest copy, prunes it or restores from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_plan import dr_restore_plan
from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_point import dr_restore_point
from ansible_collections.dataprotection.evs.plugins.filter.retention_plan import FilterModule
from ansible_collections.dataprotection.evs.plugins.inventory.disks import build_hosts
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import made_by_backup

retention_plan = FilterModule().filters()['retention_plan']
NOW = '2026-11-25T12:00:00Z'
BACKUP_SNAPSHOT_NAMES = ('autobk_snapshot_vbs_1f2e', 'manualbk_snapshot_vbs_1f2e', 'autobk_snapshot_9a8b',
                         'manualbk_snapshot_csbs_77')


def copy(sid, created, name=None, policy='shop', volume='d1', status='available'):
    return {'id': sid, 'name': name or 'shop-bronze-%s' % sid, 'volume_id': volume, 'status': status,
            'created_at': created, 'metadata': {'dp_evs_policy': policy, 'dp_evs_tier': 'bronze'} if policy else {}}


def by_backup(name, created='2026-11-25T11:59:00.000000', volume='d1'):
    return copy('bk-' + name, created, name=name, policy=None, volume=volume)


@pytest.mark.parametrize('name', BACKUP_SNAPSHOT_NAMES)
def test_the_names_the_cloud_gives_them_and_nothing_else(name):
    assert made_by_backup({'name': name})
    assert made_by_backup({'name': 'mine', 'made_by_backup': True})  # snapshot_info's flag wins
    assert not made_by_backup({'name': name, 'made_by_backup': False})
    # a backup (backup_info's shape) is a copy, whatever its name
    assert not made_by_backup({'name': name, 'backend': 'cbr', 'disk_id': 'd1'})
    assert not made_by_backup({'name': 'autobk_1f2e'})  # a policy backup's name


@pytest.mark.parametrize('name', BACKUP_SNAPSHOT_NAMES)
def test_retention_never_keeps_it_as_the_newest_copy_nor_prunes_it(name):
    # within 1h keeps nothing of the policy's: only "the newest copy is always kept" keeps its
    # newest one; a newer backup snapshot must not take that place
    copies = [copy('a', '2026-11-25T08:00:00.000000'), copy('b', '2026-11-24T08:00:00.000000'), by_backup(name)]
    plan = retention_plan(copies, {'within': '1h'}, NOW, policy='shop')
    assert [(c['id'], c['retention_reasons']) for c in plan['keep']] == [('a', ['newest'])]
    assert [c['id'] for c in plan['prune']] == ['b']
    assert [(c['id'], c['retention_reasons']) for c in plan['ignored']] == [('bk-' + name, ['made by a backup'])]


def test_retention_ignores_it_even_when_it_carries_a_policys_marks():
    marked = dict(by_backup('autobk_snapshot_vbs_1'), metadata={'dp_evs_policy': 'shop', 'dp_evs_tier': 'bronze'})
    plan = retention_plan([marked, copy('a', '2026-11-20T08:00:00.000000')], {'last': 1}, NOW, policy='shop',
                          tier='bronze')
    assert [c['id'] for c in plan['keep']] == ['a'] and plan['prune'] == []


@pytest.mark.parametrize('name', BACKUP_SNAPSHOT_NAMES)
def test_a_restore_never_chooses_it(name):
    snaps = [copy('a', '2026-11-25T08:00:00.000000'), by_backup(name)]
    assert dr_restore_point(snaps, now=NOW)['id'] == 'a'
    disk = {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-01'}
    plan = dr_restore_plan(disk, snapshots=snaps, backups=[], now=NOW, source='snapshot')
    assert plan['source_copy']['id'] == 'a'
    with pytest.raises(AnsibleFilterError, match='no available copy to restore from'):
        dr_restore_point([by_backup(name)], now=NOW)
    with pytest.raises(AnsibleFilterError, match='cannot be restored'):
        dr_restore_plan(disk, snapshots=[by_backup(name)], backups=[], now=NOW, target='original')


def test_a_backup_named_like_one_is_still_restored_from():
    backup = {'id': 'b1', 'name': 'manualbk_snapshot_vbs_1', 'status': 'available', 'disk_id': 'd1',
              'backend': 'cbr', 'created_at': '2026-11-25T08:00:00Z'}
    assert dr_restore_point([backup], now=NOW)['id'] == 'b1'


POLICY = dr_policy({'name': 'shop', 'tiers': [
    {'name': 'bronze', 'failure': 'disk', 'rpo': '1d', 'retention': {'last': 2}, 'disks': {'metadata': {'tier': 'bronze'}}},
]})
DISK = {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-01', 'status': 'available', 'metadata': {'tier': 'bronze'}}


def test_the_audit_does_not_count_it_as_a_snapshot_copy():
    (row,) = dr_audit([DISK], POLICY, NOW, snapshots=[by_backup('autobk_snapshot_vbs_1')])['disks']
    assert row['copies'] == [] and row['copies_per_mechanism']['snapshot'] == 0
    assert row['verdict'] == 'out of policy' and 'no copy at all' in row['reasons']
    stale = copy('a', '2026-11-22T08:00:00.000000')
    (row,) = dr_audit([DISK], POLICY, NOW, snapshots=[stale, by_backup('manualbk_snapshot_vbs_1')])['disks']
    assert [c['id'] for c in row['copies']] == ['a'] and row['reasons'][0].startswith('stale')


def test_the_inventory_does_not_count_it():
    (host,) = build_hosts([DISK], [], [by_backup('autobk_snapshot_1')], [], [], ['snapshot', 'backup', 'replication'])
    assert host['vars']['evs_protection']['snapshots'] == 0 and host['vars']['evs_protected_by'] == []
    assert host['vars']['evs_protection_status'] == 'unprotected'
