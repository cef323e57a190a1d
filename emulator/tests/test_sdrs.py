"""SDRS over HTTP: domains, groups, pairs, instances, drills, jobs, state rules, real replication."""

from __future__ import annotations

import pytest
import yaml

from evs_emulator.config import Config, load_default_text
from evs_emulator.testing import EmulatorProcess

from conftest import Tenant

DOMAIN_01_02 = None


class Sdrs:
    """SDRS calls of one tenant, waiting on jobs by reading them (timings are 0 or moved)."""

    def __init__(self, tenant: Tenant):
        self.t = tenant

    def url(self, path: str) -> str:
        return f"{self.t.base_url}/sdrs/v1/{self.t.project_id}{path}"

    def call(self, method: str, path: str, body=None):
        return self.t.call(method, self.url(path), body)

    def ok(self, method: str, path: str, body=None) -> dict:
        answer = self.call(method, path, body)
        assert answer.status == 200, answer.body
        return answer.body

    def job(self, job_id: str) -> dict:
        return self.ok("GET", f"/jobs/{job_id}")

    def run(self, method: str, path: str, body=None, expect: str = "SUCCESS") -> dict:
        job = self.job(self.ok(method, path, body)["job_id"])
        assert job["status"] == expect, job
        return job

    def vpc_id(self) -> str:
        answer = self.t.call("GET", f"{self.t.base_url}/vpc/v1/{self.t.project_id}/vpcs")
        return answer.body["vpcs"][0]["id"]

    def domain(self, a: str = "eu-de-01", b: str = "eu-de-02") -> str:
        for d in self.ok("GET", "/active-domains")["domains"]:
            if {d["local_replication_cluster"]["availability_zone"],
                    d["remote_replication_cluster"]["availability_zone"]} == {a, b}:
                return d["id"]
        raise AssertionError(f"no domain {a} {b}")

    def group_body(self, name: str = "pg1", source: str = "eu-de-01", target: str = "eu-de-02", **extra) -> dict:
        return {"server_group": {"name": name, "source_availability_zone": source, "target_availability_zone": target,
                                 "domain_id": self.domain(source, target), "source_vpc_id": self.vpc_id(), **extra}}

    def create_group(self, **kw) -> dict:
        job = self.run("POST", "/server-groups", self.group_body(**kw))
        return self.group(job["entities"]["server_group_id"])

    def group(self, gid: str) -> dict:
        return self.ok("GET", f"/server-groups/{gid}")["server_group"]

    def action(self, gid: str, action: str, body=None, expect: str = "SUCCESS") -> dict:
        return self.run("POST", f"/server-groups/{gid}/action", {action: body or {}}, expect)

    def create_pair(self, gid: str, volume_id: str, name: str = "pair1") -> dict:
        job = self.run("POST", "/replications", {"replication": {"server_group_id": gid, "volume_id": volume_id,
                                                                 "name": name}})
        return self.ok("GET", f"/replications/{job['entities']['replication_id']}")["replication"]

    def create_instance(self, gid: str, server_id: str, name: str = "inst1") -> dict:
        job = self.run("POST", "/protected-instances", {"protected_instance": {
            "server_group_id": gid, "server_id": server_id, "name": name}})
        return self.ok("GET", f"/protected-instances/{job['entities']['protected_instance_id']}")["protected_instance"]

    def attach(self, iid: str, pid: str, device: str = "/dev/vdb") -> dict:
        return self.run("POST", f"/protected-instances/{iid}/attachreplication",
                        {"replicationAttachment": {"replication_id": pid, "device": device}})


@pytest.fixture
def sdrs(fast, alice) -> Sdrs:
    return Sdrs(alice)


def protected_setup(sdrs: Sdrs, disks: int = 2):
    """A started group with one protected server and `disks` attached pairs."""
    t = sdrs.t
    group = sdrs.create_group()
    server = t.create_server("app", "eu-de-01")
    instance = sdrs.create_instance(group["id"], server["id"])
    pairs = []
    for index in range(disks):
        volume = t.create_volume(10, "eu-de-01", name=f"data{index}")
        pair = sdrs.create_pair(group["id"], volume["id"], f"pair{index}")
        sdrs.attach(instance["id"], pair["id"], f"/dev/vd{'bcd'[index]}")
        pairs.append(pair)
    sdrs.action(group["id"], "start-server-group")
    return sdrs.group(group["id"]), instance, pairs


