import random

from trainer.deckfile import Card
from trainer.questions.base import LINE, REVEAL, ask
from trainer.scheduling import AGAIN, GOOD

SNIPPET = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec:\n  mtls:\n    mode: STRICTER"


def test_which_line_is_wrong_is_checked_against_answer_line():
    card = Card(id="y", type="yaml", deck="d", front="Which line is wrong?", yaml=SNIPPET,
                back="mode must be STRICT, PERMISSIVE, DISABLE or UNSET", answer_line=5)
    question = ask(card, [], random.Random(1))
    assert question.prompt.response == LINE and question.prompt.snippet == SNIPPET
    right = question.check(" 5 ", 9)
    assert (right.correct, right.proposed, right.detail) == (True, GOOD, "line 5: mode: STRICTER")
    wrong = question.check("4", 9)
    assert (wrong.correct, wrong.proposed) == (False, AGAIN)
    assert question.check("five", 9).correct is False


def test_what_does_this_do_is_revealed_and_self_rated():
    card = Card(id="y2", type="yaml", deck="d", front="What does this do?", yaml=SNIPPET, back="Rejects plaintext")
    question = ask(card, [], random.Random(1))
    assert question.prompt.response == REVEAL
    assert question.check("", 5).answer == "Rejects plaintext"


PA = ("apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n"
      "  namespace: foo\nspec:\n  selector:\n    matchLabels: {app: x}\n  mtls:\n    mode: STRICTER")


def test_engine_rejection_is_shown_and_its_line_also_counts():
    """The engine's schema layer refuses mode STRICTER at line 10 (kubectl apply would too)."""
    card = Card(id="y3", type="yaml", deck="d", front="Which line is wrong?", yaml=PA,
                back="mode: STRICT", answer_line=9)  # the card author points at `mtls:`
    outcome = ask(card, [], random.Random(1)).check("10", 5)
    assert outcome.correct is True
    assert any(n.startswith("engine: Error [") and "STRICTER" in n for n in outcome.notes)


def test_a_valid_snippet_gets_no_engine_notes():
    card = Card(id="y4", type="yaml", deck="d", front="What does this do?",
                yaml=PA.replace("STRICTER", "STRICT"), back="mTLS only for app x")
    assert ask(card, [], random.Random(1)).check("", 5).notes == ()
