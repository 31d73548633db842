"""The simulate table view, rendered to a 100-column console and compared as text."""

import io

from rich.console import Console

from engine.diagnostics import Diagnostic, Level
from engine.simulation.plan import TraceStep
from engine.simulation.result import (Attempts, DestinationCount, ExpectedShare, RequestTrace, SimulationResult,
                                      StreamResult)
from trainer.render.simulation import as_json, print_result


def render(result, explain=None, width=100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    print_result(console, result, explain)
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))   # rich pads table rows


def stream() -> StreamResult:
    labels1, labels2 = {"app": "reviews", "version": "v1"}, {"app": "reviews", "version": "v2"}
    s = StreamResult(index=0, from_="default/productpage", to="reviews:9080", requests=1000)
    s.destinations = [DestinationCount("reviews", "default", 9080, "v1", labels1, 900, 0.9),
                      DestinationCount("reviews", "default", 9080, "v2", labels2, 50, 0.05)]
    s.expected = [ExpectedShare("reviews", "default", "v1", labels1, 0.9),
                  ExpectedShare("reviews", "default", "v2", labels2, 0.1),
                  ExpectedShare("reviews", "default", "v3", {"version": "v3"}, 0.0)]
    s.status = {"200": 950, "503": 50}
    s.flags = {"UF": 50, "URX": 50}
    s.tls = {"mtls": 950, "plaintext": 0, "rejected": 50}
    s.attempts = Attempts(total=1100, max=3, mean=1.1)
    s.latency_ms = {"p50": 1.0, "p90": 1.0, "p99": 25.5}
    s.traces[7] = RequestTrace(7, [TraceStep("route", "rule 0 of VirtualService default/reviews matches", "vs.yaml:9"),
                                   TraceStep("result", "200 after 1ms")], 200, ())
    return s


def test_a_stream_shows_destinations_with_bars_and_every_count():
    assert render(SimulationResult(streams=[stream()])) == """\
Stream 0: default/productpage -> reviews:9080 (1000 requests)
  destination  workload    requests  share  expected
  reviews/v1   version=v1       900  90.0%     90.0%  ██████████████████
  reviews/v2   version=v2        50   5.0%     10.0%  █
  reviews/v3   version=v3         0   0.0%      0.0%
  status  200       950  95.0%  ███████████████████
          503        50   5.0%  █
  flags   UF         50   5.0%  █
          URX        50   5.0%  █
  tls     mtls      950  95.0%  ███████████████████
          rejected   50   5.0%  █
  attempts  1100 in all, mean 1.1, max 3
  latency   p50 1ms  p90 1ms  p99 25.5ms

"""


def test_explain_prints_the_numbered_trace_with_references():
    text = render(SimulationResult(streams=[stream()]), explain=7)
    assert text.endswith("""\
Request 7
   1. route           rule 0 of VirtualService default/reviews matches  vs.yaml:9
   2. result          200 after 1ms

""")


def test_rejections_come_first_and_are_not_repeated_as_findings():
    diag = Diagnostic("IST0106", Level.ERROR, "Schema validation error: weight must be >= 0", "webhook",
                      "VirtualService default/reviews", "vs.yaml", 12, "spec.http[0].route[1].weight")
    hint = Diagnostic("MD0100", Level.WARNING, "a teaching hint", "analysis", "DestinationRule default/reviews")
    text = render(SimulationResult(rejected=[diag], findings=[diag, hint]))
    assert text == """\
Rejected (not applied, as kubectl apply would refuse them)
  vs.yaml:12: VirtualService default/reviews [spec.http[0].route[1].weight]: Schema validation
  error: weight must be >= 0

Findings
  Warning [MD0100] DestinationRule default/reviews: a teaching hint

No streams to simulate: add a meshdrill/v1 Traffic with streams.
"""


def test_json_is_the_contract_without_traces():
    text = as_json(SimulationResult(streams=[stream()]))
    assert '"traces"' not in text and text.startswith('{\n  "rejected": [],\n  "findings": [],\n  "streams"')


def test_explain_of_a_request_beyond_the_stream_says_so():
    assert render(SimulationResult(streams=[stream()]), explain=5000).endswith(
        "Request 5000 was not sent: this stream sends 1000.\n\n")


def test_at_80_columns_long_names_stay_whole_and_the_bar_gives_way():
    """Names are never cut to `reviews.default…`: the namespace shows only when it is not the
    sender's, the port only when destinations differ in it, `app=<service>` is implied."""
    labels = {"app": "ratings", "version": "v2-canary"}
    s = StreamResult(index=0, from_="default/productpage", to="ratings.backend:9080", requests=10)
    s.destinations = [DestinationCount("ratings", "backend", 9080, "v2-canary", labels, 10, 1.0)]
    s.expected = [ExpectedShare("ratings", "backend", "v2-canary", labels, 1.0)]
    s.status = {"200": 10}
    s.latency_ms = {"p50": 1.0, "p90": 1.0, "p99": 1.0}
    lines = render(SimulationResult(streams=[s]), width=80).splitlines()
    assert lines[2].split()[:2] == ["ratings.backend/v2-canary", "version=v2-canary"]
    assert "…" not in "\n".join(lines) and max(map(len, lines)) <= 80


def test_long_findings_wrap_indented_under_the_findings_title():
    hint = Diagnostic("MD0100", Level.WARNING, "STRICT here rejects legacy/sleep, which has no sidecar: its "
                      "requests to httpbin are reset", "analysis", "PeerAuthentication default/strict", "pa.yaml", 3)
    lines = render(SimulationResult(findings=[hint]), width=80).splitlines()
    assert lines[0] == "Findings"
    assert lines[1].startswith("  Warning [MD0100] PeerAuthentication default/strict (pa.yaml:3): STRICT")
    assert lines[2].startswith(" " * len("  Warning ")) and lines[2][len("  Warning "):][0] != " "


def test_a_long_trace_step_wraps_in_the_detail_column():
    s = stream()
    s.traces[7] = RequestTrace(7, [TraceStep("endpoint", "1 endpoint(s) of reviews.default.svc.cluster.local:9080 "
                                             "with labels app=reviews,version=v3")], 200, ())
    lines = render(SimulationResult(streams=[s]), explain=7, width=80).splitlines()
    at = lines.index("Request 7")
    assert lines[at + 1].startswith("   1. endpoint        1 endpoint(s) of")
    assert lines[at + 2].startswith(" " * 22) and lines[at + 2][22] != " "     # under the detail, not column 0
