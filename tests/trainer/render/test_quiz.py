"""The quiz views rendered at 80 columns, as a learner on a small terminal sees them."""

from __future__ import annotations

import io
from datetime import timedelta

from trainer.deckfile import Card
from trainer.questions.base import KEY, Outcome, Prompt
from trainer.render.quiz import outcome_view, prompt_view
from trainer.render.theme import make_console
from trainer.session import Progress


def render(renderable, width=80) -> list[str]:
    screen = io.StringIO()
    make_console(file=screen, width=width).print(renderable)
    return [line.rstrip() for line in screen.getvalue().splitlines()]


def test_each_card_opens_under_a_rule_carrying_the_progress():
    card = Card(id="a", deck="istio-notes", type="basic", section="1. What is a Service Mesh?", front="Q?")
    lines = render(prompt_view(card, Prompt("What is a service mesh?"), Progress(2, 5, timedelta(seconds=9)),
                               "new"))
    assert lines[0] == ""                                   # a blank line between cards
    assert lines[1].startswith("done 2 · left 5 · 9s ──") and len(lines[1]) == 80
    assert lines[2:4] == ["istio-notes · 1. What is a Service Mesh? · new", "What is a service mesh?"]


def test_a_long_choice_wraps_under_its_own_text_not_under_the_key():
    card = Card(id="c", deck="d", type="choice", front="Q?")
    long = ("The gateway pods (Envoy workloads) carrying that label, in any namespace by default "
            "(unless istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true).")
    prompt = Prompt("What does the selector pick?", KEY, options=(long, "Only the same namespace"),
                    hint="press 1-2")
    lines = render(prompt_view(card, prompt, Progress(0, 1, timedelta()), "new"))
    first = next(i for i, line in enumerate(lines) if line.startswith("  1) "))
    assert lines[first].startswith("  1) The gateway pods")
    assert lines[first + 1].startswith("     ") and lines[first + 1].strip()   # hanging indent
    assert lines[first + 2].startswith("  2) Only the same namespace")
    assert max(map(len, lines)) <= 80


def test_a_multi_line_answer_is_a_block_under_its_label():
    lines = render(outcome_view(Outcome("- Traffic control\n- Security")))
    assert lines == ["answer:", "  - Traffic control", "  - Security"]
    assert render(outcome_view(Outcome("the first"))) == ["answer: the first"]
