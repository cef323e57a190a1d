"""Keystone v3 over real HTTP."""

from __future__ import annotations

from conftest import TENANT_A, TENANT_B
from evs_emulator.testing import http


def password_auth(user=TENANT_A.user, domain=TENANT_A.domain, scope=None, password=None):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user["name"], "password": password or user["password"], "domain": {"name": domain["name"]}}}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def login(base_url, body, query=""):
    return http("POST", f"{base_url}/identity/v3/auth/tokens{query}", body)


def test_password_login_by_project_name_returns_token_and_catalog(admin, base_url):
    answer = login(base_url, password_auth(scope={"project": {"name": "eu-de"}}))
    assert answer.status == 201
    assert answer.header("x-subject-token").startswith("MII")
    token = answer.body["token"]
    assert token["project"]["id"] == TENANT_A.project["id"]
    assert token["user"]["name"] == "alice"
    assert token["expires_at"].endswith("Z")
    types = {entry["type"]: entry["endpoints"][0]["url"] for entry in token["catalog"]}
    pid = TENANT_A.project["id"]
    assert types == {
        "identity": f"{base_url}/identity/v3",
        "volumev2": f"{base_url}/evs/v2/{pid}", "volumev3": f"{base_url}/evs/v3/{pid}",
        "evs": f"{base_url}/evs/v2/{pid}", "compute": f"{base_url}/ecs/v2.1/{pid}", "ecs": f"{base_url}/ecs/v1/{pid}",
        "sdrs": f"{base_url}/sdrs/v1/{pid}", "vpc": f"{base_url}/vpc/v1/{pid}",
        "vbsv2": f"{base_url}/vbs/v2/{pid}", "vbs": f"{base_url}/vbs/v2", "cbr": f"{base_url}/cbr/v3/{pid}",
    }
    assert all(e["endpoints"][0]["region"] == "eu-de" for e in token["catalog"])


def test_project_name_is_resolved_inside_the_users_domain(admin, base_url):
    answer = login(base_url, password_auth(TENANT_B.user, TENANT_B.domain, {"project": {"name": "eu-de"}}))
    assert answer.body["token"]["project"]["id"] == TENANT_B.project["id"]


def test_login_by_user_id_and_project_id_with_nocatalog(admin, base_url):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "id": TENANT_A.user["id"], "password": TENANT_A.user["password"]}}},
        "scope": {"project": {"id": TENANT_A.project["id"]}}}}
    answer = login(base_url, body, "?nocatalog")
    assert answer.status == 201
    assert "catalog" not in answer.body["token"]


def test_wrong_password_is_a_keystone_401(admin, base_url):
    answer = login(base_url, password_auth(password="nope", scope={"project": {"name": "eu-de"}}))
    assert answer.status == 401
    assert answer.body == {"error": {"code": 401, "title": "Unauthorized",
                                     "message": "The request you have made requires authentication."}}


def test_scoping_to_another_domains_project_is_refused(admin, base_url):
    answer = login(base_url, password_auth(scope={"project": {"id": TENANT_B.project["id"]}}))
    assert answer.status == 403
    assert login(base_url, password_auth(scope={"project": {"name": "nope"}})).status == 404
    assert login(base_url, {"auth": {}}).status == 400


def test_token_rescoping_and_domain_scope(admin, base_url):
    unscoped = login(base_url, password_auth())
    assert unscoped.status == 201 and "project" not in unscoped.body["token"]
    rescoped = login(base_url, {"auth": {"identity": {"methods": ["token"], "token": {
        "id": unscoped.header("x-subject-token")}}, "scope": {"project": {"name": "eu-de"}}}})
    assert rescoped.status == 201
    assert rescoped.body["token"]["project"]["id"] == TENANT_A.project["id"]
    assert rescoped.body["token"]["expires_at"] == unscoped.body["token"]["expires_at"]
    domain = login(base_url, password_auth(scope={"domain": {"name": TENANT_A.domain["name"]}}))
    assert domain.body["token"]["domain"]["id"] == TENANT_A.domain["id"]


def test_validate_and_revoke(admin, base_url):
    token = login(base_url, password_auth(scope={"project": {"name": "eu-de"}})).header("x-subject-token")
    headers = {"X-Auth-Token": token, "X-Subject-Token": token}
    assert http("GET", f"{base_url}/identity/v3/auth/tokens", headers=headers).status == 200
    assert http("HEAD", f"{base_url}/identity/v3/auth/tokens", headers=headers).status == 200
    assert http("DELETE", f"{base_url}/identity/v3/auth/tokens", headers=headers).status == 204
    assert http("GET", f"{base_url}/identity/v3/auth/tokens", headers=headers).status == 401


def test_token_expires_after_24h_on_the_emulator_clock(admin, base_url):
    token = login(base_url, password_auth(scope={"project": {"name": "eu-de"}})).header("x-subject-token")
    url = f"{base_url}/evs/v2/{TENANT_A.project['id']}/volumes"
    assert http("GET", url, headers={"X-Auth-Token": token}).status == 200
    admin.advance(24 * 3600 + 1)
    answer = http("GET", url, headers={"X-Auth-Token": token})
    assert answer.status == 401
    assert answer.body["error_code"] == "APIGW.0301"
    assert answer.body["request_id"] == answer.header("x-request-id")


def test_catalog_projects_and_versions(admin, base_url, alice):
    headers = {"X-Auth-Token": alice.token}
    catalog = http("GET", f"{base_url}/identity/v3/auth/catalog", headers=headers)
    assert {e["type"] for e in catalog.body["catalog"]} >= {"volumev3", "compute"}
    projects = http("GET", f"{base_url}/identity/v3/auth/projects", headers=headers).body["projects"]
    assert [p["id"] for p in projects] == [TENANT_A.project["id"]]
    named = http("GET", f"{base_url}/identity/v3/projects?name=eu-de", headers=headers).body["projects"]
    assert [p["id"] for p in named] == [TENANT_A.project["id"]]
    assert http("GET", f"{base_url}/identity/v3/projects?name=other", headers=headers).body["projects"] == []
    assert http("GET", f"{base_url}/identity/v3").body["version"]["id"] == "v3.6"
    assert http("GET", f"{base_url}/identity/v3/auth/catalog").status == 401


def test_tokens_persist_in_the_store_not_in_memory(admin, base_url, emulator_process):
    # Only a hash is stored: the raw token never appears in the state file.
    token = login(base_url, password_auth(scope={"project": {"name": "eu-de"}})).header("x-subject-token")
    raw = (emulator_process.state_dir / "emulator.sqlite3").read_bytes()
    wal = emulator_process.state_dir / "emulator.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert token.encode() not in raw
