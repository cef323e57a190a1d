"""Conformance: IAM through huaweicloudsdkiam (AK/SK, the vendor's own client), each answer checked
against the SDK's response model field by field, and the gateway's and IAM's refusals as the SDKs
see them (their exception type, status and error code).

The IAM calls are the collection's and the SDKs' own: a password token
(KeystoneCreateUserTokenByPassword, `POST /v3/auth/tokens`), the projects (KeystoneListProjects,
which huaweicloudsdkcore also sends to find a BasicCredentials' project id, and
KeystoneListAuthProjects), the domains (KeystoneListAuthDomains, how GlobalCredentials find
their domain id) and the catalog (KeystoneShowCatalog, KeystoneListServices,
KeystoneListEndpoints).
"""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkevs.v2 import EvsClient
from huaweicloudsdkevs.v2 import model as evs_model
from huaweicloudsdkiam.v3 import IamClient
from huaweicloudsdkiam.v3 import model as m

from conftest import TENANT_A
from evs_emulator.conformance import assert_answer_conforms

# Model fields an answer may leave out, with the reason (the models do not mark requiredness).
OPTIONAL = {
    "TokenResult.domain": "domain-scoped tokens only; a project-scoped token carries `project` "
                          "(../shared/api/keystone.md)",
    "TokenResult.project": "project-scoped tokens only",
    "TokenResult.catalog": "left out with ?nocatalog",
    "Links.previous": "null: one page (Keystone lists do not page here)",
    "Links.next": "null: one page",
}


def iam_client(base_url: str, tenant=TENANT_A, domain_id: str | None = None, sk: str | None = None) -> IamClient:
    """The vendor's IAM client with the tenant's AK/SK; without `domain_id` the SDK asks IAM for
    it (KeystoneListAuthDomains) as it does on the real cloud."""
    credentials = GlobalCredentials(tenant.user["access_key"], sk or tenant.user["secret_key"], domain_id)
    credentials.with_iam_endpoint(base_url)
    return IamClient.new_builder().with_credentials(credentials).with_region(
        Region(tenant.project["region"], base_url)).build()


def evs_client(base_url: str, ak: str, sk: str, project_id: str | None = None) -> EvsClient:
    credentials = BasicCredentials(ak, sk, project_id)
    credentials.with_iam_endpoint(base_url)
    return EvsClient.new_builder().with_credentials(credentials).with_region(
        Region(TENANT_A.project["region"], f"{base_url}/evs")).build()


def password_token_request(tenant=TENANT_A, password: str | None = None, nocatalog: str | None = None):
    user = m.PwdPasswordUser(domain=m.PwdPasswordUserDomain(name=tenant.domain["name"]), name=tenant.user["name"],
                             password=password or tenant.user["password"])
    identity = m.PwdIdentity(methods=["password"], password=m.PwdPassword(user=user))
    scope = m.AuthScope(project=m.AuthScopeProject(name=tenant.project["name"]))
    return m.KeystoneCreateUserTokenByPasswordRequest(
        nocatalog=nocatalog, body=m.KeystoneCreateUserTokenByPasswordRequestBody(auth=m.PwdAuth(identity, scope)))


def test_a_password_token_conforms(admin, base_url):
    iam = iam_client(base_url, domain_id=TENANT_A.domain["id"])
    answer = iam.keystone_create_user_token_by_password(password_token_request())
    token = assert_answer_conforms(answer, OPTIONAL)["token"]
    assert answer.x_subject_token.startswith("MII")
    assert token["project"]["id"] == TENANT_A.project["id"]
    assert {entry["type"] for entry in token["catalog"]} >= {"identity", "volumev2", "evs", "vbs", "cbr", "sdrs"}
    bare = iam.keystone_create_user_token_by_password(password_token_request(nocatalog="true"))
    assert "catalog" not in assert_answer_conforms(bare, OPTIONAL)["token"]


