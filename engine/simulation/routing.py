"""Config-time routing: one stream -> one Plan, as a straight pipeline with an early return.

Stages, each recorded as a TraceStep (istio:pilot/pkg/simulation/traffic.go does the same):
1 sender (sidecar or not; `external` enters through a gateway: gateway.py), 2 host resolution
from the sender's namespace and the listener (port, protocol), Sidecar scoping, VirtualService
selection, 3 the rule and its action (actions.py), 4 cluster + DestinationRule policy, 5 TLS,
6 AuthorizationPolicy, 7 backend behaviour per endpoint (targets.py, tls.py, authz.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.mesh.inventory import CLUSTER_DOMAIN, HTTP_PROTOCOLS, Service
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.meshdrill import Backend, Stream
from engine.simulation import egress
from engine.simulation.actions import DEFAULT_ROUTE, Action, route_http, route_l4
from engine.simulation.hop import Hop
from engine.simulation.matching import HttpFacts
from engine.simulation.plan import ClusterTarget, Outcome, Plan, Request, RoutePolicy
from engine.simulation.route_policy import NO_RETRY, app_timeout
from engine.simulation.scope import in_scope
from engine.simulation.sender import Sender, Target, authority, find_sender, parse_target, stream_headers
from engine.simulation.targets import external_connection, service_target
from engine.simulation.virtualservice import http_clauses, select_for_sidecar

SE_HTTP = frozenset({"HTTP", "HTTP2", "GRPC", "GRPC-WEB"})


@dataclass(frozen=True)
class Located:
    """Where a name the app dials lands, as DNS + the client's registry see it."""

    host: str                      # FQDN of the service, or the external / ServiceEntry host
    service: Service | None = None
    entry: Resource | None = None
    visible: bool = True           # False: a Service not exported to the client's namespace
    external: bool = False         # a known external host (topology externalHosts)


def locate(mesh: Mesh, name: str, namespace: str) -> Located | None:
    """Kubernetes DNS search path from the client's namespace (`reviews` -> reviews.<ns>.svc...)."""
    for candidate in (f"{name}.{namespace}.{CLUSTER_DOMAIN}", f"{name}.{CLUSTER_DOMAIN}",
                      f"{name}.cluster.local", name):
        svc = mesh.inventory.service(candidate)
        if svc is not None:
            return Located(svc.host, svc, visible=mesh.service(svc.host, namespace) is not None)
    entries = mesh.service_entries_for(name, namespace)
    if entries:
        return Located(name, entry=entries[0][1])
    if any(ext.host.lower() == name for ext in mesh.inventory.external_hosts):
        return Located(name, external=True)
    return None


def plan_stream(mesh: Mesh, stream: Stream, backends: tuple[Backend, ...] | None = None) -> Plan:
    if stream.from_ == "external":
        from engine.simulation.gateway import plan_ingress
        return plan_ingress(mesh, stream, backends)
    sender = find_sender(mesh, stream.from_, mesh.stream_reference(stream, "from"))
    return plan_hop(mesh, sender, parse_target(stream.to), stream, backends)


def default_port(mesh: Mesh, target: Target, where: Located | None) -> int:
    if target.port is not None:
        return target.port
    if where is not None and where.service is not None and where.service.ports:
        return where.service.ports[0].port
    if where is not None and where.entry is not None and where.entry.spec.ports:
        return where.entry.spec.ports[0].number
    for ext in mesh.inventory.external_hosts:
        if ext.host.lower() == target.host and ext.ports:
            return ext.ports[0]
    return 443 if target.scheme == "https" else 80


def make_hop(mesh: Mesh, sender: Sender, target: Target, stream: Stream, where: Located | None,
             backends: tuple[Backend, ...] | None) -> tuple[Hop, Request]:
    headers = stream_headers(stream)
    port = default_port(mesh, target, where)
    path = stream.path or target.path
    method = stream.method or "GET"
    facts = HttpFacts.of(path, method, authority(target, port, headers), target.scheme, headers)
    request = Request(target.host, port, method, path, tuple(headers.items()), target.scheme)
    hop = Hop(mesh, sender, port, facts, app_tls=target.scheme in ("https", "tls"),
              backends=mesh.backends if backends is None else tuple(backends))
    return hop, request


def plan_hop(mesh: Mesh, sender: Sender, target: Target, stream: Stream, backends) -> Plan:
    where = locate(mesh, target.host, sender.namespace)
    hop, request = make_hop(mesh, sender, target, stream, where, backends)
    hop.step("sender", f"{sender.ref} ({'sidecar' if sender.sidecar else 'no sidecar'})",
             mesh.stream_reference(stream, "from"))
    if sender.mixed:
        hop.doubt(f"{sender.ref} has pods that differ in labels, sidecar or service account: the stream is "
                  f"planned as sent from {sender.pod.name}")
    action = route_from_sidecar(hop, target, where) if sender.sidecar else bare_app(hop, target, where)
    if sender.sidecar and hop.http and action.immediate is None:
        policy, why = app_timeout(action.policy, hop.facts.headers)
        if why:
            hop.step("timeout", why)
            action = Action(targets=action.targets, policy=policy)
    return finish(hop, request, action, sender)


