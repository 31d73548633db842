"""Deck sync: copy deck files into SQLite so the quiz never parses YAML to show a card.

Sources: the packaged decks (`decks.cards_dir()`) and the user's decks (`$HOME/decks/*.yaml`).
A file whose mtime and size are unchanged is not even read; a touched file with the same
sha256 is not parsed. For a parsed deck: new cards are added (state New), edited cards keep
their id and so their whole history, cards gone from the file are retired (hidden, history
kept) and come back if the id reappears. A file that does not load is reported and skipped:
the quiz goes on with the cards it had last time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from trainer.deckfile import Card, DeckError, load_deck
from trainer.storage import Store, ts


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    parsed_files: int = 0
    problems: list[str] = field(default_factory=list)  # broken files: their last good cards stay

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.retired)


def deck_paths(home: Path) -> list[Path]:
    """Every deck file: packaged decks first, then the user's, each sorted by name."""
    import decks

    packaged = decks.cards_dir()
    paths = sorted(Path(str(p)) for p in packaged.iterdir() if p.name.endswith(".yaml")) \
        if packaged.is_dir() else []
    user = home / "decks"
    if user.is_dir():
        paths += sorted(user.glob("*.yaml"))
    return paths


def card_to_json(card: Card) -> str:
    return json.dumps(asdict(card), sort_keys=True)


def card_from_json(text: str) -> Card:
    data = json.loads(text)
    for key in ("accept", "choices", "topics"):
        data[key] = tuple(data[key])
    return Card(**data)


def sync(store: Store, paths: list[Path], now: datetime) -> SyncReport:
    """Bring the cards table in line with `paths`. Cheap when nothing changed (stat calls only)."""
    report = SyncReport()
    known = {row[0]: row[1:] for row in store.conn.execute(
        "SELECT path, deck, mtime_ns, size, sha256, source FROM deck_files")}
    seen: set[str] = set()
    for path in paths:
        key = str(path)
        seen.add(key)
        stat = path.stat()
        previous = known.get(key)
        if previous and previous[1:3] == (stat.st_mtime_ns, stat.st_size):
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if previous and previous[3] == sha:
            _remember_file(store, key, previous[0], stat, sha, previous[4])
            continue
        try:
            deck = load_deck(path)
            report.parsed_files += 1
            owners = {deck.id, previous[0]} if previous else {deck.id}  # a renamed deck id
            _sync_deck(store, key, deck.id, deck.cards, now, report, owners)
        except DeckError as exc:  # not remembered: retried on the next start
            report.problems.append(str(exc))
            continue
        _remember_file(store, key, deck.id, stat, sha, deck.source)
    for key, (deck_id, *_rest) in known.items():
        if key not in seen:  # the file is gone: retire its cards, keep their history
            _sync_deck(store, key, deck_id, (), now, report)
            with store.write() as conn:
                conn.execute("DELETE FROM deck_files WHERE path = ?", (key,))
    return report


def _remember_file(store: Store, key: str, deck_id: str, stat, sha: str, source: str | None) -> None:
    with store.write() as conn:
        conn.execute("INSERT OR REPLACE INTO deck_files (path, deck, mtime_ns, size, sha256, source) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (key, deck_id, stat.st_mtime_ns, stat.st_size, sha, source))


def _sync_deck(store: Store, path: str, deck_id: str, cards: tuple[Card, ...], now: datetime,
               report: SyncReport, owners: set[str] | None = None) -> None:
    """Upsert the file's cards; retire cards of `owners` (default: this deck) not in it."""
    owners = owners or {deck_id}
    moment = ts(now)
    rows = {row[0]: row[1:] for row in store.conn.execute(
        "SELECT id, deck, content_sha, retired_at FROM cards")}
    in_file: set[str] = set()
    with store.write() as conn:
        for ord_, card in enumerate(cards):
            if card.id in in_file:
                raise DeckError(path, card.line, f"card id {card.id!r} appears twice",
                                "card ids must be unique")
            in_file.add(card.id)
            existing = rows.get(card.id)
            if existing and existing[0] not in owners and existing[2] is None:
                raise DeckError(path, card.line, f"card id {card.id!r} is already used by deck "
                                f"{existing[0]!r}", "card ids must be unique across decks")
            sha = hashlib.sha256(repr(card.content_key()).encode()).hexdigest()
            values = (card.deck, ord_, card.type, card.section, json.dumps(card.topics),
                      card.domain, card_to_json(card), sha)
            if existing is None:
                conn.execute("INSERT INTO cards (deck, ord, type, section, topics, domain, data, "
                             "content_sha, added_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             values + (moment, card.id))
                conn.execute("INSERT OR IGNORE INTO item_state (kind, item, state, reps, lapses, "
                             "suspended, leech) VALUES ('card', ?, 'new', 0, 0, 0, 0)", (card.id,))
                report.added.append(card.id)
                continue
            edited = existing[1] != sha
            conn.execute("UPDATE cards SET deck = ?, ord = ?, type = ?, section = ?, topics = ?, "
                         "domain = ?, data = ?, content_sha = ?, retired_at = NULL, "
                         "edited_at = CASE WHEN content_sha != ? THEN ? ELSE edited_at END "
                         "WHERE id = ?", values + (sha, moment, card.id))
            if edited:
                report.edited.append(card.id)
        for card_id, (owner, _sha, retired_at) in rows.items():
            if owner in owners and card_id not in in_file and retired_at is None:
                conn.execute("UPDATE cards SET retired_at = ? WHERE id = ?", (moment, card_id))
                report.retired.append(card_id)
