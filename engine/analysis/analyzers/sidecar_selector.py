"""IST0101 selector and IST0110: Sidecar workload selectors (cluster mode only).

istio:pkg/config/analysis/analyzers/sidecar/selector.go. A Sidecar's selector only matches pods
of its own namespace; a selector that matches none is IST0101 (at the first label's line); a pod
selected by two or more Sidecars gets IST0110 on each of them (at metadata.name). A Sidecar selecting
an ambient pod (util.PodInAmbientMode) gets IST0167 once instead, at the object: that pod has no
sidecar. Sidecars without a selector are the job of IST0111. Pods of one Deployment are reported
once, by workload name.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, pod_in_ambient, report, selector_string
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "sidecar.SelectorAnalyzer"
DESCRIPTION = ("Validates that sidecars that define a workload selector match at least one pod, and that "
               "there aren't multiple sidecar resources that select overlapping pods")


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    selected: dict[tuple[str, str], list[Resource]] = {}
    ambient: set[tuple[str, str]] = set()
    for sc in ctx.of("Sidecar"):
        ws = sc.spec.workload_selector
        if ws is None or not ws.labels:
            continue
        found = False
        for pod in ctx.inventory.pods_in(sc.namespace):
            if pod.matches(ws.labels):
                found = True
                name = pod.name if pod.source is not None and pod.source.kind == "Pod" else pod.workload
                if pod_in_ambient(ctx, pod):
                    ambient.add((pod.namespace, name or pod.name))
                sidecars = selected.setdefault((pod.namespace, name or pod.name), [])
                if sc not in sidecars:
                    sidecars.append(sc)
        if not found:
            first = sorted(ws.labels)[0]
            yield report("IST0101", sc, "selector", selector_string(ws.labels),
                         path=f"spec.workloadSelector.labels.{first}")
    ineffective: list[Resource] = []
    for key, sidecars in sorted(selected.items()):
        if key in ambient:
            ineffective += [sc for sc in sidecars if sc not in ineffective]
    for sc in ineffective:
        yield report("IST0167", sc, "selected workload is in ambient mode, the policy has no impact")
    for (namespace, pod), sidecars in sorted(selected.items()):
        if len(sidecars) > 1 and (namespace, pod) not in ambient:
            names = [sc.name for sc in sidecars]
            for sc in sidecars:
                yield report("IST0110", sc, names, namespace, pod, path="metadata.name")
