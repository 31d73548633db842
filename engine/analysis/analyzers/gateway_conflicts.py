"""IST0145: two Gateways on the same workload claim the same port and the same host.

istio:pkg/config/analysis/analyzers/gateway/conflictinggateway.go (cluster mode only). Gateways are
grouped by `<selector>~<port>`. Another group counts for a Gateway when its selector string is the
same, or when one selector string contains the other and some pod matches both. A server conflicts
with another Gateway of such a group on its port when one of its hosts is *exactly* one of that
Gateway's hosts with the same `bind` (pilot's model.CheckDuplicates: `*.example.com` does not clash
with `foo.example.com`). Istio's CheckDuplicates also adds the hosts to the other Gateway's map
when there is no duplicate, which makes its results depend on Go's map order with three or more
Gateways; that side effect is not copied.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report, selector_string
from engine.diagnostics import Diagnostic

NAME = "gateway.ConflictingGatewayAnalyzer"
DESCRIPTION = "Checks a gateway's selector, port number and hosts"

# "<selector>~<port>" -> gateway "ns/name" -> {host: bind} (a gateway's last server on that port wins)
Groups = dict[tuple[str, int], dict[str, dict[str, str]]]


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    groups: Groups = {}
    for gw in ctx.of("Gateway"):
        for server in gw.spec.servers:
            key = (selector_string(gw.spec.selector), _port(server))
            groups.setdefault(key, {})[f"{gw.namespace}/{gw.name}"] = {h: server.bind or "" for h in server.hosts}
    for gw in ctx.of("Gateway"):
        name = f"{gw.namespace}/{gw.name}"
        selector = selector_string(gw.spec.selector)
        hits = [key for key in groups if _same_workload(ctx, gw.spec.selector, selector, key[0])]
        for server in gw.spec.servers:
            port = _port(server)
            others = sorted(other for key in hits if key[1] == port for other, hosts in groups[key].items()
                            if other != name and any(hosts.get(h) == (server.bind or "") for h in server.hosts))
            if others:
                yield report("IST0145", gw, ",".join(others), selector, str(port), ",".join(server.hosts))


def _port(server) -> int:
    return server.port.number if server.port is not None and server.port.number is not None else 0


def _same_workload(ctx: Context, labels: dict[str, str], selector: str, other: str) -> bool:
    if selector == other:
        return True
    if selector not in other and other not in selector:
        return False
    other_labels = dict(pair.split("=", 1) for pair in other.split(",") if pair.count("=") == 1)
    return any(p.matches(labels) and p.matches(other_labels) for p in ctx.pods)
