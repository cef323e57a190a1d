"""A signature whose X-Sdk-Date is outside the gateway's 15 minutes gets the gateway's answer
with both times, on every service, IAM included (README: "AK/SK clock skew"); signed by the
reference signer (huaweicloudsdkcore) with the wall clock while the emulator's clock is elsewhere."""

from __future__ import annotations

import time

import pytest

from test_independent_clients import send, signed


def frozen_at(admin, offset: float) -> str:
    """Freeze the emulator's clock ``offset`` seconds from the wall clock; its time as X-Sdk-Date."""
    epoch = int(time.time() + offset)
    admin.set_time(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)))
    admin.freeze()
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


@pytest.mark.parametrize("offset", [16 * 60, -3600], ids=["signer-behind", "signer-ahead"])
@pytest.mark.parametrize("service", ["evs", "identity"])
def test_a_signature_outside_the_window_is_refused_with_both_times(admin, alice, base_url, offset, service):
    server_time = frozen_at(admin, offset)
    url = (f"{base_url}/evs/v2/{alice.project_id}/volumes" if service == "evs"
           else f"{base_url}/identity/v3/auth/catalog")
    request = signed("GET", url)
    answer = send(request)
    assert answer.status_code == 401
    body = answer.json()
    assert body == {
        "error_code": "APIGW.0301",
        "error_msg": "Incorrect IAM authentication information: calc ak sk signature fail:signature expired, "
                     f"signature time:{request.header_params['X-Sdk-Date']},server time:{server_time}",
        "request_id": body["request_id"]}
    assert body["request_id"]


def test_inside_the_window_the_signature_is_accepted(admin, alice, base_url):
    frozen_at(admin, 14 * 60)
    assert send(signed("GET", f"{base_url}/evs/v2/{alice.project_id}/volumes")).status_code == 200