def finish(hop: Hop, request: Request, action: Action, sender: Sender, label: str | None = None) -> Plan:
    return Plan(request=request, sender=label or sender.ref, sender_sidecar=sender.sidecar,
                immediate=action.immediate, targets=action.targets, policy=action.policy,
                trace=tuple(hop.trace), uncertain=tuple(hop.uncertain), rule_reference=hop.rule_reference,
                l4=not hop.http)


def bare_app(hop: Hop, target: Target, where: Located | None) -> Action:
    """No sidecar: DNS + kube-proxy only; VirtualService and DestinationRule never apply (§0.3)."""
    if where is None:
        hop.step("host", f"{target.host}: no such host (DNS fails)")
        return Action(immediate=Outcome(None, (), f"could not resolve host {target.host}"))
    plain = RoutePolicy(retry=NO_RETRY)
    if where.service is not None:
        sp = where.service.port(hop.port)
        hop.http = not hop.app_tls and (sp is None or sp.protocol in HTTP_PROTOCOLS or sp.protocol == "AUTO")
        hop.step("host", f"{target.host} -> {where.host}:{hop.port} through kube-proxy (no VirtualService, "
                 "no DestinationRule without a sidecar)")
        result = egress.passthrough_service(hop, where.service)
        if isinstance(result, Outcome):
            return Action(immediate=result)
        return Action(targets=(result,), policy=plain)
    hop.step("host", f"{target.host}:{hop.port} straight from the app")
    conn = external_connection(hop, target.host, {}, None, "", proxy=False)
    direct = ClusterTarget(f"direct|{hop.port}|{target.host}", target.host, "", hop.port, None, 100,
                           connections=(conn,), lb=egress.KUBE_PROXY)
    return Action(targets=(direct,), policy=plain)


def unmatched(hop: Hop, target: Target, where: Located | None, why: str) -> Action:
    """Traffic the sidecar has no config for follows outboundTrafficPolicy (§9, correction 17)."""
    mode, reference = egress.outbound_mode(hop)
    if mode == "REGISTRY_ONLY":
        return Action(immediate=egress.blackhole(hop, not hop.app_tls, why, reference))
    hop.step("egress", f"{why}: {mode}, PassthroughCluster (no VirtualService or DestinationRule)", reference)
    plain = RoutePolicy(retry=NO_RETRY)
    if where is not None and where.service is not None:
        result = egress.passthrough_service(hop, where.service)
        if isinstance(result, Outcome):
            return Action(immediate=result)
        return Action(targets=(result,), policy=plain)
    # Unless an HTTP listener owns this port (and the app speaks plaintext HTTP), the bytes take the
    # catch-all TCP listener to PassthroughCluster: tcp_proxy, so a failed connect closes the
    # client's connection rather than answering 503 (TestPassthroughTraffic: TLS on ports 83/84).
    hop.http = hop.http and not hop.app_tls and egress.http_listener(hop)
    return Action(targets=(egress.passthrough_external(hop, target.host),), policy=plain)


def route_from_sidecar(hop: Hop, target: Target, where: Located | None) -> Action:
    if where is None:
        hop.step("host", f"{target.host}: no such host (DNS fails)")
        return Action(immediate=Outcome(None, (), f"could not resolve host {target.host}"))
    if where.external and port80_vhost(hop, [where.host]):
        # A VS host outside the registry still gets a virtual host on port 80 (route.go
        # `separateVSHostsAndServices`: "enable VirtualService configuration to affect traffic to
        # hosts outside of the service registry (e.g. google.com) on port 80"; TestSidecarRoutes
        # "unknown port 80" vs "unknown port 8080").
        hop.step("host", f"{where.host} is not in the registry, but a VirtualService names it (port 80 HTTP)")
        return route_host(hop, where, [where.host], True)
    if where.external or (where.service is not None and not where.visible):
        why = (f"{where.host} is not exported to {hop.namespace}" if where.service is not None
               else f"{where.host} is not in the mesh registry")
        return unmatched(hop, target, where, why)
    owner_namespace = where.service.namespace if where.service is not None else where.entry.namespace
    scoped, reference = in_scope(hop, where.host, owner_namespace, hop.port)
    if not scoped:
        return unmatched(hop, target, where, f"{where.host} is outside this workload's Sidecar egress hosts")
    if where.service is not None:
        sp = where.service.port(hop.port)
        if sp is None:
            return unmatched(hop, target, where, f"{where.host} has no port {hop.port}")
        if hop.app_tls and sp.protocol in HTTP_PROTOCOLS:
            # An HTTP port is a 0.0.0.0:<port> listener routing by Host; the app's TLS carries none
            # and takes the listener's passthrough chain (sidecar_simulation_test.go
            # TestPassthroughTraffic: TLS on the http port 80 -> PassthroughCluster / BlackHoleCluster).
            hop.http = False
            return unmatched(hop, target, where, f"{where.host}:{hop.port} is an {sp.protocol} port and the app "
                             "speaks TLS")
        http = sp.protocol in HTTP_PROTOCOLS or (sp.protocol == "AUTO" and not hop.app_tls)
        hop.http = http
        hop.step("host", f"{target.host} -> {where.host}:{hop.port}, {sp.protocol} port "
                 f"({'HTTP routes' if http else 'TCP/TLS routes'})", reference)
    else:
        protocols = {p.number: str(p.protocol or "TCP").upper() for p in where.entry.spec.ports}
        if protocols and hop.port not in protocols:
            return unmatched(hop, target, where, f"{where.entry.ref} has no port {hop.port}")
        http = protocols.get(hop.port, "HTTP" if not hop.app_tls else "TLS") in SE_HTTP and not hop.app_tls
        hop.http = http
        hop.step("host", f"{target.host}:{hop.port} -> {where.entry.ref}", where.entry.reference())
    if http and "host" in hop.facts.headers:
        return by_host_header(hop, target, where)
    return route_host(hop, where, [where.host, hop.facts.authority.rsplit(":", 1)[0].lower()], http)


