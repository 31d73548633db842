"""Deck sync: new cards appear, edits keep history, removed cards retire, unchanged files skipped."""

import os
from datetime import datetime, timedelta, timezone

import pytest

from trainer.scheduling import GOOD, Settings
from trainer.storage import Store, get_state, record_review
from trainer.sync import card_from_json, card_to_json, deck_paths, sync

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def deck(*cards: tuple[str, str]) -> str:
    body = "".join(f"  - id: {cid}\n    front: {front}\n    back: answer of {cid}\n"
                   f"    section: '1. Basics'\n    topics: [mtls]\n" for cid, front in cards)
    return f"id: d\ntitle: D\ncards:\n{body}"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "meshdrill.db")
    yield s
    s.close()


def live(store):
    return [r[0] for r in store.conn.execute("SELECT id FROM cards WHERE retired_at IS NULL ORDER BY ord")]


def test_new_edited_removed_and_returning_cards(store, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?"), ("b", "B?")))
    first = sync(store, [path], T0)
    assert first.added == ["a", "b"] and live(store) == ["a", "b"]
    assert get_state(store, "card", "a").state == "new"
    record_review(store, "card", "a", GOOD, T0, Settings())

    path.write_text(deck(("a", "A, reworded?"), ("c", "C?")))
    second = sync(store, [path], T0 + timedelta(days=1))
    assert (second.added, second.edited, second.retired) == (["c"], ["a"], ["b"])
    assert live(store) == ["a", "c"]
    assert get_state(store, "card", "a").reps == 1  # the edit kept the history
    data = store.conn.execute("SELECT data FROM cards WHERE id = 'a'").fetchone()[0]
    assert card_from_json(data).front == "A, reworded?"
    assert store.conn.execute("SELECT count(*) FROM cards WHERE id = 'b'").fetchone()[0] == 1

    path.write_text(deck(("a", "A, reworded?"), ("b", "B?"), ("c", "C?")))
    sync(store, [path], T0 + timedelta(days=2))
    assert live(store) == ["a", "b", "c"]


def test_unchanged_files_are_not_parsed(store, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?")))
    assert sync(store, [path], T0).parsed_files == 1
    assert sync(store, [path], T0).parsed_files == 0
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, same bytes
    report = sync(store, [path], T0)
    assert report.parsed_files == 0 and not report.changed


def test_a_deleted_deck_file_retires_its_cards(store, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?")))
    sync(store, [path], T0)
    path.unlink()
    assert sync(store, [], T0).retired == ["a"]
    assert live(store) == []


def test_a_broken_file_is_reported_and_its_last_cards_stay(store, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?")))
    sync(store, [path], T0)
    path.write_text("id: d\ntitle: D\ncards:\n  - id: a\n    front: [unclosed\n")
    report = sync(store, [path], T0)
    assert len(report.problems) == 1 and f"{path}:" in report.problems[0]
    assert live(store) == ["a"]


def test_duplicate_ids_across_decks_name_the_file_and_line(store, tmp_path):
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(deck(("a", "A?")))
    two.write_text(deck(("a", "A again?")).replace("id: d\n", "id: other\n", 1))
    report = sync(store, [one, two], T0)
    assert report.problems == [f"{two}:4: card id 'a' is already used by deck 'd' "
                               "(card ids must be unique across decks)"]


def test_card_json_roundtrip(tmp_path):
    from trainer.deckfile import load_deck

    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?")))
    card = load_deck(path).cards[0]
    assert card_from_json(card_to_json(card)) == card


def test_deck_paths_lists_user_decks(tmp_path):
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "mine.yaml").write_text(deck(("a", "A?")))
    assert tmp_path / "decks" / "mine.yaml" in deck_paths(tmp_path)


def test_renaming_the_deck_id_retires_the_old_decks_missing_cards(store, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(deck(("a", "A?"), ("b", "B?")))
    sync(store, [path], T0)
    path.write_text(deck(("a", "A?")).replace("id: d\n", "id: renamed\n", 1))
    report = sync(store, [path], T0)
    assert report.retired == ["b"] and live(store) == ["a"]
    assert store.conn.execute("SELECT deck FROM cards WHERE id = 'a'").fetchone()[0] == "renamed"
