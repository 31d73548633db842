"""IST0101 host / mirror host / host:port, IST0112 and IST0140: where VirtualService traffic goes.

istio:pkg/config/analysis/analyzers/virtualservice/destinationhosts.go (cluster mode only: it needs
Services). A destination host must name a Service or ServiceEntry visible from the VirtualService's
namespace (`util.GetDestinationHost`, honouring the VirtualService's exportTo). Without a `port`
the service must expose exactly one port (IST0112); with one, the port must exist (host:port).

IST0140 (`analyzeSubset`): a gateway-bound VirtualService routes to host H without a subset while
another VirtualService for H routes to subsets, so the subset rules do not apply to gateway
traffic. Istio looks up the line with the rule's *name* in place of `http` (a bug), so the line
is the object's unless the rule is literally named "http".
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, HostEntry, report
from engine.analysis.destinations import RouteDestination, mirror_destinations, route_destinations
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "virtualservice.DestinationHostAnalyzer"
DESCRIPTION = "Checks the destination hosts associated with each virtual service"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    subset_vs = _virtual_services_with_subsets(ctx)
    for vs in ctx.of("VirtualService"):
        for what, dests in (("host", route_destinations(vs)), ("mirror host", mirror_destinations(vs))):
            for d in dests:
                entry = ctx.destination_host(vs.namespace, vs.spec.export_to, d.destination.host)
                if entry is None:
                    yield report("IST0101", vs, what, d.destination.host, path=d.host_path)
                else:
                    yield from _ports(vs, d, entry)
        yield from _ingress_subsets(vs, subset_vs)


def _ports(vs: Resource, d: RouteDestination, entry: HostEntry) -> Iterator[Diagnostic]:
    port = d.destination.port.number if d.destination.port is not None else None
    if port is None:
        if len(entry.ports) > 1:
            yield report("IST0112", vs, d.destination.host, list(entry.ports), path=d.host_path)
    elif port not in entry.ports:
        yield report("IST0101", vs, "host:port", f"{d.destination.host}:{port}", path=d.host_path)


def _virtual_services_with_subsets(ctx: Context) -> dict[str, list[str]]:
    """initVirtualServiceDestinations: host -> VirtualServices routing to a subset of it.

    Only destinations whose host is literally one of the VirtualService's own hosts count."""
    out: dict[str, list[str]] = {}
    for vs in ctx.of("VirtualService"):
        for route in vs.spec.http:
            for rd in route.route:
                dest = rd.destination
                if dest is not None and dest.subset and dest.host in vs.spec.hosts:
                    names = out.setdefault(dest.host, [])
                    if f"{vs.namespace}/{vs.name}" not in names:
                        names.append(f"{vs.namespace}/{vs.name}")
    return out


def _ingress_subsets(vs: Resource, subset_vs: dict[str, list[str]]) -> Iterator[Diagnostic]:
    if not vs.spec.gateways:
        return
    for i, route in enumerate(vs.spec.http):
        for j, rd in enumerate(route.route):
            dest = rd.destination
            if dest is None or dest.subset:
                continue
            path = f"spec.{route.name}[{i}].route[{j}].destination.host"
            for other in subset_vs.get(dest.host, ()):
                yield report("IST0140", vs, other, f"{vs.namespace}/{vs.name}", path=path)
