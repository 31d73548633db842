"""`meshdrill quiz`: today's session (also what plain `meshdrill` runs)."""

from __future__ import annotations

import click

from trainer.app import App, pass_app

EXIT_INTERRUPTED = 130


@click.command(short_help="Today's reviews and new cards (plain `meshdrill` runs it).")
@click.option("--deck", "-d", metavar="DECK", help="Only cards from this deck id.")
@click.option("--limit", "-n", type=click.IntRange(min=1), metavar="N",
              help="At most N cards and exercises this session.")
@pass_app
@click.pass_context
def quiz(ctx: click.Context, app: App, deck: str | None, limit: int | None) -> None:
    """Review what is due, learn new cards, then practise a due exercise.

    Keys: space/enter reveal, 1-4 rate (again, hard, good, easy), u undo, s skip, b bury,
    ! suspend, e explain, q quit. Everything answered is saved at once.
    """
    from trainer.quiz_runner import run_quiz

    try:
        summary = run_quiz(app, deck=deck, limit=limit)
    finally:
        app.close()
    if summary is not None and summary.interrupted:
        ctx.exit(EXIT_INTERRUPTED)
