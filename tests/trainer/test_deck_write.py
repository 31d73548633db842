"""Writing decks: round trip through load_deck, and --update that leaves hand edits alone."""

from hypothesis import given, strategies as st

from trainer.deck_builder import build_deck_cards, digest
from trainer.deck_write import dump_deck, merge
from trainer.deckfile import Card, load_deck

NOTES = "## 22. One-Liners\n\n* VirtualService = routing rules\n* DestinationRule = traffic behavior\n"


def built(notes=NOTES):
    return build_deck_cards(notes, "mine").cards


def write(tmp_path, text):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_keeps_content_and_digests(tmp_path):
    cards = built("## 11. VS\n\n```yaml\nkind: VirtualService\nmetadata:\n  name: a\n```\n\n" + NOTES[3:])
    deck = load_deck(write(tmp_path, dump_deck("mine", "Mine", "n.md", cards)))
    assert [c.content_key() for c in deck.cards] == [c.content_key() for c in cards]
    assert all(c.generated == digest(c) for c in deck.cards)


def test_update_with_nothing_new_changes_nothing(tmp_path):
    text = dump_deck("mine", "Mine", "n.md", built())
    new_text, report = merge(write(tmp_path, text), built())
    assert new_text == text
    assert report.unchanged == ["one-liners.virtualservice", "one-liners.destinationrule"]


def test_update_rewrites_generated_cards_keeps_hand_edits_and_comments(tmp_path):
    text = dump_deck("mine", "Mine", "n.md", built())
    text = text.replace("back: traffic behavior", "back: subsets and traffic policies  # my words")
    text = text.replace("  - id: one-liners.destinationrule", "  # keep this comment\n  - id: one-liners.destinationrule")
    path = write(tmp_path, text)
    edited_notes = NOTES.replace("routing rules", "how requests are routed") + "* PeerAuthentication = inbound mTLS\n"
    new_text, report = merge(path, built(edited_notes))
    assert (report.updated, report.kept, report.added) == (
        ["one-liners.virtualservice"], ["one-liners.destinationrule"], ["one-liners.peerauthentication"])
    assert "# keep this comment" in new_text and "subsets and traffic policies  # my words" in new_text
    path.write_text(new_text, encoding="utf-8")
    backs = {c.id: c.back for c in load_deck(path).cards}
    assert backs == {"one-liners.virtualservice": "how requests are routed",
                     "one-liners.destinationrule": "subsets and traffic policies",
                     "one-liners.peerauthentication": "inbound mTLS"}


def test_cards_gone_from_the_notes_are_reported_not_deleted(tmp_path):
    path = write(tmp_path, dump_deck("mine", "Mine", "n.md", built()))
    new_text, report = merge(path, built("## 22. One-Liners\n\n* VirtualService = routing rules\n"))
    assert report.stale == ["one-liners.destinationrule"]
    assert "one-liners.destinationrule" in new_text


def test_hand_written_cards_without_digest_are_never_replaced(tmp_path):
    path = write(tmp_path, "id: mine\ntitle: Mine\ncards:\n  - id: one-liners.virtualservice\n"
                           "    front: Mine?\n    back: mine\n")
    new_text, report = merge(path, built())
    assert report.kept == ["one-liners.virtualservice"] and report.added == ["one-liners.destinationrule"]
    assert new_text.startswith("id: mine\ntitle: Mine\ncards:\n  - id: one-liners.virtualservice\n    front: Mine?\n")


def test_metadata_added_by_hand_survives_a_refresh(tmp_path):
    text = dump_deck("mine", "Mine", "n.md", built())
    text = text.replace("    back: routing rules\n", "    back: routing rules\n    note: checked\n"
                                                       "    ref: https://istio.io/latest/docs/concepts/traffic-management/\n")
    new_text, report = merge(write(tmp_path, text), built(NOTES.replace("routing rules", "routes")))
    assert report.updated == ["one-liners.virtualservice"]
    path = write(tmp_path, new_text)
    card = load_deck(path).cards[0]
    assert (card.back, card.note, card.ref) == ("routes", "checked", "https://istio.io/latest/docs/concepts/traffic-management/")

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n:-#{}[]'\"|>"), max_size=40)


@given(front=_TEXT, back=_TEXT, yaml_text=_TEXT)
def test_any_text_survives_a_write_and_read(tmp_path_factory, front, back, yaml_text):
    card = Card(id="x", type="yaml", deck="mine", front=front.strip() or "Q", back=back.strip(),
                yaml=yaml_text.strip("\n") or "a: 1")
    path = tmp_path_factory.mktemp("deck") / "mine.yaml"
    path.write_text(dump_deck("mine", "Mine", "n.md", [card]), encoding="utf-8")
    [loaded] = load_deck(path).cards
    assert loaded.content_key() == card.content_key()


def test_a_choice_cards_option_survives_a_write_and_read_and_counts_as_content(tmp_path):
    card = Card(id="lb", type="choice", deck="mine", front="Default LB?", option="LEAST_REQUEST",
                back="LEAST_REQUEST, since Istio 1.14", choices=("ROUND_ROBIN", "RANDOM"))
    [read] = load_deck(write(tmp_path, dump_deck("mine", "Mine", "", [card]))).cards
    assert (read.option, read.correct_option, read.answer) == ("LEAST_REQUEST", "LEAST_REQUEST",
                                                              "LEAST_REQUEST, since Istio 1.14")
    assert read.content_key() != Card(**{**card.__dict__, "option": "ROUND_ROBIN"}).content_key()
    # a card without `option` keeps the key (and so the stored digests) it had before the field
    plain = Card(id="x", type="basic", deck="mine", front="Q", back="A")
    assert plain.content_key() == ("basic", "Q", "A", "", (), (), "")
