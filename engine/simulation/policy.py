"""DestinationRule lookup and the cluster policy it yields (istio-semantics §4).

- Which DR: client namespace, else the service's namespace, else the root namespace; the first
  step that finds one wins, the most specific host within a step; exportTo and workloadSelector
  honoured; a proxy in the root namespace first sees only the root's `.` DRs; several DRs for one
  host in one namespace merge (subsets concatenated, first top-level trafficPolicy kept):
  istio:pilot/pkg/model/push_context.go `destinationRule`, `mergeDestinationRule`.
- Which policy for a cluster: port-level settings replace the top level for that port (omitted
  blocks become defaults), a subset's blocks replace whole blocks, a subset's port-level entry
  replaces all four: istio:pilot/pkg/networking/util/util.go `MergeSubsetTrafficPolicy`,
  istio:pilot/pkg/model/destination_rule.go, `GetPortLevelTrafficPolicy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.mesh.hosts import exported_to, specificity
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.networking import (
    ClientTLSSettings, ConnectionPoolSettings, LoadBalancerSettings, OutlierDetection, Subset, TrafficPolicy,
)
from engine.simulation.plan import ConnectionPool, LoadBalancer, OutlierPolicy


@dataclass
class AppliedRule:
    """The DestinationRule(s) a client proxy uses for one host, merged."""

    resources: list[Resource] = field(default_factory=list)
    traffic_policy: TrafficPolicy | None = None
    policy_owner: Resource | None = None
    subsets: dict[str, tuple[Subset, Resource, int]] = field(default_factory=dict)   # name -> (subset, DR, index)

    @property
    def reference(self) -> str:
        return self.resources[0].reference() if self.resources else ""


def _selects(dr: Resource, client_namespace: str, client_labels: dict[str, str]) -> bool:
    """A workloadSelector limits the DR to matching client workloads in the DR's own namespace."""
    sel = dr.spec.workload_selector
    return dr.namespace == client_namespace and all(client_labels.get(k) == v for k, v in sel.match_labels.items())


def find_rule(mesh: Mesh, host: str, service_namespace: str, client_namespace: str,
              client_labels: dict[str, str]) -> AppliedRule | None:
    candidates = mesh.destination_rules.lookup(host)
    if not candidates:
        return None
    root = mesh.root_namespace

    def local(dr: Resource) -> bool:
        # A proxy in the root namespace (a gateway in istio-system) sees only the root's `.` DRs
        # first, so catch-all `*.local` rules there do not shadow the service namespace's.
        if dr.namespace != client_namespace:
            return False
        if client_namespace == root:
            return "." in dr.spec.export_to
        # The namespace-local index holds a DR only when it is exported to its own namespace
        # (empty, `*`, `.` or the namespace's name; a workloadSelector makes it private):
        # `exportTo: [other]` hides it from its own namespace (push_context.go `setDestinationRules`).
        return _has_selector(dr) or exported_to(dr.spec.export_to, dr.namespace, client_namespace)

    def exported_from(namespace: str):
        return lambda dr: dr.namespace == namespace and exported_to(dr.spec.export_to, dr.namespace, client_namespace)

    for step in (local, exported_from(service_namespace), exported_from(root)):
        found = [(p, dr) for p, dr in candidates if step(dr)]
        if not found:
            continue
        # The first step holding any DR for the host decides, even if none of them fits this
        # client: Istio does not fall back further (push_context.go `destinationRule`).
        best = max(specificity(p) for p, _ in found)
        chosen = sorted((dr for p, dr in found if specificity(p) == best), key=lambda dr: dr.order)
        # A DR whose workloadSelector picks this client (in its own namespace) is used alone;
        # otherwise the selector-less ones, merged (sidecar.go SidecarScope.DestinationRule).
        selected = [dr for dr in chosen if _has_selector(dr) and _selects(dr, client_namespace, client_labels)]
        plain = [dr for dr in chosen if not _has_selector(dr)]
        return _merge(selected[:1]) if selected else (_merge(plain) if plain else None)
    return None


def _has_selector(dr: Resource) -> bool:
    return dr.spec.workload_selector is not None and bool(dr.spec.workload_selector.match_labels)


def _merge(rules: list[Resource]) -> AppliedRule:
    out = AppliedRule(resources=rules)
    for dr in rules:
        if out.traffic_policy is None and dr.spec.traffic_policy is not None:
            out.traffic_policy, out.policy_owner = dr.spec.traffic_policy, dr
        for i, subset in enumerate(dr.spec.subsets):
            out.subsets.setdefault(subset.name, (subset, dr, i))   # first definition wins
    return out


@dataclass(frozen=True)
class ClusterPolicy:
    """The four blocks that shape one cluster, and where each came from."""

    load_balancer: LoadBalancerSettings | None = None
    connection_pool: ConnectionPoolSettings | None = None
    outlier_detection: OutlierDetection | None = None
    tls: ClientTLSSettings | None = None
    tls_reference: str = ""
    reference: str = ""