def volumes_of(pair: dict) -> tuple[str, str]:
    source, target = pair["volume_ids"].split(",")
    return source, target


# -- domains, catalog, VPC ----------------------------------------------------
def test_domains_are_the_near_az_pairs(sdrs):
    domains = sdrs.ok("GET", "/active-domains")["domains"]
    pairs = {frozenset((d["local_replication_cluster"]["availability_zone"],
                        d["remote_replication_cluster"]["availability_zone"])) for d in domains}
    assert frozenset(("eu-de-01", "eu-de-02")) in pairs and len(domains) == 3
    assert all(d["sold_out"] is False for d in domains)


def test_catalog_lists_sdrs_and_vpc(base_url, alice):
    from evs_emulator.testing import http
    answer = http("GET", f"{base_url}/identity/v3/auth/catalog", headers={"X-Auth-Token": alice.token})
    types = {entry["type"]: entry["endpoints"][0]["url"] for entry in answer.body["catalog"]}
    assert types["sdrs"].endswith(f"/sdrs/v1/{alice.project_id}")
    assert types["vpc"].endswith(f"/vpc/v1/{alice.project_id}")


def test_vpc_seeded_per_tenant(sdrs, bob):
    mine = sdrs.vpc_id()
    other = Sdrs(bob).vpc_id()
    assert mine != other
    answer = bob.call("GET", f"{bob.base_url}/vpc/v1/{bob.project_id}/vpcs/{mine}")
    assert answer.status == 404
    subnets = sdrs.t.call("GET", f"{sdrs.t.base_url}/vpc/v1/{sdrs.t.project_id}/subnets?vpc_id={mine}").body
    assert subnets["subnets"][0]["vpc_id"] == mine


# -- protection groups ------------------------------------------------------------
def test_group_create_states_on_the_clock(admin, alice):
    admin.set_timings({"sdrs.group.create": 30})
    sdrs = Sdrs(alice)
    job_id = sdrs.ok("POST", "/server-groups", sdrs.group_body())["job_id"]
    job = sdrs.job(job_id)
    assert job["status"] == "RUNNING" and job["job_type"] == "createProtectionGroupNoCG"
    group = sdrs.group(job["entities"]["server_group_id"])
    assert group["status"] == "creating"
    admin.advance(31)
    group = sdrs.group(group["id"])
    assert group["status"] == "available" and group["priority_station"] == "source"
    assert group["protected_status"] == "stopped" and group["replication_status"] == "inactive"
    assert group["created_at"][10] == " " and len(group["created_at"]) == 23
    job = sdrs.job(job_id)
    assert job["status"] == "SUCCESS" and job["end_time"]


@pytest.mark.parametrize("change, code", [
    ({"name": "bad name!"}, "SDRS.0202"),
    ({"source_availability_zone": "eu-de-09"}, "SDRS.0203"),
    ({"target_availability_zone": "eu-de-01"}, "SDRS.0203"),
    ({"source_vpc_id": "nope"}, "SDRS.0204"),
    ({"domain_id": "nope"}, "SDRS.0205"),
    ({"description": "<b>"}, "SDRS.0201"),
])
def test_group_create_validation(sdrs, change, code):
    body = sdrs.group_body()
    body["server_group"].update(change)
    answer = sdrs.call("POST", "/server-groups", body)
    assert answer.status == 400 and answer.body["error"]["code"] == code, answer.body


def test_group_domain_must_match_the_zones(sdrs):
    body = sdrs.group_body()
    body["server_group"]["domain_id"] = sdrs.domain("eu-de-01", "eu-de-03")
    answer = sdrs.call("POST", "/server-groups", body)
    assert answer.status == 400 and answer.body["error"]["code"] == "SDRS.0205"


def test_far_zones_are_refused(tmp_path):
    data = yaml.safe_load(load_default_text())
    data["regions"]["eu-de"]["availability_zones"].append("eu-de-far")
    data["regions"]["eu-de"]["distances_km"].append(["eu-de-01", "eu-de-far", 250])
    path = tmp_path / "far.yaml"
    path.write_text(yaml.safe_dump(data))
    with EmulatorProcess(state_dir=tmp_path / "state", config=path) as process:
        sdrs = Sdrs(Tenant(process.base_url, "tenant-a"))
        zones = {d["remote_replication_cluster"]["availability_zone"] for d in sdrs.ok("GET", "/active-domains")["domains"]}
        assert "eu-de-far" not in zones
        body = sdrs.group_body()
        body["server_group"]["target_availability_zone"] = "eu-de-far"
        answer = sdrs.call("POST", "/server-groups", body)
        assert answer.status == 400 and answer.body["error"]["code"] == "SDRS.0203"
        assert "250 km" in answer.body["error"]["message"]
    assert Config(data).distance_km("eu-de", "eu-de-01", "eu-de-far") == 250


