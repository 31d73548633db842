"""Traffic to hosts outside the registry, and to ServiceEntry hosts (istio-semantics §9).

- ServiceEntry hosts are in the registry: VS and DR apply; `location` MESH_EXTERNAL (the
  default) never gets auto mTLS; endpoints are the SE's `endpoints`, its `workloadSelector`
  pods, or the host itself (DNS/NONE resolution).
- Unknown hosts follow outboundTrafficPolicy: ALLOW_ANY -> PassthroughCluster (the original
  destination, as the app sent it, no VS/DR); REGISTRY_ONLY -> BlackHoleCluster: HTTP on a port
  where the sidecar has an HTTP listener (`http_listener`) gets the `block_all` 502, anything
  else a reset (istio:pilot/pkg/networking/core/httproute.go
  `buildCatchAllVirtualHost`; sidecar_simulation_test.go `TestPassthroughTraffic`).
"""

from __future__ import annotations

from engine.mesh.inventory import HTTP_PROTOCOLS, Service
from engine.resources import Resource
from engine.simulation import policy as pol
from engine.simulation.hop import Hop
from engine.simulation.plan import ClusterTarget, LoadBalancer, Outcome, TraceStep
from engine.simulation.scope import in_scope
from engine.simulation.targets import (
    cluster_name, external_connection, missing, pod_connection,
)

PASSTHROUGH = "PassthroughCluster"
KUBE_PROXY = LoadBalancer(simple="RANDOM")    # iptables picks a ready endpoint uniformly


def outbound_mode(hop: Hop) -> tuple[str, str]:
    """The client's outboundTrafficPolicy: its Sidecar resource's, else MeshConfig's."""
    if hop.sender.pod is not None:
        sidecar = hop.mesh.sidecar_for(hop.sender.pod)
        otp = sidecar.spec.outbound_traffic_policy if sidecar is not None else None
        if otp is not None and otp.mode is not None:
            return str(otp.mode), sidecar.reference("spec.outboundTrafficPolicy.mode")
    return hop.mesh.settings.outbound_mode, ""


def entry_target(hop: Hop, se: Resource, host: str, port: int | None, subset: str | None,
                 weight: int) -> ClusterTarget:
    spec = se.spec
    ports = [p.number for p in spec.ports]
    if port is None:
        port = ports[0] if len(ports) == 1 else hop.port
    if ports and port not in ports:
        return missing(host, port, subset, weight, f"{se.ref} has no port {port}: no such cluster")
    se_port = next((p for p in spec.ports if p.number == port), None)
    upstream = se_port.target_port if se_port is not None and se_port.target_port else port
    rule = pol.find_rule(hop.mesh, host, se.namespace, hop.namespace, hop.sender.labels)
    steps = [TraceStep("serviceentry", f"{host} is declared by {se.ref}", se.reference("spec.hosts"))]
    labels: dict[str, str] = {}
    if subset is not None:
        if rule is None or subset not in rule.subsets:
            return missing(host, port, subset, weight,
                           f"subset {subset!r} is not defined in a DestinationRule visible from {hop.namespace}: "
                           "cluster not found (503 NC)")
        labels = dict(rule.subsets[subset][0].labels)
    cp = pol.resolve_cluster_policy(rule, port, subset)
    internal = str(spec.location or "MESH_EXTERNAL") == "MESH_INTERNAL"
    connections = []
    if spec.workload_selector is not None and spec.workload_selector.labels:
        selector = dict(spec.workload_selector.labels) | labels
        for pod in hop.mesh.inventory.select(se.namespace, selector):
            connections.append(pod_connection(hop, pod, cp.tls, cp.tls_reference, upstream, se.namespace,
                                              auto_mtls=internal))
    elif spec.endpoints:
        for ep in spec.endpoints:
            if all(ep.labels.get(k) == v for k, v in labels.items()):
                connections.append(external_connection(hop, ep.address or host, dict(ep.labels), cp.tls,
                                                       cp.tls_reference, port=ep.ports.get(se_port.name, upstream)
                                                       if se_port is not None else upstream))
    elif not labels and str(spec.resolution or "NONE") != "STATIC":
        # DNS resolves the host itself, NONE forwards to the original destination; STATIC without
        # endpoints has none (EDS with no endpoint: 503 UH), as the ServiceEntry proto's NOTE 1 implies.
        connections.append(external_connection(hop, host, {}, cp.tls, cp.tls_reference, port=upstream))
    steps.append(TraceStep("endpoint", f"{len(connections)} endpoint(s) for {host}:{port}"))
    return ClusterTarget(cluster_name(port, subset, host), host, "", port, subset, weight,
                         connections=tuple(connections), lb=pol.load_balancer(cp.load_balancer, hop.hash_source()),
                         pool=pol.connection_pool(cp.connection_pool), outlier=pol.outlier_policy(cp.outlier_detection),
                         trace=tuple(steps))


