"""The per-request context of project-scoped service calls, and the decorator that builds it."""

from __future__ import annotations

import copy
from functools import cached_property

from starlette.requests import Request

from . import auth, errors
from .web import base_url, mount_url

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAFE_METHODS = frozenset({"GET", "HEAD"})


class ProjectCall:
    """One authenticated request on `/{project_id}/...`: emulator, caller, project, and `now`."""

    def __init__(self, request: Request, principal: auth.Principal):
        self.request = request
        self.emu = request.app.state.emulator
        self.principal = principal
        self.project_id = request.path_params["project_id"]
        self.now = self.emu.now()  # one instant for the whole request

    # Computed once per request: every item of a list links to it.
    @cached_property
    def endpoint(self) -> str:
        """The catalog endpoint the client used, e.g. http://h:p/evs/v2/<project_id>."""
        return f"{mount_url(self.request)}/{self.project_id}"

    @cached_property
    def base_url(self) -> str:
        """Scheme and host the client used, e.g. http://127.0.0.1:8080."""
        return base_url(self.request)

    @property
    def region(self) -> str:
        """The region of the project in the path (a project lives in one region)."""
        return self.emu.config.region_of_project(self.project_id)

    def in_project(self, project_id: str) -> "ProjectCall":
        """The same request acting in another project of the caller's domain (its project in
        another region): CBR replication writes the replica where it lands."""
        other = copy.copy(self)
        other.__dict__.pop("endpoint", None)  # cached per project
        other.project_id = project_id
        return other

    def timings(self) -> dict:
        return self.emu.timings()

    def find_reachable(self, repo, resource_id: str, what: str, zone_key: str = "availability_zone") -> dict:
        """This project's resource, reachable: 404 when it is missing or another tenant's (never a
        leak), the service's own zone-down error (`require_zone_up`) when its AZ is in an outage."""
        item = repo.get(resource_id, self.project_id)
        if item is None:
            raise errors.not_found(f"{what} {resource_id} could not be found.")
        self.require_zone_up(item[zone_key])
        return item


def project_endpoint(call_class: type[ProjectCall]):
    """Authenticate, build the call context, run the handler in one store transaction.

    The transaction commits before the answer is sent, so an acknowledged change survives a
    crash. The body is read first: nothing awaits while the transaction is open. A read (GET,
    HEAD) opens it lazily: it costs a BEGIN only if the handler writes.
    """
    def decorate(handler):
        async def wrapper(request: Request):
            emu = request.app.state.emulator
            principal = await auth.authenticate(request, emu, request.path_params["project_id"])
            await request.body()
            call = call_class(request, principal)
            with emu.store.transaction(lazy=request.method in SAFE_METHODS):
                return await handler(call)
        wrapper.__name__ = handler.__name__
        wrapper.__doc__ = handler.__doc__
        return wrapper
    return decorate
