"""Check types: declarative expectations on a simulation, one function each, one explicit registry.

A check in an exercise file is data (`{id: v2-share, type: share, stream: main, to: {labels:
{version: v2}}, share: 0.1}`); its parameters decode into the type's dataclass, with file:line
errors for unknown or mistyped parameters. Each type also says, in words, exactly what it
expects: that sentence is shown to the learner before they start (no hidden expectations).

Rates are fractions of the stream's requests (0.1 == 10%). Destinations are matched by
service, namespace, subset and/or endpoint labels; exercises prefer labels, so a learner may
name subsets as they like.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

from engine.config import ConfigSet
from engine.diagnostics import Diagnostic
from engine.simulation.result import DestinationCount, RequestTrace, SimulationResult, StreamResult

DEFAULT_TOLERANCE = 0.03


@dataclass(frozen=True)
class Destination:
    """Which endpoints count: every given field must match (labels: a subset of the pod's)."""

    service: str | None = None
    namespace: str | None = None
    subset: str | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def matches(self, d: DestinationCount) -> bool:
        return ((self.service is None or d.service == self.service)
                and (self.namespace is None or d.namespace == self.namespace)
                and (self.subset is None or d.subset == self.subset)
                and all(d.labels.get(k) == v for k, v in self.labels.items()))

    def __str__(self) -> str:
        parts = [self.service or "any service"]
        if self.namespace:
            parts[0] += f".{self.namespace}"
        if self.subset:
            parts.append(f"subset {self.subset}")
        if self.labels:
            parts.append(",".join(f"{k}={v}" for k, v in self.labels.items()))
        return " ".join(parts)


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


# ---- parameters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bounds:
    min: float | None = None
    max: float | None = None

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min - 1e-9) and (self.max is None or value <= self.max + 1e-9)

    def words(self, fmt: Callable[[float], str] = lambda x: f"{x:.0%}", *, fraction: bool = True) -> str:
        if fraction and self.min is not None and self.min >= 1.0:
            return fmt(1.0)
        if fraction and self.max is not None and self.max <= 0.0 and not self.min:
            return fmt(0.0)
        if self.min is not None and self.max is not None:
            return f"{fmt(self.min)}" if self.min == self.max else f"between {fmt(self.min)} and {fmt(self.max)}"
        if self.min is not None:
            return f"at least {fmt(self.min)}"
        return f"at most {fmt(self.max)}"


@dataclass(frozen=True)
class ShareParams:
    stream: str
    to: Destination
    share: float | None = None          # with tolerance; or min/max
    tolerance: float = DEFAULT_TOLERANCE
    min: float | None = None
    max: float | None = None

    @property
    def bounds(self) -> Bounds:
        if self.share is not None:
            return Bounds(max(0.0, self.share - self.tolerance), min(1.0, self.share + self.tolerance))
        return Bounds(self.min, self.max)


@dataclass(frozen=True)
class StatusParams:
    stream: str
    code: str                            # "200", "503", "5xx", "2xx", "reset"
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class FlagParams:
    stream: str
    flag: str                            # Envoy response flag: UO, NR, NC, UF, URX, UH, UT, FI, DI
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class TlsParams:
    stream: str
    mode: str                            # mtls | plaintext | rejected
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class AttemptsParams:
    stream: str
    stat: str = "mean"                   # mean | max
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class LatencyParams:
    stream: str
    percentile: str = "p99"              # p50 | p90 | p99
    min_ms: float | None = None
    max_ms: float | None = None


@dataclass(frozen=True)
class UnaffectedParams:
    stream: str
    tolerance: float = DEFAULT_TOLERANCE


@dataclass(frozen=True)
class FindingParams:
    code: str | None = None
    level: str | None = None             # Error | Warning | Info
    present: bool = True


@dataclass(frozen=True)
class ResourceParams:
    kind: str
    name: str | None = None
    namespace: str | None = None
    present: bool = True


