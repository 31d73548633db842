"""`meshdrill deck`: build, update, check, list, export and import through the real CLI."""

from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from trainer.app import App
from trainer.cli import cli
from trainer.deckfile import load_deck

NOTES = ("# My notes\n\n## 22. One-Liners\n\n* VirtualService = routing rules\n* DestinationRule = policies\n\n"
         "Just prose.\n")
FIXED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def run(tmp_path, *args):
    app = App(home=tmp_path / "home", now=lambda: FIXED)
    return CliRunner().invoke(cli, ["deck", *args], obj=app)


def test_build_writes_a_deck_and_reports_what_is_not_a_card(tmp_path):
    notes = tmp_path / "my-notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    result = run(tmp_path, "build", str(notes), "-o", str(tmp_path / "deck.yaml"))
    assert result.exit_code == 0, result.output
    assert f"2 cards built from {notes}" in result.output
    assert f"{notes}:8: [22. One-Liners] paragraph: prose without a recognisable fact" in result.output
    deck = load_deck(tmp_path / "deck.yaml")
    assert (deck.id, deck.title, [c.id for c in deck.cards]) == (
        "my-notes", "My notes", ["one-liners.virtualservice", "one-liners.destinationrule"])


def test_build_update_keeps_hand_edits(tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text(NOTES, encoding="utf-8")
    deck_path = tmp_path / "deck.yaml"
    run(tmp_path, "build", str(notes), "-o", str(deck_path))
    deck_path.write_text(deck_path.read_text().replace("back: policies", "back: my own words"))
    notes.write_text(NOTES.replace("routing rules", "how requests are routed"))
    result = run(tmp_path, "build", str(notes), "--update", str(deck_path))
    assert "1 updated" in result.output and "1 kept as edited by hand" in result.output
    backs = [c.back for c in load_deck(deck_path).cards]
    assert backs == ["how requests are routed", "my own words"]


def test_check_defaults_to_the_shipped_decks_and_passes():
    result = CliRunner().invoke(cli, ["deck", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_check_reports_problems_with_file_line_and_exit_code_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\ncards:\n  - {id: x, type: cloze, text: no deletion}\n", encoding="utf-8")
    result = run(tmp_path, "check", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:4: card x: cloze text has no deletion" in result.output


def test_list_shows_shipped_decks(tmp_path):
    result = run(tmp_path, "list")
    assert result.exit_code == 0
    assert any(line.startswith("istio-notes") for line in result.output.splitlines())


def test_export_by_deck_id_and_import_back(tmp_path):
    csv_path = tmp_path / "notes.csv"
    assert run(tmp_path, "export", "istio-notes", "--format", "csv", "-o", str(csv_path)).exit_code == 0
    result = run(tmp_path, "import", str(csv_path), "-o", str(tmp_path / "back.yaml"), "--id", "back")
    assert result.exit_code == 0, result.output
    shipped = load_deck(Path(__file__).resolve().parents[3] / "decks" / "cards" / "istio-notes.yaml")
    assert [c.id for c in load_deck(tmp_path / "back.yaml").cards] == [c.id for c in shipped.cards]


def test_export_apkg_and_md(tmp_path):
    apkg = tmp_path / "out.apkg"
    result = run(tmp_path, "export", "istio-notes", "--format", "apkg", "-o", str(apkg))
    assert result.exit_code == 0 and apkg.stat().st_size > 0
    md = run(tmp_path, "export", "istio-notes", "--format", "md")
    assert md.output.startswith("# Istio from the notes\n\n## 1. What is a Service Mesh?\n")


def test_unknown_deck_is_one_clear_line(tmp_path):
    result = run(tmp_path, "export", "nope", "--format", "md")
    assert result.exit_code == 2
    assert result.output == "meshdrill: error: no deck 'nope': not a file and not a deck id (see `meshdrill deck list`)\n"


def test_import_refuses_unknown_file_types(tmp_path):
    odd = tmp_path / "cards.json"
    odd.write_text("{}", encoding="utf-8")
    result = run(tmp_path, "import", str(odd))
    assert result.exit_code == 2 and "cannot import a .json file" in result.output


def test_build_reports_the_mojibake_it_repaired(tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text("## 1. A\n\n* X ‚Üí Y\n", encoding="utf-8")
    result = run(tmp_path, "build", str(notes))
    assert (f"{notes}: repaired 1 mojibake sequences (UTF-8 that was read as mac_roman), "
            "e.g. '‚Üí' -> '→'") in result.output
    assert "back: X → Y" in result.output


def test_the_deck_command_imports_its_heavy_libraries_lazily():
    import subprocess
    import sys

    code = ("import sys, trainer.commands.deck\n"
            "print(','.join(m for m in ('genanki', 'markdown_it', 'yaml', 'engine.config') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_build_says_where_a_code_block_was_never_closed_and_makes_no_card_of_it(tmp_path):
    notes = tmp_path / "broken.md"
    notes.write_text("# Broken\n\n## 1. Routing\n\n* VirtualService = routing rules\n\n```yaml\nkind: x\n\n"
                     "## 2. Later\n\n* everything after the fence is code now\n", encoding="utf-8")
    result = run(tmp_path, "build", str(notes), "-o", str(tmp_path / "deck.yaml"))
    assert result.exit_code == 0, result.output
    assert "1 card built from" in result.output and "1 part of the notes did not become cards:" in result.output
    assert (f"{notes}:7: [1. Routing] code: code block never closed, so the rest of the notes reads as code: "
            "add its closing ``` line") in result.output
    assert [c.type for c in load_deck(tmp_path / "deck.yaml").cards] == ["basic"]


def test_export_takes_the_format_from_the_output_suffix_or_asks_in_one_line(tmp_path):
    target = tmp_path / "out.csv"
    assert run(tmp_path, "export", "istio-notes", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("#separator:Tab\n")
    result = run(tmp_path, "export", "istio-notes")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: say the format: --format apkg|csv|md, or -o FILE.apkg, "
                                              "FILE.csv or FILE.md")


def test_build_to_stdout_says_where_to_write_the_deck_to_study_it(tmp_path):
    notes = tmp_path / "my-notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    result = run(tmp_path, "build", str(notes))
    assert result.exit_code == 0
    assert result.output.startswith("id: my-notes\n")
    hint = f"to study it, write it where the quiz reads your decks: -o {tmp_path / 'home' / 'decks' / 'my-notes.yaml'}"
    assert hint in result.output
    assert hint not in run(tmp_path, "build", str(notes), "-o", str(tmp_path / "d.yaml")).output
