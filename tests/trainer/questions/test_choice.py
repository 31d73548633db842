import random

from trainer.deckfile import Card
from trainer.questions.base import KEY, ask
from trainer.scheduling import AGAIN, GOOD


def card(**kw):
    base = dict(id="q", type="choice", deck="d", front="Default mTLS mode?", back="PERMISSIVE",
                topics=("mtls",))
    return Card(**{**base, **kw})


def test_choice_uses_the_cards_own_distractors_and_grades_the_number():
    question = ask(card(choices=("STRICT", "DISABLE")), [], random.Random(7))
    options = question.prompt.options
    assert sorted(options) == ["DISABLE", "PERMISSIVE", "STRICT"]
    assert question.prompt.response == KEY
    right = "123"[options.index("PERMISSIVE")]
    wrong = "123"[options.index("STRICT")]
    assert question.check(right, 3).correct is True and question.check(right, 3).proposed == GOOD
    miss = question.check(wrong, 3)
    assert (miss.correct, miss.proposed) == (False, AGAIN)
    assert miss.detail == f"you chose {wrong}) STRICT"
    assert miss.answer == f"{right}) PERMISSIVE"


def test_distractors_come_from_siblings_when_the_card_has_none_and_are_seeded():
    siblings = [Card(id=f"s{i}", type="basic", deck="d", front="?", back=f"answer {i}", topics=("mtls",))
                for i in range(6)] + [Card(id="same", type="basic", deck="d", front="?", back="PERMISSIVE")]
    first = ask(card(), siblings, random.Random(3)).prompt.options
    again = ask(card(), siblings, random.Random(3)).prompt.options
    assert first == again and len(first) == 4 and first.count("PERMISSIVE") == 1
    assert set(first) - {"PERMISSIVE"} <= {f"answer {i}" for i in range(6)}


def test_a_short_option_is_listed_instead_of_the_long_explanation():
    """`back` may explain at length; the options then show `option`, so length gives nothing away."""
    long = card(option="PERMISSIVE", back="PERMISSIVE: the default when no PeerAuthentication applies",
                choices=("STRICT", "DISABLE"))
    question = ask(long, [], random.Random(7))
    assert sorted(question.prompt.options) == ["DISABLE", "PERMISSIVE", "STRICT"]
    right = "123"[question.prompt.options.index("PERMISSIVE")]
    outcome = question.check(right, 3)
    assert outcome.correct is True
    assert outcome.answer == f"{right}) PERMISSIVE\nPERMISSIVE: the default when no PeerAuthentication applies"
