"""The SDK-HMAC-SHA256 verifier against huaweicloudsdkcore's own Signer."""

from __future__ import annotations

import json

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from evs_emulator import signing
from evs_emulator.clock import parse_sdk_date

AK, SK = "AKTEST0000000000001", "skTest00000000000000000000000000000001"
SDK_DATE = "20260101T120000Z"
NOW = parse_sdk_date(SDK_DATE)


def huawei_signed(method="GET", path="/evs/v2/p1/volumes/detail", query=None, body=b"", headers=None):
    """Sign with the reference signer; return what the server receives."""
    header_params = {"X-Sdk-Date": SDK_DATE, "X-Project-Id": "p1", "Content-Type": "application/json"}
    header_params.update(headers or {})
    request = SdkRequest(method=method, schema="http", host="127.0.0.1:8080", resource_path=path,
                         query_params=list((query or {}).items()), header_params=header_params, body=body)
    Signer(BasicCredentials(AK, SK)).sign(request)
    received = {k.lower(): v for k, v in request.header_params.items()}
    query_string = request.uri.split("?", 1)[1] if "?" in request.uri else ""
    return signing.SignedRequest(method, path, query_string, received, body if isinstance(body, bytes) else body.encode())


def secret_for(ak):
    return SK if ak == AK else None


def verify(req, now=NOW):
    return signing.verify(req, secret_for, now, 900)


@pytest.mark.parametrize("method,path,query,body", [
    ("GET", "/evs/v2/p1/volumes/detail", None, b""),
    ("GET", "/v2/p1/cloudvolumes/detail", {"limit": 2, "name": "a b", "status": "available"}, b""),
    ("POST", "/evs/v2/p1/volumes", None, json.dumps({"volume": {"size": 10}}).encode()),
    ("DELETE", "/evs/v3/p1/volumes/abc", {"cascade": "true"}, b""),
    ("GET", "/identity/v3/auth/catalog", None, b""),
    ("GET", "/identity/v3/projects", {"name": "eu-de"}, b""),
])
def test_reference_signatures_are_accepted(method, path, query, body):
    assert verify(huawei_signed(method, path, query, body)) == AK


def test_known_vector_matches_the_reference_signer():
    req = huawei_signed("POST", "/evs/v2/p1/snapshots", None, b'{"snapshot": {"volume_id": "v"}}')
    canonical = signing.canonical_request(req, ["content-type", "host", "x-project-id", "x-sdk-date"])
    expected = signing.sign(SK, signing.string_to_sign(canonical, SDK_DATE))
    assert req.headers["authorization"].endswith(f"Signature={expected}")
    assert signing.canonical_uri("/evs/v2/p1/snapshots") == "/evs/v2/p1/snapshots/"


def test_canonical_query_sorts_and_encodes():
    assert signing.canonical_query("b=2&a=x%20y&a=1&c") == "a=1&a=x%20y&b=2&c="


def _tampered(req, **changes):
    return signing.SignedRequest(**{**req.__dict__, **changes})


@pytest.mark.parametrize("change", [
    {"method": "DELETE"},
    {"raw_path": "/evs/v2/p2/volumes/detail"},
    {"query_string": "limit=1000"},
    {"body": b'{"volume": {"size": 20}}'},
])
def test_tampered_requests_are_refused(change):
    req = huawei_signed("GET", "/evs/v2/p1/volumes/detail", None, b"")
    if "body" in change:
        req = huawei_signed("POST", "/evs/v2/p1/volumes", None, b'{"volume": {"size": 10}}')
    with pytest.raises(signing.SignatureError):
        verify(_tampered(req, **change))


def test_tampered_signed_header_is_refused():
    req = huawei_signed()
    headers = dict(req.headers, **{"x-project-id": "p2"})
    with pytest.raises(signing.SignatureError):
        verify(_tampered(req, headers=headers))


def test_wrong_secret_unknown_key_and_stale_date_are_refused():
    req = huawei_signed()
    with pytest.raises(signing.SignatureError):
        signing.verify(req, lambda ak: "other-secret", NOW, 900)
    with pytest.raises(signing.SignatureError):
        signing.verify(req, lambda ak: None, NOW, 900)
    with pytest.raises(signing.SignatureError, match="too far"):
        verify(req, now=NOW + 901)
    assert verify(req, now=NOW + 899) == AK


def test_host_and_date_must_be_signed():
    req = huawei_signed()
    auth = req.headers["authorization"].replace("content-type;host;x-project-id;x-sdk-date",
                                                "content-type;x-project-id;x-sdk-date")
    with pytest.raises(signing.SignatureError, match="must be signed"):
        verify(_tampered(req, headers=dict(req.headers, authorization=auth)))


def test_unsigned_payload_header_is_honoured():
    req = huawei_signed("POST", "/evs/v2/p1/volumes", None, b"raw-bytes",
                        headers={"Content-Type": "application/octet-stream"})
    assert req.headers["x-sdk-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert verify(req) == AK
    assert verify(_tampered(req, body=b"other-bytes")) == AK  # the body is not covered, as in the cloud
