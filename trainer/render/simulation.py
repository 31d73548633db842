"""Rich views of a `SimulationResult`: per stream a bar chart of destinations, then status codes,
response flags, TLS outcome, attempts and latency; `--explain N` as a numbered decision trace."""

from __future__ import annotations

import json

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from engine.simulation.result import DestinationCount, RequestTrace, SimulationResult, StreamResult

BAR_WIDTH = 20
BLOCK = "█"


def as_json(result: SimulationResult) -> str:
    return json.dumps(result.to_dict(), indent=2)


def print_result(console: Console, result: SimulationResult, explain: int | None = None) -> None:
    if result.rejected:
        print_rejections(console, result)
    # A rejected object is also an IST0106 finding (as istioctl says it); list it once here.
    rejected = {(d.origin, d.message) for d in result.rejected}
    findings = [d for d in result.findings if (d.origin, d.message) not in rejected]
    if findings:
        console.print(Text("Findings", style="md.title"))
        for d in findings:
            where = f" ({d.reference})" if d.reference else ""
            console.print(Text(f"  {d.level} [{d.code}] {d.origin}{where}: {d.message}",
                               style="md.wrong" if d.level == 0 else "md.warn"))
        console.print()
    if not result.streams:
        console.print(Text("No streams to simulate: add a meshdrill/v1 Traffic with streams.", style="md.dim"))
    for stream in result.streams:
        print_stream(console, stream)
        if explain is not None and explain in stream.traces:
            print_trace(console, stream.traces[explain])
        elif explain is not None:
            console.print(Text(f"Request {explain} was not sent: this stream sends {stream.requests}.\n",
                               style="md.dim"))


def print_rejections(console: Console, result: SimulationResult) -> None:
    console.print(Text("Rejected (not applied, as kubectl apply would refuse them)", style="md.title"))
    for d in result.rejected:
        where = f"{d.reference}: " if d.reference else ""
        path = f" [{d.path}]" if d.path else ""
        console.print(Text(f"  {where}{d.origin}{path}: {d.message}", style="md.wrong"))
    console.print()


def print_stream(console: Console, stream: StreamResult) -> None:
    console.print(Text(f"Stream {stream.index}: {stream.from_} -> {stream.to} ({stream.requests} requests)",
                       style="md.title"))
    expected = {(e.service, e.namespace, e.subset, tuple(sorted(e.labels.items()))): e.share
                for e in stream.expected}
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("destination")
    table.add_column("workload")
    table.add_column("requests", justify="right")
    table.add_column("share", justify="right")
    table.add_column("expected", justify="right")
    table.add_column("")
    for d in stream.destinations:
        key = (d.service, d.namespace, d.subset, tuple(sorted(d.labels.items())))
        want = expected.pop(key, None)
        table.add_row(destination_label(d), _labels(d.labels), str(d.requests), f"{d.share:.1%}",
                      "" if want is None else f"{want:.1%}", bar(d.share))
    for (service, namespace, subset, labels), want in expected.items():   # expected, never reached
        name = f"{service}.{namespace}{'/' + subset if subset else ''}"
        table.add_row(name, _labels(dict(labels)), "0", "0.0%", f"{want:.1%}", "")
    if stream.destinations or stream.expected:
        console.print(Padding(table, (0, 0, 0, 2)))
    else:
        console.print(Text("  no request reached an endpoint", style="md.dim"))
    console.print(Padding(_outcomes(stream), (0, 0, 0, 2)))
    a = stream.attempts
    line = f"  attempts  {a.total} in all, mean {a.mean:g}, max {a.max}"
    if stream.mirrored:
        line += f"   mirrored {stream.mirrored}"
    console.print(Text(line))
    lat = stream.latency_ms
    console.print(Text(f"  latency   p50 {lat['p50']:g}ms  p90 {lat['p90']:g}ms  p99 {lat['p99']:g}ms"))
    for note in stream.uncertain:
        console.print(Text(f"  uncertain: {note}", style="md.warn"))
    console.print()


def print_trace(console: Console, trace: RequestTrace) -> None:
    console.print(Text(f"Request {trace.index}", style="md.title"))
    for number, step in enumerate(trace.steps, 1):
        line = Text(f"  {number:>2}. ")
        line.append(f"{step.stage:<16}", style="md.option")
        line.append(step.detail)
        if step.reference:
            line.append(f"  {step.reference}", style="md.dim")
        console.print(line)
    console.print()


def destination_label(d: DestinationCount) -> str:
    """service.namespace:port/subset, as a cluster name reads (outbound|port|subset|host)."""
    return f"{d.service}.{d.namespace}:{d.port}{'/' + d.subset if d.subset else ''}"


def bar(share: float) -> str:
    return BLOCK * round(max(0.0, min(1.0, share)) * BAR_WIDTH)


def _labels(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _outcomes(stream: StreamResult) -> Table:
    """Status codes, response flags and TLS outcomes, each with its share and a bar."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, show_header=False)
    for _ in range(2):
        table.add_column()
    table.add_column(justify="right")
    table.add_column(justify="right")
    table.add_column()
    total = stream.requests
    tls = {k: v for k, v in stream.tls.items() if v}
    for title, counts in (("status", stream.status), ("flags", stream.flags), ("tls", tls)):
        for row, (key, n) in enumerate(counts.items()):
            share = n / total if total else 0.0
            table.add_row(title if row == 0 else "", key, str(n), f"{share:.1%}", bar(share))
    return table
