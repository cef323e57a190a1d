"""Lists read in SQL (listing.page_of) answer exactly what the in-memory rules answer.

The oracle is the previous algorithm, still in listing.py: every view of the project (read
through a sort on `status`, which lists still sort in Python), then `filter_items`, the
metadata match, `sort_items` and `page`. Each list below is compared with it over filters,
sorts, limits, markers and offsets, with statuses that the clock and an AZ outage change.
"""

from __future__ import annotations

import ast
import json
import sqlite3
from urllib.parse import urlencode

import pytest
from starlette.datastructures import QueryParams

from evs_emulator import errors
from evs_emulator.listing import ListRules, filter_items, page, sort_items
from evs_emulator.store import Selection, Store

RULES = ListRules(sort_keys=("id", "status", "size", "created_at", "name"), default_sort_key="created_at",
                  bad_limit=lambda m: errors.evs_error(400, "EVS.1023", m),
                  bad_marker=lambda m: errors.evs_error(400, "EVS.1024", m))


def expected(views: list[dict], query: str, fields: tuple[str, ...], collection_url: str):
    """(status, items, links) as the in-memory rules answer `query` on `views`."""
    params = QueryParams(query)
    items = filter_items(views, params, fields)
    if params.get("metadata"):
        wanted = json.loads(params["metadata"])
        items = [i for i in items if all(i["metadata"].get(k) == v for k, v in wanted.items())]
    try:
        chosen, links = page(sort_items(items, params, RULES), params, RULES, collection_url)
    except errors.ApiError as error:
        return error.status, None, None
    return 200, chosen, links


def all_views(tenant, collection: str, key: str) -> list[dict]:
    # sort_key=status is read whole and sorted in Python: the old path, used as the reference
    answer = tenant.call("GET", tenant.evs(f"/{collection}?sort_key=status&limit=1000"))
    assert answer.status == 200 and f"{key}_links" not in answer.body
    return answer.body[key]


