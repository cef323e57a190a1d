"""Conformance: CBR answers against huaweicloudsdkcbr's models (AK/SK) and otcextensions' cbr
resources (password), field by field, for every CBR call the collection makes (vaults, resources,
policies and their binding, checkpoints, backups, restore, delete) and the operation logs."""

from __future__ import annotations

import pytest
import yaml
from huaweicloudsdkcbr.v1 import CbrClient
from huaweicloudsdkcbr.v1 import model as m

from conftest import TENANT_A, Tenant
from evs_emulator.config import Config, load_default_text
from evs_emulator.conformance import (assert_answer_conforms, assert_resource_conforms, huawei_client)
from evs_emulator.testing import EmulatorProcess

DISK = "OS::Cinder::Volume"
BILLING = {"object_type": "disk", "protect_type": "backup", "size": 40, "consistent_level": "crash_consistent",
           "cloud_type": "public", "charging_mode": "post_paid"}
SERVER_ONLY = "server backups only (app consistency, images, agents); disk vaults never have it"
HUAWEI_ONLY = "Huawei Cloud only; not in OTC's documented object (../shared/api/cbr.md)"
# Model fields an answer may leave out, with the reason.
OPTIONAL = {
    # vaults
    "Vault.tags": "only when the vault has tags", "Vault.enterprise_project_id": HUAWEI_ONLY,
    "Vault.auto_expand": "set on create; OTC shows it only when set", "Vault.smn_notify": HUAWEI_ONLY,
    "Vault.threshold": HUAWEI_ONLY, "Vault.sys_lock_source_service": HUAWEI_ONLY, "Vault.locked": HUAWEI_ONLY,
    "Vault.availability_zone": HUAWEI_ONLY, "Vault.backup_name_prefix": HUAWEI_ONLY, "Vault.demand_billing": HUAWEI_ONLY,
    "Vault.cbc_delete_count": HUAWEI_ONLY, "Vault.frozen": HUAWEI_ONLY, "Vault.bind_rules": "only when set",
    "Vault.auto_bind": "only when set",
    "Billing.frozen_scene": "frozen vaults only", "Billing.storage_unit": HUAWEI_ONLY,
    "Billing.order_id": "yearly/monthly vaults", "Billing.product_id": "yearly/monthly vaults",
    "Billing.partner_bp_id": "partner accounts", "Billing.is_multi_az": HUAWEI_ONLY,
    "ResourceResp.extra_info": "documented as optional (exclusion paths, server backups)",
    "ResourceResp.auto_protect": HUAWEI_ONLY,
    "ListVaultResponse.limit": HUAWEI_ONLY, "ListVaultResponse.offset": HUAWEI_ONLY,
    # policies
    "Policy.tags": HUAWEI_ONLY, "PolicyTriggerResp.type": HUAWEI_ONLY,
    "PolicyoODCreate.advanced_retention_rules": "only the rules the policy sets",
    "PolicyoODCreate.cross_account_urn": "only the rules the policy sets",
    "PolicyoODCreate.day_backups": "only the rules the policy sets",
    "PolicyoODCreate.destination_project_id": "only the rules the policy sets",
    "PolicyoODCreate.destination_region": "only the rules the policy sets",
    "PolicyoODCreate.enable_acceleration": "only the rules the policy sets",
    "PolicyoODCreate.full_backup_interval": "only the rules the policy sets",
    "PolicyoODCreate.month_backups": "only the rules the policy sets",
    "PolicyoODCreate.retention_duration_days": "only the rules the policy sets",
    "PolicyoODCreate.timezone": "only the rules the policy sets",
    "PolicyoODCreate.week_backups": "only the rules the policy sets",
    "PolicyoODCreate.year_backups": "only the rules the policy sets",
    "PolicyoODCreate.max_backups": "only the rules the policy sets",
    "PolicyTriggerPropertiesResp.start_window_minutes": HUAWEI_ONLY,
    "PolicyAssociateVault.destination_vault_id": "replication policies only",
    "ListPoliciesResponse.count": HUAWEI_ONLY,
    # checkpoints and backups
    "CheckpointPlanCreate.extra_info": "only when given",
    "CheckpointResourceResp.extra_info": SERVER_ONLY,
    "BackupResp.provider_id": "present", "BackupResp.children": "server backups only",
    "BackupResp.replication_records": "replicated backups only", "BackupResp.satadp_meta_data": HUAWEI_ONLY,
    "BackupResp.incremental": "Huawei Cloud's place for it; OTC documents it in extend_info (api_flavour otc)",
    "BackupResp.version": HUAWEI_ONLY, "BackupResp.provider_id_extra": HUAWEI_ONLY,
    "BackupResp.resource_description": HUAWEI_ONLY, "BackupResp.expired_at": "only with a retention",
    "BackupResp.parent_id": "child backups of server backups only",
    "BackupExtendInfo.is_multi_az": HUAWEI_ONLY,
    "ListBackupsResponse.offset": "present", "ListBackupsResponse.limit": "present",
    # operation logs
    "OpExtraInfo.*": "one part per operation type",
    "OpExtendInfoBckup.app_consistency_error_code": SERVER_ONLY,
    "OpExtendInfoBckup.app_consistency_error_message": SERVER_ONLY,
    "OpExtendInfoBckup.app_consistency_status": SERVER_ONLY,
    "Resource.extra_info": "documented as optional",
    "ResourceExtraInfo.*": "server resources only (include_volumes, exclude_volumes)",
    "VaultBindRules.tags": "only when resources are bound by tag",
    "VaultCreateResource.availability_zone": HUAWEI_ONLY, "VaultCreateResource.backup_name_prefix": HUAWEI_ONLY,
    "VaultCreateResource.cbc_delete_count": HUAWEI_ONLY, "VaultCreateResource.demand_billing": HUAWEI_ONLY,
    "VaultCreateResource.frozen": HUAWEI_ONLY, "VaultCreateResource.sys_lock_source_service": HUAWEI_ONLY,
    "CreateVaultResponse.orders": "yearly/monthly vaults (an order)", "CreateVaultResponse.retCode": "orders only",
    "CreateVaultResponse.errText": "orders only", "CreateVaultResponse.error_code": "orders only",
    "VaultPolicyResp.destination_vault_id": "replication policies only",
    "Policy.policy_type": HUAWEI_ONLY,
    "BackupResp.scheduled_operation_id": HUAWEI_ONLY,
}


