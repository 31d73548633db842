"""Rich views of the quiz: prompt, outcome, rating keys, explanation, progress and summary.

Pure functions from values to renderables; styles are named in render/theme.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from rich.console import Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from trainer.deckfile import Card
from trainer.questions.base import KEY, LINE, Outcome, Prompt, option_key
from trainer.scheduling import RATINGS
from trainer.session import Progress

COMMAND_KEYS = "u undo · s skip · b bury · ! suspend · e explain · q quit"


@dataclass(frozen=True)
class Summary:
    reviewed: int
    again: int
    new: int
    skipped: int
    elapsed: timedelta
    interrupted: bool = False


def duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d"


def progress_line(progress: Progress) -> Text:
    return Text(f"done {progress.done} · left {progress.remaining} · {duration(progress.elapsed)}",
                style="md.progress")


def card_rule(progress: Progress) -> Rule:
    """Each card opens under a rule with the progress on it: one card per block, in the
    scrollback as on the screen (nothing is cleared, so the last answer stays readable)."""
    return Rule(progress_line(progress), align="left", style="md.progress")


def prompt_view(card: Card, prompt: Prompt, progress: Progress, source: str) -> Group:
    where = " · ".join(p for p in (card.deck, card.section, source) if p)
    parts: list = [Text(""), card_rule(progress), Text(where, style="md.dim"),
                   Text(prompt.question, style="md.question")]
    if prompt.snippet:
        parts.append(snippet_view(prompt.snippet))
    if prompt.options:
        parts.append(options_view(prompt.options))
    if prompt.response == KEY:
        parts.append(Text(f"{prompt.hint} · {COMMAND_KEYS}", style="md.keys"))
    elif prompt.response == LINE:
        parts.append(Text(f"{prompt.hint} (empty: show the answer) · a lone u/s/b/!/e/q is a "
                          "command", style="md.keys"))
    else:
        parts.append(Text(f"space/enter reveal · {COMMAND_KEYS}", style="md.keys"))
    return Group(*parts)


def options_view(options: tuple[str, ...] | list[str]) -> Table:
    """`  1) text`, a long option wrapping under its own text, not under the key."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="md.option")
    grid.add_column()
    for i, option in enumerate(options):
        grid.add_row(f"  {option_key(i)})", option)
    return grid


def snippet_view(snippet: str) -> Text:
    lines = snippet.splitlines()
    width = len(str(len(lines)))
    text = Text()
    for number, line in enumerate(lines, start=1):
        text.append(f"{number:>{width}} │ ", style="md.lineno")
        text.append(line + "\n", style="md.snippet")
    text.rstrip()
    return text


def outcome_view(outcome: Outcome) -> Group:
    parts: list = []
    if outcome.correct is True:
        parts.append(Text("✓ correct", style="md.correct"))
    elif outcome.correct is False:
        parts.append(Text("✗ almost" if outcome.diff else "✗ wrong",
                          style="md.almost" if outcome.diff else "md.wrong"))
    if outcome.diff is not None:
        diff = Text("  ")
        for segment, kind in outcome.diff.segments:
            diff.append(segment, style=f"md.diff.{kind}")
        parts.append(diff)
    if outcome.detail:
        parts.append(Text(outcome.detail, style="md.dim"))
    parts.extend(Text(note, style="md.dim") for note in outcome.notes)
    if "\n" in outcome.answer:       # a list or several lines: a block under the label
        parts.append(Text("answer:", style="md.dim"))
        parts.append(Padding(Text(outcome.answer, style="md.answer"), (0, 0, 0, 2)))
    else:
        parts.append(Text.assemble(("answer: ", "md.dim"), (outcome.answer, "md.answer")))
    return Group(*parts)


def rating_keys(proposed: int | None) -> Text:
    text = Text()
    for value, name in RATINGS.items():
        text.append(f"{value} {name}", style=f"md.rating.{value}")
        text.append("  ")
    if proposed is not None:
        text.append(f"enter = {RATINGS[proposed]}  ", style="md.keys")
    text.append("· u undo · e explain · q quit", style="md.keys")
    return text


def explain_view(card: Card) -> Group:
    parts: list = [Text.assemble(("from the notes: ", "md.dim"), card.section or "(no section)")]
    if card.note:
        parts.append(Text.assemble(("note: ", "md.dim"), card.note))
    if card.ref:
        parts.append(Text.assemble(("ref: ", "md.dim"), card.ref))
    return Group(*parts)


def rated_line(rating: int, due: datetime | None, now: datetime) -> Text:
    when = f"next in {duration(due - now)}" if due is not None else ""
    return Text.assemble((RATINGS[rating], f"md.rating.{rating}"), (f" · {when}", "md.dim"))


def summary_view(summary: Summary) -> Text:
    head = "stopped" if summary.interrupted else "session over"
    return Text(f"{head}: {summary.reviewed} answered ({summary.new} new, {summary.again} again), "
                f"{summary.skipped} skipped, {duration(summary.elapsed)}. Everything answered is "
                "saved.", style="md.title")


def nothing_due_view(next_due: datetime | None, now: datetime, new_left: int,
                     limit_reached: bool, tz: tzinfo | None = None) -> Text:
    if next_due is None:
        text = Text("Nothing due: no card has been reviewed yet.")
    else:
        local = next_due.astimezone(tz)
        wait = "now" if next_due <= now else f"in {duration(next_due - now)}"
        text = Text(f"Nothing due. Next card due {wait} ({local:%a %d %b %H:%M}).")
    if new_left and limit_reached:
        text.append(f"\nToday's new cards are done; {new_left} more wait. "
                    "Press n to learn 5 more now, q to stop.")
    elif not new_left:
        text.append("\nNo new cards left.")
    text.append("\nHands-on practice: `meshdrill exercise list`.", style="md.dim")
    return text


def leech_line(card: Card) -> Text:
    return Text(f"leech: '{card.id}' was forgotten 8 times; it is tagged and suspended. "
                "Rewrite it or split it in your deck.", style="md.leech")
