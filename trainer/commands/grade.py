"""`meshdrill grade ID FILE...`: grade an answer without the interactive flow (CI, scripts).

Exit codes: 0 pass, 1 fail, 2 bad input (unknown exercise, unreadable file, YAML syntax error).
"""

from __future__ import annotations

import json

import click

from trainer.app import App, pass_app

EXIT_FAIL = 1
EXIT_BAD_INPUT = 2


@click.command(short_help="Grade an answer file for an exercise (exit 0 pass, 1 fail).")
@click.argument("exercise_id", metavar="ID")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: checks with feedback; json: the grade as one JSON object.")
@pass_app
@click.pass_context
def grade(ctx: click.Context, app: App, exercise_id: str, files: tuple[str, ...], output: str) -> None:
    """Grade the answer FILE... (Istio YAML; one or several files) for exercise ID.

    Exit code 0 when every check passes, 1 when one fails, 2 when the input cannot be graded.
    """
    from engine.grading.grader import grade as grade_answer
    from engine.loading import read_paths
    from trainer.exercises import exercise as shipped

    exercise = shipped(exercise_id)
    result = grade_answer(exercise, read_paths(list(files)))
    if output == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        from trainer.render.grade import grade_view, syntax_error_view

        app.out.print(syntax_error_view(result) if result.syntax_error else grade_view(result))
    if result.syntax_error:
        ctx.exit(EXIT_BAD_INPUT)
    ctx.exit(0 if result.passed else EXIT_FAIL)
