"""meshdrill/v1 kinds of our own: Topology (the cluster in compact form) and Traffic (load).

Shapes as in DESIGN.md. Topology expands to the same mesh model as Kubernetes objects do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.schema import Duration, IntOrString, f


class OutboundPolicyMode(StrEnum):
    REGISTRY_ONLY = "REGISTRY_ONLY"
    ALLOW_ANY = "ALLOW_ANY"
    ALLOW_ANY_DYNAMIC_DNS = "ALLOW_ANY_DYNAMIC_DNS"


@dataclass(frozen=True)
class MeshOutboundPolicy:
    mode: OutboundPolicyMode | None = None


@dataclass(frozen=True)
class MeshConfig:
    """The few MeshConfig fields that change traffic; Istio's defaults when absent."""

    outbound_traffic_policy: MeshOutboundPolicy | None = None
    enable_auto_mtls: bool | None = None
    trust_domain: str | None = None
    root_namespace: str | None = None


@dataclass(frozen=True)
class TopologyNamespace:
    name: str = f("", required=True)
    injection: bool | None = None
    labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class TopologyPort:
    name: str | None = None
    port: int | None = f(required=True, minimum=1)
    target_port: int | None = f(minimum=1)
    app_protocol: str | None = None


@dataclass(frozen=True)
class TopologyWorkload:
    name: str | None = None
    labels: dict[str, str] = f(factory=dict)
    replicas: int | None = f(minimum=0)
    sidecar: bool | None = None            # None: follow the namespace's injection label
    service_account: str | None = None


@dataclass(frozen=True)
class TopologyService:
    name: str = f("", required=True)
    namespace: str | None = None
    ports: tuple[TopologyPort, ...] = ()
    workloads: tuple[TopologyWorkload, ...] = ()
    export_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopologyClient:
    name: str = f("", required=True)
    namespace: str | None = None
    labels: dict[str, str] = f(factory=dict)
    replicas: int | None = f(minimum=0)
    sidecar: bool | None = None
    service_account: str | None = None


@dataclass(frozen=True)
class TopologyGateway:
    name: str = f("", required=True)
    namespace: str | None = None
    labels: dict[str, str] = f(factory=dict)
    ports: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExternalHost:
    host: str = f("", required=True)
    ports: tuple[int, ...] = ()
    tls: bool | None = None


@dataclass(frozen=True)
class Topology:
    mesh_root_namespace: str | None = None
    mesh_config: MeshConfig | None = None
    namespaces: tuple[TopologyNamespace, ...] = ()
    services: tuple[TopologyService, ...] = ()
    clients: tuple[TopologyClient, ...] = ()
    gateways: tuple[TopologyGateway, ...] = ()
    external_hosts: tuple[ExternalHost, ...] = ()


@dataclass(frozen=True)
class Backend:
    """How selected workloads (or an external host) answer."""

    namespace: str | None = None
    selector: dict[str, str] = f(factory=dict)
    host: str | None = None
    path: str | None = None                # only requests whose path starts with this
    error_rate: float | None = None
    error_status: int | None = None
    latency: Duration | None = None
    reset_rate: float | None = None
    down: bool | None = None
    body: str | None = None
    headers: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class Stream:
    from_: str = f("", json="from", required=True)
    to: str = f("", required=True)
    via: str | None = None
    requests: int | None = f(minimum=0)
    method: str | None = None
    path: str | None = None
    headers: dict[str, str] = f(factory=dict)
    concurrency: int | None = f(minimum=1)
    rate: IntOrString | None = None        # requests per second, or "max"
    name: str | None = None


@dataclass(frozen=True)
class Traffic:
    seed: int | None = None
    backends: tuple[Backend, ...] = ()
    streams: tuple[Stream, ...] = ()
