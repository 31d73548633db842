"""Check types: declarative expectations on a simulation, one function each, one explicit registry.

A check in an exercise file is data (`{id: v2-share, type: share, stream: main, to: {labels:
{version: v2}}, share: 0.1}`); its parameters are the type's dataclass (params.py, decoded by
parsing.py). Each type also says, in words, exactly what it expects: that sentence is shown to
the learner before they start (no hidden expectations).

Rates are fractions of the stream's requests (0.1 == 10%). Destinations are matched by
service, namespace, subset and/or endpoint labels; exercises prefer labels, so a learner may
name subsets as they like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from engine.config import ConfigSet
from engine.diagnostics import Diagnostic
from engine.grading.params import (
    AcceptedParams, AttemptsParams, Bounds, Destination, FindingParams, FlagParams, LatencyParams, RedirectParams,
    ResourceParams, ShareParams, StatusParams, TlsParams, UnaffectedParams,
)
from engine.simulation.result import RequestTrace, SimulationResult, StreamResult


@dataclass(frozen=True)
class Observation:
    """Everything a check may look at."""

    result: SimulationResult
    submission: ConfigSet
    streams: dict[str, int]                          # stream name (or index as text) -> position
    baseline: Callable[[], SimulationResult]         # the starting cluster, simulated on demand
    findings: list[Diagnostic] = field(default_factory=list)

    def stream(self, ref: str) -> StreamResult:
        return self.result.streams[self.streams[ref]]


@dataclass(frozen=True)
class Outcome:
    passed: bool
    observed: str
    expected: str
    stream: str | None = None                         # stream to look for a counter-example in
    wrong: Callable[[RequestTrace], bool] | None = None   # is this request a counter-example?
    stages: tuple[str, ...] = ()                      # trace stages that explain it (empty: all deciding ones)


# Trace stages that explain where a request went (a subset's labels are shown only when it has no pod).
ROUTING_STAGES = ("listener", "virtualservice", "route", "weight", "cluster", "egress", "serviceentry")


# ---- helpers ---------------------------------------------------------------------------------

def _rate(count: int, total: int) -> float:
    return count / total if total else 0.0


def _bounds(p) -> Bounds:
    return Bounds(p.min, p.max)


def _status_matches(key: str, code: str) -> bool:
    if code.endswith("xx") and len(code) == 3:
        return key[:1] == code[0] and key.isdigit()
    return key == code


def _trace_status(trace: RequestTrace) -> str:
    return "reset" if trace.status is None else str(trace.status)


def _pct(x: float) -> str:
    return f"{x:.1%}" if x and abs(x * 100 - round(x * 100)) > 1e-9 else f"{x:.0%}"


# ---- the checks ------------------------------------------------------------------------------

def check_share(p: ShareParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    hit = sum(d.requests for d in s.destinations if p.to.matches(d))
    value, bounds = _rate(hit, s.requests), p.bounds
    passed = bounds.holds(value)
    too_low = bounds.min is not None and value < bounds.min
    return Outcome(passed, f"{_pct(value)} ({hit}/{s.requests})", bounds.words(_pct), p.stream,
                   (lambda t: not _trace_matches(t, p.to, s)) if too_low else (lambda t: _trace_matches(t, p.to, s)),
                   ROUTING_STAGES)


def _trace_matches(trace: RequestTrace, to: Destination, stream: StreamResult) -> bool:
    """Did this request end at a matching destination? Traces name the endpoint (pod) reached.

    A heuristic on the trace's words: it only chooses which request to show as a counter-example
    (a wrong pick shows a less telling request); it never decides a grade.
    """
    if not trace.destination:
        return False
    words = trace.destination.replace("|", " ").replace("/", " ").split()
    if to.subset and to.subset not in words:
        return False
    if to.service and not any(w == to.service or w.startswith(to.service + "-") or w.startswith(to.service + ".")
                              for w in words):
        return False
    return all(any(v in w for w in words) for v in to.labels.values())


def check_status(p: StatusParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    hit = sum(n for key, n in s.status.items() if _status_matches(key, p.code))
    value, bounds = _rate(hit, s.requests), _bounds(p)
    too_low = bounds.min is not None and value < bounds.min
    return Outcome(bounds.holds(value), f"{_pct(value)} ({hit}/{s.requests})", bounds.words(_pct), p.stream,
                   lambda t: _status_matches(_trace_status(t), p.code) != too_low)


def check_redirect(p: RedirectParams, obs: Observation) -> Outcome:
    """Redirects are told apart by where they point (the Location header), not by status alone:
    a `directResponse` 301 has no Location and redirects nowhere."""
    s = obs.stream(p.stream)
    hit = sum(n for url, n in s.redirects.items() if p.matches(url))
    value, bounds = _rate(hit, s.requests), _bounds(p)
    too_low = bounds.min is not None and value < bounds.min
    seen = ", ".join(f"{url} ({n})" for url, n in s.redirects.items()) or "no redirect"
    return Outcome(bounds.holds(value), f"{_pct(value)} ({hit}/{s.requests}); Location: {seen}",
                   bounds.words(_pct), p.stream, lambda t: _trace_redirects_to(t, p) != too_low)


def _trace_redirects_to(trace: RequestTrace, p: RedirectParams) -> bool:
    """Only picks a counter-example: the trace's route step says "redirect <code> to <url>"."""
    return any(s.stage == "route" and s.detail.startswith("redirect ") and p.matches(s.detail.rsplit(" ", 1)[-1])
               for s in trace.steps)


