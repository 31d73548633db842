"""`meshdrill stats`: how the learning is going."""

from __future__ import annotations

import click

from trainer.app import App, pass_app


@click.command(short_help="Heatmap, streak, retention, forecast, mastery, leeches.")
@click.option("-o", "--output", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Rich tables, or one JSON object for scripts.")
@pass_app
def stats(app: App, output: str) -> None:
    """Review heatmap and streak, true retention, 30-day forecast, mastery, leeches."""
    from trainer.stats import compute

    try:
        result = compute(app.store(), app.now(), app.tz)
    finally:
        app.close()
    if output == "json":
        import json

        click.echo(json.dumps(result.to_json(), indent=2))
        return
    from trainer.render.stats import stats_view

    app.out.print(stats_view(result))
