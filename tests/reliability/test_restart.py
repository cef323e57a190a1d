"""Restarts: the emulator is killed (-9) and restarted on the same state dir and port while a
module waits on a creation (a snapshot's or a disk's status, a protection group's SDRS job); the module resumes waiting and succeeds, nothing acknowledged before
the kill is lost, and the creation was sent exactly once.

The operation being waited on has a long duration (60 s on the emulator clock), so it is still
running when the emulator dies; after the restart the test moves the emulator's clock past it
instead of waiting. The kill comes right after one of the module's polls, so the module meets
the dead server (a reset keep-alive connection, or a refused connection) on its next poll and
has to retry through it.
"""

from __future__ import annotations

import subprocess

import pytest

from conftest import Cloud, ansible_env, auth_of, module_command, parse_adhoc, record_figures, wait_for
from evs_emulator.testing import EmulatorProcess


def _polls_after(admin, post_seq: int) -> int:
    return len([r for r in admin.requests(method="GET", since_seq=post_seq) if "/auth/" not in r["path"]])


@pytest.mark.parametrize("kind", ["snapshot", "disk", "protection_group"])
def test_a_module_waiting_on_a_creation_survives_a_kill_9_and_restart(tmp_path, kind):
    state = tmp_path / "emulator"
    first = EmulatorProcess(state_dir=state).start()
    second = None
    module = None
    try:
        port = int(first.base_url.rsplit(":", 1)[1])
        admin = first.admin()
        admin.zero_timings()
        cloud = Cloud(first.base_url)
        # acknowledged before the kill: two disks, one with bytes, and a snapshot
        kept = [cloud.create_volume(f"kept-{i}") for i in range(2)]
        admin.write_disk(kept[0]["id"], {"0": "acknowledged before the kill"})
        answer = cloud.call("POST", cloud.evs("/snapshots"), {"snapshot": {"volume_id": kept[1]["id"],
                                                                           "name": "kept-snap"}})
        assert answer.status == 202
        # the creation the module waits on takes a minute of emulator time
        admin.set_timings({"snapshot.create": 60, "volume.create": 60, "sdrs.group.create": 60})
        if kind == "snapshot":
            args = {"disk": "kept-1", "name": "through-restart"}
            post_path = r"/snapshots$"
        elif kind == "protection_group":  # waits on an SDRS job, not on a status
            args = {"name": "through-restart", "source_availability_zone": "eu-de-01",
                    "target_availability_zone": "eu-de-02", "vpc": "vpc-default"}
            post_path = r"/server-groups$"
        else:
            args = {"name": "through-restart", "availability_zone": "eu-de-01", "size": 10}
            post_path = r"/volumes$"
        args.update(auth=auth_of(first.base_url), region="eu-de", wait_timeout=300)
        mark = max([r["seq"] for r in admin.requests()] or [0])
        log = open(tmp_path / "module.out", "w")
        module = subprocess.Popen(module_command(kind, args), env=ansible_env(), stdout=log,
                                  stderr=subprocess.STDOUT, text=True)

        def posted():
            return [r for r in admin.requests(method="POST", path=post_path, since_seq=mark) if r["status"]]
        post = wait_for(posted, "the module's create request")[0]
        # after its fourth poll the module sleeps about 3.4 s (1 s, growing 1.5 times per poll):
        # kill right then, so the restart (well under 2 s) is done before its retries (5 attempts,
        # jittered backoff) run out, even on a loaded machine
        wait_for(lambda: _polls_after(admin, post["seq"]) >= 4, "four polls of the creation")
        first.kill()
        assert module.poll() is None, "the module finished before the kill"
        second = EmulatorProcess(state_dir=state, port=port).start()
        assert second.base_url == first.base_url
        admin = second.admin()
        admin.advance(120)  # the creation completes on the emulator clock
        assert module.wait(timeout=240) == 0, (tmp_path / "module.out").read_text()
        log.close()
        result = parse_adhoc((tmp_path / "module.out").read_text())
        assert result["changed"] is True
        resource = result[kind]
        assert resource["name"] == "through-restart" and resource["status"] == "available", resource

        cloud = Cloud(second.base_url)  # a new token: the old one survived too, but be plain
        # sent once, found once
        creates = [r for r in admin.requests(method="POST", path=post_path, since_seq=mark) if r["status"]]
        assert len(creates) == 1, creates
        if kind == "snapshot":
            assert [s["name"] for s in cloud.snapshots("through-restart")] == ["through-restart"]
        elif kind == "protection_group":
            groups = cloud.call("GET", f"{second.base_url}/sdrs/v1/{cloud.project_id}/server-groups").body
            assert [g["name"] for g in groups["server_groups"]] == ["through-restart"]
        else:
            assert [v["name"] for v in cloud.volumes("through-restart")] == ["through-restart"]
        # nothing acknowledged before the kill is lost
        names = sorted(v["name"] for v in cloud.volumes())
        assert {"kept-0", "kept-1"} <= set(names)
        assert admin.disk(kept[0]["id"]) == {"0": "acknowledged before the kill"}
        assert [s["name"] for s in cloud.snapshots("kept-snap")] == ["kept-snap"]
        # the request log itself survived: the requests before the kill are still there
        assert any(r["seq"] == post["seq"] for r in admin.requests(method="POST", path=post_path))
        record_figures(f"restart-{kind}", requests=len(admin.requests(since_seq=mark)), duplicates=len(creates) - 1,
                       restarts=1)
    finally:
        if module is not None and module.poll() is None:
            module.kill()
            module.wait()
        first.kill()
        if second is not None:
            second.kill()
