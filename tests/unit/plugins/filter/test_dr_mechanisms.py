# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mechanism registry: the built-in mechanisms, what it refuses, and an extra mechanism
(the integration target protect_extra_mechanism's test-only 'label') that works with no edit
outside its own file. The same 'label' runs end to end through the protect role there."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.dataprotection.evs.plugins.filter.dr_mechanisms import dr_mechanisms
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_disks import dr_policy_disks
from ansible_collections.dataprotection.evs.plugins.filter.dr_policy_replication import dr_policy_replication
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.tests.unit.plugins.filter.policy_helpers import (
    checked, policy, refused, refused_by, tier)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
LABEL_MODULE = os.path.join(ROOT, 'tests', 'integration', 'targets', 'protect_extra_mechanism', 'files',
                            'label_mechanism.py')
DISKS = [{'id': 'id-db01', 'name': 'db01', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'gold'}},
         {'id': 'id-app01', 'name': 'app01', 'availability_zone': 'eu-de-01', 'metadata': {'tier': 'bronze'}}]


@pytest.fixture
def extra(monkeypatch):
    """Register the Python files given as extra mechanisms, for one test."""
    def register(*paths):
        monkeypatch.setenv(registry.EXTRA_ENV, os.pathsep.join(paths))
        registry.reload()
    yield register
    monkeypatch.delenv(registry.EXTRA_ENV, raising=False)
    registry.reload()


def extra_module(tmp_path, name, body='survives = ()\n    min_rpo = 0'):
    path = tmp_path / ('%s.py' % name)
    path.write_text(u'from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry\n\n'
                    u'class Extra(registry.Mechanism):\n    name = %r\n    %s\n\nMECHANISMS = [Extra()]\n' % (name, body))
    return str(path)


def test_the_built_in_mechanisms_in_the_order_protect_applies_them():
    assert registry.builtin_modules() == ['backup', 'region_replication', 'replication', 'server_backup', 'snapshot']
    assert registry.names() == ('snapshot', 'backup', 'server_backup', 'replication', 'region_replication')
    steps = dr_mechanisms(['region_replication', 'replication', 'snapshot', 'replication', 'backup'])
    assert [(s['name'], s['survives'], s['min_rpo']) for s in steps] == [
        ('snapshot', ['disk'], 60), ('backup', ['disk', 'az'], 3600), ('replication', ['disk', 'az'], 0),
        ('region_replication', ['disk', 'az', 'region'], 7200)]


@pytest.mark.parametrize('mechanism', ['snapshot', 'backup', 'server_backup', 'replication', 'region_replication'])
def test_each_built_in_mechanism_has_its_task_files_in_the_protect_role(mechanism):
    (step,) = dr_mechanisms([mechanism])
    assert step['tasks'] == 'mechanisms/%s.yml' % mechanism
    for task_file in (step['tasks'], step['preflight_tasks']):
        assert os.path.isfile(os.path.join(ROOT, 'roles', 'protect', 'tasks', task_file))


@pytest.mark.parametrize('names', [['snapshot', 'tape'], ['{{ lookup("pipe", "id") }}'], 'snapshot', [None]])
def test_a_name_the_registry_does_not_have_never_becomes_a_task_file(names):
    assert 'dr_mechanisms' in refused_by(dr_mechanisms, names)


def test_an_extra_mechanism_works_with_no_edit_outside_its_module(extra):
    label_tier = tier('labelled', mechanisms=['label'], retention=None, label_text='gold',
                      disks={'metadata': {'tier': 'gold'}})
    assert "mechanisms has unknown label; choose from snapshot, backup, server_backup, replication" in refused(policy(label_tier))
    extra(LABEL_MODULE)
    (checked_tier,) = checked(label_tier)['tiers']
    assert (checked_tier['mechanisms'], checked_tier['mechanism_reasons'], checked_tier['label_text']) == (
        ['label'], {'label': 'chosen in the policy'}, 'gold')
    # the built-in tier keys stay, with their empty values
    assert (checked_tier['snapshot_retention'], checked_tier['snapshot_every'], checked_tier['backup']) == (
        None, None, None)
    # its own check of its own option, and its place after the built-in mechanisms
    assert "tier 'labelled'.label_text must be a non-empty text" in refused(policy(dict(label_tier, label_text='')))
    assert [s['name'] for s in dr_mechanisms(['label', 'snapshot'])] == ['snapshot', 'label']
    assert dr_mechanisms(['label'])[0]['tasks'] == os.path.join(os.path.dirname(LABEL_MODULE), 'label.yml')
    assert [d['name'] for d in dr_policy_disks(DISKS, checked_tier, checked(label_tier))] == ['db01']


