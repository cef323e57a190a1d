# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit filters: a compliant disk, a stale one, one whose only copies share its AZ, a
replicated one, and the HTML page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy

NOW = '2026-11-25T12:00:00Z'
POLICY = dr_policy({'name': 'shop', 'tiers': [
    {'name': 'bronze', 'failure': 'disk', 'rpo': '1d', 'retention': {'last': 2}, 'disks': {'metadata': {'tier': 'bronze'}}},
    {'name': 'silver', 'failure': 'az', 'rpo': '4h', 'retention': {'last': 2}, 'disks': {'metadata': {'tier': 'silver'}}},
    {'name': 'gold', 'failure': 'az', 'rpo': 0, 'secondary_az': 'eu-de-02', 'disks': {'metadata': {'tier': 'gold'}}},
]})
DISKS = [
    {'id': 'd-fresh', 'name': 'fresh', 'availability_zone': 'eu-de-01', 'status': 'in-use', 'metadata': {'tier': 'bronze'}},
    {'id': 'd-stale', 'name': 'stale', 'availability_zone': 'eu-de-01', 'status': 'available', 'metadata': {'tier': 'bronze'}},
    {'id': 'd-sameaz', 'name': 'sameaz', 'availability_zone': 'eu-de-01', 'status': 'available', 'metadata': {'tier': 'silver'}},
    {'id': 'd-backed', 'name': 'backed', 'availability_zone': 'eu-de-03', 'status': 'available', 'metadata': {'tier': 'silver'}},
    {'id': 'd-gold', 'name': 'gold<db>', 'availability_zone': 'eu-de-01', 'status': 'in-use', 'metadata': {'tier': 'gold'}},
    {'id': 'd-none', 'name': 'none', 'availability_zone': 'eu-de-01', 'status': 'available', 'metadata': {'tier': 'bronze'}},
]


def snap(disk, created, policy='shop', status='available'):
    return {'id': 's-%s-%s' % (disk, created), 'name': 'shop-%s' % created, 'volume_id': disk, 'status': status,
            'created_at': created, 'metadata': {'dp_evs_policy': policy}}


SNAPSHOTS = [snap('d-fresh', '2026-11-25T00:00:00.000000'), snap('d-fresh', '2026-11-24T00:00:00.000000'),
             snap('d-stale', '2026-11-23T00:00:00.000000'), snap('d-stale', '2026-11-25T11:00:00', status='creating'),
             snap('d-sameaz', '2026-11-25T11:00:00.000000'), snap('d-backed', '2026-11-25T10:00:00.000000')]
BACKUPS = [{'id': 'b1', 'name': 'b1', 'disk_id': 'd-backed', 'status': 'available', 'backend': 'cbr',
            'created_at': '2026-11-25T09:00:00Z'}]
GROUPS = [{'id': 'g1', 'status': 'protected', 'dr_az': 'eu-de-02'}]
PAIRS = [{'id': 'p1', 'name': 'p1', 'production_volume_id': 'd-gold', 'server_group_id': 'g1', 'status': 'available'}]


def report():
    return dr_audit(DISKS, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS, pairs=PAIRS, groups=GROUPS)


def rows():
    return dict((r['disk_name'], r) for r in report()['disks'])


def test_a_fresh_copy_in_the_rpo_is_compliant():
    row = rows()['fresh']
    assert row['verdict'] == 'compliant' and row['reasons'] == []
    assert row['newest_surviving_age'] == 12 * 3600
    assert [c['age'] for c in row['copies']] == [12 * 3600, 36 * 3600]
    assert all(c['by_policy'] and c['location'] == 'same AZ (eu-de-01)' for c in row['copies'])


def test_a_stale_disk_is_out_of_policy_and_says_how_old():
    row = rows()['stale']
    assert row['verdict'] == 'out of policy'
    assert row['reasons'] == ['stale: the newest copy that survives a disk failure is 2d 12h old, the RPO is 1d']
    assert row['copies_per_mechanism']['snapshot'] == 1          # the creating one does not count