# Fields OTC's CBR API documents that huaweicloudsdkcbr's models do not have.
EXTRAS = {
    "BackupExtendInfo.incremental": "OTC CBR API (../shared/api/cbr.md): extend_info.incremental",
    "BackupExtendInfo.progress": "OTC CBR API (../shared/api/cbr.md): extend_info.progress",
}


def conforms(response):
    return assert_answer_conforms(response, OPTIONAL, EXTRAS)


@pytest.fixture
def client(fast, alice, base_url):
    return huawei_client(CbrClient, base_url, TENANT_A, "/cbr")


def test_vault_policy_checkpoint_backup_restore_delete_and_logs(client, alice, fast):
    volume = alice.create_volume(size=10)
    spare = alice.create_volume(size=10)
    fast.write_disk(volume["id"], {"0": "kept"})
    created = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
        name="conf", billing=m.BillingCreate(**BILLING), resources=[m.ResourceCreate(id=volume["id"], type=DISK)]))))
    vault_id = conforms(created)["vault"]["id"]
    conforms(client.show_vault(m.ShowVaultRequest(vault_id=vault_id)))
    listed = client.list_vault(m.ListVaultRequest(name="conf", limit=10, offset=0))
    assert [v["id"] for v in conforms(listed)["vaults"]] == [vault_id]
    by_disk = client.list_vault(m.ListVaultRequest(resource_ids=volume["id"]))
    assert [v.id for v in by_disk.vaults] == [vault_id]
    conforms(client.update_vault(m.UpdateVaultRequest(vault_id=vault_id, body=m.VaultUpdateReq(
        vault=m.VaultUpdate(name="conf-2")))))
    added = client.add_vault_resource(m.AddVaultResourceRequest(vault_id=vault_id, body=m.VaultAddResourceReq(
        resources=[m.ResourceCreate(id=spare["id"], type=DISK)])))
    assert conforms(added)["add_resource_ids"] == [spare["id"]]
    removed = client.remove_vault_resource(m.RemoveVaultResourceRequest(
        vault_id=vault_id, body=m.VaultRemoveResourceReq(resource_ids=[spare["id"]])))
    assert conforms(removed)["remove_resource_ids"] == [spare["id"]]

    policy = client.create_policy(m.CreatePolicyRequest(body=m.PolicyCreateReq(policy=m.PolicyCreate(
        name="conf-policy", operation_type="backup", operation_definition=m.PolicyoODCreate(max_backups=3),
        trigger=m.PolicyTriggerReq(properties=m.PolicyTriggerPropertiesReq(
            pattern=["FREQ=DAILY;BYHOUR=02;BYMINUTE=00"]))))))
    policy_id = conforms(policy)["policy"]["id"]
    associated = client.associate_vault_policy(m.AssociateVaultPolicyRequest(
        vault_id=vault_id, body=m.VaultAssociate(policy_id=policy_id)))
    conforms(associated)
    conforms(client.show_policy(m.ShowPolicyRequest(policy_id=policy_id)))
    conforms(client.list_policies(m.ListPoliciesRequest(operation_type="backup")))
    conforms(client.update_policy(m.UpdatePolicyRequest(policy_id=policy_id, body=m.PolicyUpdateReq(
        policy=m.PolicyUpdate(name="conf-policy-2")))))

    checkpoint = client.create_checkpoint(m.CreateCheckpointRequest(body=m.VaultBackupReq(checkpoint=m.VaultBackup(
        vault_id=vault_id, parameters=m.CheckpointParam(name="conf-cp", incremental=True)))))
    checkpoint_id = conforms(checkpoint)["checkpoint"]["id"]
    conforms(client.show_checkpoint(m.ShowCheckpointRequest(checkpoint_id=checkpoint_id)))
    backups = client.list_backups(m.ListBackupsRequest(vault_id=vault_id, limit=10, offset=0))
    backup_id = conforms(backups)["backups"][0]["id"]
    conforms(client.show_backup(m.ShowBackupRequest(backup_id=backup_id)))
    fast.write_disk(volume["id"], {"0": "changed"})
    restored = client.restore_backup(m.RestoreBackupRequest(backup_id=backup_id, body=m.BackupRestoreReq(
        restore=m.BackupRestore(volume_id=volume["id"]))))
    conforms(restored)
    fast.advance(1)
    assert fast.disk(volume["id"]) == {"0": "kept"}
    conforms(client.delete_backup(m.DeleteBackupRequest(backup_id=backup_id)))

    logs = client.list_op_logs(m.ListOpLogsRequest(vault_id=vault_id))
    body = conforms(logs)
    assert [(log["operation_type"], log["status"]) for log in body["operation_logs"]] == [
        ("delete", "success"), ("restore", "success"), ("backup", "success")]
    assert body["operation_logs"][2]["extra_info"]["backup"]["backup_id"] == backup_id
    assert client.list_op_logs(m.ListOpLogsRequest(operation_type="restore")).count == 1
    one = client.show_op_log(m.ShowOpLogRequest(operation_log_id=body["operation_logs"][1]["id"]))
    assert conforms(one)["operation_log"]["extra_info"]["restore"]["target_resource_id"] \
        == volume["id"]

    conforms(client.disassociate_vault_policy(m.DisassociateVaultPolicyRequest(
        vault_id=vault_id, body=m.VaultDissociate(policy_id=policy_id))))
    conforms(client.delete_policy(m.DeletePolicyRequest(policy_id=policy_id)))
    conforms(client.delete_vault(m.DeleteVaultRequest(vault_id=vault_id)))
    assert client.list_op_logs(m.ListOpLogsRequest(operation_type="vault_delete")).count == 1


