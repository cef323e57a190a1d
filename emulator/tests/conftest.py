"""Fixtures: one real emulator per test worker, reset before every test."""

from __future__ import annotations

import pytest

from evs_emulator.config import Config
from evs_emulator.conformance import use_clouds_yaml
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

    def expect(self, status: int, key: str, method: str, url: str, body=None):
        """The answer's `key`, after checking that the call answered `status`."""
        answer = self.call(method, url, body)
        assert answer.status == status, answer.body
        return answer.body[key]

    # -- shortcuts used by many tests ---------------------------------
    def create_volume(self, size: int = 10, zone: str = "eu-de-01", **fields) -> dict:
        volume = {"size": size, "availability_zone": zone, **fields}
        return self.expect(202, "volume", "POST", self.evs("/volumes"), {"volume": volume})

    def volume(self, volume_id: str) -> dict:
        return self.expect(200, "volume", "GET", self.evs(f"/volumes/{volume_id}"))

    def create_snapshot(self, volume_id: str, **fields) -> dict:
        snapshot = {"volume_id": volume_id, **fields}
        return self.expect(202, "snapshot", "POST", self.evs("/snapshots"), {"snapshot": snapshot})

    def snapshot(self, snapshot_id: str) -> dict:
        return self.expect(200, "snapshot", "GET", self.evs(f"/snapshots/{snapshot_id}"))

    def create_server(self, name: str = "srv", zone: str = "eu-de-01") -> dict:
        server = {"name": name, "availability_zone": zone, "flavorRef": "s3.medium.1", "imageRef": "x"}
        return self.expect(202, "server", "POST", self.ecs("/servers"), {"server": server})


def available_volume(admin, tenant, blocks=None, **fields) -> dict:
    """A new volume of `tenant`, once available, holding `blocks` (admin.write_disk) when given."""
    volume = tenant.create_volume(**fields)
    admin.advance(3600)
    if blocks:
        admin.write_disk(volume["id"], blocks)
    return tenant.volume(volume["id"])


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


@pytest.fixture
def conn(fast, base_url, tmp_path, monkeypatch):
    """Tenant A's openstacksdk connection (clouds.yaml as `evs-emulator clouds-yaml` writes it), with
    otcextensions' proxies; they find VBS under the catalog type `vbs` and CBR under `cbr`, as the
    real catalog lists them."""
    import openstack
    from otcextensions import sdk

    use_clouds_yaml(base_url, tmp_path, monkeypatch)
    connection = openstack.connect(cloud=TENANT_A.cloud)
    sdk.register_otc_extensions(connection)
    return connection
