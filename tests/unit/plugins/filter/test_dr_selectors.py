# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Selectors mean exactly what they say: a null or YAML-boolean metadata value, or an empty
selector, is refused (not "every disk without the key", not "nothing"); every disk takes
all_disks: true; the DR replica of a replication pair is never selected; an audit that covers no
disk is not a success; and what reads can refuse (a vault size or a retention outside what CBR
accepts, an unknown secondary AZ) is refused by the plans the preflight computes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_backups import dr_policy_backups
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_disks import dr_policy_disks
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_replication import dr_policy_replication
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_targets import dr_policy_targets
from ansible_collections.dataprotection.evs.plugins.filter.dr_select_disks import dr_select_disks
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter import policy_helpers
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import checked, refused_by

NOW = '2026-03-02T05:30:00Z'
ZONES = {'eu-de-01': True, 'eu-de-02': True, 'eu-de-03': True}


def disk(name, az='eu-de-01', disk_id=None, **metadata):
    return {'id': disk_id or 'id-' + name, 'name': name, 'availability_zone': az, 'size': 10, 'status': 'available',
            'metadata': metadata, 'attachments': []}


# db01 carries backup=yes; app01 carries tier=bronze; scratch carries nothing
DISKS = [disk('db01', backup='yes', tier='gold'), disk('app01', tier='bronze'), disk('scratch')]


def tier(disks, **overrides):
    return policy_helpers.tier(**dict({'name': 'bronze', 'disks': disks}, **overrides))


# -- the selector is checked before anything else -------------------------------
@pytest.mark.parametrize('selector, reason', [
    # before: str(None) == 'None' matched every disk WITHOUT the key tier (scratch, here)
    ({'metadata': {'tier': None}}, 'metadata.tier has no value (null)'),
    # before: str(True) == 'True' matched no disk (they carry 'yes'), and protect said ok
    ({'metadata': {'backup': True}}, "metadata.backup is the boolean True (YAML reads an unquoted yes"),
    ({'metadata': {'backup': False}}, "for example backup: 'no'"),
    ({'metadata': {'size': 1.5}}, 'metadata.size is 1.5'),
    ({'metadata': {'tier': ['a']}}, 'metadata.tier is'),
    ({'metadata': {True: 'x'}}, 'metadata has the key True; metadata keys are text'),
    ({'metadata': 'tier=gold'}, 'metadata must be a dict'),
    ({}, 'selects no disk'),
    ({'metadata': {}}, 'selects no disk'),
    ({'metadata': None}, 'selects no disk'),
    ({'metadata': {}, 'names': [], 'ids': []}, 'selects no disk'),
    (None, 'must say which disks the tier covers'),
    ({'all_disks': 'yes'}, 'all_disks must be true or false'),
    ({'all_disks': False}, 'selects no disk'),
    ({'all_disks': True, 'metadata': {'tier': 'gold'}}, 'all_disks: true selects every disk; leave out metadata'),
    ({'everything': True}, 'unknown keys everything'),
])
def test_a_selector_that_does_not_say_exactly_which_disks_is_refused(selector, reason):
    message = refused_by(dr_policy, {'name': 'shop', 'tiers': [tier(selector)]})
    assert reason in message
    assert 'nothing was changed' in message


def test_the_refusal_says_how_to_select_every_disk():
    assert 'all_disks: true for every disk of the project' in refused_by(dr_policy, {'name': 'shop', 'tiers': [tier({})]})


def test_metadata_matches_only_disks_that_carry_the_key_with_that_text():
    assert [d['name'] for d in dr_policy_disks(DISKS, checked(tier({'metadata': {'backup': 'yes'}}))['tiers'][0])] \
        == ['db01']
    # an empty value is a value: the disks without the key do not carry it
    assert dr_policy_disks(DISKS, checked(tier({'metadata': {'tier': ''}}))['tiers'][0]) == []


def test_an_integer_is_compared_as_the_text_the_cloud_stores():
    disks = [disk('a', generation='2'), disk('b', generation='20')]
    assert [d['name'] for d in dr_policy_disks(disks, checked(tier({'metadata': {'generation': 2}}))['tiers'][0])] \
        == ['a']


