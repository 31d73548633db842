"""The database schema as a list of migrations; `PRAGMA user_version` says how many have run.

Each migration receives a `sqlite_utils.Database` inside the write transaction that `Store`
opens (trainer/storage.py), so a half-applied upgrade is rolled back, never left behind.
"""

from __future__ import annotations


def _migration_1(db) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["deck_files"].create({"path": str, "deck": str, "mtime_ns": int, "size": int,
                             "sha256": str}, pk="path")
    db["cards"].create({"id": str, "deck": str, "ord": int, "type": str, "section": str,
                        "topics": str, "domain": str, "data": str, "content_sha": str,
                        "added_at": str, "edited_at": str, "retired_at": str}, pk="id")
    db["cards"].create_index(["deck", "ord"])
    db["review_log"].create({"id": int, "kind": str, "item": str, "at": str, "action": str,
                             "rating": int, "duration_ms": int, "answer": str, "qtype": str,
                             "was_new": int, "due": str, "undoes": int}, pk="id",
                            not_null=["kind", "item", "at", "action"])
    db["review_log"].create_index(["at"])
    db["review_log"].create_index(["kind", "item"])
    db["review_log"].create_index(["undoes"])  # "not undone" checks stay O(log n) at 1M rows
    db["item_state"].create({"kind": str, "item": str, "state": str, "step": int,
                             "stability": float, "difficulty": float, "due": str,
                             "last_review": str, "reps": int, "lapses": int, "suspended": int,
                             "leech": int, "buried_until": str}, pk=("kind", "item"))
    db["item_state"].create_index(["kind", "state", "due"])
    db["item_state"].create_index(["kind", "due"])  # due queue in due order without a sort
    db["exercise_attempts"].create({"id": int, "exercise_id": str, "at": str, "passed": int,
                                    "score": float, "hints_used": int, "tries": int,
                                    "seconds": float, "rating": int, "log_id": int}, pk="id")
    db["exercise_attempts"].create_index(["exercise_id"])


def _migration_2(db) -> None:
    """Exercise topics and ICA domain on each attempt, for mastery per topic/domain."""
    db["exercise_attempts"].add_column("topics", str)
    db["exercise_attempts"].add_column("domain", str)


def _migration_3(db) -> None:
    """Each deck file's `source`, so new cards from decks built from notes come first.
    Forgetting the files makes the next sync read each one once (cards and history unchanged)."""
    db["deck_files"].add_column("source", str)
    db.execute("DELETE FROM deck_files")


# Index i holds the migration from schema version i to i + 1. Append, never edit.
MIGRATIONS = (_migration_1, _migration_2, _migration_3)
SCHEMA_VERSION = len(MIGRATIONS)
