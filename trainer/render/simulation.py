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
        grid = Table.grid(padding=(0, 1))        # the level as a column: wrapped findings stay apart
        grid.add_column(no_wrap=True)
        grid.add_column()
        for d in findings:
            where = f" ({d.reference})" if d.reference else ""
            style = "md.wrong" if d.level == 0 else "md.warn"
            grid.add_row(Text(f"  {d.level}", style=style), Text(f"[{d.code}] {d.origin}{where}: {d.message}", style=style))
        console.print(grid)
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
        head = ": ".join(p for p in (d.reference, d.origin + (f" [{d.path}]" if d.path else "")) if p)
        line = Text(f"{head}: {d.message}" if head else d.message, style="md.wrong")
        console.print(Padding(line, (0, 0, 0, 2)))   # wrapped lines stay indented under their item
    console.print()


def print_stream(console: Console, stream: StreamResult) -> None:
    console.print(Text(f"Stream {stream.index}: {stream.from_} -> {stream.to} ({stream.requests} requests)",
                       style="md.title"))
    expected = {(e.service, e.namespace, e.subset, tuple(sorted(e.labels.items()))): e.share
                for e in stream.expected}
    rows = [(d.service, d.namespace, d.port, d.subset, d.labels) for d in stream.destinations]
    rows += [(e.service, e.namespace, None, e.subset, e.labels) for e in stream.expected]
    show_ns = len({r[1] for r in rows}) > 1 or any(r[1] != _sender_namespace(stream) for r in rows)
    show_port = len({r[2] for r in rows if r[2] is not None}) > 1
    cells: list[tuple[str, str, str, str, str, float]] = []
    for d in stream.destinations:
        key = (d.service, d.namespace, d.subset, tuple(sorted(d.labels.items())))
        want = expected.pop(key, None)
        cells.append((compact_destination(d.service, d.namespace, d.port if show_port else None, d.subset,
                                          show_ns),
                      workload_label(d.service, d.labels), str(d.requests), f"{d.share:.1%}",
                      "" if want is None else f"{want:.1%}", d.share))
    for (service, namespace, subset, labels), want in expected.items():   # expected, never reached
        cells.append((compact_destination(service, namespace, None, subset, show_ns),
                      workload_label(service, dict(labels)), "0", "0.0%", f"{want:.1%}", 0.0))
    # The names must stay whole on an 80-column terminal: the bar is what gives way.
    headers = ("destination", "workload", "requests", "share", "expected")
    used = 2 + sum(max(len(h), *(len(c[i]) for c in cells)) + 2 for i, h in enumerate(headers)) if cells else 0
    bar_width = max(0, min(BAR_WIDTH, console.width - used))
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    for h in headers:
        table.add_column(h, justify="left" if h in ("destination", "workload") else "right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for *text, share in cells:
        table.add_row(*text, bar(share, bar_width) if share else "")
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
    grid = Table.grid(padding=(0, 1))        # a wrapped step stays in the detail column
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, min_width=15)
    grid.add_column()
    for number, step in enumerate(trace.steps, 1):
        detail = Text(step.detail)
        if step.reference:
            detail.append(f"  {step.reference}", style="md.dim")
        grid.add_row(f"  {number:>2}.", Text(step.stage, style="md.option"), detail)
    console.print(grid)
    console.print()


def compact_destination(service: str, namespace: str, port: int | None, subset: str | None,
                        show_namespace: bool) -> str:
    """`reviews/v1`: the namespace only when it tells something (not the sender's, or several),
    the port only when the destinations differ in it (the stream line already names it)."""
    name = f"{service}.{namespace}" if show_namespace else service
    if port is not None:
        name += f":{port}"
    return f"{name}/{subset}" if subset else name


def workload_label(service: str, labels: dict[str, str]) -> str:
    """The labels that tell workloads apart: `app=<service>` is implied by the destination."""
    shown = {k: v for k, v in labels.items() if not (k == "app" and v == service)}
    return _labels(shown or labels)


def _sender_namespace(stream: StreamResult) -> str:
    return stream.from_.split("/")[0] if "/" in stream.from_ else "default"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    return BLOCK * round(max(0.0, min(1.0, share)) * width)


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
