"""test_replication_faults.py for backup_replica_batch: the backups replicated to another region
by one module call under about 30% injected faults (lost answers of the CopyBackup requests
included) end with exactly one replica per backup in the destination region, no orphan, no failed
copy; a rerun under other faults changes nothing and sends no mutating request."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import clouds_yaml, run_playbook
from test_faults_random import FAULT_KINDS
from test_replication_faults import prepare, regions, replication_state  # noqa: F401 (fixture)

PLAYBOOK = Path(__file__).parent / "playbooks" / "replicate_batch.yml"
# one call sends 8 CopyBackups, not one per module run: a seed whose faults lose the answer of one
BATCH_SEED = 20261208


def replicate(emulator, tmp_path: Path, names: list[str], seed: int) -> tuple[int, str, dict]:
    admin = emulator.admin()
    admin.seed_faults(seed)
    for _, rule in FAULT_KINDS:
        admin.add_fault(**rule)
    env = {"OS_CLIENT_CONFIG_FILE": str(clouds_yaml(emulator.base_url, tmp_path / "clouds.yaml")),
           "OS_CLOUD": "tenant-a"}
    status, output = run_playbook(PLAYBOOK, {"rr_backups": [{"backup": name} for name in names]}, env=env,
                                  scratch=tmp_path)
    rules = admin.faults()
    admin.clear_faults()
    return status, output, {kind: rule["hits"] for (kind, _), rule in zip(FAULT_KINDS, rules)}


def test_one_batch_under_30_percent_faults_makes_one_replica_per_backup_and_a_rerun_changes_nothing(regions, tmp_path):
    names = prepare(regions)
    admin = regions.admin()
    admin.clear_requests()
    status, output, hits = replicate(regions, tmp_path, names, BATCH_SEED)
    assert status == 0, f"seed {BATCH_SEED}: faults {hits}\n" + output[-6000:]
    assert hits["lost answer of a change"] > 0, hits  # a CopyBackup carried out whose answer was lost

    state = replication_state(regions)
    assert sorted(state["records"]) == sorted(names)
    assert all(len(copies) == 1 for copies in state["records"].values()), state["records"]
    named = sorted(copies[0] for copies in state["records"].values())
    assert sorted(state["replicas"]) == named, "a replica no backup's record names (an orphan), or one missing"
    assert set(state["replicas"].values()) == {"available"}, state["replicas"]
    assert state["failed"] == []

    mark = max(r["seq"] for r in admin.requests())
    status, output, hits = replicate(regions, tmp_path, names, BATCH_SEED + 1)
    assert status == 0, f"seed {BATCH_SEED + 1}: rerun\n" + output[-6000:]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", output), output[-3000:]
    mutating = [f"{r['method']} {r['path']}" for r in admin.requests(mutating=True, since_seq=mark)]
    assert mutating == [], f"the rerun sent {mutating}"
    assert replication_state(regions) == state
