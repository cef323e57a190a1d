"""Secrets under failures, for every module: with the cloud answering errors that echo the
password or the secret key the client signs with back, with a wrong password and with a wrong secret key, the
returned result (msg, error, exception text, any partial resource) holds no password, no
secret key and no token. The modules run in this process against the emulator; the request log
as users see it is scanned too. The results are scanned by tests/tools/secret_scan.py, which
`make integration` also runs over the -vvvv output of every integration target (with the
secrets_failures target's exception and echoes), ansible-test's results and the request log.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re

import pytest

from conftest import CONFIG, Cloud, auth_of, record_figures
from evs_emulator.testing import EmulatorProcess
from inprocess import MODULE_NAMES, run

_SPEC = importlib.util.spec_from_file_location(
    "secret_scan", os.path.join(os.path.dirname(__file__), "..", "tools", "secret_scan.py"))
secret_scan = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(secret_scan)

TENANT = CONFIG.tenants[0]
SECRETS = [t.user["password"] for t in CONFIG.tenants] + [t.user["secret_key"] for t in CONFIG.tenants]
TOKEN = re.compile(r"MII[A-Za-z0-9_+/=-]{16,}")
ARGS = {
    "disk": {"name": "sc-new", "availability_zone": "eu-de-01", "size": 10},
    "snapshot": {"disk": "sc-one", "name": "sc-new"},
    "snapshot_rollback": {"snapshot": "sc-snap", "disk": "sc-one"},
    "backup": {"disk": "sc-one", "name": "sc-new", "backend": "vbs"},
    "backup_restore": {"backup": "sc-bk", "backend": "vbs", "disk": "sc-one", "overwrite": True},
    "protection_group": {"name": "sc-new", "source_availability_zone": "eu-de-01",
                         "target_availability_zone": "eu-de-02", "vpc": "vpc-default"},
    "replication_pair": {"protection_group": "sc-group", "name": "sc-new", "disk": "sc-one"},
    "protected_instance": {"protection_group": "sc-group", "name": "sc-new", "server": "sc-app"},
    "dr_drill": {"protection_group": "sc-group", "name": "sc-new"},
    "vault": {"name": "sc-new", "size": 100},
    "backup_policy": {"name": "sc-new", "schedule": ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"], "max_backups": 7},
}
FAILURES = ["error echoing the password", "error echoing the secret key", "wrong password", "wrong secret key"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    with EmulatorProcess(state_dir=tmp_path_factory.mktemp("secrets")) as emulator:
        admin = emulator.admin()
        admin.zero_timings()
        connection = {"auth": auth_of(emulator.base_url), "region": "eu-de"}
        for module, args in [("disk", {"name": "sc-one", "availability_zone": "eu-de-01", "size": 10}),
                             ("snapshot", {"disk": "sc-one", "name": "sc-snap"}),
                             ("backup", {"disk": "sc-one", "name": "sc-bk", "backend": "vbs"}),
                             ("protection_group", {"name": "sc-group", "source_availability_zone": "eu-de-01",
                                                   "target_availability_zone": "eu-de-02", "vpc": "vpc-default"})]:
            result, _ = run(module, dict(connection, **args))
            assert not result["failed"], result
        cloud = Cloud(emulator.base_url)
        answer = cloud.call("POST", f"{emulator.base_url}/ecs/v2.1/{cloud.project_id}/servers", {"server": {
            "name": "sc-app", "availability_zone": "eu-de-01", "flavorRef": "s3.medium.1", "imageRef": "x"}})
        assert answer.status == 202
        yield emulator, connection


def leaks(text: str) -> list[str]:
    """The scanner of `make integration` (also URL-encoded, escaped and base64'd forms), plus any
    shorter token-looking string."""
    scanner = secret_scan.Scanner(SECRETS)
    scanner.scan_bytes("result", text.encode("utf-8"))
    return scanner.findings + [t[:5] + "..." for t in TOKEN.findall(text)]


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("module", MODULE_NAMES)
def test_no_secret_in_a_failed_result(estate, module, failure):
    emulator, connection = estate
    admin = emulator.admin()
    args = dict(connection, **ARGS.get(module, {}))
    aksk = {"auth_url": args["auth"]["auth_url"], "ak": TENANT.user["access_key"], "sk": TENANT.user["secret_key"],
            "project_id": TENANT.project["id"]}
    if failure.startswith("error echoing"):
        # every service answer is an error whose message repeats the secret this client uses
        if failure.endswith("secret key"):
            args["auth"], secret = aksk, TENANT.user["secret_key"]
        else:
            secret = TENANT.user["password"]
        admin.add_fault(path=r"^/(evs|vbs|cbr|sdrs|ecs|vpc)/", status=400, body={
            "error_code": "EMU.0400", "error_msg": "refused for %s, see %s" % (secret, secret)})
    elif failure == "wrong password":
        args["auth"] = dict(args["auth"], password=CONFIG.tenants[1].user["password"])
    else:
        args["auth"] = dict(aksk, sk=CONFIG.tenants[1].user["secret_key"])
    try:
        result, _ = run(module, args)
    finally:
        admin.clear_faults()
    found = leaks(json.dumps(result, default=str)) + leaks(json.dumps(admin.requests()))
    record_figures("secrets", leaks=len(found), scanned_results=1)
    assert result["failed"], (module, failure, result)
    assert "required" not in result["msg"] or module not in ARGS, f"no arguments for {module} in ARGS"
    assert found == [], (module, failure, found, result.get("msg"))
