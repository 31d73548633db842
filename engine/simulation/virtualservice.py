"""Which VirtualService a proxy uses for a host, and which of its rules a request hits (§3.1–3.2).

Sidecars: VirtualServices bound to `mesh` (gateways empty or listing `mesh`) and exported to the
client's namespace; for one host they do not merge: the most specific host wins, then a VS
private to the client's namespace, then the oldest (istio:pilot/pkg/model/virtualservice.go
`SelectVirtualServices`; istio:pilot/pkg/networking/core/httproute.go "duplicate domain").
Gateways merge every bound VS, catch-all routes last (route.go `SortVHostRoutes`): gateway.py.
Rules: the first whose match applies to this proxy (config-time selectors) and matches the
request wins (`BuildHTTPRoutesForVirtualService`, `TranslateRouteMatch`).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.mesh.hosts import exported_to, matches, specificity
from engine.resources import Resource
from engine.resources.networking import HTTPMatchRequest, HTTPRoute
from engine.simulation.hop import Hop
from engine.simulation.matching import applies, describe, is_catch_all, matches_request

MESH = "mesh"


def gateway_resolver(vs: Resource):
    """Gateway names in a VS resolve in the VS's namespace (`ns/name` kept, `mesh` special)."""
    def resolve(name: str) -> str:
        if name == MESH or "/" in name:
            return name
        return f"{vs.namespace}/{name}"
    return resolve


def bound_to_mesh(vs: Resource) -> bool:
    return not vs.spec.gateways or MESH in vs.spec.gateways


def _private(vs: Resource, namespace: str) -> bool:
    export = vs.spec.export_to
    return vs.namespace == namespace and bool(export) and all(x in (".", namespace) for x in export)


def candidates_for_sidecar(hop: Hop, hosts: list[str]) -> list[tuple[int, Resource]]:
    """VSs that could own any of `hosts` (the service FQDN, and the Host header as written) for
    this sidecar, best first: most specific host, private to the client's namespace, oldest."""
    found: dict[int, tuple[int, Resource]] = {}
    for host in dict.fromkeys(hosts):
        for pattern, vs in hop.mesh.virtual_services.lookup(host):
            if bound_to_mesh(vs) and exported_to(vs.spec.export_to, vs.namespace, hop.namespace):
                rank = specificity(pattern)
                if id(vs) not in found or found[id(vs)][0] < rank:
                    found[id(vs)] = (rank, vs)
    return sorted(found.values(), key=lambda rv: (-rv[0], not _private(rv[1], hop.namespace), rv[1].order))


def select_for_sidecar(hop: Hop, hosts: list[str], http: bool) -> tuple[Resource, list[Resource]] | None:
    """The VS owning the host for this sidecar, and the VSs it shadows (sidecars do not merge)."""
    ranked = [(rank, vs) for rank, vs in candidates_for_sidecar(hop, hosts) if has_routes(hop, vs, http)]
    if not ranked:
        return None
    best_rank = ranked[0][0]
    return ranked[0][1], [vs for rank, vs in ranked[1:] if rank == best_rank]


@dataclass(frozen=True)
class RuleHit:
    vs: Resource
    index: int                     # index in spec.http (or spec.tcp / spec.tls)
    route: object                  # HTTPRoute | TCPRoute | TLSRoute
    match_index: int | None
    kind: str = "http"

    @property
    def path(self) -> str:
        base = f"spec.{self.kind}[{self.index}]"
        return f"{base}.match[{self.match_index}]" if self.match_index is not None else base

    @property
    def reference(self) -> str:
        return self.vs.reference(self.path)

    @property
    def detail(self) -> str:
        """`rule 1 of VirtualService default/reviews matches (header end-user exact 'jason')`."""
        where = f"{self.kind} rule {self.index}" if self.kind != "http" else f"rule {self.index}"
        name = f" {self.route.name!r}" if getattr(self.route, "name", None) else ""
        condition = describe(self.route.match[self.match_index]) if self.match_index is not None and \
            self.kind == "http" else ("every request" if self.match_index is None else f"match {self.match_index}")
        return f"{where}{name} of {self.vs.ref} matches ({condition})"


