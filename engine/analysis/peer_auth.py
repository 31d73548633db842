"""Which PeerAuthentication decides a workload's inbound mTLS mode, for the analyzers.

One precedence, the simulator's (`engine.simulation.tls.peer_mode`, istio-semantics.md §5):
workload (selector with labels, not in the root namespace) beats namespace beats mesh (root
namespace, no selector) beats the built-in PERMISSIVE; the oldest wins within a level; UNSET
inherits; portLevelMtls by target port. This module only gives the analyzers a Mesh view of
their Context (PeerAuthentications by namespace, oldest first), built once per analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.analysis.context import Context
from engine.mesh.inventory import Pod
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.simulation.tls import PeerMode, peer_mode

_NO_PORT = 0          # no portLevelMtls entry has port 0: the workload-wide mode


@dataclass(frozen=True)
class Decision:
    mode: str                      # STRICT, PERMISSIVE or DISABLE
    policy: Resource | None        # the PeerAuthentication that set it (None: Istio's default)


def mesh_view(ctx: Context) -> Mesh:
    cached = ctx.memo.get("peer_auth_mesh")
    if cached is None:
        policies: dict[str, list[Resource]] = {}
        for pa in sorted(ctx.of("PeerAuthentication"), key=lambda r: r.order):
            policies.setdefault(pa.namespace, []).append(pa)
        cached = Mesh(ctx.inventory, peer_authentications=policies)
        ctx.memo["peer_auth_mesh"] = cached
    return cached


def on_port(ctx: Context, pod: Pod, target_port: int) -> PeerMode:
    """The mode the pod's sidecar enforces on one target port."""
    return peer_mode(mesh_view(ctx), pod, target_port)


def effective(ctx: Context, pod: Pod) -> Decision:
    """The workload-wide mode (port-level exceptions aside)."""
    decided = on_port(ctx, pod, _NO_PORT)
    return Decision(decided.mode, decided.policy)
