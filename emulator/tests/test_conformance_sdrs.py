"""Conformance: SDRS answers against huaweicloudsdksdrs's models (AK/SK) and otcextensions' sdrs
resources (password), field by field: every SDRS call the collection makes (domains, protection
groups and their actions, replication pairs, protected instances and attachments, drills, jobs)
and the neighbours (quotas, renames, task center, API versions)."""

from __future__ import annotations

import pytest
from huaweicloudsdksdrs.v1 import SdrsClient
from huaweicloudsdksdrs.v1 import model as m

from conftest import TENANT_A
from evs_emulator.conformance import (assert_answer_conforms, assert_resource_conforms, huawei_client, mismatches)
from evs_emulator.testing import http

HUAWEI_ONLY = "Huawei Cloud only; not in OTC's documented object (../shared/api/sdrs.md)"
OPTIONAL = {f"JobEntities.{field}": "only the ids of the resources the job touches (../shared/api/sdrs.md, jobs)"
            for field in ("server_group_id", "protected_instance_id", "replication_pair_id", "volume_ids",
                          "native_server_id", "nic_id", "sub_jobs")}
# Fields the OTC SDRS API documents that huaweicloudsdksdrs's models do not have.
EXTRAS = {
    "JobEntities.replication_id": "OTC SDRS jobs (../shared/api/sdrs.md): entities.replication_id",
    "JobEntities.disaster_recovery_drill_id": "OTC SDRS jobs: entities.disaster_recovery_drill_id",
}


@pytest.fixture
def client(fast, alice, base_url):
    return huawei_client(SdrsClient, base_url, TENANT_A, "/sdrs")


def job_done(client, answer) -> dict:
    assert_answer_conforms(answer, OPTIONAL)
    job = client.show_job_status(m.ShowJobStatusRequest(job_id=answer.job_id))
    assert job.status == "SUCCESS", job
    return assert_answer_conforms(job, OPTIONAL, EXTRAS)["entities"]


def vpc_id(alice) -> str:
    return alice.call("GET", f"{alice.base_url}/vpc/v1/{alice.project_id}/vpcs").body["vpcs"][0]["id"]


