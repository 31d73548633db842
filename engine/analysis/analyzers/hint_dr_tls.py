"""MD0105 (hint): a DestinationRule TLS mode the server side will refuse.

istio-semantics.md §5/§6: `tls.mode: DISABLE` makes the client sidecar send plaintext, which a STRICT
server sidecar rejects; `ISTIO_MUTUAL` towards workloads without a sidecar starts an Istio mTLS
handshake nobody terminates. Both end in failed requests, and Istio has no analyzer for them (the
old IST0113/IST0115 are retired). Only the top-level trafficPolicy of a DestinationRule whose host
is a Service with pods is considered.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis import peer_auth
from engine.analysis.context import Context, hint, to_fqdn
from engine.diagnostics import Diagnostic

NAME = "meshdrill.DestinationRuleTlsAnalyzer"
DESCRIPTION = "Warns when a DestinationRule's TLS mode does not fit the server workloads' mTLS"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    for dr in ctx.of("DestinationRule"):
        policy = dr.spec.traffic_policy
        mode = str(policy.tls.mode) if policy and policy.tls and policy.tls.mode else None
        if mode not in ("DISABLE", "ISTIO_MUTUAL"):
            continue
        svc = ctx.inventory.service(to_fqdn(dr.namespace, dr.spec.host))
        pods = ctx.service_pods(svc) if svc is not None else []
        if not pods:
            continue
        path = "spec.trafficPolicy.tls.mode"
        if mode == "DISABLE":
            strict = [d.policy for d in (peer_auth.effective(ctx, p) for p in pods if p.sidecar)
                      if d.mode == "STRICT"]
            if strict:
                yield hint("MD0105", dr, f"tls mode DISABLE sends plaintext to {svc.host}, but its workloads "
                                         f"require mTLS (STRICT from {strict[0].ref}): the requests are refused",
                           path=path)
        elif not any(p.sidecar for p in pods):
            yield hint("MD0105", dr, f"tls mode ISTIO_MUTUAL to {svc.host}, but its workloads have no sidecar "
                                     "to terminate Istio mTLS: the TLS handshake fails (503)", path=path)
