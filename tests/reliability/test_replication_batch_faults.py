"""test_replication_faults.py for backup_replica_batch: the backups replicated to another region
by one module call under about 30% injected faults (lost answers of the CopyBackup requests
included) end with exactly one replica per backup in the destination region, no orphan, no failed
copy; a rerun under other faults changes nothing and sends no mutating request."""

from __future__ import annotations

from pathlib import Path

from test_faults_random import assert_rerun_changed_nothing
from test_replication_faults import assert_one_replica_per_backup, prepare, regions, replication_state  # noqa: F401
from test_replication_faults import replicate as replicate_one_by_one

PLAYBOOK = Path(__file__).parent / "playbooks" / "replicate_batch.yml"
# one call sends 8 CopyBackups, not one per module run: a seed whose faults lose the answer of one
BATCH_SEED = 20261208


def replicate(emulator, tmp_path: Path, names: list[str], seed: int) -> tuple[int, str, dict]:
    return replicate_one_by_one(emulator, tmp_path, names, seed, playbook=PLAYBOOK,
                                backups=[{"backup": name} for name in names])


def test_one_batch_under_30_percent_faults_makes_one_replica_per_backup_and_a_rerun_changes_nothing(regions, tmp_path):
    names = prepare(regions)
    admin = regions.admin()
    admin.clear_requests()
    status, output, hits = replicate(regions, tmp_path, names, BATCH_SEED)
    assert status == 0, f"seed {BATCH_SEED}: faults {hits}\n" + output[-6000:]
    assert hits["lost answer of a change"] > 0, hits  # a CopyBackup carried out whose answer was lost

    state = assert_one_replica_per_backup(regions, names)

    mark = max(r["seq"] for r in admin.requests())
    status, output, hits = replicate(regions, tmp_path, names, BATCH_SEED + 1)
    assert_rerun_changed_nothing(admin, mark, status, output, BATCH_SEED + 1)
    assert replication_state(regions) == state