def test_group_list_filters_paging_rename_delete(sdrs):
    first = sdrs.create_group(name="pg-a")
    sdrs.create_group(name="pg-b", source="eu-de-02", target="eu-de-03")
    listed = sdrs.ok("GET", "/server-groups")
    assert listed["count"] == 2
    assert [g["name"] for g in sdrs.ok("GET", "/server-groups?name=pg-a")["server_groups"]] == ["pg-a"]
    assert sdrs.ok("GET", "/server-groups?availability_zone=eu-de-03")["count"] == 1
    page = sdrs.ok("GET", "/server-groups?limit=1&offset=1")
    assert page["count"] == 2 and len(page["server_groups"]) == 1
    assert sdrs.call("GET", "/server-groups?limit=0").body["error"]["code"] == "SDRS.0221"
    assert sdrs.call("GET", "/server-groups?offset=-1").body["error"]["code"] == "SDRS.0222"
    renamed = sdrs.ok("PUT", f"/server-groups/{first['id']}", {"server_group": {"name": "pg-renamed"}})
    assert renamed["server_group"]["name"] == "pg-renamed"
    job = sdrs.run("DELETE", f"/server-groups/{first['id']}")
    assert job["job_type"] == "deleteProtectionGroupNoCG"
    missing = sdrs.call("GET", f"/server-groups/{first['id']}")
    assert missing.status == 404 and missing.body["error"]["code"] == "SDRS.0207"


def test_group_isolated_between_tenants(sdrs, bob):
    group = sdrs.create_group()
    assert Sdrs(bob).call("GET", f"/server-groups/{group['id']}").status == 404
    assert Sdrs(bob).ok("GET", "/server-groups")["count"] == 0


def test_wrong_state_errors(sdrs):
    group = sdrs.create_group()
    # start needs a pair; failover, reverse and stop need protection
    for action, body in (("start-server-group", {}), ("failover-server-group", {}),
                         ("reverse-server-group", {"priority_station": "target"}), ("stop-server-group", {})):
        answer = sdrs.call("POST", f"/server-groups/{group['id']}/action", {action: body})
        assert answer.status == 400 and answer.body["error"]["code"] == "SDRS.1002", (action, answer.body)
    answer = sdrs.call("POST", f"/server-groups/{group['id']}/action", {"explode": {}})
    assert answer.body["error"]["code"] == "SDRS.0206"


def test_delete_refused_with_members(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=1)
    answer = sdrs.call("DELETE", f"/server-groups/{group['id']}")
    assert answer.status == 400 and answer.body["error"]["code"] == "SDRS.1001"
    answer = sdrs.call("DELETE", f"/replications/{pairs[0]['id']}")
    assert answer.body["error"]["code"] == "SDRS.0214"  # attached


def test_member_delete_refusals_say_what_holds_the_member(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=1)
    pair = sdrs.call("DELETE", f"/replications/{pairs[0]['id']}")
    assert pair.status == 400 and pair.body["error"]["code"] == "SDRS.0214"
    assert pair.body["error"]["message"] == (f"Replication pair {pairs[0]['id']} is attached to protected instance "
                                             f"{instance['id']}; detach it first.")
    held = sdrs.call("DELETE", f"/protected-instances/{instance['id']}")
    assert held.status == 400 and held.body["error"]["code"] == "SDRS.1301"
    assert held.body["error"]["message"] == (f"Protected instance {instance['id']} still has replication pairs "
                                             "attached; detach them first.")


