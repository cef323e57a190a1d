"""Shared helpers of the benchmarks: the emulator, ansible-playbook runs, the request log.

Only the standard library, PyYAML and `evs_emulator.testing` (installed in .venv) are used.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from evs_emulator.config import load_default_text
from evs_emulator.testing import EmulatorProcess, http, tenant_token

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BUILD = ROOT / "build" / "bench"
RESULTS_DIR = BUILD / "results"
VENV_BIN = ROOT / ".venv" / "bin"
SOURCE_TREE = ROOT / "build" / "src"
CALLBACKS = BENCH / "callback_plugins"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def bench_config(state_dir: Path, region_projects: bool = False) -> Path:
    """The default emulator config with unlimited quotas (fan-out needs 1,000 disks); with
    ``region_projects`` every tenant has a project in each other region too."""
    data = yaml.safe_load(load_default_text())
    data["quotas"] = {name: -1 for name in data["quotas"]}
    if region_projects:
        data["region_projects"] = True
    path = state_dir / "bench-config.yaml"
    state_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


class Emulator:
    """A fresh emulator for one benchmark, with clouds.yaml written next to its state."""

    def __init__(self, name: str, region_projects: bool = False):
        self.dir = BUILD / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.config = bench_config(self.dir, region_projects)
        self.process = EmulatorProcess(state_dir=self.dir / "data", config=self.config, startup_timeout=60)
        self.start_seconds = None

    def start(self) -> "Emulator":
        t0 = time.monotonic()
        self.process.start()
        self.start_seconds = time.monotonic() - t0
        self.url = self.process.base_url
        self.admin = self.process.admin()
        self.clouds_yaml = self.dir / "clouds.yaml"
        out = subprocess.run([str(VENV_BIN / "evs-emulator"), "clouds-yaml", "--url", self.url,
                              "--config", str(self.config)], check=True, capture_output=True, text=True)
        self.clouds_yaml.write_text(out.stdout)
        return self

    def stop(self) -> None:
        self.process.stop()

    def restart(self) -> float:
        """Start again on the same state (a new port); returns the start time in seconds."""
        t0 = time.monotonic()
        self.process.start()
        seconds = time.monotonic() - t0
        self.url = self.process.base_url
        self.admin = self.process.admin()
        out = subprocess.run([str(VENV_BIN / "evs-emulator"), "clouds-yaml", "--url", self.url,
                              "--config", str(self.config)], check=True, capture_output=True, text=True)
        self.clouds_yaml.write_text(out.stdout)
        return seconds

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def pid(self) -> int:
        return self.process.process.pid

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
        return float("nan")

    def token(self, cloud: str = "tenant-a", region: str | None = None) -> tuple[str, str]:
        from evs_emulator.config import Config
        return tenant_token(self.url, cloud, Config.load(self.config), region=region)

    def api(self, method: str, path: str, body=None, cloud: str = "tenant-a", region: str | None = None):
        """An authenticated call (the request is logged like any client's); ``region``: in the
        tenant's project of that region (a config with region projects)."""
        key = "_tok_" + cloud + (region or "")
        token, project = getattr(self, key) if hasattr(self, key) else self.token(cloud, region)
        setattr(self, key, (token, project))
        answer = http(method, self.url + path.replace("{pid}", project), body, {"X-Auth-Token": token})
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path} -> {answer.status} {answer.body}")
        return answer.body

    def create_disks(self, count: int, prefix: str, metadata: dict | None = None, cloud: str = "tenant-a",
                     size: int = 10) -> list[str]:
        """`count` disks through the vendor batch API (100 per request); volume timings must be 0
        for them to be available at once."""
        ids = []
        left = count
        while left:
            batch = min(100, left)
            spec = {"name": f"{prefix}-{len(ids) // 100:03d}" if count > 1 else prefix, "size": size,
                    "availability_zone": "eu-de-01", "metadata": metadata or {}}
            if batch > 1:
                spec["count"] = batch
            body = self.api("POST", "/evs/v2.1/{pid}/cloudvolumes", {"volume": spec}, cloud)
            ids += body["volume_ids"]
            left -= batch
        return ids

    def requests_since(self, seq: int) -> list[dict]:
        return self.admin.requests(since_seq=seq)

    def last_seq(self) -> int:
        return max([r["seq"] for r in self.admin.requests(since_seq=0)] or [0])


def ansible_env(emulator: Emulator, log_file: Path | None = None, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update({
        "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
        "ANSIBLE_COLLECTIONS_PATH": str(SOURCE_TREE),
        "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_log",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_FORKS": "5",
        "OS_CLIENT_CONFIG_FILE": str(emulator.clouds_yaml),
        "OS_CLOUD": "tenant-a",
        "EVS_EMULATOR_URL": emulator.url,
        "LC_ALL": "C.UTF-8",
    })
    if log_file is not None:
        env["BENCH_LOG"] = str(log_file)
    env.update(extra or {})
    return env


def run_playbook(emulator: Emulator, playbook: str | Path, name: str, args: list[str] | None = None,
                 extra_env: dict | None = None, check: bool = True, bin_dir: Path | None = None) -> dict:
    """Run a playbook; returns {wall, rc, log (the callback's record), output path}."""
    out_dir = emulator.dir / "runs"
    out_dir.mkdir(exist_ok=True)
    log_file = out_dir / f"{name}.json"
    out_file = out_dir / f"{name}.out"
    log_file.unlink(missing_ok=True)
    command = [str((bin_dir or VENV_BIN) / "ansible-playbook"), str(playbook)] + list(args or [])
    t0 = time.monotonic()
    with open(out_file, "w") as out:
        rc = subprocess.call(command, env=ansible_env(emulator, log_file, extra_env), stdout=out,
                             stderr=subprocess.STDOUT, cwd=str(ROOT))
    wall = time.monotonic() - t0
    if check and rc != 0:
        raise RuntimeError(f"ansible-playbook {playbook} ({name}) failed rc={rc}; see {out_file}:\n"
                           + out_file.read_text()[-3000:])
    record = json.loads(log_file.read_text()) if log_file.exists() else {}
    return {"wall": wall, "rc": rc, "log": record, "output": str(out_file)}


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    versions = {}
    for pkg in ("ansible-core", "starlette", "uvicorn", "requests"):
        try:
            from importlib.metadata import version
            versions[pkg] = version(pkg)
        except Exception:
            versions[pkg] = "?"
    wrk = shutil.which("wrk")
    if wrk:
        ver = subprocess.run([wrk, "-v"], capture_output=True, text=True)
        versions["wrk"] = (ver.stdout + ver.stderr).strip().splitlines()[0] if (ver.stdout + ver.stderr) else "?"
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "host": platform.node(),
            "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "kernel": platform.release(),
            "python": platform.python_version(), "versions": versions, "loadavg": [round(x, 2) for x in load],
            "commit": commit}


def save_result(name: str, data: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    data = dict(data, machine=data.get("machine") or machine_info())
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def load_results() -> dict:
    out = {}
    if RESULTS_DIR.exists():
        for path in sorted(RESULTS_DIR.glob("*.json")):
            out[path.stem] = json.loads(path.read_text())
    return out


def python() -> str:
    return sys.executable
