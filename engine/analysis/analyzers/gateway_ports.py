"""IST0101 selector and IST0162: a Gateway's workload and the ports its Service exposes.

istio:pkg/config/analysis/analyzers/gateway/gateway.go (cluster mode only). The selector matches
pods in *any* namespace (the default ingress gateway pod is istio-system/istio-ingressgateway).
A server port must be a TCP `targetPort` (or `port` when targetPort is not a number) of a Service
in the pod's namespace that selects the pod: the default gateway Service maps 80->8080 and
443->8443, so a Gateway on port 80 is reported (istio/istio#51257) while Bookinfo's 8080 is not.
Both messages point at the line of the selector's first label.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report, selector_string
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import Service

NAME = "gateway.IngressGatewayPortAnalyzer"
DESCRIPTION = "Checks a gateway's ports against the gateway's Kubernetes service ports"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    services_by_ns: dict[str, list[Service]] = {}
    for svc in ctx.inventory.services:
        services_by_ns.setdefault(svc.namespace, []).append(svc)
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
            for svc in services_by_ns.get(pod.namespace, ()):
                if pod.matches(svc.selector):
                    ports |= _target_ports(svc)
        for server in gw.spec.servers:
            if server.port is not None and server.port.number not in ports:
                yield report("IST0162", gw, server.port.number, text, path=path)


def _target_ports(svc: Service) -> set[int]:
    out = set()
    k8s_ports = svc.source.spec.ports if svc.source is not None and svc.source.kind == "Service" else ()
    for i, port in enumerate(svc.ports):
        protocol = (k8s_ports[i].protocol if i < len(k8s_ports) else None) or "TCP"
        if protocol != "TCP":
            continue
        target = port.target_port
        out.add(target if isinstance(target, int) and target != 0 else port.port)
    return out

