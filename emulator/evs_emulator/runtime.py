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


class Emulator:
    TIMINGS_KEY = "timings"
    OUTAGES_KEY = "outages"

    def __init__(self, config: Config, state_dir: str | Path):
        self.config = config
        self.store = Store(state_dir)
        self.clock = Clock(self.store)
        self.faults = FaultRules(self.store)

    def now(self) -> float:
        return self.clock.now()

    # -- timings ----------------------------------------------------------
    def timings(self) -> dict:
        return self.config.default_timings | self.store.meta_get(self.TIMINGS_KEY, {})

    def update_timings(self, changes: dict) -> dict:
        unknown = sorted(set(changes) - set(self.config.default_timings))
        if unknown:
            raise UnknownTiming(f"unknown timing names: {', '.join(unknown)}")
        for name, value in changes.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise UnknownTiming(f"timing {name} must be a number >= 0")
        overrides = self.store.meta_get(self.TIMINGS_KEY, {}) | {k: float(v) for k, v in changes.items()}
        self.store.meta_set(self.TIMINGS_KEY, overrides)
        return self.timings()

    # -- AZ outages -------------------------------------------------------
    def outages(self) -> list[str]:
        return self.store.meta_get(self.OUTAGES_KEY, [])

    def zone_is_down(self, az: str | None) -> bool:
        return az in self.outages()

    def start_outage(self, az: str) -> None:
        self.store.meta_set(self.OUTAGES_KEY, sorted(set(self.outages()) | {az}))

    def end_outage(self, az: str) -> bool:
        current = self.outages()
        if az not in current:
            return False
        self.store.meta_set(self.OUTAGES_KEY, [z for z in current if z != az])
        return True

    # -- reset ------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded state: no resources, tokens, faults, outages or log; clock at wall time."""
        self.store.clear_all()
        self.clock.reset()
        self.faults.reload()
