"""IST0116 and IST0137: Services that disagree about one in-mesh Deployment's ports.

istio:pkg/config/analysis/analyzers/deployment/services.go (cluster mode only). For each Deployment
in the mesh (istio-proxy in its template, `sidecar.istio.io/inject` label then annotation, else the
namespace's `istio-injection=enabled`), the Services of its namespace whose selector matches the
template labels are compared:
* IST0116: one port number served with different protocols (unset means TCP);
* IST0137: one targetPort (unset means the port) reached through different ports.
Selector-less Services select no pods and are left out. IST0117 (no Service at all) is retired.
Go's map order is random; protocols, services and ports are listed sorted. Line: metadata.name.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "deployment.MultiServiceAnalyzer"
DESCRIPTION = "Checks association between services and pods"

_INJECT = "sidecar.istio.io/inject"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    # Each selector-bearing Service is indexed under one of its (key, value) pairs: a Service can only
    # select a template whose labels contain that pair, so candidates come from the template's labels.
    index: dict[tuple[str, str, str], list[Resource]] = {}
    for svc in ctx.of("Service"):
        if svc.spec is not None and svc.spec.selector:
            key, value = min(svc.spec.selector.items())
            index.setdefault((svc.namespace, key, value), []).append(svc)
    for dep in ctx.of("Deployment"):
        template = dep.spec.template if dep.spec is not None else None
        meta = template.metadata if template is not None else None
        labels = dict(meta.labels) if meta is not None else {}
        if not _in_mesh(ctx, dep, labels, dict(meta.annotations) if meta is not None else {}):
            continue
        candidates = {s.key: s for pair in labels.items() for s in index.get((dep.namespace, *pair), ())}
        matching = [s for _, s in sorted(candidates.items())
                    if all(labels.get(k) == v for k, v in s.spec.selector.items())]
        yield from _protocols(dep, matching)
        yield from _target_ports(dep, matching)


def _in_mesh(ctx: Context, dep: Resource, labels: dict, annotations: dict) -> bool:
    """util.DeploymentInMesh, on the Deployment's pod template."""
    spec = dep.spec.template.spec if dep.spec is not None and dep.spec.template is not None else None
    if spec is not None and any(c.name == "istio-proxy" and c.image for c in spec.containers):
        return True
    for source in (labels, annotations):
        if _INJECT in source:
            return str(source[_INJECT]) == "true"
    ns = ctx.inventory.namespaces.get(dep.namespace)
    return ns is not None and ns.labels.get("istio-injection") == "enabled"


def _protocols(dep: Resource, services: list[Resource]) -> Iterator[Diagnostic]:
    by_port: dict[int, dict[str, list[str]]] = {}
    for svc in services:
        for port in svc.spec.ports:
            names = by_port.setdefault(port.port, {}).setdefault(port.protocol or "TCP", [])
            names.append(f"{svc.namespace}/{svc.name}")
    for port, protocols in sorted(by_port.items()):
        if len(protocols) > 1:
            names = [n for protocol in sorted(protocols) for n in protocols[protocol]]
            yield report("IST0116", dep, dep.name, port, names, path="metadata.name")


def _target_ports(dep: Resource, services: list[Resource]) -> Iterator[Diagnostic]:
    by_target: dict[str, dict[int, str]] = {}
    for svc in services:
        for port in svc.spec.ports:
            target = port.target_port
            key = str(port.port) if target in (None, 0, "", "0") else str(target)
            by_target.setdefault(key, {})[port.port] = f"{svc.namespace}/{svc.name}"
    for target, ports in sorted(by_target.items()):
        if len(ports) > 1:
            numbers = sorted(ports)
            yield report("IST0137", dep, dep.name, [ports[p] for p in numbers], target, numbers, path="metadata.name")