def test_operation_log_runs_as_long_as_its_backup(fast, alice, base_url):
    """A log is `running` while its backup is being made, `success` when the backup is."""
    admin = fast
    admin.set_timings({"backup.create": 60})
    client = huawei_client(CbrClient, base_url, TENANT_A, "/cbr")
    volume = alice.create_volume(size=10)
    vault = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
        name="slow", billing=m.BillingCreate(**BILLING), resources=[m.ResourceCreate(id=volume["id"], type=DISK)]))))
    client.create_checkpoint(m.CreateCheckpointRequest(body=m.VaultBackupReq(checkpoint=m.VaultBackup(
        vault_id=vault.vault.id, parameters=m.CheckpointParam(name="slow-cp")))))
    (log,) = client.list_op_logs(m.ListOpLogsRequest()).operation_logs
    assert (log.status, log.ended_at, log.extra_info.common.progress) == ("running", None, 0)
    admin.advance(61)
    client = huawei_client(CbrClient, base_url, TENANT_A, "/cbr")
    # the signer's wall clock is now a minute behind the emulator's: well inside the window
    (log,) = client.list_op_logs(m.ListOpLogsRequest(status="success")).operation_logs
    assert log.ended_at and log.extra_info.common.progress == 100


# -- otcextensions' cbr proxy (password), the resources it declares ------------
def test_otcextensions_cbr_resources_know_every_field(conn, alice, fast):
    from otcextensions.sdk.cbr.v3 import backup, checkpoint, policy, task, vault

    volume = alice.create_volume(size=10)
    made = conn.cbr.create_vault(name="otc-conf", billing=BILLING, resources=[{"id": volume["id"], "type": DISK}])
    made_policy = conn.cbr.create_policy(name="otc-conf-p", operation_type="backup",
                                         operation_definition={"max_backups": 3},
                                         trigger={"properties": {"pattern": ["FREQ=DAILY;BYHOUR=02;BYMINUTE=00"]}})
    conn.cbr.bind_policy(made, made_policy)
    made_checkpoint = conn.cbr.create_checkpoint(vault_id=made.id, parameters={"name": "otc-cp"})
    (made_backup,) = conn.cbr.backups(vault_id=made.id)
    assert [t.operation_type for t in conn.cbr.tasks()] == ["backup"]
    cbr = conn.cbr
    for path, resource_class, key in (
            (f"/vaults/{made.id}", vault.Vault, "vault"), (f"/policies/{made_policy.id}", policy.Policy, "policy"),
            (f"/checkpoints/{made_checkpoint.id}", checkpoint.Checkpoint, "checkpoint"),
            (f"/backups/{made_backup.id}", backup.Backup, "backup"),
            (f"/operation-logs/{next(iter(cbr.tasks())).id}", task.Task, "operation_log")):
        assert_resource_conforms(resource_class, cbr.get(path).json()[key], OTC_EXTRAS)


