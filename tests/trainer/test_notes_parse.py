"""Notes -> sections and blocks: headings, labels, markers, malformed tables, line numbers."""

from hypothesis import given, strategies as st

from trainer.notes_parse import parse_notes


def test_sections_keep_their_chapter_and_line():
    sections = parse_notes("intro\n\n## 1. First\n\ntext\n\n### Sub\n\n* a\n")
    assert [(s.title, s.level, s.line, s.chapter) for s in sections] == [
        ("", 0, 1, ""), ("1. First", 2, 3, "1. First"), ("Sub", 3, 7, "1. First")]
    assert sections[1].context == "First"


def test_bold_spans_are_offsets_into_plain_text():
    [section] = parse_notes("A **Service Mesh** is `code` and *em*.")
    [block] = section.blocks
    assert block.inline.text == "A Service Mesh is `code` and em."
    assert block.inline.bold_texts == ("Service Mesh",)


def test_markers_are_lifted_from_text_and_headings():
    [head, sub] = parse_notes("## 9. Need\n\n### ❌ You DON’T need it if:\n\n* ✅ yes\n* 📌 **pin**\n")
    assert (sub.title, sub.marker) == ("You DON’T need it if:", "❌")
    items = sub.blocks[0].items
    assert [(i.marker, i.text, i.bold_texts) for i in items] == [("✅", "yes", ()), ("📌", "pin", ("pin",))]


def test_malformed_tables_from_the_notes_are_tables():
    notes = ("## 10. CRDs\n\n| CRD                | Purpose                    |\n"
             "|                    | --                         |\n"
             "| VirtualService     | Traffic routing rules      |\n\n"
             "## 18. DR\n\n| Component          | Role                        |\n|  |  |\n"
             "| PeerAuthentication | Requires mTLS (server side) |\n")
    first, second = parse_notes(notes)
    assert first.blocks[0].kind == "table"
    assert first.blocks[0].rows == (("CRD", "Purpose"), ("VirtualService", "Traffic routing rules"))
    assert second.blocks[0].rows == (("Component", "Role"), ("PeerAuthentication", "Requires mTLS (server side)"))


def test_well_formed_table_and_code_block():
    [s] = parse_notes("## T\n\n| a | b |\n| - | - |\n| **x** | y |\n\n```yaml\nkind: X\n```\n")
    table, code = s.blocks
    assert table.rows == (("a", "b"), ("x", "y"))
    assert (code.kind, code.lang, code.code, code.line) == ("code", "yaml", "kind: X\n", 7)


def test_mojibake_is_repaired_before_parsing():
    [s] = parse_notes("## 2. North‚ÄìSouth\n\n* A ‚Üí B\n")
    assert s.title == "2. North–South"
    assert s.blocks[0].items[0].text == "A → B"


def test_nested_list_items_follow_their_parent():
    [s] = parse_notes("* a\n  * **b**: bold\n* c\n")
    items = s.blocks[0].items
    assert [i.text for i in items] == ["a", "  b: bold", "c"]
    assert items[1].bold_texts == ("b",)


_MARKDOWN = st.lists(st.one_of(st.sampled_from([
    "## 1. T\n", "### ✅ S\n", "* **b**: v\n", "  * **nested** x\n", "    * ❌ deep\n", "> **q** t\n",
    "| a | b |\n", "|  |  |\n", "| - | - |\n", "```yaml\nk: v\n```\n", "1. **one**\n", "\n", "‚Äî ",
    "📌 **P**: v\n", "**L**\n", "x **y** z\n"]), st.text(max_size=12)), max_size=30).map("".join)


@given(st.one_of(st.text(), _MARKDOWN))
def test_parser_never_crashes(text):
    for section in parse_notes(text):
        for block in section.blocks:
            assert block.kind in ("paragraph", "list", "table", "quote", "code")
            for inline in (block.inline, *block.items):
                for a, b in inline.bold:  # a **span** never starts or ends with a space in Markdown
                    assert 0 <= a < b <= len(inline.text)
                    assert inline.text[a:b] == inline.text[a:b].strip()
