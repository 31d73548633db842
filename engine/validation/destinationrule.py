"""DestinationRule webhook checks (validation.go ValidateDestinationRule).

Mirrors TestValidateDestinationRule: host (wildcards allowed, `*` too), traffic policy,
subsets (names are DNS-1123 labels, case-insensitive; duplicates rejected), exportTo and
the workload selector.
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.networking import DestinationRule
from engine.validation import common, hosts
from engine.validation.destinations import subset_name
from engine.validation.report import Report
from engine.validation.trafficpolicy import traffic_policy


def validate(resource: Resource) -> list[Diagnostic]:
    spec: DestinationRule = resource.spec
    r = Report(resource)
    ns = resource.namespace
    r.error("spec.host", hosts.wildcard_domain(spec.host))
    traffic_policy(r, spec.traffic_policy, "spec.trafficPolicy", ns)
    seen: set[str] = set()
    for i, subset in enumerate(spec.subsets):
        at = f"spec.subsets[{i}]"
        if subset.name in seen:
            r.error(f"{at}.name", f"duplicate subset names: {subset.name}")
        seen.add(subset.name)
        r.error(f"{at}.name", subset_name(subset.name))
        r.errors(f"{at}.labels", common.labels(subset.labels))
        traffic_policy(r, subset.traffic_policy, f"{at}.trafficPolicy", ns)
    selector = spec.workload_selector
    r.errors("spec.exportTo", common.export_to(ns, spec.export_to, rule_with_selector=selector is not None))
    if selector is not None:
        errors, warning = common.selector(selector.match_labels)
        r.errors("spec.workloadSelector", errors)
        r.warning("spec.workloadSelector", warning)
    return r.diagnostics
