# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Region tiers (failure: region): the region_replication mechanism, its checks and its plan
(plugins/plugin_utils/mechanisms/region_replication.py, the dr_policy_region filter)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_region import dr_policy_region
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import (
    checked, policy, refused, refused_by, tier)

NOW = '2026-11-25T10:00:00Z'
DISKS = [{'id': 'id-db01', 'name': 'db01', 'availability_zone': 'eu-de-01', 'size': 10, 'status': 'in-use',
          'metadata': {'tier': 'gold'}},
         {'id': 'id-db02', 'name': 'db02', 'availability_zone': 'eu-de-01', 'size': 20, 'status': 'in-use',
          'metadata': {'tier': 'gold'}},
         {'id': 'id-app01', 'name': 'app01', 'availability_zone': 'eu-de-01', 'size': 10, 'status': 'in-use',
          'metadata': {'tier': 'bronze'}}]
SOURCE = {'id': 'v-src', 'name': 'shop-gold', 'size': 60, 'billing': {'protect_type': 'backup'}, 'resource_ids': []}
TARGET = {'id': 'v-dst', 'name': 'shop-gold', 'size': 60, 'billing': {'protect_type': 'replication'}}


def gold(**overrides):
    return tier('gold', **dict(dict(failure='region', rpo='1d', destination_region='eu-nl', retention={'last': 2}),
                               **overrides))


def backup(backup_id, disk_id, created, vault='v-src', status='available'):
    return {'id': backup_id, 'name': 'b-%s' % backup_id, 'disk_id': disk_id, 'vault_id': vault, 'status': status,
            'created_at': created}


def replica(replica_id, disk_id, created, vault='v-dst', status='available'):
    return {'id': replica_id, 'name': 'r-%s' % replica_id, 'disk_id': disk_id, 'vault_id': vault, 'status': status,
            'created_at': created, 'region': 'eu-nl'}


def record(source_backup_id, status='available'):
    return {'source_backup_id': source_backup_id, 'status': status, 'destination_region': 'eu-nl'}


def plan(**reads):
    reads.setdefault('vaults', [SOURCE])
    reads.setdefault('destination_vaults', {'eu-nl': [TARGET]})
    (result,) = dr_policy_region(DISKS, checked(gold()), NOW, **reads)
    return result


def test_a_region_tier_is_backups_plus_region_replication_with_backups_early_enough_for_the_copy():
    (one,) = checked(gold())['tiers']
    assert one['mechanisms'] == ['snapshot', 'backup', 'region_replication']
    assert 'eu-nl' in one['mechanism_reasons']['region_replication']
    assert one['mechanism_reasons']['backup'].startswith('what region_replication builds on')
    # a backup and its copy (at most 1h later) must fit in the RPO of a day
    assert (one['backup']['every'], one['backup']['schedule']) == (23 * 3600, ['FREQ=DAILY;BYHOUR=0,23;BYMINUTE=0'])
    assert one['region_replication'] == {
        'destination_region': 'eu-nl', 'lag': 3600, 'lag_text': '1h', 'policy_name': 'shop-gold-replication',
        'schedule': ['FREQ=DAILY;BYHOUR=0,23;BYMINUTE=30']}
    (az,) = checked(tier('gold', failure='az'))['tiers']
    assert (az['mechanisms'], az['region_replication']) == (['snapshot', 'backup'], None)


@pytest.mark.parametrize('overrides, reason', [
    ({'rpo': '1h'}, 'RPO 1h cannot be met across regions: .* the minimum RPO of a tier with region_replication is '
                    '2h; set rpo: 2h or more'),
    ({'rpo': 0}, 'the minimum RPO of a tier with region_replication is 2h'),
    ({'destination_region': None}, 'needs region_replication .*which needs destination_region'),
    ({'mechanisms': ['region_replication']}, 'region_replication builds on backup; add backup to mechanisms'),
    ({'mechanisms': ['backup']}, 'surviving the loss of a region cannot be met with backups only.* add '
                                 'region_replication'),
    ({'failure': 'az'}, 'destination_region is for region_replication, which the tier does not use'),
])
def test_a_region_tier_that_cannot_be_met_is_refused_with_the_minimum(overrides, reason):
    message = refused(policy(gold(**overrides)))
    assert __import__('re').search(reason, message), message


