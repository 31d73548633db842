"""`deck check`: everything a deck must satisfy before a learner sees it, as file:line problems.

Structure (YAML syntax, required fields, known types) is `load_deck`'s job and stops at the
first problem of a file; the checks here run on every card and report all problems:
unique ids (card ids are the review history's key, so across all decks checked *and* the
shipped ones), answers present for each type, cloze syntax, sane choices, valid domains,
no mojibake, and every yaml snippet loads in the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from trainer.deckfile import CLOZE, DOMAINS, Card, Deck, DeckError, load_deck
from trainer.mojibake import repair


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def shipped_deck_paths() -> list[Path]:
    import decks

    folder = decks.cards_dir()
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")) if folder.is_dir() else []


def check_paths(paths: list[Path]) -> list[Problem]:
    """Problems in the deck files `paths`; ids are also compared with the shipped decks."""
    problems: list[Problem] = []
    decks: list[Deck] = []
    for path in paths:
        try:
            decks.append(load_deck(path))
        except DeckError as exc:
            problems.append(Problem(exc.path, exc.line or 0, str(exc).split(": ", 1)[-1]))
    checked = {str(Path(d.path).resolve()) for d in decks}
    others = []
    for path in shipped_deck_paths():
        if str(path.resolve()) not in checked:
            try:
                others.append(load_deck(path))
            except DeckError:
                pass  # a broken shipped deck is reported when it is itself checked
    problems += _duplicate_ids(decks, others)
    for deck in decks:
        problems += _unknown_fields(deck)
        text_lines = Path(deck.path).read_text(encoding="utf-8").splitlines()
        for card in deck.cards:
            problems += [Problem(deck.path, line or card.line, f"card {card.id}: {msg}")
                         for line, msg in check_card(card, text_lines)]
    return sorted(problems, key=lambda p: (p.path, p.line))


def _unknown_fields(deck: Deck) -> list[Problem]:
    """A misspelt field (`snippet:` for `yaml:`) is silently ignored by the loader; say so here."""
    import difflib

    from trainer.deckfile import CARD_FIELDS

    problems = []
    for card_id, line, key in sorted(deck.unknown_fields, key=lambda u: (u[1], u[2])):
        close = difflib.get_close_matches(key, CARD_FIELDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"fields: {', '.join(CARD_FIELDS)}"
        problems.append(Problem(deck.path, line, f"card {card_id}: unknown field {key!r} ({hint})"))
    return problems


def _duplicate_ids(decks: list[Deck], others: list[Deck]) -> list[Problem]:
    problems = []
    seen: dict[str, Card] = {c.id: c for d in others for c in d.cards}
    deck_ids: dict[str, str] = {d.id: d.path for d in others}
    for deck in decks:
        if deck.id in deck_ids:
            problems.append(Problem(deck.path, 1, f"deck id {deck.id!r} is also used by {deck_ids[deck.id]}"))
        deck_ids[deck.id] = deck.path
        for card in deck.cards:
            first = seen.get(card.id)
            if first is not None:
                where = f"{_deck_path(first, decks, others)}:{first.line}"
                problems.append(Problem(deck.path, card.line, f"duplicate card id {card.id!r} (first at {where}); "
                                        "ids key the review history, make it unique"))
            else:
                seen[card.id] = card
    return problems


def _deck_path(card: Card, decks: list[Deck], others: list[Deck]) -> str:
    for deck in decks + others:
        if card.deck == deck.id and card in deck.cards:
            return deck.path
    return card.deck


def check_card(card: Card, deck_lines: list[str] | None = None) -> list[tuple[int, str]]:
    """(line or 0 for the card's own line, message) for each problem of one card."""
    out: list[tuple[int, str]] = []
    if re.search(r"\s", card.id):
        out.append((0, "id has whitespace; use-dashes-and.dots"))
    if card.domain and card.domain not in DOMAINS:
        out.append((0, f"unknown domain {card.domain!r}; use one of {', '.join(DOMAINS)}"))
    if card.ref and not card.ref.startswith(("https://", "http://")):
        out.append((0, f"ref {card.ref!r} is not a URL"))
    for name in ("front", "back", "text", "note"):
        value = getattr(card, name)
        if value and repair(value) != value:
            out.append((0, f"{name} looks like mojibake ({value[:40]!r}); save the source as UTF-8 "
                           "or rebuild it with `meshdrill deck build`"))
    out += _TYPE_CHECKS[card.type](card) + _option(card)
    if card.type == "yaml" and card.yaml:
        out += _snippet_problems(card, deck_lines or [])
    return out


def _option(card: Card) -> list[tuple[int, str]]:
    """`option` is the right answer's short form: it only means something on a choice card."""
    if card.option and card.type != "choice":
        return [(0, f"'option' is only used by choice cards; this is a {card.type} card")]
    return []


def _basic(card: Card) -> list[tuple[int, str]]:
    return _need(card, "front", "back")


def _typed(card: Card) -> list[tuple[int, str]]:
    out = _need(card, "front")
    if not card.back and not card.accept:
        out.append((0, "typed card needs an answer: 'back' or 'accept'"))
    if any(not a.strip() for a in card.accept):
        out.append((0, "empty entry in 'accept'"))
    return out


def _choice(card: Card) -> list[tuple[int, str]]:
    out = _need(card, "front", "back")
    wrong = [c.strip().lower() for c in card.choices]
    if any(not c for c in wrong):
        out.append((0, "empty entry in 'choices'"))
    if len(set(wrong)) != len(wrong):
        out.append((0, "duplicate entries in 'choices'"))
    if card.back.strip().lower() in wrong:
        out.append((0, "the right answer ('back') is also listed as a wrong choice"))
    if card.option.strip().lower() in wrong:
        out.append((0, "the right option ('option') is also listed as a wrong choice"))
    if len(card.choices) > 7:
        out.append((0, f"{len(card.choices)} wrong choices; keep it to 7 or fewer"))
    return out


def _cloze(card: Card) -> list[tuple[int, str]]:
    out = _need(card, "text")
    matches = list(CLOZE.finditer(card.text))
    if card.text and not matches:
        out.append((0, "cloze text has no deletion; write {{c1::answer}} or {{c1::answer::hint}}"))
    stripped = CLOZE.sub("", card.text)
    if "{{" in stripped or "}}" in stripped or "{{{" in card.text or "}}}" in card.text:
        out.append((0, "malformed cloze deletion; the form is {{c1::answer}} or {{c1::answer::hint}}"))
    if any(not m.group(2).strip() for m in matches):
        out.append((0, "empty cloze deletion"))
    numbers = sorted({int(m.group(1)) for m in matches})
    if numbers and numbers[0] < 1:
        out.append((0, "cloze numbers start at c1"))
    return out


def _yaml(card: Card) -> list[tuple[int, str]]:
    out = _need(card, "front", "yaml")
    if not card.back and card.answer_line is None:
        out.append((0, "yaml card needs an answer: 'back' or 'answer_line'"))
    if card.answer_line is not None and not 1 <= card.answer_line <= len(card.yaml.splitlines()):
        out.append((0, f"answer_line {card.answer_line} is outside the snippet "
                       f"(1..{len(card.yaml.splitlines())})"))
    return out


_TYPE_CHECKS = {"basic": _basic, "typed": _typed, "choice": _choice, "cloze": _cloze, "yaml": _yaml}


def _need(card: Card, *names: str) -> list[tuple[int, str]]:
    return [(0, f"{card.type} card needs a non-empty '{name}'") for name in names if not getattr(card, name).strip()]


def _snippet_problems(card: Card, deck_lines: list[str]) -> list[tuple[int, str]]:
    """The snippet must load in the engine; whole resources of the API groups the engine
    serves must also be admitted, unless the card is about what is wrong with them
    (`answer_line`). Fragments (a `route:` block, pod `labels:`) and kinds outside the engine
    (IstioOperator, Gateway API) only need to be valid YAML. The one place that talks to the engine."""
    from engine.config import load_config_text
    from engine.loading import load_text
    from engine.resources.kinds import KINDS, split_api_version

    loaded = load_text(card.yaml, f"card {card.id}")
    problems = list(loaded.diagnostics)
    served = {info.group for info in KINDS}
    whole = [d for d in loaded.documents if isinstance(d.data, dict) and "kind" in d.data
             and split_api_version(str(d.data.get("apiVersion", "")))[0] in served]
    if not problems and whole and card.answer_line is None:
        problems = load_config_text(card.yaml, f"card {card.id}").rejected
    first = _snippet_first_line(card, deck_lines)
    return [((first + d.line - 1) if first and d.line else 0,
             f"yaml snippet does not load: {d.message}" + (f" [{d.path}]" if d.path else ""))
            for d in problems]


def _snippet_first_line(card: Card, deck_lines: list[str]) -> int:
    """Deck-file line of the snippet's first line (a `yaml: |` block after the card's start)."""
    for i in range(max(card.line - 1, 0), len(deck_lines)):
        if re.match(r"^\s*(-\s+)?yaml:\s*[|>]", deck_lines[i]):
            return i + 2
        if i > card.line - 1 and re.match(r"^\s*-\s+id:", deck_lines[i]):
            break
    return 0