def passthrough_external(hop: Hop, host: str) -> ClusterTarget:
    """ALLOW_ANY: straight to the address the app dialed; no VS, no DR, no auto mTLS."""
    conn = external_connection(hop, host, {}, None, "")
    return ClusterTarget(PASSTHROUGH, host, "", hop.port, None, 100, connections=(conn,), lb=KUBE_PROXY,
                         trace=conn.trace)


def passthrough_service(hop: Hop, svc: Service) -> ClusterTarget | Outcome:
    """The original destination is a ClusterIP: kube-proxy picks any pod, plaintext as sent."""
    sp = svc.port(hop.port)
    if sp is None:
        return Outcome(None, (), f"{svc.host} has no port {hop.port}: the connection fails")
    target_port = sp.target_port if isinstance(sp.target_port, int) else sp.port
    pods = hop.mesh.inventory.service_pods(svc)
    if not pods:
        return Outcome(None, (), f"{svc.host} has no endpoints: kube-proxy refuses the connection")
    connections = tuple(pod_connection(hop, pod, None, "", target_port, svc.namespace, proxy=False,
                                       service_port=sp.port) for pod in pods)
    return ClusterTarget(PASSTHROUGH if hop.sender.sidecar else f"kube-proxy|{hop.port}|{svc.host}", svc.name,
                         svc.namespace, hop.port, None, 100, connections=connections, lb=KUBE_PROXY)


def http_listener(hop: Hop) -> bool:
    """Does the sidecar have an HTTP listener on this port? Only then can the `block_all` virtual
    host answer; otherwise the catch-all TCP listener blackholes the connection. Istio opens
    0.0.0.0:<port> for every HTTP port of a service the client can see (exported to its namespace,
    inside its Sidecar's egress hosts), and for every Sidecar egress listener that names an HTTP
    port (httproute_test.go TestSidecarOutboundHTTPRouteConfig "sidecar config port that is not in
    any service": block_all on 9000). A sniffed (auto) or TCP port binds the service's VIP
    instead, so it never sees traffic for another address; only a ServiceEntry without
    `addresses` has no VIP to bind (sidecar_simulation_test.go TestPassthroughTraffic: HTTP on
    the auto port 81 gets block_all "without VIP" but BlackHoleCluster "with VIP")."""
    sidecar = hop.mesh.sidecar_for(hop.sender.pod) if hop.sender.pod is not None and not hop.sender.gateway else None
    for listener in sidecar.spec.egress if sidecar is not None else ():
        if listener.port is not None and listener.port.number == hop.port \
                and str(listener.port.protocol or "").upper() in HTTP_PROTOCOLS:
            return True
    for svc in hop.mesh.inventory.services:
        sp = svc.port(hop.port)
        if sp is not None and sp.protocol in HTTP_PROTOCOLS \
                and hop.mesh.service(svc.host, hop.namespace) is not None \
                and in_scope(hop, svc.host, svc.namespace, hop.port)[0]:
            return True
    return any(p.number == hop.port and (str(p.protocol or "").upper() in HTTP_PROTOCOLS
                                         or (not p.protocol and not se.spec.addresses))
               for _, se in hop.mesh.service_entries.items() for p in se.spec.ports)


def blackhole(hop: Hop, http: bool, why: str, reference: str = "") -> Outcome:
    if http and http_listener(hop):
        hop.step("egress", f"{why}: REGISTRY_ONLY, the block_all virtual host answers 502", reference)
        return Outcome(502, (), "REGISTRY_ONLY: BlackHoleCluster (block_all)")
    hop.step("egress", f"{why}: REGISTRY_ONLY, BlackHoleCluster resets the connection", reference)
    return Outcome(None, (), "REGISTRY_ONLY: BlackHoleCluster resets the connection")
