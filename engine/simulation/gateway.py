"""Ingress: a request from outside through a gateway Envoy (istio-semantics §8).

Gateways select gateway pods by label in every namespace; a server listens on a port for hosts
`[ns/]dnsName`; a VirtualService is bound when it names the Gateway (`ns/name`, or a bare name in
the VS's namespace), one of its hosts fits a server host whose namespace part admits the VS, and
it is exported to the gateway's namespace. No listener: the connection fails; no bound VS, host
or rule: 404 NR; `httpsRedirect`: 301. Bound VSs merge, catch-all rules last. The hop to the
backend is then planned like a sidecar client in the gateway's namespace (DR lookup, auto mTLS).
Sources: api:networking/v1alpha3/gateway.proto; istio:pilot/pkg/networking/core/gateway.go;
istio:pilot/pkg/networking/core/gateway_simulation_test.go.
"""

from __future__ import annotations

from dataclasses import replace

from engine.mesh.hosts import exported_to, matches, resolve
from engine.mesh.inventory import Pod
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.meshdrill import Backend, Stream
from engine.simulation.actions import NO_ROUTE, Action, route_http, route_l4
from engine.simulation.authz import Caller, authorize
from engine.simulation.hop import Hop
from engine.simulation.jwt import server_authn
from engine.simulation.plan import Behaviour, Outcome, Plan, TraceStep
from engine.simulation.routing import finish, make_hop
from engine.simulation.sender import Sender, parse_target, unknown_endpoint
from engine.simulation.virtualservice import gateway_resolver, merged_gateway_clauses

HTTP_SERVERS = frozenset({"HTTP", "HTTP2", "GRPC", "HTTPS"})
TERMINATING = frozenset({"SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"})


def _gateway_sender(mesh: Mesh, stream: Stream) -> Sender:
    via = stream.via or f"{mesh.root_namespace}/istio-ingressgateway"
    pods = [p for p in mesh.inventory.workload_of(via) if p.gateway] or mesh.inventory.workload_of(via)
    if not pods:
        raise unknown_endpoint("via", via, "gateway workload", mesh.stream_reference(stream, "via"),
                               "write `via: <namespace>/<gateway workload>`, e.g. istio-system/istio-ingressgateway")
    pod = pods[0]
    return Sender(via if "/" in via else f"{pod.namespace}/{via}", pod, pod.namespace, True, True)


def _dns(entry: str) -> str:
    return (entry.partition("/")[2] if "/" in entry else entry).lower()


def _server_host_admits(entry: str, gateway: Resource, vs_namespace: str, host: str) -> bool:
    namespace, slash, name = entry.partition("/")
    if not slash:
        namespace, name = "*", entry
    if namespace == ".":
        namespace = gateway.namespace
    return (namespace == "*" or namespace == vs_namespace) and (matches(name.lower(), host) or matches(host, name.lower()))


def plan_ingress(mesh: Mesh, stream: Stream, backends: tuple[Backend, ...] | None) -> Plan:
    sender = _gateway_sender(mesh, stream)
    target = parse_target(stream.to)
    hop, request = make_hop(mesh, sender, target, stream, None, backends)
    label = f"external via {sender.ref}"
    hop.step("sender", f"external client through gateway {sender.ref}", mesh.stream_reference(stream, "via"))
    # Server hosts and VS hosts match the Host header (curl -H 'Host: ...' to the gateway's address).
    action = _route(hop, hop.facts.authority.rsplit(":", 1)[0].lower() if hop.facts.authority else target.host)
    return finish(hop, request, action, sender, label=label)


def _listen_ports(hop: Hop) -> set[int]:
    """A Gateway server port names the gateway Service's port (Istio translates it to the
    targetPort) or, untranslated, the container port itself: both reach the listener."""
    ports = {hop.port}
    pod = hop.sender.pod
    for svc in hop.mesh.inventory.services:
        if svc.namespace == pod.namespace and svc.selector and pod.matches(svc.selector):
            sp = svc.port(hop.port)
            if sp is not None and isinstance(sp.target_port, int):
                ports.add(sp.target_port)
    return ports


