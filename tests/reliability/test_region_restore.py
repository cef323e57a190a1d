"""Region-level DR with the source region down: the restore playbook brings a disk of eu-de back in
eu-nl from its replica there, asking eu-de nothing, through the faults a region-wide incident
brings to the surviving region (throttling and 503s on its reads, a lost answer to the create of
the new disk): one new disk, byte for byte, and a rerun that changes nothing.

The estate is made with the modules in-process; the restore runs through ansible-playbook with the
user's connection (OS_CLOUD, tenant-a in eu-de) and the eu-nl cloud entry (restore_region_cloud).
Timings are 0 and the clock is moved: nothing waits for a cloud timing.
"""

from __future__ import annotations

import re
from pathlib import Path

from evs_emulator.cli import clouds_yaml as render_clouds_yaml
from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token

from conftest import SOURCE_TREE, fresh_cloud, record_figures, run_playbook
from inprocess import run

PLAYBOOK = SOURCE_TREE / "ansible_collections" / "dataprotection" / "evs" / "playbooks" / "restore.yml"
REGION_CONFIG = Config.load(region_projects=True)
START = "2026-06-01T10:00:00Z"
BACKED_UP = {"0": "orders up to 10:00", "5": "ledger"}
BILLING = {"object_type": "disk", "size": 100, "consistent_level": "crash_consistent", "cloud_type": "public",
           "charging_mode": "post_paid"}


def build_estate(emulator) -> dict:
    """rf-db of eu-de, backed up and the backup replicated to eu-nl; later writes are not in it."""
    admin = emulator.admin()
    connection = fresh_cloud(emulator, START)

    def module(module_name, **args):
        result, _ = run(module_name, dict(connection, **args))
        assert not result["failed"], (module_name, result.get("msg"))
        return result

    disk = module("disk", name="rf-db", availability_zone="eu-de-02", size=10)["disk"]
    admin.write_disk(disk["id"], BACKED_UP)
    module("vault", name="rf-backups", size=100, resources=["rf-db"])
    module("backup", name="rf-db-b1", disk="rf-db", vault="rf-backups")
    admin.write_disk(disk["id"], {"0": "written after the backup"})
    token, nl_project = tenant_token(emulator.base_url, "tenant-a", REGION_CONFIG, region="eu-nl")
    made = http("POST", f"{emulator.base_url}/cbr/v3/{nl_project}/vaults",
                {"vault": {"name": "rf-replicas", "resources": [], "billing": dict(BILLING, protect_type="replication")}},
                {"X-Auth-Token": token})
    assert made.status in (200, 201), made.body
    replica = module("backup_replica", backup="rf-db-b1", vault="rf-backups", destination_region="eu-nl",
                     destination_vault="rf-replicas")["replica"]
    admin.advance(3600)
    admin.start_region_outage("eu-de")
    return {"disk": disk, "replica": replica, "nl_project": nl_project, "de_project": connection["auth"]["project_id"]}


def test_restore_in_eu_nl_with_eu_de_down_through_faults(tmp_path: Path):
    emulator = EmulatorProcess(state_dir=tmp_path / "emulator", region_projects=True).start()
    try:
        estate = build_estate(emulator)
        admin = emulator.admin()
        nl = estate["nl_project"]
        # the surviving region under load: its replica list throttled, its disk list failing once,
        # and the answer to the create of the new disk lost after the disk was made
        admin.add_fault(method="GET", path=f"/cbr/v3/{nl}/backups", status=429, retry_after=0, count=2)
        admin.add_fault(method="GET", path=f"/evs/v2/{nl}/volumes/detail", status=503, count=1)
        admin.add_fault(method="POST", path=f"/evs/v2/{nl}/volumes$", drop_answer=True, count=1)
        clouds = tmp_path / "clouds.yaml"
        clouds.write_text(render_clouds_yaml(REGION_CONFIG, emulator.base_url))
        env = {"OS_CLIENT_CONFIG_FILE": str(clouds), "OS_CLOUD": "tenant-a"}
        extra = {"restore_disk": "rf-db", "restore_region": "eu-nl", "restore_region_cloud": "tenant-a-eu-nl",
                 "restore_new_disk_availability_zone": "eu-nl-03"}
        admin.clear_requests()

        rc, output = run_playbook(PLAYBOOK, extra, env=env, scratch=tmp_path, timeout=300)
        assert rc == 0, output
        # every rule met its requests (a rule is removed once it applied `count` times)
        assert admin.faults() == []
        logged = admin.requests()
        faulted = [r["status"] for r in logged if r["status"] in (429, 503)]
        assert sorted(faulted) == [429, 429, 503], faulted
        made = [r for r in admin.requests(mutating="true") if r["method"] == "POST"]
        assert [r["path"] for r in made] == [f"/evs/v2/{nl}/volumes"], made
        assert admin.requests(project_id=estate["de_project"]) == []
        disks = disks_of(emulator, nl)
        assert len(disks) == 1 and disks[0]["availability_zone"] == "eu-nl-03", disks
        assert admin.disk(disks[0]["id"]) == BACKED_UP
        rpo = int(re.search(r"RPO achieved (\d+) s \(the replica's age", output).group(1))
        rto = int(re.search(r"RTO (\d+) s \(this run", output).group(1))
        assert 3600 <= rpo < 3600 + 600, rpo
        record_figures("region_restore", requests=len(logged), faults=len(faulted) + 1, duplicates=len(disks) - 1,
                       by_kind={"429": 2, "503": 1, "drop_answer": 1}, rpo_seconds=rpo, rto_seconds=rto)

        admin.clear_requests()
        rc, output = run_playbook(PLAYBOOK, extra, env=env, scratch=tmp_path, timeout=300)
        assert rc == 0 and "already done" in output, output
        assert admin.requests(mutating="true") == []
        assert admin.requests(project_id=estate["de_project"]) == []
    finally:
        emulator.kill()


def disks_of(emulator, project_id: str) -> list:
    token, _ = tenant_token(emulator.base_url, "tenant-a", REGION_CONFIG, region="eu-nl")
    answer = http("GET", f"{emulator.base_url}/evs/v2/{project_id}/volumes/detail", None, {"X-Auth-Token": token})
    return answer.body["volumes"]
