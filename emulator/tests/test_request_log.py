"""The request log written behind, and reads that open no write transaction (store.py, context.py):
what makes an authenticated GET cheap must not lose, reorder or hide a logged request."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from evs_emulator import store as store_module
from evs_emulator.app import create_app
from test_inprocess import CONFIG, TENANT, asgi_call, login

PID = TENANT.project["id"]


@pytest.fixture
def app(tmp_path):
    app = create_app(CONFIG, tmp_path)
    yield app
    app.emulator.store.close()


def written(app) -> list[tuple[str, str]]:
    """(method, path) of the entries in the database file, as another process would read them."""
    with sqlite3.connect(app.emulator.store.path) as db:
        return db.execute("SELECT method, path FROM requests ORDER BY seq").fetchall()


def create_volume(app, token: str) -> str:
    status, _, body = asgi_call(app, "POST", f"/evs/v2/{PID}/volumes",
                                {"volume": {"size": 10, "availability_zone": "eu-de-01"}}, {"X-Auth-Token": token})
    assert status == 202
    return body["volume"]["id"]


def test_reads_are_queued_and_written_in_order_by_a_write_or_a_read_of_the_log(app):
    token = login(app)
    assert written(app) == []  # the login is not a change: queued
    volume_path = f"/evs/v2/{PID}/volumes/{create_volume(app, token)}"
    # the create is written at once, with everything queued before it
    assert written(app) == [("POST", "/identity/v3/auth/tokens"), ("POST", f"/evs/v2/{PID}/volumes")]
    for _ in range(3):
        assert asgi_call(app, "GET", volume_path, headers={"X-Auth-Token": token})[0] == 200
    assert len(written(app)) == 2
    logged = app.emulator.store.requests()  # a read of the log writes the queue first
    assert [(r["method"], r["path"]) for r in logged] == written(app)
    assert [r["path"] for r in logged[2:]] == [volume_path] * 3
    assert [r["seq"] for r in logged] == sorted(r["seq"] for r in logged)


def test_an_admin_call_writes_the_queue_first(app):
    login(app)
    assert asgi_call(app, "GET", "/_emulator/clock")[0] == 200
    assert written(app) == [("POST", "/identity/v3/auth/tokens")]


def test_a_full_queue_is_written_without_a_reader(app, monkeypatch):
    monkeypatch.setattr(store_module, "LOG_QUEUE_LIMIT", 3)
    token = login(app)
    zones = f"/evs/v2/{PID}/os-availability-zone"
    for _ in range(2):
        asgi_call(app, "GET", zones, headers={"X-Auth-Token": token})
    assert len(written(app)) == 3


def test_closing_the_store_writes_the_queue(tmp_path):
    app = create_app(CONFIG, tmp_path)
    login(app)
    app.emulator.store.close()
    reopened = store_module.Store(tmp_path)
    assert [r["path"] for r in reopened.requests()] == ["/identity/v3/auth/tokens"]
    reopened.close()


def test_reads_open_no_transaction_and_a_write_still_runs_in_one(app):
    token = login(app)
    volume_path = f"/evs/v2/{PID}/volumes/{create_volume(app, token)}"
    statements = []
    app.emulator.store._db.set_trace_callback(statements.append)
    asgi_call(app, "GET", volume_path, headers={"X-Auth-Token": token})
    asgi_call(app, "GET", f"/evs/v2/{PID}/volumes/detail", headers={"X-Auth-Token": token})  # nothing to purge
    assert [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT", "INSERT", "UPDATE", "DELETE")] == []
    statements.clear()
    asgi_call(app, "PUT", volume_path, {"volume": {"name": "renamed"}}, {"X-Auth-Token": token})
    verbs = [s.split()[0] for s in statements if s.split()[0] in ("BEGIN", "COMMIT", "ROLLBACK")]
    # the update, then the log entries (written at once for a change), each in one transaction
    assert verbs == ["BEGIN", "COMMIT", "BEGIN", "COMMIT"]
    assert asgi_call(app, "GET", volume_path, headers={"X-Auth-Token": token})[2]["volume"]["name"] == "renamed"


def test_a_list_still_drops_the_rows_whose_delete_completed(app):
    token = login(app)
    assert asgi_call(app, "PUT", "/_emulator/timings", {"volume.create": 0, "volume.delete": 0})[0] == 200
    volume_id = create_volume(app, token)
    assert asgi_call(app, "DELETE", f"/evs/v2/{PID}/volumes/{volume_id}", headers={"X-Auth-Token": token})[0] == 202
    assert app.emulator.store.list("volume") != []  # the deleted row waits for the next list
    listed = asgi_call(app, "GET", f"/evs/v2/{PID}/volumes/detail", headers={"X-Auth-Token": token})[2]
    assert listed["volumes"] == [] and app.emulator.store.list("volume") == []


def test_request_ids_are_unique_version_4_uuids(app):
    token = login(app)
    zones = f"/evs/v2/{PID}/os-availability-zone"
    answered = [asgi_call(app, "GET", zones, headers={"X-Auth-Token": token})[1][b"x-request-id"].decode()
                for _ in range(50)]
    assert len(set(answered)) == 50
    for request_id in answered:
        assert request_id.startswith("req-")
        parsed = uuid.UUID(request_id[4:])
        assert (str(parsed), parsed.version, parsed.variant) == (request_id[4:], 4, uuid.RFC_4122)
    assert [r["request_id"] for r in app.emulator.store.requests()][1:] == answered