# Fields OTC's CBR documents (../shared/api/cbr.md) that otcextensions 0.34.8's resources do not declare.
OTC_DOC = "OTC CBR API (../shared/api/cbr.md)"
OTC_EXTRAS = {
    "Vault.locked": OTC_DOC + ", vault object", "Vault.smn_notify": OTC_DOC + ", vault update body",
    "Vault.threshold": OTC_DOC + ", vault update body",
    "Vault.enterprise_project_id": "huaweicloudsdkcbr Vault (the vault's enterprise project, '0' by default)",
    "Backup.enterprise_project_id": "huaweicloudsdkcbr BackupResp", "BillingSpec.protect_type": OTC_DOC + ", billing",
    "Trigger.type": OTC_DOC + ", policy trigger (`time`)",
    "Vault.resources": OTC_DOC + ", checkpoint `vault.resources`",
}


# -- the two clouds' places for a backup's `incremental` (api_flavour) --------
@pytest.fixture(scope="module")
def huawei_cloud(tmp_path_factory):
    """An emulator that answers as Huawei Cloud's models have it (`api_flavour: huawei`)."""
    directory = tmp_path_factory.mktemp("huawei-cloud")
    config = yaml.safe_load(load_default_text()) | {"api_flavour": "huawei"}
    (directory / "config.yaml").write_text(yaml.safe_dump(config))
    with EmulatorProcess(state_dir=directory / "state", config=directory / "config.yaml") as process:
        process.admin().zero_timings()
        yield process


