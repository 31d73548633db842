"""MD0103 (hint): a short host resolved in the VirtualService's namespace, not the Service's.

api:networking/v1alpha3/virtual_service.proto ("Note for Kubernetes users"): `reviews` in a
VirtualService of namespace `frontend` means reviews.frontend.svc.cluster.local. When no such
Service exists but one named `reviews` lives elsewhere, the VirtualService's host matches no traffic
(mesh-bound hosts), or its destination goes nowhere (istioctl's IST0101 says only "not found").
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import MESH, Context, hint, to_fqdn
from engine.analysis.destinations import route_destinations
from engine.diagnostics import Diagnostic

NAME = "meshdrill.ShortHostAnalyzer"
DESCRIPTION = "Explains short host names that resolve in the VirtualService's namespace, not the Service's"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    elsewhere: dict[str, list[str]] = {}
    for svc in ctx.inventory.services:
        elsewhere.setdefault(svc.name, []).append(svc.namespace)

    def misplaced(host: str, namespace: str) -> list[str]:
        if "." in host or host.startswith("*") or ctx.inventory.service(to_fqdn(namespace, host)) is not None:
            return []
        return sorted(elsewhere.get(host, []))

    for vs in ctx.of("VirtualService"):
        if not vs.spec.gateways or MESH in vs.spec.gateways:
            for i, host in enumerate(vs.spec.hosts):
                found = misplaced(host, vs.namespace)
                if found:
                    yield hint("MD0103", vs, f"host {host} means {to_fqdn(vs.namespace, host)}, but the Service "
                                             f"{host} is in namespace {found[0]}: this VirtualService matches no "
                                             f"traffic to it; write {to_fqdn(found[0], host)}",
                               path=f"spec.hosts[{i}]")
        for d in route_destinations(vs):
            found = misplaced(d.destination.host, vs.namespace)
            if found:
                host = d.destination.host
                yield hint("MD0103", vs, f"destination {host} means {to_fqdn(vs.namespace, host)}, but the "
                                         f"Service {host} is in namespace {found[0]}; write "
                                         f"{to_fqdn(found[0], host)}", path=d.host_path)
