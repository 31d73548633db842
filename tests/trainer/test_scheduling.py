"""FSRS through fsrs==6.3.2 plus our rules: golden intervals, rollover, exam cap, leeches."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from trainer.scheduling import (AGAIN, EASY, GOOD, HARD, LEECH_LAPSES, ItemState, Settings,
                                apply_rating, day_start, exam_cap, exercise_rating, next_day_start,
                                retrievability, review)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
NEW = ItemState(kind="card", item="vs-routing")


def test_golden_new_card_good_six_times_without_fuzz():
    """fsrs 6.3.2 defaults (retention 0.9, steps 1m 10m): 10 min, then 2, 11, 46, 163, 498 days."""
    state, now, intervals = NEW, T0, []
    for _ in range(6):
        state = apply_rating(state, GOOD, now, due=None)
        intervals.append(state.due - now)
        now = state.due
    assert intervals == [timedelta(minutes=10), timedelta(days=2), timedelta(days=11),
                         timedelta(days=46), timedelta(days=163), timedelta(days=498)]
    assert state.state == "review" and state.reps == 6 and state.lapses == 0


def test_learning_steps_again_is_one_minute_and_relearning_ten():
    state = apply_rating(NEW, AGAIN, T0, due=None)
    assert (state.state, state.due - T0) == ("learning", timedelta(minutes=1))
    graduated = apply_rating(apply_rating(NEW, GOOD, T0, None), GOOD, T0 + timedelta(minutes=10), None)
    lapse_at = graduated.due
    lapsed = apply_rating(graduated, AGAIN, lapse_at, due=None)
    assert (lapsed.state, lapsed.due - lapse_at, lapsed.lapses) == ("relearning", timedelta(minutes=10), 1)


def test_review_fuzz_is_seeded_by_item_and_time_and_stays_near_the_interval():
    state = NEW
    now = T0
    for _ in range(4):
        state = review(state, GOOD, now, Settings())
        now = state.due
    again = review(replace(state), GOOD, now, Settings())
    assert review(state, GOOD, now, Settings()).due == again.due  # same inputs, same date
    plain = apply_rating(state, GOOD, now, due=None)
    days = (again.due - now).days
    assert abs(days - (plain.due - now).days) <= 0.05 * days + 3


def test_higher_desired_retention_gives_shorter_intervals():
    state = apply_rating(apply_rating(NEW, GOOD, T0, None), GOOD, T0 + timedelta(minutes=10), None)
    later = state.due
    loose = apply_rating(state, GOOD, later, None, retention=0.8)
    strict = apply_rating(state, GOOD, later, None, retention=0.95)
    assert strict.due < loose.due


def test_day_rolls_over_at_4am_local():
    tz = timezone(timedelta(hours=2))
    late = datetime(2026, 1, 5, 1, 30, tzinfo=timezone.utc)  # 03:30 local: still Jan 4
    assert day_start(late, tz) == datetime(2026, 1, 4, 2, 0, tzinfo=timezone.utc)
    assert next_day_start(late, tz) == datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
    after = datetime(2026, 1, 5, 2, 30, tzinfo=timezone.utc)  # 04:30 local: Jan 5
    assert day_start(after, tz) == datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)


def test_exam_date_caps_the_interval():
    exam = Settings(exam_date=date(2026, 2, 1))
    state, now = NEW, T0
    for _ in range(4):  # 10 min, 2 days, 11 days, then ~46 days would pass the exam
        state = review(state, GOOD, now, exam, timezone.utc)
        if state.due >= datetime(2026, 2, 1, tzinfo=timezone.utc):
            break
        now = state.due
    assert now < datetime(2026, 2, 1, tzinfo=timezone.utc)
    assert exam_cap(date(2026, 2, 1), timezone.utc) == datetime(2026, 2, 1, 4, tzinfo=timezone.utc)
    assert state.due == datetime(2026, 2, 1, 4, tzinfo=timezone.utc)


def test_past_exam_date_caps_nothing():
    graduated = review(review(NEW, GOOD, T0, Settings()), GOOD, T0 + timedelta(minutes=10),
                       Settings(exam_date=date(2025, 12, 1)), timezone.utc)
    assert graduated.due - (T0 + timedelta(minutes=10)) == timedelta(days=2)


def test_eighth_lapse_makes_a_leech_that_is_suspended():
    state, now = NEW, T0
    state = apply_rating(state, EASY, now, None)  # straight to review
    for lapse in range(1, LEECH_LAPSES + 1):
        now = state.due
        state = apply_rating(state, AGAIN, now, None)
        assert state.lapses == lapse
        assert state.leech == (lapse >= LEECH_LAPSES)
        now = state.due
        state = apply_rating(state, GOOD, now, None)  # relearned
    assert state.suspended and state.leech


def test_exercise_grade_to_rating():
    assert exercise_rating(passed=True, hints_used=0, tries=1) == GOOD
    assert exercise_rating(passed=True, hints_used=1, tries=1) == HARD
    assert exercise_rating(passed=True, hints_used=0, tries=3) == HARD
    assert exercise_rating(passed=False, hints_used=0, tries=1) == AGAIN


def test_retrievability_is_one_at_review_and_falls():
    state = apply_rating(NEW, EASY, T0, None)
    assert retrievability(state, T0) == pytest.approx(1.0)
    assert retrievability(state, T0 + timedelta(days=30)) < 0.9
    assert retrievability(NEW, T0) == 0.0


def test_rating_out_of_range_is_refused():
    with pytest.raises(ValueError):
        apply_rating(NEW, 5, T0, None)


def test_replay_skips_undone_entries_and_keeps_logged_due_dates():
    from trainer.scheduling import LogEntry, replay

    logged_due = T0 + timedelta(days=3)
    entries = [LogEntry(1, "rate", GOOD, T0, T0 + timedelta(minutes=10)),
               LogEntry(2, "rate", AGAIN, T0 + timedelta(minutes=10), T0 + timedelta(minutes=11)),
               LogEntry(3, "undo", None, T0 + timedelta(minutes=10), None, undoes=2),
               LogEntry(4, "rate", GOOD, T0 + timedelta(minutes=10), logged_due),
               LogEntry(5, "suspend", None, T0 + timedelta(minutes=11), None)]
    state = replay("card", "a", entries)
    assert (state.state, state.reps, state.due, state.suspended) == ("review", 2, logged_due, True)
