"""Who is calling: Keystone tokens and AK/SK signatures, shared by every service."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from starlette.requests import Request

from . import errors, signing
from .clock import iso_z
from .config import Tenant

TOKEN_KIND = "token"
# The API Gateway checks X-Sdk-Date against its own time before any service, IAM included, sees
# the request; it answers with both times (see emulator/README.md, "AK/SK clock skew").
SIGNATURE_EXPIRED = "calc ak sk signature fail:signature expired"
# The gateway's reasons for the other refusals, in its words: OTC API Gateway FAQ "Common Errors
# Related to IAM Authentication Information" (an unknown AK: "Get secretKey failed,ak:...,err:ak
# not exist"; a token it cannot read: "decrypt token fail"; a wrong SK: "verify aksk signature
# fail") and Huawei Cloud's "How Do I Handle the Error APIG.0301?" (an expired token: "token
# expires, expires_at: ..."). See emulator/README.md, "keystone: gateway refusals".
UNKNOWN_ACCESS_KEY = "Get secretKey failed,ak:{ak},err:ak not exist"
TOKEN_UNREADABLE = "decrypt token fail"
TOKEN_EXPIRED = "token expires, expires_at: {expires_at}"
# A domain-scoped token on a project-level service: Huawei Cloud MPC FAQ "Why Is a Message
# Displayed Indicating that the Token Is Invalid When I Call an API?" (the token's scope was the
# domain); the gateway's exact words are not documented, these are chosen.
TOKEN_NOT_PROJECT_SCOPED = "token is not scoped to a project, and this API belongs to a project"


@dataclass(frozen=True)
class Principal:
    user_id: str
    domain_id: str
    project_id: str | None
    method: str  # "token" or "aksk"
    tenant: Tenant


def request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def note_principal(request: Request, principal: Principal) -> None:
    """Let the request log know who called (it never sees the credentials)."""
    state = request.scope.setdefault("state", {})
    state["project_id"] = principal.project_id
    state["user_id"] = principal.user_id


# -- tokens ----------------------------------------------------------------
def _token_key(token: str) -> str:
    # Only a hash of the token is stored, so the state dir holds no usable secret.
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_string() -> str:
    return "MII" + base64.urlsafe_b64encode(secrets.token_bytes(180)).decode().rstrip("=")


def save_token(emu, token: str, record: dict) -> None:
    emu.store.put(TOKEN_KIND, _token_key(token), record, project_id=record.get("project_id"))


def find_token(emu, token: str | None) -> dict | None:
    """The stored token record when the token is known, not revoked and not expired."""
    record = stored_token(emu, token)
    if not record or record["expires_at"] <= emu.now():
        return None
    return record


def stored_token(emu, token: str | None) -> dict | None:
    """The stored record of a token that was issued and not revoked, expired or not."""
    if not token:
        return None
    key = _token_key(token)
    record = emu.token_records.get(key)
    if record is None:
        record = emu.store.get(TOKEN_KIND, key)
        if record is None:
            return None
        emu.remember_token(key, record)
    return None if record.get("revoked") else record


def revoke_token(emu, token: str) -> bool:
    record = find_token(emu, token)
    if record is None:
        return False
    emu.forget_token(_token_key(token))  # read again from the store (also if this transaction rolls back)
    emu.store.put(TOKEN_KIND, _token_key(token), record | {"revoked": True}, project_id=record.get("project_id"))
    return True


# -- request authentication ------------------------------------------------
async def authenticate(request: Request, emu, path_project_id: str | None,
                       mismatch: errors.ApiError | None = None) -> Principal:
    """Authenticate by AK/SK signature or X-Auth-Token; enforce the project in the path.

    A caller acting on another project's path gets `mismatch` (403 by default).
    """
    authorization = request.headers.get("authorization")
    if signing.is_signed(authorization):
        principal = await _authenticate_signature(request, emu, path_project_id)
    else:
        principal = _authenticate_token(request, emu)
    note_principal(request, principal)
    if path_project_id is not None and principal.project_id is None:
        raise errors.unauthenticated(TOKEN_NOT_PROJECT_SCOPED, request_id(request))
    if path_project_id is not None and principal.project_id != path_project_id:
        raise mismatch or project_mismatch()
    return principal


def project_mismatch() -> errors.ApiError:
    return errors.fault(403, "Policy doesn't allow this operation: the credentials are not scoped to the project "
                             "in the URL.")


def _authenticate_token(request: Request, emu) -> Principal:
    token = request.headers.get("x-auth-token")
    if not token:
        raise errors.unauthenticated("x-auth-token not found in header", request_id(request))
    record = stored_token(emu, token)
    if record is None:
        raise errors.unauthenticated(TOKEN_UNREADABLE, request_id(request))
    if record["expires_at"] <= emu.now():
        raise errors.unauthenticated(TOKEN_EXPIRED.format(expires_at=iso_z(record["expires_at"])), request_id(request))
    tenant = emu.config.tenant_by_user_id(record["user_id"])
    return Principal(record["user_id"], record["domain_id"], record.get("project_id"), "token", tenant)


async def _authenticate_signature(request: Request, emu, path_project_id: str | None) -> Principal:
    body = await request.body()
    signed = signing.SignedRequest(
        method=request.method,
        raw_path=request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0],
        query_string=request.scope.get("query_string", b"").decode("latin-1"),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )

    def secret_for(ak: str) -> str | None:
        tenant = emu.config.tenant_by_access_key(ak)
        return tenant.user["secret_key"] if tenant else None

    try:
        ak = signing.verify(signed, secret_for, emu.now(), emu.config.aksk_max_skew)
    except signing.SignatureExpired as exc:
        raise errors.unauthenticated(f"{SIGNATURE_EXPIRED}, signature time:{exc.sdk_date},server time:{exc.server_date}",
                                     request_id(request)) from None
    except signing.UnknownAccessKey as exc:
        raise errors.unauthenticated(UNKNOWN_ACCESS_KEY.format(ak=exc.access_key), request_id(request)) from None
    except signing.SignatureError:
        raise errors.unauthenticated("verify aksk signature fail", request_id(request)) from None
    tenant = emu.config.tenant_by_access_key(ak)
    project_id = request.headers.get("x-project-id") or path_project_id
    if project_id and emu.config.tenant_by_project_id(project_id) not in (tenant,):
        # The key's owner has no role in that project: the gateway refuses it.
        raise project_mismatch()
    return Principal(tenant.user["id"], tenant.domain["id"], project_id, "aksk", tenant)
