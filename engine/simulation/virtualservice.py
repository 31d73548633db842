"""Which VirtualService a proxy uses for a host, and which of its rules a request hits (§3.1–3.2).

Sidecars: VirtualServices bound to `mesh` (gateways empty or listing `mesh`) and exported to the
client's namespace (and imported by its Sidecar egress hosts); for one host they do not merge:
the most specific host wins, then private, exported-by-name, public, then the oldest
(istio:pilot/pkg/model/virtualservice.go `SelectVirtualServices`; istio:pilot/pkg/networking/core/
httproute.go "duplicate domain"). A VS with no clause for this proxy is skipped altogether.
Gateways merge every bound VS, catch-all routes last (route.go `SortVHostRoutes`): gateway.py.
Rules: the first whose match applies to this proxy (config-time selectors) and matches the
request wins (`BuildHTTPRoutesForVirtualService`, `TranslateRouteMatch`).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.mesh.hosts import exported_to, matches, resolve, specificity
from engine.resources import Resource
from engine.resources.networking import HTTPMatchRequest, HTTPRoute
from engine.simulation import delegation
from engine.simulation.hop import Hop
from engine.simulation.matching import applies, describe, is_catch_all, matches_request
from engine.simulation.scope import imports_config

MESH = "mesh"


def gateway_resolver(vs: Resource):
    """Gateway names in a VS resolve in the VS's namespace (`ns/name` kept, `mesh` special)."""
    def qualified(name: str) -> str:
        if name == MESH or "/" in name:
            return name
        return f"{vs.namespace}/{name}"
    return qualified


def bound_to_mesh(vs: Resource) -> bool:
    return not vs.spec.gateways or MESH in vs.spec.gateways


def _visibility_rank(vs: Resource, namespace: str) -> int:
    """SelectVirtualServices order: private to the client's namespace (`.`), then exported to it
    by name, then public."""
    export = vs.spec.export_to
    if "." in export and vs.namespace == namespace:
        return 0
    return 1 if namespace in export else 2


def candidates_for_sidecar(hop: Hop, hosts: list[str]) -> list[tuple[int, Resource]]:
    """VSs that could own any of `hosts` (the registry host first, then the Host header as
    written) for this sidecar, best first: most specific host (Envoy prefers exact domains), then private,
    exported by name, public (`SelectVirtualServices`), then oldest."""
    found: dict[int, tuple[int, Resource]] = {}
    for position, host in enumerate(dict.fromkeys(hosts)):
        if position and hop.port != 80:
            # A VS host that is not the registry host gets a virtual host on port 80 only
            # (route.go buildSidecarVirtualHostsForVirtualService: "gross HACK" for port 80).
            continue
        for pattern, vs in hop.mesh.virtual_services.lookup(host):
            if bound_to_mesh(vs) and exported_to(vs.spec.export_to, vs.namespace, hop.namespace) and \
                    imports_config(hop, vs.namespace, tuple(resolve(h, vs.namespace) for h in vs.spec.hosts)):
                rank = specificity(pattern)
                if id(vs) not in found or found[id(vs)][0] < rank:
                    found[id(vs)] = (rank, vs)
    return sorted(found.values(), key=lambda rv: (-rv[0], _visibility_rank(rv[1], hop.namespace), rv[1].order))


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
    route: object                  # HTTPRoute | TCPRoute | TLSRoute (a delegated rule: merged with its root)
    match_index: int | None        # index in the YAML of `vs`, for the reference
    kind: str = "http"
    match: HTTPMatchRequest | None = None   # the clause that matched (merged, for a delegated rule)

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
        if self.kind == "http":
            condition = describe(self.match)
        else:
            condition = "every connection" if self.match_index is None else f"match {self.match_index}"
        return f"{where}{name} of {self.vs.ref} matches ({condition})"


@dataclass(frozen=True)
class Clause:
    """One Envoy route: a rule with one of its match clauses (or none), as route.go emits them."""

    vs: Resource                   # the VS holding the rule (the delegate VS for delegated rules)
    index: int
    route: HTTPRoute
    match: HTTPMatchRequest | None
    match_index: int | None        # for the file:line reference
    gateways: tuple[str, ...]      # the binding VS's gateways (a delegate inherits its root's)
    resolver: object

    @property
    def catch_all(self) -> bool:
        return is_catch_all(self.match)


def http_clauses(mesh, vs: Resource) -> list[Clause]:
    """The VS's HTTP rules as clauses, `delegate` rules expanded in place (delegation.py)."""
    out: list[Clause] = []
    resolver = gateway_resolver(vs)
    for index, route in enumerate(vs.spec.http):
        if route.delegate is None:
            out += [Clause(vs, index, route, m, i, vs.spec.gateways, resolver) for i, m in enumerate(route.match)] \
                or [Clause(vs, index, route, None, None, vs.spec.gateways, resolver)]
            continue
        delegate = mesh.delegate(route.delegate.name or "", route.delegate.namespace or vs.namespace, vs.namespace)
        if delegate is None:
            continue                 # a missing or unexported delegate contributes no routes
        for d_index, d_route in enumerate(delegate.spec.http):
            merged = delegation.merge(route, d_route) if d_route.delegate is None else None
            if merged is None:
                continue             # conflicting with the root, or a second level of delegation
            full = delegation.inherit(route, d_route)
            out += [Clause(delegate, d_index, full, m, i, vs.spec.gateways, resolver) for m, i in merged]
    return out


def merged_gateway_clauses(mesh, services: list[Resource]) -> list[Clause]:
    """Several VSs on one gateway host: clause order kept per VS, VSs oldest first, catch-alls
    moved last (`SortVHostRoutes`)."""
    clauses = [c for vs in sorted(services, key=lambda v: v.order) for c in http_clauses(mesh, vs)]
    return [c for c in clauses if not c.catch_all] + [c for c in clauses if c.catch_all]


def _clause_applies(clause: Clause, source) -> bool:
    return applies(clause.match, clause.gateways, source, clause.resolver)


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
        if c.match is None or matches_request(c.match, hop.facts):
            return RuleHit(c.vs, c.index, c.route, c.match_index, match=c.match)
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