def test_all_disks_true_selects_every_disk():
    policy = checked(tier({'all_disks': True}))
    assert [d['name'] for d in dr_policy_disks(DISKS, policy['tiers'][0])] == ['app01', 'db01', 'scratch']
    assert policy['tiers'][0]['disks']['all_disks'] is True


# -- DR replicas are never sources ---------------------------------------------------
# db01 (eu-de-01) is replicated to its DR twin in eu-de-02, which SDRS names like it; after a
# failover the pair's priority_station is the target, and db01 itself is the DR side.
PROD, TWIN = disk('db01', tier='gold', backup='yes'), disk('db01', az='eu-de-02', disk_id='id-twin')
TWIN_TAGGED = dict(TWIN, metadata={'tier': 'gold', 'backup': 'yes'})
PAIR = {'id': 'pair-1', 'name': 'disk-id-db01', 'volume_ids': 'id-db01,id-twin', 'priority_station': 'source'}
FAILED_OVER = dict(PAIR, priority_station='target')


@pytest.mark.parametrize('selector', [{'metadata': {'tier': 'gold'}}, {'all_disks': True}, {'names': ['db01']}])
def test_the_dr_twin_of_a_replicated_disk_never_gets_a_snapshot(selector):
    policy = checked(tier(selector))
    disks = [PROD, TWIN_TAGGED]
    targets = dr_policy_targets(disks, policy, NOW, pairs=[PAIR])
    assert [t['disk_id'] for t in targets] == ['id-db01']


def test_after_a_failover_the_former_production_disk_is_the_dr_side():
    policy = checked(tier({'metadata': {'tier': 'gold'}}))
    assert dr_policy_targets([PROD, TWIN_TAGGED], policy, NOW, pairs=[FAILED_OVER])[0]['disk_id'] == 'id-twin'


def test_naming_or_listing_a_dr_replica_is_refused():
    message = refused_by(dr_policy_targets, [PROD, TWIN], checked(tier({'ids': ['id-twin']})), NOW, pairs=[PAIR])
    assert 'lists disk id id-twin, which is the DR replica of replication pair disk-id-db01' in message
    renamed = dict(TWIN, name='db01-dr')
    message = refused_by(dr_policy_targets, [PROD, renamed], checked(tier({'names': ['db01-dr']})), NOW, pairs=[PAIR])
    assert "names disk 'db01-dr', which is the DR replica of replication pair disk-id-db01" in message
    # after a failover the name is the production disk's again: the one in eu-de-02
    assert dr_policy_targets([PROD, TWIN], checked(tier({'names': ['db01']})), NOW, pairs=[FAILED_OVER])[0][
        'disk_id'] == 'id-twin'


def test_backups_replication_and_the_audit_leave_the_dr_twin_out():
    backup = tier({'all_disks': True}, name='silver', failure='az', rpo='4h')
    plan = dr_policy_backups([PROD, TWIN_TAGGED], checked(backup), NOW, pairs=[PAIR])
    assert plan[0]['disk_ids'] == ['id-db01']
    gold = tier({'metadata': {'tier': 'gold'}}, name='gold', failure='az', rpo=0, secondary_az='eu-de-02',
                retention=None)
    plan = dr_policy_replication([PROD, TWIN_TAGGED], checked(gold), pairs=[PAIR])
    assert [p['disk_id'] for p in plan[0]['pairs']] == ['id-db01']
    report = dr_audit([PROD, TWIN_TAGGED], checked(tier({'all_disks': True})), NOW, pairs=[PAIR])
    assert [row['disk_id'] for row in report['disks']] == ['id-db01']


