"""Minimal VPC (v1): one seeded VPC and subnet per tenant, plus the drill VPCs SDRS creates.

Only reads are exposed; SDRS protection groups need a `source_vpc_id` and drills a VPC with the
same CIDR. The seeded ids are derived from the project id, so they are stable across resets.
"""

from __future__ import annotations

import uuid

from starlette.routing import Mount, Route

from .. import errors
from ..clock import iso_z
from ..context import ProjectCall, project_endpoint
from ..resources import Repository, new_id
from ..web import json_response

MOUNT = "/vpc"
CATALOG = [("vpc", "vpc", "/vpc/v1/{project_id}")]
VPC, SUBNET = "vpc", "subnet"
SEED_NAMESPACE = uuid.UUID("3b1f4a52-5d0e-4c59-9d47-6a3c0b1e7f10")
DEFAULT_CIDR = "192.168.0.0/16"


def default_vpc(project_id: str, region: str) -> dict:
    return {"id": str(uuid.uuid5(SEED_NAMESPACE, f"vpc/{project_id}")), "name": "vpc-default",
            "cidr": DEFAULT_CIDR, "status": "OK", "project_id": project_id, "region": region,
            "description": "seeded by the emulator", "created_at": 1_767_225_600.0}


def default_subnet(project_id: str, region: str) -> dict:
    vpc = default_vpc(project_id, region)
    return {"id": str(uuid.uuid5(SEED_NAMESPACE, f"subnet/{project_id}")), "name": "subnet-default",
            "cidr": "192.168.0.0/24", "gateway_ip": "192.168.0.1", "vpc_id": vpc["id"], "status": "ACTIVE",
            "project_id": project_id, "region": region, "availability_zone": ""}


def vpcs_of(emu, project_id: str, region: str) -> list[dict]:
    return [default_vpc(project_id, region)] + Repository(emu, VPC).list(project_id)


def find_vpc(emu, project_id: str, region: str, vpc_id: str) -> dict | None:
    return next((v for v in vpcs_of(emu, project_id, region) if v["id"] == vpc_id), None)


def create_vpc(emu, project_id: str, region: str, name: str, cidr: str, now: float) -> dict:
    """A VPC made by another service (an SDRS drill VPC); VPCs have no asynchronous states."""
    vpc = {"id": new_id(), "name": name, "cidr": cidr, "status": "OK", "project_id": project_id,
           "region": region, "description": "", "created_at": now}
    return Repository(emu, VPC).save(vpc)


def delete_vpc(emu, vpc_id: str) -> None:
    emu.store.delete(VPC, vpc_id)


def vpc_view(vpc: dict) -> dict:
    return {"id": vpc["id"], "name": vpc["name"], "cidr": vpc["cidr"], "status": vpc["status"],
            "description": vpc["description"], "routes": [], "enterprise_project_id": "0",
            "created_at": iso_z(vpc["created_at"])}


def subnet_view(subnet: dict) -> dict:
    return {k: subnet[k] for k in ("id", "name", "cidr", "gateway_ip", "vpc_id", "status", "availability_zone")}


endpoint = project_endpoint(ProjectCall)


@endpoint
async def list_vpcs(call: ProjectCall):
    return json_response({"vpcs": [vpc_view(v) for v in vpcs_of(call.emu, call.project_id, call.region)]})


@endpoint
async def show_vpc(call: ProjectCall):
    vpc = find_vpc(call.emu, call.project_id, call.region, call.request.path_params["vpc_id"])
    if vpc is None:
        raise errors.ApiError(404, {"code": "VPC.0101", "message": "Query resource by id error."})
    return json_response({"vpc": vpc_view(vpc)})


def _subnets(call: ProjectCall) -> list[dict]:
    subnets = [default_subnet(call.project_id, call.region)]
    vpc_id = call.request.query_params.get("vpc_id")
    return [s for s in subnets if vpc_id is None or s["vpc_id"] == vpc_id]


@endpoint
async def list_subnets(call: ProjectCall):
    return json_response({"subnets": [subnet_view(s) for s in _subnets(call)]})


@endpoint
async def show_subnet(call: ProjectCall):
    subnet = next((s for s in _subnets(call) if s["id"] == call.request.path_params["subnet_id"]), None)
    if subnet is None:
        raise errors.ApiError(404, {"code": "VPC.0202", "message": "Query resource by id error."})
    return json_response({"subnet": subnet_view(subnet)})


def mounts() -> list:
    pid = "/{project_id}"
    return [Mount("/vpc/v1", routes=[
        Route(f"{pid}/vpcs", list_vpcs, methods=["GET"]),
        Route(f"{pid}/vpcs/{{vpc_id}}", show_vpc, methods=["GET"]),
        Route(f"{pid}/subnets", list_subnets, methods=["GET"]),
        Route(f"{pid}/subnets/{{subnet_id}}", show_subnet, methods=["GET"]),
    ])]
