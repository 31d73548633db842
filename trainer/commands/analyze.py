"""`meshdrill analyze`: what `kubectl apply` would reject and what `istioctl analyze -A` reports.

Flags, formats, thresholds and exit codes as istioctl (istioctl/pkg/analyze/analyze.go): the exit
code is computed from the unfiltered findings and only `-o log` fails (79); `-o json|yaml` always
exit 0. Unreadable paths are an EngineError (exit 2, one line, from the CLI group).
"""

from __future__ import annotations

import sys

import click

EXIT_ANALYZER_FOUND_ISSUES = 79      # istioctl/cmd/sysexits.go ExitAnalyzerFoundIssues
LEVELS = ("Error", "Warning", "Info")


@click.command(short_help="What kubectl apply would reject and istioctl analyze reports.")
@click.option("-f", "--filename", "paths", multiple=True, required=True, metavar="PATH",
              help="File, folder (recursive *.yaml|*.yml) or - for stdin; repeatable.")
@click.option("-o", "--output", "fmt", type=click.Choice(["log", "json", "yaml"]), default="log",
              show_default=True, help="Output format, as istioctl's.")
@click.option("--failure-threshold", type=click.Choice(LEVELS, case_sensitive=False), default="Error",
              show_default=True, help="Lowest level that makes -o log exit 79.")
@click.option("--output-threshold", type=click.Choice(LEVELS, case_sensitive=False), default="Info",
              show_default=True, help="Lowest level printed.")
def analyze(paths: tuple[str, ...], fmt: str, failure_threshold: str, output_threshold: str) -> None:
    """Report what Kubernetes would reject and what istioctl analyze -A would say.

    The cluster holds exactly the given objects plus Istio's default ingress gateway
    (istio-system/istio-ingressgateway, istio=ingressgateway). Findings with MD codes are
    meshdrill's: API-server and YAML errors, and teaching hints beyond istioctl.
    """
    from engine.analysis import analyze as run
    from engine.config import load_config
    from engine.diagnostics import Level
    from trainer.render import analysis as render

    findings = run(load_config(list(paths), stdin=sys.stdin))
    fail_at = Level[failure_threshold.upper()]
    shown = [d for d in findings if d.level <= Level[output_threshold.upper()]]
    if fmt == "json":
        click.echo(render.as_json(shown))
        return
    if fmt == "yaml":
        click.echo(render.as_yaml(shown), nl=False)
        return
    from trainer.render.theme import make_console

    render.print_log(make_console(), shown)
    if any(d.level <= fail_at for d in findings):
        click.echo(render.failure_lines(), err=True)
        sys.exit(EXIT_ANALYZER_FOUND_ISSUES)
    if not shown:
        click.echo(render.success_line(), err=True)
