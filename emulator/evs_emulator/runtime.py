"""The emulator's shared runtime: config, store, clock, timings and AZ outages.

Services and the admin API receive one `Emulator`; nothing else holds state.
"""

from __future__ import annotations

from pathlib import Path

from .clock import Clock
from .config import Config
from .faults import FaultRules
from .store import Store


class UnknownTiming(ValueError):
    pass


class Outages:
    """Places (AZs or regions) in an outage, persisted in the store's meta under `key` and kept
    in memory (read on every request; this process is the state dir's only writer)."""

    def __init__(self, store: Store, key: str):
        self.store, self.key = store, key
        self.places: list[str] = store.meta_get(key, [])

    def __contains__(self, place: str | None) -> bool:
        return place in self.places

    def _set(self, places: list[str]) -> None:
        self.store.meta_set(self.key, places)
        self.places = places

    def start(self, place: str) -> None:
        self._set(sorted(set(self.places) | {place}))

    def end(self, place: str) -> bool:
        if place not in self.places:
            return False
        self._set([p for p in self.places if p != place])
        return True


class Emulator:
    TIMINGS_KEY = "timings"
    TOKEN_RECORDS_KEPT = 10_000
    OUTAGES_KEY = "outages"
    REGION_OUTAGES_KEY = "region_outages"

    def __init__(self, config: Config, state_dir: str | Path, catalog_templates: list | None = None):
        self.config = config
        # (service type, name, URL path template) of every service mounted, for the catalog.
        self.catalog_templates = list(catalog_templates or [])
        self.store = Store(state_dir)
        self.clock = Clock(self.store)
        self.faults = FaultRules(self.store)
        self._load_cached()

    def _load_cached(self) -> None:
        # This process is the only writer of the state dir, so small settings read on every
        # request are kept in memory and written through to the store.
        self._timing_overrides = self.store.meta_get(self.TIMINGS_KEY, {})
        # Every authenticated request looks its token up: the records read from the store are kept
        # here (a token's record changes only when it is revoked, which forgets it).
        self.token_records: dict[str, dict] = {}
        self._zone_outages = Outages(self.store, self.OUTAGES_KEY)
        self._region_outages = Outages(self.store, self.REGION_OUTAGES_KEY)

    def now(self) -> float:
        return self.clock.now()

    # -- timings ----------------------------------------------------------
    def timings(self) -> dict:
        return self.config.default_timings | self._timing_overrides

    def update_timings(self, changes: dict) -> dict:
        unknown = sorted(set(changes) - set(self.config.default_timings))
        if unknown:
            raise UnknownTiming(f"unknown timing names: {', '.join(unknown)}")
        for name, value in changes.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise UnknownTiming(f"timing {name} must be a number >= 0")
        overrides = self._timing_overrides | {k: float(v) for k, v in changes.items()}
        self.store.meta_set(self.TIMINGS_KEY, overrides)
        self._timing_overrides = overrides
        return self.timings()

    # -- AZ and region outages ---------------------------------------------
    def outages(self) -> list[str]:
        return list(self._zone_outages.places)

    def zone_is_down(self, az: str | None) -> bool:
        """An AZ is down in its own outage and in its region's."""
        if az in self._zone_outages:
            return True
        return bool(self._region_outages.places) and self.region_is_down(self.config.region_of_zone(az))

    def start_outage(self, az: str) -> None:
        self._zone_outages.start(az)

    def end_outage(self, az: str) -> bool:
        return self._zone_outages.end(az)

    def region_outages(self) -> list[str]:
        return list(self._region_outages.places)

    def region_is_down(self, region: str | None) -> bool:
        return region in self._region_outages

    def start_region_outage(self, region: str) -> None:
        self._region_outages.start(region)

    def end_region_outage(self, region: str) -> bool:
        return self._region_outages.end(region)

    def remember_token(self, key: str, record: dict) -> None:
        if len(self.token_records) >= self.TOKEN_RECORDS_KEPT:
            self.token_records.clear()
        self.token_records[key] = record

    def forget_token(self, key: str) -> None:
        self.token_records.pop(key, None)

    # -- reset ------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded state: no resources, tokens, faults, outages or log; clock at wall time."""
        self.store.clear_all()
        self.clock.reset()
        self.faults.reload()
        self._load_cached()
