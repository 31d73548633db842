"""The extraction rules on small notes, stable ids, the shared notes end to end, and no crashes."""

import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from trainer.deck_builder import build_deck_cards, digest

FIXTURE = Path(__file__).parent / "fixtures" / "service-mesh-istio.md"


def cards(notes: str):
    return build_deck_cards(notes, "t").cards


def by_front(notes: str) -> dict[str, str]:
    return {c.front or c.text: c.back for c in cards(notes)}


def test_one_liners_with_equals_and_arrows():
    got = by_front("## 22. One-Liners\n\n* VirtualService = routing rules\n* ISTIO_MUTUAL = outbound mTLS\n"
                   "\n## 17. PA\n\nModes:\n\n* `STRICT` → only mTLS\n* `DISABLE` → plaintext only\n")
    assert got == {
        "VirtualService = ?": "routing rules",
        "ISTIO_MUTUAL = ?": "outbound mTLS",
        "PA — Modes: `STRICT` → ?": "`STRICT` → only mTLS",
        "PA — Modes: `DISABLE` → ?": "`DISABLE` → plaintext only",
    }


def test_labelled_lists_quotes_and_code_make_problem_solution_cards():
    got = by_front("## 4. Problems\n\n### ❌ Problem 1: Cascading Failures\n\n**What happens**\n\n* Bank API slows\n"
                   "* Frontend hangs\n\n**Kubernetes says**\n\n> “Pods are healthy.”\n\n"
                   "**Service Mesh solution**\n\n* Enforced timeouts\n\n**With Istio**\n\n```\nA → Envoy\n```\n")
    assert got == {
        "❌ Problem 1: Cascading Failures: What happens?": "- Bank API slows\n- Frontend hangs",
        "❌ Problem 1: Cascading Failures: Kubernetes says?": "“Pods are healthy.”",
        "❌ Problem 1: Cascading Failures: Service Mesh solution?": "- Enforced timeouts",
        "❌ Problem 1: Cascading Failures: With Istio?": "A → Envoy",
    }


def test_question_lists_after_a_lead_in():
    [card] = cards("## 3. Problem\n\nIt does **NOT** answer:\n\n* Should this request be retried?\n* Who called whom?\n")
    assert card.front == "Problem: It does NOT answer — which questions?"
    assert card.back == "- Should this request be retried?\n- Who called whom?"


def test_check_and_cross_lists():
    got = by_front("## 9. When You Need Istio\n\n### ❌ You DON’T need it if:\n\n* < 5 services\n\n"
                   "### ✅ You DO need it if:\n\n* Many microservices\n\n## 5. Claims\n\n* ✅ mTLS by default\n* ❌ weights sum to 100\n")
    assert got == {
        "When You Need Istio: ❌ You DON’T need it if …?": "- < 5 services",
        "When You Need Istio: ✅ You DO need it if …?": "- Many microservices",
        "Claims: mTLS by default — ✅ or ❌?": "✅ mTLS by default",
        "Claims: weights sum to 100 — ✅ or ❌?": "❌ weights sum to 100",
    }


def test_every_table_row_is_a_card_even_with_a_broken_separator():
    got = by_front("## 18. DR\n\n| Component          | Role                        |\n|  |  |\n"
                   "| PeerAuthentication | Requires mTLS (server side) |\n| DestinationRule    | Sends mTLS (client side) |\n")
    assert got == {"DR: Component PeerAuthentication — Role?": "Requires mTLS (server side)",
                   "DR: Component DestinationRule — Role?": "Sends mTLS (client side)"}


def test_yaml_blocks_become_yaml_cards_with_the_section_explanation():
    [quote, card] = cards("## 11. VirtualService\n\n> **VirtualService defines HOW traffic is routed**\n\n"
                          "```yaml\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: pp\n```\n")
    assert (card.type, card.front, card.back) == ("yaml", "What does this VirtualService do?",
                                                  "VirtualService defines HOW traffic is routed")
    assert card.yaml.startswith("apiVersion: networking.istio.io/v1\n") and card.id == "virtualservice.yaml-virtualservice-pp"
    assert (quote.front, quote.back) == ("VirtualService defines …?", "VirtualService defines HOW traffic is routed")


def test_yaml_fragments_are_named_by_their_first_key():
    [card] = cards("## 14. Split\n\n```yaml\nroute:\n- destination: {host: r}\n```\n")
    assert card.front == "What does this YAML fragment (route:) do? (Split)"


def test_definitions_with_bold_phrases_become_cloze():
    [card] = cards("## 1. Mesh\n\n> Kubernetes runs containers.\n> **Service Mesh manages how services talk.**\n")
    assert card.type == "cloze"
    assert card.text == "Kubernetes runs containers. {{c1::Service Mesh manages how services talk.}}"


