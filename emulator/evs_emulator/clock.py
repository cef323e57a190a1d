"""The emulator clock: the only module that reads wall time.

Emulator time is wall time plus a persisted offset, or a persisted instant while frozen.
Everything else (models, tokens, signatures, the Date header) asks this clock.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import formatdate
from functools import lru_cache


class Clock:
    META_KEY = "clock"

    def __init__(self, store, wall=time.time):
        self._store = store
        self._wall = wall
        self._load()

    def _load(self) -> None:
        saved = self._store.meta_get(self.META_KEY, {})
        self._offset = float(saved.get("offset", 0.0))
        self._frozen_at = saved.get("frozen_at")

    def _save(self) -> None:
        self._store.meta_set(self.META_KEY, {"offset": self._offset, "frozen_at": self._frozen_at})

    def now(self) -> float:
        if self._frozen_at is not None:
            return float(self._frozen_at)
        return self._wall() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def offset(self) -> float:
        return self.now() - self._wall()

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        self._save()

    def set(self, epoch: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at = epoch
        else:
            self._offset = epoch - self._wall()
        self._save()

    def freeze(self) -> None:
        self._frozen_at = self.now()
        self._save()

    def unfreeze(self) -> None:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - self._wall()
            self._frozen_at = None
            self._save()

    def reset(self) -> None:
        self._offset, self._frozen_at = 0.0, None
        self._save()

    def describe(self) -> dict:
        now = self.now()
        return {"now": iso_z(now), "epoch": now, "offset": self.offset(), "frozen": self.frozen}


class FakeClock:
    """A clock for unit tests: time only moves when told."""

    def __init__(self, start: float = 1_767_225_600.0):  # 2026-01-01T00:00:00Z
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


# -- formats used by the APIs ---------------------------------------------
def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def iso_z(epoch: float) -> str:
    """`2026-01-01T10:00:00.000000Z` (Keystone, admin API)."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_millis_z(epoch: float) -> str:
    """`2026-01-01T10:00:00.000Z` (vendor jobs)."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%S.") + f"{_utc(epoch).microsecond // 1000:03d}Z"


@lru_cache(maxsize=4096)  # a list formats every item's times; most were formatted before
def cinder_time(epoch: float) -> str:
    """`2026-01-01T10:00:00.000000` without zone suffix (Cinder)."""
    return _utc(epoch).replace(tzinfo=None).isoformat(timespec="microseconds")  # strftime is 5x slower


def nova_time(epoch: float) -> str:
    """`2026-01-01T10:00:00Z` (Nova)."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(epoch: float) -> str:
    """RFC 7231 IMF-fixdate, for the Date header."""
    return _http_date_of_second(int(epoch))


@lru_cache(maxsize=8)  # every answer has a Date header; it changes once a second
def _http_date_of_second(second: int) -> str:
    return formatdate(second, usegmt=True)


def parse_iso(text: str) -> float:
    """Parse an ISO 8601 time; a missing zone means UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def parse_sdk_date(text: str) -> float:
    """Parse `X-Sdk-Date` (`20260101T120000Z`)."""
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
