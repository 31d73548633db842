"""IST0174 and IST0173: a DestinationRule host that names no service, a subset that selects no pod.

istio:pkg/config/analysis/analyzers/destinationrule/subset.go (Istio 1.27+, cluster mode only).
The host is looked up like a VirtualService destination, from the DestinationRule's namespace and
exportTo; when it is unknown (IST0174) its subsets are not checked. A subset's labels, merged with
a ServiceEntry's workloadSelector, must match some pod -- in any namespace, as Istio does.
Pods are matched with the labels pilot gives their endpoints (pilot/pkg/serviceregistry/util/label
AugmentLabels): the topology region/zone/subzone of their Node and `kubernetes.io/hostname`, so a
subset on `topology.kubernetes.io/zone` is fine (fixtures destinationrule-subsets-with-topology-labels
and -empty-topology-labels: an empty node label adds nothing). Both are reported at the object's first line.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import Pod

NAME = "destinationrule.SubsetSelectPodAnalyzer"
DESCRIPTION = "Checks if pods are selected by subsets in destination rules."


class _LabelIndex:
    """Distinct pod label sets, indexed by (key, value): selectors match without a full scan."""

    def __init__(self, label_sets) -> None:
        self.sets = list({tuple(sorted(labels.items())) for labels in label_sets})
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        for i, labels in enumerate(self.sets):
            for pair in labels:
                self.by_pair.setdefault(pair, []).append(i)

    def any_match(self, selector: dict[str, str]) -> bool:
        if not selector:
            return bool(self.sets)
        postings = [self.by_pair.get(pair, []) for pair in selector.items()]
        smallest = min(postings, key=len)
        return any(all(pair in self.sets[i] for pair in selector.items()) for i in smallest)


REGION, ZONE = "topology.kubernetes.io/region", "topology.kubernetes.io/zone"
SUBZONE, HOSTNAME = "topology.istio.io/subzone", "kubernetes.io/hostname"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    nodes = {node.name: node.labels for node in ctx.of("Node")}
    index = _LabelIndex(_endpoint_labels(pod, nodes) for pod in ctx.pods)
    for dr in ctx.of("DestinationRule"):
        entry = ctx.destination_host(dr.namespace, dr.spec.export_to, dr.spec.host)
        if entry is None:
            yield report("IST0174", dr, dr.spec.host)
            continue
        for subset in dr.spec.subsets:
            if not index.any_match({**entry.selector, **subset.labels}):
                yield report("IST0173", dr, subset.name)


def _endpoint_labels(pod: Pod, nodes: dict[str, dict[str, str]]) -> dict[str, str]:
    """AugmentLabels with the locality string LocalityToString builds: a zone only after a region's
    slot, a subzone only after a zone (an empty value adds nothing)."""
    node_name = _node_name(pod)
    if not node_name:
        return pod.labels
    out = dict(pod.labels)
    node = nodes.get(node_name, {})
    region, zone, subzone = node.get(REGION, ""), node.get(ZONE, ""), node.get(SUBZONE, "")
    for key, value in ((REGION, region), (ZONE, zone), (SUBZONE, subzone if zone else "")):
        if value:
            out[key] = value
    out[HOSTNAME] = node_name
    return out


def _node_name(pod: Pod) -> str | None:
    source = pod.source
    if source is None or source.spec is None:
        return None
    if source.kind == "Pod":
        return source.spec.node_name
    template = getattr(source.spec, "template", None)
    return template.spec.node_name if template is not None and template.spec is not None else None