def _listener(hop: Hop, host: str) -> Action | list:
    """The Gateway servers that take this request (same port, host listed), or the outcome when
    none does: no listener (connection fails), no server for the host (404 NR), an https
    redirect (301), or a TLS/plaintext mismatch (handshake fails)."""
    pod, ports = hop.sender.pod, _listen_ports(hop)
    servers = [(gw, i, s) for gw in hop.mesh.gateways if pod.matches(gw.spec.selector or {})
               for i, s in enumerate(gw.spec.servers) if s.port is not None and s.port.number in ports]
    if not servers:
        hop.step("listener", f"no Gateway server on port {hop.port} for {hop.sender.ref}: the connection fails")
        return Action(immediate=Outcome(None, (), f"no listener on port {hop.port}"))
    fitting = [(gw, i, s) for gw, i, s in servers if any(matches(_dns(h), host) for h in s.hosts)]
    if not fitting and hop.app_tls:
        # TLS servers are filter chains matched by SNI: an SNI none lists finds no chain, and
        # Envoy closes the connection (flag NR: "no matching filter chain for a downstream connection").
        hop.step("listener", f"no Gateway server on port {hop.port} matches SNI {host}: no filter chain, "
                 "the connection is closed")
        return Action(immediate=Outcome(None, ("NR",), f"no filter chain for SNI {host} on port {hop.port}"))
    if not fitting:
        hop.step("listener", f"no Gateway server on port {hop.port} lists host {host}: 404 NR")
        return Action(immediate=NO_ROUTE)
    redirecting = next(((g, i) for g, i, s in fitting if s.tls is not None and s.tls.https_redirect), None)
    if redirecting is not None and not hop.app_tls:
        # Envoy cannot redirect per route: one redirecting server makes the whole vhost redirect
        # (gateway_simulation_test.go "mixed httpsRedirect with routes").
        g, i = redirecting
        hop.step("listener", f"server {i} of {g.ref} redirects http to https (301)", g.reference(f"spec.servers[{i}]"))
        location = f"https://{host}{hop.facts.path}"
        return Action(immediate=Outcome(301, (), f"redirect to {location}", location))
    gw, index, server = fitting[0]
    where = gw.reference(f"spec.servers[{index}]")
    protocol = (server.port.protocol or "").upper()
    if protocol in ("HTTPS", "TLS") and not hop.app_tls or protocol in ("HTTP", "HTTP2", "GRPC") and hop.app_tls:
        hop.step("listener", f"server {index} of {gw.ref} speaks {protocol}, the client does not: handshake fails",
                 where)
        return Action(immediate=Outcome(None, (), f"{protocol} listener on port {hop.port} refuses the connection"))
    tls_mode = str(server.tls.mode) if server.tls is not None and server.tls.mode else ""
    hop.http = protocol in HTTP_SERVERS and (protocol != "HTTPS" or tls_mode in TERMINATING)
    hop.gateway_names = frozenset(f"{g.namespace}/{g.name}" for g, _, _ in fitting)
    hop.step("listener", f"{gw.ref} server {index} ({protocol}) accepts {host}:{hop.port}", where)
    return fitting


def _route(hop: Hop, host: str) -> Action:
    fitting = _listener(hop, host)
    if isinstance(fitting, Action):
        return fitting
    authn = server_authn(hop.mesh, hop.sender.pod, hop.facts.headers, hop.facts.query, http=hop.http)
    hop.doubt(authn.uncertain)
    if authn.active:
        hop.step("authn", f"gateway: {authn.detail}", authn.reference)
    if authn.failed:
        return Action(immediate=Outcome(401, (), authn.failed))
    if authn.principal is not None:
        # The claims feed `@request.auth.claims.*` route matches; with forwardOriginalToken false
        # (the default) the validated token itself is not sent upstream.
        hop.facts = replace(hop.facts, claims=authn.claims,
                            headers={k: v for k, v in hop.facts.headers.items() if k not in authn.consumed})
    denied = authorize(hop.mesh, hop.sender.pod, Caller(None, None, hop.facts.method, hop.facts.path,
                                                        hop.facts.authority, hop.port, hop.facts.headers,
                                                        http=hop.http, authn=authn))
    hop.doubt(denied.uncertain)
    if denied.denied:
        hop.step("authz", f"gateway: {denied.detail}", denied.reference)
        return Action(immediate=Outcome(403, (), "RBAC: access denied"))
    bound = _bound_services(hop, host, fitting)
    if not bound:
        hop.step("virtualservice", f"no VirtualService bound to {', '.join(sorted(hop.gateway_names))} "
                 f"for {host}: 404 NR")
        return Action(immediate=NO_ROUTE)
    hop.step("virtualservice", "bound: " + ", ".join(vs.ref for vs in bound) + (" (merged)" if len(bound) > 1 else ""),
             bound[0].reference("spec.gateways"))
    if hop.http:
        return route_http(hop, merged_gateway_clauses(hop.mesh, bound))
    for vs in bound:
        action = route_l4(hop, vs, host)
        if action is not None:
            return action
    hop.step("route", "no tcp/tls rule matches: the connection is closed")
    return Action(immediate=Outcome(None, (), "no tcp/tls route on the gateway"))


