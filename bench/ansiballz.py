"""One module process as Ansible runs it: the AnsiballZ payload of a no-op `snapshot` call and of
`ansible.builtin.ping`, kept with ANSIBLE_KEEP_REMOTE_FILES and run again directly, alternating,
so the module process's own cost is separated from Ansible's controller-side work per item.

    python bench/ansiballz.py        (part of `make bench BENCH=noop` and `make bench`)
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import time

from benchlib import Emulator, VENV_BIN, ansible_env, log, save_result

ROUNDS = 9


def main() -> dict:
    with Emulator("ansiballz") as emu:
        emu.admin.zero_timings()
        disk = emu.create_disks(1, "az-disk")[0]
        emu.api("POST", "/evs/v3/{pid}/snapshots", {"snapshot": {"volume_id": disk, "name": "s1"}})
        keep = emu.dir / "remote-tmp"
        shutil.rmtree(keep, ignore_errors=True)
        env = ansible_env(emu, extra={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(keep)})
        payloads = {}
        for name, module, args in (("snapshot", "dataprotection.evs.snapshot", json.dumps({"disk": disk, "name": "s1"})),
                                   ("ping", "ansible.builtin.ping", None)):
            before = set(keep.glob("*/AnsiballZ_*.py")) if keep.exists() else set()
            subprocess.run([str(VENV_BIN / "ansible"), "localhost", "-m", module] + (["-a", args] if args else []),
                           env=env, check=True, capture_output=True)
            payloads[name] = next(iter(set(keep.glob("*/AnsiballZ_*.py")) - before))
        times = {name: [] for name in payloads}
        for _ in range(ROUNDS):
            for name, path in payloads.items():
                t0 = time.perf_counter()
                subprocess.run([str(VENV_BIN / "python"), str(path)], env=env, check=True, capture_output=True)
                times[name].append(time.perf_counter() - t0)
        emu.admin.clear_requests()
    result = {"rounds": ROUNDS,
              "process_ms": {n: round(statistics.median(t) * 1000, 1) for n, t in times.items()},
              "payload_bytes": {n: p.stat().st_size for n, p in payloads.items()}}
    result["module_minus_ping_ms"] = round(result["process_ms"]["snapshot"] - result["process_ms"]["ping"], 1)
    log(f"ansiballz: snapshot {result['process_ms']['snapshot']} ms, ping {result['process_ms']['ping']} ms per process")
    save_result("ansiballz", result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
