"""Rich views of `trainer.stats.Stats`: heatmap, retention, forecast, mastery, leeches."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text

from trainer.stats import HEATMAP_DAYS, Mastery, Stats

BLOCK = "■"
SPARK = " ▁▂▃▄▅▆▇█"
WEEKDAYS = "MTWTFSS"


def heat_level(count: int, peak: int) -> int:
    if count == 0:
        return 0
    return min(3, 1 + (3 * count - 1) // max(peak, 1))


def heatmap_view(stats: Stats) -> Text:
    """Weeks as columns, weekdays as rows, the last six months (like a contribution graph)."""
    start = stats.today - timedelta(days=HEATMAP_DAYS - 1)
    start -= timedelta(days=start.weekday())  # columns begin on Mondays
    weeks = (stats.today - start).days // 7 + 1
    peak = max(stats.heatmap.values(), default=0)
    text = Text()
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]} ", style="md.dim")
        for week in range(weeks):
            day = start + timedelta(days=week * 7 + weekday)
            if day > stats.today:
                text.append(" ")
                continue
            text.append(BLOCK, style=f"md.heat.{heat_level(stats.heatmap.get(day, 0), peak)}")
        text.append("\n")
    text.append(f"{stats.total_reviews} review{'' if stats.total_reviews == 1 else 's'} in all · streak {stats.streak} "
                f"day{'s' if stats.streak != 1 else ''}", style="md.title")
    return text


def retention_view(stats: Stats) -> Table:
    table = Table(title=f"True retention (desired {stats.desired_retention:.0%})",
                  title_justify="left")
    table.add_column("since last review")
    table.add_column("reviews", justify="right")
    table.add_column("retention", justify="right")
    for band in stats.retention:
        value = band.retention
        if value is None:
            shown = Text("—", style="md.dim")
        else:
            shown = Text(f"{value:.0%}", style="md.correct" if value >= stats.desired_retention - 0.05
                         else "md.wrong")
        table.add_row(band.label, str(band.reviews), shown)
    return table


def forecast_view(stats: Stats) -> Text:
    """One sparkline column per day, then the totals that matter for planning."""
    counts = [n for _d, n in stats.forecast]
    peak = max(counts, default=0) or 1
    text = Text("Due in the next 30 days  ", style="md.title")
    text.append("".join(SPARK[0] if n == 0 else SPARK[1 + round((len(SPARK) - 2) * n / peak)]
                        for n in counts), style="md.progress")
    text.append(f"\ntoday {counts[0] if counts else 0} · tomorrow {sum(counts[1:2])} · "
                f"7 days {sum(counts[:7])} · 30 days {sum(counts)}", style="md.dim")
    return text


def mastery_view(title: str, rows: list[Mastery]) -> Table:
    """Only what has been started (a card recalled or an exercise tried): a new learner's 80
    topics at 0% would bury the few that tell something. `stats -o json` lists them all."""
    started = [m for m in rows if m.retrievability > 0 or m.exercise_pass_rate is not None]
    waiting = len(rows) - len(started)
    table = Table(title=title, title_justify="left",
                  caption=f"{waiting} more not started yet" if waiting else None, caption_justify="left")
    rows = started
    table.add_column("name")
    table.add_column("cards", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("exercises", justify="right")
    table.add_column("mastery", justify="right")
    for m in rows:
        rate = "—" if m.exercise_pass_rate is None else f"{m.exercise_pass_rate:.0%}"
        table.add_row(m.name, str(m.cards), f"{m.retrievability:.0%}", rate, f"{m.score:.0%}")
    return table


def leeches_view(stats: Stats) -> Text | Table:
    if not stats.leeches:
        return Text("No leeches.", style="md.dim")
    table = Table(title="Leeches (suspended: rewrite or split them)", title_justify="left")
    table.add_column("card", style="md.leech")
    table.add_column("lapses", justify="right")
    table.add_column("question")
    for leech in stats.leeches:
        table.add_row(leech.card, str(leech.lapses), leech.question)
    return table


def stats_view(stats: Stats) -> Group | Text:
    if not stats.total_reviews and not stats.domains and not stats.topics:   # a first run: no empty tables
        return Text.assemble(("No reviews yet.", "md.title"),
                             " Run `meshdrill` for today's cards, or `meshdrill exercise list`; the "
                             "heatmap, retention, forecast and mastery fill in as you answer.")
    return Group(heatmap_view(stats), Text(""), retention_view(stats), Text(""),
                 forecast_view(stats), Text(""),
                 mastery_view("Mastery by ICA domain", stats.domains), Text(""),
                 mastery_view("Mastery by topic", stats.topics), Text(""), leeches_view(stats))
