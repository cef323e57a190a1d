"""EVS volumes over real HTTP: lifecycle, validation, lists, metadata, extend, quotas, isolation."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from evs_emulator.testing import http


def test_create_answers_creating_then_available_when_the_clock_moves(admin, alice):
    admin.freeze()
    volume = alice.create_volume(name="data", volume_type="SSD", metadata={"app": "db"})
    assert volume["status"] == "creating"
    assert volume["size"] == 10 and volume["volume_type"] == "SSD" and volume["availability_zone"] == "eu-de-01"
    assert volume["bootable"] == "false" and volume["attachments"] == [] and volume["metadata"] == {"app": "db"}
    assert volume["os-vol-tenant-attr:tenant_id"] == alice.project_id
    assert alice.volume(volume["id"])["status"] == "creating"
    admin.advance(4)
    assert alice.volume(volume["id"])["status"] == "creating"
    admin.advance(1)
    assert alice.volume(volume["id"])["status"] == "available"


def test_timings_are_settable_at_runtime(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 60})
    volume = alice.create_volume()
    admin.advance(59)
    assert alice.volume(volume["id"])["status"] == "creating"
    admin.advance(1)
    assert alice.volume(volume["id"])["status"] == "available"


@pytest.mark.parametrize("fields,status,code", [
    ({"size": 10, "availability_zone": "eu-de-09"}, 400, "EVS.1036"),
    ({"size": 10}, 400, "EVS.1036"),
    ({"size": 5, "availability_zone": "eu-de-01"}, 400, "EVS.1010"),
    ({"size": 40000, "availability_zone": "eu-de-01"}, 400, "EVS.1010"),
    ({"availability_zone": "eu-de-01"}, 400, "EVS.1010"),
    ({"size": 10, "availability_zone": "eu-de-01", "volume_type": "TAPE"}, 400, "EVS.1020"),
    ({"size": 10, "availability_zone": "eu-de-01", "snapshot_id": "s", "imageRef": "i"}, 400, "EVS.1016"),
    ({"size": 10, "availability_zone": "eu-de-01", "snapshot_id": "missing"}, 400, "EVS.2045"),
])
def test_invalid_creates_answer_evs_codes(fast, alice, fields, status, code):
    answer = alice.call("POST", alice.evs("/volumes"), {"volume": fields})
    assert answer.status == status
    assert answer.body["error"]["code"] == code
    assert answer.header("x-openstack-request-id") == answer.header("x-request-id")


def test_malformed_bodies_answer_cinder_faults(fast, alice):
    assert alice.call("POST", alice.evs("/volumes"), {"nothing": 1}).body["badRequest"]["code"] == 400
    answer = http("POST", alice.evs("/volumes"), None, {"X-Auth-Token": alice.token})
    assert answer.status == 400 and "badRequest" in answer.body


def test_show_missing_volume_is_item_not_found(fast, alice):
    answer = alice.call("GET", alice.evs("/volumes/0000"))
    assert answer.status == 404
    assert answer.body == {"itemNotFound": {"message": "Volume 0000 could not be found.", "code": 404}}


def test_list_summary_detail_filters_and_sort(fast, alice):
    a = alice.create_volume(name="a", size=10, zone="eu-de-01", metadata={"tier": "gold"})
    b = alice.create_volume(name="b", size=30, zone="eu-de-02")
    c = alice.create_volume(name="c", size=20, zone="eu-de-02", metadata={"tier": "gold"})
    summary = alice.call("GET", alice.evs("/volumes")).body["volumes"]
    assert set(summary[0]) == {"id", "name", "links"}
    assert [v["id"] for v in summary] == [c["id"], b["id"], a["id"]]  # created_at desc by default

    def names(query):
        answer = alice.call("GET", alice.evs(f"/volumes/detail?{quote(query, safe='=&')}"))
        assert answer.status == 200, answer.body
        return [v["name"] for v in answer.body["volumes"]]

    assert names("availability_zone=eu-de-02&sort_dir=asc") == ["b", "c"]
    assert names("sort_key=size&sort_dir=asc") == ["a", "c", "b"]
    assert names("name=b") == ["b"]
    assert names("status=available&sort_key=size") == ["b", "c", "a"]
    assert names("status=creating") == []
    assert names('metadata={"tier": "gold"}&sort_dir=asc') == ["a", "c"]
    assert names("metadata={'tier': 'gold'}&sort_dir=asc") == ["a", "c"]
    assert alice.call("GET", alice.evs("/volumes/detail?sort_key=colour")).body["error"]["code"] == "EVS.1039"
    assert alice.call("GET", alice.evs("/volumes/detail?sort_dir=up")).body["error"]["code"] == "EVS.1040"


def test_paging_with_limit_marker_and_next_links(fast, alice):
    created = [alice.create_volume(name=f"v{i}") for i in range(5)]
    seen, url = [], alice.evs("/volumes/detail?limit=2&sort_dir=asc")
    pages = 0
    while url:
        body = alice.call("GET", url).body
        seen += [v["id"] for v in body["volumes"]]
        links = [l["href"] for l in body.get("volumes_links", []) if l["rel"] == "next"]
        url = links[0] if links else None
        pages += 1
    assert seen == [v["id"] for v in created]
    assert pages == 3
    assert alice.call("GET", alice.evs("/volumes?limit=0")).body["error"]["code"] == "EVS.1023"
    assert alice.call("GET", alice.evs("/volumes?marker=nope")).body["error"]["code"] == "EVS.1024"
    assert "volumes_links" not in alice.call("GET", alice.evs("/volumes?limit=10")).body


def test_update_name_description_metadata(fast, alice):
    volume = alice.create_volume(name="old")
    answer = alice.call("PUT", alice.evs(f"/volumes/{volume['id']}"),
                        {"volume": {"name": "new", "description": "d", "metadata": {"k": "v"}}})
    assert answer.status == 200
    assert (answer.body["volume"]["name"], answer.body["volume"]["description"]) == ("new", "d")
    assert alice.volume(volume["id"])["metadata"] == {"k": "v"}


def test_metadata_endpoints(fast, alice):
    vid = alice.create_volume(metadata={"a": "1"})["id"]
    url = alice.evs(f"/volumes/{vid}/metadata")
    assert alice.call("GET", url).body == {"metadata": {"a": "1"}}
    assert alice.call("POST", url, {"metadata": {"b": "2"}}).body == {"metadata": {"a": "1", "b": "2"}}
    assert alice.call("PUT", url, {"metadata": {"c": "3"}}).body == {"metadata": {"c": "3"}}
    assert alice.call("GET", f"{url}/c").body == {"meta": {"c": "3"}}
    assert alice.call("PUT", f"{url}/d", {"meta": {"d": "4"}}).body == {"meta": {"d": "4"}}
    assert alice.call("PUT", f"{url}/d", {"meta": {"e": "4"}}).status == 400
    assert alice.call("DELETE", f"{url}/c").status == 200
    assert alice.call("GET", f"{url}/c").status == 404
    assert alice.volume(vid)["metadata"] == {"d": "4"}


def test_delete_goes_through_deleting_then_404(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0})
    vid = alice.create_volume()["id"]
    assert alice.call("DELETE", alice.evs(f"/volumes/{vid}")).status == 202
    assert alice.volume(vid)["status"] == "deleting"
    again = alice.call("DELETE", alice.evs(f"/volumes/{vid}"))
    assert again.status == 400 and again.body["error"]["code"] == "EVS.1046"
    admin.advance(3)
    assert alice.call("GET", alice.evs(f"/volumes/{vid}")).status == 404


def test_delete_is_refused_while_creating_and_with_snapshots_unless_cascade(admin, alice):
    admin.freeze()
    creating = alice.create_volume()
    refused = alice.call("DELETE", alice.evs(f"/volumes/{creating['id']}"))
    assert refused.status == 400 and refused.body["error"]["code"] == "EVS.1046"
    admin.zero_timings()
    admin.advance(5)
    snapshot = alice.create_snapshot(creating["id"])
    refused = alice.call("DELETE", alice.evs(f"/volumes/{creating['id']}"))
    assert refused.status == 400 and "dependent snapshots" in refused.body["badRequest"]["message"]
    assert alice.call("DELETE", alice.evs(f"/volumes/{creating['id']}?cascade=true")).status == 202
    assert alice.call("GET", alice.evs(f"/snapshots/{snapshot['id']}")).status == 404
    assert alice.call("GET", alice.evs(f"/volumes/{creating['id']}")).status == 404


def test_extend_grows_only(admin, alice):
    admin.freeze()
    admin.set_timings({"volume.create": 0})
    vid = alice.create_volume(size=10)["id"]
    url = alice.evs(f"/volumes/{vid}/action")
    shrink = alice.call("POST", url, {"os-extend": {"new_size": 10}})
    assert shrink.status == 400 and shrink.body["error"]["code"] == "EVS.1010"
    assert alice.call("POST", url, {"os-extend": {"new_size": 20}}).status == 202
    extending = alice.volume(vid)
    assert (extending["status"], extending["size"]) == ("extending", 10)
    busy = alice.call("POST", url, {"os-extend": {"new_size": 30}})
    assert busy.status == 400 and busy.body["error"]["code"] == "EVS.1048"
    admin.advance(5)
    assert (alice.volume(vid)["status"], alice.volume(vid)["size"]) == ("available", 20)
    assert alice.call("POST", url, {"os-detach": {}}).status == 400


def test_quotas_and_quota_exceeded(fast, alice):
    alice.create_volume(size=100)
    quota = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}?usage=True")).body["quota_set"]
    assert quota["volumes"] == {"in_use": 1, "limit": 50, "reserved": 0}
    assert quota["gigabytes"]["in_use"] == 100
    assert quota["volumes_SATA"]["in_use"] == 1
    plain = alice.call("GET", alice.evs(f"/os-quota-sets/{alice.project_id}")).body["quota_set"]
    assert plain["volumes"] == 50
    too_big = alice.call("POST", alice.evs("/volumes"),
                         {"volume": {"size": 20000, "availability_zone": "eu-de-01"}})
    assert too_big.status == 400 and too_big.body["error"]["code"] == "EVS.1042"


def test_volume_count_quota(emulator_process, fast, alice, tmp_path):
    for _ in range(50 - len(alice.call("GET", alice.evs("/volumes")).body["volumes"])):
        alice.create_volume()
    answer = alice.call("POST", alice.evs("/volumes"), {"volume": {"size": 10, "availability_zone": "eu-de-01"}})
    assert answer.status == 400 and answer.body["error"]["code"] == "EVS.1034"


def test_v3_paths_serve_the_same_volumes(fast, alice):
    vid = alice.create_volume()["id"]
    answer = alice.call("GET", alice.evs(f"/volumes/{vid}", "v3"))
    assert answer.status == 200
    assert answer.body["volume"]["links"][0]["href"].startswith(f"{alice.base_url}/evs/v3/")


def test_other_tenants_volume_is_404_never_a_leak(fast, alice, bob):
    vid = alice.create_volume(name="secret")["id"]
    for method, path, body in [("GET", f"/volumes/{vid}", None), ("DELETE", f"/volumes/{vid}", None),
                               ("PUT", f"/volumes/{vid}", {"volume": {"name": "x"}}),
                               ("GET", f"/volumes/{vid}/metadata", None)]:
        assert bob.call(method, bob.evs(path), body).status == 404
    assert bob.call("GET", bob.evs("/volumes/detail")).body["volumes"] == []
    assert alice.volume(vid)["name"] == "secret"


def test_token_of_one_project_on_another_projects_path_is_403(fast, alice, bob):
    answer = http("GET", bob.evs("/volumes"), headers={"X-Auth-Token": alice.token})
    assert answer.status == 403 and "forbidden" in answer.body


def test_missing_or_wrong_token_is_the_gateway_401(fast, alice):
    for headers in ({}, {"X-Auth-Token": "MIIbogus"}):
        answer = http("GET", alice.evs("/volumes"), headers=headers)
        assert answer.status == 401
        assert answer.body["error_code"] == "APIGW.0301"
        assert answer.body["error_msg"].startswith("Incorrect IAM authentication information")


def test_every_answer_has_a_date_header_from_the_emulator_clock(admin, alice):
    admin.set_time("2030-06-01T12:00:00Z")
    admin.freeze()
    answer = alice.call("GET", alice.evs("/volumes"))
    assert answer.header("date") == "Sat, 01 Jun 2030 12:00:00 GMT"
    assert http("GET", f"{alice.base_url}/_emulator/health").header("date") == "Sat, 01 Jun 2030 12:00:00 GMT"


def test_vendor_create_answers_a_job_that_follows_the_volume(admin, alice):
    admin.freeze()
    answer = alice.call("POST", f"{alice.base_url}/evs/v2.1/{alice.project_id}/cloudvolumes",
                        {"volume": {"size": 10, "availability_zone": "eu-de-01", "name": "vendor",
                                    "volume_type": "SAS"}})
    assert answer.status == 202
    (volume_id,) = answer.body["volume_ids"]
    job_url = f"{alice.base_url}/evs/v1/{alice.project_id}/jobs/{answer.body['job_id']}"
    job = alice.call("GET", job_url).body
    assert (job["status"], job["job_type"], job["end_time"]) == ("RUNNING", "createVolume", "")
    assert job["entities"] == {"volume_id": volume_id}
    assert job["begin_time"].endswith("Z") and len(job["begin_time"]) == 24
    admin.advance(5)
    job = alice.call("GET", job_url).body
    assert job["status"] == "SUCCESS" and job["end_time"]
    assert alice.volume(volume_id)["status"] == "available"
    assert alice.volume(volume_id)["name"] == "vendor"
    assert bob_cannot_see(alice, job_url)


def bob_cannot_see(alice, job_url):
    from conftest import TENANT_B, Tenant
    bob = Tenant(alice.base_url, TENANT_B.cloud)
    return bob.call("GET", job_url.replace(alice.project_id, bob.project_id)).status == 404


def test_vendor_batch_create(fast, alice):
    answer = alice.call("POST", f"{alice.base_url}/evs/v2.1/{alice.project_id}/cloudvolumes",
                        {"volume": {"size": 10, "availability_zone": "eu-de-02", "name": "b", "count": 3}})
    assert answer.status == 202 and len(answer.body["volume_ids"]) == 3
    job = alice.call("GET", f"{alice.base_url}/evs/v1/{alice.project_id}/jobs/{answer.body['job_id']}").body
    assert job["job_type"] == "batchCreateVolume" and job["status"] == "SUCCESS"
    assert [s["entities"]["volume_id"] for s in job["entities"]["sub_jobs"]] == answer.body["volume_ids"]
    names = sorted(alice.volume(v)["name"] for v in answer.body["volume_ids"])
    assert names == ["b-0001", "b-0002", "b-0003"]
    too_many = alice.call("POST", f"{alice.base_url}/evs/v2.1/{alice.project_id}/cloudvolumes",
                          {"volume": {"size": 10, "availability_zone": "eu-de-02", "count": 101}})
    assert too_many.status == 400
