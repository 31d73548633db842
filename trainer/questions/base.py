"""What every question type returns: a `Prompt` to show and an `Outcome` after the response.

Question modules are pure (no terminal, no rich): `ask(card, siblings, rng) -> Question`.
The session and the renderer never look at the card type, only at these values.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass
from typing import Protocol

from trainer.deckfile import Card

# card type -> module; one explicit registry, no discovery
QUESTION_MODULES = {
    "basic": "trainer.questions.basic",
    "choice": "trainer.questions.choice",
    "cloze": "trainer.questions.cloze",
    "typed": "trainer.questions.typed",
    "yaml": "trainer.questions.yaml",
}

REVEAL, KEY, LINE = "reveal", "key", "line"  # how the learner responds to a prompt


@dataclass(frozen=True)
class Prompt:
    question: str
    response: str = REVEAL
    snippet: str = ""  # YAML shown with line numbers
    options: tuple[str, ...] = ()  # choice options, keyed 1, 2, 3...
    hint: str = ""  # what to type, e.g. "type the line number"


@dataclass(frozen=True)
class Diff:
    """A near miss: the response against the expected answer, as (text, kind) segments."""

    segments: tuple[tuple[str, str], ...]  # kind: "same" | "missing" | "extra"


@dataclass(frozen=True)
class Outcome:
    answer: str  # the expected answer, always shown
    correct: bool | None = None  # None: self-rated
    proposed: int | None = None  # a rating to accept with enter
    response: str = ""
    diff: Diff | None = None
    detail: str = ""  # a line on why (e.g. the chosen option, the right line)
    notes: tuple[str, ...] = ()  # extra checks, e.g. what the engine says about a snippet


class Question(Protocol):
    card: Card
    prompt: Prompt

    def check(self, response: str, seconds: float) -> Outcome: ...


def ask(card: Card, siblings: list[Card], rng: random.Random) -> Question:
    module = importlib.import_module(QUESTION_MODULES[card.type])
    return module.ask(card, siblings, rng)


def option_key(index: int) -> str:
    """Options are numbered 1-9: letters would clash with the command keys (b bury, e explain)."""
    return str(index + 1)
