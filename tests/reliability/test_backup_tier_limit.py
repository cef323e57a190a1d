"""A CBR backup tier larger than a vault: a vault holds at most 256 disks (BackupService.6100),
and the backup_policy role keeps a tier's disks in one vault. A tier of 257 disks is refused
before any change, in check mode too, naming the limit; before, the role made the tier's CBR
policy and then failed on the vault. At 256 disks the plan goes through (a check run: it sends
nothing). The disks are made 100 at a time by the vendor batch API, on an emulator without
quotas (its default allows 50 disks)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conftest import CONFIG, REPO, Cloud, clouds_yaml, run_playbook
from evs_emulator.testing import EmulatorProcess

PLAYBOOK = REPO / "tests" / "reliability" / "playbooks" / "backup_tier.yml"
LIMIT = 256


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """An emulator holding LIMIT + 1 disks with backup=daily; the clouds.yaml the runs use."""
    tmp_path = tmp_path_factory.mktemp("backup-tier")
    data = copy.deepcopy(CONFIG.data)
    data["quotas"] = {name: -1 for name in data["quotas"]}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data))
    process = EmulatorProcess(state_dir=tmp_path / "emulator", config=config).start()
    try:
        admin = process.admin()
        admin.zero_timings()
        cloud = Cloud(process.base_url)
        ids = []
        for first in range(0, LIMIT + 1, 100):
            count = min(100, LIMIT + 1 - first)
            answer = cloud.call("POST", f"{process.base_url}/evs/v2.1/{cloud.project_id}/cloudvolumes", {"volume": {
                "name": f"bt-{first // 100}", "size": 10, "availability_zone": "eu-de-01",
                "metadata": {"backup": "daily"}, **({"count": count} if count > 1 else {})}})
            assert answer.status == 202, answer.body
            ids += answer.body["volume_ids"]
        process.ids = ids
        process.env = {"OS_CLOUD": "tenant-a",
                       "OS_CLIENT_CONFIG_FILE": str(clouds_yaml(process.base_url, tmp_path / "clouds.yaml"))}
        yield process
    finally:
        process.kill()


def apply(estate, tmp_path: Path, *args: str) -> tuple[int, str, list]:
    """Run the playbook; its return code, output and the mutating requests it sent."""
    admin = estate.admin()
    mark = max([r["seq"] for r in admin.requests()] or [0])
    rc, output = run_playbook(PLAYBOOK, env=estate.env, scratch=tmp_path, extra_args=list(args))
    return rc, output, [f"{r['method']} {r['path']}" for r in admin.requests(since_seq=mark, mutating=True)]


@pytest.mark.parametrize("mode", [[], ["--check"]], ids=["real", "check"])
def test_a_tier_of_more_disks_than_a_vault_holds_is_refused_before_any_change(estate, tmp_path, mode):
    rc, output, sent = apply(estate, tmp_path, *mode)
    assert rc != 0, output[-3000:]
    assert ("tier 'daily' selects 257 disks, more than the 256 a CBR vault holds (a tier keeps its backups in one "
            "vault, <policy>-<tier>); split it into tiers of at most 256 disks each") in output, output[-3000:]
    assert sent == []


def test_a_tier_of_as_many_disks_as_a_vault_holds_is_planned(estate, tmp_path):
    cloud = Cloud(estate.base_url)
    answer = cloud.call("DELETE", cloud.evs(f"/volumes/{estate.ids[-1]}"))
    assert answer.status == 202, answer.body
    rc, output, sent = apply(estate, tmp_path, "--check")
    assert rc == 0, output[-3000:]
    assert sent == []
    assert "localhost                  : ok=" in output
