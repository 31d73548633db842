"""The shipped ICA deck (decks/cards/istio-ica.yaml): complete, well-formed, and true to its format.

What a learner would notice if broken: a card that cannot be answered (typed card without an
answer, choice card without wrong options, cloze without a deletion), a YAML snippet that does not
parse, a card without a source, or a curriculum domain that is barely covered.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from trainer.deckfile import CLOZE, DOMAINS, load_deck
from trainer.questions.typed import normalise

DECK_PATH = Path(__file__).resolve().parents[2] / "decks" / "cards" / "istio-ica.yaml"

# ICA curriculum weights (from Aug 2025); each domain must get a fair share of the cards.
CURRICULUM = {"installation": 0.20, "traffic": 0.35, "security": 0.25, "troubleshooting": 0.20}
# Typical mojibake of UTF-8 read as Mac Roman / cp1252 / latin-1 ("â€”", "‚Äî", "Ã©", ...).
MOJIBAKE = re.compile(r"â€|‚Ä|Ã[\x80-\xbf©¨¼]|Â[\xa0-\xbf]|\ufffd")
# Istio API groups and the versions served today; snippets must use real apiVersions.
SERVED = {
    "networking.istio.io": {"v1", "v1beta1", "v1alpha3"},
    "security.istio.io": {"v1", "v1beta1"},
    "telemetry.istio.io": {"v1", "v1alpha1"},
    "install.istio.io": {"v1alpha1"},
}


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK_PATH)


def _text(card) -> str:
    return "\n".join([card.front, card.back, card.text, card.yaml, card.note, card.section,
                      *card.accept, *card.choices])


def test_deck_identity_and_size(deck):
    assert deck.id == "istio-ica"
    assert "ICA" in deck.title
    assert len(deck.cards) >= 150


def test_card_ids_are_unique_and_readable(deck):
    ids = [c.id for c in deck.cards]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert all(re.fullmatch(r"ica-[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids


def test_every_card_has_domain_section_and_istio_ref(deck):
    for card in deck.cards:
        assert card.domain in DOMAINS, card.id
        assert card.section.strip(), card.id
        assert card.ref.startswith("https://istio.io/latest/docs/"), (card.id, card.ref)
        assert card.topics, card.id


def test_domain_shares_follow_the_curriculum(deck):
    counts = Counter(c.domain for c in deck.cards)
    total = len(deck.cards)
    for domain, weight in CURRICULUM.items():
        share = counts[domain] / total
        assert share >= 0.12, (domain, share)
        assert abs(share - weight) <= 0.10, (domain, share, weight)
    assert counts["traffic"] == max(counts.values())


def test_sections_name_their_competency(deck):
    prefixes = {
        "installation": "Installation, Upgrades & Configuration / ",
        "traffic": "Traffic Management / ",
        "security": "Securing Workloads / ",
        "troubleshooting": "Troubleshooting / ",
    }
    for card in deck.cards:
        assert card.section.startswith(prefixes[card.domain]), (card.id, card.section)


def test_card_types_are_mixed(deck):
    types = Counter(c.type for c in deck.cards)
    assert set(types) == {"basic", "choice", "typed", "cloze", "yaml"}
    assert all(n >= 15 for n in types.values()), types


def test_every_card_can_be_asked_and_answered(deck):
    for card in deck.cards:
        assert card.prompt.strip(), card.id
        assert card.answer.strip(), card.id
        if card.type == "cloze":
            assert not card.front, card.id  # the cloze text is the question
        else:
            assert card.front.strip() and card.back.strip(), card.id


def test_typed_cards_have_an_expected_answer(deck):
    for card in deck.cards:
        if card.type == "typed":
            assert card.back or card.accept, card.id
            if card.accept:
                assert card.back in card.accept, card.id
                # answers are compared after normalising case and punctuation: list real variants only
                spellings = [normalise(a) for a in card.accept]
                assert len(set(spellings)) == len(spellings), card.id


def test_choice_cards_have_distinct_wrong_options(deck):
    for card in deck.cards:
        if card.type != "choice":
            continue
        wrong = [c for c in card.choices if c.strip() and c.strip() != card.back.strip()]
        assert len(wrong) >= 2, card.id
        assert len(set(card.choices)) == len(card.choices), card.id
        # A YAML slip turns "a: b" into a mapping; the loader would then show "{'a': 'b'}".
        assert not any(c.startswith("{") for c in card.choices), card.id


def test_choice_options_do_not_give_the_answer_away_by_length(deck):
    """The right option (the short `option` when `back` explains more) is no longer than the
    longest wrong one by more than a few words."""
    for card in (c for c in deck.cards if c.type == "choice"):
        assert len(card.correct_option) <= max(len(w) for w in card.choices) + 15, card.id


def test_cloze_cards_have_numbered_deletions(deck):
    for card in deck.cards:
        if card.type != "cloze":
            continue
        numbers = sorted({int(m.group(1)) for m in CLOZE.finditer(card.text)})
        assert numbers, card.id
        assert numbers == list(range(1, len(numbers) + 1)), (card.id, numbers)
        assert "{{" not in CLOZE.sub("", card.text), card.id  # no malformed leftover deletion


def test_yaml_snippets_parse_and_use_served_api_versions(deck):
    for card in deck.cards:
        if card.type != "yaml":
            continue
        assert card.front and card.back, card.id
        docs = [d for d in yaml.safe_load_all(card.yaml) if d is not None]
        assert docs, card.id
        for doc in docs:
            assert isinstance(doc, dict) and "kind" in doc and "apiVersion" in doc, card.id
            group, _, version = doc["apiVersion"].rpartition("/")
            if group in SERVED:
                assert version in SERVED[group], (card.id, doc["apiVersion"])


def test_answer_lines_point_inside_the_snippet(deck):
    for card in deck.cards:
        if card.answer_line is None:
            continue
        assert card.type == "yaml", card.id
        lines = card.yaml.splitlines()
        assert 1 <= card.answer_line <= len(lines), card.id
        assert lines[card.answer_line - 1].strip(), card.id


def test_no_mojibake_or_placeholders(deck):
    for card in deck.cards:
        text = _text(card)
        assert not MOJIBAKE.search(text), card.id
        assert not re.search(r"\b(TODO|FIXME|TBD|lorem)\b", text), card.id


def test_enum_spellings_in_snippets_are_istio_spellings(deck):
    """The values learners copy from snippets must be the exact enums the API server accepts."""
    enums = {
        "mode": {"UNSET", "DISABLE", "PERMISSIVE", "STRICT", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL",
                 "PASSTHROUGH", "AUTO_PASSTHROUGH", "OPTIONAL_MUTUAL", "REGISTRY_ONLY", "ALLOW_ANY"},
        "action": {"ALLOW", "DENY", "AUDIT", "CUSTOM"},
        "resolution": {"NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"},
        "location": {"MESH_EXTERNAL", "MESH_INTERNAL"},
        "simple": {"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH"},
    }

    def walk(node, card_id):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in enums and isinstance(value, str):
                    assert value in enums[key], (card_id, key, value)
                walk(value, card_id)
        elif isinstance(node, list):
            for item in node:
                walk(item, card_id)

    for card in deck.cards:
        if card.type == "yaml":
            for doc in yaml.safe_load_all(card.yaml):
                walk(doc, card.id)


def test_key_competencies_are_covered(deck):
    """Each competency of the brief has at least one card that names it."""
    corpus = "\n".join(_text(c) for c in deck.cards)
    required = [
        "httpsRedirect", "credentialName", "PASSTHROUGH", "MESH_EXTERNAL", "REGISTRY_ONLY",
        "egress gateway", "CUSTOM", "requestPrincipals", "portLevelMtls", "auto mTLS",
        "mirrorPercentage", "consecutive5xxErrors", "consecutiveGatewayErrors", "LEAST_REQUEST",
        "consistentHash", "failover", "appProtocol", "istio.io/rev", "revision", "ztunnel", "waypoint",
        "HBONE", "istio.io/dataplane-mode=ambient", "sidecar.istio.io/inject", "IST0101", "IST0102",
        "IST0103", "IST0106", "IST0109", "IST0118", "IST0128", "IST0130", "IST0132", "SYNCED", "STALE",
        "proxy-config", "spiffe://", "cacerts", "Telemetry", "Kiali", "Prometheus", "Jaeger",
        "15000", "RBAC: access denied",
    ]
    missing = [word for word in required if word not in corpus]
    assert not missing, missing
    for flag in ("NR", "UH", "UF", "UO", "NC", "UT", "URX", "UC", "DC", "FI", "DI"):
        assert re.search(rf"\b{flag}\b", corpus), flag
