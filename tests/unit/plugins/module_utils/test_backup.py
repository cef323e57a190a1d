# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import backup as bk
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError

DISK = {'id': '11111111-1111-4111-8111-111111111111', 'name': 'db01', 'size': 10, 'availability_zone': 'eu-de-01'}
VAULT = {'id': '22222222-2222-4222-8222-222222222222', 'name': 'v1'}


def vbs_raw(bid, name, volume_id=DISK['id'], status='available', created='2026-01-01T00:00:00.000000', inc=False):
    return {'id': bid, 'name': name, 'description': '', 'status': status, 'volume_id': volume_id, 'size': 10,
            'availability_zone': 'eu-de-01', 'is_incremental': inc, 'created_at': created, 'updated_at': created}


def cbr_raw(bid, name, resource_id=DISK['id'], status='available', created='2026-01-01T00:00:00.000000',
            vault_id=VAULT['id'], checkpoint_id='cp-1'):
    return {'id': bid, 'name': name, 'description': 'd', 'status': status, 'resource_id': resource_id,
            'resource_name': 'db01', 'resource_size': 10, 'resource_az': 'eu-de-01', 'vault_id': vault_id,
            'checkpoint_id': checkpoint_id, 'extend_info': {'incremental': True}, 'created_at': created,
            'updated_at': created}


class FakeClient:
    """Answers the few calls the backup layer makes, from in-memory lists; records every call."""

    def __init__(self, vbs=(), cbr=(), vaults=()):
        self.vbs = list(vbs)
        self.cbr = list(cbr)
        self.vaults = list(vaults)
        self.calls = []
        self.lose_next_post = False

    def get(self, service, path, params=None, **kwargs):
        self.calls.append(('GET', service, path, params))
        kind, rid = path.strip('/').split('/', 1)
        items = {('vbsv2', 'backups'): self.vbs, ('cbr', 'backups'): self.cbr, ('cbr', 'vaults'): self.vaults}
        for item in items[(service, kind)]:
            if item['id'] == rid:
                return {kind[:-1]: item}
        raise CloudError(404, 'itemNotFound', 'not found')

    # the real client's lookup on top of this fake's GET, so its 404 handling is what runs
    get_or_none = Client.get_or_none

    def paginate_links(self, service, path, key, params=None, limit=None):
        self.calls.append(('LIST', service, path, params))
        return iter(self.vbs)  # the cloud may ignore filters: the layer filters again

    def paginate_offset(self, service, path, key, params=None, limit=100):
        self.calls.append(('LIST', service, path, params))
        return iter(self.vaults if key == 'vaults' else self.cbr)

    def post(self, service, path, json_body=None, recover=None, **kwargs):
        self.calls.append(('POST', service, path, json_body))
        if self.lose_next_post:
            return recover()
        if path == '/checkpoints':
            self.cbr.append(cbr_raw('b-new', json_body['checkpoint']['parameters']['name'], checkpoint_id='cp-new'))
            return {'checkpoint': {'id': 'cp-new'}}
        if path == '/cloudbackups':
            return {'job_id': 'job-1'}
        return {}

    def delete(self, service, path, params=None, **kwargs):
        self.calls.append(('DELETE', service, path, kwargs.get('ok')))


def test_both_services_answer_one_shape():
    vbs = bk.VBS.normalise(vbs_raw('a', 'x', inc=True))
    cbr = bk.CBR.normalise(cbr_raw('b', 'y'))
    assert sorted(vbs) == sorted(cbr) == sorted(bk.BACKUP_FIELDS)
    assert (vbs['backend'], vbs['disk_id'], vbs['incremental'], vbs['vault_id']) == ('vbs', DISK['id'], True, None)
    assert (cbr['backend'], cbr['disk_name'], cbr['size'], cbr['vault_id']) == ('cbr', 'db01', 10, VAULT['id'])
    assert bk.VBS.normalise(None) is None and bk.CBR.normalise(None) is None


def test_lists_filter_again_when_the_cloud_ignores_a_filter():
    client = FakeClient(vbs=[vbs_raw('a', 'x'), vbs_raw('b', 'y'), vbs_raw('c', 'x', volume_id='other')],
                        cbr=[cbr_raw('d', 'x'), cbr_raw('e', 'x', vault_id='elsewhere')])
    assert [b['id'] for b in bk.VBS(client).list(disk_id=DISK['id'], name='x')] == ['a']
    assert bk.VBS(client).list(vault_id=VAULT['id']) == []  # VBS has no vaults
    assert [b['id'] for b in bk.CBR(client).list(name='x', vault_id=VAULT['id'])] == ['d']
    assert ('LIST', 'cbr', '/backups', {'name': 'x', 'vault_id': VAULT['id']}) in client.calls


