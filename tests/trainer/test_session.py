"""Session logic: order, learning cards coming back, skip, bury, suspend, multi-level undo."""

from datetime import datetime, timedelta, timezone

from trainer.session import Entry, Session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def shown(session, now=T0):
    entry = session.next(now)
    return entry.item if entry else None


def test_reviews_then_new_then_exercises():
    s = Session.build(T0, ["r1", "r2"], ["n1"], ["ex1"])
    order = []
    for log_id in range(4):
        entry = s.next(T0)
        order.append((entry.item, entry.source))
        s.answered(entry, log_id)
    assert order == [("r1", "review"), ("r2", "review"), ("n1", "new"), ("ex1", "exercise")]
    assert s.next(T0) is None and s.progress(T0).done == 4


def test_learning_card_comes_back_when_due_or_within_learn_ahead():
    s = Session.build(T0, [], ["n1", "n2"], [])
    s.answered(s.next(T0), 1, requeue_due=T0 + timedelta(minutes=1))
    assert shown(s) == "n2"
    assert shown(s, T0 + timedelta(minutes=2)) == "n1"  # due: before the queue
    s.answered(s.next(T0), 2)
    assert shown(s) == "n1"  # nothing else left, due within 20 minutes
    s2 = Session.build(T0, [], ["n1"], [])
    s2.answered(s2.next(T0), 1, requeue_due=T0 + timedelta(hours=1))
    assert s2.next(T0) is None


def test_multi_level_undo_restores_entries_in_reverse_order():
    s = Session.build(T0, ["a", "b", "c"], [], [])
    for log_id in (10, 11, 12):
        s.answered(s.next(T0), log_id)
    assert [s.undo().log_id, s.undo().log_id] == [12, 11]
    assert shown(s) == "b"
    s.answered(s.next(T0), 13)
    assert shown(s) == "c" and s.progress(T0).done == 2


def test_undo_of_a_learning_answer_takes_it_out_of_the_learning_list():
    s = Session.build(T0, [], ["n1"], [])
    s.answered(s.next(T0), 1, requeue_due=T0 + timedelta(minutes=10))
    s.undo()
    assert s.learning == [] and shown(s) == "n1"


def test_skip_moves_to_the_back_and_records_nothing():
    s = Session.build(T0, ["a", "b"], [], [])
    s.skip(s.next(T0))
    assert shown(s) == "b" and s.history == [] and s.skipped == 1
    s.answered(s.next(T0), 1)
    assert shown(s) == "a"


def test_bury_and_suspend_remove_and_undo_brings_back():
    s = Session.build(T0, ["a", "b"], [], [])
    s.buried(s.next(T0), 1)
    s.suspended(s.next(T0), 2)
    assert s.next(T0) is None and s.progress(T0).done == 0
    assert s.undo().name == "suspend" and shown(s) == "b"


def test_answering_a_review_sends_its_new_siblings_to_another_day():
    siblings = {"r": ("d", "mTLS"), "n1": ("d", "mTLS"), "n2": ("d", "Routing")}
    s = Session.build(T0, ["r"], ["n1", "n2"], [], siblings)
    s.answered(s.next(T0), 1)
    assert [e.item for e in s.queue] == ["n2"]
    s.undo()
    assert [e.item for e in s.queue] == ["n1", "n2"]


def test_progress_counts_remaining_and_elapsed():
    s = Session.build(T0, ["a"], ["b"], [])
    s.answered(s.next(T0), 1, requeue_due=T0 + timedelta(minutes=10))
    p = s.progress(T0 + timedelta(seconds=90))
    assert (p.done, p.remaining, p.elapsed) == (1, 2, timedelta(seconds=90))
    assert Entry("card", "b", "new") in s.queue


def test_new_cards_from_notes_lead_three_at_a_time_then_one_from_the_curriculum():
    from trainer.session import interleave_new

    notes, ica = [f"n{i}" for i in range(5)], [f"c{i}" for i in range(4)]
    assert interleave_new(notes, ica) == ["n0", "n1", "n2", "c0", "n3", "n4", "c1", "c2", "c3"]
    assert interleave_new([], ica) == ica and interleave_new(notes, []) == notes


def test_interleave_keeps_every_card_once_and_each_list_in_its_order():
    from hypothesis import given, strategies as st

    from trainer.session import interleave_new

    @given(st.integers(0, 30), st.integers(0, 30), st.integers(1, 5))
    def check(n_notes, n_other, run):
        notes, other = [f"n{i}" for i in range(n_notes)], [f"o{i}" for i in range(n_other)]
        order = interleave_new(notes, other, run)
        assert sorted(order) == sorted(notes + other)
        assert [i for i in order if i[0] == "n"] == notes and [i for i in order if i[0] == "o"] == other
        if notes:
            assert order[:min(run, n_notes)] == notes[:run]     # the notes always open the day

    check()
