"""What a matched rule does: redirect, direct response, rewrite, weighted destinations, policy.

Sources: istio:pilot/pkg/networking/core/route/route.go (`applyHTTPRouteDestination`,
`TranslateRoute`, `GetDestinationCluster`), api:networking/v1alpha3/virtual_service.proto;
istio-semantics §3.4–3.9.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine.mesh.hosts import resolve
from engine.resources.networking import Destination, HTTPRoute
from engine.simulation import route_policy
from engine.simulation.egress import entry_target
from engine.simulation.hop import Hop
from engine.simulation.plan import ClusterTarget, Mirror, Outcome, RoutePolicy
from engine.simulation.targets import missing, service_target
from engine.simulation.virtualservice import RuleHit, first_http_rule, first_l4_rule

DEFAULT_ROUTE = RoutePolicy()      # prefix / : mesh default retries, no timeout (§3.2)
NO_ROUTE = Outcome(404, ("NR",), "the VirtualService owning the host has no route for this request")


@dataclass(frozen=True)
class Action:
    immediate: Outcome | None = None
    targets: tuple[ClusterTarget, ...] = ()
    policy: RoutePolicy = DEFAULT_ROUTE


def destination_target(hop: Hop, dest: Destination, config_namespace: str, weight: int) -> ClusterTarget:
    """A destination host resolves in the VirtualService's namespace, then against the registry
    the client can see (Services, then ServiceEntries); anything else is not in CDS (503 NC)."""
    host = resolve(dest.host, config_namespace)
    port = dest.port.number if dest.port is not None and dest.port.number else None
    svc = hop.mesh.service(host, hop.namespace)
    if svc is not None:
        return service_target(hop, svc, port, dest.subset, weight)
    entries = hop.mesh.service_entries_for(host, hop.namespace)
    if entries and not host.startswith("*"):
        return entry_target(hop, entries[0][1], host, port, dest.subset, weight)
    return missing(host, port or hop.port, dest.subset, weight,
                   f"{host} is not a service or ServiceEntry visible from {hop.namespace}: cluster not found (503 NC)")


def weighted(hop: Hop, route, config_namespace: str) -> tuple[ClusterTarget, ...]:
    """One destination takes everything whatever its weight; with several, 0-weight ones are
    dropped and the rest are relative (`applyHTTPRouteDestination`, correction 1)."""
    dests = list(route.route)
    if len(dests) == 1:
        return (_target_with_headers(hop, route, dests[0], config_namespace, 100),)
    return tuple(_target_with_headers(hop, route, d, config_namespace, d.weight) for d in dests if d.weight)


def _target_with_headers(hop: Hop, route, dest, config_namespace: str, weight: int) -> ClusterTarget:
    """The server (its AuthorizationPolicy, RequestAuthentication) sees the request after the
    client's header operations: the destination's, then the route's (Envoy applies the weighted
    cluster's request_headers_to_add before the route's, so a route `set` wins). Matching already
    happened: an operation never changes which rule matched. tcp/tls destinations have none."""
    ops = [h.request for h in (getattr(dest, "headers", None), getattr(route, "headers", None))
           if h is not None and h.request is not None]
    if not ops:
        return destination_target(hop, dest.destination, config_namespace, weight)
    before = hop.facts
    headers = dict(before.headers)
    for op in ops:
        for name in op.remove:                 # Envoy HeaderParser: remove before add
            headers.pop(name.lower(), None)
        headers.update({k.lower(): v for k, v in op.set.items()})
        for k, v in op.add.items():
            headers[k.lower()] = f"{headers[k.lower()]},{v}" if k.lower() in headers else v
    hop.facts = replace(before, headers=headers)
    try:
        return destination_target(hop, dest.destination, config_namespace, weight)
    finally:
        hop.facts = before


def http_action(hop: Hop, hit: RuleHit, route: HTTPRoute) -> Action:
    vs = hit.vs
    if route.redirect is not None:
        r = route.redirect
        code = r.redirect_code or 301
        location = _location(hop, r)
        hop.step("route", f"redirect {code} to {location}", vs.reference(f"spec.http[{hit.index}].redirect"))
        return Action(immediate=Outcome(code, (), f"redirect to {location}", location))
    if route.direct_response is not None:
        status = route.direct_response.status
        hop.step("route", f"direct response {status}", vs.reference(f"spec.http[{hit.index}].directResponse"))
        body = route.direct_response.body
        return Action(immediate=Outcome(status, (), (body.string or "") if body else ""))
    if route.rewrite is not None:
        _rewrite(hop, hit, route)
    targets = weighted(hop, route, vs.namespace)
    policy = RoutePolicy(timeout_ms=route.timeout.ms if route.timeout else None,
                         retry=route_policy.retry_policy(route.retries),
                         fault=route_policy.fault(route.fault),
                         mirrors=_mirrors(hop, route, vs.namespace))
    return Action(targets=targets, policy=policy)


def _mirrors(hop: Hop, route: HTTPRoute, namespace: str) -> tuple[Mirror, ...]:
    out = []
    if route.mirror is not None:
        fraction = route_policy.mirror_fraction(route.mirror_percentage, route.mirror_percent)
        out.append(Mirror(destination_target(hop, route.mirror, namespace, 1), fraction))
    for m in route.mirrors:
        out.append(Mirror(destination_target(hop, m.destination, namespace, 1),
                          route_policy.mirror_fraction(m.percentage)))
    for m in out:
        hop.step("mirror", f"mirror {m.fraction:.0%} of requests to {m.target.name} (responses ignored)")
    return tuple(m for m in out if m.fraction > 0)


def _rewrite(hop: Hop, hit: RuleHit, route: HTTPRoute) -> None:
    """Applied after matching: a prefix match replaces the matched prefix, otherwise the whole
    path (`prefix_rewrite`/`regex_rewrite`, §3.6). The server and backends see the result."""
    rw, facts = route.rewrite, hop.facts
    path = facts.path
    if rw.uri is not None:
        m = hit.match
        prefix = m.uri.prefix if m is not None and m.uri is not None and m.uri.prefix is not None else None
        path = rw.uri + path[len(prefix):] if prefix is not None else rw.uri
    elif rw.uri_regex_rewrite is not None and rw.uri_regex_rewrite.match:
        import re2
        try:
            path = re2.sub(rw.uri_regex_rewrite.match, rw.uri_regex_rewrite.rewrite or "", path)
        except re2.error:
            pass
    authority = rw.authority or facts.authority
    hop.facts = replace(facts, path=path or "/", authority=authority)
    hop.step("rewrite", f"rewritten to {authority}{path or '/'}", hit.vs.reference(f"spec.http[{hit.index}].rewrite"))


def _location(hop: Hop, r) -> str:
    """Location as Envoy builds it (route.go `ApplyRedirect`): an explicit port, or the request's
    with derivePort FROM_REQUEST_PORT, left out when it is the scheme's default."""
    scheme = r.scheme or hop.facts.scheme
    authority = r.authority or hop.facts.authority
    port = r.port or (hop.port if str(r.derive_port or "") == "FROM_REQUEST_PORT" else None)
    if port is not None:
        authority = authority.rsplit(":", 1)[0]
        if (scheme, port) not in (("http", 80), ("https", 443)):
            authority += f":{port}"
    return f"{scheme}://{authority}{r.uri or hop.facts.path}"


def l4_action(hop: Hop, hit: RuleHit) -> Action:
    """tcp/tls routes: weighted destinations, no retries, timeouts or faults at L4 (§3.10)."""
    targets = weighted(hop, hit.route, hit.vs.namespace)
    return Action(targets=targets, policy=RoutePolicy(retry=route_policy.NO_RETRY))


def route_http(hop: Hop, clauses: list) -> Action:
    """The first HTTP rule that matches, recorded on the hop, else 404 NR: sidecars and gateways alike."""
    hit = first_http_rule(hop, clauses)
    if hit is None:
        hop.step("route", "no rule matches: 404 NR")
        return Action(immediate=NO_ROUTE)
    hop.rule_reference = hit.reference
    hop.step("route", hit.detail, hit.reference)
    return http_action(hop, hit, hit.route)


def route_l4(hop: Hop, vs, sni: str) -> Action | None:
    """The first tcp/tls rule of `vs` that matches, recorded on the hop; None lets the caller go on."""
    hit = first_l4_rule(hop, vs, sni)
    if hit is None:
        return None
    hop.rule_reference = hit.reference
    hop.step("route", hit.detail, hit.reference)
    return l4_action(hop, hit)
