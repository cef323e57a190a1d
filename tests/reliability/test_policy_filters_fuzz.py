"""Property-based bad input for the policy filters (plugins/filter): a policy, a retention, an RPO
or a list of copies that is wrong in any way is refused with AnsibleFilterError (a message for
the user), never a Python error from deep inside (TypeError, KeyError, AttributeError...).

Inputs are the example policies of docs/policies with one value anywhere replaced by an arbitrary
one (a wrong type, a negative number, unicode, an empty container), and arbitrary JSON-like
values in each argument.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, SOURCE_TREE, record_figures

if str(SOURCE_TREE) not in sys.path:
    sys.path.insert(0, str(SOURCE_TREE))

from ansible.errors import AnsibleFilterError  # noqa: E402

FILTERS = {}
for path in sorted((REPO / "plugins" / "filter").glob("*.py")):
    module = importlib.import_module(f"ansible_collections.dataprotection.evs.plugins.filter.{path.stem}")
    FILTERS.update(module.FilterModule().filters())

POLICIES = [yaml.safe_load(p.read_text())["dr_policy"] for p in sorted((REPO / "docs" / "policies").glob("*.yml"))]
NOW = "2026-06-01T10:00:00Z"
DISKS = [{"id": "d1", "name": "db01", "availability_zone": "eu-de-01", "metadata": {"tier": "gold"}, "size": 10,
          "status": "available"}]
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
TRIED = {"count": 0}

leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                 st.sampled_from(["0", "-1m", "15x", "1y", "P1D", "eu-de-99", "", " ", "∞", "1e400"]))
json_like = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                         max_leaves=8)


def paths(value, prefix=()):
    """Every place in a nested value (dict keys and list positions)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


def replaced(value, path, new):
    if not path:
        return new
    value = copy.deepcopy(value)
    target = value
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return value


@st.composite
def broken_policies(draw):
    policy = draw(st.sampled_from(POLICIES))
    path = draw(st.sampled_from(list(paths(policy))))
    return replaced(policy, path, draw(json_like))


def call_cleanly(name, *args, **kwargs):
    """The filter either answers or refuses with AnsibleFilterError."""
    TRIED["count"] += 1
    try:
        FILTERS[name](*args, **kwargs)
    except AnsibleFilterError as exc:
        assert str(exc).strip()
    except Exception as exc:  # noqa: BLE001 - the property: nothing else escapes
        pytest.fail(f"{name} raised {type(exc).__name__}: {exc}")


@pytest.fixture(scope="module", autouse=True)
def count_the_bad_inputs_tried():
    yield
    record_figures("bad-input-policy-filters", bad_inputs=TRIED["count"])


def test_the_example_policies_are_valid():
    assert POLICIES and all(FILTERS["dr_policy"](p)["name"] for p in POLICIES)


@settings(max_examples=150, **SETTINGS)
@given(policy=st.one_of(broken_policies(), json_like))
def test_dr_policy_refuses_a_broken_policy_cleanly(policy):
    call_cleanly("dr_policy", policy)


@settings(max_examples=60, **SETTINGS)
@given(policy=broken_policies(), mechanism=st.sampled_from(["snapshot", "backup", "replication", "tape", 3]))
def test_dr_policy_targets_refuses_a_broken_policy_cleanly(policy, mechanism):
    call_cleanly("dr_policy_targets", DISKS, policy, NOW, mechanism)


@settings(max_examples=60, **SETTINGS)
@given(disks=st.one_of(json_like, st.just(DISKS)), tier=json_like, policy=st.one_of(st.none(), broken_policies()))
def test_dr_policy_disks_refuses_bad_arguments_cleanly(disks, tier, policy):
    call_cleanly("dr_policy_disks", disks, tier, policy)


@settings(max_examples=60, **SETTINGS)
@given(now=st.one_of(json_like, st.datetimes().map(lambda d: d.isoformat())), rpo=json_like)
def test_rpo_slot_refuses_bad_arguments_cleanly(now, rpo):
    call_cleanly("rpo_slot", now, rpo)


@settings(max_examples=80, **SETTINGS)
@given(copies=st.one_of(json_like, st.lists(st.fixed_dictionaries(
           {"id": st.text(max_size=4), "volume_id": st.sampled_from(["d1", "d2"]),
            "created_at": st.one_of(st.just("2026-05-31T10:00:00Z"), st.text(max_size=12)),
            "status": st.sampled_from(["available", "error", "creating"])}), max_size=4)),
       retention=json_like, now=st.one_of(st.just(NOW), json_like))
