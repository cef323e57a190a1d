"""Tenant-scoped access to stored resources, settled against the emulator clock."""

from __future__ import annotations

import uuid

from .lifecycle import settle


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
        now = self.emu.now()
        alive = []
        for body in self.emu.store.list(self.kind, project_id):
            current = settle(body, now)
            if current is None:
                # Deleted for good: drop the row so long sessions do not drag old rows along.
                self.emu.store.delete(self.kind, body["id"])
            else:
                alive.append(current)
        return alive

    def save(self, body: dict) -> dict:
        self.emu.store.put(self.kind, body["id"], body, body.get("project_id"), body.get("region"))
        return body
