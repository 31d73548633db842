"""Every style the trainer uses, by meaning, in one table (as rich's default_styles.py)."""

from __future__ import annotations

STYLES = {
    "md.title": "bold",
    "md.dim": "dim",
    "md.question": "bold",
    "md.answer": "bold green",
    "md.option": "cyan",
    "md.correct": "bold green",
    "md.wrong": "bold red",
    "md.almost": "bold yellow",
    "md.diff.same": "default",
    "md.diff.missing": "black on green",
    "md.diff.extra": "black on red strike",
    "md.lineno": "dim",
    "md.snippet": "default",
    "md.progress": "dim cyan",
    "md.rating.1": "red",
    "md.rating.2": "yellow",
    "md.rating.3": "green",
    "md.rating.4": "blue",
    "md.keys": "dim",
    "md.leech": "bold magenta",
    "md.warn": "yellow",
    "md.heat.0": "grey23",
    "md.heat.1": "green4",
    "md.heat.2": "green3",
    "md.heat.3": "green1",
}


def make_console(**kwargs):
    """A rich Console with the trainer's theme (rich imported here, on first use)."""
    from rich.console import Console
    from rich.theme import Theme

    return Console(theme=Theme(STYLES), highlight=False, **kwargs)