def compare(tenant, collection: str, key: str, fields: tuple[str, ...], filters: list[dict]) -> int:
    """Ask every combination; return how many were compared."""
    views = all_views(tenant, collection, key)
    ids = [v["id"] for v in sorted(views, key=lambda v: v["id"])]
    markers = [None, ids[0], ids[len(ids) // 2], ids[-1], "not-an-id"]
    compared = 0
    for wanted in filters:
        for sort in ({}, {"sort_dir": "asc"}, {"sort_key": "name"}, {"sort_key": "id", "sort_dir": "asc"},
                     {"sort_key": "created_at", "sort_dir": "desc"}):
            for paging in ([{}, {"limit": "2"}, {"limit": "1"}, {"limit": "3", "offset": "2"}, {"offset": "1"}]
                           + [{"limit": "2", "marker": m} for m in markers if m]
                           + [{"marker": m} for m in markers if m]):
                query = urlencode({**wanted, **sort, **paging})
                status, items, links = expected(views, query, fields, tenant.evs(f"/{collection}"))
                answer = tenant.call("GET", tenant.evs(f"/{collection}?{query}"))
                assert answer.status == status, (query, answer.body)
                if status == 200:
                    assert answer.body[key] == items, query
                    assert answer.body.get(f"{key}_links", []) == links, query
                compared += 1
    return compared


@pytest.fixture
def mixed_volumes(admin, alice):
    """Volumes with shared names and timestamps, metadata, and statuses set by the clock and an outage."""
    admin.freeze()
    admin.zero_timings()
    made = []
    for i in range(9):
        zone = ("eu-de-01", "eu-de-02", "eu-de-03")[i % 3]
        metadata = {"tier": "gold" if i % 2 else "silver", "n": str(i)}
        made.append(alice.create_volume(name=f"disk-{i % 4}", zone=zone, metadata=metadata))
        if i % 3 == 2:
            admin.advance(1)  # some share a created_at (ties go by id), some do not
    admin.set_timings({"volume.create": 100, "volume.delete": 100})
    made.append(alice.create_volume(name="disk-1", metadata={"tier": "gold"}))  # creating
    assert alice.call("DELETE", alice.evs(f"/volumes/{made[0]['id']}")).status == 202  # deleting
    admin.start_outage("eu-de-03")  # its volumes show status error
    return made


def test_volume_lists_match_the_in_memory_rules(mixed_volumes, alice):
    filters = [{}, {"name": "disk-1"}, {"status": "available"}, {"status": "error"}, {"status": "creating"},
               {"availability_zone": "eu-de-02"}, {"metadata": json.dumps({"tier": "gold"})},
               {"name": "disk-1", "status": "available", "metadata": json.dumps({"tier": "gold"})},
               {"name": "nobody"}]
    assert compare(alice, "volumes/detail", "volumes", ("name", "status", "availability_zone"), filters) > 500


def test_summary_list_pages_like_the_detail_list(mixed_volumes, alice):
    for query in ("limit=2", "name=disk-1&limit=1", "status=available&sort_dir=asc&limit=3"):
        detail = alice.call("GET", alice.evs(f"/volumes/detail?{query}")).body
        plain = alice.call("GET", alice.evs(f"/volumes?{query}")).body
        assert [v["id"] for v in plain["volumes"]] == [v["id"] for v in detail["volumes"]]
        assert [link["href"].replace("/volumes?", "/volumes/detail?") for link in plain.get("volumes_links", [])] \
            == [link["href"] for link in detail.get("volumes_links", [])]


def test_counts_with_sql_and_view_filters(mixed_volumes, alice):
    views = all_views(alice, "volumes/detail", "volumes")
    for query, fields in (("", ()), ("name=disk-1", ("name",)), ("status=available", ("status",)),
                          ("status=error&limit=1", ("status",))):
        params = QueryParams(query)
        matching = len(filter_items(views, params, fields))
        assert alice.call("GET", alice.evs(f"/volumes/detail?with_count=true&{query}")).body["count"] == matching
        assert alice.call("GET", alice.evs(f"/cloudvolumes/detail?{query}")).body["count"] == matching


def test_marker_at_the_last_item_limit_zero_and_absent(mixed_volumes, alice):
    everything = alice.call("GET", alice.evs("/volumes/detail")).body
    assert "volumes_links" not in everything  # absent limit: up to 1000, no next link
    last = everything["volumes"][-1]["id"]
    after_last = alice.call("GET", alice.evs(f"/volumes/detail?marker={last}")).body
    assert after_last == {"volumes": []}
    assert alice.call("GET", alice.evs(f"/volumes/detail?limit=1&marker={last}")).body == {"volumes": []}
    assert alice.call("GET", alice.evs("/volumes/detail?limit=0")).body["error"]["code"] == "EVS.1023"
    # a marker that the filter leaves out is not found, as before
    silver = next(v["id"] for v in everything["volumes"] if v["metadata"].get("tier") == "silver")
    query = urlencode({"marker": silver, "metadata": json.dumps({"tier": "gold"})})
    refused = alice.call("GET", alice.evs(f"/volumes/detail?{query}"))
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1024"


def test_status_filter_follows_the_clock_between_two_calls(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 10})
    made = sorted(alice.create_volume(name=f"c{i}")["id"] for i in range(5))  # one instant: the id orders

    def listed(query):
        return [v["id"] for v in alice.call("GET", alice.evs(f"/volumes/detail?sort_dir=asc&{query}")).body["volumes"]]

    first = alice.call("GET", alice.evs("/volumes/detail?status=creating&sort_dir=asc&limit=2")).body
    assert [v["id"] for v in first["volumes"]] == made[:2]
    assert listed("status=available") == []
    admin.advance(10)
    # the next page of the same query: nothing is creating any more
    following = first["volumes_links"][0]["href"]
    refused = alice.call("GET", following)
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1024"  # the marker no longer matches
    assert listed("status=creating") == []
    assert listed("status=available") == made
    page1 = alice.call("GET", alice.evs("/volumes/detail?status=available&sort_dir=asc&limit=3")).body
    page2 = alice.call("GET", page1["volumes_links"][0]["href"]).body
    assert [v["id"] for v in page1["volumes"] + page2["volumes"]] == made and "volumes_links" not in page2


def test_snapshot_lists_match_the_in_memory_rules_with_metadata(admin, alice):
    admin.freeze()
    admin.zero_timings()
    disks = [alice.create_volume(zone=zone)["id"] for zone in ("eu-de-01", "eu-de-02")]
    for i in range(8):
        alice.create_snapshot(disks[i % 2], name=f"snap-{i % 3}",
                              metadata={"batch": "b1" if i < 5 else "b2", "disk": str(i % 2)})
        if i % 3 == 0:
            admin.advance(1)
    admin.set_timings({"snapshot.create": 50})
    alice.create_snapshot(disks[0], name="snap-1", metadata={"batch": "b1"})  # creating
    filters = [{}, {"metadata": json.dumps({"batch": "b1"})}, {"metadata": "{'batch': 'b2', 'disk': '1'}"},
               {"volume_id": disks[0], "metadata": json.dumps({"batch": "b1"})}, {"status": "creating"},
               {"name": "snap-1", "status": "available"}, {"metadata": json.dumps({"batch": "none"})}]
    fields = ("name", "status", "volume_id")
    views = all_views(alice, "snapshots/detail", "snapshots")
    # the reference parses a JSON filter; the Python repr is what openstacksdk sends
    filters_json = [{**f, "metadata": json.dumps(ast.literal_eval(f["metadata"]))} if "metadata" in f else f
                    for f in filters]
    for raw, as_json in zip(filters, filters_json):
        query = urlencode(raw)
        status, items, _ = expected(views, urlencode(as_json), fields, alice.evs("/snapshots/detail"))
        answer = alice.call("GET", alice.evs(f"/snapshots/detail?{query}"))
        assert answer.status == status == 200
        assert answer.body["snapshots"] == items, query
    assert compare(alice, "snapshots/detail", "snapshots", fields, filters_json[:4]) > 200
    b1 = alice.call("GET", alice.evs("/cloudsnapshots/detail?" + urlencode({"metadata": '{"batch": "b1"}'}))).body
    assert b1["count"] == 6 and {s["metadata"]["batch"] for s in b1["snapshots"]} == {"b1"}


def test_quota_usage_counts_in_sql_as_settled(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0, "volume.extend": 10, "volume.delete": 10})
    keep = alice.create_volume(size=10, volume_type="SSD")
    gone = alice.create_volume(size=20)
    alice.volume(keep["id"])  # settles both creates
    assert alice.call("POST", alice.evs(f"/volumes/{keep['id']}/action"), {"os-extend": {"new_size": 15}}).status == 202
    assert alice.call("DELETE", alice.evs(f"/volumes/{gone['id']}")).status == 202

    def in_use():
        quota = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}?usage=true")).body["quota_set"]
        return {k: quota[k]["in_use"] for k in ("volumes", "gigabytes", "volumes_SSD", "gigabytes_SSD",
                                                 "volumes_SATA", "gigabytes_SATA")}

    # while extending and deleting: the old size counts, the deleting disk still counts
    assert in_use() == {"volumes": 2, "gigabytes": 30, "volumes_SSD": 1, "gigabytes_SSD": 10,
                        "volumes_SATA": 1, "gigabytes_SATA": 20}
    admin.advance(10)
    assert in_use() == {"volumes": 1, "gigabytes": 15, "volumes_SSD": 1, "gigabytes_SSD": 15,
                        "volumes_SATA": 0, "gigabytes_SATA": 0}


