"""Command line: `evs-emulator serve` and `evs-emulator clouds-yaml`."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

import yaml

from .config import Config


def _write_atomically(path: str, text: str) -> None:
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, target)


def serve(args) -> int:
    import uvicorn

    from .app import create_app

    state_dir = Path(args.state_dir or tempfile.mkdtemp(prefix="evs-emulator-")).resolve()
    config = Config.load(args.config, args.region_projects)
    app = create_app(config, state_dir)
    # IPPROTO_TCP explicitly: asyncio only turns on TCP_NODELAY for sockets that say they are
    # TCP, and without it every answer waits ~40 ms for a delayed ACK (Nagle).
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    tls_options = {}
    if args.tls:
        # a CA and a server certificate for 127.0.0.1/localhost, kept in the state dir
        from .tls import make_certificates
        files = make_certificates(state_dir / "tls", args.host)
        # An idle keep-alive TLS connection closes only when the client answers the TLS
        # close; a client that keeps it open idle would hold SIGTERM for asyncio's 30 s TLS
        # shutdown timeout, so the graceful stop is bounded.
        tls_options = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key),
                       "timeout_graceful_shutdown": 2}
    url = f"{'https' if args.tls else 'http'}://{shown_host}:{port}"

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started:
                # The file first: whoever waits for the line may read the file next.
                if args.url_file:
                    _write_atomically(args.url_file, url + "\n")
                print(f"evs-emulator serving at {url} (state: {state_dir})", flush=True)

    server = AnnouncingServer(uvicorn.Config(app, log_level=args.log_level, access_log=False, proxy_headers=False,
                                             server_header=False, date_header=False, lifespan="off",
                                             **tls_options))
    # uvicorn shuts down gracefully on SIGTERM and then re-raises the signal to the handler
    # that was installed before it; make that one a normal exit, so SIGTERM means status 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run(sockets=[sock])
    finally:  # also on SIGTERM's exit: close writes the request log entries still queued
        app.emulator.store.close()
    return 0


def clouds_yaml(config: Config, url: str, cacert: str | None = None) -> str:
    auth_url = f"{url.rstrip('/')}/identity/v3"
    clouds = {}
    # an https emulator (`serve --tls`): clients verify it with the CA in its state dir
    tls = {"cacert": str(Path(cacert).resolve())} if cacert else {}
    for tenant in config.tenants:
        for project in tenant.projects:
            # the first project's entries keep their names; another region's are `<cloud>-<region>`
            name = tenant.cloud if project is tenant.project else f"{tenant.cloud}-{project['region']}"
            clouds[name] = {
                "auth": {"auth_url": auth_url, "username": tenant.user["name"], "password": tenant.user["password"],
                         "user_domain_name": tenant.domain["name"], "project_name": project["name"],
                         "project_id": project["id"]},
                "region_name": project["region"], "interface": "public", "identity_api_version": 3, **tls,
            }
            clouds[f"{name}-aksk"] = {
                "auth": {"auth_url": auth_url, "ak": tenant.user["access_key"], "sk": tenant.user["secret_key"],
                         "project_id": project["id"], "project_name": project["name"]},
                "region_name": project["region"], **tls,
            }
    header = "# clouds.yaml for the evs-emulator at " + url + "\n"
    return header + yaml.safe_dump({"clouds": clouds}, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evs-emulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the emulator")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=0, help="0 picks a free port")
    run.add_argument("--state-dir", help="directory of the SQLite state (default: a new temp dir)")
    run.add_argument("--config", help="YAML config (default: the built-in seed)")
    run.add_argument("--region-projects", action="store_true",
                     help="give every tenant a project in each other region (config `region_projects`)")
    run.add_argument("--url-file", help="write the base URL here once ready")
    run.add_argument("--log-level", default="warning")
    run.add_argument("--tls", action="store_true",
                     help="serve HTTPS with a CA and certificate made in <state-dir>/tls/ (ca.pem)")
    clouds = commands.add_parser("clouds-yaml", help="print a clouds.yaml for the seeded tenants")
    clouds.add_argument("--url", default="http://127.0.0.1:8080", help="the emulator's base URL")
    clouds.add_argument("--config", help="YAML config (default: the built-in seed)")
    clouds.add_argument("--region-projects", action="store_true",
                        help="also an entry per tenant and other region, `<cloud>-<region>`")
    clouds.add_argument("--cacert", help="the CA of an https emulator (<state-dir>/tls/ca.pem), as `cacert`")
    clouds.add_argument("--state-dir", help="an https emulator's state dir: its tls/ca.pem becomes `cacert`")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    cacert = args.cacert
    if cacert is None and args.state_dir and args.url.startswith("https:"):
        cacert = str(Path(args.state_dir) / "tls" / "ca.pem")
    sys.stdout.write(clouds_yaml(Config.load(args.config, args.region_projects), args.url, cacert))
    return 0


if __name__ == "__main__":
    sys.exit(main())
