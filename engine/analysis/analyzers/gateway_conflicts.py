"""IST0145: two Gateways with the same selector claim the same port and an overlapping host.

istio:pkg/config/analysis/analyzers/gateway/conflictinggateway.go (cluster mode only). Gateways
are grouped by `<selector>~<port>`; for each server, every other Gateway in its group with a host
that overlaps one of the server's hosts (wildcards included) is named, once per overlapping host.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, host_matches, report, selector_string
from engine.diagnostics import Diagnostic

NAME = "gateway.ConflictingGatewayAnalyzer"
DESCRIPTION = "Checks a gateway's selector, port number and hosts"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    groups: dict[str, dict[str, tuple[str, ...]]] = {}
    for gw in ctx.of("Gateway"):
        for server in gw.spec.servers:
            if server.port is not None:
                key = f"{selector_string(gw.spec.selector)}~{server.port.number}"
                groups.setdefault(key, {})[f"{gw.namespace}/{gw.name}"] = server.hosts
    for gw in ctx.of("Gateway"):
        name = f"{gw.namespace}/{gw.name}"
        selector = selector_string(gw.spec.selector)
        for server in gw.spec.servers:
            if server.port is None:
                continue
            group = groups.get(f"{selector}~{server.port.number}", {})
            others = [other for other in sorted(group) if other != name
                      for host in server.hosts if any(host_matches(host, h) for h in group[other])]
            if others:
                yield report("IST0145", gw, ",".join(others), selector, str(server.port.number),
                             ",".join(server.hosts))
