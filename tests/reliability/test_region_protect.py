"""Protecting a region tier while its SOURCE region is down: the protect playbook fails at once and
clearly (it names the region and says that nothing was protected), sends no mutating request to
either region, and leaves nothing in the destination region (no replication vault, policy or
replica that the rest of the run could not finish). Once the region is back, a rerun protects
every disk: exactly one replica per backup in the destination region, and another run adds none.

The estate is made with the modules in-process; protect runs through ansible-playbook with the
user's connection (OS_CLOUD, tenant-a in eu-de) and the eu-nl cloud entry
(protect_region_connections). Timings are 0: nothing waits for a cloud timing.
"""

from __future__ import annotations

from pathlib import Path

from evs_emulator.cli import clouds_yaml as render_clouds_yaml
from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token

from conftest import SOURCE_TREE, fresh_cloud, record_figures, run_playbook
from inprocess import run

PLAYBOOK = SOURCE_TREE / "ansible_collections" / "dataprotection" / "evs" / "playbooks" / "protect.yml"
REGION_CONFIG = Config.load(region_projects=True)
START = "2026-06-01T10:00:00Z"
DISKS = ("rp-db01", "rp-db02")
POLICY = {"name": "rp", "tiers": [{"name": "gold", "failure": "region", "rpo": "1d", "destination_region": "eu-nl",
                                   "retention": {"last": 2}, "disks": {"metadata": {"tier": "gold"}}}]}


def build_estate(emulator) -> dict:
    """The gold disks of eu-de, unprotected yet."""
    connection = fresh_cloud(emulator, START)
    for name in DISKS:
        result, _ = run("disk", dict(connection, name=name, availability_zone="eu-de-01", size=10,
                                     metadata={"tier": "gold"}))
        assert not result["failed"], result.get("msg")
    _, nl_project = tenant_token(emulator.base_url, "tenant-a", REGION_CONFIG, region="eu-nl")
    return {"de_project": connection["auth"]["project_id"], "nl_project": nl_project, "connection": connection}


def replicas_of_backups(estate) -> tuple[list, dict]:
    """The backups of the tier's vault in eu-de, and source backup id -> replica id in eu-nl (by the
    source backups' replication records, read with backup_replica_info)."""
    connection = estate["connection"]
    backups, _ = run("backup_info", dict(connection, backend="cbr", vault="rp-gold"))
    listed, _ = run("backup_replica_info", dict(connection, vault="rp-gold", destination_region="eu-nl"))
    assert not backups["failed"] and not listed["failed"], (backups, listed)
    by_source = {}
    for replica in listed["replicas"]:
        assert replica["source_backup_id"] not in by_source, listed["replicas"]  # a second replica of a backup
        by_source[replica["source_backup_id"]] = replica["id"]
    return backups["backups"], by_source


def in_nl(emulator, what: str) -> list:
    """The vaults, policies or replication backups of tenant-a's project in eu-nl."""
    token, project = tenant_token(emulator.base_url, "tenant-a", REGION_CONFIG, region="eu-nl")
    path = {"vaults": "/vaults", "policies": "/policies", "backups": "/backups?image_type=replication"}[what]
    answer = http("GET", f"{emulator.base_url}/cbr/v3/{project}{path}", None, {"X-Auth-Token": token})
    assert answer.status == 200, answer.body
    return answer.body[what]


def test_protect_with_the_source_region_down_fails_clearly_then_a_rerun_replicates_each_backup_once(tmp_path: Path):
    emulator = EmulatorProcess(state_dir=tmp_path / "emulator", region_projects=True).start()
    try:
        estate = build_estate(emulator)
        admin = emulator.admin()
        clouds = tmp_path / "clouds.yaml"
        clouds.write_text(render_clouds_yaml(REGION_CONFIG, emulator.base_url))
        env = {"OS_CLIENT_CONFIG_FILE": str(clouds), "OS_CLOUD": "tenant-a"}
        extra = {"dr_policy": POLICY, "protect_region_connections": {"eu-nl": {"cloud": "tenant-a-eu-nl"}}}
        admin.start_region_outage("eu-de")
        admin.clear_requests()

        rc, output = run_playbook(PLAYBOOK, extra, env=env, scratch=tmp_path, timeout=300)
        assert rc != 0, output
        assert "region eu-de did not answer" in output and "nothing was protected" in output, output
        assert admin.requests(mutating="true") == []
        # the destination region was not even asked: nothing there to be half made
        assert admin.requests(project_id=estate["nl_project"]) == []
        assert in_nl(emulator, "vaults") == [] and in_nl(emulator, "backups") == []
        refused = len(admin.requests())

        admin.end_region_outage("eu-de")
        rc, output = run_playbook(PLAYBOOK, extra, env=env, scratch=tmp_path, timeout=300)
        assert rc == 0, output
        replicas = in_nl(emulator, "backups")
        backups, by_source = replicas_of_backups(estate)
        # one replica per backup: every backup of the tier's vault has one, none has two, none is orphaned
        assert len(backups) == len(DISKS) and sorted(by_source) == sorted(b["id"] for b in backups), by_source
        assert sorted(r["id"] for r in replicas) == sorted(by_source.values()), (replicas, by_source)
        assert [v["name"] for v in in_nl(emulator, "vaults")] == ["rp-gold"]

        admin.clear_requests()
        rc, output = run_playbook(PLAYBOOK, extra, env=env, scratch=tmp_path, timeout=300)
        assert rc == 0, output
        assert admin.requests(mutating="true") == []
        assert [r["id"] for r in in_nl(emulator, "backups")] == [r["id"] for r in replicas]
        record_figures("region_protect_source_down", requests_while_down=refused, replicas=len(replicas),
                       duplicates=len(replicas) - len(DISKS))
    finally:
        emulator.kill()