# -- pairs and instances ------------------------------------------------------------
def test_pair_creates_a_dr_disk_of_the_same_size_and_type(sdrs):
    group = sdrs.create_group()
    volume = sdrs.t.create_volume(20, "eu-de-01", volume_type="SSD", name="db")
    pair = sdrs.create_pair(group["id"], volume["id"])
    source, target = volumes_of(pair)
    assert source == volume["id"]
    dr = sdrs.t.volume(target)
    assert (dr["availability_zone"], dr["size"], dr["volume_type"]) == ("eu-de-02", 20, "SSD")
    assert pair["replication_model"] == "hypermetro" and pair["status"] == "available"
    assert pair["record_metadata"]["volume_size"] == 20
    answer = sdrs.call("POST", "/replications", {"replication": {"server_group_id": group["id"],
                                                                 "volume_id": volume["id"], "name": "again"}})
    assert answer.body["error"]["code"] == "SDRS.1601"
    wrong_az = sdrs.t.create_volume(10, "eu-de-03")
    answer = sdrs.call("POST", "/replications", {"replication": {"server_group_id": group["id"],
                                                                 "volume_id": wrong_az["id"], "name": "x"}})
    assert answer.body["error"]["code"] == "SDRS.0211"


def test_instance_creates_a_stopped_dr_server_and_attach_attaches_both_sides(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=2)
    assert instance["status"] in ("available", "protected")
    dr_server = sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{instance['target_server']}")).body["server"]
    assert dr_server["OS-EXT-AZ:availability_zone"] == "eu-de-02" and dr_server["status"] == "SHUTOFF"
    instance = sdrs.ok("GET", f"/protected-instances/{instance['id']}")["protected_instance"]
    assert instance["status"] == "protected" and len(instance["attachment"]) == 2
    for pair in pairs:
        source, target = volumes_of(pair)
        assert sdrs.t.volume(source)["attachments"][0]["server_id"] == instance["source_server"]
        assert sdrs.t.volume(target)["attachments"][0]["server_id"] == instance["target_server"]
    listed = sdrs.ok("GET", f"/replications?protected_instance_id={instance['id']}")
    assert listed["count"] == 2 and all(p["status"] == "protected" for p in listed["replications"])


def test_instance_refusals(sdrs):
    group = sdrs.create_group()
    far_server = sdrs.t.create_server("x", "eu-de-03")
    answer = sdrs.call("POST", "/protected-instances", {"protected_instance": {
        "server_group_id": group["id"], "server_id": far_server["id"], "name": "i"}})
    assert answer.body["error"]["code"] == "SDRS.0210"
    answer = sdrs.call("POST", "/protected-instances", {"protected_instance": {
        "server_group_id": "nope", "server_id": far_server["id"], "name": "i"}})
    assert answer.status == 404 and answer.body["error"]["code"] == "SDRS.0207"


def test_a_new_member_must_exist_and_be_on_the_production_side(sdrs):
    group = sdrs.create_group()
    far_server, far_disk = sdrs.t.create_server("x", "eu-de-03"), sdrs.t.create_volume(10, "eu-de-03")
    refusals = (("/protected-instances", "protected_instance", "server_id", far_server["id"], "SDRS.0210", "Server"),
                ("/replications", "replication", "volume_id", far_disk["id"], "SDRS.0211", "Disk"))
    for path, wrapper, key, far_id, code, noun in refusals:
        missing = sdrs.call("POST", path, {wrapper: {"server_group_id": group["id"], key: "nope", "name": "m"}})
        assert missing.status == 400 and missing.body["error"] == {"code": code, "message": f"Invalid {key} 'nope'."}
        far = sdrs.call("POST", path, {wrapper: {"server_group_id": group["id"], key: far_id, "name": "m"}})
        assert far.body["error"] == {"code": code, "message": (
            f"{noun} {far_id} is in eu-de-03, not in the production availability zone eu-de-01 of protection "
            f"group {group['id']}.")}


# -- replication is real ------------------------------------------------------------
def test_writes_replicate_while_protected_and_dr_disk_refuses_writes(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=2)
    admin = sdrs_admin(sdrs)
    for index, pair in enumerate(pairs):
        source, target = volumes_of(pair)
        admin.write_disk(source, {"0": f"hello {index}"})
        admin.write_disk(source, {"7": "more"}, merge=True)
        assert admin.disk(target) == {"0": f"hello {index}", "7": "more"}
        with pytest.raises(AssertionError, match="409"):
            admin.write_disk(target, {"0": "nope"})


