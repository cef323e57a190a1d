"""CBR (Cloud Backup and Recovery) v3: vaults, policies, checkpoints, backups, restores.

`model.py` holds the state (resource kinds, lifecycles), its transitions on the clock (backups,
restores, scheduled policies and their retention) and the checks on request values; `api.py`
the routes, request bodies, views and list queries. The service is registered in
`services/registry.py`.
"""

from .api import CATALOG, MOUNT, mounts, unprefixed_routes
from .model import cbr_error

__all__ = ["CATALOG", "MOUNT", "cbr_error", "mounts", "unprefixed_routes"]
