"""The ASGI app called in-process: failure paths that a real server cannot be made to show."""

from __future__ import annotations

import json

import pytest

from evs_emulator import testing
from evs_emulator.app import create_app
from evs_emulator.config import Config
from evs_emulator.services import evs

CONFIG = Config.load()
TENANT = CONFIG.tenants[0]


def asgi_call(app, method: str, path: str, body=None, headers=None):
    """(status, headers, decoded JSON body) of a request with the JSON `body`; a handler's crash
    (RuntimeError) is answered, any other exception fails the test."""
    raw = json.dumps(body).encode() if body is not None else b""
    status, answer_headers, content, crash = testing.asgi_call(app, method, path, raw, headers=headers)
    if crash is not None and not isinstance(crash, RuntimeError):
        raise crash
    return status, answer_headers, json.loads(content) if content else None


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