def test_the_sdk_finds_the_domain_and_lists_projects_domains_and_the_catalog(admin, base_url):
    iam = iam_client(base_url)  # no domain id: the SDK discovers it with a signed GET /v3/auth/domains
    assert iam._credentials.domain_id == TENANT_A.domain["id"]
    projects = assert_answer_conforms(iam.keystone_list_projects(m.KeystoneListProjectsRequest(name="eu-de")),
                                      OPTIONAL)["projects"]
    assert [p["id"] for p in projects] == [TENANT_A.project["id"]]  # bob's eu-de is another domain's
    auth_projects = assert_answer_conforms(iam.keystone_list_auth_projects(m.KeystoneListAuthProjectsRequest()),
                                           OPTIONAL)["projects"]
    assert [p["id"] for p in auth_projects] == [TENANT_A.project["id"]]
    domains = assert_answer_conforms(iam.keystone_list_auth_domains(m.KeystoneListAuthDomainsRequest()),
                                     OPTIONAL)["domains"]
    assert [d["name"] for d in domains] == [TENANT_A.domain["name"]]
    services = assert_answer_conforms(iam.keystone_list_services(m.KeystoneListServicesRequest()), OPTIONAL)
    by_type = {s["type"]: s["id"] for s in services["services"]}
    assert {"identity", "volumev2", "volumev3", "evs", "vbs", "cbr", "sdrs"} <= set(by_type)
    only_cbr = iam.keystone_list_services(m.KeystoneListServicesRequest(type="cbr")).to_json_object()
    assert [s["type"] for s in only_cbr["services"]] == ["cbr"]
    endpoints = assert_answer_conforms(iam.keystone_list_endpoints(
        m.KeystoneListEndpointsRequest(service_id=by_type["cbr"])), OPTIONAL)["endpoints"]
    # templates, not a project's catalog: the project id stays Keystone's placeholder
    assert [e["url"] for e in endpoints] == [f"{base_url}/cbr/v3/$(tenant_id)s"]


def test_the_catalog_of_a_signed_request_conforms(admin, base_url):
    """KeystoneShowCatalog signed with AK/SK: the project comes from X-Project-Id, which the
    GlobalCredentials do not send, so the SDK's call gets the empty catalog of no project."""
    iam = iam_client(base_url, domain_id=TENANT_A.domain["id"])
    assert assert_answer_conforms(iam.keystone_show_catalog(m.KeystoneShowCatalogRequest()), OPTIONAL) == {
        "catalog": [], "links": {"self": f"{base_url}/v3/auth/catalog"}}


def test_the_sdk_discovers_its_project_id_with_a_signed_request(admin, base_url):
    """BasicCredentials without a project id: huaweicloudsdkcore asks IAM (`GET /v3/projects?name=
    <region>`, signed) before the first EVS call, as the collection does."""
    BasicCredentials._CACHE.clear()  # a project id found by an earlier test would be reused
    evs = evs_client(base_url, TENANT_A.user["access_key"], TENANT_A.user["secret_key"])
    assert evs._credentials.project_id == TENANT_A.project["id"]
    evs.list_volumes(evs_model.ListVolumesRequest())
    paths = [(r["service"], r["path"], r["status"]) for r in admin.requests()]
    # the SDK keeps only the host of an endpoint: both paths at the root
    assert paths == [("identity", "/v3/projects", 200),
                     ("evs", f"/v2/{TENANT_A.project['id']}/cloudvolumes/detail", 200)]


# -- the refusals, as the SDKs raise them --------------------------------------
def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as caught:
        call()
    return caught.value


def test_a_wrong_password_is_keystones_401(admin, base_url):
    iam = iam_client(base_url, domain_id=TENANT_A.domain["id"])
    error = refused(lambda: iam.keystone_create_user_token_by_password(password_token_request(password="wrong-pw")))
    assert error.status_code == 401
    assert error.error_msg == "The request you have made requires authentication."


