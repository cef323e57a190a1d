# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils.ecs import (
    attachment_of, is_system_disk, next_free_device)
from ansible_collections.dataprotection.evs.plugins.modules.disk_attachment import DiskAttachmentModule


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
