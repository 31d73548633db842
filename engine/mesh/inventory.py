"""The cluster's workloads as Istio sees them: namespaces, services, pods, gateways, externals.

Built from Kubernetes objects and/or the meshdrill/v1 Topology (both expand to the same model),
plus MeshConfig defaults. Analysis and simulation both start here. Pods are expanded from
replicas so that endpoint counts, outlier ejection and load balancing see every instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.resources import Resource

CLUSTER_DOMAIN = "svc.cluster.local"
DEFAULT_ROOT_NAMESPACE = "istio-system"
DEFAULT_GATEWAY_LABELS = (("istio", "ingressgateway"),)
DEFAULT_GATEWAY_PORTS = (80, 443, 31400, 15443)   # the default profile's istio-ingressgateway Service
# Its targetPorts: the gateway pod runs unprivileged and listens on 8080/8443 for Service ports
# 80/443 (manifests/charts/gateways/istio-ingress/values.yaml; istio/istio#51257). Analyzers that
# compare Gateway ports with the Service (IST0162) look at these.
DEFAULT_GATEWAY_TARGET_PORTS = {80: 8080, 443: 8443}

# Protocol names Istio understands (io:ops/configuration/traffic-management/protocol-selection;
# istio:pkg/config/protocol `Parse`, case-insensitive).
_PROTOCOL_PREFIXES = {
    "http": "HTTP", "http2": "HTTP2", "https": "HTTPS", "grpc": "GRPC", "grpc-web": "GRPC-WEB",
    "tcp": "TCP", "tls": "TLS", "mongo": "Mongo", "mysql": "MySQL", "redis": "Redis", "udp": "UDP",
}
# Kubernetes' standard appProtocol names, honoured only in appProtocol.
_K8S_APP_PROTOCOLS = {"kubernetes.io/h2c": "HTTP2", "kubernetes.io/ws": "HTTP", "kubernetes.io/wss": "HTTPS"}
# Ports never sniffed: an unrecognised name there means TCP (SMTP, DNS, MySQL, MongoDB).
_WELL_KNOWN_TCP_PORTS = frozenset({25, 53, 3306, 27017})
HTTP_PROTOCOLS = frozenset({"HTTP", "HTTP2", "GRPC", "GRPC-WEB"})


def port_protocol(name: str | None, app_protocol: str | None = None, port: int | None = None) -> str:
    """Istio's protocol for a Service port (istio:pkg/config/kube/conversion.go `ConvertProtocol`):
    `appProtocol`, when set, replaces the name entirely (an unknown appProtocol is sniffed, the name
    is not consulted); `grpc-web...`, else the part before the first '-'; anything else is AUTO
    (sniffed), except on the well-known TCP ports."""
    value = name or ""
    if app_protocol:
        if app_protocol in _K8S_APP_PROTOCOLS:
            return _K8S_APP_PROTOCOLS[app_protocol]
        value = app_protocol
    lowered = value.lower()
    if lowered.startswith("grpc-web"):
        return "GRPC-WEB"
    found = _PROTOCOL_PREFIXES.get(lowered.partition("-")[0])
    if found is None:
        return "TCP" if port in _WELL_KNOWN_TCP_PORTS else "AUTO"
    return found


def fqdn(name: str, namespace: str) -> str:
    return f"{name}.{namespace}.{CLUSTER_DOMAIN}"


@dataclass(frozen=True)
class Namespace:
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    source: Resource | None = None

    @property
    def injection(self) -> bool | None:
        """True: sidecars injected; False: explicitly disabled; None: not labeled."""
        value = self.labels.get("istio-injection")
        if value == "enabled" or "istio.io/rev" in self.labels:
            return True
        if value == "disabled":
            return False
        return None


@dataclass(frozen=True)
class ServicePort:
    name: str | None
    port: int
    target_port: int | str
    protocol: str                  # HTTP, HTTP2, GRPC, HTTPS, TLS, TCP, AUTO, ...
    app_protocol: str | None = None


@dataclass(frozen=True)
class Service:
    name: str
    namespace: str
    ports: tuple[ServicePort, ...]
    selector: dict[str, str]
    export_to: tuple[str, ...] = ()
    source: Resource | None = None

    @property
    def host(self) -> str:
        return fqdn(self.name, self.namespace)

    def port(self, number: int) -> ServicePort | None:
        return next((p for p in self.ports if p.port == number), None)


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    sidecar: bool
    service_account: str = "default"
    workload: str = ""             # owning Deployment/Topology workload, for grouping
    host_network: bool = False
    gateway: bool = False          # an Istio gateway (Envoy without an app)
    source: Resource | None = None

    def matches(self, selector: dict[str, str]) -> bool:
        return all(self.labels.get(k) == v for k, v in selector.items())


@dataclass(frozen=True)
class ExternalHost:
    host: str
    ports: tuple[int, ...]
    tls: bool = False


@dataclass(frozen=True)
class MeshSettings:
    root_namespace: str = DEFAULT_ROOT_NAMESPACE
    outbound_mode: str = "ALLOW_ANY"          # istio:pkg/config/mesh/mesh.go default
    auto_mtls: bool = True                    # default since 1.5/1.6
    trust_domain: str = "cluster.local"


@dataclass
class Inventory:
    settings: MeshSettings = field(default_factory=MeshSettings)
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    pods: list[Pod] = field(default_factory=list)
    clients: dict[str, list[Pod]] = field(default_factory=dict)   # "ns/name" -> pods
    external_hosts: list[ExternalHost] = field(default_factory=list)
    _by_host: dict[str, Service] = field(default_factory=dict, repr=False)
    _pods_by_ns: dict[str, list[Pod]] = field(default_factory=dict, repr=False)

    def service(self, host: str) -> Service | None:
        return self._by_host.get(host)

    def pods_in(self, namespace: str) -> list[Pod]:
        return self._pods_by_ns.get(namespace, [])

    def select(self, namespace: str | None, selector: dict[str, str]) -> list[Pod]:
        """Pods matching a label selector, in one namespace or (None) in all."""
        pods = self.pods if namespace is None else self.pods_in(namespace)
        return [p for p in pods if p.matches(selector)]

    def service_pods(self, service: Service) -> list[Pod]:
        if not service.selector:
            return []   # a selector-less Service has no endpoints from pods
        return [p for p in self.pods_in(service.namespace) if p.matches(service.selector)]

    def workload_of(self, ref: str) -> list[Pod]:
        """`ns/name` of a client, a service (any of its pods) or a gateway."""
        if ref in self.clients:
            return self.clients[ref]
        namespace, _, name = ref.rpartition("/")
        namespace = namespace or "default"
        svc = self.service(fqdn(name, namespace))
        if svc is not None:
            return self.service_pods(svc)
        return [p for p in self.pods_in(namespace) if p.workload == name or p.name == name]

    def index(self) -> Inventory:
        self._by_host = {s.host: s for s in self.services}
        self._pods_by_ns = {}
        for pod in self.pods:
            self._pods_by_ns.setdefault(pod.namespace, []).append(pod)
        for name in {s.namespace for s in self.services} | {p.namespace for p in self.pods}:
            self.namespaces.setdefault(name, Namespace(name))
        return self
