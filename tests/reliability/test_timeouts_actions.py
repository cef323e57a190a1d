"""Timeouts of the action modules (snapshot_rollback, backup_restore): the timeout names what it
waited for and its last status; a rerun while the operation runs sends nothing (a clear
refusal); a rerun after it completed starts no second one, because both modules record the
operation on the disk as soon as the cloud accepted it.

The resource modules are covered by the `timeouts` integration target.
"""

from __future__ import annotations

import re

import pytest

from conftest import Cloud, auth_of, run_module


def _connection(emulator) -> dict:
    return {"auth": auth_of(emulator.base_url), "region": "eu-de"}


def _posts(admin, regex: str, mark: int) -> list:
    return [r for r in admin.requests(method="POST", path=regex, since_seq=mark) if r["status"]]


def _started_once(admin, regex, mark, done, module):
    """After the operation completed, a rerun reports no change and starts nothing."""
    posts = _posts(admin, regex, mark)
    assert len(posts) == 1 and done["changed"] is False, (module, posts, done)


def _mark(admin) -> int:
    return max([r["seq"] for r in admin.requests()] or [0])


def _new_disk(emulator, name: str, blocks: dict | None = None):
    """(admin, cloud, disk): a new disk `name` (holding `blocks` when given), made at once (timings zero)."""
    admin = emulator.admin()
    admin.zero_timings()
    cloud = Cloud(emulator.base_url)
    disk = cloud.create_volume(name)
    if blocks:
        admin.write_disk(disk["id"], blocks)
    return admin, cloud, disk


@pytest.fixture
def rollback_setup(emulator):
    admin, cloud, disk = _new_disk(emulator, "ra-disk")
    answer = cloud.call("POST", cloud.evs("/snapshots"), {"snapshot": {"volume_id": disk["id"], "name": "ra-snap"}})
    assert answer.status == 202
    admin.write_disk(disk["id"], {"0": "after the snapshot"})
    admin.set_timings({"snapshot.rollback": 60})
    return emulator, admin, disk


def _rollback(emulator, **extra):
    # every rerun is the same job: the same request_id makes it resume or do nothing, never repeat
    return run_module("snapshot_rollback", {"snapshot": "ra-snap", "disk": "ra-disk", "request_id": "CHG-1",
                                            **_connection(emulator), **extra})


def test_a_timed_out_rollback_is_named_and_reruns_do_not_start_a_second_one(rollback_setup):
    emulator, admin, disk = rollback_setup
    mark = _mark(admin)
    first = _rollback(emulator, wait_timeout=0)
    assert first["failed"] and "timed out" in first["msg"], first
    assert "ra-snap" in first["msg"] and "ra-disk" in first["msg"] and "last status: rollbacking" in first["msg"]
    again = _rollback(emulator, wait_timeout=0)
    assert again["failed"] and "rollbacking" in again["msg"], again
    assert len(_posts(admin, r"/rollback$", mark)) == 1
    admin.advance(120)
    admin.set_timings({"snapshot.rollback": 0})  # a second rollback would not make anybody wait
    anonymous = _rollback(emulator, request_id=None)
    assert anonymous["failed"] and "request_id" in anonymous["msg"], anonymous
    done = _rollback(emulator)
    assert not done["failed"], done
    _started_once(admin, r"/rollback$", mark, done, "snapshot_rollback")


@pytest.fixture
def restore_setup(emulator):
    admin, _, disk = _new_disk(emulator, "rs-disk", {"0": "backed up"})
    made = run_module("backup", {"disk": "rs-disk", "name": "rs-backup", "backend": "vbs", **_connection(emulator)})
    assert made.get("changed") is True, made
    admin.write_disk(disk["id"], {"0": "changed since"})
    admin.set_timings({"backup.restore": 60})
    return emulator, admin, disk


def _restore(emulator, **extra):
    return run_module("backup_restore", {"backup": "rs-backup", "backend": "vbs", "disk": "rs-disk",
                                         "overwrite": True, "request_id": "CHG-1", **_connection(emulator), **extra})


def test_a_timed_out_restore_is_named_and_reruns_do_not_start_a_second_one(restore_setup):
    emulator, admin, disk = restore_setup
    mark = _mark(admin)
    first = _restore(emulator, wait_timeout=0)
    assert first["failed"] and "timed out" in first["msg"], first
    assert "rs-backup" in first["msg"] and "rs-disk" in first["msg"], first["msg"]
    # the disk's status, or (VBS) the restore job's
    assert re.search(r"last status: (restoring-backup|RUNNING)", first["msg"]), first["msg"]
    again = _restore(emulator, wait_timeout=0)
    assert again["failed"] and "restoring" in again["msg"], again
    assert len(_posts(admin, r"/restore$", mark)) == 1
    admin.advance(120)
    admin.set_timings({"backup.restore": 0})  # a second restore would not make anybody wait
    assert admin.disk(disk["id"]) == {"0": "backed up"}
    anonymous = _restore(emulator, request_id=None)
    assert anonymous["failed"] and "request_id" in anonymous["msg"], anonymous
    done = _restore(emulator)
    assert not done["failed"], done
    assert admin.disk(disk["id"]) == {"0": "backed up"}
    _started_once(admin, r"/restore$", mark, done, "backup_restore")
