"""Multiple choice: auto-graded. Distractors come from the card, else from sibling cards that
share its first topic (their answers), drawn with the session's seeded generator. The right
option is the card's short `option` when it has one (so a long explanation in `back` does not
give the answer away), else its answer; after the response the learner sees both."""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.deckfile import Card
from trainer.questions.base import KEY, Outcome, Prompt, option_key
from trainer.scheduling import AGAIN, GOOD

MAX_DISTRACTORS = 3  # four options, as in the ICA exam


@dataclass(frozen=True)
class ChoiceQuestion:
    card: Card
    prompt: Prompt
    correct_index: int

    def check(self, response: str, seconds: float) -> Outcome:
        chosen = response.strip().lower()
        options = self.prompt.options
        picked = next((i for i in range(len(options)) if option_key(i) == chosen), None)
        right = picked == self.correct_index
        detail = (f"you chose {chosen}) {options[picked]}" if picked is not None
                  else "no option chosen")
        answer = f"{option_key(self.correct_index)}) {options[self.correct_index]}"
        if self.card.option and self.card.answer != self.card.option:
            answer += f"\n{self.card.answer}"
        return Outcome(answer=answer, correct=right,
                       proposed=GOOD if right else AGAIN, response=chosen, detail=detail)


def distractors(card: Card, siblings: list[Card], rng: random.Random) -> list[str]:
    pool = list(card.choices) or [s.answer for s in siblings if s.answer]
    unique = [d for d in dict.fromkeys(pool) if d.strip() and d not in (card.answer, card.correct_option)]
    return rng.sample(unique, min(MAX_DISTRACTORS, len(unique)))


def ask(card: Card, siblings: list[Card], rng: random.Random) -> ChoiceQuestion:
    options = distractors(card, siblings, rng) + [card.correct_option]
    rng.shuffle(options)
    index = options.index(card.correct_option)
    keys = f"1-{len(options)}"
    return ChoiceQuestion(card, Prompt(card.prompt, response=KEY, options=tuple(options),
                                       hint=f"press {keys}"), index)
