"""Typed parameters of each check type: what an exercise file may say about a check.

Plain frozen dataclasses; their fields are the parameters an author writes (`engine/grading/
parsing.py` decodes them with file:line errors). Rates are fractions of a stream's requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from engine.simulation.result import DestinationCount

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
class RedirectParams:
    stream: str
    location: str                        # a whole URL "https://reviews/new", or a path "/new" (any scheme/host)
    min: float | None = None
    max: float | None = None

    def matches(self, url: str) -> bool:
        if not self.location.startswith("/"):
            return url == self.location
        rest = url.split("://", 1)[-1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path.split("?", 1)[0] == self.location


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
