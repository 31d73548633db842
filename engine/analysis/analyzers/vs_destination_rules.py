"""IST0101 host+subset / mirror+subset: a VirtualService names a subset no DestinationRule defines.

istio:pkg/config/analysis/analyzers/virtualservice/destinationrules.go. The lookup key is the
(namespace, name) parsed from the host (`util.GetResourceNameFromHost`), so a DestinationRule in
another namespace only matches when both sides use the FQDN. Reported at the line of the
destination's `host` (istioctl's ErrorLine key `{.spec.http[i].route[j].destination.host}`).
Runs in file mode too.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, name_from_host, report
from engine.analysis.destinations import mirror_destinations, route_destinations
from engine.diagnostics import Diagnostic

NAME = "virtualservice.DestinationRuleAnalyzer"
DESCRIPTION = "Checks the destination rules associated with each virtual service"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    subsets = {(*name_from_host(dr.namespace, dr.spec.host), s.name)
               for dr in ctx.of("DestinationRule") for s in dr.spec.subsets}
    for vs in ctx.of("VirtualService"):
        for what, dests in (("host+subset", route_destinations(vs)), ("mirror+subset", mirror_destinations(vs))):
            for d in dests:
                dest = d.destination
                if dest.subset and (*name_from_host(vs.namespace, dest.host), dest.subset) not in subsets:
                    yield report("IST0101", vs, f"{what} in destinationrule", f"{dest.host}+{dest.subset}",
                                 path=d.host_path)
