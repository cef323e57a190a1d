"""State machines as data, with statuses derived from the clock.

An operation is declared once: from which statuses it may start, the status while it runs,
the status it ends in, and the name of its duration in the timings config. Starting an
operation stores the pending transition with its due time in the resource body; reading the
resource settles it against the clock. No background thread makes time pass, so moving the
emulator clock moves every operation at once.
"""

from __future__ import annotations

from dataclasses import dataclass

GONE = None          # final status of a delete: the resource disappears
PREVIOUS = "__previous__"  # final status equal to the status before the operation
PENDING_KEY = "_pending"


@dataclass(frozen=True)
class Operation:
    name: str                       # also the timing name, e.g. "volume.create"
    allowed_from: frozenset | None  # None: any status (creates)
    during: str
    after: str | None

    def allows(self, status: str | None) -> bool:
        return self.allowed_from is None or status in self.allowed_from


def operations(*ops: Operation) -> dict[str, Operation]:
    return {op.name: op for op in ops}


def transitions(ops: dict[str, Operation]) -> list[tuple[str, str, str]]:
    """(from, to, timing) pairs, for documentation and tests."""
    pairs = []
    for op in ops.values():
        for status in sorted(op.allowed_from or {"(new)"}):
            pairs.append((status, op.during, op.name))
        pairs.append((op.during, op.after if op.after is not None else "(gone)", op.name))
    return pairs


def begin(body: dict, op: Operation, now: float, timings: dict, on_done: dict | None = None,
          final_status: str | None = None, queued: tuple[str | None, float] | None = None) -> dict:
    """Return `body` with `op` started: transitional status now, the rest when due.

    `on_done` holds field values applied when the operation completes (e.g. a new size,
    attachments, disk blocks); `final_status` overrides the declared end status (a detach that
    leaves other attachments ends `in-use`). The answer to the request that started the
    operation shows the transitional status even when the duration is 0, like the cloud does.
    `queued` = (status, seconds): the job first waits that long in a queue, showing that status
    (None: the running status) before it runs for its own duration (CBR's `waiting_*`).
    """
    duration = float(timings[op.name])
    final = final_status or (body.get("status") if op.after == PREVIOUS else op.after)
    started = dict(body, status=op.during, updated_at=now)
    started[PENDING_KEY] = {"op": op.name, "to": final, "due": now + duration, "set": on_done or {}}
    if queued is not None and queued[1] > 0:
        wait_status, wait = queued
        started[PENDING_KEY]["due"] += wait
        if wait_status is not None:
            started[PENDING_KEY]["queued"] = {"status": wait_status, "until": now + wait}
    return started


def settle(body: dict | None, now: float) -> dict | None:
    """The body as it is at `now`: a due pending operation is applied (None when gone)."""
    if body is None:
        return None
    pending = body.get(PENDING_KEY)
    if pending and pending["due"] > now:
        queued = pending.get("queued")
        if queued and queued["until"] > now:  # still in the service's queue: the job has not started
            return dict(body, status=queued["status"])
        return body
    if not pending:
        return body
    if pending["to"] is GONE:
        return None
    done = dict(body)  # a copy, then a delete: a comprehension over the fields is several times slower
    del done[PENDING_KEY]
    done.update(pending["set"])
    done["status"] = pending["to"]
    done["updated_at"] = pending["due"]
    return done


def pending_value(body: dict, field: str, default=None):
    """The value `field` will take when the running operation completes (default if none sets it)."""
    pending = body.get(PENDING_KEY) or {}
    return pending.get("set", {}).get(field, default)
