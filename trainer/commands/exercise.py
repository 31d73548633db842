"""`meshdrill exercise list|show|start`: browse the hands-on exercises and practise one."""

from __future__ import annotations

import click

from trainer.app import App, pass_app

EXIT_INTERRUPTED = 130


@click.group()
def exercise() -> None:
    """Hands-on Istio exercises, graded by a simulated mesh."""


@exercise.command("list", short_help="The exercises, easiest first, with your status.")
@click.option("--topic", "-t", metavar="TOPIC", help="Only exercises with this topic (e.g. mtls, retries).")
@click.option("--level", "-l", type=click.IntRange(1, 5), metavar="N", help="Only exercises of level N (1-5).")
@pass_app
def list_(app: App, topic: str | None, level: int | None) -> None:
    """The exercises, easiest first, with your status: new, passed, failed or due."""
    from trainer.exercises import shipped_exercises
    from trainer.exercise_flow import exercise_status
    from trainer.render.grade import list_view

    chosen = sorted((e for e in shipped_exercises()                  # easiest first, file order within a level
                     if (topic is None or topic in e.topics) and (level is None or e.level == level)),
                    key=lambda e: e.level)
    if not chosen:
        app.out.print("no exercise matches; `meshdrill exercise list` shows them all", style="md.warn")
        return
    try:
        status = exercise_status(app, app.now())
    finally:
        app.close()
    app.out.print(list_view(chosen, status))


@exercise.command(short_help="The task: prompt, cluster, traffic, checks and starter.")
@click.argument("exercise_id", metavar="ID")
@pass_app
def show(app: App, exercise_id: str) -> None:
    """The task: prompt, starting cluster, traffic, published checks and starter."""
    from engine.grading.grader import start_of
    from trainer.exercises import exercise
    from trainer.render.grade import sheet_view

    chosen = exercise(exercise_id)
    app.out.print(sheet_view(chosen, start_of(chosen)))


@exercise.command(short_help="Work on an exercise: edit, grade, retry, hints.")
@click.argument("exercise_id", metavar="ID")
@pass_app
@click.pass_context
def start(ctx: click.Context, app: App, exercise_id: str) -> None:
    """Work on an exercise: edit the answer file, grade, retry, ask for hints.

    Uses $VISUAL, else $EDITOR, when set; otherwise edit the printed file and press enter.
    Ctrl-C saves the attempt; starting again resumes it.
    """
    from trainer.exercise_flow import run_exercise

    try:
        run_exercise(app, exercise_id)
    except KeyboardInterrupt:   # the flow already said the attempt is saved and how to resume
        ctx.exit(EXIT_INTERRUPTED)
    finally:
        app.close()
