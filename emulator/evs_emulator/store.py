"""All emulator state in one SQLite database (WAL mode).

Resources of every service share one table: (kind, id) -> JSON body, with the owning project
and region as indexed columns, so later services (VBS, CBR, SDRS) plug in without schema
changes. Each mutating request runs in one transaction that commits before the answer is
sent; with WAL a crash of the process (kill -9) loses nothing that was committed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT,
    region TEXT,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS resources_by_project ON resources (kind, project_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    epoch REAL NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    project_id TEXT,
    user_id TEXT,
    service TEXT,
    mutating INTEGER NOT NULL,
    request_id TEXT
);
"""

DB_FILE = "emulator.sqlite3"


class Store:
    def __init__(self, state_dir: str | Path):
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(state_dir) / DB_FILE
        # One connection shared by the event loop thread; the lock guards the rare
        # access from other threads (tests, CLI helpers).
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One atomic unit; nested calls join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    # -- resources --------------------------------------------------------
    def get(self, kind: str, rid: str) -> dict | None:
        row = self._db.execute("SELECT body FROM resources WHERE kind=? AND id=?", (kind, rid)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, rid: str, body: dict, project_id: str | None = None, region: str | None = None) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO resources (kind, id, project_id, region, body) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, id) DO UPDATE SET body=excluded.body",
                (kind, rid, project_id, region, json.dumps(body)),
            )

    def delete(self, kind: str, rid: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM resources WHERE kind=? AND id=?", (kind, rid))

    def list(self, kind: str, project_id: str | None = None) -> list[dict]:
        """Bodies of one kind in creation order, optionally of one project."""
        if project_id is None:
            rows = self._db.execute("SELECT body FROM resources WHERE kind=? ORDER BY seq", (kind,))
        else:
            rows = self._db.execute(
                "SELECT body FROM resources WHERE kind=? AND project_id=? ORDER BY seq", (kind, project_id)
            )
        return [json.loads(r[0]) for r in rows]

    # -- small named values (clock, timings, faults, outages) -------------
    def meta_get(self, key: str, default=None):
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                (key, json.dumps(value)),
            )

    # -- request log ------------------------------------------------------
    def log_request(self, entry: dict) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO requests (time, epoch, method, path, query, status, project_id, user_id, service,"
                " mutating, request_id) VALUES (:time, :epoch, :method, :path, :query, :status, :project_id,"
                " :user_id, :service, :mutating, :request_id)",
                entry,
            )

    def requests(self, since_seq: int = 0) -> list[dict]:
        cur = self._db.execute("SELECT * FROM requests WHERE seq > ? ORDER BY seq", (since_seq,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def clear_requests(self) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM requests")

    def clear_all(self) -> None:
        with self.transaction():
            for table in ("resources", "meta", "requests"):
                self._db.execute(f"DELETE FROM {table}")
