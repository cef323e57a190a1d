"""Conformance: EVS answers against the vendor SDKs' models, field by field.

huaweicloudsdkevs (AK/SK) drives the vendor paths (cloudvolumes, cloudsnapshots, jobs, the
Cinder quota/type/AZ reads); openstacksdk's block_storage (password) drives the Cinder paths the
collection uses (volumes, snapshots, metadata, extend, delete), checked against its resources.
One checker (`evs_emulator.conformance`) walks each answer with its model.
"""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkevs.v2 import EvsClient
from huaweicloudsdkevs.v2 import model as m

from conftest import TENANT_A
from evs_emulator.conformance import (assert_answer_conforms, assert_resource_conforms, huawei_client,
                                      mismatches, use_clouds_yaml)

# Model fields an answer may leave out, with the reason (the models do not mark requiredness).
HUAWEI_ONLY = "Huawei Cloud only; not in OTC's documented object (../shared/api/evs.md)"
OPTIONAL = {
    "VolumeDetail.volume_image_metadata": "only on disks created from an image (imageRef is refused here)",
    "VolumeDetail.os-volume-replication:extended_status": "reserved, not in OTC's documented object",
    "VolumeDetail.service_type": HUAWEI_ONLY,
    "VolumeDetail.dedicated_storage_id": "only on disks in a dedicated storage pool",
    "VolumeDetail.dedicated_storage_name": "only on disks in a dedicated storage pool",
    "VolumeDetail.tags": HUAWEI_ONLY,
    "VolumeDetail.enterprise_project_id": HUAWEI_ONLY,
    "VolumeDetail.serial_number": "only on SCSI disks (hw:passthrough=true)",
    "VolumeDetail.iops": "only on GPSSD2/ESSD2 disks (Huawei Cloud)",
    "VolumeDetail.throughput": "only on GPSSD2 disks (Huawei Cloud)",
    "UpdateVolumeResponse.volume_image_metadata": "only on disks created from an image",
    "UpdateVolumeResponse.os-volume-replication:extended_status": "reserved",
    "Attachment.attached_at": "set by the attach",
    "CreateVolumeResponse.order_id": "yearly/monthly disks only",
    "ResizeVolumeResponse.order_id": "yearly/monthly disks only",
    "ListVolumesResponse.volumes_links": "only when more pages remain",
    "ListSnapshotsResponse.snapshots_links": "only when more pages remain",
    "SnapshotList.dedicated_storage_id": "only on snapshots of disks in a dedicated storage pool",
    "SnapshotList.dedicated_storage_name": "only on snapshots of disks in a dedicated storage pool",
    "SnapshotList.service_type": HUAWEI_ONLY,
    "JobEntities.volume_type": "not in OTC's documented job (../shared/api/evs.md: entities.volume_id)",
    "JobEntities.size": "not in OTC's documented job",
    "JobEntities.name": "not in OTC's documented job",
    "JobEntities.sub_jobs": "batch jobs only",
    "JobEntities.volume_id": "batch jobs carry sub_jobs instead",
    "QuotaList.per_volume_gigabytes": HUAWEI_ONLY,
    "QuotaList.gigabytes_SAS": "per-type rows of the types the region has",
    "QuotaList.snapshots_SAS": "per-type rows of the types the region has",
    "QuotaList.volumes_SAS": "per-type rows of the types the region has",
    "QuotaList.gigabytes_SSD": "per-type rows of the types the region has",
    "QuotaList.snapshots_SSD": "per-type rows of the types the region has",
    "QuotaList.volumes_SSD": "per-type rows of the types the region has",
    "QuotaList.gigabytes_SATA": "per-type rows of the types the region has",
    "QuotaList.snapshots_SATA": "per-type rows of the types the region has",
    "QuotaList.volumes_SATA": "per-type rows of the types the region has",
    "VolumeMetadata.*": "disk metadata: free keys; the system keys only on disks that have them",
    "VolumeTypeExtraSpecs.*": "reserved fields (evs_04_2071)",
    "VolumeType.qos_specs_id": "only on types with a QoS spec",
    "VolumeType.description": "optional in Cinder",
}

# Fields of OTC's Cinder objects that openstacksdk's generic resources do not declare.
OTC_CINDER = "OTC EVS API (../shared/api/evs.md, volume object)"
CINDER_EXTRAS = {"Volume.links": OTC_CINDER, "Volume.shareable": OTC_CINDER + ": legacy",
                 "Volume.storage_cluster_id": OTC_CINDER, "Volume.wwn": OTC_CINDER + ": vendor"}


@pytest.fixture
def client(fast, alice, base_url):
    return huawei_client(EvsClient, base_url, TENANT_A, "/evs")