def _bound_services(hop, host: str, servers) -> list[Resource]:
    """VSs for this host that name a Gateway whose own server (on this port) admits one of the
    VS's hosts from the VS's namespace, exported to the gateway's namespace."""
    out = []
    for _, vs in hop.mesh.virtual_services.lookup(host):
        if vs in out or not exported_to(vs.spec.export_to, vs.namespace, hop.namespace):
            continue
        named = {gateway_resolver(vs)(g) for g in vs.spec.gateways}
        vs_hosts = [resolve(h, vs.namespace) for h in vs.spec.hosts]
        if any(f"{gw.namespace}/{gw.name}" in named and _server_host_admits(entry, gw, vs.namespace, vh)
               for gw, _, s in servers for entry in s.hosts for vh in vs_hosts):
            out.append(vs)
    return sorted(out, key=lambda v: v.order)


GATEWAY_SUMMARY = ("the request goes on through a gateway: its routing is planned at config time and folded "
                   "into that endpoint's behaviour (the gateway's own retries and outlier detection are not simulated)")
MAX_GATEWAY_HOPS = 2


def through_gateway(outer: Hop, pod: Pod, port: int) -> tuple[Behaviour, list[TraceStep]]:
    """A mesh client reaching a gateway pod (egress gateway, or the ingress gateway's Service):
    the gateway routes the request again with its own Gateway servers and VirtualServices
    (io:tasks/traffic-management/egress/egress-gateway). The Plan holds one level of targets,
    so the gateway's outcome becomes the behaviour of the gateway endpoint."""
    outer.doubt(GATEWAY_SUMMARY)
    sender = Sender(f"{pod.namespace}/{pod.workload or pod.name}", pod, pod.namespace, True, True)
    hop = Hop(outer.mesh, sender, port, outer.facts, app_tls=outer.app_tls, backends=outer.backends,
              depth=outer.depth + 1)
    if hop.depth > MAX_GATEWAY_HOPS:
        return Behaviour(down=True), [TraceStep("gateway", f"{sender.ref}: too many gateway hops, giving up")]
    host = outer.facts.authority.rsplit(":", 1)[0].lower()
    action = _route(hop, host)
    for doubt in hop.uncertain:
        outer.doubt(doubt)
    inner = list(hop.trace) + [step for t in action.targets for step in t.trace]
    steps = [TraceStep("gateway", f"{sender.ref}: {step.stage}: {step.detail}", step.reference) for step in inner]
    return summarise(action), steps


def summarise(action: Action) -> Behaviour:
    """What the gateway answers, as one endpoint behaviour: the share of requests that fail and
    the status most of them fail with; latency adds the backends' mean."""
    if action.immediate is not None:
        if action.immediate.status is None:
            return Behaviour(down=True)
        return Behaviour(error_rate=1.0, error_status=action.immediate.status)
    total = sum(t.weight for t in action.targets) or 1
    failures: dict[int, float] = {}
    latency = 0.0
    for t in action.targets:
        share = t.weight / total
        conns = t.connections if t.exists else ()
        if not conns:
            failures[503] = failures.get(503, 0.0) + share
            continue
        for c in conns:
            part = share / len(conns)
            latency += part * c.behaviour.latency_ms
            if c.refused or c.behaviour.down:
                failures[503] = failures.get(503, 0.0) + part
            elif c.unauthenticated:
                failures[401] = failures.get(401, 0.0) + part
            elif c.denied:
                failures[403] = failures.get(403, 0.0) + part
            elif c.behaviour.error_rate or c.behaviour.reset_rate:
                rate = min(1.0, c.behaviour.error_rate + c.behaviour.reset_rate)
                failures[c.behaviour.error_status] = failures.get(c.behaviour.error_status, 0.0) + part * rate
    if not failures:
        return Behaviour(latency_ms=1.0 + latency)
    status = max(failures, key=failures.get)
    return Behaviour(error_rate=min(1.0, sum(failures.values())), error_status=status, latency_ms=1.0 + latency)
