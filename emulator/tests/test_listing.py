"""Property tests of Cinder paging and of the canonical query against the reference signer."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlparse

from hypothesis import given, settings
from hypothesis import strategies as st
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from starlette.datastructures import QueryParams

from evs_emulator import signing
from evs_emulator.listing import ListRules, page, sort_items

RULES = ListRules(sort_keys=("created_at", "id", "size"), default_sort_key="created_at")


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), max_size=25), limit=st.integers(1, 7),
       direction=st.sampled_from(["asc", "desc"]), key=st.sampled_from(["created_at", "size"]))
def test_following_next_links_returns_every_item_once_in_order(sizes, limit, direction, key):
    items = [{"id": f"id-{i:03d}", "created_at": f"2026-01-01T00:00:0{i % 3}", "size": s}
             for i, s in enumerate(sizes)]
    query = QueryParams({"limit": str(limit), "sort_dir": direction, "sort_key": key})
    ordered = sort_items(items, query, RULES)
    seen = []
    while True:
        chosen, links = page(ordered, query, RULES, "http://h/volumes")
        seen += chosen
        assert len(chosen) <= limit
        if not links:
            break
        query = QueryParams(parse_qsl(urlparse(links[0]["href"]).query))
        ordered = sort_items(items, query, RULES)
    assert seen == ordered
    values = [(item[key], item["id"]) for item in seen]
    assert values == sorted(values, reverse=direction == "desc")


query_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="&=#%+"),
                     max_size=6)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(query_text.filter(bool), query_text), max_size=5))
def test_canonical_query_matches_the_reference_signer(pairs):
    request = SdkRequest(method="GET", schema="http", host="h", resource_path="/", query_params=list(pairs),
                         header_params={})
    Signer.process_request_uri(request)
    sent = request.uri.split("?", 1)[1] if "?" in request.uri else ""
    assert signing.canonical_query(sent) == Signer.process_canonical_query_string(
        SdkRequest(method="GET", schema="http", host="h", resource_path="/", query_params=list(pairs),
                   header_params={}))