def created_volume(client, name: str = "conf", size: int = 10) -> str:
    created = client.create_volume(m.CreateVolumeRequest(body=m.CreateVolumeRequestBody(volume=m.CreateVolumeOption(
        availability_zone="eu-de-01", volume_type="SSD", size=size, name=name))))
    assert_answer_conforms(created, OPTIONAL)
    job = client.show_job(m.ShowJobRequest(job_id=created.job_id))
    assert_answer_conforms(job, OPTIONAL)
    return created.volume_ids[0]


def test_checker_reports_unknown_missing_and_mistyped_fields():
    answer = {"volume": {"id": "x", "size": "10", "surprise": 1}}
    found = mismatches(m.ShowVolumeResponse, answer)
    assert "$.volume.surprise: not in the model VolumeDetail" in found
    assert "$.volume.name: missing (required by the model VolumeDetail)" in found
    assert "$.volume.size: str '10' where the model has int" in found
    assert "$.volume.iops: missing (required by the model VolumeDetail)" in found
    assert "$.volume.iops: missing (required by the model VolumeDetail)" not in mismatches(
        m.ShowVolumeResponse, answer, OPTIONAL)


def test_vendor_volume_show_list_update_resize_delete(client, alice):
    volume_id = created_volume(client, "conf-a")
    other_id = created_volume(client, "conf-b")
    shown = client.show_volume(m.ShowVolumeRequest(volume_id=volume_id))
    assert assert_answer_conforms(shown, OPTIONAL)["volume"]["name"] == "conf-a"

    listed = client.list_volumes(m.ListVolumesRequest(limit=1))
    assert_answer_conforms(listed, OPTIONAL)
    assert listed.count == 2 and len(listed.volumes) == 1 and listed.volumes_links
    by_id = client.list_volumes(m.ListVolumesRequest(id=other_id))
    assert [v.id for v in by_id.volumes] == [other_id] and by_id.count == 1
    by_ids = client.list_volumes(m.ListVolumesRequest(ids=f"['{volume_id}','not-a-disk']", id=other_id))
    assert [v.id for v in by_ids.volumes] == [volume_id]  # `id` is ignored next to `ids`

    updated = client.update_volume(m.UpdateVolumeRequest(volume_id=volume_id, body=m.UpdateVolumeRequestBody(
        volume=m.UpdateVolumeOption(name="conf-renamed", description="d"))))
    assert assert_answer_conforms(updated, OPTIONAL)["name"] == "conf-renamed"
    assert alice.volume(volume_id)["description"] == "d"

    resized = client.resize_volume(m.ResizeVolumeRequest(volume_id=volume_id, body=m.ResizeVolumeRequestBody(
        os_extend=m.OsExtend(new_size=20))))
    assert_answer_conforms(resized, OPTIONAL)
    job = client.show_job(m.ShowJobRequest(job_id=resized.job_id))
    assert (job.job_type, job.status, job.entities.volume_id) == ("extendVolume", "SUCCESS", volume_id)
    assert alice.volume(volume_id)["size"] == 20

    deleted = client.delete_volume(m.DeleteVolumeRequest(volume_id=other_id))
    assert_answer_conforms(deleted, OPTIONAL)
    assert client.show_job(m.ShowJobRequest(job_id=deleted.job_id)).job_type == "deleteVolume"
    with pytest.raises(ClientRequestException) as gone:
        client.show_volume(m.ShowVolumeRequest(volume_id=other_id))
    assert gone.value.status_code == 404


def test_vendor_snapshot_create_show_list_update_rollback_delete(client, alice):
    volume_id = created_volume(client)
    created = client.create_snapshot(m.CreateSnapshotRequest(body=m.CreateSnapshotRequestBody(
        snapshot=m.CreateSnapshotOption(volume_id=volume_id, name="conf-snap"))))
    snapshot_id = assert_answer_conforms(created, OPTIONAL)["snapshot"]["id"]
    shown = client.show_snapshot(m.ShowSnapshotRequest(snapshot_id=snapshot_id))
    assert assert_answer_conforms(shown, OPTIONAL)["snapshot"]["status"] == "available"
    listed = client.list_snapshots(m.ListSnapshotsRequest(volume_id=volume_id, id=snapshot_id))
    assert_answer_conforms(listed, OPTIONAL)
    assert [s.id for s in listed.snapshots] == [snapshot_id] and listed.count == 1
    assert client.list_snapshots(m.ListSnapshotsRequest(id="not-a-snapshot")).count == 0
    updated = client.update_snapshot(m.UpdateSnapshotRequest(snapshot_id=snapshot_id, body=m.UpdateSnapshotRequestBody(
        snapshot=m.UpdateSnapshotOption(name="conf-snap-2"))))
    assert assert_answer_conforms(updated, OPTIONAL)["snapshot"]["name"] == "conf-snap-2"
    rolled = client.rollback_snapshot(m.RollbackSnapshotRequest(snapshot_id=snapshot_id, body=m.RollbackSnapshotRequestBody(
        rollback=m.RollbackSnapshotOption(volume_id=volume_id))))
    assert assert_answer_conforms(rolled, OPTIONAL)["rollback"]["volume_id"] == volume_id
    deleted = client.delete_snapshot(m.DeleteSnapshotRequest(snapshot_id=snapshot_id))
    assert_answer_conforms(deleted, OPTIONAL)
    assert alice.call("GET", alice.evs(f"/snapshots/{snapshot_id}")).status == 404


