import random

from trainer.deckfile import Card
from trainer.questions.base import REVEAL, ask


def test_basic_reveals_the_back_and_proposes_nothing():
    card = Card(id="a", type="basic", deck="d", front="What is a Sidecar?", back="An Envoy next to the app")
    question = ask(card, [], random.Random(1))
    assert question.prompt.question == "What is a Sidecar?" and question.prompt.response == REVEAL
    outcome = question.check("", 3.0)
    assert (outcome.answer, outcome.correct, outcome.proposed) == ("An Envoy next to the app", None, None)