def test_retention_plan_refuses_bad_arguments_cleanly(copies, retention, now):
    call_cleanly("retention_plan", copies, retention, now, policy="gold")


@settings(max_examples=40, **SETTINGS)
@given(copies=json_like, before=json_like)
def test_dr_restore_point_refuses_bad_arguments_cleanly(copies, before):
    call_cleanly("dr_restore_point", copies, before, NOW)


@settings(max_examples=40, **SETTINGS)
@given(policy=broken_policies(), snapshots=json_like)
def test_dr_audit_refuses_bad_arguments_cleanly(policy, snapshots):
    call_cleanly("dr_audit", DISKS, policy, NOW, snapshots=snapshots)


@given(targets=json_like, snapshots=json_like, state=st.one_of(st.sampled_from(["present", "absent"]), json_like))
def test_dr_snapshot_batch_refuses_bad_arguments_cleanly(targets, snapshots, state):
    call_cleanly("dr_snapshot_batch", targets, snapshots, state=state)


@given(policy=broken_policies(), vaults=json_like, backups=json_like, backend=json_like)
def test_dr_policy_backups_refuses_bad_arguments_cleanly(policy, vaults, backups, backend):
    call_cleanly("dr_policy_backups", DISKS, policy, NOW, vaults=vaults, backups=backups, backend=backend)


@given(policy=broken_policies(), groups=json_like, pairs=json_like)
def test_dr_policy_replication_refuses_bad_arguments_cleanly(policy, groups, pairs):
    call_cleanly("dr_policy_replication", DISKS, policy, groups=groups, pairs=pairs)


@given(disk=st.one_of(json_like, st.sampled_from(DISKS)), snapshots=json_like, backups=json_like, before=json_like,
       zones=json_like, source=json_like)
def test_dr_restore_plan_refuses_bad_arguments_cleanly(disk, snapshots, backups, before, zones, source):
    call_cleanly("dr_restore_plan", disk, snapshots=snapshots, backups=backups, before=before, now=NOW,
                 zones=zones, source=source)


@given(zones=json_like)
def test_dr_audit_refuses_bad_zones_cleanly(zones):
    call_cleanly("dr_audit", DISKS, FILTERS["dr_policy"](POLICIES[0]), NOW, zones=zones)


@settings(max_examples=150, **SETTINGS)
@given(selector=st.one_of(json_like, st.fixed_dictionaries({}, optional={
    "metadata": json_like, "names": json_like, "ids": json_like, "all_disks": json_like})),
    disks=st.one_of(st.just(DISKS), json_like), pairs=json_like)
def test_dr_select_disks_refuses_bad_selectors_disks_and_pairs_cleanly(selector, disks, pairs):
    call_cleanly("dr_select_disks", disks, selector, pairs=pairs)


@settings(max_examples=100, **SETTINGS)
@given(pairs=json_like)
def test_the_selecting_filters_refuse_bad_pairs_cleanly(pairs):
    policy = FILTERS["dr_policy"](POLICIES[0])
    call_cleanly("dr_policy_targets", DISKS, policy, NOW, pairs=pairs)
    call_cleanly("dr_policy_disks", DISKS, policy["tiers"][0], policy, pairs=pairs)
    call_cleanly("dr_policy_backups", DISKS, policy, NOW, pairs=pairs)
    call_cleanly("dr_audit", DISKS, policy, NOW, pairs=pairs)


@settings(max_examples=100, **SETTINGS)
@given(disks=st.one_of(st.just(DISKS), json_like), drills=json_like, disks_of=json_like, groups=json_like,
       now=st.one_of(st.just(NOW), json_like), lease=json_like)
def test_dr_drill_marked_refuses_bad_arguments_cleanly(disks, drills, disks_of, groups, now, lease):
    call_cleanly("dr_drill_marked", disks, drills=drills, disks_of=disks_of, groups=groups, now=now, lease=lease)


@settings(max_examples=100, **SETTINGS)
@given(pairs=json_like, disks=st.one_of(st.just(DISKS), json_like), serving_az=json_like)
def test_dr_failover_metadata_refuses_bad_arguments_cleanly(pairs, disks, serving_az):
    call_cleanly("dr_failover_metadata", pairs, disks, serving_az)


@settings(max_examples=100, **SETTINGS)
@given(names=st.one_of(json_like, st.lists(st.sampled_from(["restore_disk", "restore_dsik", "restore_", "x"]))),
       role_path=st.one_of(st.just(str(REPO / "roles" / "restore")), json_like), prefix=json_like)
