# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the backup_policy and replication roles apply: a tier's backup schedule and retention per
backend, the backup plan (vault, disks, on-demand backups, refusals) and the replication plan
(group, instances, pairs, refusals)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_backups import dr_policy_backups
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_disks import dr_policy_disks
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_replication import dr_policy_replication
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms.backup import backup_schedule, backup_settings
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import normalize_retention
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import checked

NOW = '2026-03-02T05:30:00Z'


def backup_tier(**overrides):
    base = {'name': 'silver', 'failure': 'az', 'rpo': '4h', 'retention': {'last': 6, 'daily': 7},
            'snapshot_retention': {'last': 2}, 'disks': {'metadata': {'tier': 'silver'}}}
    base.update(overrides)
    return base


def replication_tier(**overrides):
    base = {'name': 'gold', 'failure': 'az', 'rpo': 0, 'secondary_az': 'eu-de-02',
            'disks': {'metadata': {'tier': 'gold'}}}
    base.update(overrides)
    return base


def disk(name, tier='silver', az='eu-de-01', size=10, status='available', attachments=None, disk_id=None):
    return {'id': disk_id or 'id-' + name, 'name': name, 'availability_zone': az, 'size': size, 'status': status,
            'metadata': {'tier': tier}, 'attachments': attachments or []}


def attached(server, device='/dev/vdb'):
    return [{'server_id': server, 'device': device}]