def test_group_pair_instance_drill_life_cycle(client, alice, fast):
    domains = client.list_active_active_domains(m.ListActiveActiveDomainsRequest())
    assert_answer_conforms(domains, OPTIONAL)
    domain = next(d for d in domains.domains if d.local_replication_cluster.availability_zone == "eu-de-01"
                  and d.remote_replication_cluster.availability_zone == "eu-de-02")
    group_id = job_done(client, client.create_protection_group(m.CreateProtectionGroupRequest(
        body=m.CreateProtectionGroupRequestBody(server_group=m.CreateProtectionGroupRequestParams(
            name="conf-pg", source_availability_zone="eu-de-01", target_availability_zone="eu-de-02",
            domain_id=domain.id, source_vpc_id=vpc_id(alice))))))["server_group_id"]
    assert_answer_conforms(client.show_protection_group(m.ShowProtectionGroupRequest(server_group_id=group_id)),
                           OPTIONAL)
    assert_answer_conforms(client.list_protection_groups(m.ListProtectionGroupsRequest(limit=10, offset=0)), OPTIONAL)
    assert_answer_conforms(client.update_protection_group_name(m.UpdateProtectionGroupNameRequest(
        server_group_id=group_id, body=m.UpdateProtectionGroupNameRequestBody(
            server_group=m.UpdateProtectionGroupNameRequestParams(name="conf-pg-2")))), OPTIONAL)

    volume = alice.create_volume(10, "eu-de-01", name="conf-disk")
    server = alice.create_server("conf-app", "eu-de-01")
    pair_id = job_done(client, client.create_replication(m.CreateReplicationRequest(
        body=m.CreateReplicationRequestBody(replication=m.CreateReplicationRequestParams(
            server_group_id=group_id, volume_id=volume["id"], name="conf-pair")))))["replication_id"]
    assert_answer_conforms(client.show_replication(m.ShowReplicationRequest(replication_id=pair_id)), OPTIONAL)
    assert_answer_conforms(client.list_replications(m.ListReplicationsRequest(server_group_id=group_id)), OPTIONAL)
    instance_id = job_done(client, client.create_protected_instance(m.CreateProtectedInstanceRequest(
        body=m.CreateProtectedInstanceRequestBody(protected_instance=m.CreateProtectedInstanceRequestParams(
            server_group_id=group_id, server_id=server["id"], name="conf-instance")))))["protected_instance_id"]
    job_done(client, client.attach_protected_instance_replication(m.AttachProtectedInstanceReplicationRequest(
        protected_instance_id=instance_id, body=m.ProtectedInstanceAttachReplicationRequestBody(
            replication_attachment=m.ProtectedInstanceAttachReplicationRequestParams(
                replication_id=pair_id, device="/dev/vdb")))))
    assert_answer_conforms(client.show_protected_instance(m.ShowProtectedInstanceRequest(
        protected_instance_id=instance_id)), OPTIONAL)
    assert_answer_conforms(client.list_protected_instances(m.ListProtectedInstancesRequest(server_group_id=group_id)),
                           OPTIONAL)

    job_done(client, client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={}))))
    drill_id = job_done(client, client.create_disaster_recovery_drill(m.CreateDisasterRecoveryDrillRequest(
        body=m.CreateDisasterRecoveryDrillRequestBody(disaster_recovery_drill=m.CreateDisasterRecoveryDrillRequestParams(
            server_group_id=group_id, name="conf-drill", drill_vpc_id=vpc_id(alice))))))["disaster_recovery_drill_id"]
    assert_answer_conforms(client.show_disaster_recovery_drill(m.ShowDisasterRecoveryDrillRequest(
        disaster_recovery_drill_id=drill_id)), OPTIONAL)
    assert_answer_conforms(client.list_disaster_recovery_drills(m.ListDisasterRecoveryDrillsRequest(
        server_group_id=group_id)), OPTIONAL)
    job_done(client, client.delete_disaster_recovery_drill(m.DeleteDisasterRecoveryDrillRequest(
        disaster_recovery_drill_id=drill_id)))
    job_done(client, client.start_reverse_protection_group(m.StartReverseProtectionGroupRequest(
        server_group_id=group_id, body=m.ReverseProtectionGroupRequestBody(
            reverse_server_group=m.ReverseProtectionGroupRequestParams(priority_station="target")))))
    job_done(client, client.stop_protection_group(m.StopProtectionGroupRequest(
        server_group_id=group_id, body=m.StopProtectionGroupRequestBody(stop_server_group={}))))
    job_done(client, client.detach_protected_instance_replication(m.DetachProtectedInstanceReplicationRequest(
        protected_instance_id=instance_id, replication_id=pair_id)))
    job_done(client, client.delete_protected_instance(m.DeleteProtectedInstanceRequest(
        protected_instance_id=instance_id, body=m.DeleteProtectedInstanceRequestBody(delete_target_server=True))))
    job_done(client, client.delete_replication(m.DeleteReplicationRequest(
        replication_id=pair_id, body=m.DeleteReplicationRequestBody(replication=m.DeleteReplicationRequestParams(
            server_group_id=group_id, delete_target_volume=True)))))
    job_done(client, client.delete_protection_group(m.DeleteProtectionGroupRequest(server_group_id=group_id)))
    assert_answer_conforms(client.show_quota(m.ShowQuotaRequest()), OPTIONAL)


def test_task_center_lists_and_clears_failed_jobs(client, alice, fast):
    domain = client.list_active_active_domains(m.ListActiveActiveDomainsRequest()).domains[0]
    created = client.create_protection_group(m.CreateProtectionGroupRequest(body=m.CreateProtectionGroupRequestBody(
        server_group=m.CreateProtectionGroupRequestParams(
            name="conf-fail", source_availability_zone=domain.local_replication_cluster.availability_zone,
            target_availability_zone=domain.remote_replication_cluster.availability_zone, domain_id=domain.id,
            source_vpc_id=vpc_id(alice)))))
    group_id = client.show_job_status(m.ShowJobStatusRequest(job_id=created.job_id)).entities.server_group_id
    volume = alice.create_volume(10, domain.local_replication_cluster.availability_zone, name="conf-fail-disk")
    client.create_replication(m.CreateReplicationRequest(body=m.CreateReplicationRequestBody(
        replication=m.CreateReplicationRequestParams(server_group_id=group_id, volume_id=volume["id"],
                                                     name="conf-fail-pair"))))
    assert client.list_failure_jobs(m.ListFailureJobsRequest()).count == 0
    fast.start_outage(domain.remote_replication_cluster.availability_zone)
    started = client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={})))
    assert client.show_job_status(m.ShowJobStatusRequest(job_id=started.job_id)).status == "FAIL"
    listed = client.list_failure_jobs(m.ListFailureJobsRequest())
    (failed,) = assert_answer_conforms(listed, OPTIONAL)["failure_jobs"]
    assert (failed["job_id"], failed["failure_status"], failed["resource_type"], failed["resource_name"]) == (
        started.job_id, "startFail", "server_groups", "conf-fail")
    assert client.list_failure_jobs(m.ListFailureJobsRequest(failure_status="stopFail")).count == 0
    assert client.list_failure_jobs(m.ListFailureJobsRequest(server_group_id=group_id)).count == 1
    assert_answer_conforms(client.delete_failure_job(m.DeleteFailureJobRequest(failure_job_id=started.job_id)),
                           OPTIONAL)
    assert client.list_failure_jobs(m.ListFailureJobsRequest()).count == 0
    again = client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={})))
    assert client.list_failure_jobs(m.ListFailureJobsRequest()).failure_jobs[0].job_id == again.job_id
    assert_answer_conforms(client.delete_server_group_failure_jobs(m.DeleteServerGroupFailureJobsRequest(
        server_group_id=group_id)), OPTIONAL)
    client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={})))
    assert_answer_conforms(client.delete_all_server_group_failure_jobs(
        m.DeleteAllServerGroupFailureJobsRequest()), OPTIONAL)
    assert client.list_failure_jobs(m.ListFailureJobsRequest()).count == 0


