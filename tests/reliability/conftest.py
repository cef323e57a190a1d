"""Reliability suites: each starts its own emulator (evs_emulator.testing) and drives the
collection's modules through `ansible` / `ansible-playbook` from the venv, with the collection
taken from the source tree (`make source-tree`: build/src/ansible_collections/...).

Nothing here sleeps for a cloud timing: timings are 0, long (and the clock is moved), or the
module is told `wait_timeout: 0`. The only waits are for local processes (marked allowed-sleep).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from evs_emulator.config import Config
from evs_emulator.testing import EmulatorProcess, http, tenant_token

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SOURCE_TREE = REPO / "build" / "src"
CONFIG = Config.load()
TENANTS = {t.cloud: t for t in CONFIG.tenants}


def ansible_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(SOURCE_TREE),
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCAL_TEMP": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"ansible-rel-{os.getpid()}"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    env.update(extra or {})
    return env


def auth_of(base_url: str, cloud: str = "tenant-a") -> dict:
    tenant = TENANTS[cloud]
    return {"auth_url": f"{base_url}/identity/v3", "username": tenant.user["name"],
            "password": tenant.user["password"], "user_domain_name": tenant.domain["name"],
            "project_id": tenant.project["id"], "project_name": tenant.project["name"]}


def fresh_cloud(emulator, start: str, region: str = "eu-de") -> dict:
    """The emulator emptied, its timings 0 and its clock at ``start``; the connection of tenant-a in
    ``region`` (module arguments)."""
    admin = emulator.admin()
    admin.reset()
    admin.zero_timings()
    admin.set_time(start)
    return {"auth": auth_of(emulator.base_url), "region": region}


def module_command(module: str, args: dict) -> list[str]:
    return [str(BIN / "ansible"), "localhost", "-m", f"dataprotection.evs.{module}", "-a", json.dumps(args), "-o"]


def parse_adhoc(output: str) -> dict:
    """The result of `ansible localhost -m ... -o`: `localhost | SUCCESS => {...}`."""
    for line in output.splitlines():
        if line.startswith("localhost |") and "=>" in line:
            result = json.loads(line.split("=>", 1)[1])
            result.setdefault("failed", "FAILED" in line.split("=>", 1)[0])
            return result
    raise AssertionError(f"no module result in:\n{output}")


def run_module(module: str, args: dict, timeout: float = 180) -> dict:
    done = subprocess.run(module_command(module, args), env=ansible_env(), capture_output=True, text=True,
                          timeout=timeout)
    return parse_adhoc(done.stdout + done.stderr)


def run_playbook(playbook: Path, extra_vars: dict | None = None, env: dict | None = None, timeout: float = 600,
                 verbosity: str = "", scratch: Path | None = None, extra_args: list[str] | None = None) -> tuple[int, str]:
    command = [str(BIN / "ansible-playbook"), str(playbook), *(extra_args or [])]
    if extra_vars:
        vars_file = Path(scratch or "/tmp") / f"{playbook.stem}-vars-{os.getpid()}.json"
        vars_file.write_text(json.dumps(extra_vars))
        command += ["-e", f"@{vars_file}"]
    if verbosity:
        command.append(verbosity)
    done = subprocess.run(command, env=ansible_env(env), capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def clouds_yaml(base_url: str, path: Path) -> Path:
    """A clouds.yaml for the seeded tenants of the emulator at ``base_url``."""
    from evs_emulator.cli import clouds_yaml as render
    path.write_text(render(CONFIG, base_url))
    return path


class Cloud:
    """A seeded tenant's view of the emulator over HTTP (for setup and for checking results)."""

    def __init__(self, base_url: str, cloud: str = "tenant-a"):
        self.base_url = base_url
        self.token, self.project_id = tenant_token(base_url, cloud, CONFIG)

    def evs(self, path: str) -> str:
        return f"{self.base_url}/evs/v2/{self.project_id}{path}"

    def call(self, method: str, url: str, body=None):
        return http(method, url, body, {"X-Auth-Token": self.token})

    def create_volume(self, name: str, size: int = 10, zone: str = "eu-de-01") -> dict:
        answer = self.call("POST", self.evs("/volumes"), {"volume": {"name": name, "size": size,
                                                                     "availability_zone": zone}})
        assert answer.status == 202, answer.body
        return answer.body["volume"]

    def volumes(self, name: str | None = None) -> list:
        body = self.call("GET", self.evs("/volumes/detail" + (f"?name={name}" if name else ""))).body
        return body["volumes"]

    def snapshots(self, name: str | None = None) -> list:
        body = self.call("GET", self.evs("/snapshots/detail" + (f"?name={name}" if name else ""))).body
        return body["snapshots"]


def wait_for(predicate, what: str, timeout: float = 60.0):
    """Poll a local condition (a process's progress), not a cloud timing."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # allowed-sleep: polling a local process's progress


@pytest.fixture(scope="session", autouse=True)
def source_tree():
    if not (SOURCE_TREE / "ansible_collections" / "dataprotection" / "evs" / "plugins").exists():
        pytest.exit("build/src is missing: run `make source-tree` (make reliability does)", returncode=2)


@pytest.fixture
def emulator(tmp_path):
    process = EmulatorProcess(state_dir=tmp_path / "emulator").start()
    try:
        yield process
    finally:
        process.kill()


def figures_file() -> Path | None:
    """Where suites append the figures the issue asks for (set by `make reliability`)."""
    path = os.environ.get("RELIABILITY_FIGURES")
    return Path(path) if path else None


def record_figures(name: str, **figures) -> None:
    path = figures_file()
    line = json.dumps({"suite": name, **figures}, sort_keys=True)
    print(f"FIGURES {line}")
    if path:
        with open(path, "a") as handle:
            handle.write(line + "\n")


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())
