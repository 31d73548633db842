"""MD0104 (hint): which of two mesh VirtualServices for one host the sidecars actually use.

istio-semantics.md §3.1: sidecars do not merge VirtualServices; sorted by creation time, a later
one's duplicate domain is dropped (istio:pilot/pkg/networking/core/httproute.go, "duplicate domain
from virtual service"), so the oldest wins. Istio's IST0109 says "undefined behavior"; this says
which routes are dead. Input order stands in for creation time. Only public VirtualServices (no
exportTo, or `*`) are compared, where the namespace-private refinement cannot change the winner.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import ALL, MESH, Context, hint, to_fqdn
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "meshdrill.ShadowedVirtualServiceAnalyzer"
DESCRIPTION = "Names the VirtualService sidecars ignore when several define one host"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    by_host: dict[str, list[tuple[Resource, int]]] = {}
    for vs in ctx.of("VirtualService"):
        if vs.spec.gateways and MESH not in vs.spec.gateways:
            continue
        if vs.spec.export_to and ALL not in vs.spec.export_to:
            continue
        for i, host in enumerate(vs.spec.hosts):
            by_host.setdefault(to_fqdn(vs.namespace, host), []).append((vs, i))
    for host, entries in sorted(by_host.items()):
        if len({vs.key for vs, _ in entries}) < 2:
            continue
        entries = sorted(entries, key=lambda e: e[0].order)
        winner = entries[0][0]
        for vs, i in entries[1:]:
            if vs.key != winner.key:
                yield hint("MD0104", vs, f"sidecars do not merge VirtualServices: for {host} only "
                                         f"{winner.namespace}/{winner.name} (the oldest) is used, so these "
                                         "routes are ignored for mesh traffic; merge them into one",
                           path=f"spec.hosts[{i}]")
