"""Cinder/Nova style list queries: filters, sort_key/sort_dir, limit/marker paging, next links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from . import errors

Invalid = Callable[[str], errors.ApiError]


@dataclass(frozen=True)
class ListRules:
    sort_keys: tuple[str, ...]
    default_sort_key: str
    max_limit: int = 1000
    bad_limit: Invalid = errors.bad_request
    bad_marker: Invalid = errors.bad_request
    bad_sort_key: Invalid = errors.bad_request
    bad_sort_dir: Invalid = errors.bad_request


def filter_items(items: list[dict], query, exact_fields: tuple[str, ...]) -> list[dict]:
    """Keep items whose fields equal every given query parameter of `exact_fields`."""
    for field in exact_fields:
        wanted = query.get(field)
        if wanted is not None:
            items = [item for item in items if str(item.get(field)) == wanted]
    return items


def filter_metadata(items: list[dict], wanted: dict) -> list[dict]:
    return [item for item in items if all((item.get("metadata") or {}).get(k) == v for k, v in wanted.items())]


def _limit(query, rules: ListRules) -> int | None:
    raw = query.get("limit")
    if raw is None:
        return None
    try:
        limit = int(raw)
    except ValueError:
        raise rules.bad_limit(f"Invalid limit '{raw}': must be an integer.") from None
    if not 1 <= limit <= rules.max_limit:
        raise rules.bad_limit(f"Invalid limit '{raw}': must be within 1..{rules.max_limit}.")
    return limit


def sort_items(items: list[dict], query, rules: ListRules) -> list[dict]:
    key = query.get("sort_key", rules.default_sort_key)
    direction = query.get("sort_dir", "desc")
    if key not in rules.sort_keys:
        raise rules.bad_sort_key(f"Invalid sort_key '{key}'.")
    if direction not in ("asc", "desc"):
        raise rules.bad_sort_dir(f"Invalid sort_dir '{direction}'.")
    # The id breaks ties so that marker paging is stable when many items share a timestamp.
    return sorted(items, key=lambda item: (item.get(key) is None, item.get(key), item["id"]),
                  reverse=direction == "desc")


def page(items: list[dict], query, rules: ListRules, collection_url: str) -> tuple[list[dict], list[dict]]:
    """One page after `marker`, and the `rel: next` link when more remain."""
    limit = _limit(query, rules)
    marker = query.get("marker")
    if marker is not None:
        position = next((i for i, item in enumerate(items) if item["id"] == marker), None)
        if position is None:
            raise rules.bad_marker(f"Invalid marker '{marker}': marker not found.")
        items = items[position + 1:]
    offset = query.get("offset")
    if offset is not None and marker is None:
        try:
            items = items[max(int(offset), 0):]
        except ValueError:
            raise errors.bad_request(f"Invalid offset '{offset}'.") from None
    size = limit if limit is not None else rules.max_limit
    chosen, more = items[:size], len(items) > size
    links = []
    if more and chosen:
        params = [(k, v) for k, v in query.multi_items() if k not in ("marker", "offset")]
        if limit is None:
            params.append(("limit", str(size)))
        params.append(("marker", chosen[-1]["id"]))
        links.append({"href": f"{collection_url}?{urlencode(params)}", "rel": "next"})
    return chosen, links