def test_an_extra_mechanism_must_meet_the_failure_it_is_chosen_for(extra):
    extra(LABEL_MODULE)
    reason = refused(policy(tier('labelled', failure='az', rpo='1d', mechanisms=['label'], retention=None)))
    assert 'surviving the loss of an AZ cannot be met with labels only' in reason
    assert 'add backup (copies in object storage, restorable in any AZ) or replication' in reason


def test_an_extra_mechanism_cannot_replace_a_built_in_one(extra, tmp_path):
    extra(extra_module(tmp_path, 'snapshot'))
    with pytest.raises(registry.MechanismError, match='snapshot is registered twice'):
        registry.names()


@pytest.mark.parametrize('name, body, reason', [
    ('Bad-Name', 'survives = ()\n    min_rpo = 0', 'must be a lower-case word'),
    ('tape', "survives = ('planet',)\n    min_rpo = 0", 'survives must be among disk, az, region'),
    ('tape', 'survives = ()', 'min_rpo must be a number of seconds'),
])
def test_an_extra_mechanism_is_checked_before_it_is_used(extra, tmp_path, name, body, reason):
    extra(extra_module(tmp_path, name, body))
    with pytest.raises(registry.MechanismError, match=reason):
        registry.names()


def test_an_extra_path_that_is_no_python_file_is_refused(extra, tmp_path):
    extra(str(tmp_path / 'missing.py'))
    with pytest.raises(registry.MechanismError, match='is not a Python file'):
        registry.names()


# -- a tier that did not come from dr_policy is refused, never a crash ----------------
REPLICATION_TIER = dict(tier('gold', failure='az', rpo=0, retention=None), secondary_az='eu-de-02')


@pytest.mark.parametrize('disks', [None, 'gold', ['gold'], {'metadata': {'tier': None}}])
def test_replication_refuses_a_tier_whose_disks_are_no_selector(disks):
    # before: AttributeError ('NoneType' object has no attribute 'get'), from the selection
    # that ran before any check of the tier
    policy_checked = checked(REPLICATION_TIER)
    policy_checked['tiers'][0]['disks'] = disks
    reason = refused_by(dr_policy_replication, DISKS, policy_checked)
    assert "policy shop is refused, nothing was changed" in reason
    assert "tier 'gold'.disks" in reason


def test_a_tier_with_a_mechanism_the_registry_does_not_have_is_refused():
    policy_checked = checked(REPLICATION_TIER)
    policy_checked['tiers'][0]['mechanisms'] = ['replication', 'teleport']
    assert "tier 'gold': unknown mechanism 'teleport'" in refused_by(dr_policy_replication, DISKS, policy_checked)


def test_an_extra_mechanism_names_yaml_task_files_only(extra, tmp_path):
    extra(extra_module(tmp_path, 'tape', "survives = ()\n    min_rpo = 0\n    tasks = '/etc/passwd'"))
    with pytest.raises(registry.MechanismError, match='task files must be .yml files'):
        registry.names()


TAPE_AUDIT = '''survives = ('disk', 'az')
    min_rpo = 86400
    copy_noun = 'tape copy'
    column = 'tapes'
    colour = '#123456'

    def audit_index(self, sources, policy):
        return [b for b in sources['backups'] or [] if b.get('backend') == 'tape']

    def audit_copies(self, index, disk, now, policy, zones):
        return [copies.point_in_time_copy(now, self.name, 'vault (tape)', b) for b in index if b['disk_id'] == disk['id']]

from ansible_collections.dataprotection.evs.plugins.plugin_utils import copies'''


def test_the_audit_asks_every_mechanism_for_its_copies(extra, tmp_path):
    """An extra mechanism's copies are counted, aged and judged, and get their own column and
    colour on the HTML page, from its module alone."""
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit import dr_audit
    from ansible_collections.dataprotection.evs.plugins.filter.dr_audit_html import dr_audit_html
    extra(extra_module(tmp_path, 'tape', TAPE_AUDIT))
    gold = checked(tier('gold', failure='az', rpo='1d', mechanisms=['tape'], retention=None,
                        disks={'metadata': {'tier': 'gold'}}))
    disks = DISKS + [dict(DISKS[0], id='id-db02', name='db02')]
    tape = {'id': 't1', 'name': 'weekly', 'disk_id': 'id-db01', 'backend': 'tape', 'status': 'available',
            'created_at': '2026-11-25T04:00:00Z'}
    report = dr_audit(disks, gold, '2026-11-25T10:00:00Z', backups=[tape])
    rows = dict((row['disk_name'], row) for row in report['disks'])
    assert (rows['db01']['verdict'], rows['db01']['newest_surviving_age']) == ('compliant', 6 * 3600)
    assert rows['db01']['copies_per_mechanism'] == {'snapshot': 0, 'backup': 0, 'server_backup': 0, 'replication': 0,
                                                    'region_replication': 0, 'tape': 1}
    assert rows['db01']['copies'][0]['location'] == 'vault (tape)'
    assert 'the tier uses tape, but the disk has no tape copy' in rows['db02']['reasons']
    page = dr_audit_html(report)
    assert '<th>tapes</th>' in page and 'background:#123456' in page
    assert '<td class="n" data-label="tapes">1</td>' in page


