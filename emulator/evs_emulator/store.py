"""All emulator state in one SQLite database (WAL mode).

Resources of every service share one table: (kind, id) -> JSON body, with the owning project
and region as indexed columns, so later services (VBS, CBR, SDRS) plug in without schema
changes. Lists and quota counts read the few body fields they filter, order and add up on
through generated columns (`LISTED_COLUMNS`): SQLite derives them from the body itself, so every
writer keeps them right, and indexes on them let a list read only the rows of its page. Each mutating request runs in one transaction that commits before the answer is
sent; with WAL a crash of the process (kill -9) loses nothing that was committed.

The request log is written behind: entries queue in memory, in the order the answers started,
and are written in one transaction when anything reads or clears the log, when a mutating
request is logged (so its entry is as durable as its change), when the queue is long, and at
the latest `LOG_FLUSH_SECONDS` after the first queued entry (the app's timer) or at close. A
read of the log therefore always sees every request answered before it; a kill -9 can lose only
the entries of reads answered in the last moments.
"""

from __future__ import annotations

import contextvars
import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
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
    request_id TEXT,
    created TEXT
);
"""

#: The ids of the resources the request being handled inserted (a list the middleware sets for
#: each request; None outside one). The request log keeps them, so a test can tell which run
#: created which resource, and so whether a run deleted something it did not create.
CREATED = contextvars.ContextVar("created", default=None)

DB_FILE = "emulator.sqlite3"

#: Queued request log entries written at once when this many wait (a timer flushes fewer).
LOG_QUEUE_LIMIT = 512
#: How long a queued request log entry may wait for a flush (the app's timer).
LOG_FLUSH_SECONDS = 0.05
LOG_COLUMNS = ("time", "epoch", "method", "path", "query", "status", "project_id", "user_id", "service", "mutating",
               "request_id", "created")
LOG_INSERT = f"INSERT INTO requests ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})"

# Body fields as virtual generated columns (added to an older state dir's table on open).
# `gone_at`: when a pending delete completes (lifecycle.settle answers None from then on);
# `due`/`size_when_due`: when the pending operation completes and the size it sets (an extend).
LISTED_COLUMNS = {
    "created_at": "REAL AS (json_extract(body, '$.created_at'))",
    "name": "TEXT AS (json_extract(body, '$.name'))",
    "volume_id": "TEXT AS (json_extract(body, '$.volume_id'))",
    "vault_id": "TEXT AS (json_extract(body, '$.vault_id'))",
    "resource_id": "TEXT AS (json_extract(body, '$.resource_id'))",
    "server_group_id": "TEXT AS (json_extract(body, '$.server_group_id'))",
    "zone": "TEXT AS (coalesce(json_extract(body, '$.availability_zone'),"
            " json_extract(body, '$._availability_zone')))",
    "volume_type": "TEXT AS (coalesce(json_extract(body, '$.volume_type'), json_extract(body, '$._volume_type')))",
    "size": "INTEGER AS (json_extract(body, '$.size'))",
    "used_mb": "INTEGER AS (json_extract(body, '$._used_mb'))",
    "due": "REAL AS (json_extract(body, '$._pending.due'))",
    "size_when_due": "INTEGER AS (json_extract(body, '$._pending.set.size'))",
    "gone_at": "REAL AS (CASE WHEN json_type(body, '$._pending.to') = 'null'"
               " THEN json_extract(body, '$._pending.due') END)",
}
# Each filter's index ends with the list order, so a filtered page is read in order, not sorted,
# then `gone_at`, so that skipping an offset and counting read the index alone (every index of
# the project's rows has it: the planner counts on the narrowest; `resources_of_project` also
# finds the rows whose delete completed).
LIST_INDEXES = """
DROP INDEX IF EXISTS resources_by_project;
CREATE INDEX IF NOT EXISTS resources_of_project ON resources (kind, project_id, gone_at);
CREATE INDEX IF NOT EXISTS resources_page ON resources (kind, project_id, created_at, id, gone_at);
CREATE INDEX IF NOT EXISTS resources_page_by_name ON resources (kind, project_id, name, created_at, id, gone_at);
CREATE INDEX IF NOT EXISTS resources_page_by_volume ON resources
    (kind, project_id, volume_id, created_at, id, gone_at);
