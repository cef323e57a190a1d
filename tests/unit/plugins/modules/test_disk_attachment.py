# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import (
    attachment_of, is_system_disk, next_free_device)
from ansible_collections.dataprotection.evs.plugins.modules.disk_attachment import DiskAttachmentModule
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import (
    AUTH, api, drop_answer)


def test_next_free_device_is_the_clouds_choice():
    assert next_free_device(set()) == '/dev/vdb'
    assert next_free_device({'/dev/vda', '/dev/vdb', '/dev/vdd'}) == '/dev/vdc'
    assert next_free_device(set('/dev/vd%s' % c for c in 'bcdefghijklmnopqrstuvwxyz')) is None


@pytest.mark.parametrize('volume,device,system', [
    ({'bootable': 'false'}, '/dev/vdb', False),
    ({'bootable': 'true'}, '/dev/vdb', True),
    ({'bootable': 'false'}, '/dev/vda', True),
    ({}, '/dev/sda', True),
    ({}, '/dev/xvda', True),
])
def test_system_disk_by_bootable_or_root_device(volume, device, system):
    assert is_system_disk(volume, device) is system


def test_attachment_of_one_server_only():
    volume = {'attachments': [{'server_id': 'a', 'device': '/dev/vdb'}, {'server_id': 'b', 'device': '/dev/vdc'}]}
    assert attachment_of(volume, 'b')['device'] == '/dev/vdc'
    assert attachment_of(volume, 'c') is None and attachment_of(None, 'a') is None


@pytest.mark.parametrize('args,message', [
    ({'server': 'web', 'disk': 'data', 'device': 'vdb'}, "device must be a device path like /dev/vdb, not 'vdb'"),
    ({'server': ' ', 'disk': 'data'}, 'server must not be empty'),
    ({'server': 'web', 'disk': ''}, 'disk must not be empty'),
])
def test_bad_input_refused_before_any_request(cloud, run_module, args, message):
    result = run_module(DiskAttachmentModule, args)
    assert result['failed'] and result['msg'] == message
    assert cloud.requests == []


# --- against the emulator's app in-process (skipped without the emulator package)
@pytest.fixture
def emulator(cloud):
    return cloud


@pytest.fixture
def run(run_module):
    def call(args, **kwargs):
        merged = dict(AUTH)
        merged.update(args)
        return run_module(DiskAttachmentModule, merged, connection=False, **kwargs)
    return call


def make_server_and_disk(session, name='web', zone='eu-de-01', **disk):
    server = api(session, 'POST', '/ecs/v2.1/{pid}/servers', {'server': {
        'name': name, 'availability_zone': zone, 'flavorRef': 's3.medium.1', 'imageRef': 'i'}})['server']
    volume = api(session, 'POST', '/evs/v2/{pid}/volumes', {'volume': dict(
        {'name': name + '-data', 'size': 10, 'availability_zone': zone}, **disk)})['volume']
    return server, volume


def test_lost_attach_and_detach_answers_are_resolved_by_reading_the_disk(emulator, run, monkeypatch):
    server, volume = make_server_and_disk(emulator)
    state = drop_answer(emulator, monkeypatch, 'POST', '/attachvolume')
    attached = run({'server': 'web', 'disk': volume['id']})
    assert state['dropped'] == 1 and attached['changed'] and attached['attachment']['device'] == '/dev/vdb', attached
    assert len([r for r in emulator.mutating if r.path.endswith('/attachvolume')]) == 1
    state = drop_answer(emulator, monkeypatch, 'DELETE', '/detachvolume/' + volume['id'])
    detached = run({'server': server['id'], 'disk': 'web-data', 'state': 'absent'})
    assert state['dropped'] == 1 and detached['changed'] and not detached['failed'], detached
    assert len([r for r in emulator.mutating if '/detachvolume/' in r.path]) == 1


def test_wait_false_returns_attaching_and_a_rerun_waits_for_it(emulator, run):
    emulator.emu.update_timings({'volume.attach': 30})
    make_server_and_disk(emulator)
    args = {'server': 'web', 'disk': 'web-data', 'wait': False}
    started = run(args)
    assert started['changed'] and started['attachment']['status'] == 'attaching'
    del emulator.requests[:]
    # the attach started above still runs (30 s on the emulator's clock, which stands still
    # here): a rerun waits for it, and never sends a second attach
    again = run({'server': 'web', 'disk': 'web-data', 'wait_timeout': 0})
    assert again['failed'] and 'timed out' in again['msg'] and emulator.mutating == []


def test_shareable_disk_attaches_to_a_second_server(emulator, run):
    make_server_and_disk(emulator, multiattach=True)
    make_server_and_disk(emulator, name='db')
    assert run({'server': 'web', 'disk': 'web-data'})['changed']
    second = run({'server': 'db', 'disk': 'web-data'})
    assert second['changed'] and second['attachment']['device'] == '/dev/vdb'
    assert run({'server': 'web', 'disk': 'web-data'})['changed'] is False
