"""Bad input against the emulator, table-driven, for every module: unknown names, ambiguous names
(two disks, snapshots or backups with one name), conflicting options and out-of-range values
give one clear error, and the cloud's request log shows no mutating request.

The modules run in this process (the AnsibleModule code path of `ansible -m`) against a real
emulator; what they sent is read back from the emulator's request log.
"""

from __future__ import annotations

import re

import pytest

from conftest import Cloud, auth_of, record_figures
from evs_emulator.testing import EmulatorProcess
from inprocess import MODULE_NAMES, run



def ambiguous(name: str) -> str:
    """A message that says the name matches more than one resource."""
    many = r"(\b2\b|two|ambiguous|several|more than one)"
    return rf"{many}.*{name}|{name}.*{many}"


# (module, args, what the message must say); names refer to the estate made in `estate`
CASES = [
    # ----- unknown names
    ("snapshot", {"disk": "no-such-disk", "name": "s"}, r"no-such-disk.*(not found|no disk|does not exist)"),
    ("snapshot_batch", {"disks": ["bi-one", "no-such-disk"], "name": "s"}, r"no-such-disk.*does not exist"),
    ("snapshot_batch", {"disks": ["bi-one", "bi-twin"], "name": "s"}, ambiguous("bi-twin")),
    ("snapshot_batch", {"snapshots": [{"disk": "bi-one", "name": "s" * 300}]}, r"snapshots\[0\]: name"),
    ("snapshot_batch", {"snapshots": [{"disk": "bi-one", "name": "s"}, {"disk": "bi-one", "name": "s"}]},
     r"both name"),
    ("snapshot_batch", {"disks": ["bi-one"], "name": "s", "snapshots": [{"disk": "bi-one", "name": "s"}]},
     r"mutually exclusive"),
    ("snapshot_rollback", {"snapshot": "no-such-snap"}, r"no-such-snap"),
    ("snapshot_rollback", {"snapshot": "bi-snap", "disk": "no-such-disk"}, r"no-such-disk"),
    ("disk_attachment", {"server": "no-such-server", "disk": "bi-one"}, r"no-such-server.*not found"),
    ("disk_attachment", {"server": "no-such-server", "disk": "no-such-disk"}, r"no-such-(server|disk).*not found"),
    ("disk_attachment", {"server": "no-such-server", "disk": "bi-one", "device": "vdb"}, r"device path like /dev/vdb"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "snapshot": "no-such-snap"}, r"no-such-snap"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-09", "size": 10}, r"eu-de-09"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "size": 10, "volume_type": "GOLD"}, r"GOLD"),
    ("backup", {"disk": "no-such-disk", "name": "b", "vault": "bi-vault"}, r"no-such-disk"),
    ("backup", {"disk": "bi-one", "name": "b"}, r"vault"),
    ("backup", {"disk": "bi-one", "name": "b", "vault": "no-such-vault"}, r"no-such-vault"),
    ("backup_restore", {"backup": "no-such-backup", "backend": "vbs", "overwrite": True}, r"no-such-backup"),
    ("backup_restore", {"backup": "bi-bk", "backend": "vbs", "disk": "no-such-disk", "overwrite": True},
     r"no-such-disk"),
    ("protection_group", {"name": "bi-new-group", "source_availability_zone": "eu-de-01",
                          "target_availability_zone": "eu-de-02", "vpc": "no-such-vpc"}, r"no-such-vpc"),
    ("replication_pair", {"protection_group": "no-such-group", "name": "p", "disk": "bi-one"}, r"no-such-group"),
    ("replication_pair", {"protection_group": "bi-group", "name": "p", "disk": "no-such-disk"}, r"no-such-disk"),
    ("replication_pair_batch", {"protection_group": "no-such-group", "pairs": [{"name": "p", "disk": "bi-one"}]},
     r"no-such-group"),
    ("replication_pair_batch", {"protection_group": "bi-group", "pairs": [{"name": "p", "disk": "no-such-disk"}]},
     r"no-such-disk"),
    ("replication_pair_batch", {"protection_group": "bi-group",
                                "pairs": [{"name": "p", "disk": "bi-one"}, {"name": "q", "disk": "bi-one"}]},
     r"both name disk 'bi-one'"),
    ("protected_instance", {"protection_group": "no-such-group", "name": "i", "server": "x"}, r"no-such-group"),
    ("protected_instance", {"protection_group": "bi-group", "name": "i", "server": "no-such-server"},
     r"no-such-server"),
    ("dr_drill", {"protection_group": "no-such-group", "name": "d"}, r"no-such-group"),
    ("dr_drill", {"protection_group": "bi-group", "name": "d", "drill_vpc": "no-such-vpc"}, r"no-such-vpc"),
    # ----- ambiguous names (two resources with one name)
    ("snapshot", {"disk": "bi-twin", "name": "s"}, ambiguous("bi-twin")),
    ("disk", {"name": "bi-twin", "size": 20}, ambiguous("bi-twin")),
    ("disk", {"name": "bi-twin", "state": "absent"}, ambiguous("bi-twin")),
    ("snapshot_rollback", {"snapshot": "bi-twin-snap"}, ambiguous("bi-twin-snap")),
    ("backup", {"disk": "bi-twin", "name": "b", "backend": "vbs"}, ambiguous("bi-twin")),
    ("backup_restore", {"backup": "bi-bk-twin", "backend": "vbs", "overwrite": True},
     ambiguous("bi-bk-twin")),
    ("replication_pair", {"protection_group": "bi-group", "name": "p", "disk": "bi-twin"},
     ambiguous("bi-twin")),
    ("replication_pair_batch", {"protection_group": "bi-group", "pairs": [{"name": "p", "disk": "bi-twin"}]},
     ambiguous("bi-twin")),
    # ----- conflicting options
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "snapshot": "bi-snap", "backup": "bi-bk"},
     r"snapshot.*backup|backup.*snapshot|mutually exclusive"),
    ("protection_group", {"name": "bi-new-group", "source_availability_zone": "eu-de-01",
                          "target_availability_zone": "eu-de-01", "vpc": "vpc-default"}, r"eu-de-01"),
    ("backup", {"disk": "bi-one", "name": "b", "backend": "vbs", "vault": "bi-vault"}, r"vault"),
    ("backup_restore", {"backup": "bi-bk", "backend": "vbs", "disk": "bi-one"}, r"overwrite"),
    ("disk", {"name": "bi-one", "size": 5}, r"(shrink|smaller|reduce|larger).*|.*\b10\b.*\b5\b"),
    ("disk", {"name": "bi-one", "availability_zone": "eu-de-02"}, r"eu-de-0[12]"),
    # ----- out-of-range values
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "size": 0}, r"size"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "size": -5}, r"size"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "size": 40000}, r"size|32768"),
    ("disk", {"name": "x" * 300, "availability_zone": "eu-de-01", "size": 10}, r"name"),
    ("disk", {"name": "bi-new", "availability_zone": "eu-de-01", "size": 10, "description": "d" * 300},
     r"description"),
    ("snapshot", {"disk": "bi-one", "name": "s" * 300}, r"name"),
    ("snapshot", {"disk": "bi-one", "name": ""}, r"name"),
    ("snapshot", {"disk": "bi-one", "name": "s", "description": "d" * 300}, r"description"),
    ("backup", {"disk": "bi-one", "name": "b" * 300, "backend": "vbs"}, r"name"),
    ("replication_pair_batch", {"protection_group": "bi-group", "pairs": [{"name": "p" * 300, "disk": "bi-one"}]},
     r"pairs\[0\]: name"),
    ("replication_pair_batch", {"protection_group": "bi-group",
                                "pairs": [{"name": "p", "disk": "bi-one", "protected_instance": "i"}]}, r"device"),
    ("protection_group", {"name": "g" * 300, "source_availability_zone": "eu-de-01",
                          "target_availability_zone": "eu-de-02", "vpc": "vpc-default"}, r"name"),
    # ----- vaults and backup policies
    ("vault", {"name": "bi-new-vault", "size": 100, "resources": ["no-such-disk"]}, r"no-such-disk"),
    ("vault", {"name": "bi-new-vault", "size": 100, "resources": ["bi-twin"]}, ambiguous("bi-twin")),
    ("vault", {"name": "bi-new-vault", "size": 100, "policy": "no-such-policy"}, r"no-such-policy"),
    ("vault", {"name": "bi-new-vault", "size": 0}, r"size"),
    ("vault", {"name": "bi-new-vault", "size": -10}, r"size"),
    ("vault", {"name": "v" * 300, "size": 100}, r"name"),
    ("backup_policy", {"name": "bi-policy", "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"], "max_backups": 0},
     r"max_backups"),
    ("backup_policy", {"name": "bi-policy", "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"],
                       "retention_duration_days": -5}, r"retention_duration_days"),
    ("backup_policy", {"name": "bi-policy", "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"], "max_backups": 100000},
     r"max_backups"),
    ("backup_policy", {"name": "bi-policy", "schedule": ["every night"], "max_backups": 7}, r"schedule|every night"),
    ("backup_policy", {"name": "bi-policy", "schedule": ["FREQ=DAILY;BYHOUR=25;BYMINUTE=0"], "max_backups": 7},
     r"BYHOUR|25|schedule"),
    ("backup_policy", {"name": "bi-policy", "backend": "vbs", "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"],
                       "max_backups": 7, "disks": ["no-such-disk"]}, r"no-such-disk"),
    ("backup_policy", {"name": "p" * 300, "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"], "max_backups": 7},
     r"name"),
    # ----- batches and cross-region replication
    ("backup_batch", {"disks": ["bi-one", "no-such-disk"], "name": "b", "vault": "bi-vault"}, r"no-such-disk"),
    ("backup_batch", {"disks": ["bi-one", "bi-twin"], "name": "b", "vault": "bi-vault"}, ambiguous("bi-twin")),
    ("backup_batch", {"backups": [{"disk": "bi-one", "name": "b" * 300}], "vault": "bi-vault"}, r"name"),
    ("backup_batch", {"disks": ["bi-one"], "name": "b", "backend": "vbs", "vault": "bi-vault"}, r"vault"),
    ("backup_replica", {"backup": "bi-bk", "destination_region": "eu-de", "destination_vault": "far"},
     r"destination_region|region"),
    ("backup_replica", {"backup": "", "destination_region": "eu-nl", "destination_vault": "far"}, r"backup"),
    ("backup_replica", {"backup": "bi-bk", "destination_region": "eu-nl", "destination_vault": " "},
     r"destination_vault"),
    ("backup_replication_policy", {"name": "p" * 300, "destination_region": "eu-nl",
                                   "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"]}, r"name"),
    ("backup_replica_batch", {"backups": [{"backup": "bi-bk"}], "destination_region": "eu-de",
                              "destination_vault": "far"}, r"destination_region|region"),
    ("backup_replica_batch", {"backups": [{"backup": "bi-bk"}, {"backup": ""}], "destination_region": "eu-nl",
                              "destination_vault": "far"}, r"backup"),
    # ----- whole servers (CBR server vaults)
    ("server_backup", {"name": "sb", "server": "no-such-server", "vault": "bi-vault"}, r"no-such-server"),
    ("server_backup", {"name": "s" * 300, "server": "no-such-server", "vault": "bi-vault"}, r"name"),
    ("server_backup_restore", {"backup": "no-such-backup", "overwrite": True}, r"no-such-backup"),
    # ----- info modules: a filter that names something that is not there (backup_info takes
    # the name of a deleted disk on purpose: its backups outlive it)
    ("snapshot_info", {"disk": "no-such-disk"}, r"no-such-disk"),
    ("snapshot_info", {"disk": "bi-twin"}, ambiguous("bi-twin")),
    ("backup_info", {"vault": "no-such-vault", "backend": "cbr"}, r"no-such-vault"),
    ("replication_pair_info", {"protection_group": "no-such-group"}, r"no-such-group"),
    ("protected_instance_info", {"protection_group": "no-such-group"}, r"no-such-group"),
    ("dr_drill_info", {"protection_group": "no-such-group"}, r"no-such-group"),
]


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """One disk with a snapshot and a VBS backup, two disks named alike with a snapshot each named
    alike, two backups named alike, a CBR vault, a protection group."""
    with EmulatorProcess(state_dir=tmp_path_factory.mktemp("bad-input")) as emulator:
        admin = emulator.admin()
        admin.zero_timings()
        connection = {"auth": auth_of(emulator.base_url), "region": "eu-de"}

        def make(module, **args):
            result, _ = run(module, dict(connection, **args))
            assert not result["failed"], (module, args, result)
            return result
        cloud = Cloud(emulator.base_url)
        make("disk", name="bi-one", availability_zone="eu-de-01", size=10)
        twins = [cloud.create_volume("bi-twin") for _ in range(2)]
        make("snapshot", disk="bi-one", name="bi-snap")
        for twin in twins:
            make("snapshot", disk=twin["id"], name="bi-twin-snap")
            make("backup", disk=twin["id"], name="bi-bk-twin", backend="vbs")
        make("backup", disk="bi-one", name="bi-bk", backend="vbs")
        answer = cloud.call("POST", f"{emulator.base_url}/cbr/v3/{cloud.project_id}/vaults", {"vault": {
            "name": "bi-vault", "resources": [],
            "billing": {"object_type": "disk", "protect_type": "backup", "size": 100,
                        "consistent_level": "crash_consistent", "cloud_type": "public",
                        "charging_mode": "post_paid"}}})
        assert answer.status == 200, answer.body
        make("protection_group", name="bi-group", source_availability_zone="eu-de-01",
             target_availability_zone="eu-de-02", vpc="vpc-default")
        yield emulator, connection


def _mark(admin) -> int:
    return max([r["seq"] for r in admin.requests()] or [0])


def test_the_table_covers_every_resource_module():
    resource_modules = {m for m in MODULE_NAMES if not m.endswith("_info")}
    assert resource_modules <= {case[0] for case in CASES}


@pytest.mark.parametrize("module,args,expected", CASES,
                         ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CASES)])
def test_bad_input_gives_one_clear_error_and_changes_nothing(estate, module, args, expected):
    emulator, connection = estate
    admin = emulator.admin()
    mark = _mark(admin)
    result, sent = run(module, dict(connection, **args))
    mutating = [f"{r['method']} {r['path']}" for r in admin.requests(mutating=True, since_seq=mark)]
    record_figures("bad-input-emulator", bad_inputs=1, leaks=int(connection["auth"]["password"] in repr(result)))
    assert result["failed"], f"{module} {args} did not fail: {result}"
    assert mutating == [], f"{module} {args} sent {mutating}"
    msg = result.get("msg") or ""
    assert msg.strip() and "exception" not in result and "Traceback" not in msg, result
    assert re.search(expected, msg, re.IGNORECASE | re.DOTALL), f"{module} {args}: {msg!r} does not say {expected}"
    assert connection["auth"]["password"] not in repr(result)