def test_the_replication_policy_name_must_fit():
    message = refused(policy(dict(gold(), name='g' * 40), name='p' * 20))
    reason = 'the replication policy name p+-g+-replication would be longer than the 64 characters CBR allows'
    assert __import__('re').search(reason, message), message


def test_two_hours_is_the_shortest_rpo_and_it_backs_up_every_hour():
    (one,) = checked(gold(rpo='2h'))['tiers']
    assert one['backup']['every'] == 3600
    assert one['region_replication']['schedule'] == ['FREQ=DAILY;BYHOUR=%s;BYMINUTE=30' % ','.join(
        str(h) for h in range(24))]


def test_the_newest_backup_without_a_live_record_is_replicated_on_demand():
    backups = [backup('b1', 'id-db01', '2026-11-24T00:00:00Z'), backup('b2', 'id-db01', '2026-11-25T00:00:00Z'),
               backup('b3', 'id-db02', '2026-11-25T00:00:00Z'),
               backup('elsewhere', 'id-db02', '2026-11-25T09:00:00Z', vault='v-other'),
               backup('running', 'id-db02', '2026-11-25T09:30:00Z', status='protecting')]
    # db01's newest has a failed copy only (copied again); db02's newest in the tier's vault has its replica
    result = plan(backups=backups, records=[record('b1'), record('b2', 'failed'), record('b3', 'replicating')])
    assert [(d['disk_name'], d['backup_id'], d['predicted']) for d in result['due']] == [('db01', 'b2', False)]
    assert result['due'][0]['reason'] == 'its newest backup b-b2 has no replica in eu-nl'
    assert (result['name'], result['policy_name'], result['vault_size']) == ('shop-gold', 'shop-gold-replication', 60)
    assert (result['source_vault_exists'], result['destination_vault_exists']) == (True, True)


def test_a_backup_this_run_takes_is_planned_as_a_replica_and_counts_for_retention():
    due = [{'disk_id': 'id-db01', 'name': 'shop-gold-20261125T0000Z', 'tier': 'gold'},
           {'disk_id': 'id-app01', 'name': 'other', 'tier': 'bronze'}]
    replicas = [replica('r1', 'id-db01', '2026-11-23T01:00:00Z'), replica('r2', 'id-db01', '2026-11-24T01:00:00Z')]
    result = plan(backup_due=due, replicas=replicas)
    assert [(d['disk_name'], d['backup'], d['predicted']) for d in result['due']] == [
        ('db01', 'shop-gold-20261125T0000Z', True)]
    # last: 2 with the replica made now: the oldest goes
    assert [r['id'] for r in result['prune']] == ['r1']
    assert [(r['id'], r['predicted']) for r in result['keep']] == [(None, True), ('r2', False)]


def test_retention_prunes_only_the_tiers_replicas_and_never_a_disks_newest():
    replicas = [replica('old', 'id-db01', '2026-11-20T01:00:00Z'), replica('mid', 'id-db01', '2026-11-22T01:00:00Z'),
                replica('new', 'id-db01', '2026-11-24T01:00:00Z'),
                # another vault of eu-nl, and a disk the tier does not cover, in the tier's vault
                replica('foreign', 'id-db01', '2026-11-01T01:00:00Z', vault='v-else'),
                replica('uncovered', 'id-app01', '2026-11-01T01:00:00Z'),
                # a copy still running is never pruned
                replica('copying', 'id-db02', '2026-11-01T01:00:00Z', status='protecting'),
                replica('only', 'id-db02', '2026-10-01T01:00:00Z')]
    result = plan(replicas=replicas, records=[])
    assert [r['id'] for r in result['prune']] == ['old']
    assert sorted(r['id'] for r in result['keep']) == ['mid', 'new', 'only']
    (last_one,) = dr_policy_region(DISKS, checked(gold(retention={'within': '1h'})), NOW, vaults=[SOURCE],
                                   destination_vaults={'eu-nl': [TARGET]}, replicas=replicas)
    # nothing is within the hour: the newest of each disk stays all the same
    assert sorted(r['id'] for r in last_one['keep']) == ['new', 'only']


