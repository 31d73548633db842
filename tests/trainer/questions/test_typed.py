import random

from hypothesis import given, strategies as st

from trainer.deckfile import Card
from trainer.questions.base import LINE, ask
from trainer.questions.typed import normalise, propose
from trainer.scheduling import AGAIN, EASY, GOOD, HARD

CARD = Card(id="t", type="typed", deck="d", front="Port of the Envoy admin interface?",
            back="15000", accept=("port 15000",))
WORDS = Card(id="w", type="typed", deck="d", front="Resource that configures mTLS?",
             back="PeerAuthentication", accept=("peer authentication",))


def test_normalised_comparison_ignores_case_whitespace_and_punctuation():
    question = ask(WORDS, [], random.Random(1))
    assert question.prompt.response == LINE
    for response in ("peerauthentication", "  PeerAuthentication. ", "Peer-Authentication", "peer authentication"):
        assert question.check(response, 12).correct is True, response


def test_accepted_spellings():
    assert ask(CARD, [], random.Random(1)).check("Port 15000!", 12).correct is True


def test_near_miss_is_shown_as_a_diff_and_proposed_hard():
    outcome = ask(WORDS, [], random.Random(1)).check("PeerAuthentcation", 12)
    assert (outcome.correct, outcome.proposed) == (False, HARD)
    assert outcome.diff is not None
    assert "".join(t for t, kind in outcome.diff.segments if kind != "extra") == "PeerAuthentication"
    assert ("i", "missing") in outcome.diff.segments


def test_wrong_answer_is_again_without_diff():
    outcome = ask(WORDS, [], random.Random(1)).check("DestinationRule", 12)
    assert (outcome.correct, outcome.proposed, outcome.diff) == (False, AGAIN, None)


def test_proposed_rating_from_correctness_and_time():
    assert [propose(True, False, s) for s in (3, 12, 45)] == [EASY, GOOD, HARD]
    assert propose(False, True, 3) == HARD and propose(False, False, 3) == AGAIN


@given(st.text())
def test_normalise_is_idempotent_and_case_blind(text):
    once = normalise(text)
    assert normalise(once) == once
    assert normalise(text.upper()) == normalise(text.lower()) or not text.isascii()
