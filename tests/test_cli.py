"""The CLI shell: help, version, and the one error path."""

import subprocess
import sys

from click.testing import CliRunner

from engine import __version__
from trainer.cli import COMMANDS, cli


def test_version_prints_package_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"meshdrill, version {__version__}"


def test_help_lists_every_registered_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "meshdrill: remember Istio and do the work." in result.output
    commands = result.output.split("Commands:", 1)[1]
    listed = [line.split()[0] for line in commands.splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)   # every registered module exists and loads


def test_an_engine_error_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["analyze", "-f", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "missing.yaml" in result.output
    assert "Traceback" not in result.output


def test_command_registry_is_sorted():
    assert list(COMMANDS) == sorted(COMMANDS)


def test_engine_import_stays_pure():
    """engine/ imports only the standard library, yaml and re2 (STYLE.md)."""
    code = ("import sys, engine, engine.errors\n"
            "import pkgutil, importlib\n"
            "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = [m for m in ('click', 'rich', 'sqlite_utils', 'sqlite3', 'fsrs', 'genanki') if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
