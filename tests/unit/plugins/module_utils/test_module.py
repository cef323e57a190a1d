# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base's flow with a toy resource kept in a dict (no HTTP at all)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import (
    ResourceModule, connection_argument_spec, snake_key, snake_resource)


class Toy(ResourceModule):
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        description=dict(type='str'),
        tags=dict(type='dict'),
        size=dict(type='int'),
    )
    kind = 'thing'
    result_key = 'thing'
    updatable = ('description', 'tags', 'size')
    server_defaults = {'description': '', 'tags': {}}
    result_fields = ('id', 'name', 'description', 'tags', 'size', 'status')
    store = {}
    calls = []
    fail_create = None

    def validate(self):
        self.validate_text('description', self.params['description'], limit=10)

    def find(self):
        self.calls.append('find')
        found = self.store.get(self.params['name'])
        return copy.deepcopy(found)

    def desired(self, current):
        return {'name': self.params['name'], 'description': self.params['description'],
                'tags': self.params['tags'], 'size': self.params['size']}

    def check_update(self, current, changes):
        if 'size' in changes and changes['size'] < current['size']:
            raise ResourceError("thing '%s' cannot shrink" % current['name'])

    def create(self, desired):
        self.calls.append('create')
        if self.fail_create is not None:
            raise self.fail_create  # pylint: disable=raising-bad-type
        thing = dict(desired, id='id-1', status='available', **{'Extra-Field': 1})
        self.store[desired['name']] = thing
        return thing

    def update(self, current, changes):
        self.calls.append(('update', sorted(changes)))
        self.store[current['name']].update(changes)
        return self.store[current['name']]

    def delete(self, current):
        self.calls.append('delete')
        del self.store[current['name']]


@pytest.fixture
def toy():
    Toy.store = {}
    Toy.calls = []
    Toy.fail_create = None
    return Toy


def mutating(calls):
    return [c for c in calls if c != 'find']


def test_create_then_second_run_unchanged(toy, run_module):
    result = run_module(toy, {'name': 'a', 'description': 'd', 'size': 1})
    assert result['changed'] is True
    assert result['thing'] == {'id': 'id-1', 'name': 'a', 'description': 'd', 'tags': None, 'size': 1,
                               'status': 'available'}
    assert 'diff' not in result
    toy.calls[:] = []
    again = run_module(toy, {'name': 'a', 'description': 'd', 'size': 1})
    assert again['changed'] is False and mutating(toy.calls) == []


def test_check_mode_predicts_create_with_the_same_shape(toy, run_module):
    predicted = run_module(toy, {'name': 'a', 'description': 'd'}, check=True)
    assert mutating(toy.calls) == [] and toy.store == {}
    real = run_module(toy, {'name': 'a', 'description': 'd'})
    assert predicted['changed'] is real['changed'] is True
    assert sorted(predicted['thing']) == sorted(real['thing'])
    assert predicted['thing']['status'] == real['thing']['status'] == 'available'
    assert predicted['thing']['id'] is None


def test_wait_false_predicts_transitional_status(toy, run_module):
    predicted = run_module(toy, {'name': 'a', 'wait': False}, check=True)
    assert predicted['thing']['status'] == 'creating'


def test_unset_fields_and_server_defaults_are_not_changes(toy, run_module):
    toy.store['a'] = {'id': 'id-1', 'name': 'a', 'description': None, 'tags': {}, 'size': 3, 'status': 'available'}
    result = run_module(toy, {'name': 'a', 'description': ''})
    assert result['changed'] is False and mutating(toy.calls) == []
    result = run_module(toy, {'name': 'a', 'tags': {}})
    assert result['changed'] is False


def test_update_only_changed_fields_with_diff(toy, run_module):
    toy.store['a'] = {'id': 'id-1', 'name': 'a', 'description': 'old', 'tags': {'n': '1'}, 'size': 3,
                      'status': 'available'}
    result = run_module(toy, {'name': 'a', 'description': 'new', 'tags': {'n': 1}, 'size': 3}, diff=True)
    assert result['changed'] is True
    assert mutating(toy.calls) == [('update', ['description'])]  # 1 == '1' after normalising
    assert result['diff'] == {'before': {'description': 'old'}, 'after': {'description': 'new'}}
    assert result['thing']['description'] == 'new'


def test_check_mode_update_predicts_and_sends_nothing(toy, run_module):
    toy.store['a'] = {'id': 'id-1', 'name': 'a', 'description': 'old', 'tags': {}, 'size': 3, 'status': 'available'}
    result = run_module(toy, {'name': 'a', 'description': 'new'}, check=True, diff=True)
    assert result['changed'] is True and result['thing']['description'] == 'new'
    assert result['diff']['after'] == {'description': 'new'}
    assert mutating(toy.calls) == [] and toy.store['a']['description'] == 'old'


def test_check_update_refuses_before_any_change(toy, run_module):
    toy.store['a'] = {'id': 'id-1', 'name': 'a', 'description': None, 'tags': {}, 'size': 3, 'status': 'available'}
    result = run_module(toy, {'name': 'a', 'size': 2})
    assert result['failed'] and result['msg'] == "thing 'a' cannot shrink"
    assert mutating(toy.calls) == []


