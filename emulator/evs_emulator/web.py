"""Small HTTP helpers shared by the services: JSON in and out, URLs as the client sees them."""

from __future__ import annotations

import json
from typing import Callable

from starlette.requests import Request
from starlette.responses import Response

from . import errors

JSON_TYPE = "application/json;charset=UTF-8"


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    content = b"" if body is None else json.dumps(body).encode()
    return Response(content, status_code=status, headers=headers,
                    media_type=JSON_TYPE if body is not None else None)


def empty(status: int) -> Response:
    return Response(b"", status_code=status)


async def read_json(request: Request, invalid: Callable[[str], errors.ApiError] = errors.bad_request) -> dict:
    raw = await request.body()
    if not raw:
        raise invalid("The request body is empty.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        raise invalid("Malformed request body: invalid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("Malformed request body: a JSON object is expected.")
    return data


def required_object(body: dict, key: str, invalid: Callable[[str], errors.ApiError] = errors.bad_request) -> dict:
    value = body.get(key)
    if not isinstance(value, dict):
        raise invalid(f"Missing required element '{key}' in request body.")
    return value


def base_url(request: Request) -> str:
    """Scheme and host the client used, e.g. http://127.0.0.1:8080. Read from the ASGI scope:
    starlette's ``request.url`` parses a whole URL, a tenth of an authenticated GET's time."""
    scope = request.scope
    host = request.headers.get("host")
    if not host:
        server_host, port = scope.get("server") or ("localhost", None)
        host = server_host if port is None else f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{host}"


def mount_url(request: Request) -> str:
    """The URL of the mount point that served the request, e.g. http://h:p/evs/v2."""
    return base_url(request) + request.scope.get("root_path", "")


def query_flag(request: Request, name: str) -> bool:
    """Cinder-style boolean query parameter (`?cascade=true`, `?usage=True`)."""
    return request.query_params.get(name, "").lower() in ("1", "true", "yes", "on")


def bool_value(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    raise errors.bad_request(f"Invalid value '{value}' for {field}: a boolean is expected.")
