"""`meshdrill exercise list|show|start` through CliRunner."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from engine.grading.exercise import find_exercise
from trainer.exercises import shipped_exercises
from trainer.app import App
from trainer.cli import cli
from trainer.render.theme import make_console
from trainer.storage import Store, record_exercise_attempt

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def run(tmp_path, *args, keys="", now=T0):
    app = App(home=tmp_path, now=lambda: now, console=make_console(width=200), tz=timezone.utc)
    return CliRunner().invoke(cli, ["exercise", *args], obj=app, input=keys)


def test_list_filters_and_shows_status(tmp_path):
    store = Store(tmp_path / "meshdrill.db")
    record_exercise_attempt(store, "canary-10", True, 1.0, 0, 1, 60.0, T0)
    record_exercise_attempt(store, "canary-25", False, 0.5, 1, 3, 60.0, T0)
    store.close()
    result = run(tmp_path, "list", "--topic", "canary")
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line.split()[2]                       # lvl id status title
            for line in result.output.splitlines() if line.split()[:1] in (["1"], ["2"], ["3"], ["4"], ["5"])}
    assert rows == {"canary-10": "passed", "canary-25": "failed", "retries-cannot-fix-subset": "new",
                    "progressive-delivery-strict": "new"}
    later = run(tmp_path, "list", "--level", "1", now=T0 + timedelta(days=400))
    assert "due" in later.output and "three-way-split" not in later.output


def test_show_publishes_prompt_cluster_checks_and_starter(tmp_path):
    exercise = find_exercise(shipped_exercises(), "debug-unreachable-rule")
    result = run(tmp_path, "show", "debug-unreachable-rule")
    assert result.exit_code == 0
    for expected in ("jason always lands on v1", "service default/reviews (http 9080)",
                     "Istio config already applied", "jason: default/productpage → reviews:9080, 200 requests",
                     "no-unreachable: IST0130 is not reported", "Starter", exercise.starter.splitlines()[0]):
        assert expected in result.output


def test_start_without_editor_grades_on_enter(tmp_path, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    exercise = find_exercise(shipped_exercises(), "define-subsets")
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "define-subsets.yaml").write_text(exercise.solution)
    result = run(tmp_path, "start", "define-subsets", keys="\n")
    assert result.exit_code == 0, result.output
    assert "PASS  4/4 checks" in result.output


def test_unknown_id_is_one_line_exit_2(tmp_path):
    result = run(tmp_path, "show", "nope")
    assert result.exit_code == 2
    assert result.output.strip() == ("meshdrill: error: no exercise with id 'nope' "
                                     "(`meshdrill exercise list` shows the ids)")


def test_ctrl_c_during_start_says_once_that_the_attempt_is_saved_and_exits_130(tmp_path, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)

    class CtrlC:
        def key(self):
            raise KeyboardInterrupt

        def line(self):
            raise KeyboardInterrupt

    app = App(home=tmp_path, now=lambda: T0, console=make_console(width=200), tz=timezone.utc, keys=CtrlC())
    result = CliRunner().invoke(cli, ["exercise", "start", "canary-10"], obj=app)
    assert result.exit_code == 130
    assert "attempt saved (0 tries, 0 hints); `meshdrill exercise start canary-10` resumes it" in result.output
    assert "interrupted" not in result.output