def checkpointed_backup(client, alice):
    volume = alice.create_volume(size=10)
    vault = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
        name="flavour", billing=m.BillingCreate(**BILLING),
        resources=[m.ResourceCreate(id=volume["id"], type=DISK)]))))
    client.create_checkpoint(m.CreateCheckpointRequest(body=m.VaultBackupReq(checkpoint=m.VaultBackup(
        vault_id=vault.vault.id, parameters=m.CheckpointParam(name="flavour")))))
    (backup,) = client.list_backups(m.ListBackupsRequest(vault_id=vault.vault.id)).backups
    return backup


def test_cbr_backup_as_huawei_cloud_models_it(huawei_cloud):
    """`api_flavour: huawei`: `incremental` at the top level, extend_info without the two keys
    only OTC documents; every field of Huawei's BackupResp, nothing it does not know."""
    alice = Tenant(huawei_cloud.base_url, TENANT_A.cloud)
    client = huawei_client(CbrClient, huawei_cloud.base_url, TENANT_A, "/cbr")
    backup = checkpointed_backup(client, alice)
    huawei = {k: v for k, v in OPTIONAL.items() if k != "BackupResp.incremental"}
    shown = assert_answer_conforms(client.show_backup(m.ShowBackupRequest(backup_id=backup.id)), huawei)
    assert shown["backup"]["incremental"] is False  # the first backup of a disk in a vault is full
    listed = assert_answer_conforms(client.list_backups(m.ListBackupsRequest(vault_id=backup.vault_id)), huawei)
    assert [b["incremental"] for b in listed["backups"]] == [False]


def test_cbr_backup_as_otc_documents_it(client, alice):
    """The default (`api_flavour: otc`): `incremental` and `progress` in extend_info only."""
    backup = checkpointed_backup(client, alice)
    shown = conforms(client.show_backup(m.ShowBackupRequest(backup_id=backup.id)))["backup"]
    assert "incremental" not in shown
    assert (shown["extend_info"]["incremental"], shown["extend_info"]["progress"]) == (False, 100)


def test_an_unknown_api_flavour_is_refused():
    with pytest.raises(ValueError, match="api_flavour must be one of otc, huawei"):
        Config(yaml.safe_load(load_default_text()) | {"api_flavour": "openstack"})


# -- protectables and the vault summary ---------------------------------------
PROTECTABLE_OPTIONAL = OPTIONAL | {
    "ProtectableResult.code": "only when the resource cannot be backed up",
    "ProtectableResult.reason": "only when the resource cannot be backed up",
    "ProtectableResult.message": "only when the resource cannot be backed up (the reference)",
    # the protecting vault is the vault view every other CBR answer gives (model Vault)
    "VaultGet.sys_lock_source_service": HUAWEI_ONLY, "VaultGet.availability_zone": HUAWEI_ONLY,
    "VaultGet.version": HUAWEI_ONLY, "VaultGet.updated_at": HUAWEI_ONLY,
}


