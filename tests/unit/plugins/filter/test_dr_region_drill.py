# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The region drill's decisions: the replica it restores, where, its RPO and RTO, the verdict of
its checks and the cleanup's record."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_region_drill_cleanup import dr_region_drill_cleanup
from ansible_collections.dataprotection.evs.plugins.filter.dr_region_drill_plan import FilterModule as PlanFilters
from ansible_collections.dataprotection.evs.plugins.filter.dr_region_drill_result import dr_region_drill_result

NOW = '2026-03-02T12:00:00Z'
DB01 = {'id': 'disk-db01', 'name': 'db01', 'size': 10, 'availability_zone': 'eu-de-01'}
WEB = {'id': 'disk-web', 'name': 'web', 'size': 20, 'availability_zone': 'eu-de-02'}
dr_region_drill_plan = PlanFilters().filters()['dr_region_drill_plan']
ZONES = {'eu-nl-01': True, 'eu-nl-02': True, 'eu-nl-03': False}


def backup(backup_id, created, disk='disk-db01'):
    return {'id': backup_id, 'name': 'b-' + backup_id, 'disk_id': disk, 'status': 'available', 'created_at': created,
            'size': 10}


def replica(replica_id, source, created, disk='disk-db01', status='available'):
    return {'id': replica_id, 'name': 'r-' + replica_id, 'disk_id': disk, 'status': status, 'created_at': created,
            'size': 10, 'source_backup_id': source, 'region': 'eu-nl', 'source_region': 'eu-de'}


BACKUPS = (backup('b1', '2026-03-02T09:00:00Z'), backup('b2', '2026-03-02T10:00:00Z'),
           backup('w1', '2026-03-02T11:00:00Z', disk='disk-web'))


def plan(disks=(DB01,), replicas=(), backups=BACKUPS, **options):
    options.setdefault('now', NOW)
    options.setdefault('run', 'r1')
    options.setdefault('zones', ZONES)
    return dr_region_drill_plan(list(disks), replicas=list(replicas), backups=list(backups), **options)


def test_the_replica_with_the_newest_data_is_chosen_and_its_ages_are_on_the_cloud_clock():
    # r-old was copied last (a late on-demand copy of an older backup): the data of r-new is newer
    replicas = [replica('r-new', 'b2', '2026-03-02T10:30:00Z'), replica('r-old', 'b1', '2026-03-02T11:00:00Z')]
    [job] = plan(replicas=replicas)
    assert job['replica']['id'] == 'r-new'
    assert job['source_backup']['id'] == 'b2'
    assert job['rpo_achieved_seconds'] == 7200
    assert job['replica_age_seconds'] == 5400
    assert job['scratch_name'] == 'dp-drill-r1-db01-region'
    assert job['availability_zone'] == 'eu-nl-01'
    assert job['refused'] is None


@pytest.mark.parametrize('unusable', [
    replica('r-copying', 'b2', '2026-03-02T10:30:00Z', status='protecting'),
    replica('r-unknown-source', 'b-gone', '2026-03-02T10:30:00Z'),
    replica('r-other-disk', 'w1', '2026-03-02T11:30:00Z', disk='disk-web'),
])
def test_a_replica_not_available_of_an_unknown_source_or_of_another_disk_is_never_chosen(unusable):
    [job] = plan(replicas=[replica('r-old', 'b1', '2026-03-02T09:30:00Z'), unusable])
    assert job['replica']['id'] == 'r-old'


def test_a_disk_without_a_usable_replica_is_refused_and_the_others_go_on():
    jobs = plan(disks=[DB01, WEB], replicas=[replica('r-web', 'w1', '2026-03-02T11:30:00Z', disk='disk-web')])
    assert 'db01 has no available replica' in jobs[0]['refused']
    assert jobs[0]['replica'] is None
    assert jobs[1]['replica']['id'] == 'r-web' and jobs[1]['refused'] is None


def test_the_zone_asked_for_must_be_an_available_zone_of_the_destination():
    replicas = [replica('r1', 'b1', '2026-03-02T09:30:00Z')]
    assert plan(replicas=replicas, availability_zone='eu-nl-02')[0]['availability_zone'] == 'eu-nl-02'
    for asked in ('eu-nl-03', 'eu-de-01'):
        [job] = plan(replicas=replicas, availability_zone=asked)
        assert asked in job['refused'] and 'eu-nl-01, eu-nl-02' in job['refused']
    assert 'no available zone' in plan(replicas=replicas, zones={'eu-nl-01': False})[0]['refused']


