"""Every cloud service of the emulator, registered in one place.

A service is a `Service`: its name (as the request log and the coverage table name it), the
first path segment of its URLs, its catalog entries, its routes (and the routes it also answers
at the host's root, for the Huawei SDKs that keep only the scheme and host of an endpoint), and
the error it answers when the emulator itself fails. `app.py` builds the one router, the catalog
and the error handling from `SERVICES`; a new service is a module with its routes and one entry
here. The store is one for all (`store.py`): a service's resource kinds are its own names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import errors
from . import cbr, compute, evs, identity, sdrs, vbs, vpc


@dataclass(frozen=True)
class Service:
    name: str
    prefix: str  # first path segment: {base}/{prefix}/...
    catalog: list[tuple[str, str, str]]  # (type, name, URL path template)
    mounts: Callable[[], list]
    # Routes at the host's root as well; tried after every prefixed service, in this order.
    unprefixed: Callable[[], list] = list
    # Whether its unprefixed routes take whatever path no other service claimed (EVS: last).
    fallback: bool = False
    internal_error: errors.ApiError = field(default_factory=lambda: errors.fault(500, "Unexpected API Error."))
    # Cinder's clients read `x-openstack-request-id` besides the gateway's `x-request-id`.
    openstack_request_id: bool = False


# Order: catalog order, and the order their routes are tried.
SERVICES = (
    Service("identity", "identity", identity.CATALOG, identity.mounts, identity.unprefixed_routes,
            internal_error=errors.keystone_error(
                500, "An unexpected error prevented the server from fulfilling your request.")),
    Service("evs", "evs", evs.CATALOG, evs.mounts, evs.unprefixed_mounts, fallback=True,
            internal_error=errors.evs_error(500, "EVS.2002", "Internal error."), openstack_request_id=True),
    Service("compute", "ecs", compute.CATALOG, compute.mounts),
    Service("sdrs", "sdrs", sdrs.CATALOG, sdrs.mounts, sdrs.unprefixed_routes,
            internal_error=sdrs.sdrs_error(500, "SDRS.0013", "Internal error.")),
    Service("vpc", "vpc", vpc.CATALOG, vpc.mounts),
    Service("vbs", "vbs", vbs.CATALOG, vbs.mounts,
            internal_error=vbs.vbs_error(500, "VolumeBackup.0014", "Submitting the task failed: internal error.")),
    Service("cbr", "cbr", cbr.CATALOG, cbr.mounts, cbr.unprefixed_routes,
            internal_error=cbr.cbr_error(500, "BackupService.0003", "Internal error.")),
)
BY_NAME = {service.name: service for service in SERVICES}
BY_PREFIX = {service.prefix: service for service in SERVICES}
