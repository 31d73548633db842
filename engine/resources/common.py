"""Types shared by several networking.istio.io kinds (istio/api networking/v1alpha3 protos).

WorkloadSelector (istio.type.v1beta1, `matchLabels`) and LabelSelector (networking, `labels`) are
two different messages in istio/api although they select the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.resources.schema import f


@dataclass(frozen=True)
class StringMatch:
    ONEOF = (("exact", "prefix", "regex"),)
    exact: str | None = None
    prefix: str | None = None
    regex: str | None = None


@dataclass(frozen=True)
class PortSelector:
    number: int | None = f(minimum=0)


@dataclass(frozen=True)
class Percent:
    value: float | None = None


@dataclass(frozen=True)
class WorkloadSelector:
    """istio.type.v1beta1.WorkloadSelector (DestinationRule, security kinds): `matchLabels`."""

    match_labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class LabelSelector:
    """networking WorkloadSelector (Sidecar, ServiceEntry): `labels`."""

    labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class Destination:
    host: str = f("", required=True)
    subset: str | None = None
    port: PortSelector | None = None