def test_copies_only_in_the_disks_az_do_not_survive_an_az_loss():
    row = rows()['sameaz']
    assert row['verdict'] == 'out of policy'
    assert row['reasons'][0] == ("its only copies share its AZ (eu-de-01); the tier must survive the loss of the AZ, "
                                 "which needs a backup or replication")
    assert 'the tier uses backup, but the disk has no available backup' in row['reasons']


def test_a_backup_in_object_storage_survives_the_az():
    row = rows()['backed']
    assert row['verdict'] == 'compliant', row['reasons']
    assert row['newest_surviving_age'] == 3 * 3600
    assert sorted(set(c['location'] for c in row['copies'])) == ['object storage (CBR)', 'same AZ (eu-de-03)']


def test_live_replication_is_rpo_zero_in_another_az():
    row = rows()['gold<db>']
    assert row['verdict'] == 'compliant', row['reasons']
    assert row['copies'][0]['location'] == 'other AZ (eu-de-02)'
    stopped = dr_audit(DISKS, POLICY, NOW, pairs=PAIRS, groups=[dict(GROUPS[0], status='available')])
    row = [r for r in stopped['disks'] if r['disk_id'] == 'd-gold'][0]
    assert row['verdict'] == 'out of policy'


def test_a_disk_without_copies_and_the_summary():
    result = report()
    assert rows()['none']['reasons'][0] == 'no copy at all'
    assert result['summary'] == {'disks': 6, 'compliant': 3, 'out_of_policy': 3, 'empty_tiers': []}
    assert result['compliant'] is False and result['cloud_time'] == NOW
    json.dumps(result)


def test_the_html_page_is_self_contained_and_escaped():
    page = dr_audit_html(report())
    assert page.startswith('<!DOCTYPE html>')
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:|//)', page)
    assert '<link' not in page and '<script src' not in page
    assert 'gold&lt;db&gt;' in page and 'gold<db>' not in page.split('<script type="application/json"', maxsplit=1)[0]
    assert page.count('<svg') == 6 and page.count('<circle') == 5 + 1   # 5 available snapshots + 1 backup
    embedded = page.split('<script type="application/json" id="report">')[1].split('</script>')[0]
    assert json.loads(embedded.replace('<\\/', '</'))['summary']['out_of_policy'] == 3


def test_ages_read_like_people_write_them():
    from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit import human_age
    assert [human_age(s) for s in (0, 59, 60, 90, 3599, 3600, 3660, 86400, 172799, 172800, 90061, None)] == [
        '0s', '59s', '1m', '1m 30s', '59m 59s', '1h', '1h 1m', '1d', '1d 23h', '2d', '1d 1h', '-']


def test_a_copy_a_second_older_than_the_rpo_is_stale_and_says_so_to_the_second():
    from ansible_collections.dataprotection.evs.plugins.plugin_utils.audit import audit
    checked = dr_policy({'name': 'sec', 'tiers': [{'name': 'fast', 'failure': 'disk', 'rpo': '90s', 'retention': {'last': 2},
                                                   'disks': {'names': ['fresh']}}]})
    disk = [d for d in DISKS if d['name'] == 'fresh']
    snap = {'id': 's1', 'name': 'sec-fast-x', 'volume_id': disk[0]['id'], 'status': 'available',
            'created_at': '2026-11-25T09:58:29.000000', 'metadata': {}}
    row = audit(disk, checked, '2026-11-25T10:00:00Z', snapshots=[snap])['disks'][0]
    assert row['newest_surviving_age'] == 91 and row['verdict'] == 'out of policy'
    assert row['reasons'][0] == 'stale: the newest copy that survives a disk failure is 1m 31s old, the RPO is 90s'
    on_time = audit(disk, checked, '2026-11-25T09:59:59Z', snapshots=[snap])['disks'][0]
    assert on_time['newest_surviving_age'] == 90 and on_time['verdict'] == 'compliant'


