"""Verification of SDK-HMAC-SHA256 ("APIG") signed requests, as the Huawei SDK signs them.

CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
SignedHeaders \n PayloadHash; StringToSign = "SDK-HMAC-SHA256" \n X-Sdk-Date \n
hex(sha256(CanonicalRequest)); Signature = hex(HMAC-SHA256(SK, StringToSign)).
The URI is the path exactly as the client sent it (including any prefix in front of the
service path), since that is what the client signed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import parse_qsl, quote, unquote

from .clock import parse_sdk_date

ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+),\s*SignedHeaders=(?P<headers>[^,\s]+),"
    r"\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


class SignatureError(Exception):
    """The request is not correctly signed; the message says why (not shown to clients)."""


class SignatureExpired(SignatureError):
    """X-Sdk-Date is further from the gateway's time than it allows: the one refusal whose reason
    the gateway tells the client (both times, as the API Gateway does), since only the client's
    clock can fix it."""

    def __init__(self, sdk_date: str, now: float):
        super().__init__("X-Sdk-Date too far from server time")
        self.sdk_date = sdk_date
        self.server_date = time.strftime(SDK_DATE_FORMAT, time.gmtime(now))


class UnknownAccessKey(SignatureError):
    """No key pair has this access key id: the gateway names the key it could not find."""

    def __init__(self, access_key: str):
        super().__init__("unknown access key")
        self.access_key = access_key


@dataclass(frozen=True)
class SignedRequest:
    method: str
    raw_path: str          # percent-encoded path as received, without the query
    query_string: str      # raw query string as received
    headers: Mapping[str, str]  # lower-case names
    body: bytes


def is_signed(authorization: str | None) -> bool:
    return bool(authorization) and authorization.startswith(ALGORITHM)


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_uri(raw_path: str) -> str:
    uri = "/".join(_encode(segment) for segment in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query_string: str) -> str:
    pairs = sorted(parse_qsl(query_string, keep_blank_values=True))
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def payload_hash(headers: Mapping[str, str], body: bytes) -> str:
    if not body:
        return EMPTY_HASH
    return headers.get("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()


def canonical_request(req: SignedRequest, signed_headers: list[str]) -> str:
    header_block = "".join(f"{name}:{req.headers.get(name, '').strip()}\n" for name in signed_headers)
    return "\n".join([
        req.method.upper(), canonical_uri(req.raw_path), canonical_query(req.query_string),
        header_block, ";".join(signed_headers), payload_hash(req.headers, req.body),
    ])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def sign(secret_key: str, text: str) -> str:
    return hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def verify(req: SignedRequest, secret_for: Callable[[str], str | None], now: float, max_skew: float) -> str:
    """Return the access key of a correctly signed request, else raise SignatureError."""
    match = _AUTH_RE.match(req.headers.get("authorization", ""))
    if not match:
        raise SignatureError("malformed Authorization header")
    signed_headers = match["headers"].split(";")
    if "host" not in signed_headers or "x-sdk-date" not in signed_headers:
        raise SignatureError("host and x-sdk-date must be signed")
    missing = [h for h in signed_headers if h not in req.headers]
    if missing:
        raise SignatureError(f"signed headers missing from request: {missing}")
    sdk_date = req.headers.get("x-sdk-date", "")
    try:
        signed_at = parse_sdk_date(sdk_date)
    except ValueError:
        raise SignatureError("malformed X-Sdk-Date") from None
    if abs(now - signed_at) > max_skew:
        raise SignatureExpired(sdk_date, now)
    secret = secret_for(match["ak"])
    if secret is None:
        raise UnknownAccessKey(match["ak"])
    expected = sign(secret, string_to_sign(canonical_request(req, signed_headers), sdk_date))
    if not hmac.compare_digest(expected, match["sig"].lower()):
        raise SignatureError("signature mismatch")
    return match["ak"]
