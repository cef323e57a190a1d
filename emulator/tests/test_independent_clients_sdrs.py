"""SDRS clients written by others against the real cloud, used unchanged against the emulator.

otcextensions' `sdrs` proxy (token auth from `evs-emulator clouds-yaml`, endpoint from the
catalog) and huaweicloudsdksdrs (AK/SK, through the unprefixed `/v1/{project_id}/...` paths)
drive protection groups, pairs, protected instances, failover and drills.
"""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials

from conftest import TENANT_A


def vpc_id(alice) -> str:
    return alice.call("GET", f"{alice.base_url}/vpc/v1/{alice.project_id}/vpcs").body["vpcs"][0]["id"]


# -- otcextensions -------------------------------------------------------------
def test_otcextensions_sdrs_group_pair_instance_protect_and_fail_over(conn, fast, alice):
    # get_domains() yields the whole answer as one resource whose `domains` are the domains
    domains = [d for answer in conn.sdrs.get_domains() for d in answer.domains]
    domain = next(d for d in domains if {d.local_replication_cluster.availability_zone,
                                         d.remote_replication_cluster.availability_zone} == {"eu-de-01", "eu-de-02"})
    created = conn.sdrs.create_protection_group(name="otc-pg", source_availability_zone="eu-de-01",
                                                target_availability_zone="eu-de-02", domain_id=domain.id,
                                                source_vpc_id=vpc_id(alice))
    job = conn.sdrs.get_job(created.job_id)
    assert job.status == "SUCCESS" and job.job_type == "createProtectionGroupNoCG"
    group = conn.sdrs.find_protection_group("otc-pg")
    assert group.status == "available" and group.priority_station == "source"
    assert [g.name for g in conn.sdrs.protection_groups()] == ["otc-pg"]

    volume = alice.create_volume(10, "eu-de-01", name="otc-disk")
    server = alice.create_server("otc-app", "eu-de-01")
    pair_job = conn.sdrs.create_replication_pair(server_group_id=group.id, volume_id=volume["id"], name="otc-pair")
    assert conn.sdrs.get_job(pair_job.job_id).status == "SUCCESS"
    pair = conn.sdrs.find_replication_pair("otc-pair")
    assert pair.volume_ids.split(",")[0] == volume["id"]
    instance_job = conn.sdrs.create_protected_instance(server_group_id=group.id, server_id=server["id"],
                                                       name="otc-instance")
    assert conn.sdrs.get_job(instance_job.job_id).status == "SUCCESS"
    instance = conn.sdrs.find_protected_instance("otc-instance")
    conn.sdrs.attach_replication_pair(instance, pair.id, "/dev/vdb")
    assert conn.sdrs.get_protected_instance(instance.id).attachment[0]["replication"] == pair.id

    conn.sdrs.enable_protection(group)
    assert conn.sdrs.get_protection_group(group.id).status == "protected"
    fast.write_disk(volume["id"], {"0": "otc"})
    assert fast.disk(pair.volume_ids.split(",")[1]) == {"0": "otc"}
    drill = conn.sdrs.create_dr_drill(server_group_id=group.id, name="otc-drill")
    assert conn.sdrs.get_job(drill.job_id).status == "SUCCESS"
    assert [d.name for d in conn.sdrs.dr_drills()] == ["otc-drill"]
    conn.sdrs.perform_planned_failover(group, priority_station="target")
    assert conn.sdrs.get_protection_group(group.id).priority_station == "target"
    fast.start_outage("eu-de-02")
    conn.sdrs.perform_failover(group)
    failed_over = conn.sdrs.get_protection_group(group.id)
    assert (failed_over.status, failed_over.priority_station) == ("failed-over", "source")



def test_otcextensions_sdrs_errors_and_quotas(conn, fast):
    from openstack import exceptions

    with pytest.raises(exceptions.NotFoundException):
        conn.sdrs.get_protection_group("00000000-0000-0000-0000-000000000000")
    quotas = list(conn.sdrs.quotas())
    assert quotas


# -- huaweicloudsdksdrs --------------------------------------------------------
def sdrs_client(base_url: str):
    from huaweicloudsdksdrs.v1 import SdrsClient

    credentials = BasicCredentials(TENANT_A.user["access_key"], TENANT_A.user["secret_key"], TENANT_A.project["id"])
    # The SDK keeps only scheme and host and sends `/v1/{project_id}/...`; the emulator serves SDRS
    # on those unprefixed paths too (see README).
    return SdrsClient.new_builder().with_credentials(credentials).with_endpoints([f"{base_url}/sdrs"]).build()