def test_an_az_outage_makes_the_copies_there_unusable_and_says_what_still_helps():
    zones = {'eu-de-01': False, 'eu-de-02': True, 'eu-de-03': True}
    down = dict((r['disk_name'], r) for r in dr_audit(DISKS, POLICY, NOW, snapshots=SNAPSHOTS, backups=BACKUPS,
                                                      pairs=PAIRS, groups=GROUPS, zones=zones)['disks'])
    fresh = down['fresh']
    assert fresh['verdict'] == 'out of policy' and fresh['availability_zone_up'] is False
    assert fresh['reasons'][0].startswith('no usable copy: eu-de-01 is down')
    assert 'failure: az' in fresh['reasons'][0]
    assert not any(c['usable'] for c in fresh['copies'])
    assert "no copy outside that AZ can bring it back elsewhere" in fresh['notes'][0]
    # replication to eu-de-02 still works: the gold disk stays compliant, with a note to fail over
    gold = down['gold<db>']
    assert gold['verdict'] == 'compliant' and 'dataprotection.evs.failover' in gold['notes'][0]
    # a disk in another AZ is untouched by the outage
    assert down['backed']['verdict'] == 'compliant' and down['backed']['notes'] == []
    assert down['backed']['availability_zone_up'] is True
    # the same report without zones is unchanged by the outage
    assert rows()['fresh']['verdict'] == 'compliant'


def test_a_backup_outlives_the_outage_of_its_disks_az():
    disks = [{'id': 'd1', 'name': 'web', 'availability_zone': 'eu-de-01', 'status': 'available',
              'metadata': {'tier': 'silver'}}]
    backups = [{'id': 'b', 'name': 'b', 'disk_id': 'd1', 'status': 'available', 'created_at': '2026-11-25T11:00:00Z'}]
    # during an outage the cloud lists the zone's snapshots with status error
    snapshots = [snap('d1', '2026-11-25T11:30:00.000000', status='error')]
    row = dr_audit(disks, POLICY, NOW, snapshots=snapshots, backups=backups, zones={'eu-de-01': False})['disks'][0]
    assert row['verdict'] == 'compliant' and row['newest_surviving_age'] == 3600
    assert [c['usable'] for c in row['copies']] == [False, True]
    assert 'its backups can be restored into another AZ' in row['notes'][0]


def test_zones_must_map_zones_to_booleans():
    import pytest
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match='zones must map each availability zone'):
        dr_audit(DISKS, POLICY, NOW, zones={'eu-de-01': 'down'})


def test_a_named_disk_that_is_gone_is_reported_missing_and_the_rest_still_judged():
    # the attack: a disk of the policy is deleted; the audit must say so, not crash or skip it
    policy = dr_policy({'name': 'shop', 'tiers': [
        {'name': 'named', 'failure': 'disk', 'rpo': '1d', 'retention': {'last': 2},
         'disks': {'names': ['fresh', 'deleted-db'], 'ids': ['d-gone']}}]})
    result = dr_audit(DISKS, policy, NOW, snapshots=SNAPSHOTS)
    by_name = dict((r['disk_name'] or r['disk_id'], r) for r in result['disks'])
    assert by_name['fresh']['verdict'] == 'compliant'
    assert by_name['deleted-db']['verdict'] == 'missing'
    assert by_name['deleted-db']['reasons'] == ["tier 'named' names disk 'deleted-db', which does not exist (deleted or renamed?)"]
    assert by_name['d-gone']['verdict'] == 'missing'
    assert result['summary'] == {'disks': 3, 'compliant': 1, 'out_of_policy': 2, 'empty_tiers': []}
    assert result['compliant'] is False
    assert 'deleted-db' in dr_audit_html(result)


