"""Loading the emulator's configuration (seed data, quotas, timings)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml


def load_default_text() -> str:
    return resources.files("evs_emulator").joinpath("default_config.yaml").read_text()


# Whose documents the answers follow where Open Telekom Cloud and Huawei Cloud differ (README,
# "Choices where the reference is unsure"): `otc`, OTC's API reference (../shared/api), or
# `huawei`, Huawei Cloud's SDK models (huaweicloudsdk* 3.1.219).
API_FLAVOURS = ("otc", "huawei")

# Defaults of the `limits` section, for configs written before it existed.
DEFAULT_LIMITS = {"snapshots_per_disk": 7, "one_snapshot_creating_per_disk": True,
                  "backup_refused_while_snapshot_creating": True}


@dataclass(frozen=True)
class Tenant:
    cloud: str
    domain: dict
    user: dict
    project: dict


class Config:
    """Read-only view of the YAML configuration with the lookups the services need."""

    def __init__(self, data: dict):
        self.data = data
        self.regions: dict = data["regions"]
        self.tenants = [Tenant(**t) for t in data["tenants"]]
        self.roles: list = data.get("roles", [])
        self.volume_types: list = data["volume_types"]
        self.default_volume_type: str = data.get("default_volume_type", self.volume_types[0]["name"])
        self.quotas: dict = data["quotas"]
        self.default_timings: dict = dict(data["timings"])
        self.token_lifetime = float(data.get("token_lifetime_seconds", 86400))
        self.aksk_max_skew = float(data.get("aksk_max_skew_seconds", 900))
        self.api_flavour: str = data.get("api_flavour", "otc")
        if self.api_flavour not in API_FLAVOURS:
            raise ValueError(f"api_flavour must be one of {', '.join(API_FLAVOURS)}, not {self.api_flavour!r}")
        # The real cloud's rules (README "Limits of the real cloud"); a config may switch one off.
        self.limits: dict = DEFAULT_LIMITS | dict(data.get("limits") or {})

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Config":
        text = Path(path).read_text() if path else load_default_text()
        return cls(yaml.safe_load(text))

    def copy(self) -> "Config":
        return Config(copy.deepcopy(self.data))

    # -- identity lookups -------------------------------------------------
    def tenant_by_user_id(self, user_id: str) -> Tenant | None:
        return next((t for t in self.tenants if t.user["id"] == user_id), None)

    def tenant_by_user_name(self, name: str, domain: dict | None) -> Tenant | None:
        for t in self.tenants:
            if t.user["name"] != name:
                continue
            if domain is None or domain.get("id") == t.domain["id"] or domain.get("name") == t.domain["name"]:
                return t
        return None

    def tenant_by_access_key(self, ak: str) -> Tenant | None:
        return next((t for t in self.tenants if t.user.get("access_key") == ak), None)

    def tenant_by_project_id(self, project_id: str) -> Tenant | None:
        return next((t for t in self.tenants if t.project["id"] == project_id), None)

    def projects_of_domain(self, domain_id: str) -> list[dict]:
        return [t.project | {"domain_id": t.domain["id"]} for t in self.tenants if t.domain["id"] == domain_id]

    # -- regions and zones ------------------------------------------------
    def availability_zones(self, region: str) -> list[str]:
        return list(self.regions.get(region, {}).get("availability_zones", []))

    def distance_km(self, region: str, az1: str, az2: str) -> float | None:
        if az1 == az2:
            return 0.0
        for a, b, km in self.regions.get(region, {}).get("distances_km", []):
            if {a, b} == {az1, az2}:
                return float(km)
        return None

    def volume_type_names(self) -> list[str]:
        return [t["name"] for t in self.volume_types]
