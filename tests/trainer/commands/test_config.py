from datetime import datetime, timezone

from click.testing import CliRunner

from trainer.app import App
from trainer.cli import cli


NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)   # fixed: exam dates are checked against today


def run(tmp_path, *args):
    return CliRunner().invoke(cli, ["config", *args], obj=App(home=tmp_path, now=lambda: NOW, tz=timezone.utc))


def test_settings_are_saved_and_shown(tmp_path):
    assert run(tmp_path, "exam-date", "2027-03-01").output == "exam date: 2027-03-01 (intervals end by then)\n"
    assert run(tmp_path, "retention", "0.85").exit_code == 0
    assert run(tmp_path, "new-per-day", "5").exit_code == 0
    assert run(tmp_path, "reviews-per-day", "50").exit_code == 0
    shown = run(tmp_path, "show").output
    assert "desired retention: 0.85" in shown and "new per day:       5" in shown
    assert "reviews per day:   50" in shown and "exam date:         2027-03-01" in shown
    assert run(tmp_path, "exam-date", "none").output == "exam date cleared\n"
    assert "exam date:         none" in run(tmp_path, "show").output


def test_bad_values_are_one_clear_line(tmp_path):
    bad_date = run(tmp_path, "exam-date", "March 1st")
    assert bad_date.exit_code == 2 and "'March 1st' is not a date like 2027-03-01" in bad_date.output
    bad_retention = run(tmp_path, "retention", "1.5")
    assert bad_retention.exit_code == 2 and "0.7<=x<=0.99" in bad_retention.output


def test_an_exam_date_in_the_past_is_refused_with_what_to_do(tmp_path):
    result = run(tmp_path, "exam-date", "2020-01-01")
    assert result.exit_code == 2
    assert ("Invalid value for DAY: 2020-01-01 is in the past (today is 2026-11-26); give the coming exam's "
            "date, or 'none'") in result.output
    assert "exam date:         none" in run(tmp_path, "show").output