def test_huaweicloudsdksdrs_protect_fail_over_and_jobs(fast, alice, base_url):
    from huaweicloudsdksdrs.v1 import model as m

    client = sdrs_client(base_url)
    domains = client.list_active_active_domains(m.ListActiveActiveDomainsRequest()).domains
    domain = next(d for d in domains if d.remote_replication_cluster.availability_zone == "eu-de-02"
                  and d.local_replication_cluster.availability_zone == "eu-de-01")
    created = client.create_protection_group(m.CreateProtectionGroupRequest(body=m.CreateProtectionGroupRequestBody(
        server_group=m.CreateProtectionGroupRequestParams(
            name="hw-pg", source_availability_zone="eu-de-01", target_availability_zone="eu-de-02",
            domain_id=domain.id, source_vpc_id=vpc_id(alice)))))
    job = client.show_job_status(m.ShowJobStatusRequest(job_id=created.job_id))
    assert (job.status, job.job_type) == ("SUCCESS", "createProtectionGroupNoCG")
    group_id = job.entities.server_group_id
    volume = alice.create_volume(10, "eu-de-01", name="hw-disk")
    pair_job = client.create_replication(m.CreateReplicationRequest(body=m.CreateReplicationRequestBody(
        replication=m.CreateReplicationRequestParams(server_group_id=group_id, volume_id=volume["id"],
                                                     name="hw-pair"))))
    pair_id = client.show_job_status(m.ShowJobStatusRequest(job_id=pair_job.job_id)).entities.replication_pair_id
    client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={})))
    group = client.show_protection_group(m.ShowProtectionGroupRequest(server_group_id=group_id)).server_group
    assert group.status == "protected"
    pair = client.show_replication(m.ShowReplicationRequest(replication_id=pair_id)).replication
    dr_disk = pair.volume_ids.split(",")[1]
    fast.write_disk(volume["id"], {"0": "huawei"})
    assert fast.disk(dr_disk) == {"0": "huawei"}
    fast.start_outage("eu-de-01")
    failover = client.start_failover_protection_group(m.StartFailoverProtectionGroupRequest(
        server_group_id=group_id, body=m.FailoverProtectionGroupRequestBody(failover_server_group={})))
    assert client.show_job_status(m.ShowJobStatusRequest(job_id=failover.job_id)).status == "SUCCESS"
    group = client.show_protection_group(m.ShowProtectionGroupRequest(server_group_id=group_id)).server_group
    assert (group.status, group.priority_station) == ("failed-over", "target")
    listed = client.list_protection_groups(m.ListProtectionGroupsRequest(limit=10, offset=0))
    assert listed.count == 1 and listed.server_groups[0].health_status == "abnormal"
    fast.end_outage("eu-de-01")
    client.start_protection_group(m.StartProtectionGroupRequest(
        server_group_id=group_id, body=m.StartProtectionGroupRequestBody(start_server_group={})))
    client.start_reverse_protection_group(m.StartReverseProtectionGroupRequest(
        server_group_id=group_id, body=m.ReverseProtectionGroupRequestBody(
            reverse_server_group=m.ReverseProtectionGroupRequestParams(priority_station="source"))))
    group = client.show_protection_group(m.ShowProtectionGroupRequest(server_group_id=group_id)).server_group
    assert (group.status, group.priority_station) == ("protected", "source")


def test_huaweicloudsdksdrs_errors_and_shared_job_path(fast, alice, base_url):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdksdrs.v1 import model as m

    client = sdrs_client(base_url)
    with pytest.raises(ClientRequestException) as failure:
        client.show_protection_group(m.ShowProtectionGroupRequest(server_group_id="nope"))
    assert (failure.value.status_code, failure.value.error_code) == (404, "SDRS.0207")
    # an EVS vendor job still answers on the shared unprefixed jobs path
    created = alice.call("POST", f"{base_url}/evs/v2.1/{alice.project_id}/cloudvolumes", {"volume": {
        "availability_zone": "eu-de-01", "size": 10, "name": "via-evs"}}).body
    evs_job = alice.call("GET", f"{base_url}/v1/{alice.project_id}/jobs/{created['job_id']}").body
    assert evs_job["job_type"] == "createVolume"