def test_protectable_disks_show_their_vault_and_whether_they_can_be_backed_up(client, alice, fast):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    kept = alice.create_volume(size=10, name="prot-kept")
    loose = alice.create_volume(size=20, name="prot-loose")
    vault = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
        name="prot", billing=m.BillingCreate(**BILLING), resources=[m.ResourceCreate(id=kept["id"], type=DISK)]))))
    listed = client.list_protectable(m.ListProtectableRequest(protectable_type="disk"))
    by_id = {i["id"]: i for i in assert_answer_conforms(listed, PROTECTABLE_OPTIONAL, EXTRAS)["instances"]}
    assert set(by_id) == {kept["id"], loose["id"]}
    assert by_id[kept["id"]]["protectable"]["vault"]["id"] == vault.vault.id
    assert by_id[loose["id"]]["protectable"] == {"result": True, "vault": None}
    assert (by_id[loose["id"]]["type"], by_id[loose["id"]]["size"], by_id[loose["id"]]["detail"]["id"]) == (
        DISK, 20, loose["id"])

    shown = client.show_protectable(m.ShowProtectableRequest(protectable_type="disk", instance_id=kept["id"]))
    assert assert_answer_conforms(shown, PROTECTABLE_OPTIONAL, EXTRAS)["instance"] == by_id[kept["id"]]
    fast.start_outage(kept["availability_zone"])
    down = client.show_protectable(m.ShowProtectableRequest(protectable_type="disk", instance_id=kept["id"]))
    assert (down.instance.status, down.instance.protectable.result, down.instance.protectable.code) == (
        "error", False, "BackupService.6302")
    fast.end_outage(kept["availability_zone"])

    # filters and paging: name, id, status, limit (at most 50) with offset or marker
    assert [i.id for i in client.list_protectable(m.ListProtectableRequest(
        protectable_type="disk", name="prot-loose")).instances] == [loose["id"]]
    assert [i.id for i in client.list_protectable(m.ListProtectableRequest(
        protectable_type="disk", id=kept["id"])).instances] == [kept["id"]]
    assert client.list_protectable(m.ListProtectableRequest(protectable_type="disk", status="in-use")).instances == []
    server = alice.create_server("prot-app", loose["availability_zone"])
    alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
               {"volumeAttachment": {"volumeId": loose["id"]}})
    fast.advance(1)
    attached = client.list_protectable(m.ListProtectableRequest(protectable_type="disk", server_id=server["id"]))
    assert [(i.id, i.status) for i in attached.instances] == [(loose["id"], "in-use")]
    assert [i.id for i in client.list_protectable(m.ListProtectableRequest(
        protectable_type="disk", status="in-use")).instances] == [loose["id"]]
    order = [i["id"] for i in listed.to_dict()["instances"]]
    assert [i.id for i in client.list_protectable(m.ListProtectableRequest(
        protectable_type="disk", limit=1, offset=1)).instances] == order[1:]
    assert [i.id for i in client.list_protectable(m.ListProtectableRequest(
        protectable_type="disk", limit=1, marker=order[0])).instances] == order[1:]
    for request, status, code in (
            (m.ListProtectableRequest(protectable_type="disk", limit=51), 400, "BackupService.0002"),
            (m.ShowProtectableRequest(protectable_type="disk", instance_id="0" * 32), 404, "BackupService.6302"),
            (m.ListProtectableRequest(protectable_type="tape"), 400, "BackupService.0002")):
        with pytest.raises(ClientRequestException) as refused:
            (client.list_protectable if isinstance(request, m.ListProtectableRequest)
             else client.show_protectable)(request)
        assert (refused.value.status_code, refused.value.error_code) == (status, code)


def test_vault_summary_adds_up_the_projects_vaults(client, alice, fast):
    assert assert_answer_conforms(client.show_summary(m.ShowSummaryRequest()), OPTIONAL) == {
        "size": 0, "used_size": 0}
    volume = alice.create_volume(size=10)
    for name, size, resources in (("sum-a", 40, [m.ResourceCreate(id=volume["id"], type=DISK)]),
                                  ("sum-b", 25, [])):
        made = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
            name=name, billing=m.BillingCreate(**(BILLING | {"size": size})), resources=resources))))
        if resources:
            client.create_checkpoint(m.CreateCheckpointRequest(body=m.VaultBackupReq(checkpoint=m.VaultBackup(
                vault_id=made.vault.id, parameters=m.CheckpointParam(name="sum-cp")))))
    summary = client.show_summary(m.ShowSummaryRequest())
    assert (summary.size, summary.used_size) == (65, 10)  # a full backup stores the 10 GB disk