def test_quota_usage_equals_what_the_lists_show_as_the_clock_moves(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 2, "volume.extend": 3, "volume.delete": 4, "snapshot.create": 1,
                       "snapshot.delete": 5})
    volumes = [alice.create_volume(size=10 + i, volume_type=("SATA", "SSD")[i % 2])["id"] for i in range(6)]
    admin.advance(2)
    snapshots = [alice.create_snapshot(vid)["id"] for vid in volumes[:3]]
    for vid, new_size in ((volumes[0], 40), (volumes[1], 50)):
        assert alice.call("POST", alice.evs(f"/volumes/{vid}/action"), {"os-extend": {"new_size": new_size}}).status == 202
    assert alice.call("DELETE", alice.evs(f"/volumes/{volumes[5]}")).status == 202
    admin.advance(1)
    assert alice.call("DELETE", alice.evs(f"/snapshots/{snapshots[2]}")).status == 202
    for step in (0, 1, 1, 1, 2, 5):
        admin.advance(step)
        listed = alice.call("GET", alice.evs("/volumes/detail")).body["volumes"]
        listed_snapshots = alice.call("GET", alice.evs("/snapshots/detail")).body["snapshots"]
        quota = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}?usage=true")).body["quota_set"]
        assert quota["volumes"]["in_use"] == len(listed)
        assert quota["gigabytes"]["in_use"] == sum(v["size"] for v in listed)
        assert quota["snapshots"]["in_use"] == len(listed_snapshots)
        for volume_type in ("SATA", "SSD"):
            of_type = [v for v in listed if v["volume_type"] == volume_type]
            assert quota[f"volumes_{volume_type}"]["in_use"] == len(of_type)
            assert quota[f"gigabytes_{volume_type}"]["in_use"] == sum(v["size"] for v in of_type)


