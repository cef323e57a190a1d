"""The ASGI application: one router for every service, wrapped in the emulator middleware.

The middleware (outermost, so it sees every answer) gives each request an id, injects fault
rules before any service runs, stamps the `Date` header from the emulator clock, and writes
the request log. It never records credentials: only method, path, query, status and who.
"""

from __future__ import annotations


import asyncio
import json
import random
import re
from http import HTTPStatus
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request

from . import admin, errors, store
from .clock import http_date, iso_z
from .config import Config
from .routing import CompiledRouter
from .runtime import Emulator
from .services.registry import BY_NAME, BY_PREFIX, SERVICES
from .web import json_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNEXPECTED = errors.fault(500, "Unexpected API Error.")  # a path of no service (the admin API's)


# IAM's paths at the host's root (services/identity.py, unprefixed_routes); every other
# unprefixed /v3 path is CBR's or EVS's.
UNPREFIXED_IAM = re.compile(r"^/v3/(auth/|(projects|regions|services|endpoints)/?$)")


def service_of(path: str) -> str:
    """Which service a path belongs to, from its first segment."""
    if UNPREFIXED_IAM.match(path):
        return "identity"
    first = path.lstrip("/").split("/", 1)[0]
    if first == "_emulator":
        return "admin"
    service = BY_PREFIX.get(first)
    # Any other path is an unprefixed EVS path (the Huawei SDKs drop an endpoint's path).
    return service.name if service is not None else "evs"


def new_request_id() -> str:
    """`req-` and a random (version 4) UUID. Not `uuid.uuid4()`: it reads the OS's random source on
    every call, a third of this middleware's own time; an id needs to be unique, not secret."""
    digits = "%032x" % (random.getrandbits(128) & UUID4_CLEAR | UUID4_SET)
    return f"req-{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# The version (4) and variant (RFC 4122) bits of a UUID, as uuid.UUID(version=4) sets them.
UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def is_mutating(method: str, path: str) -> bool:
    # Asking for a token is authentication, not a change to the cloud: a second, idempotent
    # playbook run logs in again but must show no mutating request.
    if method == "POST" and path.rstrip("/").endswith("/v3/auth/tokens"):
        return False
    return method not in SAFE_METHODS


async def _api_error(request: Request, exc: errors.ApiError):
    return json_response(exc.body, exc.status, exc.headers)


async def _admin_error(request: Request, exc: admin.AdminError):
    return json_response({"error": exc.message}, exc.status)


async def _internal_error(request: Request, exc: Exception):
    """A bug in the emulator answers like the cloud's internal error, not an HTML page."""
    service = BY_NAME.get(service_of(request.url.path))
    error = service.internal_error if service is not None else UNEXPECTED
    return json_response(error.body, 500)


async def _no_such_api(request: Request, exc):
    """Unknown path or method. The API gateway matches method and path together, so both
    answer its 'API does not exist' error; the admin API answers plainly."""
    if service_of(request.url.path) == "admin":
        return json_response({"error": "no such admin endpoint"}, 404)
    return json_response({"error_msg": "The API does not exist or has not been published in the environment",
                          "error_code": "APIGW.0101", "request_id": request.scope["state"].get("request_id")}, 404)


def region_outage_body(region: str, request_id: str) -> dict:
    """What every endpoint of a region in an outage answers: the gateway's 503 in its error form;
    the code is the emulator's own (the cloud documents none for a region down; README "Regions")."""
    return {"error_msg": f"Service Unavailable: region {region} is unavailable.",
            "error_code": "EMULATOR.REGION_OUTAGE", "request_id": request_id}


def build_routes() -> list:
    """The one router: the admin API, every service under its prefix, then the services' routes
    at the host's root (plain routes, so an unmatched path falls through), the fallback's last."""
    routes = admin.mounts()
    for service in SERVICES:
        routes += service.mounts()
    for service in sorted(SERVICES, key=lambda s: s.fallback):  # stable: registry order otherwise
        routes += service.unprefixed()
    return routes


def create_app(config: Config, state_dir: str | Path) -> "EmulatorMiddleware":
    emu = Emulator(config, state_dir, [entry for service in SERVICES for entry in service.catalog])
    app = Starlette(routes=build_routes(),
                    exception_handlers={errors.ApiError: _api_error, admin.AdminError: _admin_error,
                                        404: _no_such_api, 405: _no_such_api, Exception: _internal_error})
    app.router = CompiledRouter(app.router.routes)
    app.state.emulator = emu
    return EmulatorMiddleware(app, emu)


