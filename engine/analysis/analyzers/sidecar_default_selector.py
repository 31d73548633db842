"""IST0111: more than one Sidecar without a workloadSelector in one namespace.

istio:pkg/config/analysis/analyzers/sidecar/defaultselector.go (cluster mode only). Only a missing
`workloadSelector` counts (an empty one is a different case, a webhook warning). Each Sidecar of
the group is reported at its metadata.name.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "sidecar.DefaultSelectorAnalyzer"
DESCRIPTION = "Validates that there aren't multiple sidecar resources that have no selector"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    by_namespace: dict[str, list[Resource]] = {}
    for sc in ctx.of("Sidecar"):
        if sc.spec.workload_selector is None:
            by_namespace.setdefault(sc.namespace, []).append(sc)
    for namespace, sidecars in sorted(by_namespace.items()):
        if len(sidecars) > 1:
            names = [sc.name for sc in sidecars]
            for sc in sidecars:
                yield report("IST0111", sc, names, namespace, path="metadata.name")
