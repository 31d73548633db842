"""IST0101 selector and IST0162: a Gateway's workload and the ports its Service exposes.

istio:pkg/config/analysis/analyzers/gateway/gateway.go (cluster mode only). The selector matches
pods in *any* namespace (the default ingress gateway pod is istio-system/istio-ingressgateway).
A server port must be offered by a TCP port of a Service in the pod's namespace that selects the
pod: either its `targetPort` (where the gateway pod listens, istio/istio#45726) or its `port`
(pilot translates a Gateway port equal to a Service port to its targetPort; istio/istio#51257 and
the analyzer fixtures gateway-custom-ingressgateway-translation.yaml / -badport-notarget.yaml).
So against the default ingress Service (80->8080, 443->8443) both 80 and 8080 are fine, 8004 is
not. Both messages point at the line of the selector's first label.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report, selector_string
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import Service

NAME = "gateway.IngressGatewayPortAnalyzer"
DESCRIPTION = "Checks a gateway's ports against the gateway's Kubernetes service ports"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    selecting = _ServiceIndex(ctx.inventory.services)
    for gw in ctx.of("Gateway"):
        selector = dict(gw.spec.selector)
        text = selector_string(selector)
        path = f"spec.selector.{sorted(selector)[0]}" if selector else ""
        pods = [p for p in ctx.pods if p.matches(selector)]
        if not pods:
            yield report("IST0101", gw, "selector", text, path=path)
            continue
        ports = set()
        for pod in pods:
            for svc in selecting(pod):
                ports |= _target_ports(svc)
        for server in gw.spec.servers:
            if server.port is not None and server.port.number not in ports:
                yield report("IST0162", gw, server.port.number, text, path=path)


class _ServiceIndex:
    """Services of a pod's namespace whose selector matches it (an empty selector matches all, as in Go)."""

    def __init__(self, services: list[Service]) -> None:
        self.by_pair: dict[tuple[str, str, str], list[Service]] = {}
        self.match_all: dict[str, list[Service]] = {}
        for svc in services:
            if svc.selector:
                self.by_pair.setdefault((svc.namespace, *min(svc.selector.items())), []).append(svc)
            else:
                self.match_all.setdefault(svc.namespace, []).append(svc)

    def __call__(self, pod) -> list[Service]:
        found = list(self.match_all.get(pod.namespace, ()))
        for pair in pod.labels.items():
            found += [s for s in self.by_pair.get((pod.namespace, *pair), ()) if pod.matches(s.selector)]
        return found


def _target_ports(svc: Service) -> set[int]:
    out = set()
    k8s_ports = svc.source.spec.ports if svc.source is not None and svc.source.kind == "Service" else ()
    for i, port in enumerate(svc.ports):
        protocol = (k8s_ports[i].protocol if i < len(k8s_ports) else None) or "TCP"
        if protocol != "TCP":
            continue
        out.add(port.port)
        if isinstance(port.target_port, int) and port.target_port != 0:
            out.add(port.target_port)
    return out

