"""Conformance: VBS through otcextensions' volume_backup service (password; its endpoint found in
the catalog as otcextensions looks it up) and IAM token/catalog/project answers, against the
resources of otcextensions and openstacksdk, field by field. Huawei Cloud ships no VBS SDK.

The VBS calls are the collection's: cloudbackups (create, restore), jobs, the Cinder-style
backups (show, list detail, delete), backup policies (create, list, update, execute, bind,
unbind, delete) and their backup tasks.
"""

from __future__ import annotations

import json


from conftest import TENANT_A
from evs_emulator.conformance import assert_resource_conforms

# Fields of OTC's VBS/IAM answers that the generic resources do not declare, and where OTC documents them.
VBS_DOC = "OTC VBS API (../shared/api/vbs.md)"
EXTRAS = {
    "Backup.os-backup-project-attr:project_id": VBS_DOC + ", backup object",
    "Backup.os-bak-tenant-attr:tenant_id": "Huawei Cloud VBS API, Querying Details About a VBS Backup",
    "Backup.service_metadata": VBS_DOC + ", backup object (JSON string with DESC, INC, ...)",
}


def test_otcextensions_finds_vbs_in_the_catalog(conn, base_url):
    """The real catalog lists VBS as type `vbs` (name `volume-backup`, no project id in the URL):
    otcextensions looks it up under that type and appends the project id itself."""
    catalog = {entry["type"]: entry for entry in conn.config.get_service_catalog().catalog}
    assert catalog["vbs"]["name"] == "volume-backup"
    # no vbs_endpoint_override: the endpoint comes from the catalog entry, with the project appended
    assert conn.volume_backup.get_endpoint().startswith(f"{base_url}/vbs/v2/")
    assert list(conn.volume_backup.backup_policies()) == []


def test_vbs_backup_policy_and_backup_answers(conn, alice, fast):
    from openstack.block_storage.v2 import backup as _backup
    from otcextensions.sdk.volume_backup.v2 import backup_policy, backup_task, job

    volume = alice.create_volume(size=10)
    fast.write_disk(volume["id"], {"0": "vbs"})
    vbs = conn.volume_backup
    policy = vbs.create_backup_policy(name="conf-vbs", scheduled_policy={
        "start_time": "02:00", "frequency": 1, "rentention_num": 3, "status": "ON",
        "remain_first_backup_of_curMonth": "N"})
    vbs.link_resources_to_policy(policy, [volume["id"]])
    vbs.update_backup_policy(policy, name="conf-vbs-2")
    for item in vbs.get("/backuppolicy").json()["backup_policies"]:
        assert_resource_conforms(backup_policy.BackupPolicy, item, EXTRAS)
    vbs.execute_policy(policy)
    for item in vbs.get(f"/backuppolicy/{policy.id}/backuptasks").json()["tasks"]:
        assert_resource_conforms(backup_task.BackupTask, item, EXTRAS)

    created = vbs.post("/cloudbackups", json={"backup": {"volume_id": volume["id"], "name": "conf-b"}}).json()
    job_answer = vbs.get(f"/jobs/{created['job_id']}").json()
    assert_resource_conforms(job.Job, job_answer, EXTRAS)
    backup_id = job_answer["entities"]["backup_id"]
    shown = vbs.get(f"/backups/{backup_id}").json()["backup"]
    assert_resource_conforms(_backup.Backup, shown, EXTRAS)
    for item in vbs.get("/backups/detail").json()["backups"]:
        assert_resource_conforms(_backup.Backup, item, EXTRAS)
    # the backup names the snapshot it was read from, as the job did (openstacksdk's `snapshot_id`)
    snapshot_id = _backup.Backup.existing(**shown).snapshot_id
    assert snapshot_id == job_answer["entities"]["snapshot_id"]
    assert conn.block_storage.get_snapshot(snapshot_id).name.startswith("manualbk_snapshot_vbs_")
    assert json.loads(shown["service_metadata"])["SNAP_ID"] == snapshot_id
    listed = {b["id"]: b["snapshot_id"] for b in vbs.get("/backups/detail").json()["backups"]}
    assert listed[backup_id] == snapshot_id
    # the policy's run (execute_policy above) read its own snapshot, which the manual backup
    # replaced on the disk: the backup still names it
    (policy_snapshot,) = [s for b, s in listed.items() if b != backup_id]
    assert policy_snapshot and policy_snapshot != snapshot_id
    assert conn.block_storage.find_snapshot(policy_snapshot) is None
    fast.write_disk(volume["id"], {"0": "changed"})
    restored = vbs.post(f"/cloudbackups/{backup_id}/restore", json={"restore": {"volume_id": volume["id"]}}).json()
    assert_resource_conforms(job.Job, vbs.get(f"/jobs/{restored['job_id']}").json(), EXTRAS)
    assert fast.disk(volume["id"]) == {"0": "vbs"}
    assert vbs.delete(f"/backups/{backup_id}").status_code == 202
    vbs.unlink_resources_of_policy(policy, [volume["id"]])
    vbs.delete_backup_policy(policy)


# -- IAM: token, catalog and projects, with a password (keystoneauth) and AK/SK (the vendor signer) --
CATALOG_ENTRY = {"type", "name", "id", "endpoints"}
CATALOG_ENDPOINT = {"id", "interface", "region", "region_id", "url"}
PROJECT_EXTRAS = {"Project.links": "Keystone v3 project object (../shared/api/keystone.md)"}


def assert_catalog_conforms(catalog: list) -> None:
    """Keystone v3 catalog entries, as ../shared/api/keystone.md and endpoints.md describe them."""
    assert catalog
    for entry in catalog:
        assert set(entry) == CATALOG_ENTRY, entry
        for endpoint in entry["endpoints"]:
            assert set(endpoint) == CATALOG_ENDPOINT, endpoint


def test_iam_token_catalog_and_projects_with_a_password(conn):
    from openstack.identity.v3 import project as _project

    token = conn.session.auth.get_access(conn.session)
    assert token.project_id == TENANT_A.project["id"]
    assert_catalog_conforms(token.service_catalog.catalog)
    identity = conn.identity
    assert_catalog_conforms(identity.get("/auth/catalog").json()["catalog"])
    for item in identity.get("/auth/projects").json()["projects"] + identity.get("/projects").json()["projects"]:
        assert_resource_conforms(_project.Project, item, PROJECT_EXTRAS)


def test_iam_catalog_and_project_discovery_with_aksk(fast, base_url):
    """The collection's AK/SK discovery: the project by name, then the catalog, signed by
    huaweicloudsdkcore's Signer (as test_independent_clients does)."""
    from openstack.identity.v3 import project as _project

    from test_independent_clients import send, signed

    projects = send(signed("GET", f"{base_url}/identity/v3/projects?name=eu-de", project_id=None))
    assert projects.status_code == 200, projects.text
    for item in projects.json()["projects"]:
        assert_resource_conforms(_project.Project, item, PROJECT_EXTRAS)
    catalog = send(signed("GET", f"{base_url}/identity/v3/auth/catalog"))
    assert catalog.status_code == 200, catalog.text
    assert_catalog_conforms(catalog.json()["catalog"])
