"""Import: Anki-style CSV (headers honoured, guids give ids back) and Markdown notes via the builder."""

import pytest

from trainer.deckfile import Card, Deck
from trainer.errors import TrainerError
from trainer.export import export_csv
from trainer.import_ import import_csv, import_markdown, read_headers


def test_headers_are_read_as_anki_writes_them():
    h = read_headers("#separator:Semicolon\n#html:true\n#tags:istio exam\n#tags column:3\n#guid column:4\nQ;A;t;g\n", "f.csv")
    assert (h.separator, h.html, h.tags, h.columns, h.lines) == (";", True, ("istio", "exam"), {"tags": 2, "guid": 3}, 5)


def test_plain_front_back_tags_csv_with_guessed_separator():
    cards = import_csv("What is istiod?,The control plane,arch\nSTRICT?,Only mTLS,security\n", "mine", "f.csv")
    assert [(c.id, c.type, c.front, c.back, c.topics) for c in cards] == [
        ("mine.what-is-istiod", "basic", "What is istiod?", "The control plane", ()),
        ("mine.strict", "basic", "STRICT?", "Only mTLS", ())]


def test_tags_column_html_and_cloze_rows():
    text = ("#separator:Tab\n#html:true\n#tags column:3\n#notetype column:4\n"
            "Front <b>bold</b><br>line 2\tBack &amp; more\tmtls domain::security\tBasic\n"
            "Mode {{c1::STRICT}}\t\tpa\tCloze\n")
    first, second = import_csv(text, "mine", "f.txt")
    assert (first.front, first.back, first.topics, first.domain) == ("Front bold\nline 2", "Back & more", ("mtls",), "security")
    assert (second.type, second.text, second.topics, second.line) == ("cloze", "Mode {{c1::STRICT}}", ("pa",), 6)


def test_export_then_import_keeps_ids_and_text():
    deck = Deck(id="mine", title="Mine", cards=(
        Card(id="pa.strict", type="basic", deck="mine", front="STRICT?", back="Only mTLS", topics=("mtls",), domain="security"),
        Card(id="pa.modes", type="cloze", deck="mine", text="{{c1::DISABLE}} not DISABLED")))
    back = import_csv(export_csv(deck), "mine", "mine.csv")
    assert [(c.id, c.type, c.front, c.back, c.text, c.topics, c.domain) for c in back] == [
        ("pa.strict", "basic", "STRICT?", "Only mTLS", "", ("mtls",), "security"),
        ("pa.modes", "cloze", "", "", "{{c1::DISABLE}} not DISABLED", (), "")]


def test_duplicate_fronts_get_distinct_ids():
    assert [c.id for c in import_csv("Q,a\nQ,b\n", "d", "f.csv")] == ["d.q", "d.q-2"]


def test_row_without_front_is_an_error_with_its_line():
    with pytest.raises(TrainerError, match=r"^f.csv:3: row has no front"):
        import_csv("#separator:Comma\nQ,A\n,B\n", "d", "f.csv")


def test_bad_column_header_is_an_error_with_its_line():
    with pytest.raises(TrainerError, match=r"^f.csv:2: '#tags column' needs a column number"):
        import_csv("#separator:Comma\n#tags column:x\nQ,A\n", "d", "f.csv")


def test_markdown_goes_through_the_builder():
    result = import_markdown("## 22. One-Liners\n\n* VirtualService = routing rules\n", "mine")
    assert [(c.id, c.deck, c.front, c.back) for c in result.cards] == [
        ("one-liners.virtualservice", "mine", "VirtualService = ?", "routing rules")]


def test_a_spreadsheet_header_row_is_not_a_card():
    cards = import_csv("Front;Back;Tags\nWhat is istiod?;The control plane;arch\n", "mine", "f.csv")
    assert [(c.front, c.back) for c in cards] == [("What is istiod?", "The control plane")]


def test_a_quote_never_closed_is_an_error_at_the_row_that_opens_it():
    with pytest.raises(TrainerError, match=r"^f.csv:3: bad CSV row: a quote opened in this row is never closed"):
        import_csv("Q1,A1\nQ2,A2\n\"unclosed,quote\nQ3,A3\n", "d", "f.csv")


def test_a_basic_row_without_a_back_says_which_separator_was_used():
    with pytest.raises(TrainerError, match=r"^f.csv:2: row has a front but no back") as err:
        import_csv("Q1,A1\nQ2 without an answer\n", "d", "f.csv")
    assert err.value.hint == "put the answer in the next column, separated by 'comma'"
    assert [c.type for c in import_csv("{{c1::istiod}} is the control plane\n", "d", "f.csv")] == ["cloze"]
