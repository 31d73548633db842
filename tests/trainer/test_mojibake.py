"""Mojibake repair: the shared notes' damage, its cp1252/latin-1 cousins, and correct text untouched."""

import pytest
from hypothesis import given, strategies as st

from trainer.mojibake import CODECS, damage, diagnose, find_repairs, repair


@pytest.mark.parametrize("damaged, fixed", [
    ("‚Äî", "—"),
    ("\uf8ffüëâ", "👉"),
    ("‚úÖ ALL YAMLs", "✅ ALL YAMLs"),
    ("You‚Äôre right ‚Äî **bold**", "You’re right — **bold**"),
    ("North‚ÄìSouth", "North–South"),
    ("A ‚Üí B ‚Üî C", "A → B ↔ C"),
    ("Java retries ‚â† Go retries", "Java retries ≠ Go retries"),
])
def test_repairs_the_notes_mac_roman_damage(damaged, fixed):
    assert repair(damaged) == fixed


@pytest.mark.parametrize("damaged, fixed", [
    ("â€” and cafÃ©", "— and café"),          # cp1252
    ("naÃ¯ve cafÃ©", "naïve café"),            # 2-byte only: all Latin, nothing else non-ASCII
    ("â\x80\x94 dash", "— dash"),              # latin-1 (C1 controls)
    ("Ã\x81gua â€” x", "Água — x"),           # cp1252 with an undefined byte passed through
])
def test_repairs_windows_and_latin1_damage(damaged, fixed):
    assert repair(damaged) == fixed


def test_lone_two_byte_pairs_are_ambiguous_and_left_alone():
    assert repair("cafÃ©") == "cafÃ©"
    assert repair("cafÃ© – crÃ¨me") == "cafÃ© – crÃ¨me"   # "–" is correct text: not all damage


def test_greek_is_repaired_only_with_other_evidence():
    assert repair("Œ©") == "Œ©"                   # two plausible symbols: leave them
    assert repair("Œ© ‚Äî ohm") == "Ω — ohm"     # the em dash proves the damage


@pytest.mark.parametrize("text", [
    "“école”", "CAFÉ’S", "Größe", "naïve café", "€100 – ©2024", "Â", "Ä",
    "✅ done 👉 next", "日本語のテキスト", "x ≤ y ≥ z", "Ω and π", "¬ÄÖ", "Straße“",
])
def test_correct_text_is_untouched(text):
    assert repair(text) == text


# Real text never holds C1 control characters (U+0080-U+009F); latin-1 damage is made of them,
# so a text with "Ã\x80" is damaged, not correct, and is left out of "arbitrary correct text".
_NO_C1 = st.characters(blacklist_characters=[chr(c) for c in range(0x80, 0xA0)])


@given(st.text(_NO_C1))
def test_arbitrary_text_is_untouched(text):
    assert repair(text) == text


_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"))
# Damage is recoverable once the text holds one 3-4 byte punctuation or symbol (a dash, an
# arrow, an emoji): then every damaged character, of any script, is repaired.
_SYMBOL = st.characters(whitelist_categories=("Pd", "Pi", "Pf", "Po", "Sm", "So"), min_codepoint=0x800)
_WITH_EVIDENCE = st.tuples(st.text(_PRINTABLE), _SYMBOL, st.text(_PRINTABLE)).map("".join)


@pytest.mark.parametrize("codec", CODECS)
@given(text=_WITH_EVIDENCE)
def test_repair_undoes_damage(codec, text):
    assert repair(damage(text, codec)) == text


def test_find_repairs_reports_what_it_changed():
    [r] = find_repairs("a‚Äîb", "mac_roman")
    assert (r.start, r.end, r.damaged, r.fixed) == (1, 4, "‚Äî", "—")


def test_damaged_cjk_alone_is_repaired_when_all_of_it_is_damage():
    assert repair(damage("日本語", "cp1252")) == "日本語"


def test_shared_notes_damage_survives_a_round_trip():
    text = "Got it 👍\nYou’re right — ✅ ❌ ❓ 📌 ← ↓ ⇄ “quoted”"
    assert repair(damage(text)) == text


def test_diagnose_names_the_codec():
    codec, repairs = diagnose("a ‚Äî b ‚Üí c")
    assert codec == "mac_roman" and [r.fixed for r in repairs] == ["—", "→"]
    assert diagnose("clean — text") == ("", [])