@pytest.mark.parametrize('options, message', [
    ({'now': None}, 'cloud time'),
    ({'run': ''}, 'run id'),
    ({'now': 'yesterday'}, 'ISO 8601'),
])
def test_bad_input_is_refused(options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        plan(**options)
    assert message in plan(errors='return', **options)['refused']


def job_with_replica():
    return plan(replicas=[replica('r-new', 'b2', '2026-03-02T10:30:00Z')])[0]


def scratch(**changes):
    disk = {'id': 'scratch-1', 'status': 'available', 'size': 10, 'availability_zone': 'eu-nl-01'}
    disk.update(changes)
    return disk


def result(job=None, disk=None, checksums=None, **options):
    return dr_region_drill_result(job or job_with_replica(), scratch=disk or scratch(), started_at='2026-03-02T12:00:00Z',
                                  finished_at='2026-03-02T12:00:40Z', checksums=checksums, **options)


def test_a_restore_with_the_source_backups_content_passes_with_its_rpo_and_rto():
    record = result(checksums={'source_backup': 'sha256:aa', 'scratch': 'sha256:aa'})
    assert record['verification']['passed'] is True
    assert record['verification']['checks'] == {'status_available': True, 'size': True, 'availability_zone': True,
                                                'content_checksum': True}
    assert (record['rpo_achieved_seconds'], record['rto_seconds']) == (7200, 40)
    assert record['scratch'] == {'kind': 'disk', 'name': 'dp-drill-r1-db01-region', 'id': 'scratch-1',
                                 'availability_zone': 'eu-nl-01', 'region': 'eu-nl'}
    assert (record['source_copy_id'], record['source_backup_id']) == ('r-new', 'b2')


@pytest.mark.parametrize('disk, checksums, failed', [
    (scratch(), {'source_backup': 'sha256:aa', 'scratch': 'sha256:bb'}, 'content_checksum'),
    (scratch(), {'source_backup': '', 'scratch': ''}, 'content_checksum'),
    (scratch(status='error'), {'source_backup': 'sha256:aa', 'scratch': 'sha256:aa'}, 'status_available'),
    (scratch(size=5), None, 'size'),
    (scratch(availability_zone='eu-nl-02'), None, 'availability_zone'),
])
def test_each_check_fails_the_drill(disk, checksums, failed):
    verification = result(disk=disk, checksums=checksums)['verification']
    assert verification['passed'] is False
    assert verification['detail'].startswith('failed: %s' % failed)


def test_without_a_checksum_hook_the_record_says_the_content_was_not_compared():
    verification = result()['verification']
    assert verification['passed'] is True
    assert 'content_checksum' not in verification['checks']
    assert 'content not compared' in verification['detail']


def test_a_refused_job_an_error_and_check_mode_are_not_passes():
    refused = plan()[0]
    assert result(job=refused)['verification'] == {'passed': False, 'checks': {}, 'detail': refused['refused']}
    assert result(error='restore failed')['verification']['detail'] == 'restore failed'
    record = result(check_mode=True)
    assert record['verification']['detail'] == 'check mode: not run' and record['rto_seconds'] is None


def test_the_cleanup_record_of_each_scratch_disk():
    names = ['dp-drill-r1-a-region', 'dp-drill-r1-b-region', 'dp-drill-r1-c-region']
    records = [{'scratch': {'name': name}} for name in names]
    merged = dr_region_drill_cleanup(records, found=names[:2], left=[names[1]])
    assert [r['cleanup'] for r in merged] == ['deleted', 'failed: dp-drill-r1-b-region is still there', 'nothing to delete']
    assert dr_region_drill_cleanup(records, error='503')[0]['cleanup'] == 'failed: the cleanup could not finish: 503'
    assert dr_region_drill_cleanup(records, check_mode=True)[0]['cleanup'] == 'check mode: nothing made'
    assert 'tier' not in merged[0]


def test_the_cleanup_record_of_a_policy_drill_names_its_tier():
    merged = dr_region_drill_cleanup([{'scratch': {'name': 'dp-drill-r1-a-region'}}], found=['dp-drill-r1-a-region'], tier='gold')
    assert merged == [
        {'scratch': {'name': 'dp-drill-r1-a-region'}, 'cleanup': 'deleted', 'tier': 'gold'}]


def test_the_drill_and_a_recovery_plan_test_read_one_cleanup_record_alike():
    # one helper (plugin_utils/region_drill.cleanup_record) for both: a name both removed and left
    # is left (the delete was answered, the disk is still there), and a left one fails either run
    from ansible_collections.dataprotection.evs.plugins.plugin_utils.recovery_plan import plan_report
    from ansible_collections.dataprotection.evs.plugins.plugin_utils.region_drill import cleanup_record
    record = cleanup_record(removed=['a', 'b', 'a'], left=['b'])
    assert record == {'removed': ['a'], 'left': ['b'], 'error': None}
    drilled = dr_region_drill_cleanup([{'scratch': {'name': 'a'}}, {'scratch': {'name': 'b'}}], found=['a', 'b'], left=['b'])
    assert [r['cleanup'] for r in drilled] == ['deleted', 'failed: b is still there']
    plan = {'name': 'shop', 'mode': 'test', 'order': ['g'], 'check_mode': False}
    run = [{'name': 'g', 'started': 0, 'ended': 1, 'ok': True}]
    report = plan_report(plan, run, 0, 1, cleanup={'removed': ['a', 'b'], 'left': ['b']})
    assert report['result'] == 'failed' and report['cleanup'] == record
    assert plan_report(plan, run, 0, 1, cleanup={'removed': ['a'], 'left': []})['result'] == 'proven'
