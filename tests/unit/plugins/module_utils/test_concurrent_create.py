# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two runs at once: the module base keeps the first made of the namesakes and deletes only the
copy this run made (the end-to-end attack is tests/reliability/test_concurrent_runs.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.races import first_made


@pytest.mark.parametrize('older, newer', [
    ('2026-06-01T10:00:00Z', '2026-06-01T10:00:00.000001Z'),         # no fraction, then one
    ('2026-06-01T10:00:00.999999', '2026-06-01T10:00:01.000000'),
    ('2026-06-01 10:00:00.120', '2026-06-01 10:00:00.121'),          # SDRS: a blank, milliseconds
    ('2026-06-01T10:00:00+00:00', '2026-06-01T10:00:00.5+00:00'),
])
def test_the_first_made_is_the_oldest_whatever_the_ids(older, newer):
    assert first_made([{'id': 'a', 'created_at': newer}, {'id': 'z', 'created_at': older}])['id'] == 'z'


def test_the_same_instant_is_decided_by_the_smallest_id():
    same = '2026-06-01T10:00:00.000000'
    assert first_made([{'id': 'b', 'created_at': same}, {'id': 'a', 'created_at': same}])['id'] == 'a'


class Raced(ResourceModule):
    """A create that another run raced: ``other`` is already there, made before ours."""
    argument_spec = dict(name=dict(type='str', required=True), size=dict(type='int'),
                         state=dict(type='str', default='present'))
    kind = result_key = 'thing'
    updatable = ('size',)
    result_fields = ('id', 'name', 'size', 'status', 'created_at')
    cloud = []
    deleted = []
    lost_answer = False

    def find(self):
        return None  # both runs looked before either created

    def namesakes(self):
        return [dict(t) for t in self.cloud]

    def fetch(self, resource_id):
        return next((dict(t) for t in self.cloud if t['id'] == resource_id), None)

    def desired(self, current):
        return {'name': self.params['name'], 'size': self.params['size']}

    def create(self, desired):
        mine = dict(desired, id='mine', status='available', created_at='2026-06-01T10:00:00.000200')
        self.cloud.append(mine)
        if self.lost_answer:
            self.client.recovered += 1
        return dict(mine)

    def update(self, current, changes):
        thing = next(t for t in self.cloud if t['id'] == current['id'])
        thing.update(changes)
        return dict(thing)

    def delete(self, current):
        self.deleted.append(current['id'])
        self.cloud[:] = [t for t in self.cloud if t['id'] != current['id']]


@pytest.fixture
def warned(monkeypatch):
    messages = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, message: messages.append(message))
    return messages


@pytest.fixture
def raced():
    Raced.cloud = [{'id': 'other', 'name': 'x', 'size': 1, 'status': 'available',
                    'created_at': '2026-06-01T10:00:00.000100'}]
    Raced.deleted = []
    Raced.lost_answer = False
    return Raced


def test_the_later_run_deletes_its_own_copy_and_takes_the_first(raced, run_module, warned):
    result = run_module(raced, {'name': 'x', 'size': 1})
    assert not result['failed'], result
    assert raced.deleted == ['mine'] and [t['id'] for t in raced.cloud] == ['other']
    assert result['thing']['id'] == 'other' and result['changed'] is False
    assert any('other' in w and 'mine' in w for w in warned)


def test_the_later_run_still_updates_the_one_it_takes(raced, run_module):
    result = run_module(raced, {'name': 'x', 'size': 5})
    assert result['changed'] is True and result['thing']['size'] == 5 and raced.deleted == ['mine']


def test_a_create_whose_answer_was_lost_is_never_deleted(raced, run_module):
    raced.lost_answer = True  # what the look-up found may be the other run's
    result = run_module(raced, {'name': 'x', 'size': 1})
    assert raced.deleted == [] and result['thing']['id'] == 'other'


def test_the_first_run_keeps_its_own(raced, run_module):
    raced.cloud[0]['created_at'] = '2026-06-01T10:00:00.000300'  # the other run came later
    result = run_module(raced, {'name': 'x', 'size': 1})
    assert raced.deleted == [] and result['thing']['id'] == 'mine' and result['changed'] is True


def test_without_creation_times_nothing_is_deleted(raced, run_module, warned):
    raced.cloud[0]['created_at'] = None
    result = run_module(raced, {'name': 'x', 'size': 1})
    assert raced.deleted == [] and result['thing']['id'] == 'mine'
    assert any('both are left' in w for w in warned)


def test_check_mode_sends_nothing(raced, run_module):
    result = run_module(raced, {'name': 'x', 'size': 1}, check=True)
    assert result['changed'] is True and raced.deleted == [] and len(raced.cloud) == 1