@dataclass(frozen=True)
class AcceptedParams:
    pass


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
    """Did this request end at a matching destination? Traces name the endpoint (pod) reached."""
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
    """The TLS outcome the trace's `tls` step states ("mtls", "plaintext", "rejected"), or ""."""
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
                      lambda p: _stream(p) + f"Envoy flag {p.flag} on {_bounds(p).words(_pct)} of requests"),
    "latency": CheckType(LatencyParams, check_latency,
                         lambda p: _stream(p) + f"{p.percentile} latency is "
                                   + Bounds(p.min_ms, p.max_ms).words(lambda x: f"{x:g} ms", fraction=False)),
    "resource": CheckType(ResourceParams, check_resource,
                          lambda p: f"your YAML {'contains' if p.present else 'does not contain'} a {p.kind}"
                                    + (f" named {p.name}" if p.name else "")
                                    + (f" in namespace {p.namespace}" if p.namespace else "")),
    "share": CheckType(ShareParams, check_share,
                       lambda p: _stream(p) + f"{p.bounds.words(_pct)} of requests reach {p.to}"),
    "status": CheckType(StatusParams, check_status,
                        lambda p: _stream(p) + f"status {p.code} for {_bounds(p).words(_pct)} of requests"),
    "tls": CheckType(TlsParams, check_tls,
                     lambda p: _stream(p) + f"{p.mode} for {_bounds(p).words(_pct)} of requests"),
    "unaffected": CheckType(UnaffectedParams, check_unaffected,
                            lambda p: _stream(p) + "destinations and status codes stay as in the starting "
                                      f"cluster (±{_pct(p.tolerance)})"),
}

_ENUMS = {"stat": ("mean", "max"), "percentile": ("p50", "p90", "p99"), "mode": ("mtls", "plaintext", "rejected"),
          "level": ("Error", "Warning", "Info")}


def describe(check) -> str:
    return REGISTRY[check.type].describe(check.params)


def evaluate(check, obs: Observation) -> Outcome:
    return REGISTRY[check.type].evaluate(check.params, obs)


def parse_check(item, path: str, reader):
    """One `checks[i]` entry -> Check, or an EngineError at its line."""
    from engine.grading.exercise import Check

    if not isinstance(item, dict):
        raise reader.fail(path, "a check is a mapping with id, type and parameters")
    kind = item.get("type")
    if kind not in REGISTRY:
        raise reader.fail(f"{path}.type", f"check type {kind!r} unknown (types: {', '.join(sorted(REGISTRY))})")
    ident = item.get("id", "accepted" if kind == "accepted" else None)
    if not isinstance(ident, str) or not ident:
        raise reader.fail(path, "a check needs an 'id'")
    raw = {k: v for k, v in item.items() if k not in ("id", "type")}
    params = _decode(REGISTRY[kind].params, raw, path, reader, f"check {ident!r}")
    _validate(params, path, reader, ident)
    return Check(id=ident, type=kind, params=params, line=reader.doc.line_of(path))


def _decode(cls, raw: dict, path: str, reader, label: str):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in fields:
            raise reader.fail(f"{path}.{key}", f"{label}: unknown parameter {key!r} (parameters: {', '.join(fields)})")
        values[key] = _coerce(fields[key].type, value, f"{path}.{key}", reader, f"{label}: {key!r}")
    for name, fld in fields.items():
        required = fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING
        if required and name not in values:
            raise reader.fail(path, f"{label}: missing parameter {name!r}")
    return cls(**values)


def _coerce(annotation: str, value, path: str, reader, label: str):
    kind = annotation.replace(" | None", "")
    if value is None and "None" in annotation:
        return None
    if kind == "Destination":
        if not isinstance(value, dict):
            raise reader.fail(path, f"{label} must be a mapping (service, namespace, subset, labels)")
        return _decode(Destination, value, path, reader, label)
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    if kind.startswith("dict") and isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    raise reader.fail(path, f"{label} must be of type {kind}")


def _validate(params, path: str, reader, ident: str) -> None:
    for name, allowed in _ENUMS.items():
        value = getattr(params, name, None)
        if value is not None and value not in allowed:
            raise reader.fail(f"{path}.{name}", f"check {ident!r}: {name} must be one of {', '.join(allowed)}")
    bounded = [getattr(params, n) for n in ("min", "max", "min_ms", "max_ms", "share") if hasattr(params, n)]
    if hasattr(params, "stream") and not any(v is not None for v in bounded) and not isinstance(params, UnaffectedParams):
        raise reader.fail(path, f"check {ident!r}: give min and/or max (or share with tolerance)")
    for name in ("min", "max", "share", "tolerance"):
        value = getattr(params, name, None)
        if value is not None and not isinstance(params, AttemptsParams) and not 0.0 <= value <= 1.0:
            raise reader.fail(f"{path}.{name}", f"check {ident!r}: {name} is a fraction from 0 to 1 (0.1 = 10%)")
    if isinstance(params, FindingParams) and params.code is None and params.level is None:
        raise reader.fail(path, f"check {ident!r}: give a finding code and/or level")
