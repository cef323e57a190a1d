"""The cloud's error bodies, one constructor per style.

- Keystone (`/v3/auth/...`): {"error": {"code": 401, "title": "...", "message": "..."}}
- API gateway (auth, throttling): {"error_msg", "error_code": "APIGW.xxxx", "request_id"}
- EVS documented codes: {"error": {"message", "code": "EVS.xxxx"}}
- Cinder / Nova faults without a documented EVS code: {"badRequest": {"message", "code": 400}}
"""

from __future__ import annotations

from http import HTTPStatus


class ApiError(Exception):
    """An answer the cloud gives instead of a result."""

    def __init__(self, status: int, body: dict | None, headers: dict | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


FAULT_NAMES = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound",
    405: "badMethod", 409: "conflictingRequest", 413: "overLimit", 500: "computeFault",
    503: "serviceUnavailable",
}


def fault(status: int, message: str, **extra) -> ApiError:
    """OpenStack wrapped fault, code is the HTTP status as an integer."""
    return ApiError(status, {FAULT_NAMES[status]: {"message": message, "code": status, **extra}})


def bad_request(message: str) -> ApiError:
    return fault(400, message)


def not_found(message: str) -> ApiError:
    return fault(404, message)


def evs_error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, {"error": {"message": message, "code": code}})


def keystone_error(status: int, message: str) -> ApiError:
    title = HTTPStatus(status).phrase
    return ApiError(status, {"error": {"code": status, "title": title, "message": message}})


def gateway_error(status: int, code: str, message: str, request_id: str | None = None,
                  headers: dict | None = None) -> ApiError:
    return ApiError(status, {"error_msg": message, "error_code": code, "request_id": request_id}, headers)


def unauthenticated(reason: str, request_id: str | None = None) -> ApiError:
    return gateway_error(401, "APIGW.0301", f"Incorrect IAM authentication information: {reason}", request_id)


def throttled(request_id: str | None, retry_after: float) -> ApiError:
    return gateway_error(429, "APIGW.0308", "The request is throttled.", request_id,
                         {"Retry-After": str(int(retry_after) if float(retry_after).is_integer() else retry_after)})
