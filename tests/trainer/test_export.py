"""Export: the .apkg as the real Anki imports it (notes, deck, tags, update on re-import), CSV headers, Markdown."""

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from trainer.deckfile import Card, Deck, load_deck
from trainer.export import export_apkg, export_csv, export_md, guid, sides, tags

DECK = Deck(id="mine", title="My Istio deck", cards=(
    Card(id="pa.strict", type="basic", deck="mine", front="STRICT accepts?", back="Only <mTLS>",
         topics=("mtls", "peerauthentication"), domain="security", ref="https://istio.io/x"),
    Card(id="pa.modes", type="cloze", deck="mine", text="Modes: {{c1::STRICT}} and {{c2::DISABLE::not DISABLED}}",
         note="The notes write DISABLED."),
    Card(id="vs.yaml", type="yaml", deck="mine", front="What does it do?", back="Routes to v1",
         yaml="kind: VirtualService\nspec:\n  hosts: [a]"),
    Card(id="lb.default", type="choice", deck="mine", front="Default LB?", back="LEAST_REQUEST",
         choices=("ROUND_ROBIN", "RANDOM")),
))


def anki_import(collection_path: Path, package: Path):
    """Import with the real Anki backend, its default options (update notes if newer)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(collection_path))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
        notes = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            deck = col.decks.name(note.cards()[0].did)
            notes[note.guid] = (note.note_type()["name"], list(note.fields), sorted(note.tags), deck, len(note.cards()))
        return notes
    finally:
        col.close()


def test_apkg_imports_into_anki_with_notes_deck_and_tags(tmp_path):
    package = tmp_path / "mine.apkg"
    assert export_apkg(DECK, package, now=1_700_000_000.0) == 4
    notes = anki_import(tmp_path / "collection.anki2", package)
    assert set(notes) == {"meshdrill:pa.strict", "meshdrill:pa.modes", "meshdrill:vs.yaml", "meshdrill:lb.default"}
    model, fields, note_tags, deck, cards = notes["meshdrill:pa.strict"]
    assert (model, deck, cards) == ("meshdrill basic", "My Istio deck", 1)
    assert fields == ["STRICT accepts?", "Only &lt;mTLS&gt;<br><br>Source: https://istio.io/x"]
    assert note_tags == ["domain::security", "meshdrill", "mine", "mtls", "peerauthentication"]
    model, fields, _, _, cards = notes["meshdrill:pa.modes"]
    assert (model, cards) == ("meshdrill cloze", 2)             # one Anki card per deletion
    assert fields[0] == "Modes: {{c1::STRICT}} and {{c2::DISABLE::not DISABLED}}"
    assert "<pre>kind: VirtualService" in notes["meshdrill:vs.yaml"][1][0]


def test_reimport_after_an_edit_updates_instead_of_duplicating(tmp_path):
    collection = tmp_path / "collection.anki2"
    export_apkg(DECK, tmp_path / "v1.apkg", now=1_700_000_000.0)
    anki_import(collection, tmp_path / "v1.apkg")
    edited = replace(DECK, cards=(replace(DECK.cards[0], back="Only Istio mTLS"), *DECK.cards[1:]))
    export_apkg(edited, tmp_path / "v2.apkg", now=1_700_000_600.0)
    notes = anki_import(collection, tmp_path / "v2.apkg")
    assert len(notes) == 4
    assert notes["meshdrill:pa.strict"][1][1].startswith("Only Istio mTLS")


def test_guid_and_tags_come_from_the_card():
    card = DECK.cards[0]
    assert guid(card) == "meshdrill:pa.strict"
    assert tags(card, DECK) == ["meshdrill", "mine", "mtls", "peerauthentication", "domain::security"]


def test_sides_carry_snippet_choices_note_and_source():
    assert sides(DECK.cards[2]) == ("What does it do?\n\nkind: VirtualService\nspec:\n  hosts: [a]", "Routes to v1")
    assert sides(DECK.cards[3])[0] == "Default LB?\n- LEAST_REQUEST\n- RANDOM\n- ROUND_ROBIN"
    assert sides(DECK.cards[1])[1] == "Note: The notes write DISABLED."


def test_a_choice_cards_short_option_is_listed_and_its_back_is_the_answer():
    card = replace(DECK.cards[3], option="LEAST_REQUEST", back="LEAST_REQUEST, the default since 1.14")
    assert sides(card) == ("Default LB?\n- LEAST_REQUEST\n- RANDOM\n- ROUND_ROBIN",
                           "LEAST_REQUEST, the default since 1.14")


def test_csv_has_anki_headers_and_one_row_per_card():
    text = export_csv(DECK)
    head = text.splitlines()[:7]
    assert head == ["#separator:Tab", "#html:false", "#columns:guid\tnotetype\tdeck\tfront\tback\ttags",
                    "#guid column:1", "#notetype column:2", "#deck column:3", "#tags column:6"]
    rows = list(csv.reader(io.StringIO("".join(text.splitlines(True)[7:])), delimiter="\t"))
    assert [r[:3] for r in rows] == [["meshdrill:pa.strict", "Basic", "My Istio deck"],
                                     ["meshdrill:pa.modes", "Cloze", "My Istio deck"],
                                     ["meshdrill:vs.yaml", "Basic", "My Istio deck"],
                                     ["meshdrill:lb.default", "Basic", "My Istio deck"]]
    assert rows[0][3:] == ["STRICT accepts?", "Only <mTLS>\n\nSource: https://istio.io/x",
                           "meshdrill mine mtls peerauthentication domain::security"]


def test_markdown_groups_by_section():
    deck = Deck(id="d", title="T", cards=(
        Card(id="a", type="basic", deck="d", front="Q1", back="A1", section="1. One"),
        Card(id="b", type="cloze", deck="d", text="x {{c1::y}}", section="1. One", ref="https://istio.io/r"),
        Card(id="c", type="yaml", deck="d", front="Q3", back="A3", yaml="k: v", section="2. Two")))
    assert export_md(deck) == ("# T\n\n## 1. One\n\n**Q1**\n\nA1\n\n- x **y**\n\nSource: https://istio.io/r\n\n## 2. Two\n\n**Q3**\n\n"
                               "```yaml\nk: v\n```\n\nA3\n")


def test_shipped_notes_deck_exports_every_card(tmp_path):
    deck = load_deck(Path(__file__).resolve().parents[2] / "decks" / "cards" / "istio-notes.yaml")
    assert len(export_csv(deck).splitlines()) >= len(deck.cards) + 7
    assert export_apkg(deck, tmp_path / "notes.apkg", now=1_700_000_000.0) == len(deck.cards)
