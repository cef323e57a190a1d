# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_snapshot_batch import dr_snapshot_batch


MARKS = {'dp_evs_policy': 'gold', 'dp_evs_tier': 'db'}


def _target(disk, skip=None):
    return {'disk_id': disk, 'name': 'gold-db-20261125T1000Z', 'policy': 'gold', 'tier': 'db', 'force': True,
            'slot': {'start': '2026-11-25T10:00:00Z'}, 'metadata': dict(MARKS), 'skip': skip}


def test_leaves_out_skipped_and_available_keeps_creating_and_other_disks():
    snapshots = [
        {'volume_id': 'd1', 'name': 'gold-db-20261125T1000Z', 'status': 'available', 'metadata': MARKS},
        {'volume_id': 'd2', 'name': 'gold-db-20261125T1000Z', 'status': 'creating', 'metadata': MARKS},
        {'volume_id': 'd3', 'name': 'gold-db-20261125T0900Z', 'status': 'available', 'metadata': MARKS},
    ]
    batch = dr_snapshot_batch([_target('d1'), _target('d2'), _target('d3'), _target('d4', skip='disk is error')],
                              snapshots)
    assert [item['disk'] for item in batch] == ['d2', 'd3']
    assert batch[0] == {'disk': 'd2', 'name': 'gold-db-20261125T1000Z', 'force': True,
                        'metadata': MARKS, 'owner_metadata': MARKS,
                        'description': 'gold policy, tier db, slot 2026-11-25T10:00:00Z'}


def test_a_snapshot_of_the_due_name_without_the_policys_marks_does_not_count_as_taken():
    """The attack: a hand-made snapshot, another policy's, or another tier's, named like the due one.
    It stays in the batch with the policy's marks as owner_metadata, so the module refuses to adopt it."""
    for metadata in ({}, {'dp_evs_policy': 'gold-x', 'dp_evs_tier': 'db'}, {'dp_evs_policy': 'gold'},
                     {'dp_evs_policy': 'gold', 'dp_evs_tier': 'weekly'}, None):
        impostor = {'volume_id': 'd1', 'name': 'gold-db-20261125T1000Z', 'status': 'available', 'metadata': metadata}
        assert dr_snapshot_batch([_target('d1')], [impostor]) == [{
            'disk': 'd1', 'name': 'gold-db-20261125T1000Z', 'force': True, 'metadata': MARKS, 'owner_metadata': MARKS,
            'description': 'gold policy, tier db, slot 2026-11-25T10:00:00Z'}]


def test_absent_names_each_snapshot_by_id_on_its_own_disk_with_its_marks():
    assert dr_snapshot_batch([{'id': 's1', 'volume_id': 'd1', 'name': 'x', 'metadata': MARKS}], state='absent') == [
        {'disk': 'd1', 'name': 's1', 'owner_metadata': MARKS}]
    with pytest.raises(AnsibleFilterError, match="x carries no dp_evs_policy mark; only a policy's own copies"):
        dr_snapshot_batch([{'id': 's1', 'volume_id': 'd1', 'name': 'x', 'metadata': {'by': 'hand'}}], state='absent')


@pytest.mark.parametrize('targets, state', [([{'name': 'x'}], 'present'), ([{'id': 's'}], 'absent'), ([], 'gone')])
def test_wrong_input_is_a_clear_error(targets, state):
    with pytest.raises(AnsibleFilterError, match='dr_snapshot_batch'):
        dr_snapshot_batch(targets, state=state)