def port80_vhost(hop: Hop, names: list[str]) -> bool:
    """Does a VirtualService give these non-registry names a virtual host on this hop? Only on
    port 80 (route.go `buildSidecarVirtualHostsForVirtualService`: `serviceByPort[80] = nil`), and
    only where the sidecar has an HTTP listener on 80 to carry that route table: listeners come
    from service ports, never from VirtualService hosts; without one the bytes go through the
    catch-all listener as unmatched traffic."""
    return (hop.port == 80 and not hop.app_tls and egress.http_listener(hop)
            and select_for_sidecar(hop, names, True) is not None)


def aliases(svc: Service, client_namespace: str) -> set[str]:
    """The domains of a Service's virtual host for a client (httproute.go `generateVirtualHostDomains`)."""
    names = {svc.host, f"{svc.name}.{svc.namespace}.svc", f"{svc.name}.{svc.namespace}"}
    if svc.namespace == client_namespace:
        names.add(svc.name)
    return names


def by_host_header(hop: Hop, target: Target, where: Located) -> Action:
    """An explicit Host header picks the virtual host, not the address dialed: Envoy routes HTTP
    by Host on the port's route table; a Host no virtual host lists falls to the catch-all
    (allow_any / block_all) with the original destination (httproute.go `buildCatchAllVirtualHost`)."""
    name = hop.facts.authority.rsplit(":", 1)[0].lower()
    if where.service is not None and name in aliases(where.service, hop.namespace):
        return route_host(hop, where, [where.host, name], True)
    if where.entry is not None and name == where.host:
        return route_host(hop, where, [where.host], True)
    other = locate(hop.mesh, name, hop.namespace)
    if other is not None and other.service is not None and other.visible and other.service.port(hop.port) \
            and name in aliases(other.service, hop.namespace):
        hop.step("host", f"Host header {name} selects the virtual host of {other.host}, not {where.host}")
        return route_host(hop, other, [other.host, name], True)
    if port80_vhost(hop, [name]):                                              # non-registry VS host: port 80 only
        hop.step("host", f"Host header {name} selects a VirtualService's virtual host")
        return route_host(hop, where, [name], True)
    return unmatched(hop, target, where, f"Host header {name} matches no virtual host on port {hop.port}")


def route_host(hop: Hop, where: Located, names: list[str], http: bool) -> Action:
    """VirtualService selection, then the rule, else the default route to the host's cluster."""
    selected = select_for_sidecar(hop, names, http)
    if selected is not None:
        vs, shadowed = selected
        hop.step("virtualservice", f"{vs.ref} owns the host"
                 + (f" (shadows {', '.join(s.ref for s in shadowed)}: sidecars do not merge)" if shadowed else ""),
                 vs.reference("spec.hosts"))
        if http:
            return route_http(hop, http_clauses(hop.mesh, vs))
        action = route_l4(hop, vs, hop.facts.authority.rsplit(":", 1)[0].lower())
        if action is not None:
            return action
    return default_route(hop, where, http)


def default_route(hop: Hop, where: Located, http: bool) -> Action:
    hop.step("route", f"default route to {where.host}:{hop.port} (no VirtualService rule)")
    if where.service is not None:
        target = service_target(hop, where.service, hop.port, None, 100)
    else:
        target = egress.entry_target(hop, where.entry, where.host, hop.port, None, 100)
    return Action(targets=(target,), policy=DEFAULT_ROUTE if http else RoutePolicy(retry=NO_RETRY))
