"""Tenant-scoped access to stored resources, settled against the emulator clock."""

from __future__ import annotations

import uuid
from typing import Iterator

from .lifecycle import settle
from .store import Selection


def new_id() -> str:
    return str(uuid.uuid4())


class Repository:
    """Resources of one kind. A resource of another project is treated as absent (never leaked)."""

    def __init__(self, emu, kind: str):
        self.emu = emu
        self.kind = kind

    def get(self, rid: str, project_id: str | None) -> dict | None:
        body = settle(self.emu.store.get(self.kind, rid), self.emu.now())
        if body is None or (project_id is not None and body.get("project_id") != project_id):
            return None
        return body

    def list(self, project_id: str | None) -> list[dict]:
        """Every resource of the project, settled, in creation order."""
        now = self.emu.now()
        self.emu.store.purge_gone(self.kind, project_id, now)
        return [body for body in (settle(b, now) for b in self.emu.store.list(self.kind, project_id)) if body]

    def scan(self, project_id: str, selection: Selection, after: tuple | None = None,
             batch: int = 16, offset: int = 0) -> Iterator[tuple[tuple, dict]]:
        """(order key, settled body) of the selected resources in order (after the key `after`,
        skipping `offset` in SQL), read lazily in growing batches: a caller that stops after a
        page has read little more than the page."""
        now = self.emu.now()
        self.emu.store.purge_gone(self.kind, project_id, now)
        while True:
            rows = self.emu.store.select(self.kind, project_id, now, selection, after, batch, offset)
            for key, body in rows:
                yield key, settle(body, now)
            if len(rows) < batch:
                return
            after, batch, offset = rows[-1][0], min(batch * 4, 4096), 0

    def count(self, project_id: str, selection: Selection) -> int:
        return self.emu.store.count(self.kind, project_id, self.emu.now(), selection)

    def usage(self, project_id: str) -> dict[str | None, tuple[int, int]]:
        """Per volume type: how many resources of the project and their total size, as settled now."""
        return self.emu.store.usage(self.kind, project_id, self.emu.now())

    def vault_used(self, project_id: str, vault_id: str) -> int:
        """The stored size (`_used_mb`) of the project's resources in the vault, as settled now."""
        return self.emu.store.vault_used(self.kind, project_id, vault_id, self.emu.now())

    def save(self, body: dict) -> dict:
        self.emu.store.put(self.kind, body["id"], body, body.get("project_id"), body.get("region"))
        return body
