"""Cloze card: the text with its deletions hidden; reveal shows them filled in, then rate 1-4."""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.deckfile import CLOZE, Card
from trainer.questions.base import Outcome, Prompt


@dataclass(frozen=True)
class ClozeQuestion:
    card: Card
    prompt: Prompt

    def check(self, response: str, seconds: float) -> Outcome:
        hidden = ", ".join(m.group(2) for m in CLOZE.finditer(self.card.text))
        return Outcome(answer=self.card.answer, detail=f"hidden: {hidden}" if hidden else "")


def ask(card: Card, siblings: list[Card], rng: random.Random) -> ClozeQuestion:
    return ClozeQuestion(card, Prompt(card.prompt))