def test_delete_absent_again_and_check_mode(toy, run_module):
    toy.store['a'] = {'id': 'id-1', 'name': 'a', 'description': None, 'tags': {}, 'size': 3, 'status': 'available'}
    predicted = run_module(toy, {'name': 'a', 'state': 'absent'}, check=True, diff=True)
    assert predicted['changed'] is True and mutating(toy.calls) == [] and 'a' in toy.store
    assert predicted['diff']['after'] == {} and predicted['diff']['before']['id'] == 'id-1'
    result = run_module(toy, {'name': 'a', 'state': 'absent'})
    assert result == {'changed': True, 'thing': None, 'failed': False}
    again = run_module(toy, {'name': 'a', 'state': 'absent'})
    assert again['changed'] is False and mutating(toy.calls) == ['delete']


def test_invalid_values_refused_before_any_request(toy, run_module):
    result = run_module(toy, {'name': 'a', 'description': 'x' * 11})
    assert result['failed'] and 'description is too long' in result['msg']
    assert toy.calls == []


def test_cloud_error_reported_in_user_terms(toy, run_module):
    toy.fail_create = CloudError(400, 'EVS.1034', 'volume count quota exceeded', request_id='r-1',
                                 operation='POST volumev2 /volumes')
    result = run_module(toy, {'name': 'a'})
    assert result['failed']
    assert result['msg'] == "thing 'a' cannot be created: volume count quota exceeded"
    assert result['error'] == {'status': 400, 'code': 'EVS.1034', 'message': 'volume count quota exceeded',
                               'request_id': 'r-1'}


def test_connection_spec_marks_secrets_no_log():
    auth = connection_argument_spec()['auth']['options']
    assert auth['password']['no_log'] and auth['token']['no_log'] and auth['sk']['no_log']
    spec = connection_argument_spec()
    assert spec['wait']['default'] is True and spec['wait_timeout']['default'] == 600


def test_secret_never_in_result_of_a_failed_connection(toy, run_module, cloud):
    toy.store['a'] = None
    auth = {'auth_url': 'https://iam.test/v3', 'username': 'u', 'password': 'super-secret-pw'}
    result = run_module(toy, {'name': 'a', 'auth': auth})
    assert result['failed'] and 'user_domain_name' in result['msg']
    assert 'super-secret-pw' not in str(result)


def test_snake_case_keys():
    assert snake_key('os-vol-host-attr:host') == 'os_vol_host_attr_host'
    assert snake_key('volumeType') == 'volume_type'
    assert snake_resource({'Extra-Field': 1, 'metadata': {'Keep-Me': 'x'}}) == {
        'extra_field': 1, 'metadata': {'Keep-Me': 'x'}}


class Declared(Toy):
    """A toy whose option checks are all declarations."""
    argument_spec = dict(Toy.argument_spec, source=dict(type='str'), target=dict(type='str'),
                         elsewhere=dict(type='str'))
    checked_together = ((('source', 'target'), 'the one to copy and where it goes'),)
    checked_present = (('target', "to copy '%(name)s'"),)
    checked_other_region = ('elsewhere', 'a copy goes to another region')

    def validate(self):
        self.calls.append('validate')


@pytest.mark.parametrize('args, message', [
    ({'source': 's'}, 'source and target go together: the one to copy and where it goes'),
    ({}, "target is required to copy 'a'"),
    ({'source': 's', 'target': ' '}, "target is required to copy 'a'"),
    ({'source': 's', 'target': 't', 'elsewhere': 'eu-de'},
     "elsewhere 'eu-de' is the region of the connection: a copy goes to another region"),
])
def test_declared_checks_refuse_before_validate_and_any_request(toy, run_module, args, message):
    result = run_module(Declared, dict(args, name='a'))
    assert result['failed'] and result['msg'] == message, result
    assert Declared.calls == []


def test_declared_checks_that_hold_only_for_present_skip_absent(toy, run_module, monkeypatch):
    # checked_present never holds for absent; the others do unless checked_when_present
    refused = run_module(Declared, {'name': 'a', 'state': 'absent', 'elsewhere': 'eu-de'})
    assert refused['failed'] and 'is the region of the connection' in refused['msg']
    monkeypatch.setattr(Declared, 'checked_when_present', True)
    gone = run_module(Declared, {'name': 'a', 'state': 'absent', 'source': 's', 'elsewhere': 'eu-de'})
    assert not gone['failed'] and not gone['changed'] and Declared.calls == ['validate', 'find']


class TwoRegions(Toy):
    """A toy whose create sends a change through another region's client, then fails."""

    def create(self, desired):
        other = self.client_for_region('eu-nl')
        assert self.client_for_region('eu-nl') is other and self.client_for_region('eu-nl', 'p-2') is not other
        assert other.region == 'eu-nl' and self._client.changes == 0
        other.changes += 1  # what the client counts when the cloud accepts a request
        raise CloudError(500, 'X', 'the answer was lost')


def test_a_change_in_another_region_counts_as_a_change_of_a_failed_run(toy, run_module):
    result = run_module(TwoRegions, {'name': 'a'})
    assert result['failed'] and result['changed'], result
