"""A seed makes probabilistic faults repeatable; every rule counts its hits."""

from __future__ import annotations

from conftest import Tenant
from evs_emulator.testing import http


def _pattern(tenant: Tenant, admin, seed, n: int = 40) -> list[int]:
    admin.clear_faults()
    admin.clear_requests()
    if seed is not None:
        admin.seed_faults(seed)
    admin.add_fault(method="GET", path="/volumes$", status=503, probability=0.3)
    return [tenant.call("GET", tenant.evs("/volumes")).status for _ in range(n)]


def test_the_same_seed_gives_the_same_faults_and_counts_hits(admin, alice, base_url):
    first = _pattern(alice, admin, 4711)
    second = _pattern(alice, admin, 4711)
    other = _pattern(alice, admin, 4712)
    assert first == second and first != other
    assert 0 < first.count(503) < len(first)
    [rule] = admin.faults()
    assert rule["hits"] == other.count(503)
    assert http("GET", f"{base_url}/_emulator/faults").body["seed"] == 4712


def test_a_seed_is_forgotten_by_a_reset(admin, base_url):
    admin.seed_faults(7)
    assert http("GET", f"{base_url}/_emulator/faults").body["seed"] == 7
    admin.reset()
    assert http("GET", f"{base_url}/_emulator/faults").body["seed"] is None


def test_a_bad_seed_is_refused(admin, base_url):
    url = f"{base_url}/_emulator/faults/seed"
    for body in ({"seed": "7"}, {"seed": 1.5}, {"seed": True}, {}):
        assert http("POST", url, body).status == 400, body
