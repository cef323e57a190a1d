"""The ASGI app called in-process: failure paths that a real server cannot be made to show."""

from __future__ import annotations

import asyncio
import json

import pytest

from evs_emulator.app import create_app
from evs_emulator.config import Config
from evs_emulator.services import evs

CONFIG = Config.load()
TENANT = CONFIG.tenants[0]


def asgi_call(app, method: str, path: str, body=None, headers=None):
    raw = json.dumps(body).encode() if body is not None else b""
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"emulator.test")] + [(k.lower().encode(), v.encode())
                                                         for k, v in (headers or {}).items()],
             "scheme": "http", "server": ("emulator.test", 80), "client": ("127.0.0.1", 1), "root_path": "",
             "http_version": "1.1"}
    sent = []

    async def receive():
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message):
        sent.append(message)

    try:
        asyncio.run(app(scope, receive, send))
    except RuntimeError:
        pass  # Starlette re-raises a handler's crash after answering it
    start = sent[0]
    content = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), json.loads(content) if content else None


@pytest.fixture
def app(tmp_path):
    return create_app(CONFIG, tmp_path)


def login(app) -> str:
    status, headers, _ = asgi_call(app, "POST", "/identity/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {"id": TENANT.user["id"],
                                                                    "password": TENANT.user["password"]}}},
        "scope": {"project": {"id": TENANT.project["id"]}}}})
    assert status == 201
    return headers[b"x-subject-token"].decode()


def test_a_crash_answers_the_clouds_internal_error_and_rolls_back(app, monkeypatch):
    token = login(app)
    pid = TENANT.project["id"]

    def broken_view(*args, **kwargs):  # fails after the volume was saved in the transaction
        raise RuntimeError("bug")

    monkeypatch.setattr(evs, "volume_view", broken_view)
    status, headers, body = asgi_call(app, "POST", f"/evs/v2/{pid}/volumes",
                                      {"volume": {"size": 10, "availability_zone": "eu-de-01"}},
                                      {"X-Auth-Token": token})
    assert status == 500
    assert body == {"error": {"message": "Internal error.", "code": "EVS.2002"}}
    assert b"date" in headers and b"x-request-id" in headers
    assert app.emulator.store.list("volume") == []
    logged = app.emulator.store.requests()
    assert [(r["method"], r["status"]) for r in logged][-1] == ("POST", 500)