def test_the_replication_vault_is_sized_like_the_tiers_vault_but_never_shrunk():
    assert plan()['vault_size'] == 60
    assert plan(destination_vaults={'eu-nl': [dict(TARGET, size=70)]})['vault_size'] == 70


def test_nothing_is_planned_in_vaults_that_do_not_exist_yet():
    result = plan(vaults=[], destination_vaults={'eu-nl': []}, replicas=[replica('r1', 'id-db01', NOW)],
                  backups=[backup('b1', 'id-db01', NOW)])
    assert (result['source_vault_exists'], result['destination_vault_exists']) == (False, False)
    assert (result['due'], result['prune'], result['keep']) == ([], [], [])
    assert result['vault_size'] == 60


def test_a_vault_of_another_type_with_the_tiers_name_in_the_destination_region_is_refused():
    reason = refused_by(dr_policy_region, DISKS, checked(gold()), NOW, vaults=[SOURCE],
                        destination_vaults={'eu-nl': [dict(TARGET, billing={'protect_type': 'backup'})]})
    assert "vault 'shop-gold' in eu-nl is a backup vault; region_replication copies into a replication vault" in reason


def audited(replicas, backups=None):
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
    snapshot = {'id': 's1', 'name': 'shop-gold-x', 'volume_id': 'id-db01', 'status': 'available',
                'created_at': '2026-11-25T06:00:00Z', 'metadata': {'dp_evs_policy': 'shop', 'dp_evs_tier': 'gold'}}
    backups = [backup('b1', 'id-db01', '2026-11-25T04:00:00Z')] if backups is None else backups
    report = dr_audit(DISKS[:1], checked(gold()), NOW, snapshots=[snapshot], backups=backups, vaults=[SOURCE],
                      replicas=replicas)
    (row,) = report['disks']
    return row


def test_the_audit_counts_only_a_replica_in_another_region_for_a_region_tier():
    row = audited([replica('r1', 'id-db01', '2026-11-25T04:30:00Z')])
    assert (row['verdict'], row['newest_surviving_age']) == ('compliant', 5 * 3600 + 1800)
    assert row['copies_per_mechanism']['region_replication'] == 1
    (copy,) = [c for c in row['copies'] if c['mechanism'] == 'region_replication']
    assert (copy['location'], copy['by_policy'], copy['age_text']) == ('other region (eu-nl)', True, '5h 30m')
    # the snapshot and the backup are younger, but they are in the region that the tier must survive
    only_here = audited([])
    assert only_here['verdict'] == 'out of policy'
    assert ("its only copies are in its own region; the tier must survive the loss of the region, which needs a "
            "replica in another region (region_replication)") in only_here['reasons']
    assert ('the tier uses region_replication, but the disk has no available replica in the destination region'
            in only_here['reasons'])


def test_a_disk_whose_newest_replica_is_older_than_the_rpo_is_out_of_policy():
    row = audited([replica('r1', 'id-db01', '2026-11-23T10:00:00Z'),
                   replica('copying', 'id-db01', '2026-11-25T09:00:00Z', status='protecting')])
    assert row['verdict'] == 'out of policy'
    assert row['reasons'] == ['stale: the newest copy that survives a region failure is 2d old, the RPO is 1d']


def test_the_html_report_has_a_column_and_timeline_marks_for_the_replicas_per_region():
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
    report = dr_audit(DISKS[:1], checked(gold()), NOW, backups=[], replicas=[replica('r1', 'id-db01', '2026-11-25T04:30:00Z')])
    page = dr_audit_html(report)
    assert '<th>region replicas</th>' in page
    assert 'other region (eu-nl)' in page and 'fill="#c0392b"' in page
