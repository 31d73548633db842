"""Storage: schema, append-only log, replay, undo, corrupt files, concurrent writers, exercises."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from trainer.errors import TrainerError
from trainer.scheduling import AGAIN, GOOD, HARD, Settings
from trainer.storage import (SCHEMA_VERSION, Store, due_exercises, get_state, last_exercise_results,
                             load_settings, rebuild_states, record_bury, record_exercise_attempt, record_review,
                             record_suspend, save_setting, undo)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "meshdrill.db")
    yield s
    s.close()


def log(store):
    return store.conn.execute("SELECT id, item, action, rating, undoes FROM review_log ORDER BY id").fetchall()


def test_new_database_is_at_the_current_schema_version_in_wal_mode(store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"review_log", "item_state", "cards", "exercise_attempts", "settings"} <= set(store.db.table_names())


def test_reopening_does_not_migrate_again(tmp_path):
    Store(tmp_path / "m.db").close()
    again = Store(tmp_path / "m.db")
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again.close()


def test_review_appends_to_the_log_and_state_is_replayable(store):
    now = T0
    for rating in (GOOD, GOOD, AGAIN, GOOD, HARD):
        recorded = record_review(store, "card", "a", rating, now, Settings(), timezone.utc,
                                 duration_ms=4000, answer="x", qtype="typed")
        now = recorded.state.due
    cached = get_state(store, "card", "a")
    store.conn.execute("DELETE FROM item_state")  # the cache is disposable
    assert rebuild_states(store) == 1
    assert get_state(store, "card", "a") == cached
    row = store.conn.execute("SELECT duration_ms, answer, qtype, at FROM review_log LIMIT 1").fetchone()
    assert row == (4000, "x", "typed", "2026-01-05T09:00:00.000000Z")


def test_undo_appends_a_row_and_restores_the_previous_state(store):
    first = record_review(store, "card", "a", GOOD, T0, Settings())
    second = record_review(store, "card", "a", AGAIN, T0 + timedelta(minutes=10), Settings())
    restored = undo(store, second.log_id, T0 + timedelta(minutes=11))
    assert restored == first.state == get_state(store, "card", "a")
    assert [r[2] for r in log(store)] == ["rate", "rate", "undo"]  # nothing deleted
    assert log(store)[-1][4] == second.log_id


def test_bury_and_suspend_are_logged_and_undoable(store):
    until = T0 + timedelta(days=1)
    bury = record_bury(store, "card", "a", until, T0)
    assert get_state(store, "card", "a").buried_until == until
    suspend = record_suspend(store, "card", "a", T0)
    assert get_state(store, "card", "a").suspended
    undo(store, suspend.log_id, T0)
    undo(store, bury.log_id, T0)
    state = get_state(store, "card", "a")
    assert not state.suspended and state.buried_until is None


def test_undo_of_nothing_is_a_clear_error(store):
    with pytest.raises(TrainerError, match="nothing to undo"):
        undo(store, 99, T0)


def test_corrupt_file_is_reported_and_kept(tmp_path):
    path = tmp_path / "meshdrill.db"
    junk = b"this is not a database, it is a shopping list\n" * 100
    path.write_bytes(junk)
    with pytest.raises(TrainerError, match="not a readable meshdrill database") as err:
        Store(path)
    assert "left untouched" in str(err.value)
    assert path.read_bytes() == junk


def test_database_from_a_newer_release_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / "meshdrill.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(TrainerError, match="newer meshdrill"):
        Store(tmp_path / "meshdrill.db")


def test_two_sessions_at_once_lose_nothing(tmp_path):
    one, two = Store(tmp_path / "m.db"), Store(tmp_path / "m.db")
    now = T0
    for i in range(5):
        record_review(one, "card", "shared", GOOD, now, Settings())
        record_review(two, "card", "shared", GOOD, now + timedelta(seconds=1), Settings())
        now += timedelta(days=60)
    assert one.conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 10
    assert get_state(one, "card", "shared").reps == 10  # each read the other's write
    one.close()
    two.close()


def test_settings_roundtrip(store):
    assert load_settings(store) == Settings()
    save_setting(store, "retention", "0.85")
    save_setting(store, "exam_date", "2027-03-01")
    settings = load_settings(store)
    assert settings.retention == 0.85 and str(settings.exam_date) == "2027-03-01"
    save_setting(store, "exam_date", None)
    assert load_settings(store).exam_date is None


def test_exercise_attempts_are_scheduled_like_cards(store):
    passed = record_exercise_attempt(store, "canary-10", passed=True, score=1.0, hints_used=0,
                                     tries=1, seconds=300, now=T0)
    hinted = record_exercise_attempt(store, "strict-mtls", passed=True, score=1.0, hints_used=2,
                                     tries=1, seconds=300, now=T0)
    failed = record_exercise_attempt(store, "fault-inject", passed=False, score=0.4, hints_used=0,
                                     tries=3, seconds=600, now=T0)
    ratings = dict(store.conn.execute("SELECT exercise_id, rating FROM exercise_attempts"))
    assert ratings == {"canary-10": GOOD, "strict-mtls": HARD, "fault-inject": AGAIN}
    assert due_exercises(store, T0) == []
    later = T0 + timedelta(hours=1)
    assert due_exercises(store, later) == ["fault-inject", "strict-mtls", "canary-10"]
    assert passed.state.due > hinted.state.due > failed.state.due


def test_last_exercise_results_keep_each_exercises_latest_attempt(store):
    record_exercise_attempt(store, "canary-10", passed=False, score=0.5, hints_used=0, tries=1, seconds=60, now=T0)
    record_exercise_attempt(store, "strict-mtls", passed=True, score=1.0, hints_used=0, tries=1, seconds=60, now=T0)
    record_exercise_attempt(store, "canary-10", passed=True, score=1.0, hints_used=0, tries=2, seconds=60, now=T0)
    assert last_exercise_results(store) == {"canary-10": True, "strict-mtls": True}
