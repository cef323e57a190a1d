"""The /_emulator/ API: clock, timings, faults, outages, request log, disks, reset."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlparse

import pytest

from evs_emulator.testing import http as call


def test_clock_advance_set_freeze(admin):
    before = admin.clock()
    assert before["frozen"] is False and abs(before["offset"]) < 1
    after = admin.advance(3600)
    assert 3599 < after["epoch"] - before["epoch"] < 3610
    frozen = admin.freeze()
    time.sleep(0.01)  # wall time passes; a frozen emulator clock must not
    assert admin.clock()["epoch"] == frozen["epoch"]
    assert admin.set_time("2031-01-02T03:04:05Z")["now"] == "2031-01-02T03:04:05.000000Z"
    admin.advance(1.5)
    assert admin.clock()["now"] == "2031-01-02T03:04:06.500000Z"
    thawed = admin.unfreeze()
    assert thawed["frozen"] is False and thawed["epoch"] >= frozen["epoch"]
    assert call("POST", f"{admin.base_url}/_emulator/clock/advance", {"seconds": "x"}).status == 400


def test_timings_merge_and_refuse_unknown_names(admin):
    defaults = admin.timings()
    assert defaults["volume.create"] == 5 and defaults["snapshot.rollback"] == 5
    merged = admin.set_timings({"snapshot.create": 0})
    assert merged["snapshot.create"] == 0 and merged["volume.create"] == 5
    answer = call("PUT", f"{admin.base_url}/_emulator/timings", {"volume.teleport": 1})
    assert answer.status == 400 and "volume.teleport" in answer.body["error"]


def test_fault_status_count_and_retry_after(admin, alice):
    fault_id = admin.add_fault(method="GET", path=r"/volumes$", status=503, count=2, retry_after=2)
    assert [f["id"] for f in admin.faults()] == [fault_id]
    for _ in range(2):
        answer = alice.call("GET", alice.evs("/volumes"))
        assert answer.status == 503 and answer.header("retry-after") == "2"
        assert answer.header("date") and answer.header("x-request-id")
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    assert admin.faults() == []


def test_throttling_fault_is_the_gateway_429(admin, alice):
    admin.add_fault(method="*", path="/evs/", status=429)
    answer = alice.call("GET", alice.evs("/volumes"))
    assert answer.status == 429
    assert answer.body["error_code"] == "APIGW.0308"
    assert answer.header("retry-after") == "1"
    assert call("GET", f"{admin.base_url}/_emulator/health").status == 200  # admin is never faulted


def test_fault_probability_and_custom_body(admin, alice):
    never = admin.add_fault(path="/volumes", status=500, probability=0)
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    admin.clear_faults(never)
    admin.add_fault(path="/volumes", status=500, probability=1, body={"error": {"code": "EVS.2002", "message": "x"}})
    answer = alice.call("GET", alice.evs("/volumes"))
    assert answer.status == 500 and answer.body == {"error": {"code": "EVS.2002", "message": "x"}}
    admin.clear_faults()
    assert alice.call("GET", alice.evs("/volumes")).status == 200


def test_fault_latency_passes_the_request_through(admin, alice):
    admin.add_fault(path="/volumes", latency=0.2)
    started = time.monotonic()
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    assert time.monotonic() - started >= 0.2


def test_fault_barrier_holds_requests_until_the_last_one_arrives(admin, alice):
    import threading
    admin.add_fault(method="GET", path="/volumes$", barrier=2, count=2)
    answers = []
    first = threading.Thread(target=lambda: answers.append(alice.call("GET", alice.evs("/volumes")).status))
    first.start()
    first.join(0.5)  # allowed-sleep: proving a request is held, not waiting for a cloud timing
    assert first.is_alive() and answers == [], "the first request was answered before the second arrived"
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    first.join(10)
    assert answers == [200]
    assert alice.call("GET", alice.evs("/volumes")).status == 200  # the rule is used up


def test_fault_barrier_lets_a_lone_request_go_after_its_timeout(admin, alice):
    admin.add_fault(method="GET", path="/volumes$", barrier=2, barrier_timeout=0.2)
    started = time.monotonic()
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    assert time.monotonic() - started >= 0.2


def test_fault_drop_closes_the_connection_without_an_answer(admin, alice):
    admin.add_fault(path="/volumes", drop=True, count=1)
    target = urlparse(alice.evs("/volumes"))
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    connection.request("GET", target.path, headers={"X-Auth-Token": alice.token})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()
    assert alice.call("GET", alice.evs("/volumes")).status == 200
    dropped = admin.requests(path="/volumes$", method="GET")
    assert [r["status"] for r in dropped] == [0, 200]


def test_invalid_fault_rules_are_refused(admin):
    base = f"{admin.base_url}/_emulator/faults"
    assert call("POST", base, {"path": "("}).status == 400
    assert call("POST", base, {"path": "x"}).status == 400
    assert call("POST", base, {"status": 503, "colour": "red"}).status == 400
    for barrier in (1, True, "2", 2.5):
        assert call("POST", base, {"barrier": barrier}).status == 400, barrier
    assert call("POST", base, {"barrier": 2, "barrier_timeout": 0}).status == 400


def test_az_outage(admin, alice):
    admin.zero_timings()
    down = alice.create_volume(zone="eu-de-01", name="down")
    up = alice.create_volume(zone="eu-de-02", name="up")
    admin.start_outage("eu-de-01")
    assert call("GET", f"{admin.base_url}/_emulator/outages").body == {"outages": ["eu-de-01"]}
    shown = alice.call("GET", alice.evs(f"/volumes/{down['id']}"))
    assert shown.status == 500 and shown.body["error"]["code"] == "EVS.2002"
    assert alice.call("GET", alice.evs(f"/volumes/{up['id']}")).status == 200
    created = alice.call("POST", alice.evs("/volumes"), {"volume": {"size": 10, "availability_zone": "eu-de-01"}})
    assert created.status == 500
    listed = {v["name"]: v["status"] for v in alice.call("GET", alice.evs("/volumes/detail")).body["volumes"]}
    assert listed == {"down": "error", "up": "available"}
    admin.end_outage("eu-de-01")
    assert alice.volume(down["id"])["status"] == "available"


def test_request_log_filters_and_never_holds_secrets(admin, alice):
    admin.clear_requests()
    volume = alice.create_volume()
    alice.call("GET", alice.evs(f"/volumes/{volume['id']}"))
    alice.call("GET", alice.evs("/volumes?limit=5"))
    everything = admin.requests()
    assert [(r["method"], r["status"], r["service"]) for r in everything] == [
        ("POST", 202, "evs"), ("GET", 200, "evs"), ("GET", 200, "evs")]
    assert everything[2]["query"] == "limit=5"
    assert all(r["project_id"] == alice.project_id and r["user_id"] for r in everything)
    assert [r["method"] for r in admin.requests(mutating=True)] == ["POST"]
    assert len(admin.requests(mutating=False)) == 2
    assert len(admin.requests(path=r"/volumes/[0-9a-f-]+$")) == 1
    assert admin.requests(since_seq=everything[1]["seq"]) == everything[2:]
    assert admin.requests(project_id="other") == []
    text = str(call("GET", f"{admin.base_url}/_emulator/requests").body)
    assert alice.token not in text and "password" not in text


def test_login_is_logged_but_not_mutating(admin, base_url, alice):
    logins = admin.requests(path="/auth/tokens")
    assert logins and all(r["mutating"] is False for r in logins)
    assert admin.requests(service="admin") == []


def test_disk_api(admin, alice):
    admin.zero_timings()
    vid = alice.create_volume()["id"]
    assert admin.write_disk(vid, {"0": "a", "7": "h"}) == {"0": "a", "7": "h"}
    assert admin.write_disk(vid, {"0": None, "1": "b"}, merge=True) == {"1": "b", "7": "h"}
    assert admin.disk(vid) == {"1": "b", "7": "h"}
    url = f"{admin.base_url}/_emulator/disks"
    assert call("GET", f"{url}/missing").status == 404
    assert call("PUT", f"{url}/{vid}", {"blocks": {"x": "y"}}).status == 400


def test_reset_returns_to_the_seed(admin, alice):
    alice.create_volume()
    admin.add_fault(path="/nothing", status=500)
    admin.start_outage("eu-de-03")
    admin.set_timings({"volume.create": 0})
    admin.advance(1000)
    admin.freeze()
    admin.reset()
    assert admin.faults() == [] and call("GET", f"{admin.base_url}/_emulator/outages").body["outages"] == []
    assert admin.timings()["volume.create"] == 5
    clock = admin.clock()
    assert clock["frozen"] is False and abs(clock["offset"]) < 1
    assert admin.requests() == []
    assert alice.call("GET", alice.evs("/volumes")).status == 401  # tokens are gone too


def test_unknown_paths_and_methods_answer_the_gateway_404(admin, alice):
    for method, url in [("GET", alice.evs("/nothing")), ("PATCH", alice.evs("/volumes")),
                        ("GET", f"{alice.base_url}/nowhere")]:
        answer = alice.call(method, url)
        assert answer.status == 404
        assert answer.body["error_code"] == "APIGW.0101"
    assert call("GET", f"{admin.base_url}/_emulator/nothing").status == 404
