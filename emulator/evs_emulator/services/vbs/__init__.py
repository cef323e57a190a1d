"""VBS (Volume Backup Service): vendor backup/restore jobs, Cinder-style backups, backup policies.

`model.py` holds the state (resource kinds, lifecycles), its transitions on the clock (backups,
restores, scheduled policies and their retention) and the checks on request values; `api.py`
the routes, request bodies, views and list queries. The service is registered in
`services/registry.py`.
"""

from .api import CATALOG, MOUNT, mounts
from .model import vbs_error

__all__ = ["CATALOG", "MOUNT", "mounts", "vbs_error"]
