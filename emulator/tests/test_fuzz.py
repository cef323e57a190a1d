"""Fuzz of every route of the router (hypothesis): malformed bodies (broken JSON, wrong types,
missing keys, huge values, deep nesting, unicode), odd path ids and query strings get the cloud's
4xx error answers, never a 500 or a traceback.

Routes are enumerated from `app.build_routes()`, so a new service is fuzzed without editing this
file. Requests go to the ASGI app in-process (the same middleware and handlers as the server);
the service routes are called as a logged-in tenant that owns a disk, a snapshot, a server and a
vault, so handlers get past "not found" to their body checks. The admin API is fuzzed on its own
app (it can move the clock and inject faults); `POST /_emulator/reset` is left out (it has no
body to check and would undo the setup).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evs_emulator import testing
from evs_emulator.app import build_routes, create_app
from evs_emulator.config import Config
from evs_emulator.routing import walk_routes

CONFIG = Config.load()
TENANT = CONFIG.tenants[0]
MISSING_ID = "0123456789abcdef0123456789abcdef"


def routes() -> list[tuple[str, str]]:
    """(method, path template) of every handler once (the unprefixed aliases share handlers)."""
    seen, found = set(), []
    for method, path, endpoint in walk_routes(build_routes()):
        if (method, endpoint) in seen or (method, path) == ("POST", "/_emulator/reset"):
            continue
        seen.add((method, endpoint))
        found.append((method, path))
    return found


ROUTES = routes()
SERVICE_ROUTES = [r for r in ROUTES if not r[1].startswith("/_emulator")]
ADMIN_ROUTES = [r for r in ROUTES if r[1].startswith("/_emulator")]


def asgi_call(app, method: str, path: str, raw: bytes = b"", query: str = "", headers=None):
    """(status, body bytes, the app's exception or None) of a JSON request."""
    status, _, content, crash = testing.asgi_call(app, method, path, raw, query,
                                                  {"content-type": "application/json", **(headers or {})})
    return status, content, crash


# ------------------------------------------------------------------ values
KEYS = ["volume", "snapshot", "server", "backup", "vault", "policy", "checkpoint", "restore", "server_group",
        "replication", "protected_instance", "disaster_recovery_drill", "os-extend", "rollback", "volumeAttachment",
        "auth", "identity", "scope", "metadata", "name", "size", "new_size", "availability_zone", "volume_id",
        "volume_ids", "server_id", "resources", "billing", "parameters", "seconds", "time", "blocks", "status",
        "count", "seed", "probability", "path", "method", "backup_id", "vault_id", "server_group_id", "domain_id",
        "source_availability_zone", "target_availability_zone", "protected_instance_id", "description",
        "operation_definition", "trigger", "properties", "pattern", "action", "start-server-group",
        "failover-server-group", "availability_zone_id", "type", "id", "priority_station", "cloudvolume"]
leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                 st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                 st.sampled_from(["", "\u0000", "\U0001F4A5" * 50, "\u202e", "x" * 70000, "eu-de-01", "SATA",
                                  "available", "2026-01-01T00:00:00Z", "FREQ=DAILY;BYHOUR=1;BYMINUTE=0",
                                  MISSING_ID, "-1", "1e400"]))
json_like = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6),
                                                                       inner, max_size=4)),
                         max_leaves=10)
# a known top-level key with a wrong inner value: gets past "which body is this"
wrapped = st.builds(lambda key, value: {key: value}, st.sampled_from(KEYS), json_like)
broken_json = st.sampled_from([b"{", b"not json", b"\xff\xfe\x00", b"[1, 2", b'{"a": }', b"nul", b'"\\ud800"',
                               b"[" * 5000 + b"]" * 5000, b'{"volume": ' * 2000 + b"1" + b"}" * 2000,
                               b"1" * 5000, b'{"a": 1e999999}'])
bodies = st.one_of(broken_json, json_like.map(lambda v: json.dumps(v).encode()),
                   wrapped.map(lambda v: json.dumps(v).encode()), st.just(b""))
QUERY_KEYS = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir", "name", "status", "availability_zone",
              "metadata", "volume_id", "vault_id", "resource_id", "server_group_id", "with_count", "all_tenants",
              "image_type", "since_seq", "mutating", "path", "method"]
queries = st.lists(st.tuples(st.sampled_from(QUERY_KEYS), st.one_of(st.text(max_size=10),
                                                                   st.sampled_from(["-1", "0", "99999999999999999999",
                                                                                    "(", "[", "{}", "%"]))),
                   max_size=3).map(urllib.parse.urlencode)
odd_ids = st.sampled_from([MISSING_ID, "x" * 300, "\u00fc\u00df", "..", " ", "%00", "0"])

SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
# examples per route; EVS_FUZZ_EXAMPLES=200 for a deeper search (on demand, not in make test)
EXAMPLES = int(os.environ.get("EVS_FUZZ_EXAMPLES", "8"))


