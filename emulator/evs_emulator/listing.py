"""Every list endpoint's paging, filters and sorting: the one listing path of the emulator.

Two families of list queries, as the clouds answer them:
- Cinder/Nova style (EVS, VBS, ECS): filters, sort_key/sort_dir, limit/marker paging, `next` links.
- offset style (CBR, SDRS): `limit`/`offset` (or a marker), the total as `count`; CBR's
  several-clause `sort`, and `start_time`/`end_time` windows. `OffsetRules` carries the
  service's own answers to bad parameters.

`page_of` reads a list from the store page by page: SQL selects the rows of the project that
match the filters on stored fields, in the promised order, from just after the marker; only
those rows are settled against the clock and viewed, and the filters on derived fields (status)
apply to them, until the page is full. `filter_items`/`sort_items`/`page` are the same rules
on a list already in memory (small lists, and sorts on fields derived from the clock).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import urlencode

from . import errors
from .clock import parse_iso
from .store import Selection

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


def filter_items(items: list[dict], query, exact_fields: tuple[str, ...], as_text: bool = True) -> list[dict]:
    """Keep items whose fields equal every given query parameter of `exact_fields` (compared as
    text: `?bootable=True` matches True; `as_text=False` compares the stored value itself, so a
    missing or null field matches nothing)."""
    for field in exact_fields:
        wanted = query.get(field)
        if wanted is not None:
            items = [item for item in items if (str(item.get(field)) if as_text else item.get(field)) == wanted]
    return items


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


def _sort(query, rules: ListRules) -> tuple[str, bool]:
    """The sort key and whether it is descending, checked."""
    key = query.get("sort_key", rules.default_sort_key)
    direction = query.get("sort_dir", "desc")
    if key not in rules.sort_keys:
        raise rules.bad_sort_key(f"Invalid sort_key '{key}'.")
    if direction not in ("asc", "desc"):
        raise rules.bad_sort_dir(f"Invalid sort_dir '{direction}'.")
    return key, direction == "desc"


def sort_items(items: list[dict], query, rules: ListRules) -> list[dict]:
    key, descending = _sort(query, rules)
    # The id breaks ties so that marker paging is stable when many items share a timestamp.
    return sorted(items, key=lambda item: (item.get(key) is None, item.get(key), item["id"]), reverse=descending)


def _offset(query) -> int:
    offset = query.get("offset")
    if offset is None or query.get("marker") is not None:
        return 0
    try:
        return max(int(offset), 0)
    except ValueError:
        raise errors.bad_request(f"Invalid offset '{offset}'.") from None


def _next_links(query, limit: int | None, size: int, chosen: list[dict], more: bool, collection_url: str) -> list:
    if not (more and chosen):
        return []
    params = [(k, v) for k, v in query.multi_items() if k not in ("marker", "offset")]
    if limit is None:
        params.append(("limit", str(size)))
    params.append(("marker", chosen[-1]["id"]))
    return [{"href": f"{collection_url}?{urlencode(params)}", "rel": "next"}]


def page(items: list[dict], query, rules: ListRules, collection_url: str) -> tuple[list[dict], list[dict]]:
    """One page after `marker`, and the `rel: next` link when more remain."""
    limit = _limit(query, rules)
    marker = query.get("marker")
    if marker is not None:
        position = next((i for i, item in enumerate(items) if item["id"] == marker), None)
        if position is None:
            raise rules.bad_marker(f"Invalid marker '{marker}': marker not found.")
        items = items[position + 1:]
    items = items[_offset(query):]
    size = limit if limit is not None else rules.max_limit
    chosen, more = items[:size], len(items) > size
    return chosen, _next_links(query, limit, size, chosen, more, collection_url)


# Sort keys whose order SQL can give: stored, never NULL, unchanged by a pending operation (the
# id breaks ties). Others (status, size) come from the clock: those lists are sorted in Python.
SQL_ORDER = {"created_at": ("created_at", "id"), "name": ("name", "id"), "id": ("id",)}


@dataclass(frozen=True)
class Listed:
    """One page of a list, its `rel: next` links, and how many items match (when asked)."""
    items: list[dict]
    links: list[dict]
    count: int | None = None


def page_of(repo, project_id: str, selection: Selection, view: Callable[[dict], dict],
            keep: Callable[[dict], bool], query, rules: ListRules, collection_url: str,
            counted: bool = False, selected_exactly: bool = True) -> Listed:
    """A page of `repo` after `marker` (or `offset`), answered as `page(sort_items(...))` would
    answer on the whole list of views that `keep` keeps, out of the rows `selection` selects.

    `selection` must select at least what `keep` keeps; `selected_exactly` says it selects
    exactly that, so that the count is an SQL COUNT.
    """
    key, descending = _sort(query, rules)
    order = SQL_ORDER.get(key)
    if order is None:
        items = [item for item in (view(body) for _, body in repo.scan(project_id, selection)) if keep(item)]
        items = sort_items(items, query, rules)
        chosen, links = page(items, query, rules, collection_url)
        return Listed(chosen, links, len(items) if counted else None)
    selection = replace(selection, order=order, descending=descending)
    limit = _limit(query, rules)
    after = None
    marker = query.get("marker")
    if marker is not None:
        found = [k for k, body in repo.scan(project_id, replace(selection, equal=selection.equal + (("id", marker),)))
                 if keep(view(body))]
        if not found:
            raise rules.bad_marker(f"Invalid marker '{marker}': marker not found.")
        after = found[0]
    skip = _offset(query)
    size = limit if limit is not None else rules.max_limit
    # Without filters on the views, SQL skips the offset's rows unread.
    offset, skip = (skip, 0) if selected_exactly else (0, skip)
    chosen, more = [], False
    for _, body in repo.scan(project_id, selection, after, batch=min(skip + size + 1, 4096), offset=offset):
        if len(chosen) == size and selected_exactly:
            more = True  # a row follows the page: it would be kept without being viewed
            break
        item = view(body)
        if not keep(item):
            continue
        if skip:
            skip -= 1
            continue
        if len(chosen) == size:
            more = True
            break
        chosen.append(item)
    links = _next_links(query, limit, size, chosen, more, collection_url)
    if not counted:
        return Listed(chosen, links)
    if selected_exactly:
        return Listed(chosen, links, repo.count(project_id, selection))
    return Listed(chosen, links, sum(1 for _, body in repo.scan(project_id, selection) if keep(view(body))))


def filtered_page(repo, project_id: str, view: Callable[[dict], dict], fields: dict[str, str | None], query,
                  rules: ListRules, collection_url: str, metadata: dict | None = None,
                  counted: bool = False, ids: tuple[str, ...] | None = None) -> Listed:
    """`page_of` for Cinder-style exact filters. `fields` maps each query filter to the stored
    column it compares (store.LISTED_COLUMNS): SQL selects on those and on `metadata`; a filter
    without a column (`status`, which the clock and AZ outages change) is applied to the views of
    the selected rows, read lazily until the page is full. `ids` keeps only rows with one of
    those ids (the vendor lists' `ids` filter)."""
    given = {field: column for field, column in fields.items() if query.get(field) is not None}
    selection = Selection(equal=tuple((column, query[field]) for field, column in given.items() if column),
                          metadata=tuple((metadata or {}).items()),
                          among=(("id", ids),) if ids is not None else ())
    on_views = tuple(field for field, column in given.items() if column is None)
    return page_of(repo, project_id, selection, view, lambda item: bool(filter_items([item], query, on_views)),
                   query, rules, collection_url, counted=counted, selected_exactly=not on_views)


# -- offset paging (CBR, SDRS): `limit` and `offset`, the total in `count` ---------------------
@dataclass(frozen=True)
class OffsetRules:
    """How a service with offset paging answers bad paging parameters: `not_numbers` when limit
    or offset is not an integer, `bad_limit(limit, max_limit)` outside 1..max_limit,
    `bad_offset(offset, max_limit)` when negative, `bad_marker(marker)` for a marker not in the list."""
    not_numbers: Callable[[], errors.ApiError]
    bad_limit: Callable[[int, int], errors.ApiError]
    bad_offset: Callable[[int, int], errors.ApiError]
    bad_marker: Callable[[str], errors.ApiError] = lambda marker: errors.bad_request(f"Invalid marker '{marker}'.")
    max_limit: int = 1000

    def limited(self, max_limit: int) -> "OffsetRules":
        return replace(self, max_limit=max_limit)


def offset_paging(query, rules: OffsetRules) -> tuple[int, int]:
    """The (limit, offset) asked for: limit defaults to the maximum, offset to 0."""
    try:
        limit = int(query.get("limit", rules.max_limit))
        offset = int(query.get("offset", 0))
    except ValueError:
        raise rules.not_numbers() from None
    if not 1 <= limit <= rules.max_limit:
        raise rules.bad_limit(limit, rules.max_limit)
    if offset < 0:
        raise rules.bad_offset(offset, rules.max_limit)
    return limit, offset


@dataclass(frozen=True)
class OffsetPage:
    items: list[dict]
    limit: int
    offset: int


def offset_page(items: list[dict], query, rules: OffsetRules, markers: bool = True) -> OffsetPage:
    """One page of `items` (already filtered and ordered): after the `marker` id if given (it
    must be in the list; `markers=False`: a list that ignores markers), else from `offset`."""
    limit, offset = offset_paging(query, rules)
    marker = query.get("marker") if markers else None
    if marker:
        position = next((i for i, item in enumerate(items) if item["id"] == marker), None)
        if position is None:
            raise rules.bad_marker(marker)
        return OffsetPage(items[position + 1:position + 1 + limit], limit, offset)
    return OffsetPage(items[offset:offset + limit], limit, offset)


def sort_by_clauses(items: list[dict], sort: str | None, keys: tuple[str, ...], default: str,
                    invalid: Invalid) -> list[dict]:
    """`sort=key1:asc,key2` (CBR style: several clauses, the first wins; descending unless
    `:asc`), over keys of `keys`; missing values (None) sort last."""
    clauses = [c for c in (sort or default).split(",") if c]
    for clause in reversed(clauses):  # stable sort: the first clause wins
        key, _, direction = clause.partition(":")
        if key not in keys or direction not in ("", "asc", "desc"):
            raise invalid(f"Invalid sort '{clause}'.")
        items = sorted(items, key=lambda b: (b.get(key) is None, b.get(key)), reverse=direction != "asc")
    return items


def time_window(items: list[dict], query, field: str, invalid: Invalid) -> list[dict]:
    """Items whose `field` (epoch) is within the query's `start_time`..`end_time` (ISO 8601)."""
    for bound, keep in (("start_time", lambda item, t: item[field] >= t),
                        ("end_time", lambda item, t: item[field] <= t)):
        if query.get(bound):
            try:
                instant = parse_iso(query[bound])
            except ValueError:
                raise invalid(f"Invalid {bound} '{query[bound]}'.") from None
            items = [item for item in items if keep(item, instant)]
    return items
