"""`meshdrill simulate`: run the Traffic streams of some manifests through the simulated mesh.

Exit codes: 0 simulated; 2 bad input (unreadable files: EngineError, one line from the CLI group;
or every object rejected, so nothing could be simulated: the rejections are printed).
"""

from __future__ import annotations

import sys

import click

EXIT_NOTHING_SIMULATED = 2


@click.command(short_help="Where requests go in a simulated mesh: routes, mTLS, retries.")
@click.option("-f", "--filename", "paths", multiple=True, required=True, metavar="PATH",
              help="File, folder (recursive *.yaml|*.yml) or - for stdin; repeatable.")
@click.option("--seed", type=int, default=None, metavar="N",
              help="Random seed (default: the Traffic's seed, else 1). Same input + seed = same result.")
@click.option("-o", "--output", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table: charts for people; json: the stable contract for tools.")
@click.option("--explain", type=click.IntRange(min=0), default=None, metavar="N",
              help="Show the decision trace of request N (0-based) of every stream.")
def simulate(paths: tuple[str, ...], seed: int | None, fmt: str, explain: int | None) -> None:
    """Predict what Istio + Envoy do with each stream of requests.

    Input: Kubernetes and Istio objects plus a meshdrill/v1 Topology and Traffic. Per stream:
    where requests land, status codes, Envoy response flags, mTLS, attempts and latency.
    Objects the API server or Istio's webhook would reject take no part, as on a real cluster.
    """
    from engine.config import load_config
    from engine.simulation.run import simulate as run
    from trainer.render import simulation as render

    config = load_config(list(paths), stdin=sys.stdin)
    nothing_left = not config.resources and bool(config.rejected)
    result = run(config, seed=seed, explain=explain)
    if fmt == "json":
        click.echo(render.as_json(result))
    else:
        from trainer.render.theme import make_console

        render.print_result(make_console(), result, explain)
    if nothing_left:
        click.echo("meshdrill: error: every object was rejected; nothing to simulate", err=True)
        sys.exit(EXIT_NOTHING_SIMULATED)