def test_a_state_dir_from_before_the_listed_columns_is_upgraded(tmp_path):
    db = sqlite3.connect(tmp_path / "emulator.sqlite3")
    db.executescript("""
        CREATE TABLE resources (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
                                project_id TEXT, region TEXT, body TEXT NOT NULL, UNIQUE (kind, id));
        CREATE INDEX resources_by_project ON resources (kind, project_id);
    """)
    for i, name in enumerate(("b", "a", "c")):
        body = {"id": f"id-{i}", "name": name, "created_at": 100.0 + i, "metadata": {"k": name}, "size": 10,
                "volume_type": "SSD"}
        db.execute("INSERT INTO resources (kind, id, project_id, body) VALUES ('volume', ?, 'p', ?)",
                   (f"id-{i}", json.dumps(body)))
    db.commit()
    db.close()
    store = Store(tmp_path)
    try:
        rows = store.select("volume", "p", 0.0, Selection(order=("name", "id")))
        assert [body["name"] for _, body in rows] == ["a", "b", "c"]
        assert [key for key, _ in rows] == [("a", "id-1"), ("b", "id-0"), ("c", "id-2")]
        newest = store.select("volume", "p", 0.0, Selection(descending=True), limit=1)
        assert newest[0][1]["id"] == "id-2"
        assert store.count("volume", "p", 0.0, Selection(metadata=(("k", "c"),))) == 1
        assert store.usage("volume", "p", 0.0) == {"SSD": (3, 30)}  # the totals start from the rows there
        with store.transaction():  # a row written straight into the table (like the benchmark's seed) counts
            store._db.execute("INSERT INTO resources (kind, id, project_id, body) VALUES ('volume', 'x', 'p', ?)",
                              (json.dumps({"id": "x", "size": 5, "volume_type": "SSD", "created_at": 1.0}),))
        assert store.usage("volume", "p", 0.0) == {"SSD": (4, 35)}
        store.delete("volume", "id-0")
        store.put("volume", "id-1", {"id": "id-1", "size": 7, "created_at": 101.0}, "p")  # a type less, smaller
        assert store.usage("volume", "p", 0.0) == {"SSD": (2, 15), None: (1, 7)}
    finally:
        store.close()


