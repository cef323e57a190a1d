# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token kept between tasks, attacked: every test is a way the cache could hand a token to
the wrong caller, keep it too long, leak it, or keep a refused one. ``cloud`` is the shared
in-process emulator (conftest), reset for each test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import stat

import pytest

from ansible_collections.dataprotection.evs.plugins.module_utils import token_cache as cache_mod
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.plugins.module_utils.token_cache import TokenCache
from ansible_collections.dataprotection.evs.tests.unit.plugins.in_process_emulator import AUTH


class Clock:
    def __init__(self):
        self.now = 1000000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(tmp_path, clock):
    return TokenCache(str(tmp_path / 'tokens'), clock=clock)


def settings(**auth):
    result = copy.deepcopy(AUTH)
    result['auth'].update(auth)
    return result


def task(cloud, cache, **auth):
    """One module process: a new client that lists the disks."""
    client = Client(settings(**auth), session=cloud, sleeper=lambda s: None, token_cache=cache)
    client.get('volumev2', '/volumes/detail')
    return client


def token_requests(cloud):
    return [r for r in cloud.requests if r.path.endswith('/auth/tokens')]


def cache_files(cache):
    return [name for name in os.listdir(cache.directory) if not name.startswith('.')]


def test_the_second_task_of_a_run_asks_iam_for_no_token(cloud, cache):
    task(cloud, cache)
    task(cloud, cache)
    task(cloud, cache)
    assert len(token_requests(cloud)) == 1


def test_a_wrong_password_never_uses_the_token_a_right_one_left(cloud, cache):
    task(cloud, cache)
    with pytest.raises(CloudError):
        task(cloud, cache, password='not-the-password')
    assert len(token_requests(cloud)) == 2


def test_another_user_or_project_scope_gets_its_own_token(cloud, cache):
    first = task(cloud, cache)
    client = task(cloud, cache, project_name=None, project_id=first.project_id)  # the same project, by id
    assert len(token_requests(cloud)) == 2
    assert client.project_id == first.project_id
    assert len(cache_files(cache)) == 2


def test_files_are_private_and_hold_no_password(cloud, cache):
    task(cloud, cache)
    directory = os.stat(cache.directory)
    assert stat.S_IMODE(directory.st_mode) == 0o700
    (name,) = cache_files(cache)
    path = os.path.join(cache.directory, name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        text = handle.read()
    assert AUTH['auth']['password'] not in text and AUTH['auth']['password'] not in name


def test_a_directory_others_can_read_is_never_used(cloud, cache):
    os.makedirs(cache.directory, 0o755)
    os.chmod(cache.directory, 0o755)  # made by someone hoping to collect tokens
    task(cloud, cache)
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2
    assert cache_files(cache) == []


def test_a_symlinked_directory_is_never_used(cloud, cache, tmp_path):
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir(mode=0o700)
    os.symlink(str(elsewhere), cache.directory)
    task(cloud, cache)
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2
    assert os.listdir(str(elsewhere)) == []


def test_a_planted_file_others_can_write_is_not_trusted(cloud, cache):
    task(cloud, cache)
    (name,) = cache_files(cache)
    path = os.path.join(cache.directory, name)
    with open(path, 'w') as handle:
        json.dump({'token': 'planted', 'catalog': [], 'project_id': 'x', 'issued': cache.clock(),
                   'expires': cache.clock() + 86400}, handle)
    os.chmod(path, 0o666)
    client = task(cloud, cache)
    assert client._token != 'planted'
    assert len(token_requests(cloud)) == 2


def test_a_token_is_not_reused_after_an_hour(cloud, cache, clock):
    task(cloud, cache)
    clock.now += cache_mod.REUSE_SECONDS + 1
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2


def test_a_token_near_its_expiry_is_not_handed_out(cloud, cache, clock):
    lifetime = cloud.emu.config.token_lifetime
    task(cloud, cache)
    (name,) = cache_files(cache)
    with open(os.path.join(cache.directory, name)) as handle:
        entry = json.load(handle)
    assert abs(entry['expires'] - entry['issued'] - lifetime) < 5  # read on the cloud's clock
    with open(os.path.join(cache.directory, name), 'w') as handle:
        json.dump(dict(entry, expires=clock.now + cache_mod.EXPIRY_MARGIN_SECONDS - 1), handle)
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2


def test_a_refused_token_is_dropped_and_replaced_once(cloud, cache):
    task(cloud, cache)
    cloud.emu.clock.advance(cloud.emu.config.token_lifetime + 60)  # the cloud says it expired
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2
    task(cloud, cache)
    assert len(token_requests(cloud)) == 2  # the new one was kept


def test_turned_off_by_the_environment():
    assert TokenCache.from_environment({'DP_EVS_TOKEN_CACHE': 'off'}) is None
    assert TokenCache.from_environment({'DP_EVS_TOKEN_CACHE': '/x/y'}).directory == '/x/y'
    assert TokenCache.from_environment({'XDG_RUNTIME_DIR': '/run/user/7'}).directory == '/run/user/7/dataprotection-evs'
    assert TokenCache.from_environment({}).directory.endswith('/.cache/dataprotection-evs/tokens')


def test_files_of_identities_unused_for_an_hour_are_removed(cloud, cache, clock):
    first = task(cloud, cache)
    (old,) = cache_files(cache)
    os.utime(os.path.join(cache.directory, old), (clock.now - cache_mod.REUSE_SECONDS - 10,) * 2)
    task(cloud, cache, project_name=None, project_id=first.project_id)
    assert old not in cache_files(cache)
