"""IST0101 gateway and IST0132: the Gateways a VirtualService binds to, and their hosts.

istio:pkg/config/analysis/analyzers/virtualservice/gateways.go (runs in file mode too). A bare
gateway name means `<vs namespace>/name` (so the legacy `name.namespace` form looks for a
Gateway literally named that); `mesh` is skipped. IST0132 also fires when the Gateway does not
exist (no server hosts to match). Gateway server hosts are scoped: `./h` is the Gateway's
namespace, `*/h` any namespace, `ns/h` admits only VirtualServices in `ns`.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import MESH, Context, gateway_ref, host_matches, report
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "virtualservice.GatewayAnalyzer"
DESCRIPTION = "Checks the gateways associated with each virtual service"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    gateways = {(gw.namespace, gw.name): gw for gw in ctx.of("Gateway")}
    for vs in ctx.of("VirtualService"):
        for i, name in enumerate(vs.spec.gateways):
            if name == MESH:
                continue
            ref = gateway_ref(vs.namespace, name)
            path = f"spec.gateways[{i}]"
            gw = gateways.get(ref)
            if gw is None:
                yield report("IST0101", vs, "gateway", name, path=path)
            if not _host_in_gateway(gw, vs):
                yield report("IST0132", vs, list(vs.spec.hosts), f"{vs.namespace}/{vs.name}",
                             f"{ref[0]}/{ref[1]}", path=path)


def _host_in_gateway(gw: Resource | None, vs: Resource) -> bool:
    if gw is None:
        return False
    visible = _names_for_namespace(_server_hosts(gw), vs.namespace)
    return any(host_matches(g, h) for g in visible for h in vs.spec.hosts)


def _server_hosts(gw: Resource) -> list[str]:
    """sanitizeServerHostNamespace: `./h` -> `<gw ns>/h`, `*/h` -> `h`, `*/*` -> `*`."""
    hosts = []
    for server in gw.spec.servers:
        for h in server.hosts:
            ns, slash, name = h.partition("/")
            if not slash:
                hosts.append(h)
            elif ns == ".":
                hosts.append(f"{gw.namespace}/{name}")
            elif ns == "*":
                hosts.append("*" if name == "*" else name)
            else:
                hosts.append(h)
    return hosts


def _names_for_namespace(hosts: list[str], vs_namespace: str) -> list[str]:
    """host.NamesForNamespace: `ns/h` counts (as `h`) only for VirtualServices in `ns` or `*`."""
    out = []
    for h in hosts:
        ns, slash, name = h.partition("/")
        if not slash:
            out.append(h)
        elif ns in ("*", vs_namespace):
            out.append(name)
    return out