# the backups of the silver tier (it uses snapshots and backups): its vault and VBS policy are
# shop-silver; what the policy made is proven by where a backup lives, never by its name
OWN_VAULT = {'id': 'v-own', 'name': 'shop-silver'}
HAND_VAULT = {'id': 'v-hand', 'name': 'hand-made'}
BRONZE_VAULT = {'id': 'v-bronze', 'name': 'shop-bronze'}   # bronze keeps no backups: not a vault it made
VBS_OWN = {'id': 'vp-own', 'name': 'shop-silver', 'backend': 'vbs', 'disk_ids': ['d-backed']}
VBS_OTHER = {'id': 'vp-other', 'name': 'nightly', 'backend': 'vbs', 'disk_ids': ['d-sameaz']}
CBR_SAME_NAME = {'id': 'cp-own', 'name': 'shop-silver', 'backend': 'cbr', 'disk_ids': None}


def backup(backup_id, disk, name, backend='cbr', vault_id=None):
    return {'id': backup_id, 'name': name, 'disk_id': disk, 'status': 'available', 'backend': backend,
            'vault_id': vault_id, 'created_at': '2026-11-25T09:00:00Z'}


OWNERSHIP_BACKUPS = [
    backup('in-own-vault', 'd-backed', 'autobk_a1b2', vault_id='v-own'),
    backup('on-demand-in-own-vault', 'd-backed', 'shop-silver-202611250900', vault_id='v-own'),
    # named exactly like the policy's on-demand backups, in a vault someone else made
    backup('named-like-ours', 'd-sameaz', 'shop-silver-202611250900', vault_id='v-hand'),
    backup('in-bronze-vault', 'd-sameaz', 'autobk_c3d4', vault_id='v-bronze'),
    backup('vbs-scheduled', 'd-backed', 'autobk_e5f6', backend='vbs'),
    # a VBS backup taken by hand of a disk bound to the policy's VBS policy
    backup('vbs-by-hand', 'd-backed', 'shop-silver-202611250900', backend='vbs'),
    # a schedule's backup, but of a disk bound to another VBS policy
    backup('vbs-other-policy', 'd-sameaz', 'autobk_a7b8', backend='vbs'),
]


def owned_by_policy(**reads):
    found = dr_audit(DISKS, POLICY, NOW, snapshots=SNAPSHOTS, backups=OWNERSHIP_BACKUPS, pairs=PAIRS, groups=GROUPS,
                     **reads)
    return dict((c['id'], c['by_policy']) for r in found['disks'] for c in r['copies'] if c['mechanism'] == 'backup')


def test_backups_the_policys_schedules_made_are_the_policys_and_no_others():
    owned = owned_by_policy(vaults=[OWN_VAULT, HAND_VAULT, BRONZE_VAULT],
                            backup_policies=[VBS_OWN, VBS_OTHER, CBR_SAME_NAME])
    assert owned == {'in-own-vault': True, 'on-demand-in-own-vault': True, 'named-like-ours': False,
                     'in-bronze-vault': False, 'vbs-scheduled': True, 'vbs-by-hand': False, 'vbs-other-policy': False}


def test_without_the_vaults_and_policies_no_backup_is_proven_the_policys():
    assert set(owned_by_policy().values()) == {False}
    # a VBS policy whose bindings the cloud and the disks' marks disagree on proves nothing
    assert not owned_by_policy(backup_policies=[dict(VBS_OWN, disk_ids=None)])['vbs-scheduled']
    # a vault of another policy's tier that happens to share the tier name
    assert not owned_by_policy(vaults=[dict(OWN_VAULT, name='web-silver')])['in-own-vault']


def test_vaults_and_backup_policies_must_be_lists_of_records():
    for reads in ({'vaults': 'shop-silver'}, {'backup_policies': {'name': 'shop-silver'}}):
        with pytest.raises(AnsibleFilterError, match='must be a list of dicts'):
            dr_audit(DISKS, POLICY, NOW, backups=OWNERSHIP_BACKUPS, **reads)
