"""deck check: each rule on a small deck, file:line in every problem, and the shipped decks pass."""

from pathlib import Path

import pytest

from trainer.deck_check import check_paths, shipped_deck_paths

HEAD = "id: mine\ntitle: Mine\ncards:\n"


def check(tmp_path, cards_yaml: str, name="mine.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(HEAD + cards_yaml, encoding="utf-8")
    return [str(p).replace(str(tmp_path) + "/", "") for p in check_paths([path])]


def test_a_good_deck_has_no_problems(tmp_path):
    assert check(tmp_path, "  - {id: a, front: Q, back: A}\n"
                           "  - {id: b, type: cloze, text: 'mode {{c1::STRICT}}'}\n"
                           "  - {id: c, type: typed, front: Q, accept: [x]}\n"
                           "  - {id: d, type: choice, front: Q, back: right, choices: [w1, w2], domain: security}\n") == []


def test_duplicate_ids_point_at_both_cards(tmp_path):
    assert check(tmp_path, "  - {id: a, front: Q, back: A}\n  - {id: a, front: R, back: B}\n") == [
        "mine.yaml:5: duplicate card id 'a' (first at mine.yaml:4); ids key the review history, make it unique"]


def test_ids_must_not_clash_with_shipped_decks(tmp_path):
    shipped = shipped_deck_paths()[0]
    from trainer.deckfile import load_deck
    taken = load_deck(shipped).cards[0]
    [problem] = check(tmp_path, f"  - {{id: {taken.id}, front: Q, back: A}}\n")
    assert problem.startswith(f"mine.yaml:4: duplicate card id {taken.id!r} (first at {shipped}:")


@pytest.mark.parametrize("card, message", [
    ("{id: a, front: Q}", "card a: basic card needs a non-empty 'back'"),
    ("{id: a, type: typed, front: Q}", "card a: typed card needs an answer: 'back' or 'accept'"),
    ("{id: a, type: cloze, text: no deletion}", "card a: cloze text has no deletion; write {{c1::answer}} or {{c1::answer::hint}}"),
    ("{id: a, type: cloze, text: '{{c1::ok}} {{c2:bad}}'}", "card a: malformed cloze deletion; the form is {{c1::answer}} or {{c1::answer::hint}}"),
    ("{id: a, type: cloze, text: 'set {attempts: {{c1::0}}}'}", "card a: malformed cloze deletion; the form is {{c1::answer}} or {{c1::answer::hint}}"),
    ("{id: a, type: choice, front: Q, back: B, choices: [B, C]}", "card a: the right answer ('back') is also listed as a wrong choice"),
    ("{id: a, type: choice, front: Q, back: B, choices: [C, c]}", "card a: duplicate entries in 'choices'"),
    ("{id: a, type: choice, front: Q, back: B because, option: B, choices: [b, C]}", "card a: the right option ('option') is also listed as a wrong choice"),
    ("{id: a, front: Q, back: A, option: A}", "card a: 'option' is only used by choice cards; this is a basic card"),
    ("{id: a, front: Q, back: A, domain: networking}", "card a: unknown domain 'networking'; use one of installation, traffic, security, troubleshooting"),
    ("{id: a, front: 'You‚Äôre', back: A}", "card a: front looks like mojibake ('You‚Äôre'); save the source as UTF-8 or rebuild it with `meshdrill deck build`"),
    ("{id: a, type: yaml, front: Q, yaml: 'a: 1'}", "card a: yaml card needs an answer: 'back' or 'answer_line'"),
    ("{id: a, type: yaml, front: Q, yaml: 'a: 1', answer_line: 3}", "card a: answer_line 3 is outside the snippet (1..1)"),
])
def test_card_rules(tmp_path, card, message):
    assert check(tmp_path, f"  - {card}\n") == [f"mine.yaml:4: {message}"]


SNIPPET = """  - id: pa
    type: yaml
    front: What does this do?
    back: Nothing good.
    yaml: |
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default}
      spec:
        mtls:
          mode: DISABLED
"""


def test_yaml_snippets_are_admitted_by_the_engine_with_the_deck_line(tmp_path):
    [problem] = check(tmp_path, SNIPPET)
    assert problem.startswith("mine.yaml:14: card pa: yaml snippet does not load: ")
    assert "DISABLED" in problem and "spec.mtls.mode" in problem


def test_what_is_wrong_cards_may_hold_rejected_config(tmp_path):
    assert check(tmp_path, SNIPPET + "    answer_line: 6\n") == []


def test_fragments_and_foreign_kinds_only_need_to_be_yaml(tmp_path):
    assert check(tmp_path, "  - id: f\n    type: yaml\n    front: Q\n    back: A\n    yaml: |\n"
                           "      route:\n      - destination: {host: r}\n"
                           "  - id: g\n    type: yaml\n    front: Q\n    back: A\n    yaml: |\n"
                           "      apiVersion: install.istio.io/v1alpha1\n      kind: IstioOperator\n") == []
    [problem] = check(tmp_path, "  - {id: h, type: yaml, front: Q, back: A, yaml: 'a: [1'}\n")
    assert problem.startswith("mine.yaml:4: card h: yaml snippet does not load: ")


def test_structural_errors_come_from_the_loader_with_their_line(tmp_path):
    assert check(tmp_path, "  - {id: a, type: flashcard, front: Q}\n") == [
        "mine.yaml:4: card a: unknown type 'flashcard' (use one of basic, choice, typed, cloze, yaml)"]


def test_every_shipped_deck_passes():
    paths = shipped_deck_paths()
    assert {p.name for p in paths} >= {"istio-notes.yaml"}
    assert [str(p) for p in check_paths(paths)] == []


def test_a_misspelt_field_is_named_with_a_suggestion(tmp_path):
    assert check(tmp_path, "  - {id: a, front: Q, bak: A, back: B}\n  - {id: b, type: yaml, front: Q, back: A, "
                           "snippet: 'a: 1'}\n") == [
        "mine.yaml:4: card a: unknown field 'bak' (did you mean 'back'?)",
        "mine.yaml:5: card b: unknown field 'snippet' (fields: id, type, front, back, text, option, yaml, section, "
        "domain, note, ref, generated, accept, choices, topics, answer_line)",
        "mine.yaml:5: card b: yaml card needs a non-empty 'yaml'"]