def test_label_value_paragraphs():
    got = by_front("## 12. DR\n\n📌 **Linking rule**: `VirtualService.host == DestinationRule.host`\n\n"
                   "### East–West\n\n**Definition**\nTraffic between services *inside* the cluster.\n")
    assert got == {"DR: Linking rule?": "`VirtualService.host == DestinationRule.host`",
                   "East–West: Definition?": "Traffic between services inside the cluster."}


def test_what_cannot_become_a_card_is_reported_with_its_line():
    result = build_deck_cards("chat before\n\n## 1. A\n\nJust some prose here.\n\n```\nA → B\n```\n", "t")
    assert result.cards == []
    assert [(s.line, s.kind, s.section) for s in result.skipped] == [
        (1, "paragraph", ""), (5, "paragraph", "1. A"), (7, "code", "1. A")]
    assert "not YAML" in result.skipped[2].reason


def test_ids_depend_on_section_and_subject_not_on_the_answer():
    before = cards("## 22. One-Liners\n\n* VirtualService = routing rules\n* DestinationRule = policies\n")
    after = cards("## 22. One-Liners\n\n* VirtualService = how requests are routed\n* DestinationRule = policies\n")
    assert [c.id for c in before] == [c.id for c in after] == [
        "one-liners.virtualservice", "one-liners.destinationrule"]
    assert before[0].generated != after[0].generated and before[1].generated == after[1].generated


def test_duplicate_subjects_get_numbered_ids():
    ids = [c.id for c in cards("## A\n\n* X = 1\n* X = 2\n")]
    assert ids == ["a.x", "a.x-2"]


def test_generated_digest_matches_content():
    for card in cards(FIXTURE.read_text(encoding="utf-8")):
        assert card.generated == digest(card)


# --- the shared notes, end to end ---------------------------------------------------------

def _notes_paths():
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "notes" / "service-mesh-istio.md"
    return [pytest.param(FIXTURE, id="fixture"),
            pytest.param(shared, id="shared", marks=pytest.mark.skipif(
                not shared.exists(), reason=f"shared notes not found at {shared} (fresh clone without ../shared)"))]


MOJIBAKE = re.compile("‚Ä|‚Ü|‚ú|‚ù|Ã|üë|üì|\uf8ff|â€")


@pytest.mark.parametrize("path", _notes_paths())
def test_builder_on_the_notes_is_clean_and_covers_every_section(path):
    result = build_deck_cards(path.read_text(encoding="utf-8"), "istio-notes")
    for card in result.cards:
        for text in (card.front, card.back, card.text, card.yaml, card.section):
            assert not MOJIBAKE.search(text), (card.id, text)
    sections = {c.section for c in result.cards}
    numbered = [f"{n}." for n in range(1, 23)]
    assert all(any(s.startswith(n + " ") for s in sections) for n in numbered), sorted(sections)
    assert sum(c.type == "yaml" for c in result.cards) == 9      # every ```yaml block
    assert len({c.id for c in result.cards}) == len(result.cards)
    fronts = {c.front for c in result.cards}
    for one_liner in ("VirtualService = ?", "ISTIO_MUTUAL = ?", "Each arrow = ?"):
        assert one_liner in fronts
    rows = [f for f in fronts if " — Purpose?" in f or " — Role?" in f or " — Meaning?" in f]
    assert len(rows) == 3 + 2 + 2                                 # every table row (sections 10, 18, 2)


# --- never crashes ----------------------------------------------------------------------

_PIECES = st.sampled_from([
    "## 1. Title\n", "### ❌ Sub\n", "# H\n", "* X = Y\n", "* a → b\n", "* ✅ ok\n", "* ❌ no\n", "- q?\n",
    "**Label**\n", "Lead-in:\n", "> **quote** text\n", "| a | b |\n", "|  |  |\n", "| - | - |\n",
    "```yaml\nkind: X\nmetadata: {name: n}\n```\n", "```yaml\n: [bad\n```\n", "```\nA → B\n```\n",
    "A **bold** claim.\n", "\n", "1. step\n", "  * nested\n", "‚Äî ", "📌 **Pin**: value\n", "text ",
])


@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=25).map("".join))
def test_builder_never_crashes_on_arbitrary_markdown(notes):
    result = build_deck_cards(notes, "t")
    ids = [c.id for c in result.cards]
    assert len(ids) == len(set(ids))
    for card in result.cards:
        assert card.id and card.type in ("basic", "cloze", "yaml") and (card.front or card.text)


def test_a_closed_fence_at_the_very_end_is_not_reported_as_unclosed():
    from trainer.notes_parse import parse_notes

    blocks = [b for s in parse_notes("## A\n\n```yaml\nkind: x\n```") for b in s.blocks]
    assert [(b.kind, b.unclosed) for b in blocks] == [("code", False)]
    blocks = [b for s in parse_notes("## A\n\n~~~\nx\n~~~~\n\n```\nopen") for b in s.blocks]
    assert [(b.kind, b.unclosed) for b in blocks] == [("code", False), ("code", True)]
