"""IST0109: two VirtualServices bound to the `mesh` gateway define the same host.

istio:pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go (file mode too).
Hosts are keyed by (exportTo scope, FQDN); a namespace-scoped key also collides with wildcard-
overlapping keys exported to `*`. Each VirtualService is reported once, at its metadata.name,
with the scoped host of the first conflict found (keys are visited sorted; Go's map order is random).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import ALL, LOCAL, MESH, Context, host_matches, report, to_fqdn
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "virtualservice.ConflictingMeshGatewayHostsAnalyzer"
DESCRIPTION = "Checks if multiple virtual services associated with the mesh gateway have conflicting hosts"


def mesh_hosts(ctx: Context) -> dict[tuple[str, str], list[Resource]]:
    """initMeshGatewayHosts: (scope, fqdn) -> mesh-bound VirtualServices, in ForEach order."""
    out: dict[tuple[str, str], list[Resource]] = {}
    for vs in ctx.of("VirtualService"):
        if vs.spec.gateways and MESH not in vs.spec.gateways:
            continue
        export = vs.spec.export_to
        if not export or ALL in export:
            scopes = [ALL]
        else:
            scopes = sorted({vs.namespace if e == LOCAL else e for e in export})
        for scope in scopes:
            for host in vs.spec.hosts:
                out.setdefault((scope, to_fqdn(vs.namespace, host)), []).append(vs)
    return out


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    hosts = mesh_hosts(ctx)
    exported = [(h, vss) for (scope, h), vss in sorted(hosts.items(), key=_key) if scope == ALL]
    reported: set[tuple[str, str]] = set()
    for (scope, host), vss in sorted(hosts.items(), key=_key):
        group = list(vss)
        if scope != ALL:
            group += [vs for h, others in exported if host_matches(host, h) for vs in others]
        if len(group) < 2:
            continue
        names = ",".join(f"{vs.namespace}/{vs.name}" for vs in group)
        for vs in group:
            if (vs.namespace, vs.name) in reported:
                continue
            reported.add((vs.namespace, vs.name))
            yield report("IST0109", vs, names, f"{scope}/{host}", path="metadata.name")


def _key(item) -> tuple[str, str]:
    return item[0]
