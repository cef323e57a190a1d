"""Loading the emulator's configuration (seed data, quotas, timings)."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
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
    project: dict  # the home project, in the first region: what a tenant's clouds.yaml entry scopes to
    # The domain's projects in the other regions (OTC: one project per region, named after it).
    other_projects: list = field(default_factory=list)

    @property
    def projects(self) -> list[dict]:
        return [self.project, *self.other_projects]

    def project_in(self, region: str) -> dict | None:
        return next((p for p in self.projects if p["region"] == region), None)


class Config:
    """Read-only view of the YAML configuration with the lookups the services need."""

    def __init__(self, data: dict):
        self.data = data
        self.regions: dict = data["regions"]
        self.tenants = [Tenant(**self._with_region_projects(t, data)) for t in data["tenants"]]
        # Every authenticated request looks its project up: (tenant, project) by project id.
        self._projects = {p["id"]: (t, p) for t in self.tenants for p in t.projects}
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

    @staticmethod
    def _with_region_projects(tenant: dict, data: dict) -> dict:
        """With `region_projects`, a tenant that lists no `other_projects` gets one project in each
        other region: named after the region (OTC's project names), its id derived from the
        first project's, so every run of a config has the same ids."""
        if not data.get("region_projects") or tenant.get("other_projects"):
            return tenant
        home = tenant["project"]
        others = [{"id": uuid.uuid5(uuid.UUID(home["id"]), region).hex, "name": region, "region": region}
                  for region in data["regions"] if region != home["region"]]
        return tenant | {"other_projects": others}

    @classmethod
    def load(cls, path: str | Path | None = None, region_projects: bool = False) -> "Config":
        text = Path(path).read_text() if path else load_default_text()
        data = yaml.safe_load(text)
        if region_projects:
            data["region_projects"] = True
        return cls(data)

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
        return self._projects.get(project_id, (None, None))[0]

    def project_by_id(self, project_id: str) -> dict | None:
        return self._projects.get(project_id, (None, None))[1]

    def region_of_project(self, project_id: str) -> str | None:
        project = self.project_by_id(project_id)
        return project["region"] if project else None

    def projects_of_domain(self, domain_id: str) -> list[dict]:
        return [p | {"domain_id": t.domain["id"]} for t in self.tenants if t.domain["id"] == domain_id
                for p in t.projects]

    # -- regions and zones ------------------------------------------------
    def availability_zones(self, region: str) -> list[str]:
        return list(self.regions.get(region, {}).get("availability_zones", []))

    def project_regions(self) -> list[str]:
        """The regions some tenant has a project in, in config order: the ones with endpoints."""
        used = {p["region"] for t in self.tenants for p in t.projects}
        return [r for r in self.regions if r in used]

    def region_of_zone(self, az: str | None) -> str | None:
        return next((r for r in self.regions if az in self.availability_zones(r)), None)

    def replication_destinations(self, region: str) -> list[str]:
        """The regions CBR replicates to from `region` (`replication_destinations`; default: every
        other region of the config)."""
        configured = self.regions.get(region, {}).get("replication_destinations")
        return list(configured) if configured is not None else [r for r in self.regions if r != region]

    def distance_km(self, region: str, az1: str, az2: str) -> float | None:
        if az1 == az2:
            return 0.0
        for a, b, km in self.regions.get(region, {}).get("distances_km", []):
            if {a, b} == {az1, az2}:
                return float(km)
        return None

    def volume_type_names(self) -> list[str]:
        return [t["name"] for t in self.volume_types]
