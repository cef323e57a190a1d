"""Helpers for tests (here and in other projects): run a real emulator, drive its admin API.

    with EmulatorProcess() as emulator:
        admin = emulator.admin()
        admin.set_timings({"volume.create": 0})
        ...

Only the standard library is used, so any test suite can import this.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Answer:
    status: int
    headers: dict
    body: object = field(default=None)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def http(method: str, url: str, body=None, headers: dict | None = None, timeout: float = 10.0,
         cafile: str | Path | None = None) -> Answer:
    """One HTTP exchange; JSON in and out; error statuses are returned, not raised.
    ``cafile``: the CA to verify an https emulator with (`EmulatorProcess(tls=True).ca_cert`)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            status, raw, hdrs = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, hdrs = err.code, err.read(), err.headers
    headers_lower = {k.lower(): v for k, v in hdrs.items()}
    parsed = json.loads(raw) if raw else None
    return Answer(status, headers_lower, parsed)


def asgi_call(app, method: str, path: str, raw: bytes = b"", query: str = "", headers: dict | None = None):
    """Call the ASGI `app` in this process, without a server: (status, response headers as bytes,
    body as bytes, the exception the app raised or None). Starlette re-raises a handler's crash
    after answering it, so a crash still has its answer; the status is 0 when nothing was sent."""
    scope = {"type": "http", "method": method, "path": path,
             "raw_path": urllib.parse.quote(path).encode(), "query_string": query.encode(),
             "headers": [(b"host", b"emulator.test")]
                        + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "scheme": "http", "server": ("emulator.test", 80), "client": ("127.0.0.1", 1), "root_path": "",
             "http_version": "1.1"}
    sent = []

    async def receive():
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message):
        sent.append(message)

    crash = None
    try:
        asyncio.run(app(scope, receive, send))
    except Exception as exc:
        crash = exc
    if not sent:
        return 0, {}, b"", crash
    content = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], dict(sent[0]["headers"]), content, crash