@pytest.fixture
def without_region_replication():
    """The registry without the built-in region_replication, for one test."""
    builtin = registry.builtin_modules
    registry.builtin_modules = lambda: [m for m in builtin() if m != 'region_replication']
    registry.reload()
    yield
    registry.builtin_modules = builtin
    registry.reload()


def test_a_tier_may_ask_to_survive_what_a_registered_mechanism_survives(without_region_replication, extra, tmp_path):
    """failure: region is refused while no mechanism survives the loss of a region, and is a tier
    like any other once one is registered (here without the built-in region_replication)."""
    region_tier = tier('far', failure='region', rpo='1d', mechanisms=['vault_copy'], retention={'last': 3})
    assert "failure 'region' cannot be met by these mechanisms" in refused(policy(dict(region_tier, mechanisms=None)))
    extra(extra_module(tmp_path, 'vault_copy', "survives = ('disk', 'az', 'region')\n    min_rpo = 7200"))
    (checked_tier,) = checked(region_tier)['tiers']
    assert (checked_tier['failure'], checked_tier['mechanisms']) == ('region', ['vault_copy'])
    reason = refused(policy(dict(region_tier, mechanisms=['backup'])))
    assert 'surviving the loss of a region cannot be met with backups only' in reason
    assert 'add vault_copy' in reason
    assert 'failure must be disk (lost or corrupted data on the disk) or az (the loss of an AZ) or region' in refused(
        policy(dict(region_tier, failure='planet')))
    # a mechanism that is never derived by itself must be named: snapshots alone are no answer
    assert ('no mechanism is chosen by itself for surviving the loss of a region at RPO 1d; name one in '
            'mechanisms: vault_copy') in refused(policy(dict(region_tier, mechanisms=None)))


def test_an_extra_mechanism_whose_copies_restore_a_disk_needs_no_edit_of_the_restore_plan(extra, tmp_path):
    from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_plan import dr_restore_plan
    disk = {'id': 'd1', 'name': 'db01', 'availability_zone': 'eu-de-01'}
    archived = [{'id': 'a1', 'name': 'arch-01', 'status': 'available', 'disk_id': 'd1', 'created_at': '2026-11-20T01:00:00Z'}]
    args = dict(backups=archived, now='2026-11-20T10:00:00Z', zones={'eu-de-01': False, 'eu-de-02': True})
    assert 'must be one of auto, snapshot, backup, replication' in refused_by(dr_restore_plan, disk, source='archive', **args)
    extra(extra_module(tmp_path, 'archive', "survives = ('disk', 'az')\n    min_rpo = 3600\n"
                                            "    restore_copies = 'backups'\n    new_disk_option = 'backup'\n"
                                            "    restore_actions = {'new': 'create_from_archive', 'original': 'unarchive'}"))
    result = dr_restore_plan(disk, source='archive', **args)
    assert (result['mechanism'], result['action'], result['source_copy']['id']) == ('archive', 'create_from_archive', 'a1')
    # a copy outside the disk's zone: the new disk goes to a zone that is up
    assert (result['availability_zone'], result['new_disk_from']) == ('eu-de-02', {'backup': 'a1'})
    # ... and the restore and drill roles take it as a source with no edit: the copies they read for
    # it, and the drill's job table (dr_restore_request, dr_drill_request)
    from ansible_collections.dataprotection.evs.plugins.filter.dr_drill_request import dr_drill_request
    from ansible_collections.dataprotection.evs.plugins.filter.dr_restore_request import dr_restore_request
    request = dr_restore_request('archive', zone_up=False)
    assert request['valid'] and request['reads'] == ['backups'] and 'archive' in request['accepted']
    drill = dr_drill_request(['archive'], disks=[disk])
    assert (drill['unknown'], drill['disk_sources'], drill['disk_jobs']) == ([], ['archive'], [[disk, 'archive']])
    assert drill['copies']['archive'] == {'copies': 'backups', 'own_zone_only': False}