def test_cinder_reads_of_quotas_types_and_zones(client, alice):
    quotas = client.cinder_list_quotas(m.CinderListQuotasRequest(target_project_id=alice.project_id, usage="True"))
    assert assert_answer_conforms(quotas, OPTIONAL)["quota_set"]["volumes"]["limit"] == 50
    types = client.cinder_list_volume_types(m.CinderListVolumeTypesRequest())
    assert {t["name"] for t in assert_answer_conforms(types, OPTIONAL)["volume_types"]} >= {"SATA", "SAS", "SSD"}
    zones = client.cinder_list_availability_zones(m.CinderListAvailabilityZonesRequest())
    assert_answer_conforms(zones, OPTIONAL)


# -- the Cinder paths the collection uses, through openstacksdk (password) ------
@pytest.fixture
def storage(fast, base_url, tmp_path, monkeypatch):
    import openstack

    use_clouds_yaml(base_url, tmp_path, monkeypatch)
    return openstack.connect(cloud=TENANT_A.cloud).block_storage


def test_cinder_volume_and_snapshot_answers_against_openstacksdk_resources(storage, alice):
    from openstack.block_storage.v3 import snapshot as _snapshot
    from openstack.block_storage.v3 import volume as _volume

    volume = storage.create_volume(size=10, name="os-conf", availability_zone="eu-de-01", metadata={"k": "v"})
    storage.wait_for_status(volume, "available", wait=10, interval=0.05)
    snapshot = storage.create_snapshot(volume_id=volume.id, name="os-snap", metadata={"k": "v"})
    storage.wait_for_status(snapshot, "available", wait=10, interval=0.05)
    storage.extend_volume(volume, 20)
    # the collection's writes: rename, metadata, and the vendor rollback on the Cinder endpoint
    answers = [(_volume.Volume, storage.put(f"/volumes/{volume.id}", json={"volume": {"name": "os-conf-2"}}).json()[
        "volume"]), (_snapshot.Snapshot, storage.put(f"/snapshots/{snapshot.id}", json={"snapshot": {
            "description": "d"}}).json()["snapshot"])]
    assert storage.post(f"/volumes/{volume.id}/metadata", json={"metadata": {"k2": "v2"}}).json() == {
        "metadata": {"k": "v", "k2": "v2"}}
    assert storage.put(f"/snapshots/{snapshot.id}/metadata", json={"metadata": {"k3": "v3"}}).json() == {
        "metadata": {"k3": "v3"}}
    rolled = storage.post(f"/os-vendor-snapshots/{snapshot.id}/rollback", json={"rollback": {"volume_id": volume.id}})
    assert rolled.status_code == 202 and not mismatches(m.RollbackSnapshotResponse, rolled.json(), OPTIONAL)
    storage.wait_for_status(volume, "available", wait=10, interval=0.05)
    for resource_class, answer in answers:
        assert_resource_conforms(resource_class, answer, CINDER_EXTRAS)
    for path, resource_class, key in ((f"/volumes/{volume.id}", _volume.Volume, "volume"),
                                      (f"/snapshots/{snapshot.id}", _snapshot.Snapshot, "snapshot")):
        assert_resource_conforms(resource_class, storage.get(path).json()[key], CINDER_EXTRAS)
    for path, resource_class, key in (("/volumes/detail", _volume.Volume, "volumes"),
                                      ("/snapshots/detail", _snapshot.Snapshot, "snapshots")):
        for item in storage.get(path).json()[key]:
            assert_resource_conforms(resource_class, item, CINDER_EXTRAS)
    assert storage.get_volume(volume.id).size == 20
    storage.delete_snapshot(snapshot)
    storage.wait_for_delete(snapshot, wait=10, interval=0.05)
    storage.delete_volume(volume)
    storage.wait_for_delete(volume, wait=10, interval=0.05)