def test_dr_role_variables_refuses_bad_arguments_cleanly(names, role_path, prefix):
    call_cleanly("dr_role_variables", names, role_path, prefix=prefix)


GROUPS = [{"id": "g1", "name": "shop-gold", "status": "protected", "priority_station": "source",
           "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02", "replication_num": 1}]


@st.composite
def broken_records(draw, records):
    """``records`` with one value anywhere replaced by an arbitrary one."""
    path = draw(st.sampled_from(list(paths(records))))
    return replaced(records, path, draw(json_like))


@settings(max_examples=200, **SETTINGS)
@given(groups=st.one_of(broken_records(GROUPS), json_like), name=st.one_of(st.just("shop-gold"), json_like),
       action=st.one_of(st.sampled_from(["planned", "failover", "failback", "reprotect"]), json_like), confirm=json_like,
       zones=st.one_of(st.just({"eu-de-01": False}), json_like))
def test_dr_failover_plan_refuses_bad_arguments_cleanly(groups, name, action, confirm, zones):
    call_cleanly("dr_failover_plan", groups, name, action, confirm, zones)


@settings(max_examples=100, **SETTINGS)
@given(group=st.one_of(st.just(""), json_like), action=st.one_of(st.just("planned"), json_like),
       policy=st.one_of(broken_records({"name": "shop", "tiers": [{"name": "gold", "secondary_az": "eu-de-02"}]}),
                        json_like), tier=st.one_of(st.just(""), json_like))
def test_dr_failover_group_refuses_bad_arguments_cleanly(group, action, policy, tier):
    call_cleanly("dr_failover_group", group, action, policy=policy, tier=tier)


FAILOVER_READ = {"cloud_time": NOW, "protection_groups": GROUPS}


@settings(max_examples=200, **SETTINGS)
@given(plan=st.one_of(broken_records(FILTERS["dr_failover_plan"](GROUPS, "shop-gold", "planned", True)[0]), json_like),
       before=st.one_of(broken_records(FAILOVER_READ), json_like), after=st.one_of(broken_records(FAILOVER_READ), json_like),
       switch=st.one_of(broken_records({"changed": True, "protection_group": GROUPS[0]}), json_like),
       metadata=st.one_of(broken_records({"results": [{"changed": True, "item": {"disk": "d1"}}]}), json_like),
       check_mode=json_like)
def test_dr_failover_report_refuses_bad_arguments_cleanly(plan, before, after, switch, metadata, check_mode):
    call_cleanly("dr_failover_report", plan, before, after, switch=switch, metadata=metadata, check_mode=check_mode)


RESTORE_PLAN = {"mechanism": "snapshot", "action": "rollback", "target": "original", "record": "restore",
                "source_copy": {"id": "s1", "name": "snap-01", "created": NOW}, "availability_zone": "eu-de-01",
                "disk_zone_up": True, "new_disk_name": "db01-restored", "notes": ["a note"], "copy_age_seconds": 5}


@settings(max_examples=200, **SETTINGS)
@given(plan=st.one_of(broken_records(RESTORE_PLAN), broken_records(dict(RESTORE_PLAN, target="new")), json_like),
       disk=st.one_of(broken_records(dict(DISKS[0], attachments=[{"server_id": "s", "device": "/dev/vdb"}])), json_like),
       existing=st.one_of(broken_records([{"name": "db01-restored", "metadata": {"dp_evs_restored_from": "s1"}}]),
                          json_like),
       confirm=json_like, detach=json_like)
def test_dr_restore_step_refuses_bad_arguments_cleanly(plan, disk, existing, confirm, detach):
    call_cleanly("dr_restore_step", plan, disk, existing=existing, confirm=confirm, detach=detach)


@settings(max_examples=200, **SETTINGS)
@given(names=st.one_of(st.lists(st.sampled_from(["snapshot", "backup", "replication", "../../etc/x", "{{ 7 }}", ""])),
                       json_like))
def test_dr_mechanisms_refuses_bad_names_cleanly(names):
    # the names pick the protect role's task files: anything the registry does not have is refused
    call_cleanly("dr_mechanisms", names)


@settings(max_examples=200, **SETTINGS)
@given(name=json_like, made=st.one_of(json_like, st.fixed_dictionaries({"results": json_like}),
                                      st.fixed_dictionaries({"predicted_ref": json_like})))