# -- schedule and retention ---------------------------------------------------
@pytest.mark.parametrize('every, schedule', [
    (3600, ['FREQ=DAILY;BYHOUR=%s;BYMINUTE=0' % ','.join(str(h) for h in range(24))]),
    (4 * 3600, ['FREQ=DAILY;BYHOUR=0,4,8,12,16,20;BYMINUTE=0']),
    (5 * 3600, ['FREQ=DAILY;BYHOUR=0,5,10,15,20;BYMINUTE=0']),
    (5 * 3600 + 1800, ['FREQ=DAILY;BYHOUR=0,5,10,15,20;BYMINUTE=0']),
    (86400, ['FREQ=DAILY;BYHOUR=0;BYMINUTE=0']),
    (3 * 86400, ['FREQ=DAILY;INTERVAL=3;BYHOUR=0;BYMINUTE=0']),
    (7 * 86400, ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=0;BYMINUTE=0']),
    (14 * 86400, ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=0;BYMINUTE=0']),
])
def test_the_schedule_never_leaves_a_gap_longer_than_the_interval(every, schedule):
    assert backup_schedule(every) == schedule


def settings(rpo, **retention):
    return backup_settings(rpo, normalize_retention(retention))


def test_count_and_periods_map_onto_cbr_exactly():
    result = settings(4 * 3600, last=6, daily=7, weekly=4, monthly=12)
    assert result['cbr'] == {'max_backups': 6, 'retention_duration_days': -1, 'long_term_retention': {
        'day_backups': 7, 'week_backups': 4, 'month_backups': 12, 'year_backups': 0, 'timezone': 'UTC+00:00'}}
    assert result['notes']['cbr'] == []


def test_hourly_copies_are_the_newest_backups_when_backups_run_at_most_hourly():
    assert settings(3600, last=2, hourly=24)['cbr']['max_backups'] == 24


def test_periods_only_keep_the_newest_by_count():
    result = settings(86400, daily=7)
    assert (result['cbr']['max_backups'], result['cbr']['retention_duration_days']) == (1, -1)


def test_within_becomes_whole_days_and_a_count_is_kept_by_age_too():
    result = settings(4 * 3600, last=12, within='36h')
    assert result['cbr']['max_backups'] == -1
    assert result['cbr']['retention_duration_days'] == 2   # 36 h rounded up; 12 x 4 h = 2 days
    assert any('rounded' in n or 'whole days' in n for n in result['notes']['cbr'])
    assert any('by age' in n for n in result['notes']['cbr'])


def test_more_periods_than_cbr_keeps_are_kept_by_age_instead():
    result = settings(86400, daily=400)
    assert result['cbr']['long_term_retention']['day_backups'] == 100
    assert result['cbr']['retention_duration_days'] == 400
    assert any('more than the 100' in n for n in result['notes']['cbr'])


@pytest.mark.parametrize('retention, vbs', [
    ({'last': 3}, {'max_backups': 3}),
    ({'last': 1}, {'max_backups': 2}),
    ({'last': 150}, {'retention_duration_days': 150}),
    ({'last': 6, 'daily': 7, 'weekly': 4}, {'retention_duration_days': 28}),
    ({'within': '10d'}, {'retention_duration_days': 10}),
])
def test_vbs_keeps_by_count_or_age_never_less_than_the_tier(retention, vbs):
    assert settings(86400, **retention)['vbs'] == vbs


def test_the_backup_interval_is_at_least_an_hour_and_daily_for_rpo_0():
    assert settings(0, last=3)['every'] == 86400
    assert settings(0, hourly=3)['every'] == 3600
    assert settings(900, last=3)['every'] == 3600


def test_checked_tiers_carry_their_backup_settings_only_when_they_use_backups():
    policy = checked(backup_tier(), replication_tier())
    assert policy['tiers'][0]['backup']['schedule'] == ['FREQ=DAILY;BYHOUR=0,4,8,12,16,20;BYMINUTE=0']
    assert policy['tiers'][1]['backup'] is None


def test_names_that_would_be_too_long_for_the_cloud_are_refused():
    with pytest.raises(AnsibleFilterError) as info:
        dr_policy({'name': 'p' * 30, 'tiers': [backup_tier(name='t' * 30), replication_tier(name='r' * 40)]})
    assert 'the backup names' in str(info.value)
    assert 'protection group name' in str(info.value)


# -- backup plan ---------------------------------------------------------------
def plan(disks, policy=None, **kwargs):
    return dr_policy_backups(disks, policy or checked(backup_tier()), NOW, **kwargs)


def test_a_disk_without_backup_is_due_one_named_by_the_slot():
    (tier,) = plan([disk('db01'), disk('other', tier='none')])
    assert tier['name'] == 'shop-silver'
    assert tier['disk_ids'] == ['id-db01']
    assert tier['vault_size'] == 20
    assert not tier['vault_exists'] and not tier['policy_exists']
    assert [(d['disk_name'], d['name'], d['reason']) for d in tier['due']] == [
        ('db01', 'shop-silver-20260302T0400Z', 'no backup yet')]


def test_a_backup_within_the_rpo_or_taken_in_this_slot_means_none_is_due():
    fresh = {'disk_id': 'id-db01', 'backend': 'cbr', 'status': 'available', 'name': 'autobk_1',
             'created_at': '2026-03-02T02:00:00Z'}
    assert plan([disk('db01')], backups=[fresh])[0]['due'] == []
    taken = {'disk_id': 'id-db01', 'backend': 'cbr', 'status': 'protecting', 'name': 'shop-silver-20260302T0400Z',
             'created_at': '2026-03-02T05:00:00Z'}
    assert plan([disk('db01')], backups=[taken])[0]['due'] == []


def test_an_old_backup_or_one_of_the_other_backend_does_not_count():
    old = {'disk_id': 'id-db01', 'backend': 'cbr', 'status': 'available', 'name': 'x',
           'created_at': '2026-03-01T20:00:00Z'}
    (due,) = plan([disk('db01')], backups=[old])[0]['due']
    assert due['reason'] == 'newest backup is 570m old, more than 4h'
    assert len(plan([disk('db01')], backups=[dict(old, created_at=NOW)], backend='vbs')[0]['due']) == 1


def test_a_backup_an_earlier_run_left_running_is_waited_for_in_any_slot_never_taken_again():
    # the earlier run's wait timed out in the 00:00 slot; its backup still runs at 05:30 (slot 04:00)
    running = {'id': 'b1', 'disk_id': 'id-db01', 'backend': 'cbr', 'status': 'protecting',
               'name': 'shop-silver-20260302T0000Z', 'created_at': '2026-03-02T03:00:00Z'}
    (tier,) = plan([disk('db01', status='backing-up')], backups=[running])
    assert tier['due'] == [] and tier['skipped'] == []
    assert [(w['disk_name'], w['id'], w['name'], w['reason']) for w in tier['waiting']] == [
        ('db01', 'b1', 'shop-silver-20260302T0000Z',
         'backup shop-silver-20260302T0000Z (started 150m ago) is still protecting')]
    # one that ended in error is not waited for: the disk is due a new backup
    (tier,) = plan([disk('db01')], backups=[dict(running, status='error')])
    assert tier['waiting'] == [] and [d['name'] for d in tier['due']] == ['shop-silver-20260302T0400Z']
    # a running backup of a disk whose newest backup is within the RPO is no reason to wait
    fresh = dict(running, id='b0', status='available', created_at='2026-03-02T04:00:00Z')
    assert plan([disk('db01')], backups=[fresh, running])[0]['waiting'] == []


def test_no_on_demand_backup_when_switched_off_and_a_busy_disk_is_reported():
    assert plan([disk('db01')], on_demand=False)[0]['due'] == []
    # `-e protect_backup_on_demand=false` is a string: it switches on-demand backups off too
    assert plan([disk('db01')], on_demand='false')[0]['due'] == []
    assert plan([disk('db01')], on_demand='yes')[0]['due'] != []
    with pytest.raises(AnsibleFilterError, match='on_demand must be true or false'):
        plan([disk('db01')], on_demand='ture')
    tier = plan([disk('db01', status='backing-up')])[0]
    assert tier['due'] == [] and 'backing-up' in tier['skipped'][0]


def test_the_vault_never_shrinks_and_an_explicit_size_wins():
    vault = {'name': 'shop-silver', 'size': 500, 'resource_ids': ['id-db01']}
    assert plan([disk('db01')], vaults=[vault])[0]['vault_size'] == 500
    assert plan([disk('db01')], vaults=[vault], vault_size=80)[0]['vault_size'] == 80


def test_a_disk_in_another_tools_vault_or_two_backup_tiers_is_refused():
    with pytest.raises(AnsibleFilterError) as info:
        plan([disk('db01')], vaults=[{'name': 'theirs', 'resource_ids': ['id-db01']}])
    assert "disk 'db01' is in vault 'theirs', which the policy did not make" in str(info.value)
    two = checked(backup_tier(), backup_tier(name='again', disks={'names': ['db01']}))
    with pytest.raises(AnsibleFilterError) as info:
        plan([disk('db01')], two)
    assert "covered by backup tiers 'silver' and 'again'" in str(info.value)


def test_a_tier_of_more_disks_than_a_vault_holds_is_refused_before_any_change():
    # the attack: one CBR tier over 257 disks; the cloud would refuse the vault (BackupService.6100)
    # only after the role made the tier's CBR policy
    many = [disk('db%03d' % n) for n in range(257)]
    with pytest.raises(AnsibleFilterError) as info:
        plan(many)
    assert ("tier 'silver' selects 257 disks, more than the 256 a CBR vault holds (a tier keeps its backups in one "
            "vault, <policy>-<tier>); split it into tiers of at most 256 disks each") in str(info.value)
    assert plan(many[:256])[0]['disk_ids'] == sorted(d['id'] for d in many[:256])
    # VBS binds the disks to a policy, not to a vault
    assert len(plan(many, backend='vbs')[0]['due']) == 257


# -- replication plan -------------------------------------------------------------
def rplan(disks, **kwargs):
    return dr_policy_replication(disks, checked(replication_tier(), az_distances_km={'eu-de-01/eu-de-02': 30}),
                                 **kwargs)


def test_a_new_tier_gets_a_group_an_instance_per_server_and_a_pair_per_disk():
    (tier,) = rplan([disk('db01', 'gold', attachments=attached('srv1', '/dev/vdb')),
                     disk('logs01', 'gold', attachments=attached('srv1', '/dev/vdc')),
                     disk('scratch', 'gold'), disk('other', 'none')])
    assert (tier['name'], tier['source_az'], tier['secondary_az'], tier['group_exists']) == (
        'shop-gold', 'eu-de-01', 'eu-de-02', False)
    assert tier['instances'] == [{'name': 'server-srv1', 'server_id': 'srv1', 'exists': False, 'id': None}]
    assert [(p['disk_name'], p['name'], p['protected_instance'], p['device']) for p in tier['pairs']] == [
        ('db01', 'disk-id-db01', 'server-srv1', '/dev/vdb'), ('logs01', 'disk-id-logs01', 'server-srv1', '/dev/vdc'),
        ('scratch', 'disk-id-scratch', None, None)]


def test_existing_instances_and_pairs_are_adopted():
    group = {'id': 'g1', 'name': 'shop-gold', 'source_availability_zone': 'eu-de-01', 'target_availability_zone':
             'eu-de-02', 'production_az': 'eu-de-01', 'status': 'protected', 'protection': 'enabled',
             'replication_num': 1}
    instance = {'id': 'i1', 'name': 'app', 'server_group_id': 'g1', 'production_server': 'srv1'}
    pair = {'id': 'p1', 'name': 'db', 'server_group_id': 'g1', 'production_volume_id': 'id-db01',
            'protected_instance': 'i1', 'device': '/dev/vdb'}
    (tier,) = rplan([disk('db01', 'gold', attachments=attached('srv1'))], groups=[group], instances=[instance],
                    pairs=[pair])
    assert tier['group_exists'] and tier['group_pairs'] == 1
    assert tier['instances'][0]['name'] == 'app' and tier['instances'][0]['exists']
    assert tier['pairs'][0]['name'] == 'db' and tier['pairs'][0]['attached']


def _in_place(group, protected, instance, pair):
    return {'group': group, 'protected': protected, 'instance': instance, 'pair': pair}


@pytest.mark.parametrize('group_status, instance_status, pair_status, pair_device, in_place', [
    ('protected', 'protected', 'protected', '/dev/vdb', _in_place(True, True, True, True)),
    ('available', 'available', 'available', '/dev/vdb', _in_place(True, False, True, True)),
    # something in progress: the module waits for it
    ('starting', 'available', 'available', '/dev/vdb', _in_place(False, False, True, True)),
    ('protected', 'creating', 'protected', '/dev/vdb', _in_place(True, False, False, True)),
    ('protected', 'protected', 'attaching', '/dev/vdb', _in_place(True, False, True, False)),
    # the pair is attached with another device than the disk's: the module attaches it again
    ('protected', 'protected', 'protected', '/dev/vdz', _in_place(True, False, True, False)),
])
def test_what_is_in_place_is_what_the_role_leaves_to_its_reads(
        group_status, instance_status, pair_status, pair_device, in_place):
    group = {'id': 'g1', 'name': 'shop-gold', 'source_availability_zone': 'eu-de-01', 'target_availability_zone':
             'eu-de-02', 'production_az': 'eu-de-01', 'status': group_status, 'replication_num': 1}
    instance = {'id': 'i1', 'name': 'app', 'server_group_id': 'g1', 'production_server': 'srv1',
                'status': instance_status}
    pair = {'id': 'p1', 'name': 'db', 'server_group_id': 'g1', 'production_volume_id': 'id-db01',
            'protected_instance': 'i1', 'device': pair_device, 'status': pair_status}
    (tier,) = rplan([disk('db01', 'gold', attachments=attached('srv1', '/dev/vdb'))], groups=[group],
                    instances=[instance], pairs=[pair])
    assert {'group': tier['group_in_place'], 'protected': tier['group_protected'],
            'instance': tier['instances_in_place'] == ['app'], 'pair': tier['pairs'][0]['in_place']} == in_place


def test_a_new_tier_has_nothing_in_place():
    (tier,) = rplan([disk('db01', 'gold', attachments=attached('srv1', '/dev/vdb')), disk('scratch', 'gold')])
    assert not tier['group_in_place'] and not tier['group_protected'] and tier['instances_in_place'] == []
    assert [p['in_place'] for p in tier['pairs']] == [False, False]


def test_the_dr_twin_of_a_named_disk_does_not_make_its_name_ambiguous():
    policy = checked(replication_tier(disks={'names': ['db01']}))
    twins = [disk('db01', 'gold'), disk('db01', 'gold', az='eu-de-02', disk_id='dr-db01')]
    assert [d['id'] for d in dr_policy_disks(twins, policy['tiers'][0], policy)] == ['id-db01']


@pytest.mark.parametrize('disks, groups, reason', [
    ([disk('a', 'gold'), disk('b', 'gold', az='eu-de-03')], [], 'covers disks in eu-de-01 and eu-de-03'),
    ([disk('a', 'gold', attachments=attached('s1') + attached('s2'))], [], 'attached to 2 servers'),
    # failed over, but the disks are in neither of its AZs: not the tier's group
    ([disk('a', 'gold', az='eu-de-03')], [{'name': 'shop-gold', 'source_availability_zone': 'eu-de-01',
                                           'target_availability_zone': 'eu-de-02', 'priority_station': 'target',
                                           'status': 'failed-over'}], 'exists from eu-de-01 to eu-de-02'),
    ([disk('a', 'gold')], [{'name': 'shop-gold', 'source_availability_zone': 'eu-de-03',
                            'target_availability_zone': 'eu-de-02', 'production_az': 'eu-de-03',
                            'status': 'protected'}], 'exists from eu-de-03 to eu-de-02'),
])
def test_what_replication_cannot_do_is_refused_before_any_change(disks, groups, reason):
    with pytest.raises(AnsibleFilterError) as info:
        dr_policy_replication(disks, checked(replication_tier()), groups=groups)
    assert reason in str(info.value)


# -- after a failover: the policy run adopts the switched group ------------------------
def switched(status, station='target', extra_disks=()):
    """Disk db01 (eu-de-01) replicated to db01 (eu-de-02, id-db01-dr) by group shop-gold, switched by a
    failover (``station`` production), both carrying the policy's metadata, as the failover role leaves them."""
    group = {'id': 'g1', 'name': 'shop-gold', 'source_availability_zone': 'eu-de-01',
             'target_availability_zone': 'eu-de-02', 'priority_station': station, 'status': status,
             'replication_num': 1}
    pair = {'id': 'p1', 'name': 'db', 'server_group_id': 'g1', 'volume_ids': 'id-db01,id-db01-dr',
            'priority_station': station, 'status': status, 'protected_instance': 'i1', 'device': '/dev/vdb',
            'production_volume_id': 'id-db01-dr' if station == 'target' else 'id-db01'}
    instance = {'id': 'i1', 'name': 'app', 'server_group_id': 'g1', 'status': status,
                'production_server': 'srv1-dr' if station == 'target' else 'srv1'}
    disks = [disk('db01', 'gold', attachments=attached('srv1')),
             disk('db01', 'gold', az='eu-de-02', disk_id='id-db01-dr', attachments=attached('srv1-dr'))]
    return rplan(disks + list(extra_disks), groups=[group], instances=[instance], pairs=[pair])


@pytest.mark.parametrize('status, station, state, direction, says', [
    ('failed-over', 'target', 'failed over', 'eu-de-02 -> eu-de-01', 'failover_action=reprotect'),
    ('protected', 'target', 're-protected', 'eu-de-02 -> eu-de-01', 'failover_action=failback'),
    ('reprotecting', 'target', 'reprotecting', 'eu-de-02 -> eu-de-01', 'reprotecting after a failover'),
    # failed over back to eu-de-01 after a re-protect (eu-de-02 lost): replication stopped there too
    ('failed-over', 'source', 'failed over', 'eu-de-01 -> eu-de-02', 'replication to eu-de-02 is stopped'),
])
def test_a_group_a_failover_switched_is_adopted_as_it_is(status, station, state, direction, says):
    """The attack: the unchanged policy (eu-de-01 -> eu-de-02) after a failover. The plan must neither
    refuse it nor create, enable, reverse or fail back anything: no group, instance or pair to touch."""
    (tier,) = switched(status, station)
    assert (tier['group_in_place'], tier['group_protected'], tier['instances'], tier['pairs']) == (True, True, [], [])
    assert (tier['name'], tier['source_az'], tier['secondary_az']) == ('shop-gold', 'eu-de-01', 'eu-de-02')
    assert tier['disks'] == [{'id': 'id-db01-dr' if station == 'target' else 'id-db01', 'name': 'db01'}]
    adopted = tier['adopted']
    assert (adopted['state'], adopted['direction'], adopted['unreplicated']) == (state, direction, [])
    assert says in adopted['message'] and 'shop-gold' in adopted['message']


def test_a_disk_added_while_the_group_is_switched_is_named_not_paired():
    (tier,) = switched('protected', extra_disks=[disk('new01', 'gold')])
    assert tier['pairs'] == [] and tier['adopted']['unreplicated'] == ['new01']
    assert "not replicated while it is switched: new01 (the policy run adds their pairs once production is back " \
        "in eu-de-01)" in tier['adopted']['message']


def test_a_group_in_its_own_direction_is_not_adopted():
    group = {'id': 'g1', 'name': 'shop-gold', 'source_availability_zone': 'eu-de-01', 'target_availability_zone':
             'eu-de-02', 'priority_station': 'source', 'status': 'protected', 'replication_num': 0}
    (tier,) = rplan([disk('db01', 'gold')], groups=[group])
    assert tier['adopted'] is None and tier['group_in_place'] and not tier['group_protected']


def test_the_serving_dr_side_is_selected_in_the_secondary_az_and_its_twin_is_not():
    """After a failover the disk that serves is the pair's DR side, in the tier's secondary AZ: that is no
    reason to refuse the tier (a disk of its own in the secondary AZ still is)."""
    policy = checked(replication_tier())
    pair = {'id': 'p1', 'name': 'db', 'volume_ids': 'id-db01,id-db01-dr', 'priority_station': 'target'}
    disks = [disk('db01', 'gold'), disk('db01', 'gold', az='eu-de-02', disk_id='id-db01-dr')]
    assert [d['id'] for d in dr_policy_disks(disks, policy['tiers'][0], policy, pairs=[pair])] == ['id-db01-dr']
    with pytest.raises(AnsibleFilterError) as info:
        dr_policy_disks(disks + [disk('other', 'gold', az='eu-de-02')], policy['tiers'][0], policy, pairs=[pair])
    assert "disk 'other' is in eu-de-02, the tier's secondary_az" in str(info.value)


def test_a_disk_replicated_by_another_group_is_refused():
    pair = {'name': 'theirs', 'server_group_id': 'other', 'production_volume_id': 'id-a'}
    with pytest.raises(AnsibleFilterError) as info:
        rplan([disk('a', 'gold')], pairs=[pair])
    assert 'already replicated by pair theirs of another protection group' in str(info.value)


def test_a_server_in_two_tiers_is_refused():
    policy = checked(replication_tier(), replication_tier(name='gold2', disks={'names': ['b']}))
    with pytest.raises(AnsibleFilterError) as info:
        dr_policy_replication([disk('a', 'gold', attachments=attached('s1')),
                               disk('b', 'x', attachments=attached('s1', '/dev/vdc'))], policy)
    assert "server s1 (of disk 'b') also has disks in tier 'gold'" in str(info.value)


def test_the_audit_counts_a_pair_of_a_protected_group_as_live():
    """SDRS shows an idle pair of a protected group with the group's status, protected."""
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
    policy = checked(replication_tier())
    pair = {'id': 'p1', 'name': 'disk-id-a', 'production_volume_id': 'id-a', 'server_group_id': 'g1',
            'status': 'protected'}
    group = {'id': 'g1', 'status': 'protected', 'dr_az': 'eu-de-02'}
    result = dr_audit([disk('a', 'gold')], policy, NOW, pairs=[pair], groups=[group])
    assert result['disks'][0]['verdict'] == 'compliant', result['disks'][0]['reasons']


@pytest.mark.parametrize('status, zones, verdict, reasons, note', [
    # failed over, replication stopped: out of policy for being unprotected, not for the direction
    ('failed-over', {}, 'out of policy',
     ['no usable copy (replication stopped)', 'the tier uses replication, but the disk has no live replication pair'],
     'protection group shop-gold is failed over: production is eu-de-02, replication to eu-de-01 is stopped'),
    ('failed-over', {'eu-de-01': False}, 'out of policy',
     ['no usable copy: eu-de-01 is down, and the copies there cannot be used until it is back',
      'the tier uses replication, but the disk has no live replication pair'], 'protection group shop-gold is failed over'),
    # re-protected in the reverse direction: compliant, and said so
    ('protected', {}, 'compliant', [],
     'protection group shop-gold is re-protected in the reverse direction: production is eu-de-02 (switched there by '
     'a failover), replicated to eu-de-01'),
])
def test_the_audit_judges_a_switched_group_by_its_replication_and_shows_its_direction(status, zones, verdict, reasons,
                                                                                      note):
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
    policy = checked(replication_tier())
    group = {'id': 'g1', 'name': 'shop-gold', 'status': status, 'source_availability_zone': 'eu-de-01',
             'target_availability_zone': 'eu-de-02', 'priority_station': 'target', 'production_az': 'eu-de-02',
             'dr_az': 'eu-de-01'}
    pair = {'id': 'p1', 'name': 'db', 'volume_ids': 'id-db01,id-db01-dr', 'priority_station': 'target',
            'production_volume_id': 'id-db01-dr', 'server_group_id': 'g1', 'status': status}
    disks = [disk('db01', 'gold'), disk('db01', 'gold', az='eu-de-02', disk_id='id-db01-dr')]
    (row,) = dr_audit(disks, policy, NOW, pairs=[pair], groups=[group], zones=zones)['disks']
    assert (row['disk_id'], row['verdict'], row['reasons']) == ('id-db01-dr', verdict, reasons)
    assert [n for n in row['notes'] if 'shop-gold' in n][0].startswith(note)
    assert (row['copies'][0]['direction'], row['copies'][0]['protection_group']) == ('eu-de-02 -> eu-de-01', 'shop-gold')


def test_a_tier_without_disks_gets_no_vault_until_it_had_one():
    assert plan([disk('other', tier='none')])[0]['apply'] is False
    vault = {'name': 'shop-silver', 'size': 20, 'resource_ids': ['id-gone']}
    assert plan([disk('other', tier='none')], vaults=[vault])[0]['apply'] is True
    assert plan([disk('db01')])[0]['apply'] is True
