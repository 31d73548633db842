"""`meshdrill deck`: build decks from notes, check them, list them, and move them in and out of Anki."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.app import App, pass_app
from trainer.errors import TrainerError

EXIT_PROBLEMS = 1


@click.group()
def deck() -> None:
    """Build, check, list, export and import card decks."""


@deck.command(short_help="Build a deck from Markdown notes; report what did not become a card.")
@click.argument("notes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the deck here (default: standard output).")
@click.option("--update", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="DECK.yaml",
              help="Merge into this deck: new cards are added, generated cards refreshed, "
                   "hand-edited cards left alone. Writes back to it unless -o is given.")
@click.option("--id", "deck_id", help="Deck id for a new deck (default: from the file name).")
@click.option("--title", help="Deck title for a new deck (default: the notes' first heading).")
@pass_app
def build(app: App, notes: Path, output: Path | None, update: Path | None, deck_id: str | None,
          title: str | None) -> None:
    """Build cards from Markdown study notes (NOTES.md) and report what did not become a card."""
    from trainer.card_templates import slug
    from trainer.deck_builder import build_deck_cards
    from trainer.deck_write import dump_deck, merge
    from trainer.deckfile import load_deck

    text = _read(notes)
    _report_mojibake(notes, text)
    if update is not None:
        deck_id = load_deck(update).id
    deck_id = deck_id or slug(notes.stem, 8)
    result = build_deck_cards(text, deck_id)
    if update is not None:
        merged, report = merge(update, result.cards)
        _write(output or update, merged)
        click.echo(f"{output or update}: {report.summary()}", err=True)
    else:
        out = dump_deck(deck_id, title or _first_heading(text) or deck_id, str(notes), result.cards)
        _write(output, out)
        click.echo(f"{_count(len(result.cards), 'card')} built from {notes}", err=True)
        if output is None:   # printed, not kept: say where the quiz would pick it up
            click.echo(f"to study it, write it where the quiz reads your decks: "
                       f"-o {app.home_dir / 'decks' / (deck_id + '.yaml')}", err=True)
    if result.skipped:
        click.echo(f"{_count(len(result.skipped), 'part')} of the notes did not become cards:", err=True)
        for skipped in result.skipped:
            click.echo(f"  {notes}:{skipped}", err=True)


@deck.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate deck files (default: every shipped deck). Exit code 1 when a problem is found."""
    from trainer.deck_check import check_paths, shipped_deck_paths
    from trainer.deckfile import DeckError, load_deck

    targets = list(paths) or shipped_deck_paths()
    problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(targets)} deck file(s)", err=True)
        ctx.exit(EXIT_PROBLEMS)
    cards = 0
    for path in targets:
        try:
            cards += len(load_deck(path).cards)
        except DeckError:
            pass
    click.echo(f"ok: {len(targets)} deck file(s), {cards} cards")


@deck.command(name="list", short_help="The decks the quiz uses: shipped ones and yours.")
@pass_app
def list_decks(app: App) -> None:
    """List the decks the quiz uses: shipped ones and yours (in the data folder's decks/)."""
    from trainer.deckfile import DeckError, load_deck

    for path in app.deck_files():
        try:
            d = load_deck(path)
        except DeckError as exc:
            click.echo(f"{'?':<16} {'':>5}  (broken: {exc})")
            continue
        click.echo(f"{d.id:<16} {len(d.cards):>5}  {d.title}  [{path}]")


@deck.command()
@click.argument("deck_ref", metavar="DECK")
@click.option("--format", "fmt", type=click.Choice(["apkg", "csv", "md"]), default=None,
              help="apkg: Anki package; csv: tab-separated with Anki's import headers; md: Markdown. "
                   "Default: from the -o file's suffix.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: standard output; DECK-ID.apkg for apkg).")
@pass_app
def export(app: App, deck_ref: str, fmt: str, output: Path | None) -> None:
    """Export DECK (a deck id or a deck file) for Anki or as Markdown."""
    from trainer import export as exporting
    from trainer.deckfile import load_deck

    fmt = fmt or (output.suffix.lstrip(".").lower() if output is not None else "")
    if fmt not in exporting.FORMATS:
        raise click.UsageError("say the format: --format apkg|csv|md, or -o FILE.apkg, FILE.csv or FILE.md")
    d = load_deck(resolve_deck(deck_ref, app))
    if fmt == "apkg":
        target = output or Path(f"{d.id}.apkg")
        count = exporting.export_apkg(d, target, now=app.now().timestamp())
        click.echo(f"{count} notes written to {target} (re-importing it into Anki updates them)", err=True)
        return
    text = exporting.export_csv(d) if fmt == "csv" else exporting.export_md(d)
    _write(output, text)


@deck.command(name="import", short_help="Make a deck from a CSV/TSV (Anki text) or Markdown file.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the deck here (default: standard output).")
@click.option("--id", "deck_id", help="Deck id (default: from the file name).")
@click.option("--title", help="Deck title (default: the file name).")
def import_(source: Path, output: Path | None, deck_id: str | None, title: str | None) -> None:
    """Make a deck from FILE.csv (front, back, tags; Anki's headers honoured) or FILE.md notes."""
    from trainer.card_templates import slug
    from trainer.deck_write import dump_deck
    from trainer.import_ import import_csv, import_markdown

    text = _read(source)
    deck_id = deck_id or slug(source.stem, 8)
    if source.suffix.lower() in (".md", ".markdown"):
        result = import_markdown(text, deck_id)
        cards, skipped = result.cards, result.skipped
    elif source.suffix.lower() in (".csv", ".tsv", ".txt"):
        cards, skipped = import_csv(text, deck_id, str(source)), []
    else:
        raise TrainerError(f"{source}: cannot import a {source.suffix or 'suffix-less'} file",
                           hint="use .csv, .tsv, .txt (Anki text export) or .md notes")
    _write(output, dump_deck(deck_id, title or _first_heading(text) or deck_id, str(source), cards))
    click.echo(f"{_count(len(cards), 'card')} imported from {source}", err=True)
    for part in skipped:
        click.echo(f"  not a card: {source}:{part}", err=True)


def resolve_deck(ref: str, app: App) -> Path:
    """A deck file path, or the id of a deck the quiz knows (shipped or the user's)."""
    from trainer.deckfile import DeckError, load_deck

    path = Path(ref)
    if path.is_file():
        return path
    for candidate in app.deck_files():
        if candidate.stem == ref:
            return candidate
    for candidate in app.deck_files():
        try:
            if load_deck(candidate).id == ref:
                return candidate
        except DeckError:
            continue
    raise TrainerError(f"no deck {ref!r}: not a file and not a deck id", hint="see `meshdrill deck list`")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TrainerError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from None


def _write(path: Path | None, text: str) -> None:
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _report_mojibake(path: Path, text: str) -> None:
    from trainer.mojibake import diagnose

    codec, repairs = diagnose(text)
    if repairs:
        click.echo(f"{path}: repaired {len(repairs)} mojibake sequences (UTF-8 that was read as {codec}), "
                   f"e.g. {repairs[0].damaged!r} -> {repairs[0].fixed!r}", err=True)


def _first_heading(text: str) -> str:
    from trainer.mojibake import repair

    for line in text.splitlines():
        if line.startswith("# "):
            return repair(line[2:].strip())
    return ""
