"""The interactive exercise flow, scripted: keys come from stdin lines, $EDITOR is a script."""

from __future__ import annotations

import io
import stat
import sys
from datetime import datetime, timedelta, timezone

import pytest

from engine.grading.exercise import find_exercise
from trainer.exercises import shipped_exercises
from trainer.app import App
from trainer.exercise_flow import Workspace, exercise_status, run_exercise
from trainer.keys import Keys
from trainer.render.theme import make_console
from trainer.storage import get_state

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
CANARY = find_exercise(shipped_exercises(), "canary-10")


class Clock:
    def __init__(self):
        self.moment = T0

    def __call__(self):
        self.moment += timedelta(seconds=30)
        return self.moment


def make_app(tmp_path, keys: str) -> tuple[App, io.StringIO]:
    screen = io.StringIO()
    app = App(home=tmp_path, now=Clock(), seed=1, tz=timezone.utc,
              console=make_console(file=screen, width=120), keys=Keys(io.StringIO(keys)))
    return app, screen


def editor_writing(tmp_path, *answers: str) -> str:
    """An $EDITOR that writes the next answer into the file it is given, each time it is run."""
    for i, text in enumerate(answers):
        (tmp_path / f"answer{i}.yaml").write_text(text)
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import pathlib, sys\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "count = folder / 'count'\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[1]).write_text((folder / f'answer{n}.yaml').read_text())\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{sys.executable} {script}"


def test_pass_first_try_with_editor_records_attempt(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", editor_writing(tmp_path, CANARY.solution))
    monkeypatch.delenv("VISUAL", raising=False)
    app, screen = make_app(tmp_path, "")
    result = run_exercise(app, "canary-10")
    assert result.passed and result.tries == 1 and result.recorded
    text = screen.getvalue()
    assert "PASS  4/4 checks" in text and "weighted clusters" in text      # the explanation follows a pass
    state = get_state(app.store(), "exercise", "canary-10")
    assert state.reps == 1 and state.due > T0
    assert exercise_status(app, T0) == {"canary-10": "passed"}
    space = Workspace(tmp_path, "canary-10")                      # next practice starts afresh
    assert not space.answer.exists()
    assert (space.folder / "canary-10.previous.yaml").read_text() == CANARY.solution


def test_wrong_answer_then_hint_then_solution_then_pass(tmp_path, monkeypatch):
    wrong = CANARY.wrong_answers[0].yaml
    monkeypatch.setenv("EDITOR", editor_writing(tmp_path, wrong, CANARY.solution))
    app, screen = make_app(tmp_path, "h\ns\n\n")
    result = run_exercise(app, "canary-10")
    text = screen.getvalue()
    assert "FAIL  2/4 checks" in text and "observed 90% (1800/2000); expected between 7% and 13%" in text
    assert "e.g. request 0 went to reviews-v2-0" in text
    assert f"hint 1/{len(CANARY.hints)}: {CANARY.hints[0]}" in text
    assert "Reference solution" in text
    assert result.passed and result.tries == 2 and result.hints_used == 1
    assert exercise_status(app, T0) == {"canary-10": "failed"}     # passed only after reading the solution


def test_solution_is_not_offered_before_a_failed_try(tmp_path, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app, screen = make_app(tmp_path, "s\nq\n")
    result = run_exercise(app, "canary-10")
    assert "the solution is offered after a failed try" in screen.getvalue()
    assert "Reference solution" not in screen.getvalue()
    assert not result.recorded                                   # nothing graded: nothing to schedule
    written = Workspace(tmp_path, "canary-10").answer.read_text()
    assert written.startswith("# canary-10: Canary 10% of reviews traffic to v2\n#\n# reviews v2 is the new release.")
    assert written.endswith(CANARY.starter)                      # the task as comments, then the starter


def test_without_editor_enter_grades_the_file_and_syntax_errors_are_not_tries(tmp_path, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    space = Workspace(tmp_path, "canary-10")
    space.prepare("kind: [oops\n")
    app, screen = make_app(tmp_path, "\nq\n")
    result = run_exercise(app, "canary-10")
    text = screen.getvalue()
    assert f"Your answer: {space.answer}" in text and "press enter here to grade" in text
    assert "canary-10.yaml:2: YAML syntax error" in text
    assert result.tries == 0 and not result.recorded


def test_ctrl_c_saves_the_attempt_and_the_next_start_resumes(tmp_path, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)

    class Interrupting(Keys):
        def __init__(self, script):
            super().__init__(io.StringIO(script))

        def key(self):
            k = super().key()
            if k == "x":
                raise KeyboardInterrupt
            return k

    app, screen = make_app(tmp_path, "")
    app.keys = Interrupting("\nh\nx\n")
    with pytest.raises(KeyboardInterrupt):
        run_exercise(app, "canary-10")
    assert "attempt saved (1 try, 1 hint)" in screen.getvalue()
    saved = Workspace(tmp_path, "canary-10").load_state()
    assert saved.tries == 1 and saved.hints_used == 1 and saved.seconds > 0

    Workspace(tmp_path, "canary-10").answer.write_text(CANARY.solution)
    app2, screen2 = make_app(tmp_path, "\n")
    result = run_exercise(app2, "canary-10")
    assert "(resumed)" in screen2.getvalue()
    assert result.passed and result.tries == 2 and result.hints_used == 1
    assert Workspace(tmp_path, "canary-10").load_state() is None
