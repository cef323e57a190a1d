"""Keystone v3 (IAM): password and token authentication, validation, catalog, projects."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.routing import Mount, Route

from .. import auth, errors, signing
from ..clock import iso_z
from ..web import base_url, empty, json_response, read_json

MOUNT = "/identity"
CATALOG_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
CATALOG = [("identity", "keystone", "/identity/v3")]


def _invalid(message: str) -> errors.ApiError:
    return errors.keystone_error(400, message)


def _unauthorized() -> errors.ApiError:
    return errors.keystone_error(401, "The request you have made requires authentication.")


# -- documents -------------------------------------------------------------
def version_document(request: Request) -> dict:
    return {
        "id": "v3.6", "status": "stable", "updated": "2016-04-04T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base_url(request)}/identity/v3/"}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
    }


def catalog_for(emu, request: Request, project_id: str | None) -> list[dict]:
    """Service catalog of a project; endpoints point back at this emulator."""
    # A project lives in one region (OTC: a project per region), and its endpoints' URLs carry
    # its id, so its catalog lists every service's endpoint in that region (README "Regions").
    region = emu.config.region_of_project(project_id) if project_id else None
    if region is None:
        return []
    entries = []
    for service_type, name, template in emu.catalog_templates:
        url = base_url(request) + template.format(project_id=project_id)
        service_id = uuid.uuid5(CATALOG_NAMESPACE, service_type).hex
        entries.append({
            "type": service_type, "name": name, "id": service_id,
            "endpoints": [{
                "id": uuid.uuid5(CATALOG_NAMESPACE, f"{service_type}/{project_id}").hex,
                "interface": "public", "region": region, "region_id": region, "url": url,
            }],
        })
    return entries


def _domain_ref(tenant) -> dict:
    return {"id": tenant.domain["id"], "name": tenant.domain["name"]}


def token_document(emu, request: Request, record: dict, with_catalog: bool) -> dict:
    tenant = emu.config.tenant_by_user_id(record["user_id"])
    token = {
        "methods": record["methods"],
        "expires_at": iso_z(record["expires_at"]),
        "issued_at": iso_z(record["issued_at"]),
        "user": {"id": tenant.user["id"], "name": tenant.user["name"], "password_expires_at": "",
                 "domain": _domain_ref(tenant)},
    }
    if record.get("project_id"):
        project = emu.config.project_by_id(record["project_id"])
        token["project"] = {"id": project["id"], "name": project["name"], "domain": _domain_ref(tenant)}
    elif record.get("scope_domain_id"):
        token["domain"] = _domain_ref(tenant)
    if record.get("project_id") or record.get("scope_domain_id"):
        token["roles"] = [dict(r) for r in emu.config.roles]
        if with_catalog:
            token["catalog"] = catalog_for(emu, request, record.get("project_id"))
    return {"token": token}


def _identity_url(request: Request, path: str) -> str:
    return f"{base_url(request)}{MOUNT}/v3/{path}"


def project_document(request: Request, project: dict) -> dict:
    # Keystone v3 project object; `links.self` as huaweicloudsdkiam's ProjectResult and
    # AuthProjectResult have it (KeystoneListProjects, KeystoneListAuthProjects).
    return {"id": project["id"], "name": project["name"], "domain_id": project["domain_id"], "enabled": True,
            "is_domain": False, "parent_id": project["domain_id"], "description": "",
            "links": {"self": _identity_url(request, f"projects/{project['id']}")}}


def _self_link(request: Request) -> dict:
    """`links` of the IAM lists that page nowhere: KeystoneShowCatalog, KeystoneListAuthProjects and
    KeystoneListAuthDomains document `self` alone (huaweicloudsdkiam's LinksSelf)."""
    return {"self": str(request.url)}


def _list_links(request: Request) -> dict:
    # KeystoneListProjects/Endpoints/Services/Regions: Keystone's self, previous, next
    return {"self": str(request.url), "next": None, "previous": None}


# -- authentication --------------------------------------------------------
def _user_from_password(emu, identity: dict):
    password = identity.get("password")
    user = password.get("user") if isinstance(password, dict) else None
    if not isinstance(user, dict) or "password" not in user:
        raise _invalid("Expecting to find user and password in identity.password.")
    if user.get("id"):
        tenant = emu.config.tenant_by_user_id(user["id"])
    elif user.get("name"):
        if not isinstance(user.get("domain"), dict):
            raise _invalid("Expecting to find domain in user.")
        tenant = emu.config.tenant_by_user_name(user["name"], user["domain"])
    else:
        raise _invalid("Expecting to find id or name in user.")
    if tenant is None or tenant.user["password"] != user["password"]:
        raise _unauthorized()
    return tenant, None


def _user_from_token(emu, identity: dict):
    token = identity.get("token")
    if not isinstance(token, dict) or not token.get("id"):
        raise _invalid("Expecting to find id in token.")
    record = auth.find_token(emu, token["id"])
    if record is None:
        raise _unauthorized()
    return emu.config.tenant_by_user_id(record["user_id"]), record


def _resolve_scope(emu, tenant, scope) -> dict:
    """Project/domain the new token is scoped to; a user may only scope inside its own domain."""
    if not scope:
        return {}
    if not isinstance(scope, dict):
        raise _invalid("Invalid scope.")
    if "project" in scope:
        ref = scope["project"]
        if not isinstance(ref, dict):
            raise _invalid("Invalid project scope.")
        if ref.get("id"):
            target = emu.config.tenant_by_project_id(ref["id"])
            if target is None:
                raise errors.keystone_error(404, f"Could not find project: {ref['id']}.")
        elif ref.get("name"):
            domain = ref.get("domain") or {"id": tenant.domain["id"]}
            candidates = [(t, p) for t in emu.config.tenants for p in t.projects if p["name"] == ref["name"]
                          and (domain.get("id") == t.domain["id"] or domain.get("name") == t.domain["name"])]
            if not candidates:
                raise errors.keystone_error(404, f"Could not find project: {ref['name']}.")
            target, project = candidates[0]
            ref = {"id": project["id"]}
        else:
            raise _invalid("Expecting to find id or name in project.")
        if target.domain["id"] != tenant.domain["id"]:
            raise errors.keystone_error(403, "The user has no access to the requested project.")
        return {"project_id": ref["id"]}
    if "domain" in scope:
        ref = scope["domain"] or {}
        if ref.get("id") != tenant.domain["id"] and ref.get("name") != tenant.domain["name"]:
            raise errors.keystone_error(403, "The user has no access to the requested domain.")
        return {"scope_domain_id": tenant.domain["id"]}
    raise _invalid("Invalid scope.")


async def issue_token(request: Request):
    emu = request.app.state.emulator
    body = await read_json(request, _invalid)
    auth_body = body.get("auth")
    identity = auth_body.get("identity") if isinstance(auth_body, dict) else None
    methods = identity.get("methods") if isinstance(identity, dict) else None
    if not isinstance(methods, list) or not methods:
        raise _invalid("Expecting to find identity methods in auth.")
    if "password" in methods:
        tenant, previous = _user_from_password(emu, identity)
    elif "token" in methods:
        tenant, previous = _user_from_token(emu, identity)
    else:
        raise errors.keystone_error(401, f"Unsupported authentication method: {methods[0]}.")
    now = emu.now()
    record = {
        "user_id": tenant.user["id"], "domain_id": tenant.domain["id"], "methods": methods,
        "issued_at": now,
        # A re-scoped token keeps the lifetime of the token it came from, as in Keystone.
        "expires_at": previous["expires_at"] if previous else now + emu.config.token_lifetime,
        **_resolve_scope(emu, tenant, auth_body.get("scope")),
    }
    token = auth.new_token_string()
    auth.save_token(emu, token, record)
    auth.note_principal(request, auth.Principal(tenant.user["id"], tenant.domain["id"], record.get("project_id"),
                                                 "token", tenant))
    with_catalog = "nocatalog" not in request.query_params
    return json_response(token_document(emu, request, record, with_catalog), 201, {"X-Subject-Token": token})


async def _keystone_caller(request: Request) -> auth.Principal:
    """Authenticate a Keystone call (token or AK/SK), answering Keystone-style errors."""
    try:
        return await auth.authenticate(request, request.app.state.emulator, None)
    except errors.ApiError as exc:
        # An AK/SK signature is checked by the API Gateway before IAM sees the request (the
        # window, the key id, the signature: the gateway's APIGW.0301 reasons, see auth.py), so
        # its refusal keeps the gateway's form here too; a token is IAM's own to refuse.
        signed = signing.is_signed(request.headers.get("authorization"))
        if exc.status == 401 and not signed:
            raise _unauthorized() from None
        if exc.status == 403:
            raise errors.keystone_error(403, "You are not authorized to perform the requested action.") from None
        raise


async def validate_token(request: Request):
    emu = request.app.state.emulator
    await _keystone_caller(request)
    record = auth.find_token(emu, request.headers.get("x-subject-token"))
    if record is None:
        raise errors.keystone_error(404, "Could not find token.")
    if request.method == "DELETE":
        auth.revoke_token(emu, request.headers["x-subject-token"])
        return empty(204)
    document = token_document(emu, request, record, "nocatalog" not in request.query_params)
    return json_response(document, 200, {"X-Subject-Token": request.headers["x-subject-token"]})


async def get_catalog(request: Request):
    caller = await _keystone_caller(request)
    emu = request.app.state.emulator
    catalog = catalog_for(emu, request, caller.project_id)
    return json_response({"catalog": catalog, "links": _self_link(request)})


async def list_auth_projects(request: Request):
    caller = await _keystone_caller(request)
    projects = request.app.state.emulator.config.projects_of_domain(caller.domain_id)
    return json_response({"projects": [project_document(request, p) for p in projects],
                          "links": _self_link(request)})


async def list_projects(request: Request):
    caller = await _keystone_caller(request)
    projects = request.app.state.emulator.config.projects_of_domain(caller.domain_id)
    name = request.query_params.get("name")
    if name is not None:
        projects = [p for p in projects if p["name"] == name]
    domain_id = request.query_params.get("domain_id")
    if domain_id is not None:
        projects = [p for p in projects if p["domain_id"] == domain_id]
    return json_response({"projects": [project_document(request, p) for p in projects],
                          "links": _list_links(request)})


async def list_regions(request: Request):
    await _keystone_caller(request)
    regions = [{"id": name, "description": "", "parent_region_id": None, "links": {}}
               for name in request.app.state.emulator.config.regions]
    return json_response({"regions": regions, "links": _list_links(request)})


def _service_id(service_type: str) -> str:
    return uuid.uuid5(CATALOG_NAMESPACE, service_type).hex


async def list_auth_domains(request: Request):
    """KeystoneListAuthDomains: the domains the caller may scope to (its own); the Huawei SDKs
    call it with AK/SK to find the domain id of GlobalCredentials."""
    caller = await _keystone_caller(request)
    domain = caller.tenant.domain
    return json_response({"domains": [{"id": domain["id"], "name": domain["name"], "enabled": True,
                                       "description": "",
                                       "links": {"self": _identity_url(request, f"domains/{domain['id']}")}}],
                          "links": _self_link(request)})


async def list_services(request: Request):
    """KeystoneListServices: every service of the catalog; filter `type`."""
    await _keystone_caller(request)
    wanted = request.query_params.get("type")
    services = [{"id": _service_id(service_type), "type": service_type, "name": name, "enabled": True,
                 "description": "", "links": {"self": _identity_url(request, f"services/{_service_id(service_type)}")}}
                for service_type, name, _ in request.app.state.emulator.catalog_templates
                if wanted is None or service_type == wanted]
    return json_response({"services": services, "links": _list_links(request)})


async def list_endpoints(request: Request):
    """KeystoneListEndpoints: the endpoint templates, not a project's catalog, so a project id
    in a URL is Keystone's `$(tenant_id)s` placeholder (../shared/api/keystone.md: "Keystone
    templates use $(tenant_id)s"); filters `interface` and `service_id`. Only the regions a
    project of the config lives in have endpoints (README "Regions")."""
    emu = request.app.state.emulator
    await _keystone_caller(request)
    interface = request.query_params.get("interface")
    service_id = request.query_params.get("service_id")
    endpoints = []
    for region in emu.config.project_regions():
        for service_type, _, template in emu.catalog_templates:
            endpoint_id = uuid.uuid5(CATALOG_NAMESPACE, f"{service_type}/{region}/template").hex
            if (interface not in (None, "public")) or service_id not in (None, _service_id(service_type)):
                continue
            endpoints.append({
                "id": endpoint_id, "service_id": _service_id(service_type), "interface": "public",
                "region": region, "region_id": region, "enabled": True,
                "url": base_url(request) + template.format(project_id="$(tenant_id)s"),
                "links": {"self": _identity_url(request, f"endpoints/{endpoint_id}")},
            })
    return json_response({"endpoints": endpoints, "links": _list_links(request)})


async def versions(request: Request):
    return json_response({"versions": {"values": [version_document(request)]}}, 300)


async def version(request: Request):
    return json_response({"version": version_document(request)})


def mounts() -> list:
    return [Mount(MOUNT, routes=routes())]


def routes() -> list:
    return [
        Route("/", versions, methods=["GET"]),
        Route("/v3", version, methods=["GET"]),
        Route("/v3/", version, methods=["GET"]),
    ] + api_routes("/v3")


def api_routes(prefix: str) -> list:
    return [
        Route(f"{prefix}/auth/tokens", issue_token, methods=["POST"]),
        Route(f"{prefix}/auth/tokens", validate_token, methods=["GET", "HEAD", "DELETE"]),
        Route(f"{prefix}/auth/catalog", get_catalog, methods=["GET"]),
        Route(f"{prefix}/auth/projects", list_auth_projects, methods=["GET"]),
        Route(f"{prefix}/auth/domains", list_auth_domains, methods=["GET"]),
        Route(f"{prefix}/projects", list_projects, methods=["GET"]),
        Route(f"{prefix}/regions", list_regions, methods=["GET"]),
        Route(f"{prefix}/services", list_services, methods=["GET"]),
        Route(f"{prefix}/endpoints", list_endpoints, methods=["GET"]),
    ]


def unprefixed_routes() -> list:
    """The IAM API at the host's root as well: huaweicloudsdkiam and huaweicloudsdkcore's project
    and domain discovery keep only the scheme and host of an IAM endpoint and send `/v3/...`
    themselves (as for EVS, see README "Unprefixed EVS paths"). Plain routes, before every other
    unprefixed service, so `/v3/{project_id}/...` still reaches CBR and EVS."""
    return api_routes("/v3")
