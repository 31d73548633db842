"""The interactive hands-on flow: `meshdrill exercise start ID` (and due exercises in the quiz).

The starter goes into a workspace file under the app home (`exercises/<id>.yaml`); `$EDITOR`
opens it when set (grading when the editor exits), otherwise the path is printed and Enter
grades it. Retries are unlimited; hints come one at a time; the reference solution only on
request after a failed try. Ctrl-C saves the attempt (tries, hints, time) next to the
workspace file and re-raises, so the next start resumes it. A finished attempt is recorded for
scheduling through `record_attempt` (one function: the only place that knows storage).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import textwrap
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from trainer.app import App
from trainer.errors import TrainerError
from trainer.keys import ENTER, QUIT, SPACE

KEYS_HELP = "enter: {grade} · h: hint · s: solution (after a failed try) · q: quit"


@dataclass
class AttemptState:
    """What survives a Ctrl-C: resumed by the next `exercise start`."""

    tries: int = 0
    hints_used: int = 0
    seconds: float = 0.0
    best_score: float = 0.0
    solution_seen: bool = False


@dataclass(frozen=True)
class FlowResult:
    exercise_id: str
    passed: bool
    score: float
    tries: int
    hints_used: int
    recorded: bool


class Workspace:
    """The learner's answer file and the saved attempt state for one exercise."""

    def __init__(self, home: Path, exercise_id: str) -> None:
        self.folder = Path(home) / "exercises"
        self.answer = self.folder / f"{exercise_id}.yaml"
        self.state_file = self.folder / f"{exercise_id}.attempt.json"

    def prepare(self, starter: str, header: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.answer.exists():
            self.answer.write_text(header + starter, encoding="utf-8")

    def load_state(self) -> AttemptState | None:
        try:
            return AttemptState(**json.loads(self.state_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def save_state(self, state: AttemptState) -> None:
        self.state_file.write_text(json.dumps(asdict(state)), encoding="utf-8")

    def clear_state(self) -> None:
        self.state_file.unlink(missing_ok=True)

    def archive(self) -> Path:
        """Keep the finished answer aside, so the next practice starts from the starter again."""
        previous = self.folder / f"{self.answer.stem}.previous.yaml"
        if self.answer.exists():
            self.answer.replace(previous)
        return previous


def task_header(exercise) -> str:
    """The task as YAML comments on top of the starter: visible while editing, ignored by the grader."""
    from trainer.render.grade import reflow

    lines = [f"{exercise.id}: {exercise.title}", ""]
    for paragraph in reflow(exercise.prompt).splitlines():
        lines += textwrap.wrap(paragraph, 88, subsequent_indent="  " if paragraph.startswith("- ") else "") or [""]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines) + "\n"


def record_attempt(app: App, exercise_id: str, passed: bool, state: AttemptState, now: datetime) -> None:
    """Store the attempt so the exercise is scheduled like a card (FSRS, rated from the grade)."""
    from trainer.storage import record_exercise_attempt

    record_exercise_attempt(app.store(), exercise_id, passed, state.best_score, state.hints_used,
                            state.tries, state.seconds, now)


def exercise_status(app: App, now: datetime) -> dict[str, str]:
    """id -> new | passed | failed | due, from the attempts log and the schedule."""
    from trainer.storage import due_exercises, last_exercise_results

    store = app.store()
    status = {exercise_id: "passed" if passed else "failed"
              for exercise_id, passed in last_exercise_results(store).items()}
    for exercise_id in due_exercises(store, now):
        status[exercise_id] = "due"
    return status


def run_exercise(app: App, exercise_id: str) -> FlowResult:
    from engine.grading.grader import start_of
    from trainer.exercises import exercise as shipped
    from trainer.render.grade import sheet_view

    exercise = shipped(exercise_id)
    out, keys = app.out, app.input
    space = Workspace(app.home_dir, exercise.id)
    space.prepare(exercise.starter, task_header(exercise))
    state = space.load_state() or AttemptState()
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    out.print(sheet_view(exercise, start_of(exercise), starter=False))
    out.print(f"\nYour answer: {space.answer}" + (" (resumed)" if state.tries or state.hints_used else ""),
              style="md.title")
    if not editor:
        out.print("Edit it in any editor and save; then press enter here to grade it.", style="md.dim")
    started = app.now()
    hints = list(exercise.hints[state.hints_used:])
    help_line = KEYS_HELP.format(grade="edit and grade" if editor else "grade the file")
    try:
        key = ENTER if editor else _ask(keys, out, help_line)     # with an editor, start editing at once
        while True:
            if key in (ENTER, SPACE):
                if editor:
                    _edit(editor, space.answer, out)
                outcome = _grade_once(exercise, space.answer, state, out)
                if outcome is not None and outcome.passed:
                    return _finish(app, exercise, space, state, started, True)
            elif key == "h":
                if hints:
                    state.hints_used += 1
                    out.print(f"hint {state.hints_used}/{len(exercise.hints)}: {hints.pop(0)}", style="md.answer")
                else:
                    out.print("no more hints", style="md.dim")
            elif key == "s":
                if state.tries and state.best_score < 1.0:
                    state.solution_seen = True
                    out.print("Reference solution (one of many that pass):", style="md.title")
                    out.print(exercise.solution.rstrip(), style="md.snippet", highlight=False)
                else:
                    out.print("the solution is offered after a failed try", style="md.dim")
            elif key == QUIT:
                return _finish(app, exercise, space, state, started, False)
            key = _ask(keys, out, help_line)
    except KeyboardInterrupt:
        state.seconds += _elapsed(app, started)
        space.save_state(state)
        tries = f"{state.tries} {'try' if state.tries == 1 else 'tries'}"
        used = f"{state.hints_used} hint{'' if state.hints_used == 1 else 's'}"
        out.print(f"\nattempt saved ({tries}, {used}); "
                  f"`meshdrill exercise start {exercise.id}` resumes it", style="md.warn")
        raise


def _ask(keys, out, help_line: str) -> str:
    out.print(help_line, style="md.keys")
    return keys.key()


def _grade_once(exercise, path: Path, state: AttemptState, out):
    from engine.grading.grader import grade
    from trainer.render.grade import grade_view, syntax_error_view

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.print(f"{path}: cannot read it ({exc}); save it as UTF-8 text and try again", style="md.wrong")
        return None
    result = grade(exercise, [(path.name, text)])
    if result.syntax_error:                       # not a try: nothing could be graded
        out.print(syntax_error_view(result))
        return None
    state.tries += 1
    state.best_score = max(state.best_score, result.score)
    out.print(grade_view(result))
    return result


def _finish(app: App, exercise, space: Workspace, state: AttemptState, started: datetime,
            passed: bool) -> FlowResult:
    out = app.out
    now = app.now()
    state.seconds += _elapsed(app, started, now)
    if passed:
        from trainer.render.grade import reflow

        out.print(reflow(exercise.explanation), style="md.dim")
    counted = passed and not state.solution_seen   # solved after reading the solution: practise again soon
    recorded = state.tries > 0
    if recorded:
        record_attempt(app, exercise.id, counted, state, now)
        space.clear_state()
        out.print(f"your answer is kept in {space.archive()}; the next practice starts afresh", style="md.dim")
    if passed and state.solution_seen:
        out.print("passed after viewing the solution: scheduled as a miss, to practise again soon", style="md.warn")
    return FlowResult(exercise.id, passed, state.best_score, state.tries, state.hints_used, recorded)


def _elapsed(app: App, started: datetime, now: datetime | None = None) -> float:
    return max(0.0, ((now or app.now()) - started).total_seconds())


def _edit(editor: str, path: Path, out) -> None:
    try:
        code = subprocess.call([*shlex.split(editor), str(path)])
    except OSError as exc:
        raise TrainerError(f"cannot run the editor {editor!r}: {exc.strerror}",
                           hint="set $EDITOR to an installed editor, or unset it and edit the file yourself") from None
    if code != 0:
        out.print(f"the editor exited with status {code}; grading what was saved", style="md.warn")
