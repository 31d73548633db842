"""Simulation results in the shape of the stable JSON contract (DESIGN.md, `simulate -o json`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.diagnostics import Diagnostic
from engine.messages import documentation_url
from engine.simulation.plan import TraceStep


@dataclass(frozen=True)
class DestinationCount:
    service: str
    namespace: str
    port: int
    subset: str | None
    labels: dict[str, str]
    requests: int
    share: float


@dataclass(frozen=True)
class ExpectedShare:
    service: str
    namespace: str
    subset: str | None
    labels: dict[str, str]
    share: float


@dataclass(frozen=True)
class Attempts:
    total: int = 0
    max: int = 0
    mean: float = 0.0


@dataclass
class RequestTrace:
    """The decision trace of one request (for --explain and grader counter-examples)."""

    index: int
    steps: list[TraceStep] = field(default_factory=list)
    status: int | None = None
    flags: tuple[str, ...] = ()
    destination: str = ""


@dataclass
class StreamResult:
    index: int
    from_: str
    to: str
    requests: int
    destinations: list[DestinationCount] = field(default_factory=list)
    expected: list[ExpectedShare] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)      # "200": n, "reset": n
    flags: dict[str, int] = field(default_factory=dict)
    tls: dict[str, int] = field(default_factory=lambda: {"mtls": 0, "plaintext": 0, "rejected": 0})
    attempts: Attempts = field(default_factory=Attempts)
    mirrored: int = 0
    redirects: dict[str, int] = field(default_factory=dict)   # Location of 3xx redirects -> n (JSON only when any)
    latency_ms: dict[str, float] = field(default_factory=lambda: {"p50": 0.0, "p90": 0.0, "p99": 0.0})
    traces: dict[int, RequestTrace] = field(default_factory=dict)   # not in JSON; kept for explain
    uncertain: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "index": self.index, "from": self.from_, "to": self.to, "requests": self.requests,
            "destinations": [vars(d) | {"labels": dict(d.labels)} for d in self.destinations],
            "expected": [vars(e) | {"labels": dict(e.labels)} for e in self.expected],
            "status": dict(self.status), "flags": dict(self.flags), "tls": dict(self.tls),
            "attempts": vars(self.attempts).copy(), "mirrored": self.mirrored,
            "latency_ms": dict(self.latency_ms),
            **({"redirects": dict(self.redirects)} if self.redirects else {}),
            **({"uncertain": list(self.uncertain)} if self.uncertain else {}),
        }


@dataclass
class SimulationResult:
    rejected: list[Diagnostic] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    streams: list[StreamResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "rejected": [{"origin": d.origin, "layer": d.layer, "message": d.message,
                          "reference": d.reference, "path": d.path} for d in self.rejected],
            "findings": [{"code": d.code, "level": str(d.level), "message": d.message, "origin": d.origin,
                          "reference": d.reference} for d in self.findings],
            "streams": [s.to_dict() for s in self.streams],
        }


def finding_to_istioctl(d: Diagnostic) -> dict:
    """istioctl analyze -o json: {code, documentationUrl, level, message, origin, reference}."""
    out = {"code": d.code, "documentationUrl": documentation_url(d.code), "level": str(d.level),
           "message": d.message, "origin": d.origin}
    if d.reference:
        out["reference"] = d.reference
    return out
