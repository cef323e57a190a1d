"""The real cloud's limits and rules, on by default (README "Limits of the real cloud"):
7 manual snapshots per disk, one snapshot `creating` per disk, no backup while a snapshot of the
disk is being created, rollback only onto an `available` disk, CBR's `waiting_*` queue states."""

from __future__ import annotations

import yaml

from evs_emulator.config import Config, load_default_text
from evs_emulator.testing import EmulatorProcess

from conftest import TENANT_A, Tenant
from test_cbr import available_volume, backups, cbr, checkpoint, make_vault
from test_vbs import vbs


def snapshot_answer(tenant, volume_id, **fields):
    return tenant.call("POST", tenant.evs("/snapshots"), {"snapshot": {"volume_id": volume_id, **fields}})


def test_an_eighth_manual_snapshot_of_a_disk_is_refused(fast, alice):
    vid = alice.create_volume()["id"]
    other = alice.create_volume()["id"]
    made = [alice.create_snapshot(vid, name=f"s{i}")["id"] for i in range(7)]
    eighth = snapshot_answer(alice, vid, name="s7")
    assert eighth.status == 400
    assert "at most 7 manual snapshots" in eighth.body["badRequest"]["message"]
    # the vendor path is the same operation, and nothing was made
    assert alice.call("POST", alice.evs("/cloudsnapshots"), {"snapshot": {"volume_id": vid}}).status == 400
    listed = alice.call("GET", alice.evs(f"/snapshots?volume_id={vid}")).body["snapshots"]
    assert len(listed) == 7
    # the limit is per disk, and a deleted snapshot frees its place once it is gone
    assert snapshot_answer(alice, other).status == 202
    assert alice.call("DELETE", alice.evs(f"/snapshots/{made[0]}")).status == 202
    fast.advance(1)
    assert snapshot_answer(alice, vid, name="again").status == 202


def test_one_snapshot_of_a_disk_is_created_at_a_time(admin, alice):
    admin.freeze()
    vid = available_volume(admin, alice)["id"]
    other = available_volume(admin, alice)["id"]
    first = alice.create_snapshot(vid, name="first")
    second = snapshot_answer(alice, vid, name="second")
    assert second.status == 400
    assert first["id"] in second.body["badRequest"]["message"]
    assert "being created" in second.body["badRequest"]["message"]
    assert snapshot_answer(alice, other).status == 202  # another disk is not held up
    admin.advance(3)  # snapshot.create
    assert alice.snapshot(first["id"])["status"] == "available"
    assert snapshot_answer(alice, vid, name="second").status == 202


def test_no_backup_while_a_snapshot_of_the_disk_is_being_created(admin, alice):
    admin.freeze()
    volume = available_volume(admin, alice)
    vault = make_vault(alice, resources=[volume["id"]])
    alice.create_snapshot(volume["id"])
    refused = alice.call("POST", vbs(alice, "/cloudbackups"), {"backup": {"volume_id": volume["id"], "name": "b"}})
    assert refused.status == 400 and refused.body["error"]["code"] == "VolumeBackup.0012"
    assert "being created" in refused.body["error"]["message"]
    skipped = alice.call("POST", cbr(alice, "/checkpoints"), {"checkpoint": {"vault_id": vault["id"]}})
    assert skipped.status == 400 and skipped.body["error_code"] == "BackupService.0001"
    assert "being created" in skipped.body["error_msg"]
    assert backups(alice)["count"] == 0
    admin.advance(3)
    assert checkpoint(alice, vault["id"])["vault"]["skipped_resources"] == []


def test_no_snapshot_while_the_disk_is_backed_up(admin, alice):
    admin.freeze()
    volume = available_volume(admin, alice)
    vault = make_vault(alice, resources=[volume["id"]])
    checkpoint(alice, vault["id"])
    busy = snapshot_answer(alice, volume["id"])
    assert busy.status == 400 and "backing-up" in busy.body["badRequest"]["message"]