def test_find_backup_by_id_name_and_ambiguity():
    first = '33333333-3333-4333-8333-333333333333'
    client = FakeClient(vbs=[vbs_raw(first, 'x'), vbs_raw('b', 'dup'), vbs_raw('c', 'dup')])
    api = bk.VBS(client)
    assert bk.find_backup(api, first)['id'] == first
    assert bk.find_backup(api, first, disk={'id': 'another-disk'}) is None  # the id of another disk's backup
    assert bk.find_backup(api, 'x', disk=DISK)['id'] == first
    assert bk.find_backup(api, 'none', disk=DISK) is None
    with pytest.raises(ResourceError) as missing:
        bk.find_backup(api, 'none', disk=DISK, required=True)
    assert "VBS backup 'none' of disk 'db01' not found" in missing.value.msg
    with pytest.raises(ResourceError) as ambiguous:
        bk.find_backup(api, 'dup')
    assert "2 VBS backups are named 'dup'" in ambiguous.value.msg and 'b, c' in ambiguous.value.msg


def test_find_backup_anywhere_spans_both_services():
    client = FakeClient(vbs=[vbs_raw('a', 'same')], cbr=[cbr_raw('b', 'same'), cbr_raw('c', 'only-cbr')])
    assert bk.find_backup_anywhere(client, 'only-cbr')['backend'] == 'cbr'
    with pytest.raises(ResourceError) as ambiguous:
        bk.find_backup_anywhere(client, 'same')
    assert '2 backups are named' in ambiguous.value.msg
    with pytest.raises(ResourceError):
        bk.find_backup_anywhere(client, 'nowhere')


def test_cbr_create_takes_a_checkpoint_of_the_one_disk_and_answers_its_backup():
    client = FakeClient()
    backup = bk.CBR(client).create(DISK, 'nightly', 'd', False, vault=VAULT)
    assert backup['id'] == 'b-new' and backup['checkpoint_id'] == 'cp-new'
    post = [c for c in client.calls if c[0] == 'POST'][0]
    assert post[3] == {'checkpoint': {'vault_id': VAULT['id'], 'parameters': {
        'name': 'nightly', 'incremental': False, 'resources': [DISK['id']], 'description': 'd'}}}


def test_cbr_create_recovers_a_lost_answer_by_name():
    client = FakeClient(cbr=[cbr_raw('b-old', 'nightly', checkpoint_id='cp-old')])
    client.lose_next_post = True
    backup = bk.CBR(client).create(DISK, 'nightly', None, True, vault=VAULT)
    assert backup['id'] == 'b-old'


def test_vbs_create_sends_full_backup_flag_and_reports_an_unlisted_backup():
    client = FakeClient()
    backup = bk.VBS(client).create(DISK, 'full', None, False)
    post = [c for c in client.calls if c[0] == 'POST'][0]
    assert post[3] == {'backup': {'volume_id': DISK['id'], 'name': 'full', 'extend_param': {'FullBackup': 'true'}}}
    assert backup['id'] is None and backup['status'] == 'creating' and backup['job_id'] == 'job-1'


def test_restore_and_delete_paths():
    client = FakeClient()
    bk.CBR(client).restore('b1', 'v1')
    bk.VBS(client).restore('b2', 'v2')
    bk.CBR(client).delete('b3')
    assert ('POST', 'cbr', '/backups/b1/restore', {'restore': {'volume_id': 'v1'}}) in client.calls
    assert ('POST', 'vbsv2', '/cloudbackups/b2/restore', {'restore': {'volume_id': 'v2'}}) in client.calls
    assert ('DELETE', 'cbr', '/backups/b3', (200, 202, 204, 404)) in client.calls


def test_vault_lookup_and_the_vault_holding_a_disk():
    holder = dict(VAULT, resources=[{'id': DISK['id']}])
    client = FakeClient(vaults=[holder, {'id': 'v2', 'name': 'other', 'resources': []}])
    api = bk.CBR(client)
    assert api.find_vault(VAULT['id'])['name'] == 'v1'
    assert api.find_vault('other')['id'] == 'v2'
    assert api.find_vault('none') is None
    with pytest.raises(ResourceError):
        api.find_vault('none', required=True)
    assert api.vault_of_disk(DISK['id'])['id'] == VAULT['id']
    assert api.vault_of_disk('unknown') is None


