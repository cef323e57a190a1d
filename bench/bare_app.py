"""The floor the emulator is measured against: a bare Starlette app on uvicorn that answers an
authenticated GET of one disk by id, and a page of 10 disks, from SQLite (WAL), with nothing
else (no request log, no fault rules, no clock, no per-request transaction).

The bench writes its database: the token hashes it accepts and the disks' JSON answers, copied
from the emulator's own answers, so both apps send the same bodies. It runs under the same
uvicorn settings as `evs-emulator serve` (one worker, h11 or whatever uvicorn picks, no access
log), on a free loopback port that it writes to `--url-file` once it accepts connections.

    python bench/bare_app.py --db build/bench/bare.sqlite3 --url-file build/bench/bare.url
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, project_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS volumes (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL,
                                    created_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS volumes_page ON volumes (project_id, created_at, id);
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def write_db(path: Path, tokens: dict[str, str], volumes: list[dict]) -> None:
    """`tokens`: token -> project id; `volumes`: the JSON answers of the disks (with project_id)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    with db:
        db.executemany("INSERT INTO tokens VALUES (?, ?)", [(token_hash(t), p) for t, p in tokens.items()])
        db.executemany("INSERT INTO volumes (id, project_id, created_at, body) VALUES (?, ?, ?, ?)",
                       [(v["id"], v["os-vol-tenant-attr:tenant_id"], v["created_at"], json.dumps(v)) for v in volumes])
    db.close()


def create_app(db_path: Path):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    db = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")

    def project_of(request) -> str | None:
        token = request.headers.get("x-auth-token")
        row = db.execute("SELECT project_id FROM tokens WHERE hash = ?", (token_hash(token or ""),)).fetchone()
        return row[0] if row else None

    async def show_volume(request):
        project_id = request.path_params["project_id"]
        if project_of(request) != project_id:
            return JSONResponse({"error": "unauthorized"}, 401)
        row = db.execute("SELECT body FROM volumes WHERE id = ? AND project_id = ?",
                         (request.path_params["volume_id"], project_id)).fetchone()
        if row is None:
            return JSONResponse({"error": "not found"}, 404)
        return JSONResponse({"volume": json.loads(row[0])})

    async def list_volumes(request):
        project_id = request.path_params["project_id"]
        if project_of(request) != project_id:
            return JSONResponse({"error": "unauthorized"}, 401)
        limit = int(request.query_params.get("limit", 1000))
        rows = db.execute("SELECT body FROM volumes WHERE project_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                          (project_id, limit))
        return JSONResponse({"volumes": [json.loads(body) for body, in rows]})

    return Starlette(routes=[Route("/evs/v3/{project_id}/volumes/detail", list_volumes, methods=["GET"]),
                             Route("/evs/v3/{project_id}/volumes/{volume_id}", show_volume, methods=["GET"])])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--url-file", type=Path, required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY, as the emulator
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            args.url_file.write_text(url + "\n")

    config = uvicorn.Config(create_app(args.db), log_level="warning", access_log=False, server_header=False,
                            lifespan="off")
    AnnouncingServer(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
