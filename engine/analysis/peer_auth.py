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


def _by_namespace(ctx: Context) -> dict[str, tuple[list[Resource], list[Resource]]]:
    """namespace -> (selector policies, selector-less policies), oldest first; built once per analysis."""
    cached = ctx.memo.get("peer_auth")
    if cached is None:
        cached = {}
        for pa in sorted(ctx.of("PeerAuthentication"), key=lambda r: r.order):
            with_selector, without = cached.setdefault(pa.namespace, ([], []))
            (with_selector if pa.spec.selector is not None else without).append(pa)
        ctx.memo["peer_auth"] = cached
    return cached


def effective(ctx: Context, pod: Pod) -> Decision:
    root = ctx.root_namespace
    policies = _by_namespace(ctx)
    selected, namespace = policies.get(pod.namespace, ([], []))
    workload = [pa for pa in selected if pod.namespace != root and pod.matches(pa.spec.selector.match_labels)]
    mesh = policies.get(root, ([], []))[1]
    for level in (workload, namespace, mesh):
        if level and _mode(level[0]) is not None:
            return Decision(_mode(level[0]), level[0])
    return Decision("PERMISSIVE", None)
