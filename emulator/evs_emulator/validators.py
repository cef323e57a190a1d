"""Checks on request values that every service makes, each answering the service's own error.

The rules are shared; the answers are not: each service passes the error it gives (`invalid`,
a constructor from message to `errors.ApiError`, or a ready `ApiError`), so CBR answers
`BackupService.0002`, SDRS `SDRS.0201` and Cinder a `badRequest`, with the messages they always
had. A check returns the value as stored (a description that is absent is stored as "").
"""

from __future__ import annotations

import re
from typing import Callable

from starlette.requests import Request

from .errors import ApiError
from .web import read_json, required_object

Invalid = Callable[[str], ApiError]


def is_whole_number_in(value, low: int, high: int) -> bool:
    """An int (JSON booleans are not numbers here) within low..high."""
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def is_name(value, pattern: re.Pattern) -> bool:
    return isinstance(value, str) and pattern.match(value) is not None


def name(value, pattern: re.Pattern, error: ApiError) -> str:
    if not is_name(value, pattern):
        raise error
    return value


def optional_text(value, max_length: int, error: ApiError, in_bytes: bool = False, forbidden: str = "") -> str:
    """A free text (a description) of at most `max_length` characters (or UTF-8 bytes) without
    any of the `forbidden` characters; absent is the empty text."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.encode() if in_bytes else value) > max_length \
            or any(c in value for c in forbidden):
        raise error
    return value


def boolean(value, field: str, invalid: Invalid) -> bool:
    """A JSON boolean, strictly (the CBR/SDRS style; Cinder's lenient one is web.bool_value)."""
    if not isinstance(value, bool):
        raise invalid(f"Invalid {field}: a boolean is expected.")
    return value


def tag_list(value, field: str, invalid: Invalid, max_tags: int | None = 20) -> list:
    """[{key, value}] with string keys, at most `max_tags` (None: any number); values are stored
    as strings."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, dict) and isinstance(t.get("key"), str) for t in value):
        raise invalid(f"Invalid {field}: a list of {{key, value}} is expected.")
    if max_tags is not None and len(value) > max_tags:
        raise invalid(f"Invalid {field}: at most {max_tags} tags.")
    return [{"key": t["key"], "value": str(t.get("value", ""))} for t in value]


def changed(current: dict, spec: dict, checks: dict[str, Callable]) -> dict:
    """`current` with every field of an update `spec` that `checks` names, each checked by its
    function (in the order of `checks`, so the first bad field is the one answered); fields the
    update leaves out keep their values."""
    return current | {field: check(spec[field]) for field, check in checks.items() if field in spec}


async def request_object(request: Request, key: str | None, invalid: Invalid) -> dict:
    """The JSON object of the request body, or its member `key` (which must be an object)."""
    data = await read_json(request, invalid)
    return data if key is None else required_object(data, key, invalid)