def test_stop_protection_stops_replication_and_start_resyncs(sdrs):
    group, instance, (pair,) = protected_setup(sdrs, disks=1)
    admin = sdrs_admin(sdrs)
    source, target = volumes_of(pair)
    sdrs.action(group["id"], "stop-server-group")
    assert sdrs.group(group["id"])["status"] == "available"
    admin.write_disk(source, {"0": "after stop"})
    assert admin.disk(target) == {}
    sdrs.action(group["id"], "start-server-group")
    assert admin.disk(target) == {"0": "after stop"}


def test_planned_failover_reverse_and_back(sdrs):
    group, instance, (pair,) = protected_setup(sdrs, disks=1)
    admin = sdrs_admin(sdrs)
    source, target = volumes_of(pair)
    admin.write_disk(source, {"0": "one"})
    sdrs.action(group["id"], "reverse-server-group", {"priority_station": "target"})
    group = sdrs.group(group["id"])
    assert group["status"] == "protected" and group["priority_station"] == "target"
    assert group["source_availability_zone"] == "eu-de-01"  # fixed at creation
    servers = {s: sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{s}")).body["server"]["status"]
               for s in (instance["source_server"], instance["target_server"])}
    assert servers == {instance["source_server"]: "SHUTOFF", instance["target_server"]: "ACTIVE"}
    admin.write_disk(target, {"1": "two"}, merge=True)
    assert admin.disk(source) == {"0": "one", "1": "two"}
    with pytest.raises(AssertionError, match="409"):
        admin.write_disk(source, {"0": "x"})
    same = sdrs.call("POST", f"/server-groups/{group['id']}/action",
                     {"reverse-server-group": {"priority_station": "target"}})
    assert same.body["error"]["code"] == "SDRS.1002"
    sdrs.action(group["id"], "reverse-server-group", {"priority_station": "source"})
    assert sdrs.group(group["id"])["priority_station"] == "source"


def test_failover_in_an_outage_then_reprotect_and_fail_back(sdrs):
    group, instance, (pair,) = protected_setup(sdrs, disks=1)
    admin = sdrs_admin(sdrs)
    source, target = volumes_of(pair)
    admin.write_disk(source, {"0": "before outage"})
    admin.start_outage("eu-de-01")
    group = sdrs.group(group["id"])
    assert group["health_status"] == "abnormal"
    assert sdrs.ok("GET", f"/replications/{pair['id']}")["replication"]["fault_level"] == "2"
    # a planned failover needs both sides: the job fails into error-reversing
    job = sdrs.action(group["id"], "reverse-server-group", {"priority_station": "target"}, expect="FAIL")
    assert job["error_code"] and "eu-de-01" in job["fail_reason"]
    assert sdrs.group(group["id"])["status"] == "error-reversing"
    sdrs.action(group["id"], "failover-server-group")
    group = sdrs.group(group["id"])
    assert (group["status"], group["priority_station"]) == ("failed-over", "target")
    assert group["replication_status"] == "active-stopped"
    dr = sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{instance['target_server']}")).body["server"]
    assert dr["status"] == "ACTIVE"
    assert admin.disk(target) == {"0": "before outage"}
    admin.write_disk(target, {"1": "during outage"}, merge=True)  # the DR disk is writable now
    # reprotect needs the old side back
    sdrs.action(group["id"], "start-server-group", expect="FAIL")
    assert sdrs.group(group["id"])["status"] == "error-reprotecting"
    admin.end_outage("eu-de-01")
    job = sdrs.action(group["id"], "start-server-group")
    assert job["job_type"] == "reprotectProtectionGroupNoCG"
    group = sdrs.group(group["id"])
    assert (group["status"], group["priority_station"]) == ("protected", "target")
    assert admin.disk(source) == {"0": "before outage", "1": "during outage"}
    admin.write_disk(target, {"2": "reprotected"}, merge=True)
    sdrs.action(group["id"], "reverse-server-group", {"priority_station": "source"})
    admin.write_disk(source, {"3": "back home"}, merge=True)
    expected = {"0": "before outage", "1": "during outage", "2": "reprotected", "3": "back home"}
    assert admin.disk(source) == expected == admin.disk(target)


def test_failover_needs_the_dr_side(sdrs):
    group, _, _ = protected_setup(sdrs, disks=1)
    admin = sdrs_admin(sdrs)
    admin.start_outage("eu-de-02")
    sdrs.action(group["id"], "failover-server-group", expect="FAIL")
    assert sdrs.group(group["id"])["status"] == "error-failing-over"
    admin.end_outage("eu-de-02")
    sdrs.action(group["id"], "failover-server-group")
    assert sdrs.group(group["id"])["status"] == "failed-over"