@dataclass(frozen=True)
class Clause:
    """One Envoy route: a rule with one of its match clauses (or none), as route.go emits them."""

    vs: Resource                   # the VS holding the rule (a delegate VS for delegated rules)
    index: int
    route: HTTPRoute
    match_index: int | None
    gateways: tuple[str, ...]      # the binding VS's gateways (a delegate inherits its root's)
    resolver: object
    parent: HTTPMatchRequest | None = None   # the root rule's clause a delegated rule must also meet

    @property
    def match(self) -> HTTPMatchRequest | None:
        return self.route.match[self.match_index] if self.match_index is not None else None

    @property
    def catch_all(self) -> bool:
        return is_catch_all(self.match) and is_catch_all(self.parent)


def http_clauses(mesh, vs: Resource) -> list[Clause]:
    """The VS's HTTP rules as clauses; `delegate` rules expand in place to the delegate VS's rules
    (one level only; api virtual_service.proto `Delegate`)."""
    out: list[Clause] = []
    resolver = gateway_resolver(vs)
    for index, route in enumerate(vs.spec.http):
        clauses = [Clause(vs, index, route, i, vs.spec.gateways, resolver) for i in range(len(route.match))] \
            or [Clause(vs, index, route, None, vs.spec.gateways, resolver)]
        if route.delegate is None:
            out += clauses
            continue
        delegate = mesh.delegate(route.delegate.name or "", route.delegate.namespace or vs.namespace, vs.namespace)
        if delegate is None:
            continue                 # a missing delegate contributes no routes
        for root in clauses:
            for d_index, d_route in enumerate(delegate.spec.http):
                if d_route.delegate is not None:
                    continue         # only one level of delegation is supported
                for d_match in range(len(d_route.match)) or [None]:
                    out.append(Clause(delegate, d_index, d_route, d_match, vs.spec.gateways, resolver, root.match))
    return out


def merged_gateway_clauses(mesh, services: list[Resource]) -> list[Clause]:
    """Several VSs on one gateway host: clause order kept per VS, VSs oldest first, catch-alls
    moved last (`SortVHostRoutes`)."""
    clauses = [c for vs in sorted(services, key=lambda v: v.order) for c in http_clauses(mesh, vs)]
    return [c for c in clauses if not c.catch_all] + [c for c in clauses if c.catch_all]


def _clause_applies(clause: Clause, source) -> bool:
    return (applies(clause.match, clause.gateways, source, clause.resolver)
            and (clause.parent is None or applies(clause.parent, clause.gateways, source, clause.resolver)))


def has_routes(hop: Hop, vs: Resource, http: bool) -> bool:
    """Does the VS yield any route on this proxy and port? A VS whose every clause is filtered
    out at config time builds no virtual host at all (`BuildHTTPRoutesForVirtualService`:
    "no routes matched"), so the host keeps its default route."""
    source = hop.source
    if http:
        return any(_clause_applies(c, source) for c in http_clauses(hop.mesh, vs))
    resolver = gateway_resolver(vs)
    for rule in tuple(vs.spec.tcp) + tuple(vs.spec.tls):
        if not rule.match:
            if applies(None, vs.spec.gateways, source, resolver):
                return True
        elif any(applies(m, vs.spec.gateways, source, resolver) for m in rule.match):
            return True
    return False


def first_http_rule(hop: Hop, clauses: list[Clause]) -> RuleHit | None:
    """The first clause present on this proxy that the request meets: first match wins."""
    source = hop.source
    for c in clauses:
        if not _clause_applies(c, source):
            continue
        if (c.match is None or matches_request(c.match, hop.facts)) and \
                (c.parent is None or matches_request(c.parent, hop.facts)):
            return RuleHit(c.vs, c.index, c.route, c.match_index)
    return None


def first_l4_rule(hop: Hop, vs: Resource, sni: str) -> RuleHit | None:
    """tls routes by SNI (only when the app speaks TLS), then tcp routes (§3.10)."""
    source = hop.source
    resolver = gateway_resolver(vs)
    if hop.app_tls:
        for index, route in enumerate(vs.spec.tls):
            for m_index, m in enumerate(route.match):
                if applies(m, vs.spec.gateways, source, resolver) and any(
                        matches(h.lower(), sni) for h in m.sni_hosts):
                    return RuleHit(vs, index, route, m_index, "tls")
    for index, route in enumerate(vs.spec.tcp):
        if not route.match:
            if applies(None, vs.spec.gateways, source, resolver):
                return RuleHit(vs, index, route, None, "tcp")
            continue
        for m_index, m in enumerate(route.match):
            if not m.destination_subnets and applies(m, vs.spec.gateways, source, resolver):
                return RuleHit(vs, index, route, m_index, "tcp")
    return None
