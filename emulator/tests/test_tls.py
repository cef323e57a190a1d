"""`serve --tls`: HTTPS with a CA and server certificate made at start in the state dir."""

from __future__ import annotations

import ssl
import urllib.error

import pytest
import yaml
from cryptography import x509

from evs_emulator.cli import main as cli_main
from evs_emulator.testing import EmulatorProcess, http, tenant_token
from evs_emulator.tls import make_certificates


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory):
    with EmulatorProcess(state_dir=tmp_path_factory.mktemp("tls"), tls=True) as emulator:
        yield emulator


def test_the_url_is_https_and_verifies_against_the_ca(https_emulator):
    assert https_emulator.base_url.startswith("https://127.0.0.1:")
    assert https_emulator.ca_cert.exists()
    answer = http("GET", f"{https_emulator.base_url}/_emulator/health", cafile=https_emulator.ca_cert)
    assert answer.status == 200 and answer.body == {"status": "ok"}


def test_a_client_without_the_ca_refuses_the_certificate(https_emulator):
    with pytest.raises(urllib.error.URLError) as refused:
        http("GET", f"{https_emulator.base_url}/_emulator/health")  # the system's CAs only
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)


def test_the_catalog_and_services_speak_https(https_emulator, monkeypatch):
    import evs_emulator.testing as testing
    original = testing.http
    monkeypatch.setattr(testing, "http", lambda *a, **k: original(*a, **{"cafile": https_emulator.ca_cert, **k}))
    token, project_id = tenant_token(https_emulator.base_url, "tenant-a")
    answer = http("GET", f"{https_emulator.base_url}/identity/v3/auth/catalog", headers={"X-Auth-Token": token},
                  cafile=https_emulator.ca_cert)
    urls = [e["url"] for entry in answer.body["catalog"] for e in entry["endpoints"]]
    assert urls and all(url.startswith("https://127.0.0.1:") for url in urls)
    volumes = http("GET", f"{https_emulator.base_url}/evs/v2/{project_id}/volumes", headers={"X-Auth-Token": token},
                   cafile=https_emulator.ca_cert)
    assert volumes.status == 200 and volumes.body == {"volumes": []}


def test_the_certificate_names_loopback_and_is_signed_by_the_ca(https_emulator):
    tls_dir = https_emulator.state_dir / "tls"
    cert = x509.load_pem_x509_certificate((tls_dir / "server.pem").read_bytes())
    ca = x509.load_pem_x509_certificate((tls_dir / "ca.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (tls_dir / "server.key").stat().st_mode & 0o077 == 0  # the key is private


def test_a_restart_keeps_the_ca_and_the_port(tmp_path):
    first = EmulatorProcess(state_dir=tmp_path, tls=True).start()
    ca_before = first.ca_cert.read_bytes()
    port = int(first.base_url.rsplit(":", 1)[1])
    first.kill()
    second = EmulatorProcess(state_dir=tmp_path, tls=True, port=port).start()
    try:
        assert second.base_url == first.base_url
        assert second.ca_cert.read_bytes() == ca_before  # clients that trust it keep working
        assert second.admin().health() == {"status": "ok"}
    finally:
        second.stop()


def test_make_certificates_reuses_what_exists(tmp_path):
    first = make_certificates(tmp_path)
    again = make_certificates(tmp_path)
    assert first == again and first.ca_cert.read_bytes() == again.ca_cert.read_bytes()


def test_clouds_yaml_emits_https_urls_and_the_cacert(tmp_path, capsys):
    make_certificates(tmp_path / "tls")
    assert cli_main(["clouds-yaml", "--url", "https://127.0.0.1:8443", "--state-dir", str(tmp_path)]) == 0
    clouds = yaml.safe_load(capsys.readouterr().out)["clouds"]
    for name, entry in clouds.items():
        assert entry["auth"]["auth_url"] == "https://127.0.0.1:8443/identity/v3", name
        assert entry["cacert"] == str((tmp_path / "tls" / "ca.pem").resolve()), name
    assert cli_main(["clouds-yaml", "--url", "http://127.0.0.1:8080"]) == 0
    plain = yaml.safe_load(capsys.readouterr().out)["clouds"]
    assert all("cacert" not in entry for entry in plain.values())


@pytest.fixture
def written_clouds(https_emulator, tmp_path, capsys):
    assert cli_main(["clouds-yaml", "--url", https_emulator.base_url, "--cacert", str(https_emulator.ca_cert)]) == 0
    path = tmp_path / "clouds.yaml"
    path.write_text(capsys.readouterr().out)
    return path


def test_openstacksdk_lists_volumes_over_https(https_emulator, written_clouds, monkeypatch):
    openstack = pytest.importorskip("openstack")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(written_clouds))
    # the CA bundle of the machine must not be what makes it work
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    conn = openstack.connect(cloud="tenant-a")
    try:
        assert list(conn.block_storage.volumes()) == []
    finally:
        # an idle TLS connection left open would hold the server's graceful stop until the
        # TLS shutdown times out
        conn.close()