CREATE INDEX IF NOT EXISTS resources_of_vault ON resources (kind, project_id, vault_id, gone_at);
CREATE INDEX IF NOT EXISTS resources_of_resource ON resources (kind, project_id, resource_id, gone_at);
CREATE INDEX IF NOT EXISTS resources_of_group ON resources (kind, project_id, server_group_id, gone_at);
-- the few rows whose pending extend changes the size that quota usage counts
CREATE INDEX IF NOT EXISTS resources_resizing ON resources (kind, project_id, due) WHERE size_when_due IS NOT NULL;
"""

# Running totals per (kind, project, volume type): how many rows and their stored size, kept by
# triggers in the transaction of every write (whoever writes). Quota usage starts from them, so a
# create costs the same in a project of 100 or 100,000 disks.
USAGE_TOTALS = """
CREATE TABLE usage_totals (
    kind TEXT NOT NULL, project_id TEXT NOT NULL, volume_type TEXT NOT NULL,
    count INTEGER NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (kind, project_id, volume_type)
);
INSERT INTO usage_totals
    SELECT kind, coalesce(project_id, ''), coalesce(volume_type, ''), COUNT(*), TOTAL(coalesce(size, 0))
    FROM resources GROUP BY 1, 2, 3;
CREATE TRIGGER usage_insert AFTER INSERT ON resources BEGIN
    INSERT INTO usage_totals VALUES (new.kind, coalesce(new.project_id, ''), coalesce(new.volume_type, ''), 1,
                                     coalesce(new.size, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, size = size + excluded.size;
END;
CREATE TRIGGER usage_delete AFTER DELETE ON resources BEGIN
    UPDATE usage_totals SET count = count - 1, size = size - coalesce(old.size, 0)
    WHERE kind = old.kind AND project_id = coalesce(old.project_id, '') AND volume_type = coalesce(old.volume_type, '');
END;
CREATE TRIGGER usage_update AFTER UPDATE OF body ON resources BEGIN
    UPDATE usage_totals SET count = count - 1, size = size - coalesce(old.size, 0)
    WHERE kind = old.kind AND project_id = coalesce(old.project_id, '') AND volume_type = coalesce(old.volume_type, '');
    INSERT INTO usage_totals VALUES (new.kind, coalesce(new.project_id, ''), coalesce(new.volume_type, ''), 1,
                                     coalesce(new.size, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, size = size + excluded.size;
END;
"""
# Running totals per (kind, project, vault): the stored size (`_used_mb`) of the rows in each vault,
# kept by triggers like the usage totals above. A vault's room check starts from them, so a
# backup or replica costs the same in a vault of 1 or 10,000 backups.
VAULT_TOTALS = """
CREATE TABLE vault_totals (
    kind TEXT NOT NULL, project_id TEXT NOT NULL, vault_id TEXT NOT NULL, used_mb INTEGER NOT NULL,
    PRIMARY KEY (kind, project_id, vault_id)
);
INSERT INTO vault_totals
    SELECT kind, coalesce(project_id, ''), vault_id, TOTAL(used_mb) FROM resources
    WHERE vault_id IS NOT NULL AND used_mb IS NOT NULL GROUP BY 1, 2, 3;
CREATE TRIGGER vault_used_insert AFTER INSERT ON resources
WHEN new.vault_id IS NOT NULL AND new.used_mb IS NOT NULL BEGIN
    INSERT INTO vault_totals VALUES (new.kind, coalesce(new.project_id, ''), new.vault_id, new.used_mb)
    ON CONFLICT DO UPDATE SET used_mb = used_mb + excluded.used_mb;
END;
CREATE TRIGGER vault_used_delete AFTER DELETE ON resources
WHEN old.vault_id IS NOT NULL AND old.used_mb IS NOT NULL BEGIN
    UPDATE vault_totals SET used_mb = used_mb - old.used_mb
    WHERE kind = old.kind AND project_id = coalesce(old.project_id, '') AND vault_id = old.vault_id;
END;
CREATE TRIGGER vault_used_update AFTER UPDATE OF body ON resources
WHEN (old.vault_id IS NOT NULL AND old.used_mb IS NOT NULL) OR (new.vault_id IS NOT NULL AND new.used_mb IS NOT NULL)
BEGIN
    UPDATE vault_totals SET used_mb = used_mb - coalesce(old.used_mb, 0)
    WHERE kind = old.kind AND project_id = coalesce(old.project_id, '') AND vault_id = old.vault_id;
    INSERT INTO vault_totals
        SELECT new.kind, coalesce(new.project_id, ''), new.vault_id, new.used_mb
        WHERE new.vault_id IS NOT NULL AND new.used_mb IS NOT NULL
    ON CONFLICT DO UPDATE SET used_mb = used_mb + excluded.used_mb;
END;
"""
ALIVE = "(gone_at IS NULL OR gone_at > ?)"


@dataclass(frozen=True)
class Selection:
    """The SQL side of a list: rows of one kind and project that are not gone at `now`, whose
    `equal` columns (of LISTED_COLUMNS, or `id`) and `metadata` entries have the given values,
    whose `among` columns have one of the given values, in `order` (columns that are never NULL;
    `seq` is creation order), descending or not."""

    equal: tuple[tuple[str, str], ...] = ()
    among: tuple[tuple[str, tuple[str, ...]], ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] = ("created_at", "id")
    descending: bool = False

    def where(self, kind: str, project_id: str, now: float) -> tuple[str, list]:
        clauses, params = ["kind = ?", "project_id = ?", ALIVE], [kind, project_id, now]
        for column, value in self.equal:
            if column != "id" and column not in LISTED_COLUMNS:
                raise ValueError(f"not a listed column: {column}")
            clauses.append(f"{column} = ?")
            params.append(value)
        for column, values in self.among:
            if column != "id" and column not in LISTED_COLUMNS:
                raise ValueError(f"not a listed column: {column}")
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
            params += list(values)
        for key, value in self.metadata:
            clauses.append("EXISTS (SELECT 1 FROM json_each(body, '$.metadata') WHERE key = ? AND value = ?)")
            params += [key, value]
        return " AND ".join(clauses), params


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
        present = {row[1] for row in self._db.execute("PRAGMA table_xinfo(resources)")}
        for column, definition in LISTED_COLUMNS.items():
            if column not in present:
                self._db.execute(f"ALTER TABLE resources ADD COLUMN {column} {definition} VIRTUAL")
        self._db.executescript(LIST_INDEXES)
        if "created" not in {row[1] for row in self._db.execute("PRAGMA table_info(requests)")}:
            self._db.execute("ALTER TABLE requests ADD COLUMN created TEXT")  # an older state dir
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'usage_totals'").fetchone():
            # A new or older state dir: the totals start from the rows already there, atomically.
            self._db.executescript("BEGIN IMMEDIATE;" + USAGE_TOTALS + "COMMIT;")
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'vault_totals'").fetchone():
            self._db.executescript("BEGIN IMMEDIATE;" + VAULT_TOTALS + "COMMIT;")
        self._lock = threading.RLock()
        self._depth = 0
        self._begun = False  # whether the open transaction has sent BEGIN
        self._log_queue: list[tuple] = []  # rows of the request log, in LOG_COLUMNS order

    def close(self) -> None:
        self.flush_log()
        self._db.close()

    @contextmanager
    def transaction(self, lazy: bool = False) -> Iterator["Store"]:
        """One atomic unit; nested calls join the outer transaction.

        `lazy`: BEGIN only when a nested call opens (every write of the store opens one), so a
        request that only reads costs no BEGIN/COMMIT. Its reads before that run on their own; they
        see the same rows, since this connection is the only writer and the lock is held throughout.
        """
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._begun = not lazy
                if self._begun:
                    self._db.execute("BEGIN IMMEDIATE")
            elif not self._begun:
                self._db.execute("BEGIN IMMEDIATE")
                self._begun = True
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer and self._begun:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer and self._begun:
                self._db.execute("COMMIT")

    # -- resources --------------------------------------------------------
    def get(self, kind: str, rid: str) -> dict | None:
        row = self._db.execute("SELECT body FROM resources WHERE kind=? AND id=?", (kind, rid)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, rid: str, body: dict, project_id: str | None = None, region: str | None = None) -> None:
        created = CREATED.get()
        with self.transaction():
            if created is not None and not self._db.execute(
                    "SELECT 1 FROM resources WHERE kind=? AND id=?", (kind, rid)).fetchone():
                created.append(rid)
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

    def select(self, kind: str, project_id: str, now: float, selection: Selection,
               after: tuple | None = None, limit: int | None = None, offset: int = 0) -> list[tuple[tuple, dict]]:
        """(order key, body) of the selected rows in order, from just after the key `after` and
        `offset` rows more, at most `limit`."""
        where, params = selection.where(kind, project_id, now)
        columns = ", ".join(selection.order)
        if after is not None:
            where += f" AND ({columns}) {'<' if selection.descending else '>'} ({', '.join('?' * len(after))})"
            params += list(after)
        direction = " DESC" if selection.descending else ""
        sql = (f"SELECT body, {columns} FROM resources WHERE {where} "
               f"ORDER BY {', '.join(c + direction for c in selection.order)}")
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        return [(tuple(row[1:]), json.loads(row[0])) for row in self._db.execute(sql, params)]

    def count(self, kind: str, project_id: str, now: float, selection: Selection) -> int:
        where, params = selection.where(kind, project_id, now)
        return self._db.execute(f"SELECT COUNT(*) FROM resources WHERE {where}", params).fetchone()[0]

    def purge_gone(self, kind: str, project_id: str | None, now: float) -> None:
        """Drop rows whose delete completed, so long sessions do not drag old rows along. Every list
        calls it, and most find nothing to drop: they look first (an index read), so that a list
        writes nothing then."""
        if project_id is None:
            where, params = "kind = ? AND gone_at <= ?", (kind, now)
        else:
            where, params = "kind = ? AND project_id = ? AND gone_at <= ?", (kind, project_id, now)
        if self._db.execute(f"SELECT 1 FROM resources WHERE {where} LIMIT 1", params).fetchone() is None:
            return
        with self.transaction():
            self._db.execute(f"DELETE FROM resources WHERE {where}", params)

    def usage(self, kind: str, project_id: str, now: float) -> dict[str | None, tuple[int, int]]:
        """Per volume type: (count, total size) of the rows not gone at `now`, with the size a
        pending operation sets once it is due (what lifecycle.settle would answer): the running
        totals, less the rows whose delete completed, plus the extends that completed."""
        used = {}
        key = (kind, project_id)
        for volume_type, count, size in self._db.execute(
                "SELECT volume_type, count, size FROM usage_totals WHERE kind = ? AND project_id = ?", key):
            used[volume_type] = [count, size]
        for volume_type, count, size in self._db.execute(
                "SELECT coalesce(volume_type, ''), COUNT(*), TOTAL(coalesce(size, 0)) FROM resources"
                " WHERE kind = ? AND project_id = ? AND gone_at <= ? GROUP BY 1", key + (now,)):
            used[volume_type][0] -= count
            used[volume_type][1] -= int(size)
        for volume_type, grown in self._db.execute(
                "SELECT coalesce(volume_type, ''), TOTAL(size_when_due - coalesce(size, 0)) FROM resources"
                " WHERE kind = ? AND project_id = ? AND due <= ? AND size_when_due IS NOT NULL GROUP BY 1",
                key + (now,)):
            used[volume_type][1] += int(grown)
        return {volume_type or None: (count, size) for volume_type, (count, size) in used.items()}

    def vault_used(self, kind: str, project_id: str, vault_id: str, now: float) -> int:
        """The stored size (`_used_mb`) of the rows of `kind` in the vault not gone at `now`: the
        running total, less the rows whose delete completed (an index range of the vault)."""
        key = (kind, project_id, vault_id)
        row = self._db.execute(
            "SELECT used_mb FROM vault_totals WHERE kind = ? AND project_id = ? AND vault_id = ?", key).fetchone()
        gone = self._db.execute(
            "SELECT TOTAL(used_mb) FROM resources WHERE kind = ? AND project_id = ? AND vault_id = ? AND gone_at <= ?",
            key + (now,)).fetchone()[0]
        return (row[0] if row else 0) - int(gone)

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
    def log_request(self, entry: dict) -> bool:
        """Queue one entry (written at once when it is mutating or the queue is full); True when
        it is the first one waiting, so the caller can arrange a flush."""
        with self._lock:
            row = dict(entry, created=",".join(entry.get("created") or ()))
            self._log_queue.append(tuple(row.get(column) for column in LOG_COLUMNS))
            if entry.get("mutating") or len(self._log_queue) >= LOG_QUEUE_LIMIT:
                self.flush_log()
                return False
            return len(self._log_queue) == 1

    def flush_log(self) -> None:
        """Write the queued request log entries, in their order, in one transaction."""
        with self._lock:
            if not self._log_queue:
                return
            queued, self._log_queue = self._log_queue, []
            with self.transaction():
                self._db.executemany(LOG_INSERT, queued)

    def requests(self, since_seq: int = 0) -> list[dict]:
        self.flush_log()
        cur = self._db.execute("SELECT * FROM requests WHERE seq > ? ORDER BY seq", (since_seq,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def clear_requests(self) -> None:
        self.flush_log()  # the cleared entries take their sequence numbers, as written ones did
        with self.transaction():
            self._db.execute("DELETE FROM requests")

    def clear_all(self) -> None:
        self.flush_log()
        with self.transaction():
            for table in ("resources", "usage_totals", "meta", "requests"):
                self._db.execute(f"DELETE FROM {table}")
