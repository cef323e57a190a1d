# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_info reads what each cloud answers where it answers it: the emulator in both api
flavours (OTC's documents, Huawei Cloud's SDK models), called in-process."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.modules.backup_info import INFO as BackupInfoModule
from ansible_collections.dataprotection.evs.plugins.modules.backup_replica_info import INFO as BackupReplicaInfoModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import AUTH, api, use_emulator

BILLING = {'object_type': 'disk', 'protect_type': 'backup', 'size': 40, 'consistent_level': 'crash_consistent',
           'cloud_type': 'public', 'charging_mode': 'post_paid'}


@pytest.mark.parametrize('flavour', ['otc', 'huawei'])
def test_cbr_incremental_is_read_from_either_place(monkeypatch, tmp_path, run_module, flavour):
    emulator = use_emulator(monkeypatch, tmp_path, api_flavour=flavour)
    disk = api(emulator, 'POST', '/evs/v2/{pid}/volumes', {'volume': {
        'name': 'db01', 'size': 10, 'availability_zone': 'eu-de-01'}})['volume']
    vault = api(emulator, 'POST', '/cbr/v3/{pid}/vaults', {'vault': {
        'name': 'v1', 'billing': BILLING, 'resources': [{'id': disk['id'], 'type': 'OS::Cinder::Volume'}]}})['vault']
    for name in ('full', 'changes'):  # the first backup of a disk in a vault is full, the next incremental
        api(emulator, 'POST', '/cbr/v3/{pid}/checkpoints', {'checkpoint': {
            'vault_id': vault['id'], 'parameters': {'name': name, 'incremental': True}}})
        emulator.emu.clock.advance(1)
    raw = api(emulator, 'GET', '/cbr/v3/{pid}/backups?vault_id=%s' % vault['id'])['backups']
    places = set('incremental' in b for b in raw), set('incremental' in b['extend_info'] for b in raw)
    assert places == (({False}, {True}) if flavour == 'otc' else ({True}, {False}))

    result = run_module(BackupInfoModule, dict(AUTH, backend='cbr', vault='v1', sort='oldest_first'),
                        connection=False)
    assert not result['failed'], result
    assert [(b['name'], b['incremental']) for b in result['backups']] == [('full', False), ('changes', True)]


@pytest.mark.parametrize('region, message', [
    ('eu-de', "destination_region 'eu-de' is the region of the connection: replicas are in another region"),
    (' ', 'destination_region must not be empty')])
def test_replicas_are_read_in_another_region_only(run_module, monkeypatch, region, message):
    sent = []
    monkeypatch.setattr(BackupReplicaInfoModule, 'listing', lambda module: sent.append('run') or [])
    refused = run_module(BackupReplicaInfoModule, {'destination_region': region, 'destination_vault': 'far'})
    assert refused['failed'] and refused['msg'] == message, refused
    assert sent == []
