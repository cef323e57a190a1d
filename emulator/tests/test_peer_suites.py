"""The peers' own functional suites, shipped in their wheels, run against the emulator.

openstacksdk 4.22.0's block_storage v3 volume, snapshot and backup tests and otcextensions
0.34.8's cbr, sdrs and volume_backup tests (SDK) and cbr and volume_backup tests (CLI: they run
the `openstack` command, through python-openstackclient's functional base and tempest.lib) were
written against real clouds (devstack, OTC).
Each runs here with unittest's own runner, unchanged, with the clouds.yaml and environment they
read: `evs-emulator clouds-yaml` for this worker's emulator, the seeded tenants as their user,
alternate and operator clouds. A test must pass, unless `peer_suites.yaml` says how else it ends
and why (a refusal the real cloud documents, a skip the suite makes itself, a defect of the suite).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pkgutil
import sys
import tempfile
import unittest
from importlib import import_module
from pathlib import Path

import pytest
import yaml

from conftest import TENANT_A, TENANT_B
from evs_emulator.cli import clouds_yaml
from evs_emulator.config import Config
from evs_emulator.conformance import use_clouds_yaml

EXPECTED = yaml.safe_load((Path(__file__).parent / "peer_suites.yaml").read_text())
OPENSTACKSDK_MODULES = [f"openstack.tests.functional.block_storage.v3.test_{name}"
                        for name in ("volume", "snapshot", "backup")]
OTCEXTENSIONS_PACKAGES = [f"otcextensions.tests.functional.sdk.{name}" for name in ("cbr", "sdrs", "volume_backup")]
# otcextensions ships no osclient tests for sdrs
OTCEXTENSIONS_PACKAGES += [f"otcextensions.tests.functional.osclient.{name}" for name in ("cbr", "volume_backup")]
# Loggers the suites' base class takes over (level, handlers, propagation) and never gives back.
SUITE_LOGGERS = ("openstack", "keystoneauth")


def peer_environment(clouds_yaml_path: str) -> dict:
    """What the suites read from the environment. The emulator's tenants have no operator or
    system scope, so the operator clouds are tenant-a too. ECS flavors report `disk: 0` (the
    ECS API documents it as unused), so openstacksdk's base cannot pick one by its disk and is
    told a flavor by name, as its docs say to for such clouds."""
    return {
        "OS_CLIENT_CONFIG_FILE": clouds_yaml_path, "OS_CLOUD": TENANT_A.cloud,
        "OPENSTACKSDK_DEMO_CLOUD": TENANT_A.cloud, "OPENSTACKSDK_DEMO_CLOUD_ALT": TENANT_B.cloud,
        "OPENSTACKSDK_OPERATOR_CLOUD": TENANT_A.cloud, "OPENSTACKSDK_SYSTEM_ADMIN_CLOUD": TENANT_A.cloud,
        "OPENSTACKSDK_FLAVOR": "s3.medium.1",
        # the cloud openstackclient's functional base passes as `--os-cloud` (read when imported)
        "OS_ADMIN_CLOUD": TENANT_A.cloud,
        # every operation completes at once (timings 0): waits end on their first poll
        "OPENSTACKSDK_FUNC_TEST_TIMEOUT": "10", "OS_TEST_TIMEOUT": "60",
        # the suites' logs go to the test's own details (shown on failure), not to stdout
        "OS_LOG_CAPTURE": "true",
    }


@contextlib.contextmanager
def environment(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def load_peer_tests() -> dict:
    """Every test of the suites, by its id (module.Class.method). Their base modules read a
    clouds.yaml when imported, before any emulator runs: they get one with a placeholder URL,
    and each test points them at its emulator (`peer_env`)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "clouds.yaml"
        path.write_text(clouds_yaml(Config.load(), "http://127.0.0.1:9"))
        with environment(peer_environment(str(path))):
            modules = [import_module(name) for name in OPENSTACKSDK_MODULES]
            for package_name in OTCEXTENSIONS_PACKAGES:
                package = import_module(package_name)
                modules += [import_module(info.name) for info in pkgutil.walk_packages(
                    package.__path__, package_name + ".") if info.name.rsplit(".", 1)[-1].startswith("test_")]
    tests = {}
    pending = [unittest.defaultTestLoader.loadTestsFromModule(module) for module in modules]
    while pending:
        item = pending.pop()
        if isinstance(item, unittest.TestSuite):
            pending.extend(item)
        else:
            tests[item.id()] = item
    return dict(sorted(tests.items()))


PEER_TESTS = load_peer_tests()


