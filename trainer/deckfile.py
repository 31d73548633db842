"""Deck files: the card model and reading a deck YAML file with file:line errors.

A deck file is plain YAML a person edits in git:

    id: istio-notes                 # stable deck id
    title: Istio from the notes
    source: notes/service-mesh-istio.md
    cards:
      - id: vs-defines-routing      # stable forever: review history is keyed on it
        type: basic                 # basic | choice | typed | cloze | yaml
        section: "11. VirtualService (Traffic Routing)"
        topics: [virtualservice]
        domain: traffic             # ICA domain: installation | traffic | security | troubleshooting
        front: What does a VirtualService define?
        back: How requests to a host are routed ...
        accept: [...]               # typed: accepted spellings
        choices: [...]              # choice: wrong options (distractors); sibling cards when absent
        option: LEAST_REQUEST       # choice, optional: the right option as shown next to the
                                    # distractors (same length and style); `back` then explains it
        text: "... {{c1::STRICT}} ..."   # cloze
        yaml: |                     # yaml: the snippet the question is about
          ...
        answer_line: 7              # yaml: the wrong line, for "what is wrong, which line"
        note: what the notes got wrong, when they did
        ref: https://istio.io/...   # where the fact comes from
        generated: 3f2a9c1b0e7d     # set by `deck build`: digest of the generated content; a card
                                    # whose content no longer matches it was edited by hand and
                                    # `deck build --update` leaves it alone (delete the field to
                                    # keep a card as yours for good)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from trainer.errors import TrainerError

CARD_TYPES = ("basic", "choice", "typed", "cloze", "yaml")
DOMAINS = ("installation", "traffic", "security", "troubleshooting")
CLOZE = re.compile(r"\{\{c(\d+)::(.+?)(?:::(.+?))?\}\}", re.S)


@dataclass(frozen=True)
class Card:
    id: str
    type: str
    deck: str
    front: str = ""
    back: str = ""
    text: str = ""
    accept: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    option: str = ""  # choice: the right option's text when `back` is a longer explanation
    yaml: str = ""
    answer_line: int | None = None
    section: str = ""
    topics: tuple[str, ...] = ()
    domain: str = ""
    note: str = ""
    ref: str = ""
    generated: str = ""  # digest of the content `deck build` wrote; "" for hand-written cards
    line: int = 0  # where the card starts in its deck file

    @property
    def prompt(self) -> str:
        """The question side as one string (cloze text with its deletions hidden)."""
        if self.type == "cloze":
            return CLOZE.sub(lambda m: f"[{m.group(3) or '...'}]", self.text)
        return self.front

    @property
    def answer(self) -> str:
        if self.type == "cloze" and not self.back:
            return CLOZE.sub(lambda m: m.group(2), self.text)
        return self.back

    @property
    def correct_option(self) -> str:
        """The right option of a choice card as listed among the distractors."""
        return self.option or self.answer

    def content_key(self) -> tuple:
        """What the learner sees: a change here is an edit (history is kept all the same)."""
        key = (self.type, self.front, self.back, self.text, self.accept, self.choices, self.yaml)
        # `option` joins the key only when set, so digests of cards without it stay as they were
        # (generated digests and sync's edit detection are stored hashes of this tuple).
        return key + (self.option,) if self.option else key


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    source: str = ""
    path: str = ""
    cards: tuple[Card, ...] = field(default_factory=tuple)
    # (card id, line, key) of card keys the loader does not know: `deck check` reports them.
    unknown_fields: tuple[tuple[str, int, str], ...] = ()


class DeckError(TrainerError):
    def __init__(self, path: str, line: int | None, message: str, hint: str | None = None):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}", hint=hint)
        self.path, self.line = path, line


_LIST_FIELDS = ("accept", "choices", "topics")
_STR_FIELDS = ("front", "back", "text", "option", "yaml", "section", "domain", "note", "ref", "generated")
CARD_FIELDS = ("id", "type", *_STR_FIELDS, *_LIST_FIELDS, "answer_line")   # what a card may say


def load_deck(path: str | Path) -> Deck:
    """Read one deck file. Structural problems raise DeckError with file:line."""
    import yaml  # lazy: not needed on the quiz's start-up path

    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DeckError(name, None, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8") from None
    try:  # one parse: the node tree gives line numbers, the same tree gives the data
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DeckError(name, line, f"YAML syntax error: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise DeckError(name, 1, "a deck file is a mapping with id, title and cards")
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise DeckError(name, 1, f"deck needs a non-empty '{key}'")
    raw_cards = data.get("cards") or []
    if not isinstance(raw_cards, list):
        raise DeckError(name, _line_of(node, "cards"), "'cards' must be a list")
    card_lines = _card_lines(node)
    cards, unknown = [], []
    for i, raw in enumerate(raw_cards):
        line = card_lines[i] if i < len(card_lines) else None
        if not isinstance(raw, dict):
            raise DeckError(name, line, f"cards[{i}] must be a mapping")
        card = _card(raw, data["id"], name, line or 0)
        cards.append(card)
        unknown += [(card.id, card.line, str(key)) for key in raw if key not in CARD_FIELDS]
    return Deck(id=data["id"], title=data["title"], source=str(data.get("source") or ""),
                path=name, cards=tuple(cards), unknown_fields=tuple(unknown))


def _card(raw: dict, deck_id: str, path: str, line: int) -> Card:
    card_id, ctype = raw.get("id"), raw.get("type", "basic")
    if not isinstance(card_id, str) or not card_id.strip():
        raise DeckError(path, line, "card needs a non-empty string 'id'")
    if ctype not in CARD_TYPES:
        raise DeckError(path, line, f"card {card_id}: unknown type {ctype!r}",
                        f"use one of {', '.join(CARD_TYPES)}")
    kwargs: dict = {}
    for key in _STR_FIELDS:
        if key in raw and raw[key] is not None:
            kwargs[key] = str(raw[key]).strip("\n") if key == "yaml" else str(raw[key]).strip()
    for key in _LIST_FIELDS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, (str, int, float)):
            value = [value]
        if not isinstance(value, list):
            raise DeckError(path, line, f"card {card_id}: '{key}' must be a list")
        kwargs[key] = tuple(str(v) for v in value)
    if raw.get("answer_line") is not None:
        if not isinstance(raw["answer_line"], int):
            raise DeckError(path, line, f"card {card_id}: 'answer_line' must be an integer")
        kwargs["answer_line"] = raw["answer_line"]
    return Card(id=card_id.strip(), type=ctype, deck=deck_id, line=line, **kwargs)


def _card_lines(node) -> list[int]:
    for key, value in getattr(node, "value", []) or []:
        if getattr(key, "value", None) == "cards" and hasattr(value, "value") and isinstance(value.value, list):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _line_of(node, name: str) -> int | None:
    for key, _value in getattr(node, "value", []) or []:
        if getattr(key, "value", None) == name:
            return key.start_mark.line + 1
    return None
