"""The README documents every command and subcommand, and its Start section is exactly the two
commands that install and run (and that CI runs)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from trainer.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUN = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/meshdrill"
TEST = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"


def _section(title: str) -> str:
    match = re.search(rf"^## {title}.*?$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_every_command_and_subcommand_appears_in_the_readme():
    ctx = click.Context(cli)
    missing = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, f"{name} is registered but does not load"
        if f"`meshdrill {name}" not in README:
            missing.append(name)
        if isinstance(command, click.Group):
            missing += [f"{name} {sub}" for sub in command.list_commands(ctx)
                        if f"`meshdrill {name} {sub}" not in README]
    assert not missing, f"not in README.md: {missing}"


def test_the_start_section_holds_exactly_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", _section("Start"), re.S)
    assert [b.strip() for b in blocks] == [RUN, TEST]


def test_ci_runs_the_readme_test_command():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert TEST in lines


def test_data_location_benchmarks_and_formats_are_documented():
    assert "MESHDRILL_HOME" in README and "meshdrill.db" in README
    for script in sorted((ROOT / "bench").glob("*.py")):
        assert f"bench/{script.name}" in README, f"bench/{script.name} is not in README.md"
    for path in ("trainer/deckfile.py", "engine/grading/exercise.py", "engine/resources/meshdrill.py"):
        assert f"`{path}`" in README and (ROOT / path).is_file()