class EmulatorMiddleware:
    def __init__(self, app, emu: Emulator):
        self.app = app
        self.emulator = emu
        self._barriers = {}  # fault rule id -> opened once its barrier-th request arrived

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = scope["path"], scope["method"]
        service = service_of(path)
        request_id = new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        id_headers = [(b"x-request-id", request_id.encode())]
        if service in BY_NAME and BY_NAME[service].openstack_request_id:
            id_headers.append((b"x-openstack-request-id", request_id.encode()))
        logged = []

        def log_once(status: int) -> None:
            # Logged when the answer starts, before the client can see it, so a test that
            # reads the log right after an answer always finds it.
            if service != "admin" and not logged:
                logged.append(status)
                self._log(scope, state, service, status, request_id)

        async def send_stamped(message):
            if message["type"] == "http.response.start":
                log_once(message["status"])
                drop = {b"date", b"server"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                headers += [(b"date", http_date(self.emulator.now()).encode())] + id_headers
                message = dict(message, headers=headers)
            await send(message)

        if service == "admin":
            self.emulator.store.flush_log()  # every request before an admin call is in the log
            return await self.app(scope, receive, send_stamped)
        state["created"] = []
        store.CREATED.set(state["created"])
        try:
            down = self._region_down(path)
            if down is not None:
                await _send_json(send_stamped, 503, region_outage_body(down, request_id), {})
                return
            rule = self.emulator.faults.match(method, path)
            if rule is None:
                await self.app(scope, receive, send_stamped)
            else:
                await self._apply_fault(rule, scope, receive, send, send_stamped, request_id)
        finally:
            log_once(0)  # no answer was sent: a dropped connection or a crash

    async def _wait_at_barrier(self, rule) -> None:
        """Hold this request until the rule's ``barrier``-th request arrived (its ``hits``
        count the arrivals), or its ``barrier_timeout`` passed: then every held one goes on."""
        opened = self._barriers.setdefault(rule["id"], asyncio.Event())
        if rule["hits"] >= rule["barrier"]:
            opened.set()
            return
        try:
            await asyncio.wait_for(opened.wait(), rule["barrier_timeout"])
        except asyncio.TimeoutError:
            opened.set()

    def _region_down(self, path: str) -> str | None:
        """The region in an outage whose project the path names (every project-scoped path of
        every service carries its project id in its first segments), else None. IAM is global
        and stays up (README "Regions")."""
        if not self.emulator.region_outages():
            return None
        for segment in path.split("/", 6)[1:6]:
            region = self.emulator.config.region_of_project(segment)
            if region is not None:
                return region if self.emulator.region_is_down(region) else None
        return None

    async def _apply_fault(self, rule, scope, receive, send, send_stamped, request_id):
        if rule.get("barrier"):
            await self._wait_at_barrier(rule)
        if rule["latency"]:
            await asyncio.sleep(rule["latency"])
        if rule["drop"]:
            await _drop_connection(send)
            return
        if rule["drop_answer"]:
            async def swallow(message):
                pass
            await self.app(scope, receive, swallow)
            await _drop_connection(send)
            return
        if rule["status"] is None:  # latency only
            await self.app(scope, receive, send_stamped)
            return
        status, headers = rule["status"], {}
        body = rule["body"]
        retry_after = rule["retry_after"]
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            if body is None:
                body = errors.throttled(request_id, retry_after).body
        if body is None:
            body = {"error_msg": HTTPStatus(status).phrase, "error_code": "EMULATOR.FAULT", "request_id": request_id}
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        await _send_json(send_stamped, status, body, headers)

    def _log(self, scope, state, service, status, request_id):
        now = self.emulator.now()
        method = scope["method"]
        first_queued = self.emulator.store.log_request({
            "time": iso_z(now), "epoch": now, "method": method, "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"), "status": status,
            "project_id": state.get("project_id"), "user_id": state.get("user_id"), "service": service,
            "mutating": int(is_mutating(method, scope["path"])), "request_id": request_id,
            "created": state.get("created"),
        })
        if first_queued:  # written within LOG_FLUSH_SECONDS even if nothing else asks for it
            asyncio.get_running_loop().call_later(store.LOG_FLUSH_SECONDS, self.emulator.store.flush_log)


async def _send_json(send, status: int, body, headers: dict):
    content = json.dumps(body).encode()
    raw_headers = [(b"content-type", b"application/json;charset=UTF-8"),
                   (b"content-length", str(len(content)).encode())]
    raw_headers += [(k.encode(), str(v).encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": content})


async def _drop_connection(send) -> None:
    """Close the TCP connection without any answer, as a crashed gateway would.

    ASGI has no message for this; uvicorn's `send` is a bound method of the protocol's
    request cycle, whose transport we abort. The server then sees a disconnected client and
    sends nothing itself.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("dropping a connection needs uvicorn's transport")
    transport.abort()
    for _ in range(3):  # let connection_lost run so the server marks the client as gone
        await asyncio.sleep(0)
