"""The discrete-event clock: time order, deterministic ties, never backwards (SimPy's core)."""

from engine.simulation.clock import NORMAL, URGENT, Clock


def test_events_run_in_time_order_whatever_the_scheduling_order():
    clock, seen = Clock(), []
    for t in (5.0, 1.0, 3.0):
        clock.schedule(t, lambda now, tag: seen.append((now, tag)), f"at {t:g}")
    assert clock.run() == 5.0
    assert seen == [(1.0, "at 1"), (3.0, "at 3"), (5.0, "at 5")]


def test_ties_break_by_priority_then_by_scheduling_order():
    clock, seen = Clock(), []
    record = lambda now, tag: seen.append(tag)  # noqa: E731
    clock.schedule(2.0, record, "first normal", NORMAL)
    clock.schedule(2.0, record, "second normal", NORMAL)
    clock.schedule(2.0, record, "urgent", URGENT)
    clock.run()
    assert seen == ["urgent", "first normal", "second normal"]


def test_an_event_can_schedule_more_events_and_the_past_is_clamped_to_now():
    clock, seen = Clock(), []

    def chain(now, n):
        seen.append(now)
        if n:
            clock.schedule(now - 10, chain, n - 1)   # "in the past": happens now, not earlier

    clock.schedule(4.0, chain, 2)
    clock.run()
    assert seen == [4.0, 4.0, 4.0]


def test_run_until_stops_before_later_events_and_can_resume():
    clock, seen = Clock(), []
    for t in (1.0, 2.0, 3.0):
        clock.schedule(t, lambda now, _: seen.append(now))
    clock.run(until=2.0)
    assert seen == [1.0, 2.0] and len(clock) == 1
    clock.run()
    assert seen == [1.0, 2.0, 3.0]
