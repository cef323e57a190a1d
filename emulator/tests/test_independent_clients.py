"""Clients written by others against the real cloud, used unchanged against the emulator.

openstacksdk and python-openstackclient read the clouds.yaml that `evs-emulator clouds-yaml`
prints; huaweicloudsdkcore's Signer and huaweicloudsdkevs drive the AK/SK paths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from conftest import TENANT_A, TENANT_B

BIN = Path(sys.executable).parent


@pytest.fixture
def clouds_yaml(fast, base_url, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "clouds.yaml"
    output = subprocess.run([str(BIN / "evs-emulator"), "clouds-yaml", "--url", base_url],
                            capture_output=True, text=True, check=True).stdout
    path.write_text(output)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    for name in [k for k in os.environ if k.startswith("OS_") and k != "OS_CLIENT_CONFIG_FILE"]:
        monkeypatch.delenv(name)
    return path


# -- openstacksdk ----------------------------------------------------------
def test_openstacksdk_block_storage_volume_and_snapshot_cycle(clouds_yaml, base_url):
    import openstack

    conn = openstack.connect(cloud=TENANT_A.cloud)
    storage = conn.block_storage
    assert storage.get_endpoint().startswith(f"{base_url}/evs/v3/")
    volume = storage.create_volume(size=10, name="sdk-disk", availability_zone="eu-de-01")
    volume = storage.wait_for_status(volume, "available", wait=10, interval=0.05)
    snapshot = storage.create_snapshot(volume_id=volume.id, name="sdk-snap")
    snapshot = storage.wait_for_status(snapshot, "available", wait=10, interval=0.05)
    assert [v.name for v in storage.volumes()] == ["sdk-disk"]
    assert [s.name for s in storage.snapshots()] == ["sdk-snap"]
    assert storage.get_volume(volume.id).availability_zone == "eu-de-01"
    storage.delete_snapshot(snapshot)
    storage.wait_for_delete(snapshot, wait=10, interval=0.05)
    storage.delete_volume(volume)
    storage.wait_for_delete(volume, wait=10, interval=0.05)
    assert list(storage.volumes()) == []


def test_openstacksdk_pages_through_volumes_and_maps_errors(clouds_yaml):
    import openstack
    from openstack import exceptions

    storage = openstack.connect(cloud=TENANT_A.cloud).block_storage
    for i in range(5):
        storage.create_volume(size=10, name=f"p{i}", availability_zone="eu-de-01")
    assert len(list(storage.volumes(limit=2))) == 5
    with pytest.raises(exceptions.NotFoundException):
        storage.get_volume("00000000-0000-0000-0000-000000000000")
    with pytest.raises(exceptions.BadRequestException):
        storage.create_volume(size=10, availability_zone="eu-de-77")


def test_openstacksdk_tenants_are_isolated(clouds_yaml):
    import openstack

    alice = openstack.connect(cloud=TENANT_A.cloud).block_storage
    bob = openstack.connect(cloud=TENANT_B.cloud).block_storage
    alice.create_volume(size=10, name="alice-only", availability_zone="eu-de-01")
    assert list(bob.volumes()) == []


def test_otcextensions_registered_connection_still_drives_block_storage(clouds_yaml):
    import openstack
    from otcextensions import sdk

    conn = openstack.connect(cloud=TENANT_A.cloud)
    sdk.register_otc_extensions(conn)
    volume = conn.block_storage.create_volume(size=10, name="otc-disk", availability_zone="eu-de-03")
    conn.block_storage.wait_for_status(volume, "available", wait=10, interval=0.05)
    assert [v.name for v in conn.block_storage.volumes()] == ["otc-disk"]


# -- python-openstackclient ------------------------------------------------
def openstack_cli(*args: str) -> list:
    result = subprocess.run([str(BIN / "openstack"), "--os-cloud", TENANT_A.cloud, *args, "-f", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_openstack_cli_volume_and_snapshot_list(clouds_yaml, alice):
    volume = alice.create_volume(name="cli-disk")
    alice.create_snapshot(volume["id"], name="cli-snap")
    volumes = openstack_cli("volume", "list")
    assert [(v["Name"], v["Status"], v["Size"]) for v in volumes] == [("cli-disk", "available", 10)]
    snapshots = openstack_cli("volume", "snapshot", "list")
    assert [(s["Name"], s["Status"]) for s in snapshots] == [("cli-snap", "available")]


# -- huaweicloudsdkcore Signer ---------------------------------------------
def signed(method: str, url: str, project_id: str | None = TENANT_A.project["id"], body: bytes = b"",
           ak: str = TENANT_A.user["access_key"], sk: str = TENANT_A.user["secret_key"]) -> SdkRequest:
    parts = urlparse(url)
    query = [tuple(p.split("=", 1)) for p in parts.query.split("&") if p]
    headers = {"Content-Type": "application/json"}
    if project_id:
        headers["X-Project-Id"] = project_id
    request = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
                         query_params=query, header_params=headers, body=body)
    return Signer(BasicCredentials(ak, sk)).sign(request)


def send(request: SdkRequest, path: str | None = None) -> requests.Response:
    url = f"{request.schema}://{request.host}{path or request.uri}"
    return requests.request(request.method, url, headers=request.header_params, data=request.body or None)


def test_signer_requests_are_accepted(fast, alice, base_url):
    volume = alice.create_volume(name="signed")
    answer = send(signed("GET", f"{base_url}/evs/v2/{alice.project_id}/volumes/detail?limit=5&name=signed"))
    assert answer.status_code == 200, answer.text
    assert [v["id"] for v in answer.json()["volumes"]] == [volume["id"]]
    body = json.dumps({"volume": {"size": 10, "availability_zone": "eu-de-02", "name": "by-aksk"}}).encode()
    created = send(signed("POST", f"{base_url}/evs/v2/{alice.project_id}/volumes", body=body))
    assert created.status_code == 202, created.text
    assert created.json()["volume"]["user_id"] == TENANT_A.user["id"]


def test_signer_discovers_project_and_catalog(fast, base_url):
    catalog = send(signed("GET", f"{base_url}/identity/v3/auth/catalog"))
    assert catalog.status_code == 200, catalog.text
    assert {e["type"] for e in catalog.json()["catalog"]} >= {"evs", "volumev2"}
    projects = send(signed("GET", f"{base_url}/identity/v3/projects?name=eu-de", project_id=None))
    assert [p["id"] for p in projects.json()["projects"]] == [TENANT_A.project["id"]]


def test_tampered_and_foreign_signed_requests_are_refused(fast, alice, base_url):
    url = f"{base_url}/evs/v2/{alice.project_id}/volumes/detail"
    request = signed("GET", url)
    tampered = send(request, path=f"/evs/v2/{alice.project_id}/snapshots/detail")
    assert tampered.status_code == 401
    assert tampered.json()["error_code"] == "APIGW.0301"
    assert tampered.json()["error_msg"] == "Incorrect IAM authentication information: verify aksk signature fail"
    wrong_key = send(signed("GET", url, sk="not-the-secret"))
    assert wrong_key.status_code == 401
    bob_key = send(signed("GET", url, ak=TENANT_B.user["access_key"], sk=TENANT_B.user["secret_key"],
                          project_id=TENANT_A.project["id"]))
    assert bob_key.status_code == 403


def test_stale_sdk_date_is_refused(admin, alice, base_url):
    admin.advance(16 * 60)  # the emulator clock runs ahead of the signer's wall clock
    answer = send(signed("GET", f"{base_url}/evs/v2/{alice.project_id}/volumes"))
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "APIGW.0301"


# -- huaweicloudsdkevs -----------------------------------------------------
def evs_client(base_url: str):
    from huaweicloudsdkevs.v2 import EvsClient

    credentials = BasicCredentials(TENANT_A.user["access_key"], TENANT_A.user["secret_key"], TENANT_A.project["id"])
    # The SDK keeps only scheme and host of an endpoint and sends `/v2/{project_id}/...`;
    # the emulator serves EVS on those unprefixed paths too (see README).
    return EvsClient.new_builder().with_credentials(credentials).with_endpoints([f"{base_url}/evs"]).build()


def test_huaweicloudsdkevs_lists_volumes_snapshots_and_rolls_back(fast, alice, admin, base_url):
    from huaweicloudsdkevs.v2.model import (CreateSnapshotOption, CreateSnapshotRequest, CreateSnapshotRequestBody,
                                            ListSnapshotsRequest, ListVolumesRequest, RollbackSnapshotOption,
                                            RollbackSnapshotRequest, RollbackSnapshotRequestBody)

    volume = alice.create_volume(name="hw-disk")
    admin.write_disk(volume["id"], {"0": "original"})
    client = evs_client(base_url)
    listed = client.list_volumes(ListVolumesRequest(limit=10))
    assert listed.count == 1 and listed.volumes[0].name == "hw-disk"
    created = client.create_snapshot(CreateSnapshotRequest(body=CreateSnapshotRequestBody(
        snapshot=CreateSnapshotOption(volume_id=volume["id"], name="hw-snap"))))
    assert created.snapshot.status == "creating"
    assert [s.name for s in client.list_snapshots(ListSnapshotsRequest()).snapshots] == ["hw-snap"]
    admin.write_disk(volume["id"], {"0": "changed"})
    rolled = client.rollback_snapshot(RollbackSnapshotRequest(
        snapshot_id=created.snapshot.id,
        body=RollbackSnapshotRequestBody(rollback=RollbackSnapshotOption(volume_id=volume["id"]))))
    assert rolled.rollback.volume_id == volume["id"]
    assert alice.volume(volume["id"])["status"] == "available"
    assert admin.disk(volume["id"]) == {"0": "original"}


def test_huaweicloudsdkevs_wrong_secret_is_refused(fast, base_url):
    from huaweicloudsdkevs.v2 import EvsClient
    from huaweicloudsdkevs.v2.model import ListVolumesRequest

    credentials = BasicCredentials(TENANT_A.user["access_key"], "wrong", TENANT_A.project["id"])
    client = EvsClient.new_builder().with_credentials(credentials).with_endpoints([base_url]).build()
    with pytest.raises(ClientRequestException) as failure:
        client.list_volumes(ListVolumesRequest())
    assert (failure.value.status_code, failure.value.error_code) == (401, "APIGW.0301")


def test_huaweicloudsdkevs_vendor_create_and_job(fast, alice, base_url):
    from huaweicloudsdkevs.v2.model import CreateVolumeOption, CreateVolumeRequest, CreateVolumeRequestBody, \
        ShowJobRequest

    client = evs_client(base_url)
    created = client.create_volume(CreateVolumeRequest(body=CreateVolumeRequestBody(volume=CreateVolumeOption(
        availability_zone="eu-de-01", volume_type="SSD", size=20, name="hw-created"))))
    assert created.job_id and len(created.volume_ids) == 1
    job = client.show_job(ShowJobRequest(job_id=created.job_id))
    assert (job.status, job.job_type, job.entities.volume_id) == ("SUCCESS", "createVolume", created.volume_ids[0])
    assert alice.volume(created.volume_ids[0])["volume_type"] == "SSD"
