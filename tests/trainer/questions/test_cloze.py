import random

from trainer.deckfile import Card
from trainer.questions.base import ask


def test_cloze_hides_then_fills_the_deletions():
    card = Card(id="c", type="cloze", deck="d",
                text="PeerAuthentication {{c1::STRICT}} accepts only {{c2::mTLS::protocol}}")
    question = ask(card, [], random.Random(1))
    assert question.prompt.question == "PeerAuthentication [...] accepts only [protocol]"
    outcome = question.check("", 2.0)
    assert outcome.answer == "PeerAuthentication STRICT accepts only mTLS"
    assert outcome.detail == "hidden: STRICT, mTLS"
