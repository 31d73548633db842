"""Sidecar schema: field names and enums as in api:networking/v1alpha3/sidecar.proto.

Its listeners reuse the Gateway's server TLS settings and the DestinationRule's connection pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.common import Destination, LabelSelector
from engine.resources.destination_rule import ConnectionPoolSettings
from engine.resources.gateway import ServerTLSSettings
from engine.resources.schema import f


class CaptureMode(StrEnum):
    DEFAULT = "DEFAULT"
    IPTABLES = "IPTABLES"
    NONE = "NONE"


class OutboundMode(StrEnum):
    REGISTRY_ONLY = "REGISTRY_ONLY"
    ALLOW_ANY = "ALLOW_ANY"


@dataclass(frozen=True)
class OutboundTrafficPolicy:
    mode: OutboundMode | None = None
    egress_proxy: Destination | None = None


@dataclass(frozen=True)
class SidecarPort:
    """api:networking/v1alpha3/sidecar.proto SidecarPort: unlike a Gateway's Port, the CRD requires none
    of its fields (analyzers.md §5 lists only `ingress[].port` and `egress[].hosts` for Sidecar; Istio's
    own fixture testdata/deprecation.yaml has an ingress port with only a number). The webhook still
    checks the protocol (engine/validation/sidecar.py)."""

    number: int | None = f(minimum=0)
    protocol: str = ""
    name: str = ""
    target_port: int | None = f(minimum=0)


@dataclass(frozen=True)
class IstioIngressListener:
    port: SidecarPort | None = f(required=True)
    bind: str | None = None
    capture_mode: CaptureMode | None = None
    default_endpoint: str | None = None
    tls: ServerTLSSettings | None = None
    connection_pool: ConnectionPoolSettings | None = None


@dataclass(frozen=True)
class IstioEgressListener:
    port: SidecarPort | None = None
    bind: str | None = None
    capture_mode: CaptureMode | None = None
    hosts: tuple[str, ...] = f((), required=True)


@dataclass(frozen=True)
class Sidecar:
    workload_selector: LabelSelector | None = None
    ingress: tuple[IstioIngressListener, ...] = ()
    egress: tuple[IstioEgressListener, ...] = ()
    inbound_connection_pool: ConnectionPoolSettings | None = None
    outbound_traffic_policy: OutboundTrafficPolicy | None = None