@pytest.fixture
def peer_env(fast, base_url, tmp_path, monkeypatch):
    """A reset emulator with timings 0, and the suites pointed at it."""
    import openstack.config
    from otcextensions.tests.functional import base as otc_base

    use_clouds_yaml(base_url, tmp_path, monkeypatch)
    for name, value in peer_environment(str(tmp_path / "clouds.yaml")).items():
        monkeypatch.setenv(name, value)
    # The CLI suites run `openstack` with every OS_* variable removed, so it finds clouds.yaml
    # where openstacksdk looks by default (~/.config/openstack), and itself beside this Python.
    home = tmp_path / "home"
    (home / ".config" / "openstack").mkdir(parents=True)
    (home / ".config" / "openstack" / "clouds.yaml").write_text((tmp_path / "clouds.yaml").read_text())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    # otcextensions' base connects with the cloud region it read at import
    monkeypatch.setattr(otc_base, "TEST_CLOUD_REGION", openstack.config.get_cloud_region(cloud=TENANT_A.cloud))
    saved = [(logger, logger.level, list(logger.handlers), logger.propagate)
             for logger in map(logging.getLogger, SUITE_LOGGERS)]
    yield fast
    for logger, level, handlers, propagate in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate


def fresh(test_id: str) -> unittest.TestCase:
    """A new instance of the test (a TestCase instance runs once)."""
    case = PEER_TESTS[test_id]
    return type(case)(case._testMethodName)


def run(case: unittest.TestCase) -> unittest.TestResult:
    result = unittest.TestResult()
    case.run(result)
    return result


def problems(result: unittest.TestResult) -> str:
    return "\n".join(text for _, text in result.errors + result.failures)


def upcall_teardown(case: unittest.TestCase) -> None:
    """Make the test's own tearDown also call its base class's, as testtools requires."""
    own, upstream = case.tearDown, type(case)

    def tear_down():
        own()
        super(upstream, case).tearDown()
    case.tearDown = tear_down


REPAIRS = {"teardown-upcall": upcall_teardown}


@contextlib.contextmanager
def disk_the_cloud_accepts(monkeypatch):
    """The suite's disks made with what EVS requires: an availability zone and at least 10 GB."""
    from openstack.block_storage.v3 import _proxy

    create = _proxy.Proxy.create_volume

    def create_volume(self, **attrs):
        attrs.setdefault("availability_zone", "eu-de-01")
        attrs["size"] = max(attrs.get("size") or 0, 10)
        return create(self, **attrs)
    with monkeypatch.context() as patch:
        patch.setattr(_proxy.Proxy, "create_volume", create_volume)
        yield


ADAPTATIONS = {"disk-the-cloud-accepts": disk_the_cloud_accepts}


@pytest.mark.parametrize("test_id", list(PEER_TESTS))
def test_peer_suite(test_id, peer_env):
    expected = EXPECTED.get(test_id, {"outcome": "passes"})
    outcome = expected["outcome"]
    if outcome == "broken-upstream":
        pytest.skip(f"broken upstream: {expected['reason']}")
    case = fresh(test_id)
    if outcome == "repaired":
        REPAIRS[expected["repair"]](case)
    result = run(case)
    # Checked, then reported as what they are: an expected failure, a skip.
    if outcome == "refused":
        assert expected["expect"] in problems(result), problems(result) or "the test passed"
        assert peer_env.requests(mutating=True, status=202) == [], "a refused test created something"
        pytest.xfail(f"refused as the real cloud refuses it: {expected['reason']}")
    elif outcome == "suite-skips":
        reasons = [reason for _, reason in result.skipped]
        assert len(reasons) == 1 and expected["expect"] in reasons[0], problems(result) or reasons
        pytest.skip(f"the suite skips itself ({reasons[0]}): {expected['reason']}")
    else:
        assert result.wasSuccessful() and not result.skipped, problems(result) or result.skipped


@pytest.mark.parametrize("test_id", [k for k, v in EXPECTED.items() if v.get("adapted")])
def test_peer_suite_adapted(test_id, peer_env, monkeypatch):
    """A refused test once more, with only the refused values changed to ones the cloud takes."""
    with ADAPTATIONS[EXPECTED[test_id]["adapted"]](monkeypatch):
        result = run(fresh(test_id))
    assert result.wasSuccessful() and not result.skipped, problems(result) or result.skipped
    assert peer_env.requests(method="POST", path="/volumes$", status=202), "the adapted test made no disk"


def test_expectations_name_existing_tests_with_a_reason():
    """A stale or unexplained entry would hide a test: each names a test of the suites, says why,
    and uses the keys its outcome needs."""
    needs = {"refused": {"expect", "reason"}, "suite-skips": {"expect", "reason"},
             "broken-upstream": {"reason"}, "repaired": {"repair", "reason"}}
    for test_id, expected in EXPECTED.items():
        assert test_id in PEER_TESTS, test_id
        assert needs[expected["outcome"]] <= set(expected), test_id
        assert expected.get("repair", "teardown-upcall") in REPAIRS, test_id
        assert expected.get("adapted", "disk-the-cloud-accepts") in ADAPTATIONS, test_id