def test_states_during_a_slow_failover(admin, alice):
    admin.zero_timings()
    sdrs = Sdrs(alice)
    group, _, (pair,) = protected_setup(sdrs, disks=1)
    admin.set_timings({"sdrs.group.failover": 60})
    job_id = sdrs.ok("POST", f"/server-groups/{group['id']}/action", {"failover-server-group": {}})["job_id"]
    assert sdrs.group(group["id"])["status"] == "failing-over"
    assert sdrs.ok("GET", f"/replications/{pair['id']}")["replication"]["status"] == "failing-over"
    assert sdrs.job(job_id)["status"] == "RUNNING"
    admin.advance(61)
    assert sdrs.group(group["id"])["status"] == "failed-over"
    assert sdrs.job(job_id)["status"] == "SUCCESS"


# -- drills -----------------------------------------------------------------------
def test_drill_clones_the_replicated_data_and_deletes_only_its_own(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=2)
    admin = sdrs_admin(sdrs)
    for index, pair in enumerate(pairs):
        admin.write_disk(volumes_of(pair)[0], {"0": f"disk {index}"})
    job = sdrs.run("POST", "/disaster-recovery-drills", {"disaster_recovery_drill": {
        "server_group_id": group["id"], "name": "drill1"}})
    drill = sdrs.ok("GET", f"/disaster-recovery-drills/{job['entities']['disaster_recovery_drill_id']}")[
        "disaster_recovery_drill"]
    assert drill["status"] == "available" and drill["drill_vpc_id"]
    (entry,) = drill["drill_servers"]
    assert entry["protected_instance"] == instance["id"]
    attached = sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{entry['drill_server_id']}/os-volume_attachments")).body
    contents = sorted(admin.disk(a["volumeId"])["0"] for a in attached["volumeAttachments"])
    assert contents == ["disk 0", "disk 1"]
    assert sdrs.group(group["id"])["status"] == "protected"  # replication goes on
    assert sdrs.group(group["id"])["disaster_recovery_drill_num"] == 1
    assert sdrs.call("DELETE", f"/server-groups/{group['id']}").status == 400
    sdrs.run("DELETE", f"/disaster-recovery-drills/{drill['id']}")
    assert sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{entry['drill_server_id']}")).status == 404
    for a in attached["volumeAttachments"]:
        assert sdrs.t.call("GET", sdrs.t.evs(f"/volumes/{a['volumeId']}")).status == 404
    for pair in pairs:
        for volume_id in volumes_of(pair):
            assert sdrs.t.volume(volume_id)["status"] == "in-use"


def test_drill_vpc_must_match_the_group_cidr(sdrs):
    group, _, _ = protected_setup(sdrs, disks=1)
    answer = sdrs.call("POST", "/disaster-recovery-drills", {"disaster_recovery_drill": {
        "server_group_id": group["id"], "name": "d", "drill_vpc_id": "nope"}})
    assert answer.body["error"]["code"] == "SDRS.0204"


def test_full_teardown(sdrs):
    group, instance, pairs = protected_setup(sdrs, disks=1)
    pair = pairs[0]
    source, target = volumes_of(pair)
    sdrs.action(group["id"], "stop-server-group")
    sdrs.run("DELETE", f"/protected-instances/{instance['id']}/detachreplication/{pair['id']}")
    assert sdrs.t.volume(source)["status"] == "available"
    sdrs.run("DELETE", f"/replications/{pair['id']}", {"replication": {"delete_target_volume": True}})
    assert sdrs.t.call("GET", sdrs.t.evs(f"/volumes/{target}")).status == 404
    sdrs.run("DELETE", f"/protected-instances/{instance['id']}", {"delete_target_server": True})
    assert sdrs.t.call("GET", sdrs.t.ecs(f"/servers/{instance['target_server']}")).status == 404
    sdrs.run("DELETE", f"/server-groups/{group['id']}")
    assert sdrs.ok("GET", "/server-groups")["count"] == 0
    # the production disk is writable and no longer mirrored
    sdrs_admin(sdrs).write_disk(source, {"0": "free"})


