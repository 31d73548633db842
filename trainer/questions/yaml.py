"""YAML card: a snippet and a question about it ("what does this do", "which line is wrong").

With `answer_line` the learner types a line number, checked against it (right = Good, wrong =
Again); without it the answer and explanation are revealed and self-rated."""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.deckfile import Card
from trainer.questions.base import LINE, REVEAL, Outcome, Prompt
from trainer.scheduling import AGAIN, GOOD


@dataclass(frozen=True)
class YamlQuestion:
    card: Card
    prompt: Prompt

    def check(self, response: str, seconds: float) -> Outcome:
        line = self.card.answer_line
        if line is None:
            return Outcome(answer=self.card.answer)
        text = response.strip()
        right = text.isdigit() and int(text) == line
        snippet_lines = self.card.yaml.splitlines()
        wrong_line = snippet_lines[line - 1].strip() if 0 < line <= len(snippet_lines) else ""
        return Outcome(answer=self.card.answer, correct=right, proposed=GOOD if right else AGAIN,
                       response=text, detail=f"line {line}: {wrong_line}")


def ask(card: Card, siblings: list[Card], rng: random.Random) -> YamlQuestion:
    if card.answer_line is not None:
        prompt = Prompt(card.prompt, response=LINE, snippet=card.yaml, hint="type the line number")
    else:
        prompt = Prompt(card.prompt, response=REVEAL, snippet=card.yaml)
    return YamlQuestion(card, prompt)