def test_predicted_ref_refuses_bad_results_cleanly(name, made):
    # a registered result of any shape, a name of any type: a name or a placeholder, or a refusal
    call_cleanly("predicted_ref", name, made)


@settings(max_examples=200, **SETTINGS)
@given(source=st.one_of(st.sampled_from(["auto", "snapshot", "backup", "replication", "tape"]), json_like),
       zone_up=json_like, other_region=json_like, disk=json_like)
def test_dr_restore_request_refuses_bad_arguments_cleanly(source, zone_up, other_region, disk):
    call_cleanly("dr_restore_request", source, zone_up=zone_up, other_region=other_region, disk=disk)


@settings(max_examples=200, **SETTINGS)
@given(sources=st.one_of(st.lists(st.sampled_from(["snapshot", "backup", "replication", "region_replication", ""])),
                         json_like),
       disks=json_like, inventory=json_like, policy=json_like, tiers=json_like)
def test_dr_drill_request_refuses_bad_arguments_cleanly(sources, disks, inventory, policy, tiers):
    call_cleanly("dr_drill_request", sources, disks=disks, inventory=inventory, policy=policy, tiers=tiers)


def test_every_filter_is_fuzzed():
    fuzzed = {"dr_mechanisms", "dr_policy", "dr_policy_targets", "dr_policy_disks", "rpo_slot", "retention_plan",
              "dr_restore_point", "dr_audit", "dr_snapshot_batch", "dr_policy_backups", "dr_policy_replication",
              "dr_restore_plan", "dr_select_disks", "dr_drill_marked", "dr_failover_metadata", "dr_role_variables",
              "dr_failover_plan", "dr_restore_step", "dr_failover_group", "dr_failover_report",
              "dr_policy_region", "dr_region_restore_plan", "dr_region_drill_plan", "dr_region_drill_result",
              "dr_region_drill_cleanup", "dr_app_consistency", "dr_region_drill_tiers",
              "dr_region_tier_disks", "dr_recovery_plan", "dr_recovery_plan_report", "dr_recovery_plan_html",
              "dr_recovery_plan_history", "predicted_ref", "dr_policy_servers", "dr_restore_request",
              "dr_drill_request"}
    # dr_audit_html renders a report dr_audit made; it is not given user input directly
    assert set(FILTERS) - fuzzed <= {"dr_audit_html"}, set(FILTERS) - fuzzed
    assert datetime  # the module is used by the strategies above


# The region filters: the records are replicas and backups as backup_replica_info and backup_info
# return them, one value anywhere replaced, or arbitrary values in every argument.
REPLICAS = [{"id": "r1", "name": "db01-daily", "status": "available", "disk_id": "d1", "resource_id": "d1",
             "created_at": NOW, "image_type": "replication", "source_backup_id": "b1", "vault_id": "v2",
             "source_region": "eu-de", "size": 10}]
BACKUPS = [{"id": "b1", "name": "db01-daily", "status": "available", "disk_id": "d1", "created_at": NOW,
            "vault_id": "v1", "size": 10}]
ZONES = {"eu-nl-01": True}
REGION_POLICY = {"name": "shop", "tiers": [{"name": "gold", "selector": {"tier": "gold"}, "rpo": "1d", "failure": "region",
                                            "destination_region": "eu-nl", "retention": {"daily": 7}}]}


@settings(max_examples=150, **SETTINGS)
@given(disks=st.one_of(broken_records(DISKS), json_like), policy=st.one_of(broken_records(REGION_POLICY), json_like),
       now=st.one_of(st.just(NOW), json_like), backups=st.one_of(broken_records(BACKUPS), json_like),
       replicas=st.one_of(broken_records(REPLICAS), json_like), vaults=json_like, records=json_like)
def test_dr_policy_region_refuses_bad_arguments_cleanly(disks, policy, now, backups, replicas, vaults, records):
    call_cleanly("dr_policy_region", disks, policy, now, backups=backups, replicas=replicas, vaults=vaults,
                 records=records)


@settings(max_examples=150, **SETTINGS)
@given(disk=st.one_of(broken_records(DISKS[0]), json_like), replicas=st.one_of(broken_records(REPLICAS), json_like),
       region=st.one_of(st.just("eu-nl"), json_like), now=st.one_of(st.just(NOW), json_like),
       zones=st.one_of(st.just(ZONES), json_like), before=json_like, zone=json_like, name=json_like, onto=json_like,
       request_id=json_like)
