"""MD0101 (hint): a STRICT PeerAuthentication and workloads that have no sidecar.

Istio has no PeerAuthentication analyzer (removed in 1.6; analyzers.md §6 "Surprises" 4), yet this
is the classic outage: a client without a sidecar sends plaintext, and a STRICT server sidecar
refuses it (io:tasks/security/authentication/mtls-migration, `legacy/sleep`). Reported on each
STRICT policy that decides at least one sidecar workload, naming the sidecar-less workloads.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis import peer_auth
from engine.analysis.context import Context, hint
from engine.diagnostics import Diagnostic

NAME = "meshdrill.StrictPlaintextClientAnalyzer"
DESCRIPTION = "Warns when a STRICT PeerAuthentication would refuse workloads that have no sidecar"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    plaintext = sorted({f"{p.namespace}/{p.workload or p.name}" for p in ctx.pods if not p.sidecar and not p.gateway})
    if not plaintext or not ctx.of("PeerAuthentication"):
        return
    strict = {}
    for pod in ctx.pods:
        if pod.sidecar and not pod.gateway:
            decision = peer_auth.effective(ctx, pod)
            if decision.mode == "STRICT" and decision.policy is not None:
                strict[decision.policy.key] = decision.policy
    for pa in sorted(strict.values(), key=lambda r: r.key):
        shown = ", ".join(plaintext[:3]) + (f" and {len(plaintext) - 3} more" if len(plaintext) > 3 else "")
        one = len(plaintext) == 1
        yield hint("MD0101", pa, f"STRICT here rejects {shown}, which {'has' if one else 'have'} no sidecar: "
                                 f"{'its' if one else 'their'} plaintext requests to the workloads this policy "
                                 "covers are refused (add a sidecar, or use PERMISSIVE while migrating)",
                   path="spec.mtls.mode")
