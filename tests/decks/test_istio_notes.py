"""The shipped istio-notes deck against the notes it comes from: coverage and the corrections.

Reads the copy of the notes shipped as a test fixture (warts included), so it runs on a
fresh clone without ../shared.
"""

import re
from pathlib import Path

import pytest
import yaml

from trainer.deckfile import load_deck
from trainer.notes_parse import parse_notes
from trainer.questions.typed import normalise

ROOT = Path(__file__).resolve().parents[2]
DECK = load_deck(ROOT / "decks" / "cards" / "istio-notes.yaml")
SECTIONS = parse_notes((ROOT / "tests" / "trainer" / "fixtures" / "service-mesh-istio.md").read_text(encoding="utf-8"))


def cards_of(chapter: str):
    return [c for c in DECK.cards if c.section == chapter]


def everything(card) -> str:
    return " ".join((card.front, card.back, card.text, card.yaml, card.note))


def test_every_numbered_section_is_covered_under_its_exact_heading():
    chapters = [s.title for s in SECTIONS if s.level == 2]
    assert len(chapters) == 22
    assert {c.section for c in DECK.cards} == set(chapters)


def test_every_yaml_block_has_a_yaml_card_with_that_snippet():
    blocks = [b.code for s in SECTIONS for b in s.blocks if b.kind == "code" and b.lang == "yaml"]
    snippets = [c.yaml for c in DECK.cards if c.type == "yaml"]
    assert len(blocks) == 9
    for block in blocks:
        assert block.strip("\n") in snippets, block


def test_every_yaml_card_of_a_notes_block_sits_in_that_blocks_section():
    for s in SECTIONS:
        for block in (b for b in s.blocks if b.kind == "code" and b.lang == "yaml"):
            assert any(c.yaml == block.code.strip("\n") for c in cards_of(s.chapter)), (s.chapter, block.line)


def test_every_table_row_has_its_own_card_in_its_section():
    """Row 'VirtualService | Traffic routing rules' under 'CRD | Purpose' -> '... CRD VirtualService — Purpose?'."""
    rows = [(s.chapter, b.rows[0], row) for s in SECTIONS for b in s.blocks if b.kind == "table" for row in b.rows[1:]]
    assert len(rows) == 7  # sections 2, 10 and 18
    for chapter, header, row in rows:
        question = f"{header[0]} {row[0]} — {header[1]}?"
        matching = [c for c in cards_of(chapter) if c.front.endswith(question)]
        assert len(matching) == 1 and matching[0].back, (chapter, question)


def _plain(text: str) -> str:
    return normalise(text.replace("→", " to "))


def _one_liners(chapter: str) -> list[str]:
    """The notes' one-liners: the list items of section 22, the quote of section 5."""
    [section] = [s for s in SECTIONS if s.title == chapter]
    return [i.text for b in section.blocks for i in (b.items if b.kind == "list" else (b.inline,))
            if b.kind in ("list", "quote")]


@pytest.mark.parametrize("chapter, count", [("5. Core Insight (Interview Gold)", 1),
                                            ("22. Final One-Liners (Interviews)", 5)])
def test_every_one_liner_has_a_card(chapter, count):
    """'X = Y' asks 'X = ?'; any other one-liner is the answer of a card (e.g. a cloze) word for word."""
    lines = _one_liners(chapter)
    assert len(lines) == count, lines
    for line in lines:
        subject, equals, _ = line.partition(" = ")
        if equals:
            assert any(c.front == f"{subject} = ?" for c in cards_of(chapter)), line
        else:
            assert any(_plain(line) in _plain(c.answer) for c in cards_of(chapter)), line


@pytest.mark.parametrize("card_id, true_text, wrong_in_notes", [
    ("peerauthentication-inbound-mtls.disabled", "DISABLE", "DISABLED"),
    ("traffic-splitting-example.weights-sum-to-100", "relative", "1.15"),
    ("header-based-routing-example.networking-v1", "networking.istio.io/v1", "v1alpha3"),
    ("destinationrule-outbound-mtls.destinationrule", "auto mTLS", "simplification"),
    ("final-one-liners-interviews.istio-mutual", "forces", "ISTIO_MUTUAL = outbound mTLS"),
    ("retries.default-policy", "not retried", "1.24"),
    ("peerauthentication-inbound-mtls.permissive", "plaintext", "Istio's own"),
    ("how-istio-applies-mtls.cert-ttl-rotation", "50%", "24h is the certificate TTL"),
    ("traffic-splitting-example.yaml-route", "90%", "fragment"),
    ("what-are-v1-v2.yaml-labels", "version: v1", "fragment"),
])
def test_corrections_teach_the_truth_and_say_what_the_notes_got_wrong(card_id, true_text, wrong_in_notes):
    card = next(c for c in DECK.cards if c.id == card_id)
    assert true_text in everything(card)
    assert wrong_in_notes in card.note


def test_choice_options_do_not_give_the_answer_away_by_length():
    """The right option (the short `option` when `back` explains more) is no longer than the
    longest wrong one by more than a few words."""
    for card in (c for c in DECK.cards if c.type == "choice"):
        assert len(card.correct_option) <= max(len(w) for w in card.choices) + 15, card.id


def test_fragments_say_they_are_fragments():
    for card in (c for c in DECK.cards if c.type == "yaml"):
        doc = yaml.safe_load(card.yaml)
        if "kind" not in doc:
            assert "fragment" in card.note.lower(), card.id


def test_cards_cite_istio_docs_and_use_every_type():
    assert {c.type for c in DECK.cards} == {"basic", "choice", "typed", "cloze", "yaml"}
    assert 80 <= len(DECK.cards) <= 120
    refs = [c.ref for c in DECK.cards if c.ref]
    assert len(refs) >= 60 and all(re.match(r"https://istio\.io/latest/", r) for r in refs)
    assert all(c.domain for c in DECK.cards)


def test_rebuilding_from_the_notes_with_update_changes_nothing():
    """Every card the builder makes is in the deck (curated or as generated): `--update` is a no-op."""
    from trainer.deck_builder import build_deck_cards
    from trainer.deck_write import merge

    notes = (ROOT / "tests" / "trainer" / "fixtures" / "service-mesh-istio.md").read_text(encoding="utf-8")
    path = ROOT / "decks" / "cards" / "istio-notes.yaml"
    text, report = merge(path, build_deck_cards(notes, "istio-notes").cards)
    assert (report.added, report.updated, report.stale) == ([], [], [])
    assert text == path.read_text(encoding="utf-8")
