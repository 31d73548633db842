import json
from datetime import datetime, timezone

from click.testing import CliRunner

from trainer.app import App
from trainer.cli import cli
from trainer.scheduling import GOOD, Settings
from trainer.storage import Store, record_review

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def test_stats_json_and_table(tmp_path):
    store = Store(tmp_path / "meshdrill.db")
    record_review(store, "card", "a", GOOD, T0, Settings())
    store.close()
    app = lambda: App(home=tmp_path, now=lambda: T0, tz=timezone.utc)
    result = CliRunner().invoke(cli, ["stats", "-o", "json"], obj=app())
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["heatmap"] == {"2026-03-02": 1} and data["streak"] == 1
    assert data["desired_retention"] == 0.9 and len(data["forecast"]) == 30
    table = CliRunner().invoke(cli, ["stats"], obj=app())
    assert table.exit_code == 0
    assert "1 review in all · streak 1 day" in table.output
    assert "True retention (desired 90%)" in table.output


def test_a_first_run_says_what_to_do_instead_of_empty_tables(tmp_path):
    result = CliRunner().invoke(cli, ["stats"], obj=App(home=tmp_path, now=lambda: T0, tz=timezone.utc))
    assert result.exit_code == 0
    assert result.output.startswith("No reviews yet. Run `meshdrill` for today's cards")
    assert "┏" not in result.output and "Mastery" not in result.output
