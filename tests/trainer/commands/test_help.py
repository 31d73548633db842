"""Every command and subcommand has help, and its one-line summary reads whole at 80 columns."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from trainer.cli import COMMANDS, cli


def _commands() -> list[tuple[str, ...]]:
    ctx = click.Context(cli)
    paths = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in command.list_commands(ctx)]
    return paths


@pytest.mark.parametrize("group", [(), *[p for p in _commands() if len(p) == 1]], ids=str)
def test_command_summaries_are_not_cut_at_80_columns(group):
    result = CliRunner().invoke(cli, [*group, "--help"], terminal_width=80)
    assert result.exit_code == 0
    if "Commands:" in result.output:
        listing = result.output.split("Commands:")[1].strip().splitlines()
        assert listing and not [line for line in listing if line.rstrip().endswith("...")]


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_has_help_text(path):
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0 and f"Usage: cli {' '.join(path)}" in result.output
    body = result.output.split("\n\n")[1].strip()
    assert body and not body.startswith("Options:")


def test_exercise_start_help_names_the_editor_variables_in_the_order_they_are_read():
    result = CliRunner().invoke(cli, ["exercise", "start", "--help"], terminal_width=80)
    assert "Uses $VISUAL, else $EDITOR, when set" in " ".join(result.output.split())
