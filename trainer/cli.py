"""The `meshdrill` command: a thin, lazily loaded click group.

Subcommands live in `trainer.commands.*` and are imported only when invoked, so
`meshdrill --help` and the daily quiz start without loading the engine.
Library errors become one clear line and an exit code here, in one place.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

# name -> "module:attribute". One explicit registry, sorted; no auto-discovery.
COMMANDS: dict[str, str] = {
    "analyze": "trainer.commands.analyze:analyze",
    "config": "trainer.commands.config:config",
    "deck": "trainer.commands.deck:deck",
    "exercise": "trainer.commands.exercise:exercise",
    "grade": "trainer.commands.grade:grade",
    "quiz": "trainer.commands.quiz:quiz",
    "simulate": "trainer.commands.simulate:simulate",
    "stats": "trainer.commands.stats:stats",
}

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # registered but not built yet
                return None
            raise
        return getattr(module, attr)

    def invoke(self, ctx: click.Context):  # one place where errors become user messages
        from trainer.errors import TrainerError

        try:
            return super().invoke(ctx)
        except TrainerError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: everything answered so far is saved.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except OSError as exc:
            name = getattr(exc, "filename", None)
            _fail(f"{name}: {exc.strerror}" if name else str(exc), EXIT_USAGE)
        except Exception as exc:  # never a traceback for the user
            if _is_engine_error(exc):
                _fail(str(exc), EXIT_USAGE)
            if os.environ.get("MESHDRILL_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} "
                  "(set MESHDRILL_DEBUG=1 for a traceback and please report it)", EXIT_INTERNAL)


def _is_engine_error(exc: Exception) -> bool:
    # Looked up, not imported: the quiz never loads the engine, and if engine.errors was never
    # imported no EngineError can have been raised.
    errors = sys.modules.get("engine.errors")
    return errors is not None and isinstance(exc, errors.EngineError)


def _fail(message: str, code: int) -> None:
    click.echo(f"meshdrill: error: {message}", err=True)
    sys.exit(code)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="meshdrill", prog_name="meshdrill")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """meshdrill: remember Istio and do the work.

    With no command, runs today's quiz: due reviews, new cards and a hands-on exercise.
    """
    if ctx.invoked_subcommand is None:
        quiz = cli.get_command(ctx, "quiz")
        if quiz is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(quiz)


def main() -> None:
    cli(prog_name="meshdrill")