# -- the selector filter of the snapshot playbook ---------------------------------------
@pytest.mark.parametrize('selector, reason', [
    ({'metadata': None}, 'snapshot_selector selects no disk'),
    ({'metadata': {}}, 'snapshot_selector selects no disk'),
    ({'metadata': {'tier': None}}, 'snapshot_selector.metadata.tier has no value'),
    ({'metadata': {'backup': True}}, 'snapshot_selector.metadata.backup is the boolean True'),
])
def test_the_snapshot_selector_is_checked_like_a_tier(selector, reason):
    # an empty disk list: the playbook checks the selector before its first request
    message = refused_by(dr_select_disks, [], selector, what='snapshot_selector')
    assert reason in message and 'nothing was changed' in message


def test_the_snapshot_selector_leaves_dr_replicas_out():
    assert [d['id'] for d in dr_select_disks([PROD, TWIN_TAGGED], {'all_disks': True}, pairs=[PAIR])] == ['id-db01']
    assert [d['id'] for d in dr_select_disks(DISKS, {'metadata': {'backup': 'yes'}})] == ['id-db01']


# -- an audit that covers no disk is not a success ---------------------------------------
def test_an_audit_of_zero_disks_is_not_compliant():
    report = dr_audit(DISKS, checked(tier({'metadata': {'tier': 'silver'}})), NOW)
    assert report['summary']['disks'] == 0
    assert report['compliant'] is False
    assert report['summary']['empty_tiers'] == ['bronze']
    assert 'policy shop covers no disk' in report['problems'][0]


def test_an_audit_that_covers_disks_has_no_problem():
    report = dr_audit(DISKS, checked(tier({'metadata': {'tier': 'bronze'}}), tier({'metadata': {'tier': 'x'}},
                                                                                  name='empty')), NOW)
    assert report['problems'] == [] and report['summary']['empty_tiers'] == ['empty']


# -- what a read can refuse, the preflight's plans refuse ----------------------------------
def backup_policy(**retention):
    return checked(tier({'all_disks': True}, name='silver', failure='az', rpo='1d', retention=retention,
                        snapshot_retention={'last': 2}))


@pytest.mark.parametrize('vault_size', [5, 9, 10485761, -1])
def test_a_vault_size_outside_what_cbr_accepts_is_refused(vault_size):
    message = refused_by(dr_policy_backups, DISKS, backup_policy(last=7), NOW, vault_size=vault_size)
    assert 'is outside what CBR accepts (10 to 10485760 GB)' in message


def test_a_vault_size_in_range_is_kept():
    assert dr_policy_backups(DISKS, backup_policy(last=7), NOW, vault_size=10)[0]['vault_size'] == 10
    # VBS has no vault: the size does not apply
    assert dr_policy_backups(DISKS, backup_policy(last=7), NOW, vault_size=5, backend='vbs')


def test_disks_too_large_for_one_vault_are_refused():
    huge = [dict(d, size=3000000) for d in DISKS]
    assert 'more than the 10485760 GB CBR allows' in refused_by(dr_policy_backups, huge, backup_policy(last=7), NOW)


@pytest.mark.parametrize('retention, reason', [
    # 300 yearly copies are kept as 300 * 366 days: more than the 99999 days CBR keeps
    ({'yearly': 300}, 'retention_duration_days must be -1 or 1 to 99999 for CBR, not 109800'),
    ({'last': 100000}, 'max_backups must be -1 or 1 to 99999 for CBR, not 100000'),
])
def test_a_retention_outside_what_cbr_accepts_is_refused(retention, reason):
    message = refused_by(dr_policy_backups, DISKS, backup_policy(**retention), NOW)
    assert "tier 'silver': its retention needs a CBR policy with " + reason in message


def test_an_unknown_secondary_az_is_refused():
    gold = tier({'metadata': {'tier': 'gold'}}, name='gold', failure='az', rpo=0, secondary_az='eu-de-09',
                retention=None)
    message = refused_by(dr_policy_replication, DISKS, checked(gold), zones=ZONES)
    assert 'secondary_az eu-de-09 is not an availability zone of this region (it has eu-de-01, eu-de-02, eu-de-03)' \
        in message
    ok = dict(gold, secondary_az='eu-de-02')
    assert dr_policy_replication(DISKS, checked(ok), zones=ZONES)[0]['secondary_az'] == 'eu-de-02'
