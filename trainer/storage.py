"""Storage: one SQLite file (`$MESHDRILL_HOME/meshdrill.db`), schema versioned with migrations
(trainer/migrations.py).

The append-only `review_log` is the source of truth: every rating, bury, suspend, unsuspend
and undo is a row, never updated or deleted (an undo is a new row naming the row it cancels). `item_state` is
a cache of the scheduler state that `replay` rebuilds from the log at any time.

Every write is one `BEGIN IMMEDIATE` transaction in WAL mode, so a kill -9 loses at most the
answer on screen and two sessions at once never lose a review (each reads the state inside its
own write transaction). sqlite-utils creates the schema and does bulk writes; it is imported only
when needed so the quiz's first card is read with the bare `sqlite3` module.

API for hands-on exercises (used by `trainer.exercise_flow`):
    record_exercise_attempt(store, exercise_id, passed, score, hints_used, tries, seconds, now)
    due_exercises(store, now) -> list of exercise ids due for practice
    last_exercise_results(store) -> exercise id -> whether its latest attempt passed
Exercises are scheduled like cards (kind "exercise"), rated from the grade.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone, tzinfo
from functools import cached_property
from pathlib import Path
from typing import Iterator

from trainer.errors import TrainerError
from trainer.migrations import MIGRATIONS, SCHEMA_VERSION
from trainer.scheduling import (ItemState, LogEntry, Settings, exercise_rating, replay,
                                review)

DB_NAME = "meshdrill.db"


def default_home() -> Path:
    home = os.environ.get("MESHDRILL_HOME")
    if home:
        return Path(home)
    import click

    return Path(click.get_app_dir("meshdrill"))


class Store:
    """An open database. `conn` is autocommit; writes go through `write()` transactions."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against process kill
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise TrainerError(f"{self.path}: not a readable meshdrill database ({exc})",
                               hint="the file was left untouched; move it away to start afresh "
                                    "or restore a backup") from None
        if version > SCHEMA_VERSION:
            self.conn.close()
            raise TrainerError(f"{self.path}: written by a newer meshdrill (schema {version})",
                               hint="upgrade meshdrill")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    @cached_property
    def db(self):
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: other writers wait; readers see all of it or nothing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def _migrate(self, version: int) -> None:
        with self.write():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]  # re-read under lock
            for step in MIGRATIONS[version:]:
                step(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# ---- time and row conversion -------------------------------------------------------------

def ts(moment: datetime | None) -> str | None:
    """UTC timestamps as fixed-width ISO text, so SQL string order is time order."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


STATE_COLUMNS = ("kind", "item", "state", "step", "stability", "difficulty", "due",
                  "last_review", "reps", "lapses", "suspended", "leech", "buried_until")


def state_from_row(row: tuple) -> ItemState:
    values = dict(zip(STATE_COLUMNS, row))
    for key in ("due", "last_review", "buried_until"):
        values[key] = parse_ts(values[key])
    values["suspended"], values["leech"] = bool(values["suspended"]), bool(values["leech"])
    return ItemState(**values)


def _state_row(state: ItemState) -> tuple:
    return (state.kind, state.item, state.state, state.step, state.stability, state.difficulty,
            ts(state.due), ts(state.last_review), state.reps, state.lapses, int(state.suspended),
            int(state.leech), ts(state.buried_until))


def get_state(store: Store, kind: str, item: str) -> ItemState:
    row = store.conn.execute(f"SELECT {', '.join(STATE_COLUMNS)} FROM item_state "
                             "WHERE kind = ? AND item = ?", (kind, item)).fetchone()
    return state_from_row(row) if row else ItemState(kind=kind, item=item)


def _put_state(conn: sqlite3.Connection, state: ItemState) -> None:
    conn.execute(f"INSERT OR REPLACE INTO item_state ({', '.join(STATE_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(STATE_COLUMNS))})", _state_row(state))


# ---- settings -------------------------------------------------------------------------------

def load_settings(store: Store) -> Settings:
    raw = dict(store.conn.execute("SELECT key, value FROM settings").fetchall())
    defaults = Settings()
    exam = raw.get("exam_date")
    return Settings(retention=float(raw.get("retention", defaults.retention)),
                    new_per_day=int(raw.get("new_per_day", defaults.new_per_day)),
                    reviews_per_day=int(raw.get("reviews_per_day", defaults.reviews_per_day)),
                    exam_date=date.fromisoformat(exam) if exam else None)


def save_setting(store: Store, key: str, value: str | None) -> None:
    with store.write() as conn:
        if value is None:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))


# ---- the review log ------------------------------------------------------------------------

@dataclass(frozen=True)
class Recorded:
    log_id: int
    state: ItemState
    became_leech: bool = False


def _append(conn: sqlite3.Connection, kind: str, item: str, now: datetime, action: str, *,
            rating: int | None = None, duration_ms: int | None = None, answer: str | None = None,
            qtype: str | None = None, was_new: bool = False, due: datetime | None = None,
            undoes: int | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO review_log (kind, item, at, action, rating, duration_ms, answer, qtype, "
        "was_new, due, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, item, ts(now), action, rating, duration_ms, answer, qtype, int(was_new), ts(due),
         undoes))
    return cursor.lastrowid


def record_review(store: Store, kind: str, item: str, rating: int, now: datetime,
                  settings: Settings, tz: tzinfo | None = None, *, duration_ms: int | None = None,
                  answer: str | None = None, qtype: str | None = None) -> Recorded:
    """Rate an item: log row + new state, in one transaction."""
    with store.write() as conn:
        before = get_state(store, kind, item)
        after = review(before, rating, now, settings, tz)
        log_id = _append(conn, kind, item, now, "rate", rating=rating, duration_ms=duration_ms,
                         answer=answer, qtype=qtype, was_new=before.state == "new", due=after.due)
        _put_state(conn, after)
    return Recorded(log_id, after, became_leech=after.leech and not before.leech)


def record_bury(store: Store, kind: str, item: str, until: datetime, now: datetime) -> Recorded:
    """Hide an item until `until` (the next day's start)."""
    with store.write() as conn:
        after = replace(get_state(store, kind, item), buried_until=until)
        log_id = _append(conn, kind, item, now, "bury", due=until)
        _put_state(conn, after)
    return Recorded(log_id, after)


def record_suspend(store: Store, kind: str, item: str, now: datetime,
                   suspended: bool = True) -> Recorded:
    with store.write() as conn:
        after = replace(get_state(store, kind, item), suspended=suspended)
        log_id = _append(conn, kind, item, now, "suspend" if suspended else "unsuspend")
        _put_state(conn, after)
    return Recorded(log_id, after)


def undo(store: Store, log_id: int, now: datetime) -> ItemState:
    """Cancel one logged action: append an `undo` row, then replay the item's log."""
    with store.write() as conn:
        row = conn.execute("SELECT kind, item, action FROM review_log WHERE id = ?",
                           (log_id,)).fetchone()
        if row is None or row[2] == "undo":
            raise TrainerError(f"nothing to undo for log entry {log_id}")
        kind, item, _action = row
        _append(conn, kind, item, now, "undo", undoes=log_id)
        state = replay(kind, item, _log_rows(conn, kind, item))
        _put_state(conn, state)
    return state


def _log_rows(conn: sqlite3.Connection, kind: str, item: str) -> list[LogEntry]:
    rows = conn.execute("SELECT id, action, rating, at, due, undoes FROM review_log "
                        "WHERE kind = ? AND item = ? ORDER BY id", (kind, item)).fetchall()
    return [LogEntry(i, action, rating, parse_ts(at), parse_ts(due), undoes)
            for i, action, rating, at, due, undoes in rows]


def rebuild_states(store: Store) -> int:
    """Recompute every logged item's state from the log (the cache is disposable)."""
    items = store.conn.execute("SELECT DISTINCT kind, item FROM review_log").fetchall()
    with store.write() as conn:
        for kind, item in items:
            _put_state(conn, replay(kind, item, _log_rows(conn, kind, item)))
    return len(items)


# ---- exercises -------------------------------------------------------------------------------

def record_exercise_attempt(store: Store, exercise_id: str, passed: bool, score: float,
                            hints_used: int, tries: int, seconds: float, now: datetime,
                            settings: Settings | None = None, tz: tzinfo | None = None, *,
                            topics: tuple[str, ...] = (), domain: str = "") -> Recorded:
    """Record a graded exercise and schedule its next practice like a card review.

    `topics`/`domain` (the exercise's own) feed the per-topic and per-domain mastery in stats.
    """
    rating = exercise_rating(passed, hints_used, tries)
    settings = settings or load_settings(store)
    with store.write() as conn:
        before = get_state(store, "exercise", exercise_id)
        after = review(before, rating, now, settings, tz)
        answer = json.dumps({"passed": passed, "score": score, "hints_used": hints_used,
                             "tries": tries})
        log_id = _append(conn, "exercise", exercise_id, now, "rate", rating=rating,
                         duration_ms=int(seconds * 1000), answer=answer, qtype="exercise",
                         was_new=before.state == "new", due=after.due)
        conn.execute("INSERT INTO exercise_attempts (exercise_id, at, passed, score, hints_used, "
                     "tries, seconds, rating, log_id, topics, domain) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (exercise_id, ts(now), int(passed), score, hints_used, tries, seconds,
                      rating, log_id, json.dumps(list(topics)), domain))
        _put_state(conn, after)
    return Recorded(log_id, after, became_leech=after.leech and not before.leech)


def last_exercise_results(store: Store) -> dict[str, bool]:
    """Exercise id -> whether its latest graded attempt passed."""
    rows = store.conn.execute("SELECT exercise_id, passed FROM exercise_attempts ORDER BY id").fetchall()
    return {exercise_id: bool(passed) for exercise_id, passed in rows}


def due_exercises(store: Store, now: datetime) -> list[str]:
    """Exercise ids whose next practice is due, most overdue first."""
    moment = ts(now)
    rows = store.conn.execute(
        "SELECT item FROM item_state WHERE kind = 'exercise' AND state != 'new' AND due <= ? "
        "AND suspended = 0 AND (buried_until IS NULL OR buried_until <= ?) ORDER BY due",
        (moment, moment)).fetchall()
    return [row[0] for row in rows]