def test_api_versions(client, base_url):
    shown = client.show_specified_api_version(m.ShowSpecifiedApiVersionRequest(api_version="v1"))
    assert assert_answer_conforms(shown, OPTIONAL)["version"]["id"] == "v1"
    # `GET /` on the SDRS host: the emulator shares one host, so its canonical place is /sdrs/
    answer = http("GET", f"{base_url}/sdrs/")
    assert answer.status == 200 and not mismatches(m.ListApiVersionsResponse, answer.body, OPTIONAL)
    assert [v["id"] for v in answer.body["versions"]] == ["v1"]


# -- otcextensions' sdrs proxy (password) ----------------------------------------
def test_otcextensions_sdrs_task_center(conn, alice, fast):
    from otcextensions.sdk.sdrs.v1 import task_center

    domains = [d for answer in conn.sdrs.get_domains() for d in answer.domains]
    domain = next(d for d in domains if d.local_replication_cluster.availability_zone == "eu-de-01")
    conn.sdrs.create_protection_group(name="otc-fail", source_availability_zone="eu-de-01",
                                      target_availability_zone="eu-de-02", domain_id=domain.id,
                                      source_vpc_id=vpc_id(alice))
    group = conn.sdrs.find_protection_group("otc-fail")
    volume = alice.create_volume(10, "eu-de-01", name="otc-fail-disk")
    conn.sdrs.create_replication_pair(server_group_id=group.id, volume_id=volume["id"], name="otc-fail-pair")
    fast.start_outage("eu-de-02")
    conn.sdrs.enable_protection(group)
    (failed,) = conn.sdrs.failed_tasks()
    assert (failed.failure_status, failed.resource_id) == ("startFail", group.id)
    for item in conn.sdrs.get("/task-center/failure-jobs").json()["failure_jobs"]:
        assert_resource_conforms(task_center.FailedTask, item, OTC_EXTRAS)
    conn.sdrs.delete_failed_task(failed.job_id)
    assert list(conn.sdrs.failed_tasks()) == []
    conn.sdrs.enable_protection(group)
    conn.sdrs.delete_all_failed_tasks()
    assert list(conn.sdrs.failed_tasks()) == []


def test_otcextensions_sdrs_resources_know_every_field(conn, alice, fast):
    from otcextensions.sdk.sdrs.v1 import (dr_drill, job, protected_instance, protection_group,
                                           replication_pair)

    domains = [d for answer in conn.sdrs.get_domains() for d in answer.domains]
    domain = next(d for d in domains if d.local_replication_cluster.availability_zone == "eu-de-01")
    made = conn.sdrs.create_protection_group(name="otc-conf", source_availability_zone="eu-de-01",
                                             target_availability_zone="eu-de-02", domain_id=domain.id,
                                             source_vpc_id=vpc_id(alice))
    group = conn.sdrs.find_protection_group("otc-conf")
    volume = alice.create_volume(10, "eu-de-01", name="otc-disk")
    server = alice.create_server("otc-app", "eu-de-01")
    conn.sdrs.create_replication_pair(server_group_id=group.id, volume_id=volume["id"], name="otc-pair")
    conn.sdrs.create_protected_instance(server_group_id=group.id, server_id=server["id"], name="otc-instance")
    conn.sdrs.enable_protection(group)
    conn.sdrs.create_dr_drill(server_group_id=group.id, name="otc-drill")
    sdrs = conn.sdrs
    pair = sdrs.find_replication_pair("otc-pair")
    instance = sdrs.find_protected_instance("otc-instance")
    drill = next(iter(sdrs.dr_drills()))
    for path, resource_class, key in (
            (f"/server-groups/{group.id}", protection_group.ProtectionGroup, "server_group"),
            (f"/replications/{pair.id}", replication_pair.ReplicationPair, "replication"),
            (f"/protected-instances/{instance.id}", protected_instance.ProtectedInstance, "protected_instance"),
            (f"/disaster-recovery-drills/{drill.id}", dr_drill.DRDrill, "disaster_recovery_drill")):
        assert_resource_conforms(resource_class, sdrs.get(path).json()[key], OTC_EXTRAS)
    assert_resource_conforms(job.Job, sdrs.get(f"/jobs/{made.job_id}").json(), OTC_EXTRAS)


