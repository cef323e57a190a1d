"""A controller whose clock is off: AK/SK signatures carry the signer's time (X-Sdk-Date) and the
gateway refuses one further than 15 minutes from its own. The emulator's clock is moved away
from the wall clock the collection signs with; a module then fails with a message that names
the clock skew, its direction and size, the allowed window and the access key id, and the
whole output of the run holds no secret key. Within the window the same call works.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess

import pytest

from conftest import CONFIG, ansible_env, module_command, parse_adhoc

TENANT = CONFIG.tenants[0]
SECRET_KEYS = [t.user["secret_key"] for t in CONFIG.tenants]


def aksk_args(base_url: str) -> dict:
    return {"auth": {"auth_url": f"{base_url}/identity/v3", "ak": TENANT.user["access_key"],
                     "sk": TENANT.user["secret_key"], "project_id": TENANT.project["id"]}, "region": "eu-de"}


def run_disk_info(base_url: str) -> tuple[dict, str]:
    done = subprocess.run(module_command("disk_info", aksk_args(base_url)), env=ansible_env(),
                          capture_output=True, text=True, timeout=180)
    output = done.stdout + done.stderr
    return parse_adhoc(output), output


def set_cloud_clock(admin, offset_seconds: float) -> None:
    """The cloud's clock ``offset_seconds`` away from the wall clock the collection signs with."""
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    admin.set_time(when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    admin.freeze()


@pytest.mark.parametrize("offset,direction,size", [
    (2 * 3600, "behind", r"(1h 59m|2h 0m) \d+s"),  # the cloud is 2 hours ahead: this machine is behind
    (-40 * 60, "ahead of", r"(39m|40m) \d+s"),  # the cloud is 40 minutes behind
])
def test_a_skewed_clock_is_named_with_the_window_and_the_access_key(emulator, offset, direction, size):
    admin = emulator.admin()
    set_cloud_clock(admin, offset)
    admin.clear_requests()
    result, output = run_disk_info(emulator.base_url)

    assert result["failed"], result
    message = result["msg"]
    assert re.search(r"this machine's clock is %s %s the cloud's" % (size, direction), message), message
    assert "within 15 minutes of its own time (clock skew)" in message, message
    assert "access key id %s" % TENANT.user["access_key"] in message, message
    assert result["error"]["code"] == "APIGW.0301" and result["error"]["status"] == 401, result["error"]
    # the cloud's own answer is kept: the times it compared
    assert "signature expired" in message and "server time:" in message, message
    for secret in SECRET_KEYS:
        assert secret not in output and secret not in json.dumps(result)
    # the gateway refused every signed request and nothing else reached a service
    requests = admin.requests()
    assert requests and all(r["status"] == 401 for r in requests), requests
    assert not any(r["mutating"] for r in requests)


def test_within_the_window_the_same_call_works(emulator):
    admin = emulator.admin()
    set_cloud_clock(admin, 10 * 60)
    result, output = run_disk_info(emulator.base_url)
    assert not result["failed"], result.get("msg")
    assert result["disks"] == [] or isinstance(result["disks"], list)
    for secret in SECRET_KEYS:
        assert secret not in output
