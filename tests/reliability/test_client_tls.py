"""The client's TLS behaviour without a server: a certificate that cannot be verified fails at
once (not retried as a connection error), `validate_certs: false` warns once per client (one
task) however many https requests it sends, never for http, and a ca_cert is passed with every
request so that REQUESTS_CA_BUNDLE in the environment cannot override it. Each for both of the
client's transports: requests (changes, and every request behind a proxy) and lean_http (reads).
The https emulator proves the same end to end (tests/integration/targets/tls)."""

from __future__ import annotations

import ssl
import sys

import pytest
import requests

from conftest import SOURCE_TREE

if str(SOURCE_TREE) not in sys.path:
    sys.path.insert(0, str(SOURCE_TREE))

from ansible.module_utils.common import warnings as ansible_warnings  # noqa: E402

from ansible_collections.dataprotection.evs.plugins.module_utils import client as client_module  # noqa: E402
from ansible_collections.dataprotection.evs.plugins.module_utils import lean_http  # noqa: E402
from ansible_collections.dataprotection.evs.plugins.module_utils.client import Client  # noqa: E402
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError  # noqa: E402


def settings(**extra):
    base = {"auth": {"auth_url": "https://iam.test/v3", "username": "u", "password": "p-secret",
                     "user_domain_name": "d", "project_id": "p"}, "region": "eu-de", "endpoints": {},
            "validate_certs": True, "ca_cert": None, "timeout": 5}
    base.update(extra)
    return base


class Answer:
    status_code = 200
    headers = {"Date": "Wed, 25 Nov 2026 10:00:00 GMT"}
    content = b'{"volumes": []}'
    text = content.decode()

    def json(self):
        return {"volumes": []}


REFUSED = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)"


@pytest.fixture(params=["requests", "lean_http"])
def transport(request, monkeypatch):
    """(the session class the client's GETs go through, the error it raises for a refused
    certificate); with requests, lean_http is turned off (as with a proxy set)."""
    if request.param == "requests":
        monkeypatch.setattr(client_module.lean_http, "usable", lambda environ=None: False)
        return requests.Session, requests.exceptions.SSLError(REFUSED)
    return lean_http.LeanSession, ssl.SSLCertVerificationError(1, REFUSED)


@pytest.fixture
def warnings_seen(monkeypatch):
    seen = []
    monkeypatch.setattr("ansible_collections.dataprotection.evs.plugins.module_utils.client.warn", seen.append)
    return seen


def test_a_refused_certificate_fails_at_once_and_says_what_to_do(monkeypatch, transport):
    session_class, refusal = transport
    calls = []

    def refuse(self, method, url, **kwargs):
        calls.append(url)
        raise refusal
    monkeypatch.setattr(session_class, "request", refuse)
    client = Client(settings(), sleeper=lambda s: pytest.fail("a certificate error was retried"))
    with pytest.raises(CloudError) as error:
        client._send("GET", "https://evs.test/v2/p/volumes")
    assert len(calls) == 1 and error.value.code == "CertificateError"
    assert "unable to get local issuer certificate" in str(error.value) and "ca_cert" in str(error.value)


def test_validate_certs_false_warns_once_per_client_and_only_for_https(monkeypatch, warnings_seen, transport):
    sent = []
    monkeypatch.setattr(transport[0], "request", lambda self, method, url, **kw: sent.append(kw) or Answer())
    client = Client(settings(validate_certs=False, ca_cert="/some/ca.pem"))
    for _ in range(3):
        client._send("GET", "https://evs.test/v2/p/volumes", authenticated=False)
    assert len(warnings_seen) == 1 and "validate_certs is false" in warnings_seen[0]
    assert "evs.test" in warnings_seen[0]
    assert all(kw["verify"] is False for kw in sent)  # false wins over a ca_cert
    plain = Client(settings(validate_certs=False))
    plain._send("GET", "http://127.0.0.1:1/v2/p/volumes", authenticated=False)
    assert len(warnings_seen) == 1


def test_a_ca_cert_goes_with_every_request_and_no_warning(monkeypatch, warnings_seen, transport):
    sent = []
    monkeypatch.setattr(transport[0], "request", lambda self, method, url, **kw: sent.append(kw) or Answer())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    client = Client(settings(ca_cert="/run/emulator/ca.pem"))
    client._send("GET", "https://evs.test/v2/p/volumes", authenticated=False)
    assert sent[0]["verify"] == "/run/emulator/ca.pem" and warnings_seen == []
    assert ansible_warnings  # the module the client warns through
