"""Writing deck files: a new deck from built cards, and `--update` of an existing one.

A deck file is edited by hand in git, so an update must not reformat it. The merge works on
the file's text: each card occupies the lines from its `- id:` item to the next card's, and
only the spans of cards the builder still owns are rewritten; everything else (hand-edited
cards, hand-written cards, comments between them) stays byte for byte. A card is the
builder's while its content (what the learner is asked and answers) still matches the digest
in its `generated` field; a domain, note or ref added by hand survives the refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from trainer.deck_builder import digest
from trainer.deckfile import Card, load_deck

# Field order in the file: what a person scans first comes first.
_ORDER = ("id", "type", "section", "topics", "domain", "front", "back", "text", "accept",
          "choices", "option", "yaml", "answer_line", "note", "ref", "generated")


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by hand: left alone
    stale: list[str] = field(default_factory=list)  # generated earlier, no longer in the notes

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.kept)} kept as edited by hand, {len(self.stale)} no longer in the notes (kept)")


def card_to_dict(card: Card) -> dict:
    out = {}
    for name in _ORDER:
        value = getattr(card, name)
        if value in ("", (), None):
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


def dump_cards(cards: list[Card] | tuple[Card, ...]) -> str:
    """The `cards:` list items, indented as in a deck file."""
    import yaml

    chunks = []
    for card in cards:
        text = yaml.dump(card_to_dict(card), Dumper=_dumper(), sort_keys=False, allow_unicode=True,
                         width=110, default_flow_style=False)
        lines = text.splitlines(True)
        chunks.append("  - " + lines[0] + "".join(f"    {ln}" if ln.strip() else ln for ln in lines[1:]))
    return "".join(chunks)


def dump_deck(deck_id: str, title: str, source: str, cards: list[Card]) -> str:
    import yaml

    head = yaml.dump({"id": deck_id, "title": title, "source": source}, Dumper=_dumper(),
                     sort_keys=False, allow_unicode=True, width=100)
    return head + "cards:\n" + dump_cards(cards)


def merge(path: str | Path, built: list[Card]) -> tuple[str, MergeReport]:
    """The text of deck `path` with `built` cards merged in, and what happened to each."""
    deck = load_deck(path)
    lines = Path(path).read_text(encoding="utf-8").splitlines(True)
    old = {c.id: c for c in deck.cards}
    starts = [c.line - 1 for c in deck.cards]
    spans = {c.id: (s, starts[i + 1] if i + 1 < len(starts) else len(lines))
             for i, (c, s) in enumerate(zip(deck.cards, starts))}
    report = MergeReport()
    replacement: dict[str, str] = {}
    appended: list[Card] = []
    for card in built:
        card = _as_in_deck(card, deck.id)
        before = old.get(card.id)
        if before is None:
            appended.append(card)
            report.added.append(card.id)
        elif not before.generated or digest(before) != before.generated:
            report.kept.append(card.id)
        elif before.content_key() == card.content_key() and before.generated == card.generated:
            report.unchanged.append(card.id)
        else:
            replacement[card.id] = dump_cards([_keep_metadata(card, before)])
            report.updated.append(card.id)
    built_ids = {c.id for c in built}
    report.stale = [c.id for c in deck.cards if c.generated and c.id not in built_ids]
    out: list[str] = []
    cursor = 0
    for card in deck.cards:
        start, end = spans[card.id]
        if card.id in replacement:
            out += lines[cursor:start]
            out.append(replacement[card.id] + _trailing_keep(lines[start:end]))
            cursor = end
    out += lines[cursor:]
    text = "".join(out)
    if appended:
        if not deck.cards and "cards:" not in text:
            text += "cards:\n"
        text = text.rstrip("\n") + "\n" + dump_cards(appended)
    return text, report


def _keep_metadata(card: Card, before: Card) -> Card:
    """What a person added around generated content (domain, topics, note, ref) survives a refresh."""
    return replace(card, domain=before.domain or card.domain, topics=before.topics or card.topics,
                   note=before.note or card.note, ref=before.ref or card.ref)


def _as_in_deck(card: Card, deck_id: str) -> Card:
    return replace(card, deck=deck_id)


def _trailing_keep(span: list[str]) -> str:
    """Blank and comment lines after a replaced card belong to what follows: keep them."""
    kept = []
    for line in reversed(span[1:]):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(reversed(kept))


def _literal(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow_list(dumper, value: list):
    """topics: [a, b] on one line; lists of long strings stay one item per line."""
    flow = all(isinstance(v, str) and len(v) < 40 and "\n" not in v for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


@cache
def _dumper():
    """A SafeDumper that writes multi-line strings as `|` blocks (built on first use: lazy yaml)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _literal)
    Dumper.add_representer(list, _flow_list)
    return Dumper