# ------------------------------------------------------------------ setup
def _ok(app, method, path, body, token, expect=(200, 201, 202)):
    status, content, crash = asgi_call(app, method, path, json.dumps(body).encode(),
                                       headers={"X-Auth-Token": token})
    assert status in expect and crash is None, (method, path, status, content[:300])
    return json.loads(content) if content else None


@pytest.fixture(scope="module")
def service_app(tmp_path_factory):
    app = create_app(CONFIG, tmp_path_factory.mktemp("fuzz-services"))
    emu = app.emulator
    emu.update_timings({name: 0 for name in emu.timings()})
    token = _login(app)
    pid = TENANT.project["id"]
    volume = _ok(app, "POST", f"/evs/v2/{pid}/volumes", {"volume": {"size": 10, "availability_zone": "eu-de-01",
                                                                     "name": "fuzz"}}, token)["volume"]
    snapshot = _ok(app, "POST", f"/evs/v2/{pid}/snapshots", {"snapshot": {"volume_id": volume["id"]}},
                   token)["snapshot"]
    server = _ok(app, "POST", f"/ecs/v2.1/{pid}/servers", {"server": {
        "name": "fuzz", "availability_zone": "eu-de-01", "flavorRef": "s3.medium.1", "imageRef": "x"}},
        token)["server"]
    vault = _ok(app, "POST", f"/cbr/v3/{pid}/vaults", {"vault": {
        "name": "fuzz", "resources": [], "billing": {
            "object_type": "disk", "protect_type": "backup", "size": 100, "consistent_level": "crash_consistent",
            "cloud_type": "public", "charging_mode": "post_paid"}}}, token)["vault"]
    ids = {"project_id": pid, "target_project_id": pid, "volume_id": volume["id"], "snapshot_id": snapshot["id"],
           "server_id": server["id"], "vault_id": vault["id"], "attachment_id": volume["id"]}
    return app, token, ids


def _login(app) -> str:
    captured = {}

    async def run():
        scope = {"type": "http", "method": "POST", "path": "/identity/v3/auth/tokens",
                 "raw_path": b"/identity/v3/auth/tokens", "query_string": b"",
                 "headers": [(b"host", b"emulator.test"), (b"content-type", b"application/json")],
                 "scheme": "http", "server": ("emulator.test", 80), "client": ("127.0.0.1", 1), "root_path": "",
                 "http_version": "1.1"}
        body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "id": TENANT.user["id"], "password": TENANT.user["password"]}}},
            "scope": {"project": {"id": TENANT.project["id"]}}}}).encode()

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                captured.update(dict(message["headers"]))
        await app(scope, receive, send)
    asyncio.run(run())
    return captured[b"x-subject-token"].decode()


@pytest.fixture(scope="module")
def admin_app(tmp_path_factory):
    return create_app(CONFIG, tmp_path_factory.mktemp("fuzz-admin"))


def fill(template: str, ids: dict, odd: str | None, method: str) -> str:
    def value(match):
        name = match.group(1)
        if odd is not None and name != "project_id":
            return odd
        if method == "DELETE" and name != "project_id":
            return MISSING_ID  # keep the setup's resources for the other routes
        return ids.get(name, MISSING_ID)
    return re.sub(r"\{([^}:]+)(?::[^}]+)?\}", value, template)


def assert_no_crash(method, path, status, content, crash):
    where = f"{method} {path}"
    assert crash is None, f"{where} crashed: {crash!r}"
    assert status != 0, f"{where}: no answer"
    assert status < 500, f"{where} answered {status}: {content[:500]!r}"
    assert b"Traceback" not in content, f"{where}: a traceback in the answer"
    if content:
        json.loads(content)  # the cloud's error bodies are JSON


def test_every_service_and_the_admin_api_are_fuzzed():
    prefixes = {path.split("/")[1] for _, path in ROUTES}
    assert {"identity", "evs", "ecs", "sdrs", "vpc", "vbs", "cbr", "_emulator"} <= prefixes, prefixes
    assert len(SERVICE_ROUTES) > 50


@pytest.mark.parametrize("method,template", SERVICE_ROUTES, ids=[f"{m} {p}" for m, p in SERVICE_ROUTES])
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(body=bodies, query=queries, odd=st.one_of(st.none(), st.none(), odd_ids))
def test_a_malformed_request_gets_a_4xx_error_never_a_500(service_app, method, template, body, query, odd):
    app, token, ids = service_app
    path = fill(template, ids, odd, method)
    status, content, crash = asgi_call(app, method, path, body if method != "GET" else b"", query,
                                       headers={"X-Auth-Token": token})
    assert_no_crash(method, path, status, content, crash)


@pytest.mark.parametrize("method,template", ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
@settings(max_examples=2 * EXAMPLES, **SETTINGS)
@given(body=bodies, query=queries, odd=st.one_of(st.none(), odd_ids))
def test_the_admin_api_refuses_malformed_requests_with_4xx(admin_app, method, template, body, query, odd):
    path = fill(template, {}, odd, method)
    status, content, crash = asgi_call(admin_app, method, path, body if method != "GET" else b"", query)
    assert_no_crash(method, path, status, content, crash)