def test_vault_usage_is_a_running_total_equal_to_the_sum_of_its_rows(tmp_path):
    # a state dir from before the vault totals: they start from the backups already there
    db = sqlite3.connect(tmp_path / "emulator.sqlite3")
    db.executescript("""
        CREATE TABLE resources (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
                                project_id TEXT, region TEXT, body TEXT NOT NULL, UNIQUE (kind, id));
    """)
    for rid, vault, used in (("b1", "v1", 1024), ("b2", "v1", 2048), ("b3", "v2", 512)):
        db.execute("INSERT INTO resources (kind, id, project_id, body) VALUES ('backup', ?, 'p', ?)",
                   (rid, json.dumps({"id": rid, "vault_id": vault, "_used_mb": used, "created_at": 1.0})))
    db.commit()
    db.close()
    store = Store(tmp_path)

    def summed(vault_id, now):  # the sum the room check made before: every row of the vault, as settled
        return sum(body["_used_mb"] for _, body in store.select("backup", "p", now, Selection(
            equal=(("vault_id", vault_id),), order=("seq",))) if "_used_mb" in body)

    try:
        assert (store.vault_used("backup", "p", "v1", 0.0), store.vault_used("backup", "p", "v2", 0.0)) == (3072, 512)
        # rows of another kind (a checkpoint names the vault, stores nothing), project or vault do not count
        store.put("checkpoint", "c1", {"id": "c1", "vault_id": "v1", "created_at": 2.0}, "p")
        store.put("backup", "b4", {"id": "b4", "vault_id": "v1", "_used_mb": 100, "created_at": 2.0}, "q")
        store.put("backup", "b5", {"id": "b5", "vault_id": "v1", "_used_mb": 4096, "created_at": 2.0}, "p")
        assert store.vault_used("backup", "p", "v1", 0.0) == 7168 == summed("v1", 0.0)
        assert store.vault_used("backup", "q", "v1", 0.0) == 100 and store.vault_used("checkpoint", "p", "v1", 0.0) == 0
        # a backup being deleted counts until its delete completes (then it is gone, before any purge)
        store.put("backup", "b2", {"id": "b2", "vault_id": "v1", "_used_mb": 2048, "created_at": 1.0,
                                   "_pending": {"to": None, "due": 50.0, "set": {}}}, "p")
        assert store.vault_used("backup", "p", "v1", 49.0) == 7168 == summed("v1", 49.0)
        assert store.vault_used("backup", "p", "v1", 50.0) == 5120 == summed("v1", 50.0)
        store.purge_gone("backup", "p", 50.0)
        assert store.vault_used("backup", "p", "v1", 50.0) == 5120 == summed("v1", 50.0)
        # a row written again with another vault or size moves its amount; a deleted row leaves
        store.put("backup", "b1", {"id": "b1", "vault_id": "v2", "_used_mb": 1000, "created_at": 1.0}, "p")
        assert (store.vault_used("backup", "p", "v1", 50.0), store.vault_used("backup", "p", "v2", 50.0)) == (4096, 1512)
        store.delete("backup", "b5")
        assert store.vault_used("backup", "p", "v1", 50.0) == 0 == summed("v1", 50.0)
        assert store.vault_used("backup", "p", "v2", 50.0) == 1512 == summed("v2", 50.0)
        # a row written straight into the table (like the benchmark's seed) counts
        with store.transaction():
            store._db.execute("INSERT INTO resources (kind, id, project_id, body) VALUES ('backup', 'x', 'p', ?)",
                              (json.dumps({"id": "x", "vault_id": "v2", "_used_mb": 8, "created_at": 3.0}),))
        assert store.vault_used("backup", "p", "v2", 50.0) == 1520 == summed("v2", 50.0)
    finally:
        store.close()