def _port_level(policy: TrafficPolicy | None, port: int):
    if policy is None:
        return None
    return next((p for p in policy.port_level_settings if p.port and p.port.number == port), None)


def resolve_cluster_policy(rule: AppliedRule | None, port: int, subset: str | None) -> ClusterPolicy:
    if rule is None:
        return ClusterPolicy()
    owner = rule.policy_owner
    top, where = rule.traffic_policy, "spec.trafficPolicy"
    blocks = _blocks(top)
    level = _port_level(top, port)
    if level is not None:
        blocks = _blocks(level)             # replaces: omitted fields are defaults, not top-level
        where = f"spec.trafficPolicy.portLevelSettings[{top.port_level_settings.index(level)}]"
    ref_owner = owner
    if subset is not None and subset in rule.subsets:
        sub, dr, index = rule.subsets[subset]
        sp = sub.traffic_policy
        if sp is not None:
            sub_level = _port_level(sp, port)
            base = f"spec.subsets[{index}].trafficPolicy"
            if sub_level is not None:
                blocks, where = _blocks(sub_level), f"{base}.portLevelSettings[{sp.port_level_settings.index(sub_level)}]"
            else:
                blocks = tuple(s if s is not None else b for s, b in zip(_blocks(sp), blocks))
                where = base
            ref_owner = dr
    reference = ref_owner.reference(where) if ref_owner is not None else rule.reference
    tls_ref = reference if blocks[3] is not None else ""
    return ClusterPolicy(*blocks, tls_reference=tls_ref, reference=reference)


def _blocks(policy) -> tuple:
    if policy is None:
        return (None, None, None, None)
    return (policy.load_balancer, policy.connection_pool, policy.outlier_detection, policy.tls)


# ------------------------------------------------------ plan values for the executor ----

def load_balancer(settings: LoadBalancerSettings | None, hash_source: dict[str, str]) -> LoadBalancer:
    """LEAST_REQUEST by default since 1.14 (§4.4); LEAST_CONN is Istio's alias for it.

    consistentHash: `hash_key` is this stream's value of the chosen key (header, cookie, query
    parameter, source), or None when the request lacks it (Envoy then picks at random).
    """
    if settings is None:
        return LoadBalancer()
    if settings.consistent_hash is not None:
        ch = settings.consistent_hash
        kind = "MAGLEV" if ch.maglev is not None else "RING_HASH"
        return LoadBalancer(simple=kind, hash_key=_hash_key(ch, hash_source))
    simple = str(settings.simple) if settings.simple else "LEAST_REQUEST"
    if simple in ("UNSPECIFIED", "LEAST_CONN"):
        simple = "LEAST_REQUEST"
    return LoadBalancer(simple=simple)


def _hash_key(ch, source: dict[str, str]) -> str | None:
    if ch.http_header_name:
        value = source.get("header:" + ch.http_header_name.lower())
        return f"header:{ch.http_header_name.lower()}={value}" if value is not None else None
    if ch.http_cookie is not None and ch.http_cookie.name:
        value = source.get("cookie:" + ch.http_cookie.name)
        return f"cookie:{ch.http_cookie.name}={value}" if value is not None else None
    if ch.http_query_parameter_name:
        value = source.get("query:" + ch.http_query_parameter_name)
        return f"query:{ch.http_query_parameter_name}={value}" if value is not None else None
    if ch.use_source_ip:
        return "source:" + source.get("source", "")
    return None


def _positive(value: int | None) -> int | None:
    return value if value else None       # 0 means unset (applyConnectionPool "FIXME: zero is valid")


def connection_pool(settings: ConnectionPoolSettings | None) -> ConnectionPool:
    if settings is None:
        return ConnectionPool()
    tcp, http = settings.tcp, settings.http
    return ConnectionPool(
        max_connections=_positive(tcp.max_connections) if tcp else None,
        http1_max_pending_requests=_positive(http.http1_max_pending_requests) if http else None,
        http2_max_requests=_positive(http.http2_max_requests) if http else None,
        max_requests_per_connection=_positive(http.max_requests_per_connection) if http else None,
        max_retries=_positive(http.max_retries) if http else None,
    )


def outlier_policy(od: OutlierDetection | None) -> OutlierPolicy | None:
    """Envoy's defaults apply as soon as the block exists (§4.6): 5 consecutive 5xx, 10s, 30s,
    10%, panic threshold 0. `consecutiveErrors` alone is ignored since 1.7 (correction 5)."""
    if od is None:
        return None
    five = od.consecutive_5xx_errors
    gateway = od.consecutive_gateway_errors
    return OutlierPolicy(
        consecutive_5xx=5 if five is None else (five or None),
        consecutive_gateway_errors=gateway or None,
        interval_ms=od.interval.ms if od.interval else 10_000.0,
        base_ejection_ms=od.base_ejection_time.ms if od.base_ejection_time else 30_000.0,
        max_ejection_percent=od.max_ejection_percent if od.max_ejection_percent is not None else 10,
        min_health_percent=od.min_health_percent or 0,
    )