def test_an_unknown_access_key_is_named_by_the_gateway(admin, base_url):
    evs = evs_client(base_url, "AKNOSUCHKEY000000009", "any-secret-key-0000000000000000000000000",
                     TENANT_A.project["id"])
    error = refused(lambda: evs.list_volumes(evs_model.ListVolumesRequest()))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.error_msg == ("Incorrect IAM authentication information: Get secretKey failed,"
                               "ak:AKNOSUCHKEY000000009,err:ak not exist")


def test_a_wrong_secret_key_fails_the_signature(admin, base_url):
    evs = evs_client(base_url, TENANT_A.user["access_key"], "wrong-secret-key-000000000000000000000",
                     TENANT_A.project["id"])
    error = refused(lambda: evs.list_volumes(evs_model.ListVolumesRequest()))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.error_msg == "Incorrect IAM authentication information: verify aksk signature fail"


def test_a_clock_more_than_15_minutes_off_is_refused_with_both_times(admin, base_url):
    admin.advance(16 * 60)  # the cloud's clock runs ahead of the SDK's signer
    evs = evs_client(base_url, TENANT_A.user["access_key"], TENANT_A.user["secret_key"], TENANT_A.project["id"])
    error = refused(lambda: evs.list_volumes(evs_model.ListVolumesRequest()))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.error_msg.startswith("Incorrect IAM authentication information: calc ak sk signature fail:"
                                      "signature expired, signature time:")


def test_a_domain_scoped_token_on_a_project_api_is_refused(admin, base_url):
    """A domain-scoped token (keystoneauth's own login, scoped to the domain) on EVS: the gateway
    refuses it; openstacksdk maps the answer to its HttpException with the status."""
    import openstack
    from openstack import exceptions

    conn = openstack.connect(auth_url=f"{base_url}/identity/v3", username=TENANT_A.user["name"],
                             password=TENANT_A.user["password"], user_domain_name=TENANT_A.domain["name"],
                             domain_name=TENANT_A.domain["name"], region_name=TENANT_A.project["region"])
    assert conn.session.auth.get_access(conn.session).domain_scoped
    response = conn.session.get(f"{base_url}/evs/v2/{TENANT_A.project['id']}/volumes", raise_exc=False)
    with pytest.raises(exceptions.HttpException) as caught:
        exceptions.raise_from_response(response)
    assert caught.value.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert "not scoped to a project" in response.json()["error_msg"]


def test_an_expired_token_says_when_it_expired(admin, alice, base_url):
    from evs_emulator.testing import http

    admin.advance(24 * 3600 + 1)
    answer = http("GET", alice.evs("/volumes"), None, {"X-Auth-Token": alice.token})
    assert (answer.status, answer.body["error_code"]) == (401, "APIGW.0301")
    assert answer.body["error_msg"].startswith("Incorrect IAM authentication information: token expires, expires_at: ")
    unknown = http("GET", alice.evs("/volumes"), None, {"X-Auth-Token": "MIInot-a-token"})
    assert unknown.body["error_msg"] == "Incorrect IAM authentication information: decrypt token fail"


def test_iam_paths_refuse_a_signature_as_the_gateway_does(admin, base_url):
    """IAM is behind the same API gateway: a signed call to IAM with a wrong key gets the
    gateway's reason, which is all a client has to tell the user which key is wrong."""
    wrong_sk = iam_client(base_url, domain_id=TENANT_A.domain["id"], sk="wrong-secret-key-000000000000000000000")
    error = refused(lambda: wrong_sk.keystone_list_projects(m.KeystoneListProjectsRequest(name="eu-de")))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.error_msg == "Incorrect IAM authentication information: verify aksk signature fail"
    credentials = GlobalCredentials("AKNOSUCHKEY000000008", "any-secret-key-0000000000000000000000000",
                                    TENANT_A.domain["id"]).with_iam_endpoint(base_url)
    unknown = IamClient.new_builder().with_credentials(credentials).with_region(Region("eu-de", base_url)).build()
    error = refused(lambda: unknown.keystone_show_catalog(m.KeystoneShowCatalogRequest()))
    assert error.error_msg.endswith("Get secretKey failed,ak:AKNOSUCHKEY000000008,err:ak not exist")