class AdminClient:
    """The /_emulator/ API."""

    def __init__(self, base_url: str, cafile: str | Path | None = None):
        self.base_url = base_url.rstrip("/")
        self.cafile = cafile

    def _call(self, method: str, path: str, body=None, expect: tuple = (200, 201, 204)):
        answer = http(method, f"{self.base_url}/_emulator{path}", body, cafile=self.cafile)
        if answer.status not in expect:
            raise AssertionError(f"admin {method} {path} -> {answer.status} {answer.body}")
        return answer.body

    def health(self) -> dict:
        return self._call("GET", "/health")

    def reset(self) -> None:
        self._call("POST", "/reset")

    def clock(self) -> dict:
        return self._call("GET", "/clock")

    def advance(self, seconds: float) -> dict:
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    def set_time(self, iso_time: str) -> dict:
        return self._call("POST", "/clock/set", {"time": iso_time})

    def freeze(self) -> dict:
        return self._call("POST", "/clock/freeze")

    def unfreeze(self) -> dict:
        return self._call("POST", "/clock/unfreeze")

    def timings(self) -> dict:
        return self._call("GET", "/timings")

    def set_timings(self, changes: dict) -> dict:
        return self._call("PUT", "/timings", changes)

    def zero_timings(self) -> dict:
        return self.set_timings({name: 0 for name in self.timings()})

    def add_fault(self, **rule) -> str:
        return self._call("POST", "/faults", rule)["id"]

    def faults(self) -> list:
        return self._call("GET", "/faults")["faults"]

    def seed_faults(self, seed: int | None) -> None:
        """Make probabilistic faults repeatable: the generator restarts from ``seed``."""
        self._call("POST", "/faults/seed", {"seed": seed})

    def clear_faults(self, fault_id: str | None = None) -> None:
        self._call("DELETE", f"/faults/{fault_id}" if fault_id else "/faults")

    def start_outage(self, zone: str) -> None:
        self._call("POST", "/outages", {"availability_zone": zone})

    def end_outage(self, zone: str) -> None:
        self._call("DELETE", f"/outages/{zone}")

    def start_region_outage(self, region: str) -> None:
        self._call("POST", "/region-outages", {"region": region})

    def end_region_outage(self, region: str) -> None:
        self._call("DELETE", f"/region-outages/{region}")

    def requests(self, **filters) -> list:
        query = "&".join(f"{k}={urllib.request.quote(str(v).lower() if isinstance(v, bool) else str(v))}"
                         for k, v in filters.items() if v is not None)
        return self._call("GET", "/requests" + (f"?{query}" if query else ""))["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def disk(self, volume_id: str) -> dict:
        return self._call("GET", f"/disks/{volume_id}")["blocks"]

    def write_disk(self, volume_id: str, blocks: dict, merge: bool = False) -> dict:
        return self._call("PATCH" if merge else "PUT", f"/disks/{volume_id}", {"blocks": blocks})["blocks"]


class EmulatorProcess:
    """A real `evs-emulator serve` subprocess on a free loopback port.

    ``port``: a fixed port (e.g. the one of a killed predecessor on the same state dir);
    ``tls``: serve HTTPS (`serve --tls`); the CA to trust is then ``ca_cert``.
    """

    def __init__(self, state_dir: str | Path | None = None, config: str | Path | None = None,
                 startup_timeout: float = 10.0, port: int = 0, tls: bool = False, region_projects: bool = False):
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="evs-emulator-"))
        self.config = config
        self.startup_timeout = startup_timeout
        self.port = port
        self.tls = tls
        self.region_projects = region_projects  # `serve --region-projects`
        self.process: subprocess.Popen | None = None
        self.base_url: str | None = None

    def start(self) -> "EmulatorProcess":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        url_file = self.state_dir / "url"
        url_file.unlink(missing_ok=True)
        command = [sys.executable, "-m", "evs_emulator.cli", "serve", "--port", str(self.port),
                   "--state-dir", str(self.state_dir), "--url-file", str(url_file)]
        if self.tls:
            command.append("--tls")
        if self.region_projects:
            command.append("--region-projects")
        if self.config:
            command += ["--config", str(self.config)]
        # Output goes to files, not pipes: a pipe nobody reads would block a chatty server.
        self.stdout_path, self.stderr_path = self.state_dir / "serve.out", self.state_dir / "serve.err"
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err)
        deadline = time.monotonic() + self.startup_timeout
        while not url_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.stderr_path.read_text()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("emulator did not start in time")
            time.sleep(0.02)
        self.base_url = url_file.read_text().strip()
        return self

    @property
    def ca_cert(self) -> Path | None:
        """The CA that signed an https emulator's certificate (None without ``tls``)."""
        return self.state_dir / "tls" / "ca.pem" if self.tls else None

    def admin(self) -> AdminClient:
        return AdminClient(self.base_url, self.ca_cert)

    def stop(self) -> None:
        """SIGTERM and wait: a clean shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush anything."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> "EmulatorProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def tenant_token(base_url: str, cloud: str = "tenant-a", config=None, region: str | None = None) -> tuple[str, str]:
    """(token, project_id) of a seeded tenant, by password auth, scoped to its project in
    `region` (default: its home project, in the first region)."""
    from .config import Config
    config = config or Config.load(os.environ.get("EVS_EMULATOR_CONFIG"))
    tenant = next(t for t in config.tenants if t.cloud == cloud)
    project = tenant.project_in(region) if region else tenant.project
    answer = http("POST", f"{base_url}/identity/v3/auth/tokens?nocatalog", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": tenant.user["name"], "password": tenant.user["password"],
            "domain": {"name": tenant.domain["name"]}}}},
        "scope": {"project": {"id": project["id"]}}}})
    if answer.status != 201:
        raise AssertionError(f"login failed: {answer.status} {answer.body}")
    return answer.header("x-subject-token"), project["id"]