def test_dr_region_restore_plan_refuses_bad_arguments_cleanly(disk, replicas, region, now, zones, before, zone, name,
                                                              onto, request_id):
    call_cleanly("dr_region_restore_plan", disk, replicas, region, now, zones, before, zone, name, onto, request_id)


@settings(max_examples=150, **SETTINGS)
@given(disks=st.one_of(broken_records(DISKS), json_like), replicas=st.one_of(broken_records(REPLICAS), json_like),
       backups=st.one_of(broken_records(BACKUPS), json_like), now=st.one_of(st.just(NOW), json_like),
       run=st.one_of(st.just("r1"), json_like), zones=st.one_of(st.just(ZONES), json_like), zone=json_like)
def test_dr_region_drill_plan_refuses_bad_arguments_cleanly(disks, replicas, backups, now, run, zones, zone):
    call_cleanly("dr_region_drill_plan", disks, replicas, backups, now, run, zones, zone)


@settings(max_examples=150, **SETTINGS)
@given(job=json_like, scratch=json_like, started=st.one_of(st.just(NOW), json_like),
       finished=st.one_of(st.just(NOW), json_like), checksums=json_like, error=json_like, check_mode=json_like)
def test_dr_region_drill_result_refuses_bad_arguments_cleanly(job, scratch, started, finished, checksums, error,
                                                              check_mode):
    call_cleanly("dr_region_drill_result", job, scratch, started, finished, checksums, error, check_mode)


@settings(max_examples=150, **SETTINGS)
@given(results=json_like, found=json_like, left=json_like, error=json_like, check_mode=json_like)
def test_dr_region_drill_cleanup_refuses_bad_arguments_cleanly(results, found, left, error, check_mode):
    call_cleanly("dr_region_drill_cleanup", results, found, left, error, check_mode)


APP_POLICY = {"name": "shop", "tiers": [{"name": "db", "selector": {"tier": "gold"}, "rpo": "1h", "failure": "disk",
                                         "retention": {"hourly": 24},
                                         "app_consistency": {"max_freeze": "30s", "servers": [
                                             {"server": "srv-db", "quiesce": "fsfreeze -f /data",
                                              "resume": "fsfreeze -u /data"}]}}]}
ATTACHED = [dict(DISKS[0], attachments=[{"server_id": "srv-db", "device": "/dev/vdb"}])]


@settings(max_examples=150, **SETTINGS)
@given(batch=st.one_of(broken_records([{"disk": "d1", "tier": "db", "name": "db01-snap",
                                        "metadata": {"dp_evs_policy": "shop", "dp_evs_tier": "db"}}]), json_like),
       policy=st.one_of(broken_records(APP_POLICY), json_like), disks=st.one_of(broken_records(ATTACHED), json_like),
       run_id=json_like)
def test_dr_app_consistency_refuses_bad_arguments_cleanly(batch, policy, disks, run_id):
    call_cleanly("dr_app_consistency", batch, policy, disks, run_id)


@settings(max_examples=150, **SETTINGS)
@given(disks=st.one_of(broken_records(DISKS), json_like), policy=st.one_of(broken_records(REGION_POLICY), json_like),
       tiers=json_like, connections=st.one_of(st.just({"eu-nl": {"cloud": "tenant-a-eu-nl"}}), json_like),
       destination=json_like, pairs=json_like)
def test_dr_region_drill_tiers_refuses_bad_arguments_cleanly(disks, policy, tiers, connections, destination, pairs):
    call_cleanly("dr_region_drill_tiers", disks, policy, tiers, connections, destination, pairs)


@settings(max_examples=150, **SETTINGS)
@given(replicas=st.one_of(broken_records(REPLICAS), json_like), vault=st.one_of(st.just("shop-gold"), json_like),
       region=st.one_of(st.just("eu-nl"), json_like))
def test_dr_region_tier_disks_refuses_bad_arguments_cleanly(replicas, vault, region):
    call_cleanly("dr_region_tier_disks", replicas, vault, region)


# Recovery plans: the declared plan as the worked example has it, one value anywhere replaced; the
# role's group records and the report it builds from them, likewise.
PLAN = {"name": "shop", "groups": [
    {"name": "database", "tier": "gold", "pre": [{"host": "db1", "test_host": "db1", "command": "true"}],
     "wait": {"host": "db1", "test_host": "db1", "port": 5432, "timeout": 60}},
    {"name": "app", "after": ["database"], "disks": ["app-data"],
     "post": [{"host": "app1", "test_host": "app1", "tasks": "start.yml"}],
     "wait": {"url": "http://app1/health", "test_url": "http://app1/health"}}]}
