"""Basic card: show the front, reveal the back, the learner rates 1-4."""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.deckfile import Card
from trainer.questions.base import Outcome, Prompt


@dataclass(frozen=True)
class BasicQuestion:
    card: Card
    prompt: Prompt

    def check(self, response: str, seconds: float) -> Outcome:
        return Outcome(answer=self.card.answer)


def ask(card: Card, siblings: list[Card], rng: random.Random) -> BasicQuestion:
    return BasicQuestion(card, Prompt(card.prompt))
