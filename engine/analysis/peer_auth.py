"""Which PeerAuthentication decides a workload's inbound mTLS mode (istio-semantics.md §5).

Workload (selector, not in the root namespace) beats namespace beats mesh (root namespace, no
selector) beats the built-in PERMISSIVE; the oldest wins within a level; UNSET inherits. Selector
policies in the root namespace are ignored (api:security/v1beta1/peer_authentication.proto, "ignored
when deployed in the root namespace"). Port-level modes are left out: callers only speak about the
workload-wide mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.analysis.context import Context
from engine.mesh.inventory import Pod
from engine.resources import Resource


@dataclass(frozen=True)
class Decision:
    mode: str                      # STRICT, PERMISSIVE or DISABLE
    policy: Resource | None        # the PeerAuthentication that set it (None: Istio's default)


def _mode(pa: Resource) -> str | None:
    mode = pa.spec.mtls.mode if pa.spec.mtls is not None else None
    return None if mode is None or str(mode) == "UNSET" else str(mode)


def effective(ctx: Context, pod: Pod) -> Decision:
    root = ctx.root_namespace
    pas = sorted(ctx.of("PeerAuthentication"), key=lambda r: r.order)
    workload = [pa for pa in pas if pa.namespace == pod.namespace != root and pa.spec.selector is not None
                and pod.matches(pa.spec.selector.match_labels)]
    namespace = [pa for pa in pas if pa.namespace == pod.namespace and pa.spec.selector is None]
    mesh = [pa for pa in pas if pa.namespace == root and pa.spec.selector is None]
    for level in (workload, namespace, mesh):
        if level and _mode(level[0]) is not None:
            return Decision(_mode(level[0]), level[0])
    return Decision("PERMISSIVE", None)
