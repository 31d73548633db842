"""IST0102, IST0103 and IST0123: namespaces without injection, pods missing their proxy, mixed labels.

istio:pkg/config/analysis/analyzers/injection/injection.go (cluster mode only). Istio walks the
Namespace objects (all but istio-system; ambient namespaces are skipped). A namespace with neither
an `istio-injection` nor an `istio.io/rev` label is IST0102 (at metadata.name); `istio-injection:
disabled` is a deliberate opt-out and says nothing. In a live cluster a namespace exists when it
is declared (Namespace object, Topology) or holds pods, so those are the namespaces reported here;
`default` is not invented for a lone VirtualService.

IST0123: more than one of `istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode` (the latter
two count only when `istio-injection` is absent or `enabled`), listed as `key=value`.

IST0103 checks Pod objects (a Deployment's pods would be injected by the webhook when created) in
namespaces labeled `istio-injection=enabled`, or `istio.io/rev` without `istio-injection`: no
`istio-proxy` container with an image, unless `sidecar.istio.io/inject: "false"` (label over
annotation) or hostNetwork.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import messages
from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import Namespace

NAME = "injection.Analyzer"
DESCRIPTION = "Checks conditions related to Istio sidecar injection"

_AMBIENT = ("istio.io/dataplane-mode", "ambient")
_INJECT = "sidecar.istio.io/inject"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    inventory = ctx.inventory
    populated = {p.namespace for p in inventory.pods}
    injected = set()
    for name, ns in sorted(inventory.namespaces.items()):
        if name == "istio-system":
            continue
        if ns.source is None and name not in populated and not _declared(ctx, name):
            continue
        mixed = _injection_labels(ns.labels)
        if len(mixed) > 1:
            yield _about(ns, "IST0123", mixed)
        if ns.labels.get(_AMBIENT[0]) == _AMBIENT[1]:
            continue
        label, revision = ns.labels.get("istio-injection", ""), "istio.io/rev" in ns.labels
        if not label and not revision:
            yield _about(ns, "IST0102", ns.name, ns.name, path="metadata.name")
        elif (revision and not label) or (label == "enabled" and not revision):
            injected.add(name)        # a revision label alone injects too; with both, injection.go stops
    for pod in ctx.of("Pod"):
        if pod.namespace in injected and _missing_proxy(pod):
            yield report("IST0103", pod, f"{pod.namespace}/{pod.name}")


def _declared(ctx: Context, namespace: str) -> bool:
    """A Topology namespace counts as a Namespace object."""
    return any(ns.name == namespace for topo in ctx.of("Topology") for ns in topo.spec.namespaces)


def _injection_labels(labels: dict[str, str]) -> list[str]:
    found = []
    legacy = labels.get("istio-injection")
    if legacy is not None:
        found.append(f"istio-injection={legacy}")
    for key in ("istio.io/rev", _AMBIENT[0]):
        if key in labels and (legacy is None or legacy == "enabled"):
            found.append(f"{key}={labels[key]}")
    return found


def _about(ns: Namespace, code: str, *args, path: str = "") -> Diagnostic:
    """A finding on a namespace: at its object when one was given, else on the cluster's namespace."""
    if ns.source is not None:
        return report(code, ns.source, *args, path=path)
    return messages.make(code, *args, origin=f"Namespace {ns.name}")


def _missing_proxy(pod) -> bool:
    inject = pod.labels.get(_INJECT, pod.annotations.get(_INJECT, ""))
    if str(inject).lower() == "false":
        return False
    spec = pod.spec
    if spec is None:
        return True
    if spec.host_network:
        return False
    return not any(c.name == "istio-proxy" and c.image for c in spec.containers)
