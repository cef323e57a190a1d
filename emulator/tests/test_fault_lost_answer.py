"""A lost answer: the cloud did the work, the client never heard back."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlparse

import pytest


def test_drop_answer_creates_the_volume_but_sends_no_answer(admin, alice):
    admin.zero_timings()
    admin.add_fault(method="POST", path="/volumes$", drop_answer=True, count=1)
    target = urlparse(alice.evs("/volumes"))
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    body = json.dumps({"volume": {"name": "lost", "size": 10, "availability_zone": "eu-de-01"}})
    connection.request("POST", target.path, body=body,
                       headers={"X-Auth-Token": alice.token, "Content-Type": "application/json"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()

    listed = alice.call("GET", alice.evs("/volumes/detail?name=lost")).body["volumes"]
    assert [v["name"] for v in listed] == ["lost"]
    posts = admin.requests(path="/volumes$", method="POST")
    assert [r["status"] for r in posts] == [0]
