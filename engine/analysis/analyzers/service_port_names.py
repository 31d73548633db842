"""IST0118: a Service port whose protocol Istio cannot tell from its name or appProtocol.

istio:pkg/config/analysis/analyzers/service/portname.go + pkg/config/kube/conversion.go
`ConvertProtocol` (cluster mode only). UDP ports are fine; appProtocol wins when Istio knows it;
otherwise the name up to the first `-` must be a protocol (`grpc-web` checked first); unnamed or
unknown names are reported except on the well-known ports 25, 53, 3306 and 27017. Services of the
Istio control plane (label `istio`, or `release: istio`) and Services managed by Istio's gateway
controllers (label `gateway.istio.io/managed`) are skipped. Line: the port's `port`.
The targetPort printed is the one the API server defaults to (the port) when none is given.
On an ExternalName Service the same ports (and one named just `tcp`) get IST0150 instead: with no
Service IP, routing needs SNI (io:reference/config/analysis/ist0150).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import messages
from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import Service

NAME = "service.PortNameAnalyzer"
DESCRIPTION = "Checks the port names associated with each service"

# istio:pkg/config/protocol/instance.go `Parse` (case-insensitive)
_PROTOCOLS = frozenset({"tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls",
                        "mongo", "redis", "mysql"})
_WELL_KNOWN = frozenset({25, 53, 3306, 27017})
# constants.ManagedGateway{,Mesh,EastWest}ControllerLabel: waypoints and Gateway API deployments
_MANAGED = frozenset({"istio.io-gateway-controller", "istio.io-mesh-controller", "istio.io-eastwest-controller"})


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    for svc in ctx.inventory.services:
        res = svc.source
        if res is None and _is_default_gateway(ctx, svc):
            continue
        if res is not None and ("istio" in res.labels or res.labels.get("release") == "istio"
                                or res.labels.get("gateway.istio.io/managed") in _MANAGED):
            continue
        k8s_ports = res.spec.ports if res is not None and res.kind == "Service" else ()
        external = res is not None and res.kind == "Service" and res.spec.type == "ExternalName"
        for i, port in enumerate(svc.ports):
            protocol = k8s_ports[i].protocol if i < len(k8s_ports) else None
            if protocol == "UDP" or (_known(port.port, port.name, port.app_protocol)
                                     and not (external and port.name == "tcp")):
                continue
            name = port.name or ""
            target = port.target_port if port.target_port not in (None, 0) else port.port
            if external:
                yield report("IST0150", res, path=f"spec.ports[{i}].port")
            elif res is None:
                yield messages.make("IST0118", name, port.port, str(target), origin=f"Service {svc.namespace}/{svc.name}")
            else:
                yield report("IST0118", res, name, port.port, str(target), path=f"spec.ports[{i}].port")


def _known(number: int, name: str | None, app_protocol: str | None) -> bool:
    if app_protocol and (app_protocol.lower() in _PROTOCOLS or app_protocol == "kubernetes.io/h2c"):
        return True
    name = (name or "").lower()
    if name.startswith("grpc-web"):
        return True
    if name.split("-", 1)[0] in _PROTOCOLS:
        return True
    return number in _WELL_KNOWN


def _is_default_gateway(ctx: Context, svc: Service) -> bool:
    return svc.name == "istio-ingressgateway" and svc.namespace == ctx.root_namespace
