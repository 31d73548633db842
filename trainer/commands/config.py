"""`meshdrill config`: the scheduling settings (stored in the database)."""

from __future__ import annotations

from datetime import date

import click

from trainer.app import App, pass_app


@click.group()
def config() -> None:
    """Show or change scheduling settings."""


def _save(app: App, key: str, value: str | None) -> None:
    from trainer.storage import save_setting

    try:
        save_setting(app.store(), key, value)
    finally:
        app.close()


@config.command("exam-date", short_help="Cap every interval at an exam date ('none' clears it).")
@click.argument("day", metavar="YYYY-MM-DD|none")
@pass_app
def exam_date(app: App, day: str) -> None:
    """Cap every interval at an exam date, so nothing is due after it ('none' clears it)."""
    if day.lower() == "none":
        _save(app, "exam_date", None)
        click.echo("exam date cleared")
        return
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date like 2027-03-01", param_hint="DAY")
    today = app.now().astimezone(app.tz).date()
    if parsed < today:     # a past cap would be ignored by the scheduler: say so now
        raise click.BadParameter(f"{parsed.isoformat()} is in the past (today is {today.isoformat()}); "
                                 "give the coming exam's date, or 'none'", param_hint="DAY")
    _save(app, "exam_date", parsed.isoformat())
    click.echo(f"exam date: {parsed.isoformat()} (intervals end by then)")


@config.command(short_help="Desired retention, 0.70-0.99 (default 0.9).")
@click.argument("value", type=click.FloatRange(0.7, 0.99))
@pass_app
def retention(app: App, value: float) -> None:
    """Desired retention, 0.70-0.99 (FSRS default 0.9): higher means more reviews."""
    _save(app, "retention", repr(value))
    click.echo(f"desired retention: {value}")


@config.command("new-per-day")
@click.argument("count", type=click.IntRange(0, 9999))
@pass_app
def new_per_day(app: App, count: int) -> None:
    """New cards introduced per day (default 20)."""
    _save(app, "new_per_day", str(count))
    click.echo(f"new cards per day: {count}")


@config.command("reviews-per-day")
@click.argument("count", type=click.IntRange(0, 99999))
@pass_app
def reviews_per_day(app: App, count: int) -> None:
    """Reviews per day at most (default 200)."""
    _save(app, "reviews_per_day", str(count))
    click.echo(f"reviews per day: {count}")


@config.command()
@pass_app
def show(app: App) -> None:
    """Print the current settings and where the data lives."""
    from trainer.storage import load_settings

    try:
        settings = load_settings(app.store())
    finally:
        app.close()
    click.echo(f"database:          {app.db_path}")
    click.echo(f"desired retention: {settings.retention}")
    click.echo(f"new per day:       {settings.new_per_day}")
    click.echo(f"reviews per day:   {settings.reviews_per_day}")
    click.echo(f"exam date:         {settings.exam_date or 'none'}")