PLAN_HOSTS = ["db1", "app1"]
PLAN_RUNS = [{"name": "database", "started": 1780000000.5, "ended": 1780000010, "ok": True, "switched": [],
              "hooks": [{"phase": "pre", "host": "db1", "kind": "command", "run": "true", "ok": True, "seconds": 0.1}],
              "wait": {"target": "port 5432 on db1", "ok": True, "seconds": 1},
              "copies": [{"disk": "db-data", "copy": "s", "copy_id": "s1", "copy_created": NOW, "copy_age_seconds": "60",
                          "restored_disk": {"name": "x"}}]}]


@settings(max_examples=200, **SETTINGS)
@given(plan=st.one_of(broken_records(PLAN), json_like),
       mode=st.one_of(st.sampled_from(["restore", "failover", "test"]), json_like), confirm=json_like,
       hosts=st.one_of(st.just(PLAN_HOSTS), json_like), policy=st.one_of(st.just(REGION_POLICY), json_like),
       check_mode=json_like)
def test_dr_recovery_plan_refuses_bad_arguments_cleanly(plan, mode, confirm, hosts, policy, check_mode):
    call_cleanly("dr_recovery_plan", plan, mode, confirm=confirm, hosts=hosts, policy=policy, check_mode=check_mode)


CHECKED_PLAN = FILTERS["dr_recovery_plan"](PLAN, "test", hosts=PLAN_HOSTS, policy=REGION_POLICY)


@settings(max_examples=200, **SETTINGS)
@given(runs=st.one_of(broken_records(PLAN_RUNS), json_like), plan=st.one_of(broken_records(CHECKED_PLAN), json_like),
       started=st.one_of(st.just(1780000000), json_like), ended=st.one_of(st.just(1780000011), json_like),
       failure=json_like, cleanup=st.one_of(st.just({"removed": ["x"], "left": []}), json_like))
def test_dr_recovery_plan_report_refuses_bad_arguments_cleanly(runs, plan, started, ended, failure, cleanup):
    call_cleanly("dr_recovery_plan_report", runs, plan, started, ended, failure=failure, cleanup=cleanup)


@settings(max_examples=200, **SETTINGS)
@given(report=st.one_of(broken_records(FILTERS["dr_recovery_plan_report"](PLAN_RUNS, CHECKED_PLAN, 1780000000, 1780000011)),
                        json_like))
def test_dr_recovery_plan_html_refuses_bad_arguments_cleanly(report):
    call_cleanly("dr_recovery_plan_html", report)


@settings(max_examples=200, **SETTINGS)
@given(history=st.one_of(st.lists(json_like).map(lambda lines: "\n".join(map(json.dumps, lines))), json_like))
def test_dr_recovery_plan_history_refuses_bad_arguments_cleanly(history):
    call_cleanly("dr_recovery_plan_history", history)


# The server tiers' plan: servers as server_info returns them, the policy checked by dr_policy, one
# value anywhere replaced, or arbitrary values in every argument.
SERVER_POLICY = {"name": "shop", "tiers": [{"name": "db", "failure": "az", "rpo": "1d", "retention": {"last": 3},
                                            "servers": {"metadata": {"app": "db"}},
                                            "app_consistency": {"max_freeze": "10s", "servers": [
                                                {"server": "db01", "quiesce": "q", "resume": "r"}]}}]}
SERVERS = [{"id": "s1", "name": "db01", "status": "ACTIVE", "metadata": {"app": "db"}, "disk_ids": ["d1"]}]
SERVER_BACKUPS = [{"id": "b1", "name": "shop-db-x", "disk_id": "s1", "status": "available", "created_at": NOW,
                   "resource_type": "OS::Nova::Server", "children": [{"id": "c1", "disk_id": "d1"}]}]


@settings(max_examples=150, **SETTINGS)
@given(servers=st.one_of(broken_records(SERVERS), json_like), disks=st.one_of(broken_records(DISKS), json_like),
       policy=st.one_of(broken_records(SERVER_POLICY), json_like),
       backups=st.one_of(broken_records(SERVER_BACKUPS), json_like), vaults=json_like, run_id=json_like)
def test_dr_policy_servers_refuses_bad_arguments_cleanly(servers, disks, policy, backups, vaults, run_id):
    checked = FILTERS["dr_policy"](policy, errors="return") if isinstance(policy, dict) else policy
    call_cleanly("dr_policy_servers", servers, disks, checked, NOW, vaults=vaults, backups=backups, run_id=run_id)