OTC_EXTRAS: dict = {}


def _at(epoch: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


def test_rpo_statistics_record_the_minutes_a_protected_pair_could_not_replicate(client, alice, fast):
    """ListRpoStatistics: no point while the pair replicates (RPO 0); one point per observed minute
    while the DR AZ is down under a protected group (resource_num 1); none after the outage."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    domain = client.list_active_active_domains(m.ListActiveActiveDomainsRequest()).domains[0]
    source, target = (domain.local_replication_cluster.availability_zone,
                      domain.remote_replication_cluster.availability_zone)
    group_id = job_done(client, client.create_protection_group(m.CreateProtectionGroupRequest(
        body=m.CreateProtectionGroupRequestBody(server_group=m.CreateProtectionGroupRequestParams(
            name="rpo-pg", source_availability_zone=source, target_availability_zone=target, domain_id=domain.id,
            source_vpc_id=vpc_id(alice))))))["server_group_id"]
    volume = alice.create_volume(10, source, name="rpo-disk")
    job_done(client, client.create_replication(m.CreateReplicationRequest(body=m.CreateReplicationRequestBody(
        replication=m.CreateReplicationRequestParams(server_group_id=group_id, volume_id=volume["id"],
                                                     name="rpo-pair")))))
    job_done(client, client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={}))))
    empty = client.list_rpo_statistics(m.ListRpoStatisticsRequest())
    assert assert_answer_conforms(empty, OPTIONAL) == {"resource_rpo_statistics": [], "count": 0}

    fast.freeze()  # the first point's minute is the one read here
    fast.start_outage(target)
    began = fast.clock()["epoch"]
    client.list_rpo_statistics(m.ListRpoStatisticsRequest())
    fast.advance(120)
    client.list_rpo_statistics(m.ListRpoStatisticsRequest())
    fast.end_outage(target)
    fast.advance(120)
    listed = assert_answer_conforms(client.list_rpo_statistics(m.ListRpoStatisticsRequest(
        resource_type="replication")), OPTIONAL)
    assert listed["count"] == 2
    assert [(p["resource_num"], p["resource_type"]) for p in listed["resource_rpo_statistics"]] == [
        (1, "replication"), (1, "replication")]
    first, second = listed["resource_rpo_statistics"]
    assert first["point_time"] == _at(began // 60 * 60)[:16] and first["point_time"] < second["point_time"]

    page = client.list_rpo_statistics(m.ListRpoStatisticsRequest(limit=1, offset=1))
    assert (page.count, [p.id for p in page.resource_rpo_statistics]) == (2, [second["id"]])
    later = client.list_rpo_statistics(m.ListRpoStatisticsRequest(start_time=_at(began + 60)))
    assert [p.id for p in later.resource_rpo_statistics] == [second["id"]]
    earlier = client.list_rpo_statistics(m.ListRpoStatisticsRequest(end_time=_at(began + 59)))
    assert [p.id for p in earlier.resource_rpo_statistics] == [first["id"]]
    with pytest.raises(ClientRequestException) as refused:
        client.list_rpo_statistics(m.ListRpoStatisticsRequest(start_time="yesterday"))
    assert (refused.value.status_code, refused.value.error_code) == (400, "SDRS.0201")
    with pytest.raises(ClientRequestException) as refused:
        client.list_rpo_statistics(m.ListRpoStatisticsRequest(limit=0))
    assert (refused.value.status_code, refused.value.error_code) == (400, "SDRS.0221")
