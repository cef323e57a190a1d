"""SDRS v1: active-active domains, protection groups, protected instances, replication pairs,
DR drills and their asynchronous jobs.

`model.py` holds the state (resource kinds, lifecycles), its transitions (with real
replication: `write_blocks`) and the checks on request values; `api.py` the routes, request
bodies, views and list queries. The service is registered in `services/registry.py`.
"""

from .api import CATALOG, MOUNT, mounts, unprefixed_routes
from .model import NotWritable, sdrs_error, write_blocks

__all__ = ["CATALOG", "MOUNT", "NotWritable", "mounts", "sdrs_error", "unprefixed_routes", "write_blocks"]
