"""MD0107 (hint): a PeerAuthentication with a selector in the root namespace is ignored.

api:security/v1beta1/peer_authentication.proto (istio/api#3604): "PeerAuthentication policies with
workload selectors are ignored when deployed in the root namespace"; istio-semantics.md §5. Learners
put a selector policy in istio-system expecting it to apply mesh-wide to the selected workloads.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, hint
from engine.diagnostics import Diagnostic

NAME = "meshdrill.RootSelectorPeerAuthenticationAnalyzer"
DESCRIPTION = "Warns about PeerAuthentication policies with a selector in the root namespace (ignored)"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    root = ctx.root_namespace
    for pa in ctx.of("PeerAuthentication"):
        if pa.namespace == root and pa.spec.selector is not None:
            yield hint("MD0107", pa, f"a PeerAuthentication with a selector in the root namespace {root} is "
                                     "ignored: mesh-wide policy has no selector, and a workload policy belongs "
                                     "in the workload's own namespace", path="spec.selector")
