"""Typed answer: compared after normalising case, whitespace and punctuation, against the back
and the accepted spellings. A near miss is shown as a character diff. The proposed rating comes
from correctness and time; the learner can override it with 1-4."""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from dataclasses import dataclass

from trainer.deckfile import Card
from trainer.questions.base import LINE, Diff, Outcome, Prompt
from trainer.scheduling import AGAIN, EASY, GOOD, HARD

NEAR_MISS = 0.8  # difflib ratio from which a wrong answer counts as a typo
FAST_SECONDS = 8.0  # correct this fast: Easy
SLOW_SECONDS = 30.0  # correct but this slow: Hard
_PUNCT = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


def propose(correct: bool, near: bool, seconds: float) -> int:
    if not correct:
        return HARD if near else AGAIN
    if seconds <= FAST_SECONDS:
        return EASY
    return HARD if seconds > SLOW_SECONDS else GOOD


def char_diff(response: str, expected: str) -> Diff:
    matcher = difflib.SequenceMatcher(a=response, b=expected, autojunk=False)
    segments: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append((response[a1:a2], "same"))
            continue
        if a2 > a1:
            segments.append((response[a1:a2], "extra"))
        if b2 > b1:
            segments.append((expected[b1:b2], "missing"))
    return Diff(tuple(segments))


@dataclass(frozen=True)
class TypedQuestion:
    card: Card
    prompt: Prompt

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(a for a in (self.card.answer, *self.card.accept) if a.strip())

    def check(self, response: str, seconds: float) -> Outcome:
        given = normalise(response)
        if any(given == normalise(a) for a in self.accepted):
            return Outcome(answer=self.card.answer, correct=True,
                           proposed=propose(True, False, seconds), response=response)
        best = max(self.accepted, key=lambda a: difflib.SequenceMatcher(
            a=given, b=normalise(a), autojunk=False).ratio())
        ratio = difflib.SequenceMatcher(a=given, b=normalise(best), autojunk=False).ratio()
        near = bool(given) and ratio >= NEAR_MISS
        return Outcome(answer=self.card.answer, correct=False,
                       proposed=propose(False, near, seconds), response=response,
                       diff=char_diff(response.strip(), best) if near else None,
                       detail="almost: check the spelling" if near else "")


def ask(card: Card, siblings: list[Card], rng: random.Random) -> TypedQuestion:
    return TypedQuestion(card, Prompt(card.prompt, response=LINE, hint="type your answer"))