def check_flag(p: FlagParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    hit = s.flags.get(p.flag, 0)
    value, bounds = _rate(hit, s.requests), _bounds(p)
    too_low = bounds.min is not None and value < bounds.min
    return Outcome(bounds.holds(value), f"{_pct(value)} ({hit}/{s.requests})", bounds.words(_pct), p.stream,
                   lambda t: (p.flag in t.flags) != too_low)


def check_tls(p: TlsParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    hit = s.tls.get(p.mode, 0)
    value, bounds = _rate(hit, s.requests), _bounds(p)
    too_low = bounds.min is not None and value < bounds.min
    return Outcome(bounds.holds(value), f"{_pct(value)} ({hit}/{s.requests})", bounds.words(_pct), p.stream,
                   lambda t: (_trace_tls(t) == p.mode) != too_low if _trace_tls(t) else False, ("tls",))


def _trace_tls(trace: RequestTrace) -> str:
    """The TLS outcome the trace's `tls` step states ("mtls", "plaintext", "rejected"), or "".

    Like `_trace_matches`, it only picks a counter-example; "" means "do not show one".
    """
    for step in trace.steps:
        if step.stage == "tls":
            said = step.detail.split(": ", 1)[-1]
            if "refused" in said or trace.status is None:
                return "rejected"
            return next((mode for mode in ("mtls", "plaintext") if said.startswith(mode)), "")
    return ""


def check_attempts(p: AttemptsParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    value = s.attempts.mean if p.stat == "mean" else float(s.attempts.max)
    bounds = _bounds(p)
    return Outcome(bounds.holds(value), f"{value:g}", bounds.words(lambda x: f"{x:g}", fraction=False), p.stream)


def check_latency(p: LatencyParams, obs: Observation) -> Outcome:
    s = obs.stream(p.stream)
    value = s.latency_ms.get(p.percentile, 0.0)
    bounds = Bounds(p.min_ms, p.max_ms)
    return Outcome(bounds.holds(value), f"{value:g} ms", bounds.words(lambda x: f"{x:g} ms", fraction=False), p.stream)


def check_unaffected(p: UnaffectedParams, obs: Observation) -> Outcome:
    now, before = obs.stream(p.stream), obs.baseline().streams[obs.streams[p.stream]]
    worst, what = 0.0, "nothing changed"
    for label, a, b in _profile_diff(before, now):
        if abs(a - b) > worst:
            worst, what = abs(a - b), f"{label}: {_pct(a)} before, {_pct(b)} now"
    return Outcome(worst <= p.tolerance + 1e-9, what, f"destinations and status codes as before (±{_pct(p.tolerance)})")


def _profile_diff(before: StreamResult, now: StreamResult):
    def profile(s: StreamResult) -> dict[str, float]:
        out: dict[str, float] = {}
        for d in s.destinations:    # keyed by endpoint labels: subset names may legitimately change
            key = f"{d.service}.{d.namespace} " + ",".join(f"{k}={v}" for k, v in sorted(d.labels.items()))
            out[key] = out.get(key, 0.0) + _rate(d.requests, s.requests)
        for code, n in s.status.items():
            out[f"status {code}"] = out.get(f"status {code}", 0.0) + _rate(n, s.requests)
        return out

    a, b = profile(before), profile(now)
    for key in sorted(set(a) | set(b)):
        yield key, a.get(key, 0.0), b.get(key, 0.0)


def check_finding(p: FindingParams, obs: Observation) -> Outcome:
    found = [d for d in obs.findings
             if (p.code is None or d.code == p.code) and (p.level is None or str(d.level) == p.level)]
    what = " ".join(x for x in (p.level, p.code) if x) or "finding"
    observed = "; ".join(d.render() for d in found[:2]) if found else f"no {what}"
    return Outcome(bool(found) == p.present, observed, f"{what} {'reported' if p.present else 'not reported'}")


def check_resource(p: ResourceParams, obs: Observation) -> Outcome:
    found = [r for r in obs.submission.resources
             if r.kind == p.kind and (p.name is None or r.name == p.name)
             and (p.namespace is None or r.namespace == p.namespace)]
    what = " ".join(x for x in (p.kind, f"{p.namespace}/{p.name}" if p.namespace and p.name else p.name) if x)
    observed = ", ".join(f"{r.ref} ({r.reference()})" for r in found) if found else f"no {what}"
    return Outcome(bool(found) == p.present, observed, f"{what} {'present' if p.present else 'absent'}")


def check_accepted(p: AcceptedParams, obs: Observation) -> Outcome:
    rejected = obs.submission.rejected
    observed = "everything accepted" if not rejected else _rejection(rejected[0], len(rejected))
    return Outcome(not rejected, observed, "every object accepted by the API server and Istio's webhook")


def _rejection(d: Diagnostic, count: int) -> str:
    where = f"{d.reference}: " if d.reference else ""
    more = f" (+{count - 1} more)" if count > 1 else ""
    return f"{where}{d.message}{more}"


# ---- registry --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckType:
    params: type
    evaluate: Callable[[object, Observation], Outcome]
    describe: Callable[[object], str]


TLS_WORDS = {"mtls": "arrive over Istio mTLS", "plaintext": "arrive in plaintext",
             "rejected": "are refused by the server's mTLS policy"}


def _status_words(code: str) -> str:
    if code == "reset":
        return "no HTTP response (connection reset)"
    return f"a {code} status" if code.endswith("xx") else f"status {code}"


def _stream(p) -> str:
    return f"stream {p.stream!r}: "


REGISTRY: dict[str, CheckType] = {
    "accepted": CheckType(AcceptedParams, check_accepted,
                          lambda p: "every object you submit is accepted (API server schema and Istio webhook)"),
    "attempts": CheckType(AttemptsParams, check_attempts,
                          lambda p: _stream(p) + f"{p.stat} tries per request is "
                                    + _bounds(p).words(lambda x: f"{x:g}", fraction=False)),
    "finding": CheckType(FindingParams, check_finding,
                         lambda p: f"{' '.join(x for x in (p.level, p.code) if x) or 'a finding'} is "
                                   + ("reported" if p.present else "not reported") + " for the resulting config"),
    "flag": CheckType(FlagParams, check_flag,
                      lambda p: _stream(p) + f"{_bounds(p).words(_pct)} of requests carry Envoy flag {p.flag}"),
    "latency": CheckType(LatencyParams, check_latency,
                         lambda p: _stream(p) + f"{p.percentile} latency is "
                                   + Bounds(p.min_ms, p.max_ms).words(lambda x: f"{x:g} ms", fraction=False)),
    "redirect": CheckType(RedirectParams, check_redirect,
                          lambda p: _stream(p) + f"{_bounds(p).words(_pct)} of requests are redirected (3xx with a "
                                    f"Location header) to {'path ' if p.location.startswith('/') else ''}{p.location}"),
    "resource": CheckType(ResourceParams, check_resource,
                          lambda p: f"your YAML {'contains' if p.present else 'does not contain'} a {p.kind}"
                                    + (f" named {p.name}" if p.name else "")
                                    + (f" in namespace {p.namespace}" if p.namespace else "")),
    "share": CheckType(ShareParams, check_share,
                       lambda p: _stream(p) + f"{p.bounds.words(_pct)} of requests reach {p.to}"),
    "status": CheckType(StatusParams, check_status,
                        lambda p: _stream(p) + f"{_bounds(p).words(_pct)} of requests get {_status_words(p.code)}"),
    "tls": CheckType(TlsParams, check_tls,
                     lambda p: _stream(p) + f"{_bounds(p).words(_pct)} of requests {TLS_WORDS[p.mode]}"),
    "unaffected": CheckType(UnaffectedParams, check_unaffected,
                            lambda p: _stream(p) + "destinations and status codes stay as in the starting "
                                      f"cluster (±{_pct(p.tolerance)})"),
}


def describe(check) -> str:
    return REGISTRY[check.type].describe(check.params)


def evaluate(check, obs: Observation) -> Outcome:
    return REGISTRY[check.type].evaluate(check.params, obs)