@pytest.mark.parametrize('name,backend,ok', [
    ('nightly-1', 'cbr', True), ('a' * 64, 'vbs', True), ('', 'cbr', False), ('a' * 65, 'cbr', False),
    ('two words', 'cbr', False), ('autobk_x', 'cbr', False), ('auto1', 'vbs', False), ('auto1', 'cbr', True),
])
def test_backup_names(name, backend, ok):
    if ok:
        bk.check_backup_name(name, backend)
    else:
        with pytest.raises(ResourceError):
            bk.check_backup_name(name, backend)


def test_time_key_orders_both_time_formats():
    items = [{'id': 'b', 'created_at': '2026-01-02T00:00:00.000+00:00'},
             {'id': 'a', 'created_at': '2026-01-01T12:00:00.000000'},
             {'id': 'c', 'created_at': '2026-01-02T06:00:00Z'}]
    assert [i['id'] for i in sorted(items, key=bk.time_key)] == ['a', 'b', 'c']
    assert bk.describe_backup({'name': 'x'}, DISK) == "backup 'x' of disk 'db01'"


class NoVBSClient(FakeClient):
    """A region without VBS: the gateway answers 404 to every VBS path."""

    def paginate_links(self, service, path, key, params=None, limit=None):
        raise CloudError(404, 'APIGW.0101', 'The API does not exist')

    def get(self, service, path, params=None, **kwargs):
        if service == 'vbsv2':
            raise CloudError(404, 'APIGW.0101', 'The API does not exist')
        return super(NoVBSClient, self).get(service, path, params, **kwargs)


def test_a_region_without_vbs_is_skipped_only_when_asked():
    client = NoVBSClient(cbr=[cbr_raw('b', 'x')])
    assert [b['id'] for b in bk.list_backups_of(client, bk.BACKENDS, skip_missing=True)] == ['b']
    with pytest.raises(CloudError):
        bk.list_backups_of(client, bk.BACKENDS)
    assert bk.find_backup_anywhere(client, 'x')['id'] == 'b'
    with pytest.raises(ResourceError):
        bk.find_backup_anywhere(client, '44444444-4444-4444-8444-444444444444')


class EndpointClient(FakeClient):
    project_id = 'p1'

    def __init__(self, url):
        super(EndpointClient, self).__init__()
        self.url = url

    def endpoint(self, service):
        return self.url


@pytest.mark.parametrize('endpoint,expected', [
    ('https://vbs.eu-de.otc.t-systems.com/v2/p1', 'https://vbs.eu-de.otc.t-systems.com/v1/p1/jobs/j'),
    ('http://127.0.0.1:8080/vbs/v2/p1/', 'http://127.0.0.1:8080/vbs/v1/p1/jobs/j'),
    ('https://vbs.eu-de.otc.t-systems.com/v2', 'https://vbs.eu-de.otc.t-systems.com/v1/p1/jobs/j'),
])
def test_vbs_jobs_are_read_under_v1_next_to_the_v2_endpoint(endpoint, expected):
    assert bk.VBS(EndpointClient(endpoint)).job_url('j') == expected


def test_a_failed_vbs_job_fails_with_its_reason():
    class JobClient(EndpointClient):
        def __init__(self, job):
            super(JobClient, self).__init__('http://h/vbs/v2/p1')
            self.job = job

        def request_url(self, method, url, operation=None):  # a URL outside the catalog base, as VBS.get_job uses it
            self.calls.append((method, url))
            return type('Answer', (), {'body': self.job})()

    failed = JobClient({'status': 'FAIL', 'fail_reason': 'disk vanished'})
    with pytest.raises(ResourceError) as failure:
        bk.VBS(failed).check_job('j', "backup 'x'")
    assert 'ended FAIL: disk vanished' in failure.value.msg
    assert failed.calls == [('GET', 'http://h/vbs/v1/p1/jobs/j')]
    assert bk.VBS(JobClient({'status': 'SUCCESS'})).check_job('j', 'x')['status'] == 'SUCCESS'
    assert bk.CBR(FakeClient()).check_job('j', 'x') is None
