"""IST0127 and IST0101 namespace: AuthorizationPolicies that select nothing or name no namespace.

istio:pkg/config/analysis/analyzers/authz/authorizationpolicies.go (cluster mode only). Only
in-mesh pods count (a sidecar, or injection by label/annotation/namespace). A policy in the root
namespace with a selector must match a pod anywhere (a selector-less one there is mesh-wide and
fine); elsewhere a selector must match a pod of the policy's namespace, and a selector-less policy
needs at least one in-mesh pod there (IST0127 then prints empty labels).

Ambient pods count as in-mesh too (util.PodInAmbientMode: annotation `ambient.istio.io/redirection:
enabled`, which the CNI agent sets on every pod of a namespace labeled `istio.io/dataplane-mode=ambient`).

`from.source.namespaces`/`notNamespaces` entries must match an existing namespace (`*`, prefix and
suffix globs allowed). Istio looks the line up under `namespaces[k]` even for notNamespaces.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report, selector_string
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "auth.AuthorizationPoliciesAnalyzer"
DESCRIPTION = "Checks the validity of authorization policies"

# Namespaces every live cluster has, besides the ones the input declares or uses.
_ALWAYS = ("default", "istio-system", "kube-node-lease", "kube-public", "kube-system")


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    in_mesh: dict[str, list[dict[str, str]]] = {}
    for pod in ctx.pods:
        if pod.sidecar or _ambient(ctx, pod):
            in_mesh.setdefault(pod.namespace, []).append(pod.labels)
    namespaces = existing_namespaces(ctx)
    for ap in ctx.of("AuthorizationPolicy"):
        yield from _no_workloads(ctx, ap, in_mesh)
        yield from _unknown_namespaces(ap, namespaces)


def _ambient(ctx: Context, pod) -> bool:
    if pod.source is not None and pod.source.annotations.get("ambient.istio.io/redirection") == "enabled":
        return True
    ns = ctx.inventory.namespaces.get(pod.namespace)
    return ns is not None and ns.labels.get("istio.io/dataplane-mode") == "ambient" and not ns.injection


def existing_namespaces(ctx: Context) -> set[str]:
    names = set(_ALWAYS) | set(ctx.inventory.namespaces) | {r.namespace for r in ctx.resources if r.namespace}
    return names | {r.name for r in ctx.of("Namespace")}


def _no_workloads(ctx: Context, ap: Resource, in_mesh: dict[str, list[dict]]) -> Iterator[Diagnostic]:
    selector = ap.spec.selector
    labels = dict(selector.match_labels) if selector is not None else None
    if ap.namespace == ctx.root_namespace:
        if labels is not None and not any(_match(labels, p) for pods in in_mesh.values() for p in pods):
            yield report("IST0127", ap, selector_string(labels))
        return
    pods = in_mesh.get(ap.namespace, [])
    if labels is None:
        if not pods:
            yield report("IST0127", ap, "")
    elif not any(_match(labels, p) for p in pods):
        yield report("IST0127", ap, selector_string(labels))


def _match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _unknown_namespaces(ap: Resource, namespaces: set[str]) -> Iterator[Diagnostic]:
    for i, rule in enumerate(ap.spec.rules or ()):
        for j, rule_from in enumerate(rule.from_):
            source = rule_from.source
            if source is None:
                continue
            for k, ns in enumerate((*source.namespaces, *source.not_namespaces)):
                if not any(namespace_match(name, ns) for name in namespaces):
                    index = k if k < len(source.namespaces) else k - len(source.namespaces)
                    yield report("IST0101", ap, "namespace", ns,
                                 path=f"spec.rules[{i}].from[{j}].source.namespaces[{index}]")


def namespace_match(namespace: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return namespace.endswith(pattern[1:])
    if pattern.endswith("*"):
        return namespace.startswith(pattern[:-1])
    return namespace.lower() == pattern.lower()
