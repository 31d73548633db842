"""IST0111: more than one Sidecar without a workloadSelector in one namespace; IST0167 for such a
Sidecar in an ambient namespace, which has no sidecars to configure.

istio:pkg/config/analysis/analyzers/sidecar/selector.go (cluster mode only; Istio folded the former
defaultselector.go into it): a Sidecar without a selector, or with an empty one, is namespace-scoped.
In an ambient namespace (util.NamespaceInAmbientMode) each gets IST0167 "namespace is in ambient
mode" instead of IST0111. Both are reported at the object, without a field line, as Istio does.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, namespace_in_ambient, report
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "sidecar.DefaultSelectorAnalyzer"
DESCRIPTION = "Validates that there aren't multiple sidecar resources that have no selector"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    by_namespace: dict[str, list[Resource]] = {}
    for sc in ctx.of("Sidecar"):
        if sc.spec.workload_selector is None or not sc.spec.workload_selector.labels:
            by_namespace.setdefault(sc.namespace, []).append(sc)
    namespaces = {ns.name: ns for ns in ctx.of("Namespace")}
    for namespace, sidecars in sorted(by_namespace.items()):
        ns = namespaces.get(namespace)
        if ns is not None and namespace_in_ambient(ns.labels):
            for sc in sidecars:
                yield report("IST0167", sc, "namespace is in ambient mode, the policy has no impact")
        elif len(sidecars) > 1:
            names = [sc.name for sc in sidecars]
            for sc in sidecars:
                yield report("IST0111", sc, names, namespace)
