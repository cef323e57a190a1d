"""Unit tests of the declared state machines, with a fake clock."""

from evs_emulator import lifecycle
from evs_emulator.clock import FakeClock
from evs_emulator.lifecycle import begin, settle
from evs_emulator.services.compute import SERVER_OPS
from evs_emulator.services.evs import SNAPSHOT_OPS, VOLUME_OPS

TIMINGS = {"volume.create": 5, "volume.delete": 3, "volume.extend": 5, "volume.attach": 2, "volume.detach": 2,
           "snapshot.create": 3, "snapshot.delete": 2, "snapshot.rollback": 5}


def test_create_is_creating_until_due_then_available():
    clock = FakeClock()
    volume = begin({"id": "v", "status": None}, VOLUME_OPS["volume.create"], clock.now(), TIMINGS)
    assert settle(volume, clock.now())["status"] == "creating"
    clock.advance(4.9)
    assert settle(volume, clock.now())["status"] == "creating"
    clock.advance(0.1)
    done = settle(volume, clock.now())
    assert done["status"] == "available"
    assert lifecycle.PENDING_KEY not in done
    assert done["updated_at"] == clock.now()


def test_delete_makes_the_resource_disappear_when_due():
    clock = FakeClock()
    volume = begin({"id": "v", "status": "available"}, VOLUME_OPS["volume.delete"], clock.now(), TIMINGS)
    assert settle(volume, clock.now())["status"] == "deleting"
    clock.advance(3)
    assert settle(volume, clock.now()) is None


def test_zero_duration_still_answers_the_transitional_status_then_settles():
    clock = FakeClock()
    volume = begin({"id": "v", "status": None}, VOLUME_OPS["volume.create"], clock.now(), {"volume.create": 0})
    assert volume["status"] == "creating"
    assert settle(volume, clock.now())["status"] == "available"


def test_extend_returns_to_the_previous_status_and_applies_the_new_size():
    clock = FakeClock()
    volume = {"id": "v", "status": "in-use", "size": 10}
    extending = begin(volume, VOLUME_OPS["volume.extend"], clock.now(), TIMINGS, on_done={"size": 20})
    assert settle(extending, clock.now())["size"] == 10
    clock.advance(5)
    assert settle(extending, clock.now())["status"] == "in-use"
    assert settle(extending, clock.now())["size"] == 20


def test_final_status_override_for_a_detach_that_leaves_other_attachments():
    clock = FakeClock()
    volume = {"id": "v", "status": "in-use", "attachments": [{"server_id": "a"}, {"server_id": "b"}]}
    detaching = begin(volume, VOLUME_OPS["volume.detach"], clock.now(), TIMINGS,
                      on_done={"attachments": [{"server_id": "b"}]}, final_status="in-use")
    clock.advance(2)
    assert settle(detaching, clock.now())["status"] == "in-use"


def test_allowed_statuses_follow_the_reference():
    delete = VOLUME_OPS["volume.delete"]
    for status in ("available", "error", "error_extending", "error_restoring", "error_rollbacking"):
        assert delete.allows(status)
    for status in ("in-use", "creating", "attaching", "rollbacking", "deleting"):
        assert not delete.allows(status)
    assert VOLUME_OPS["snapshot.rollback"].allows("error_rollbacking")
    assert not VOLUME_OPS["snapshot.rollback"].allows("in-use")
    assert SNAPSHOT_OPS["snapshot.delete"].allows("error")
    assert not SNAPSHOT_OPS["snapshot.delete"].allows("rollbacking")
    assert SERVER_OPS["server.create"].during == "BUILD"


def test_transitions_are_listed_as_pairs_with_their_timing():
    pairs = lifecycle.transitions(VOLUME_OPS)
    assert ("creating", "available", "volume.create") in pairs
    assert ("deleting", "(gone)", "volume.delete") in pairs
    assert ("available", "rollbacking", "snapshot.rollback") in pairs


def test_every_operation_has_a_default_timing():
    from evs_emulator.config import Config
    timings = Config.load().default_timings
    for ops in (VOLUME_OPS, SNAPSHOT_OPS, SERVER_OPS):
        for name in ops:
            assert name in timings


def test_pending_value_shows_what_completion_will_set():
    clock = FakeClock()
    volume = begin({"id": "v", "status": "available", "size": 10}, VOLUME_OPS["volume.extend"], clock.now(),
                   TIMINGS, on_done={"size": 20})
    assert lifecycle.pending_value(volume, "size") == 20
    assert lifecycle.pending_value(volume, "name", "none") == "none"
    assert lifecycle.pending_value({"id": "x"}, "size") is None
