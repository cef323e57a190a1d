"""The emulator-only admin API under /_emulator/: clock, timings, faults, outages, request log,
disk content, reset. No authentication; never faulted; never logged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from starlette.requests import Request
from starlette.routing import Mount, Route

from .clock import parse_iso
from .faults import FaultRuleError
from .lifecycle import settle
from .runtime import UnknownTiming
from .services import sdrs
from .services.cbr import model as cbr
from .services.evs import VOLUME
from .web import json_response

MOUNT = "/_emulator"


class AdminError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _emu(request: Request):
    return request.app.state.emulator


async def _json(request: Request) -> dict:
    try:
        data = await request.json()
    except (ValueError, RecursionError):
        raise AdminError(400, "invalid JSON body") from None
    if not isinstance(data, dict):
        raise AdminError(400, "a JSON object is expected")
    return data


def _number(data: dict, field: str) -> float:
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdminError(400, f"'{field}' must be a number")
    return float(value)


# -- clock -----------------------------------------------------------------
async def show_clock(request: Request):
    return json_response(_emu(request).clock.describe())


async def advance_clock(request: Request):
    clock = _emu(request).clock
    clock.advance(_number(await _json(request), "seconds"))
    return json_response(clock.describe())


async def set_clock(request: Request):
    data = await _json(request)
    try:
        epoch = parse_iso(str(data["time"]))
    except (KeyError, ValueError):
        raise AdminError(400, "'time' must be an ISO 8601 time, e.g. 2026-01-01T00:00:00Z") from None
    clock = _emu(request).clock
    clock.set(epoch)
    return json_response(clock.describe())


async def freeze_clock(request: Request):
    clock = _emu(request).clock
    clock.freeze()
    return json_response(clock.describe())


async def unfreeze_clock(request: Request):
    clock = _emu(request).clock
    clock.unfreeze()
    return json_response(clock.describe())


# -- timings ---------------------------------------------------------------
async def show_timings(request: Request):
    return json_response(_emu(request).timings())


async def update_timings(request: Request):
    try:
        return json_response(_emu(request).update_timings(await _json(request)))
    except UnknownTiming as exc:
        raise AdminError(400, str(exc)) from None


# -- faults ----------------------------------------------------------------
async def add_fault(request: Request):
    try:
        rule = _emu(request).faults.add(await _json(request))
    except FaultRuleError as exc:
        raise AdminError(400, str(exc)) from None
    return json_response(rule, 201)


async def list_faults(request: Request):
    faults = _emu(request).faults
    return json_response({"faults": faults.list(), "seed": faults.seed_value})


async def seed_faults(request: Request):
    data = await _json(request)
    if "seed" not in data:
        raise AdminError(400, "'seed' is required (an integer, or null for unseeded)")
    try:
        _emu(request).faults.seed(data["seed"])
    except FaultRuleError as exc:
        raise AdminError(400, str(exc)) from None
    return json_response({"seed": data["seed"]})


async def clear_faults(request: Request):
    _emu(request).faults.clear()
    return json_response(None, 204)


async def delete_fault(request: Request):
    if not _emu(request).faults.remove(request.path_params["fault_id"]):
        raise AdminError(404, "no such fault")
    return json_response(None, 204)


# -- AZ and region outages ---------------------------------------------------
@dataclass(frozen=True)
class OutageKind:
    """An outage of an AZ (`/outages`, its resources in `error`, its disks unreachable) or of a
    region (`/region-outages`, every endpoint of the region answers 503, see app.py)."""
    path: str
    field: str  # in the POST body
    what: str  # in errors
    known: Callable  # emu -> the names that exist
    names: str  # Emulator methods: list, start, end
    start: str
    end: str
    # What else happens when it starts, beyond what the clock derives on read (emu, place).
    on_start: Callable = lambda emu, place: None


OUTAGE_KINDS = (
    OutageKind("/outages", "availability_zone", "availability zone",
               lambda emu: {z for region in emu.config.regions for z in emu.config.availability_zones(region)},
               "outages", "start_outage", "end_outage"),
    OutageKind("/region-outages", "region", "region", lambda emu: set(emu.config.regions),
               "region_outages", "start_region_outage", "end_region_outage", on_start=cbr.fail_copies_with),
)


def outage_routes(kind: OutageKind) -> list:
    async def start(request: Request):
        emu = _emu(request)
        place = (await _json(request)).get(kind.field)
        if place not in kind.known(emu):
            raise AdminError(400, f"unknown {kind.field} {place!r}")
        getattr(emu, kind.start)(place)
        kind.on_start(emu, place)
        return json_response({kind.names: getattr(emu, kind.names)()}, 201)

    async def listing(request: Request):
        return json_response({kind.names: getattr(_emu(request), kind.names)()})

    async def end(request: Request):
        if not getattr(_emu(request), kind.end)(request.path_params["place"]):
            raise AdminError(404, f"no outage in that {kind.what}")
        return json_response(None, 204)

    return [Route(kind.path, start, methods=["POST"]), Route(kind.path, listing, methods=["GET"]),
            Route(kind.path + "/{place}", end, methods=["DELETE"])]


# -- request log -----------------------------------------------------------
LOG_FIELDS = ("seq", "time", "method", "path", "query", "status", "project_id", "user_id", "service", "mutating",
              "request_id", "created")


def _log_filter(request: Request):
    q = request.query_params
    try:
        path_re = re.compile(q["path"]) if q.get("path") else None
        since = int(q.get("since_seq", 0))
    except (re.error, ValueError) as exc:
        raise AdminError(400, f"invalid filter: {exc}") from None
    mutating = q.get("mutating")
    if mutating not in (None, "true", "false"):
        raise AdminError(400, "mutating must be true or false")

    def keep(entry: dict) -> bool:
        return ((not q.get("method") or entry["method"] == q["method"].upper())
                and (path_re is None or path_re.search(entry["path"]))
                and (mutating is None or entry["mutating"] == (mutating == "true"))
                and (not q.get("project_id") or entry["project_id"] == q["project_id"])
                and (not q.get("service") or entry["service"] == q["service"])
                and (not q.get("status") or str(entry["status"]) == q["status"]))
    return since, keep


async def list_requests(request: Request):
    since, keep = _log_filter(request)
    entries = []
    for row in _emu(request).store.requests(since):
        entry = {k: row[k] for k in LOG_FIELDS} | {"mutating": bool(row["mutating"]),
                                                    "created": (row["created"] or "").split(",") if row["created"] else []}
        if keep(entry):
            entries.append(entry)
    return json_response({"requests": entries})


async def clear_requests(request: Request):
    _emu(request).store.clear_requests()
    return json_response(None, 204)


# -- disk content ----------------------------------------------------------
def _stored_volume(request: Request) -> dict:
    emu = _emu(request)
    volume_id = request.path_params["volume_id"]
    stored = emu.store.get(VOLUME, volume_id)
    if settle(stored, emu.now()) is None:
        raise AdminError(404, f"no volume {volume_id}")
    return stored


def _blocks(data: dict, allow_null: bool) -> dict:
    blocks = data.get("blocks")
    if not isinstance(blocks, dict):
        raise AdminError(400, "'blocks' must be an object of block index -> text")
    for key, value in blocks.items():
        if not str(key).isdigit():
            raise AdminError(400, f"block index {key!r} is not a non-negative integer")
        if not (isinstance(value, str) or (allow_null and value is None)):
            raise AdminError(400, f"block {key} must be a string{' or null' if allow_null else ''}")
    return {str(int(k)): v for k, v in blocks.items()}


def _disk_answer(request: Request, volume: dict):
    current = settle(volume, _emu(request).now())
    blocks = dict(sorted(current["_blocks"].items(), key=lambda kv: int(kv[0])))
    return json_response({"volume_id": current["id"], "blocks": blocks})


async def show_disk(request: Request):
    return _disk_answer(request, _stored_volume(request))


async def write_disk(request: Request):
    emu = _emu(request)
    volume = _stored_volume(request)
    data = await _json(request)
    if request.method == "PUT":
        blocks = _blocks(data, allow_null=False)
    else:
        blocks = dict(volume["_blocks"])
        for key, value in _blocks(data, allow_null=True).items():
            if value is None:
                blocks.pop(key, None)
            else:
                blocks[key] = value
    try:
        # The one disk-content write path: it also replicates (SDRS) the write to a DR disk.
        volume = sdrs.write_blocks(emu, volume, blocks)
    except sdrs.NotWritable as exc:
        raise AdminError(409, str(exc)) from None
    return _disk_answer(request, volume)


# -- reset and health ------------------------------------------------------
async def reset(request: Request):
    _emu(request).reset()
    return json_response({"reset": True})


async def health(request: Request):
    return json_response({"status": "ok"})


def mounts() -> list:
    return [Mount(MOUNT, routes=[
        Route("/health", health, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/clock", show_clock, methods=["GET"]),
        Route("/clock/advance", advance_clock, methods=["POST"]),
        Route("/clock/set", set_clock, methods=["POST"]),
        Route("/clock/freeze", freeze_clock, methods=["POST"]),
        Route("/clock/unfreeze", unfreeze_clock, methods=["POST"]),
        Route("/timings", show_timings, methods=["GET"]),
        Route("/timings", update_timings, methods=["PUT"]),
        Route("/faults", add_fault, methods=["POST"]),
        Route("/faults", list_faults, methods=["GET"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
        Route("/faults/seed", seed_faults, methods=["POST"]),
        Route("/faults/{fault_id}", delete_fault, methods=["DELETE"]),
        *[route for kind in OUTAGE_KINDS for route in outage_routes(kind)],
        Route("/requests", list_requests, methods=["GET"]),
        Route("/requests", clear_requests, methods=["DELETE"]),
        Route("/disks/{volume_id}", show_disk, methods=["GET"]),
        Route("/disks/{volume_id}", write_disk, methods=["PUT", "PATCH"]),
    ])]
