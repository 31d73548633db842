"""YAML card: a snippet and a question about it ("what does this do", "which line is wrong").

With `answer_line` the learner types a line number, checked against it (right = Good, wrong =
Again); without it the answer and explanation are revealed and self-rated. Where it can, the
engine checks the snippet too: what `kubectl apply` would refuse (schema and Istio's webhook)
is shown after the answer, and a line the engine rejects also counts as a right answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.deckfile import Card
from trainer.questions.base import LINE, REVEAL, Outcome, Prompt
from trainer.scheduling import AGAIN, GOOD


@dataclass(frozen=True)
class Finding:
    line: int | None
    text: str


def engine_findings(snippet: str) -> tuple[Finding, ...]:
    """What the engine's admission (kubectl apply: schema + webhook) says about the snippet alone.

    Cross-resource analysis is left out: a lone snippet references services it does not define.
    """
    try:
        from engine.config import load_config_text

        config = load_config_text(snippet, "snippet.yaml")
    except Exception:  # an extra, not the check itself: an engine failure must not cost the card
        return ()
    unique = dict.fromkeys((d.line, d.render()) for d in config.diagnostics)
    return tuple(Finding(line, text) for line, text in unique)


@dataclass(frozen=True)
class YamlQuestion:
    card: Card
    prompt: Prompt

    def check(self, response: str, seconds: float) -> Outcome:
        findings = engine_findings(self.card.yaml)
        notes = tuple(f"engine: {f.text}" for f in findings)
        line = self.card.answer_line
        if line is None:
            return Outcome(answer=self.card.answer, notes=notes)
        text = response.strip()
        rejected_lines = {f.line for f in findings if f.line}
        right = text.isdigit() and (int(text) == line or int(text) in rejected_lines)
        snippet_lines = self.card.yaml.splitlines()
        wrong_line = snippet_lines[line - 1].strip() if 0 < line <= len(snippet_lines) else ""
        return Outcome(answer=self.card.answer, correct=right, proposed=GOOD if right else AGAIN,
                       response=text, detail=f"line {line}: {wrong_line}", notes=notes)


def ask(card: Card, siblings: list[Card], rng: random.Random) -> YamlQuestion:
    if card.answer_line is not None:
        prompt = Prompt(card.prompt, response=LINE, snippet=card.yaml, hint="type the line number")
    else:
        prompt = Prompt(card.prompt, response=REVEAL, snippet=card.yaml)
    return YamlQuestion(card, prompt)