def test_server_vault_backup_and_whole_server_restore(client, alice, fast):
    """huaweicloudsdkcbr drives a server vault: CreateVault (object_type server, exclude_volumes),
    CreateCheckpoint, ListBackups (with parent_id), ShowBackup with `children`, RestoreBackup of
    the whole server (server_id, mappings, power_on) with the bytes checked, and the refusal of a
    running server as the SDK raises it."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    server = alice.create_server(name="db")
    disks = [alice.create_volume(size=10, name=name) for name in ("data", "log", "scratch")]
    fast.advance(1)
    for disk, blocks in zip(disks, ({"0": "data"}, {"0": "log"}, {"0": "scratch"})):
        fast.write_disk(disk["id"], blocks)
        alice.call("POST", alice.ecs(f"/servers/{server['id']}/os-volume_attachments"),
                   {"volumeAttachment": {"volumeId": disk["id"]}})
    fast.advance(1)
    resource = m.ResourceCreate(id=server["id"], type="OS::Nova::Server",
                                extra_info=m.ResourceExtraInfo(exclude_volumes=[disks[2]["id"]]))
    created = client.create_vault(m.CreateVaultRequest(body=m.VaultCreateReq(vault=m.VaultCreate(
        name="servers", billing=m.BillingCreate(**{**BILLING, "object_type": "server"}), resources=[resource]))))
    vault = conforms(created)["vault"]
    assert (vault["resources"][0]["size"], vault["billing"]["spec_code"]) == (20, "vault.backup.server.normal")
    checkpoint = client.create_checkpoint(m.CreateCheckpointRequest(body=m.VaultBackupReq(checkpoint=m.VaultBackup(
        vault_id=vault["id"], parameters=m.CheckpointParam(name="server-cp")))))
    conforms(checkpoint)
    fast.advance(1)
    (listed,) = conforms(client.list_backups(m.ListBackupsRequest(vault_id=vault["id"])))["backups"]
    shown = conforms(client.show_backup(m.ShowBackupRequest(backup_id=listed["id"])))["backup"]
    children = shown["children"]
    assert [c["resource_id"] for c in children] == [disks[0]["id"], disks[1]["id"]]
    by_parent = conforms(client.list_backups(m.ListBackupsRequest(parent_id=shown["id"])))
    assert sorted(b["id"] for b in by_parent["backups"]) == sorted(c["id"] for c in children)
    for disk in disks:
        fast.write_disk(disk["id"], {"0": "overwritten"})
    mappings = [m.BackupRestoreServerMapping(backup_id=c["id"], volume_id=c["resource_id"]) for c in children]
    whole = m.BackupRestore(server_id=server["id"], mappings=mappings, power_on=True)
    with pytest.raises(ClientRequestException) as running:
        client.restore_backup(m.RestoreBackupRequest(backup_id=shown["id"], body=m.BackupRestoreReq(restore=whole)))
    assert (running.value.status_code, running.value.error_code) == (400, "BackupService.2008")
    alice.call("POST", alice.ecs(f"/servers/{server['id']}/action"), {"os-stop": None})
    fast.advance(1)
    conforms(client.restore_backup(m.RestoreBackupRequest(backup_id=shown["id"], body=m.BackupRestoreReq(
        restore=whole))))
    fast.advance(1)
    assert [fast.disk(d["id"]) for d in disks] == [{"0": "data"}, {"0": "log"}, {"0": "overwritten"}]
    assert alice.call("GET", alice.ecs(f"/servers/{server['id']}")).body["server"]["status"] == "ACTIVE"
