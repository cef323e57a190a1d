"""The server process: start line, url file, persistence across restarts, kill -9, SIGTERM."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import CONFIG, Tenant
from evs_emulator.testing import EmulatorProcess, http


def test_serve_prints_one_line_and_writes_the_url_file(tmp_path):
    url_file = tmp_path / "url"
    process = subprocess.Popen([sys.executable, "-m", "evs_emulator.cli", "serve", "--port", "0",
                                "--state-dir", str(tmp_path / "state"), "--url-file", str(url_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline().strip()
        url = url_file.read_text().strip()
        assert line == f"evs-emulator serving at {url} (state: {tmp_path / 'state'})"
        assert url.startswith("http://127.0.0.1:")
        assert http("GET", f"{url}/_emulator/health").status == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0  # SIGTERM is a clean stop
        process.stdout.close()


def test_state_survives_a_restart_including_tokens(tmp_path):
    first = EmulatorProcess(state_dir=tmp_path).start()
    tenant = Tenant(first.base_url, "tenant-a")
    first.admin().set_timings({"volume.create": 0})
    volume = tenant.create_volume(name="kept")
    first.stop()
    second = EmulatorProcess(state_dir=tmp_path).start()
    try:
        tenant.base_url = second.base_url
        assert tenant.volume(volume["id"])["name"] == "kept"  # same token, new process
        assert second.admin().timings()["volume.create"] == 0
    finally:
        second.stop()


def test_kill_9_after_an_acknowledged_write_loses_nothing(tmp_path):
    first = EmulatorProcess(state_dir=tmp_path).start()
    tenant = Tenant(first.base_url, "tenant-a")
    ids = [tenant.create_volume(name=f"v{i}")["id"] for i in range(5)]
    first.admin().write_disk(ids[-1], {"0": "acknowledged"})
    first.kill()
    second = EmulatorProcess(state_dir=tmp_path).start()
    try:
        tenant.base_url = second.base_url
        listed = [v["id"] for v in tenant.call("GET", tenant.evs("/volumes?sort_dir=asc")).body["volumes"]]
        assert listed == ids
        assert second.admin().disk(ids[-1]) == {"0": "acknowledged"}
    finally:
        second.stop()


def test_clouds_yaml_lists_every_tenant_with_password_and_aksk_entries():
    output = subprocess.run([sys.executable, "-m", "evs_emulator.cli", "clouds-yaml", "--url", "http://h:1"],
                            capture_output=True, text=True, check=True).stdout
    clouds = yaml.safe_load(output)["clouds"]
    assert set(clouds) == {"tenant-a", "tenant-a-aksk", "tenant-b", "tenant-b-aksk"}
    tenant = CONFIG.tenants[0]
    assert clouds["tenant-a"]["auth"] == {
        "auth_url": "http://h:1/identity/v3", "username": tenant.user["name"], "password": tenant.user["password"],
        "user_domain_name": tenant.domain["name"], "project_name": tenant.project["name"],
        "project_id": tenant.project["id"]}
    assert clouds["tenant-a"]["region_name"] == "eu-de"
    assert clouds["tenant-a-aksk"]["auth"]["ak"] == tenant.user["access_key"]
    assert clouds["tenant-a-aksk"]["auth"]["sk"] == tenant.user["secret_key"]


def test_a_config_can_express_a_far_zone(tmp_path):
    from evs_emulator.config import Config, load_default_text
    data = yaml.safe_load(load_default_text())
    data["regions"]["eu-de"]["availability_zones"].append("eu-de-far")
    data["regions"]["eu-de"]["distances_km"].append(["eu-de-01", "eu-de-far", 250])
    config = Config(data)
    assert config.distance_km("eu-de", "eu-de-far", "eu-de-01") == 250
    assert config.distance_km("eu-de", "eu-de-02", "eu-de-01") == 30
    path = tmp_path / "far.yaml"
    path.write_text(yaml.safe_dump(data))
    with EmulatorProcess(state_dir=tmp_path / "state", config=path) as process:
        tenant = Tenant(process.base_url, "tenant-a")
        assert tenant.create_volume(zone="eu-de-far")["availability_zone"] == "eu-de-far"
