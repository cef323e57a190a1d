"""Two regions: projects, catalogs and AZs per region, a region outage, and CBR replication between
them (CopyBackup, CopyCheckpoint, replication policies on the clock, records, restores of replicas).

One emulator of its own, started with `--region-projects` (every tenant has a project in eu-nl too).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token

from huaweicloudsdkcbr.v1 import CbrClient
from huaweicloudsdkcbr.v1 import model as m

from evs_emulator.conformance import huawei_client
from test_cbr import DISK
from test_conformance_cbr import conforms

CONFIG = Config.load(region_projects=True)
TENANT_A, TENANT_B = CONFIG.tenants[0], CONFIG.tenants[1]
HOME, FAR = "eu-de", "eu-nl"
QUEUE, COPY = 5, 120  # seconds: cbr.queue and cbr.replicate as the default config has them


class RegionTenant:
    """A seeded tenant logged in to its project in one region."""

    def __init__(self, base_url: str, cloud: str, region: str):
        self.base_url, self.region = base_url, region
        self.token, self.project_id = tenant_token(base_url, cloud, CONFIG, region)

    def call(self, method: str, path: str, body=None, service: str = "cbr/v3"):
        return http(method, f"{self.base_url}/{service}/{self.project_id}{path}", body, {"X-Auth-Token": self.token})

    def ok(self, method: str, path: str, body=None, service: str = "cbr/v3", status: int = 200):
        answer = self.call(method, path, body, service)
        assert answer.status == status, answer.body
        return answer.body

    def evs(self, method: str, path: str, body=None, status: int = 200):
        return self.ok(method, path, body, "evs/v2", status)


@pytest.fixture(scope="module")
def regions_process(tmp_path_factory):
    process = EmulatorProcess(state_dir=tmp_path_factory.mktemp("regions-state"), region_projects=True)
    process.start()
    yield process
    process.cleanup()


@pytest.fixture
def admin(regions_process):
    client = regions_process.admin()
    client.reset()
    client.freeze()
    return client


@pytest.fixture
def de(admin, regions_process) -> RegionTenant:
    return RegionTenant(regions_process.base_url, TENANT_A.cloud, HOME)


@pytest.fixture
def nl(admin, regions_process) -> RegionTenant:
    return RegionTenant(regions_process.base_url, TENANT_A.cloud, FAR)


def vault_in(tenant, name="v", size=100, protect_type="backup", resources=()):
    body = {"vault": {"name": name, "resources": [{"id": r, "type": DISK} for r in resources],
                      "billing": {"object_type": "disk", "protect_type": protect_type, "size": size,
                                  "consistent_level": "crash_consistent", "cloud_type": "public",
                                  "charging_mode": "post_paid"}}}
    return tenant.ok("POST", "/vaults", body)["vault"]


def disk_with(admin, tenant, blocks: dict, zone: str, size: int = 10) -> dict:
    volume = tenant.evs("POST", "/volumes", {"volume": {"size": size, "availability_zone": zone}}, 202)["volume"]
    admin.advance(3600)
    admin.write_disk(volume["id"], blocks)
    return volume


def backed_up(admin, de, blocks=None, size=10):
    """A disk in eu-de with `blocks`, in a backup vault, and its first backup (available)."""
    volume = disk_with(admin, de, blocks or {"0": "day-one"}, "eu-de-01", size)
    vault = vault_in(de, "src", resources=[volume["id"]])
    de.ok("POST", "/checkpoints", {"checkpoint": {"vault_id": vault["id"]}})
    admin.advance(3600)
    backup = de.ok("GET", f"/backups?vault_id={vault['id']}")["backups"][0]
    assert backup["status"] == "available"
    return volume, vault, backup


def replicate_body(nl, vault_id: str, **override) -> dict:
    return {"replicate": {"destination_region": FAR, "destination_project_id": nl.project_id,
                          "destination_vault_id": vault_id, **override}}


# -- regions, projects, catalogs ----------------------------------------------------------------
def test_each_region_has_its_project_catalog_and_zones(admin, de, nl, regions_process):
    assert de.project_id != nl.project_id
    for tenant in (de, nl):
        catalog = http("GET", f"{tenant.base_url}/identity/v3/auth/catalog",
                       headers={"X-Auth-Token": tenant.token}).body["catalog"]
        endpoints = [e for entry in catalog for e in entry["endpoints"]]
        assert {entry["type"] for entry in catalog} >= {"cbr", "volumev2", "volumev3", "evs", "compute", "sdrs"}
        assert {e["region"] for e in endpoints} == {tenant.region}
        assert all(tenant.project_id in e["url"] for e in endpoints if e["url"].count("/") > 4)
    projects = http("GET", f"{de.base_url}/identity/v3/auth/projects", headers={"X-Auth-Token": de.token}).body
    assert {(p["name"], p["id"]) for p in projects["projects"]} == {(HOME, de.project_id), (FAR, nl.project_id)}
    regions = http("GET", f"{de.base_url}/identity/v3/regions", headers={"X-Auth-Token": de.token}).body
    assert [r["id"] for r in regions["regions"]] == [HOME, FAR]
    cbr_endpoints = [e for e in http("GET", f"{de.base_url}/identity/v3/endpoints",
                                     headers={"X-Auth-Token": de.token}).body["endpoints"] if "/cbr/" in e["url"]]
    assert [e["region"] for e in cbr_endpoints] == [HOME, FAR]
    # a disk lives in its region's AZs; the other region's AZs are refused
    assert nl.call("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-de-01"}},
                   "evs/v2").status == 400
    volume = nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-02"}}, 202)["volume"]
    assert [v["id"] for v in nl.evs("GET", "/volumes")["volumes"]] == [volume["id"]]
    assert de.evs("GET", "/volumes")["volumes"] == []
    # a token is scoped to one project: eu-de's token does not act in eu-nl
    assert http("GET", f"{de.base_url}/evs/v2/{nl.project_id}/volumes",
                headers={"X-Auth-Token": de.token}).status == 403


def test_scoping_by_project_name_reaches_the_region(admin, regions_process):
    answer = http("POST", f"{regions_process.base_url}/identity/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": TENANT_A.user["name"], "password": TENANT_A.user["password"],
            "domain": {"name": TENANT_A.domain["name"]}}}},
        "scope": {"project": {"name": FAR, "domain": {"name": TENANT_A.domain["name"]}}}}})
    assert answer.status == 201
    token = answer.body["token"]
    assert token["project"] == {"id": TENANT_A.project_in(FAR)["id"], "name": FAR,
                                "domain": {"id": TENANT_A.domain["id"], "name": TENANT_A.domain["name"]}}
    assert {e["region"] for entry in token["catalog"] for e in entry["endpoints"]} == {FAR}


def test_the_default_config_keeps_one_project_per_tenant():
    default = Config.load()
    assert [len(t.projects) for t in default.tenants] == [1, 1]
    assert default.availability_zones(FAR) == ["eu-nl-01", "eu-nl-02", "eu-nl-03"]
    assert default.replication_destinations(HOME) == [FAR]


def test_a_region_outage_fails_every_endpoint_of_that_region_only(admin, de, nl, regions_process):
    nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-01"}}, 202)
    admin.start_region_outage(FAR)
    for service, path in (("evs/v2", "/volumes"), ("evs/v3", "/volumes"), ("cbr/v3", "/vaults"),
                          ("ecs/v2.1", "/servers"), ("sdrs/v1", "/server-groups"), ("vbs/v2", "/backups"),
                          ("vpc/v1", "/vpcs"), ("v3", "/vaults"), ("v2", "/volumes")):
        down = nl.call("GET", path, service=service)
        assert down.status == 503, (service, down.body)
        assert down.body["error_code"] == "EMULATOR.REGION_OUTAGE" and FAR in down.body["error_msg"]
        assert de.call("GET", path, service=service).status == 200, service
    assert http("GET", f"{regions_process.base_url}/_emulator/region-outages").body == {"region_outages": [FAR]}
    bad = http("POST", f"{regions_process.base_url}/_emulator/region-outages", {"region": "mars-1"})
    assert bad.status == 400
    admin.end_region_outage(FAR)
    assert nl.call("GET", "/volumes", service="evs/v2").status == 200
    assert http("DELETE", f"{regions_process.base_url}/_emulator/region-outages/{FAR}").status == 404


# -- CBR replication ---------------------------------------------------------------------------
def test_replication_capabilities(de, nl):
    expected = {"regions": [{"name": HOME, "replication_destinations": [FAR]},
                            {"name": FAR, "replication_destinations": [HOME]}]}
    assert de.ok("GET", "/replication-capabilities") == expected
    assert nl.ok("GET", "/replication-capabilities") == expected


def test_copy_backup_takes_its_time_and_restores_byte_exact_in_the_other_region(admin, de, nl):
    source, vault, backup = backed_up(admin, de, {"0": "as-backed-up", "3": "tail"})
    admin.write_disk(source["id"], {"0": "changed-after-backup"})  # the replica is the backup, not the disk
    target = vault_in(nl, "dst", protect_type="replication")
    bad_name = de.call("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"], name="a b"))
    assert bad_name.body["error_code"] == "BackupService.0002"
    answer = de.ok("POST", f"/backups/{backup['id']}/replicate",
                   replicate_body(nl, target["id"], name="copy-1", description="to nl"))["replication"]
    assert answer == {"backup_id": backup["id"], "destination_project_id": nl.project_id, "destination_region": FAR,
                      "destination_vault_id": target["id"], "project_id": de.project_id,
                      "provider_id": "d1603440-187d-4516-af25-121250c7cc97", "source_region": HOME,
                      "replication_record_id": answer["replication_record_id"]}
    [record] = de.ok("GET", f"/backups/{backup['id']}")["backup"]["replication_records"]
    assert record["id"] == answer["replication_record_id"] and record["status"] == "replicating"
    assert record["extra_info"]["progress"] == 0
    [replica] = nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"]
    assert replica["id"] == record["destination_backup_id"] and replica["image_type"] == "replication"
    assert replica["status"] == "protecting" and replica["project_id"] == nl.project_id
    assert (replica["name"], replica["description"], replica["resource_id"]) == ("copy-1", "to nl", source["id"])
    assert nl.ok("GET", "/backups?image_type=backup")["count"] == 0
    [log] = de.ok("GET", "/operation-logs?operation_type=replication")["operation_logs"]
    assert log["extra_info"]["replication"]["destination_backup_id"] == replica["id"]
    admin.advance(QUEUE + COPY - 1)
    assert nl.ok("GET", f"/backups/{replica['id']}")["backup"]["status"] == "protecting"
    admin.advance(1)
    assert nl.ok("GET", f"/backups/{replica['id']}")["backup"]["status"] == "available"
    [record] = de.ok("GET", f"/backups/{backup['id']}")["backup"]["replication_records"]
    assert record["status"] == "available" and record["extra_info"]["progress"] == 100
    assert de.ok("GET", f"/operation-logs/{log['id']}")["operation_log"]["status"] == "success"
    checkpoint = nl.ok("GET", f"/checkpoints/{record['destination_checkpoint_id']}")["checkpoint"]
    assert checkpoint["vault"]["id"] == target["id"] and checkpoint["status"] == "available"
    # a new disk from the replica, in an AZ of eu-nl, holds the bytes as they were backed up
    restored = nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-02",
                                                      "backup_id": replica["id"]}}, 202)["volume"]
    admin.advance(3600)
    assert admin.disk(restored["id"]) == {"0": "as-backed-up", "3": "tail"}
    # and restore onto an existing disk there too
    disk = nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-01"}}, 202)["volume"]
    admin.advance(3600)
    assert nl.call("POST", f"/backups/{replica['id']}/restore", {"restore": {"volume_id": disk["id"]}}).status == 202
    admin.advance(3600)
    assert admin.disk(disk["id"]) == {"0": "as-backed-up", "3": "tail"}


def test_a_replica_survives_the_source_region(admin, de, nl):
    _, _, backup = backed_up(admin, de, {"1": "precious"})
    target = vault_in(nl, "dst", protect_type="replication")
    de.ok("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"]))
    admin.advance(QUEUE + COPY)
    admin.start_region_outage(HOME)
    assert de.call("GET", "/backups").status == 503
    [replica] = nl.ok("GET", "/backups?image_type=replication")["backups"]
    restored = nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-03",
                                                      "backup_id": replica["id"]}}, 202)["volume"]
    admin.advance(60)
    assert nl.evs("GET", f"/volumes/{restored['id']}")["volume"]["status"] == "available"
    assert admin.disk(restored["id"]) == {"1": "precious"}


def test_replication_refusals_with_the_clouds_codes(admin, de, nl, regions_process):
    _, vault, backup = backed_up(admin, de, size=20)
    target = vault_in(nl, "dst", size=100, protect_type="replication")
    path = f"/backups/{backup['id']}/replicate"

    def refused(body, status, code):
        answer = de.call("POST", path, body)
        assert (answer.status, answer.body.get("error_code")) == (status, code), answer.body

    refused(replicate_body(nl, "no-such-vault"), 404, "BackupService.6105")
    refused(replicate_body(nl, vault_in(nl, "plain")["id"]), 400, "BackupService.6102")  # a backup vault
    refused(replicate_body(nl, vault_in(nl, "tiny", size=10, protect_type="replication")["id"]), 400,
            "BackupService.6113")  # 10 GB free, the backup is of a 20 GB disk
    refused(replicate_body(nl, target["id"], destination_region="mars-1"), 400, "BackupService.1005")
    refused(replicate_body(nl, target["id"], destination_region=HOME), 400, "BackupService.1005")
    bob_far = RegionTenant(regions_process.base_url, TENANT_B.cloud, FAR)
    refused(replicate_body(nl, target["id"], destination_project_id=bob_far.project_id), 400, "BackupService.1011")
    refused({"replicate": {"destination_region": FAR}}, 400, "BackupService.0002")
    assert de.call("POST", "/backups/nope/replicate", replicate_body(nl, target["id"])).status == 404
    # the first replica is accepted; a second one of the same backup to the same region is not
    de.ok("POST", path, replicate_body(nl, target["id"]))
    refused(replicate_body(nl, target["id"]), 400, "BackupService.1009")
    admin.advance(QUEUE + COPY)
    refused(replicate_body(nl, vault_in(nl, "other", protect_type="replication")["id"]), 400, "BackupService.1009")
    # a replica is not replicated again
    [replica] = nl.ok("GET", "/backups?image_type=replication")["backups"]
    again = nl.call("POST", f"/backups/{replica['id']}/replicate",
                    {"replicate": {"destination_region": HOME, "destination_project_id": de.project_id,
                                   "destination_vault_id": vault["id"]}})
    assert again.body["error_code"] == "BackupService.1002"
    # once the replica is deleted, the backup may be replicated there again
    assert nl.call("DELETE", f"/backups/{replica['id']}").status == 204
    admin.advance(3600)
    de.ok("POST", path, replicate_body(nl, target["id"]))
    # nothing reaches a region in an outage
    _, _, second = backed_up(admin, de, size=10)
    admin.start_region_outage(FAR)
    down = de.call("POST", f"/backups/{second['id']}/replicate", replicate_body(nl, target["id"]))
    assert (down.status, down.body["error_code"]) == (500, "BackupService.0003")


def test_a_backup_still_being_taken_is_not_replicated(admin, de, nl):
    volume = disk_with(admin, de, {"0": "x"}, "eu-de-01")
    vault = vault_in(de, "src", resources=[volume["id"]])
    de.ok("POST", "/checkpoints", {"checkpoint": {"vault_id": vault["id"]}})
    [backup] = de.ok("GET", "/backups")["backups"]
    target = vault_in(nl, "dst", protect_type="replication")
    answer = de.call("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"]))
    assert (answer.status, answer.body["error_code"]) == (400, "BackupService.2005")


def two_disks_backed_up(admin, de, zone: str):
    """`backed_up`, and a second disk in the same vault with a backup of its own (available)."""
    first, vault, backup = backed_up(admin, de, {"0": "one"})
    second = disk_with(admin, de, {"0": "two"}, zone)
    de.ok("POST", f"/vaults/{vault['id']}/addresources", {"resources": [{"id": second["id"], "type": DISK}]})
    de.ok("POST", "/checkpoints", {"checkpoint": {"vault_id": vault["id"], "parameters": {
        "resources": [second["id"]]}}})
    admin.advance(3600)
    return first, second, vault, backup


def test_copy_checkpoint_replicates_what_the_region_lacks(admin, de, nl):
    first, second, vault, backup = two_disks_backed_up(admin, de, "eu-de-02")
    target = vault_in(nl, "dst", protect_type="replication")
    de.ok("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"]))
    body = {"replicate": {"vault_id": vault["id"], "destination_region": FAR, "destination_project_id": nl.project_id,
                          "destination_vault_id": target["id"]}}
    answer = de.ok("POST", "/checkpoints/replicate", body)["replication"]
    [only] = answer["backups"]
    assert only["backup_id"] != backup["id"]
    assert answer["vault_id"] == vault["id"] and answer["destination_vault_id"] == target["id"]
    assert answer["source_region"] == HOME and answer["destination_region"] == FAR
    refused = de.call("POST", "/checkpoints/replicate", body)
    assert (refused.status, refused.body["error_code"]) == (400, "BackupService.1009")
    admin.advance(QUEUE + COPY)
    replicas = nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"]
    assert sorted(r["resource_id"] for r in replicas) == sorted([first["id"], second["id"]])
    assert {r["status"] for r in replicas} == {"available"}


def replication_policy(de, nl, pattern="FREQ=DAILY;BYHOUR=03;BYMINUTE=00", **definition) -> dict:
    return de.ok("POST", "/policies", {"policy": {
        "name": "to-nl", "operation_type": "replication", "trigger": {"properties": {"pattern": [pattern]}},
        "operation_definition": {"destination_region": FAR, "destination_project_id": nl.project_id,
                                 **definition}}})["policy"]


def test_a_replication_policy_copies_new_backups_when_it_fires(admin, de, nl):
    admin.set_time("2026-03-02T00:00:00Z")
    volume, vault, backup = backed_up(admin, de, {"0": "monday"})  # 02:00: the backup is available
    target = vault_in(nl, "dst", protect_type="replication")
    policy = replication_policy(de, nl)
    bad = de.call("POST", f"/vaults/{vault['id']}/associatepolicy",
                  {"policy_id": policy["id"], "destination_vault_id": vault_in(nl, "plain")["id"]})
    assert bad.body["error_code"] == "BackupService.6102"
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy",
          {"policy_id": policy["id"], "destination_vault_id": target["id"]})
    shown = de.ok("GET", f"/policies/{policy['id']}")["policy"]
    assert shown["associated_vaults"] == [{"vault_id": vault["id"], "destination_vault_id": target["id"]}]
    admin.advance(3600 - 1)  # 02:59:59: not yet
    assert nl.ok("GET", "/backups")["count"] == 0
    admin.advance(1)  # 03:00 the policy fires; eu-nl sees it without a request to eu-de
    [replica] = nl.ok("GET", "/backups")["backups"]
    assert replica["status"] == "protecting" and replica["extend_info"]["auto_trigger"] is True
    admin.advance(QUEUE + COPY)
    assert nl.ok("GET", f"/backups/{replica['id']}")["backup"]["status"] == "available"
    [record] = de.ok("GET", f"/backups/{backup['id']}")["backup"]["replication_records"]
    assert record["extra_info"]["auto_trigger"] is True and record["status"] == "available"
    log = de.ok("GET", "/operation-logs?operation_type=replication")["operation_logs"][0]
    assert log["policy_id"] == policy["id"]
    # a new backup in the day is copied at the next firing, the old one is not copied again
    admin.write_disk(volume["id"], {"0": "tuesday"})
    de.ok("POST", "/checkpoints", {"checkpoint": {"vault_id": vault["id"]}})
    admin.advance(86400)
    replicas = nl.ok("GET", "/backups?sort=created_at:asc")["backups"]
    assert len(replicas) == 2
    restored = nl.evs("POST", "/volumes", {"volume": {"size": 10, "availability_zone": "eu-nl-01",
                                                      "backup_id": replicas[1]["id"]}}, 202)["volume"]
    admin.advance(3600)
    assert admin.disk(restored["id"]) == {"0": "tuesday"}


def test_a_replication_run_missed_in_an_outage_is_caught_up(admin, de, nl):
    admin.set_time("2026-03-02T00:00:00Z")
    _, vault, _ = backed_up(admin, de)
    target = vault_in(nl, "dst", protect_type="replication")
    policy = replication_policy(de, nl)
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy",
          {"policy_id": policy["id"], "destination_vault_id": target["id"]})
    admin.start_region_outage(FAR)
    admin.advance(2 * 3600)  # 04:00: the 03:00 run found eu-nl down
    assert de.ok("GET", "/operation-logs?operation_type=replication")["count"] == 0
    admin.end_region_outage(FAR)
    admin.advance(86400)  # the next run copies what the missed one did not
    assert len(nl.ok("GET", "/backups")["backups"]) == 1


def test_replication_policy_retention_applies_to_the_replicas(admin, de, nl):
    admin.set_time("2026-03-02T00:00:00Z")
    volume, vault, _ = backed_up(admin, de)
    target = vault_in(nl, "dst", size=1000, protect_type="replication")
    backup_policy = de.ok("POST", "/policies", {"policy": {
        "name": "daily", "operation_type": "backup",
        "trigger": {"properties": {"pattern": ["FREQ=DAILY;BYHOUR=02;BYMINUTE=00"]}},
        "operation_definition": {"max_backups": 10}}})["policy"]
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy", {"policy_id": backup_policy["id"]})
    policy = replication_policy(de, nl, max_backups=2)
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy",
          {"policy_id": policy["id"], "destination_vault_id": target["id"]})
    for _ in range(5):
        admin.advance(86400)
    replicas = nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"]
    automatic = [r for r in replicas if r["extend_info"]["auto_trigger"]]
    assert len(automatic) == 2 and len(replicas) == 2


def test_huaweicloudsdkcbr_replicates_with_aksk_and_reads_the_records(admin, de, nl, regions_process):
    """huaweicloudsdkcbr 3.1.219 (AK/SK, its own request and response models): capabilities,
    CopyBackup, CopyCheckpoint, the source backup's replication_records, the replica, the log.
    The SDK signs with the wall clock, so the setup runs 4 h before it and ends near it."""
    admin.set_time(datetime.fromtimestamp(time.time() - 4 * 3600, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    _, _, vault, backup = two_disks_backed_up(admin, de, "eu-de-03")
    admin.zero_timings()
    target = vault_in(nl, "dst", protect_type="replication")
    source = huawei_client(CbrClient, regions_process.base_url, TENANT_A, "/cbr")
    far = huawei_client(CbrClient, regions_process.base_url, TENANT_A, "/cbr", TENANT_A.project_in(FAR))
    regions = conforms(source.show_replication_capabilities(m.ShowReplicationCapabilitiesRequest()))["regions"]
    assert regions[0] == {"name": HOME, "replication_destinations": [FAR]}
    copied = source.copy_backup(m.CopyBackupRequest(backup_id=backup["id"], body=m.BackupReplicateReq(
        replicate=m.BackupReplicateReqBody(destination_project_id=nl.project_id, destination_region=FAR,
                                           destination_vault_id=target["id"]))))
    record_id = conforms(copied)["replication"]["replication_record_id"]
    admin.advance(1)
    shown = conforms(source.show_backup(m.ShowBackupRequest(backup_id=backup["id"])))["backup"]
    assert [r["id"] for r in shown["replication_records"]] == [record_id]
    replicas = conforms(far.list_backups(m.ListBackupsRequest(image_type="replication")))["backups"]
    assert [(r["id"], r["status"]) for r in replicas] == [(shown["replication_records"][0]["destination_backup_id"],
                                                          "available")]
    logs = conforms(source.list_op_logs(m.ListOpLogsRequest(operation_type="replication")))["operation_logs"]
    assert logs[0]["extra_info"]["replication"]["source_backup_id"] == backup["id"]
    checkpoint = source.copy_checkpoint(m.CopyCheckpointRequest(body=m.CheckpointReplicateReq(
        replicate=m.CheckpointReplicateParam(vault_id=vault["id"], destination_project_id=nl.project_id,
                                             destination_region=FAR, destination_vault_id=target["id"]))))
    [only] = conforms(checkpoint)["replication"]["backups"]
    assert only["backup_id"] != backup["id"]


def test_a_long_clock_jump_replicates_the_backups_taken_during_it(admin, de, nl):
    """The replication policy is older than the backup policy; three days pass in one move."""
    admin.set_time("2026-03-02T00:00:00Z")
    volume, vault, _ = backed_up(admin, de)
    target = vault_in(nl, "dst", size=1000, protect_type="replication")
    policy = replication_policy(de, nl)
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy",
          {"policy_id": policy["id"], "destination_vault_id": target["id"]})
    daily = de.ok("POST", "/policies", {"policy": {
        "name": "daily", "operation_type": "backup",
        "trigger": {"properties": {"pattern": ["FREQ=DAILY;BYHOUR=02;BYMINUTE=30"]}}}})["policy"]
    de.ok("POST", f"/vaults/{vault['id']}/associatepolicy", {"policy_id": daily["id"]})
    admin.advance(3 * 86400)  # days 2, 3, 4: a backup at 02:30, a replication run at 03:00
    assert de.ok("GET", "/backups?image_type=backup")["count"] == 4  # the first one and three by the policy
    replicas = nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"]
    assert len(replicas) == 4 and {r["status"] for r in replicas} == {"available"}


def test_clouds_yaml_has_an_entry_per_region_project():
    import yaml

    from evs_emulator.cli import clouds_yaml

    clouds = yaml.safe_load(clouds_yaml(CONFIG, "http://127.0.0.1:1"))["clouds"]
    far = clouds["tenant-a-eu-nl"]
    assert far["region_name"] == FAR and far["auth"]["project_id"] == TENANT_A.project_in(FAR)["id"]
    assert far["auth"]["project_name"] == FAR
    assert clouds["tenant-a-eu-nl-aksk"]["auth"]["ak"] == TENANT_A.user["access_key"]
    assert clouds["tenant-a"]["region_name"] == HOME
    assert set(yaml.safe_load(clouds_yaml(Config.load(), "http://127.0.0.1:1"))["clouds"]) == {
        "tenant-a", "tenant-a-aksk", "tenant-b", "tenant-b-aksk"}
    # derived, so the same every run (README "Regions")
    assert [t.project_in(FAR)["id"] for t in (TENANT_A, TENANT_B)] == ["b003b43b4d4952c1ad6be54a37cd9ad7",
                                                                     "2f8a1f90d76055f5863af1465c167252"]


def test_a_copy_cut_by_a_region_outage_fails_and_may_be_made_again(admin, de, nl):
    _, _, backup = backed_up(admin, de, {"0": "again"})
    target = vault_in(nl, "dst", protect_type="replication")
    first = de.ok("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"]))["replication"]
    admin.advance(QUEUE + COPY // 2)
    admin.start_region_outage(FAR)
    admin.advance(COPY)
    [record] = de.ok("GET", f"/backups/{backup['id']}")["backup"]["replication_records"]
    assert record["status"] == "failed" and record["extra_info"]["fail_code"] == "BackupService.0003"
    assert FAR in record["extra_info"]["fail_reason"] and record["extra_info"]["progress"] == 0
    [log] = de.ok("GET", "/operation-logs?operation_type=replication")["operation_logs"]
    assert log["status"] == "failed" and log["error_info"]["code"] == "BackupService.0003"
    admin.end_region_outage(FAR)
    assert nl.ok("GET", f"/backups/{record['destination_backup_id']}")["backup"]["status"] == "error"
    again = de.ok("POST", f"/backups/{backup['id']}/replicate", replicate_body(nl, target["id"]))["replication"]
    assert again["replication_record_id"] != first["replication_record_id"]
    admin.advance(QUEUE + COPY)
    records = de.ok("GET", f"/backups/{backup['id']}")["backup"]["replication_records"]
    assert [r["status"] for r in records] == ["failed", "available"]


def test_a_replication_vaults_room_is_what_its_replicas_store_as_they_come_and_go(admin, de, nl):
    """The room check reads the vault's running total (store.vault_used): the same answers as
    the sum of its backups that the vault shows, as replicas are made and deleted."""
    admin.set_timings({"cbr.queue": 0, "cbr.replicate": 10, "backup.delete": 10})
    volumes = [disk_with(admin, de, {"0": f"disk {size}"}, "eu-de-01", size) for size in (10, 20, 30)]
    vault = vault_in(de, "src", resources=[v["id"] for v in volumes])
    de.ok("POST", "/checkpoints", {"checkpoint": {"vault_id": vault["id"]}})
    admin.advance(3600)
    by_size = {b["resource_size"]: b for b in de.ok("GET", f"/backups?vault_id={vault['id']}")["backups"]}
    target = vault_in(nl, "dst", size=50, protect_type="replication")

    def used():
        shown = nl.ok("GET", f"/vaults/{target['id']}")["vault"]["billing"]["used"]
        listed = sum(b["resource_size"] * 1024 for b in nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"])
        assert shown == listed
        return shown // 1024

    def replicate(size):
        return de.call("POST", f"/backups/{by_size[size]['id']}/replicate", replicate_body(nl, target["id"]))

    assert replicate(10).status == 200 and replicate(20).status == 200
    assert used() == 30  # replicas count from the moment they are accepted
    full = replicate(30)
    assert (full.status, full.body["error_code"]) == (400, "BackupService.6113")
    assert "has 20 GB free" in full.body["error_msg"]
    admin.advance(10)
    [twenty] = [b for b in nl.ok("GET", f"/backups?vault_id={target['id']}")["backups"] if b["resource_size"] == 20]
    assert nl.call("DELETE", f"/backups/{twenty['id']}").status == 204
    assert replicate(30).status == 400 and used() == 30  # still deleting: it still takes its room
    admin.advance(10)
    assert replicate(30).status == 200 and used() == 40
    shrink = nl.call("PUT", f"/vaults/{target['id']}", {"vault": {"billing": {"size": 39}}})
    assert (shrink.status, shrink.body["error_code"]) == (400, "BackupService.6114")
    assert nl.ok("PUT", f"/vaults/{target['id']}", {"vault": {"billing": {"size": 40}}})["vault"]["billing"]["size"] == 40
    assert nl.ok("GET", "/vaults/summary")["used_size"] == 40
