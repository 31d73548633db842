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
    """How selected workloads (or an external host) answer; see `Traffic` for which entry applies.

    Defaults: a healthy 200 after 1ms; `errorStatus` 503 when only `errorRate` is given.
    `body` and `headers` are accepted for the reader of the YAML but do not change the outcome.
    """

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
    """Load (`streams`) and how the endpoints answer (`backends`), replayed with `seed`.

    Which `backends` entry applies to a request: the FIRST entry, in file order, that selects
    the endpoint answering it, like the first matching rule of a VirtualService's `http` list.
    Put specific entries (a version, a path) before broad ones. An entry selects:
    - a pod when its `selector` labels (required without `host`) are all on the pod and its
      `namespace` is the pod's; **without `namespace` it selects pods in every namespace** (as
      `kubectl get pods -A -l ...` would): a Traffic object has no namespace that would be a
      natural default, and one stream's endpoints may live in several;
    - an address outside the mesh (a topology `externalHosts` host, or a ServiceEntry endpoint's
      address) when `host` names it, case-insensitively; a `host` entry never selects a pod;
    - and, when `path` is set, only requests whose path (after any VirtualService rewrite:
      what the backend receives) starts with it.
    An endpoint no entry selects answers 200 after 1ms.
    """

    seed: int | None = None
    backends: tuple[Backend, ...] = ()
    streams: tuple[Stream, ...] = ()
