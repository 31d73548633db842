"""Read queries that build the day's queue, straight SQL on indexed columns (fast at 50k cards)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from trainer.deckfile import Card
from trainer.scheduling import day_start
from trainer.storage import Store, parse_ts, ts
from trainer.sync import card_from_json

_LIVE = "c.retired_at IS NULL AND s.suspended = 0 AND (s.buried_until IS NULL OR s.buried_until <= :now)"
_DECK = " AND c.deck = :deck"


def due_cards(store: Store, now: datetime, deck: str | None, limit: int) -> list[str]:
    """Cards already seen whose due time has come, most overdue first."""
    sql = ("SELECT s.item FROM item_state s JOIN cards c ON c.id = s.item "
           "WHERE s.kind = 'card' AND s.state != 'new' AND s.due <= :now AND " + _LIVE
           + (_DECK if deck else "") + " ORDER BY s.due LIMIT :limit")
    return [r[0] for r in store.conn.execute(sql, {"now": ts(now), "deck": deck, "limit": limit})]


def learning_later(store: Store, now: datetime, until: datetime, deck: str | None) -> list[tuple[str, datetime]]:
    """Cards in (re)learning steps due later today: the session shows them when their time comes."""
    sql = ("SELECT s.item, s.due FROM item_state s JOIN cards c ON c.id = s.item "
           "WHERE s.kind = 'card' AND s.state IN ('learning', 'relearning') AND s.due > :now "
           "AND s.due < :until AND " + _LIVE + (_DECK if deck else "") + " ORDER BY s.due")
    rows = store.conn.execute(sql, {"now": ts(now), "until": ts(until), "deck": deck})
    return [(item, parse_ts(due)) for item, due in rows]


def new_cards(store: Store, now: datetime, deck: str | None, limit: int) -> list[str]:
    """Never-seen cards, in the order to learn them: the decks built from Markdown notes
    (`source: notes.md`, the learner's own material; the learner's own decks before the shipped
    one) lead, the other decks are interleaved (`session.interleave_new`); each deck in file order."""
    from trainer.session import interleave_new

    notes_decks = _notes_decks(store)
    if deck is not None or not notes_decks:   # one deck, or no notes: deck file order
        return _new_in(store, now, "c.deck = ?" if deck else "1", [deck] if deck else [], limit)
    notes: list[str] = []
    for name in notes_decks:
        if len(notes) < limit:
            notes += _new_in(store, now, "c.deck = ?", [name], limit - len(notes))
    marks = ", ".join("?" * len(notes_decks))
    return interleave_new(notes, _new_in(store, now, f"c.deck NOT IN ({marks})", notes_decks, limit))[:limit]


def _notes_decks(store: Store) -> list[str]:
    """Decks built from notes: the learner's own (outside the package) first, then by id."""
    import decks

    packaged = str(decks.cards_dir())
    rows = store.conn.execute("SELECT DISTINCT deck, path FROM deck_files WHERE lower(source) LIKE '%.md' "
                              "OR lower(source) LIKE '%.markdown'").fetchall()
    ranked = sorted((path.startswith(packaged), deck) for deck, path in rows)
    return list(dict.fromkeys(deck for _shipped, deck in ranked))


def _new_in(store: Store, now: datetime, where: str, params: list[str], limit: int) -> list[str]:
    # CROSS JOIN pins the loop order: walk the (few) new states, not every card in deck order
    sql = ("SELECT c.id FROM item_state s CROSS JOIN cards c ON s.kind = 'card' AND s.item = c.id "
           "WHERE s.state = 'new' AND " + _LIVE.replace(":now", "?") + " AND " + where
           + " ORDER BY c.deck, c.ord LIMIT ?")
    return [r[0] for r in store.conn.execute(sql, [ts(now), *params, limit])]


def count_new(store: Store, now: datetime, deck: str | None) -> int:
    sql = ("SELECT count(*) FROM cards c JOIN item_state s ON s.kind = 'card' AND s.item = c.id "
           "WHERE s.state = 'new' AND " + _LIVE + (_DECK if deck else ""))
    return store.conn.execute(sql, {"now": ts(now), "deck": deck}).fetchone()[0]


def done_today(store: Store, now: datetime, tz: tzinfo | None) -> tuple[int, int]:
    """(new cards introduced, reviews done) since today's 4 am, undone answers excluded.

    Later learning steps of a card introduced today are not reviews (Anki counts them apart)."""
    start = ts(day_start(now, tz))
    rows = store.conn.execute(
        "SELECT r.item, r.was_new FROM review_log r WHERE r.at >= ? AND +r.kind = 'card' "
        "AND r.action = 'rate' AND NOT EXISTS (SELECT 1 FROM review_log u WHERE u.undoes = r.id)",
        (start,)).fetchall()
    introduced = {item for item, was_new in rows if was_new}
    return len(introduced), sum(1 for item, was_new in rows if item not in introduced)


def next_due(store: Store, now: datetime, deck: str | None) -> datetime | None:
    sql = ("SELECT min(s.due) FROM item_state s JOIN cards c ON c.id = s.item "
           "WHERE s.kind = 'card' AND s.state != 'new' AND " + _LIVE.replace(":now", ":never")
           + (_DECK if deck else ""))
    row = store.conn.execute(sql, {"never": ts(now), "deck": deck}).fetchone()
    return parse_ts(row[0])


def load_cards(store: Store, ids: list[str]) -> dict[str, Card]:
    cards: dict[str, Card] = {}
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for card_id, data in store.conn.execute(
                f"SELECT id, data FROM cards WHERE id IN ({marks})", chunk):
            cards[card_id] = card_from_json(data)
    return cards


def topic_siblings(store: Store, card: Card, limit: int = 12) -> list[Card]:
    """Other live cards sharing the card's first topic (distractors for choice questions)."""
    if not card.topics:
        return []
    rows = store.conn.execute(
        "SELECT c.data FROM cards c, json_each(c.topics) t WHERE t.value = ? AND c.id != ? "
        "AND c.retired_at IS NULL ORDER BY c.deck, c.ord LIMIT ?",
        (card.topics[0], card.id, limit)).fetchall()
    return [card_from_json(r[0]) for r in rows]


def reviewed_today_keys(store: Store, now: datetime, tz: tzinfo | None) -> set[tuple[str, str]]:
    """Sibling keys (deck, section) of cards reviewed today: their new siblings wait a day."""
    rows = store.conn.execute(
        # `+r.kind` keeps the planner on the `at` index: today is a few rows of a long log
        "SELECT DISTINCT c.deck, c.section FROM review_log r CROSS JOIN cards c ON c.id = r.item "
        "WHERE +r.kind = 'card' AND r.action = 'rate' AND r.was_new = 0 AND r.at >= ?",
        (ts(day_start(now, tz)),)).fetchall()
    return {(d, s) for d, s in rows}


def sibling_keys(store: Store, ids: list[str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for card_id, deck, section in store.conn.execute(
                f"SELECT id, deck, section FROM cards WHERE id IN ({marks})", chunk):
            out[card_id] = (deck, section or "")
    return out


def deck_ids(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT deck FROM cards WHERE retired_at IS NULL ORDER BY deck")]