def test_snapshot_rollback_onto_a_paired_disk_is_refused(sdrs):
    group, _, (pair,) = protected_setup(sdrs, disks=1)
    source, _ = volumes_of(pair)
    snapshot = sdrs.t.create_snapshot(source, force=True)
    answer = sdrs.t.call("POST", sdrs.t.evs(f"/os-vendor-snapshots/{snapshot['id']}/rollback"),
                         {"rollback": {"volume_id": source}})
    assert answer.status == 400 and "replication pair" in answer.body["badRequest"]["message"]


def test_quotas(sdrs):
    sdrs.create_group()
    resources = {r["type"]: r for r in sdrs.ok("GET", "/sdrs/quotas")["quotas"]["resources"]}
    assert resources["server_groups"]["used"] == 1


def sdrs_admin(sdrs: Sdrs):
    from evs_emulator.testing import AdminClient
    return AdminClient(sdrs.t.base_url)


def test_show_and_rename_of_every_resource(sdrs):
    """One table serves GET and PUT on groups, pairs, instances and drills: each with its own body
    key, its own 404 code, and a refused bad name."""
    group, instance, pairs = protected_setup(sdrs, disks=1)
    job = sdrs.run("POST", "/disaster-recovery-drills", {"disaster_recovery_drill": {
        "server_group_id": group["id"], "name": "drill1"}})
    drill_id = job["entities"]["disaster_recovery_drill_id"]
    for collection, key, rid, missing_code in (
            ("server-groups", "server_group", group["id"], "SDRS.0207"),
            ("replications", "replication", pairs[0]["id"], "SDRS.0213"),
            ("protected-instances", "protected_instance", instance["id"], "SDRS.0208"),
            ("disaster-recovery-drills", "disaster_recovery_drill", drill_id, "SDRS.0201")):
        before = sdrs.ok("GET", f"/{collection}/{rid}")[key]
        renamed = sdrs.ok("PUT", f"/{collection}/{rid}", {key: {"name": f"{key}-renamed"}})[key]
        assert renamed["name"] == f"{key}-renamed" and renamed["id"] == rid
        assert sdrs.ok("GET", f"/{collection}/{rid}")[key] == renamed
        assert {k for k in renamed if renamed[k] != before[k]} <= {"name", "updated_at"}
        refused = sdrs.call("PUT", f"/{collection}/{rid}", {key: {"name": "no spaces allowed"}})
        assert refused.status == 400, (collection, refused.body)
        missing = sdrs.call("GET", f"/{collection}/00000000-0000-0000-0000-000000000000")
        assert missing.status == 404 and missing.body["error"]["code"] == missing_code, missing.body


def test_member_lists_by_group_select_in_sql(sdrs):
    """Pairs, instances and drills of one group (selected by index) and of several groups."""
    t = sdrs.t
    groups = [sdrs.create_group(name=f"pg{i}") for i in range(2)]
    pairs = {g["id"]: [sdrs.create_pair(g["id"], t.create_volume(10, "eu-de-01")["id"], f"p{g['name']}{n}")["id"]
                       for n in range(2)] for g in groups}
    server = t.create_server("app", "eu-de-01")
    instance = sdrs.create_instance(groups[1]["id"], server["id"])
    for g in groups:
        listed = sdrs.ok("GET", f"/replications?server_group_id={g['id']}")
        assert [p["id"] for p in listed["replications"]] == pairs[g["id"]] and listed["count"] == 2
        assert sdrs.group(g["id"])["replication_num"] == 2
    both = sdrs.ok("GET", f"/replications?server_group_ids={groups[0]['id']},{groups[1]['id']}")
    assert [p["id"] for p in both["replications"]] == pairs[groups[0]["id"]] + pairs[groups[1]["id"]]
    paged = sdrs.ok("GET", f"/replications?server_group_id={groups[1]['id']}&limit=1&offset=1")
    assert [p["id"] for p in paged["replications"]] == pairs[groups[1]["id"]][1:] and paged["count"] == 2
    assert sdrs.ok("GET", f"/protected-instances?server_group_id={groups[0]['id']}")["protected_instances"] == []
    assert [i["id"] for i in sdrs.ok("GET", f"/protected-instances?server_group_id={groups[1]['id']}")[
        "protected_instances"]] == [instance["id"]]
    assert sdrs.group(groups[1]["id"])["protected_instance_num"] == 1
    assert sdrs.ok("GET", f"/disaster-recovery-drills?server_group_id={groups[0]['id']}") == {
        "disaster_recovery_drills": [], "count": 0}
