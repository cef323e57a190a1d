"""Fixtures: one real emulator per test worker, reset before every test."""

from __future__ import annotations

import pytest

from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token

CONFIG = Config.load()
TENANT_A, TENANT_B = CONFIG.tenants[0], CONFIG.tenants[1]


class Tenant:
    """A logged-in seeded tenant, with helpers for its EVS and compute paths."""

    def __init__(self, base_url: str, cloud: str):
        self.base_url = base_url
        self.token, self.project_id = tenant_token(base_url, cloud, CONFIG)

    def evs(self, path: str, version: str = "v2") -> str:
        return f"{self.base_url}/evs/{version}/{self.project_id}{path}"

    def ecs(self, path: str) -> str:
        return f"{self.base_url}/ecs/v2.1/{self.project_id}{path}"

    def call(self, method: str, url: str, body=None, headers=None):
        return http(method, url, body, {"X-Auth-Token": self.token, **(headers or {})})

    # -- shortcuts used by many tests ---------------------------------
    def create_volume(self, size: int = 10, zone: str = "eu-de-01", **fields) -> dict:
        answer = self.call("POST", self.evs("/volumes"), {"volume": {"size": size, "availability_zone": zone,
                                                                     **fields}})
        assert answer.status == 202, answer.body
        return answer.body["volume"]

    def volume(self, volume_id: str) -> dict:
        answer = self.call("GET", self.evs(f"/volumes/{volume_id}"))
        assert answer.status == 200, answer.body
        return answer.body["volume"]

    def create_snapshot(self, volume_id: str, **fields) -> dict:
        answer = self.call("POST", self.evs("/snapshots"), {"snapshot": {"volume_id": volume_id, **fields}})
        assert answer.status == 202, answer.body
        return answer.body["snapshot"]

    def snapshot(self, snapshot_id: str) -> dict:
        answer = self.call("GET", self.evs(f"/snapshots/{snapshot_id}"))
        assert answer.status == 200, answer.body
        return answer.body["snapshot"]

    def create_server(self, name: str = "srv", zone: str = "eu-de-01") -> dict:
        answer = self.call("POST", self.ecs("/servers"), {"server": {"name": name, "availability_zone": zone,
                                                                     "flavorRef": "s3.medium.1", "imageRef": "x"}})
        assert answer.status == 202, answer.body
        return answer.body["server"]


@pytest.fixture(scope="session")
def emulator_process(tmp_path_factory):
    process = EmulatorProcess(state_dir=tmp_path_factory.mktemp("emulator-state"))
    process.start()
    yield process
    process.cleanup()


@pytest.fixture
def base_url(emulator_process) -> str:
    return emulator_process.base_url


@pytest.fixture
def admin(emulator_process):
    client = emulator_process.admin()
    client.reset()
    return client


@pytest.fixture
def fast(admin):
    """Every operation completes as soon as the clock is read again."""
    admin.zero_timings()
    return admin


@pytest.fixture
def alice(admin, base_url) -> Tenant:
    return Tenant(base_url, TENANT_A.cloud)


@pytest.fixture
def bob(admin, base_url) -> Tenant:
    return Tenant(base_url, TENANT_B.cloud)