def test_rollback_needs_an_available_disk_and_snapshot(admin, alice):
    admin.zero_timings()
    vid = alice.create_volume()["id"]
    snapshot = alice.create_snapshot(vid)
    server = alice.create_server()
    admin.advance(1)
    alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"), {"volumeAttachment": {"volumeId": vid}})
    admin.advance(1)
    answer = alice.call("POST", alice.evs(f"/os-vendor-snapshots/{snapshot['id']}/rollback"),
                        {"rollback": {"volume_id": vid}})
    assert answer.status == 400 and "current status is: in-use" in answer.body["badRequest"]["message"]
    assert alice.volume(vid)["status"] == "in-use"


def test_cbr_jobs_wait_in_the_queue_first(admin, alice):
    admin.freeze()
    admin.set_timings({"cbr.queue": 10, "backup.create": 30, "backup.restore": 30, "backup.delete": 5})
    volume = available_volume(admin, alice, {"0": "first"})
    vault = make_vault(alice, resources=[volume["id"]])
    taken = checkpoint(alice, vault["id"])
    assert taken["status"] == "protecting"  # a checkpoint has no queue state

    def backup_status():
        return backups(alice, f"?checkpoint_id={taken['id']}")["backups"][0]["status"]

    def oplog_status(kind):
        logs = alice.call("GET", cbr(alice, f"/operation-logs?operation_type={kind}")).body["operation_logs"]
        return logs[0]["status"]

    assert (backup_status(), oplog_status("backup")) == ("waiting_protect", "waiting")
    assert alice.volume(volume["id"])["status"] == "backing-up"  # the disk is taken from the start
    assert backups(alice, "?status=waiting_protect")["count"] == 1
    admin.advance(10)
    assert (backup_status(), oplog_status("backup")) == ("protecting", "running")
    admin.advance(29)
    assert backup_status() == "protecting" and alice.volume(volume["id"])["status"] == "backing-up"
    admin.advance(1)
    assert (backup_status(), oplog_status("backup")) == ("available", "success")
    assert alice.volume(volume["id"])["status"] == "available"
    backup_id = backups(alice)["backups"][0]["id"]
    # a backup that waits is neither restorable nor deletable yet
    assert alice.call("POST", cbr(alice, f"/backups/{backup_id}/restore"),
                      {"restore": {"volume_id": volume["id"]}}).status == 202
    assert backup_status() == "waiting_restore"
    assert alice.volume(volume["id"])["status"] == "restoring-backup"
    admin.write_disk(volume["id"], {"0": "second"})
    admin.advance(39)
    assert backup_status() == "restoring" and admin.disk(volume["id"]) == {"0": "second"}
    admin.advance(1)
    assert backup_status() == "available" and admin.disk(volume["id"]) == {"0": "first"}
    assert alice.call("DELETE", cbr(alice, f"/backups/{backup_id}")).status == 204
    assert backup_status() == "waiting_delete"
    assert alice.call("DELETE", cbr(alice, f"/backups/{backup_id}")).body["error_code"] == "BackupService.2006"
    admin.advance(10)
    assert backup_status() == "deleting"
    admin.advance(5)
    assert backups(alice)["count"] == 0


def test_the_default_config_turns_every_rule_on():
    limits = yaml.safe_load(load_default_text())["limits"]
    assert limits == {"snapshots_per_disk": 7, "one_snapshot_creating_per_disk": True,
                      "backup_refused_while_snapshot_creating": True}
    assert Config.load().default_timings["cbr.queue"] > 0


def test_a_config_can_turn_the_rules_off(tmp_path):
    data = yaml.safe_load(load_default_text())
    data["limits"] = {"snapshots_per_disk": None, "one_snapshot_creating_per_disk": False,
                      "backup_refused_while_snapshot_creating": False}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data))
    with EmulatorProcess(config=config) as emulator:
        admin = emulator.admin()
        admin.freeze()
        alice = Tenant(emulator.base_url, TENANT_A.cloud)
        vid = available_volume(admin, alice)["id"]
        for i in range(9):  # creating one after another on one disk, past 7
            assert snapshot_answer(alice, vid, name=f"s{i}").status == 202
        backup = alice.call("POST", vbs(alice, "/cloudbackups"), {"backup": {"volume_id": vid, "name": "b"}})
        assert backup.status == 200
