"""IST0002: deprecated fields the analyzer knows by hand.

istio:pkg/config/analysis/analyzers/deprecation/deprecation.go (file mode too): a VirtualService
`http[].fault.delay.percent` above 0 ("... is deprecated; use HTTPRoute.fault.delay.percentage"),
and a Sidecar `outboundTrafficPolicy.egressProxy` ("... ignored"). Other deprecated fields, such as
a DestinationRule's `consecutiveErrors`, are webhook warnings (IST0133), not this analyzer's.
Reported at the object's first line (Istio sets no line).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic

NAME = "deprecation.DeprecationAnalyzer"
DESCRIPTION = "Checks for deprecated Istio types and fields"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    for vs in ctx.of("VirtualService"):
        for route in vs.spec.http:
            delay = route.fault.delay if route.fault is not None else None
            if delay is not None and (delay.percent or 0) > 0:
                yield report("IST0002", vs, "HTTPRoute.fault.delay.percent is deprecated; "
                                            "use HTTPRoute.fault.delay.percentage")
    for sc in ctx.of("Sidecar"):
        policy = sc.spec.outbound_traffic_policy
        if policy is not None and policy.egress_proxy is not None:
            yield report("IST0002", sc, "OutboundTrafficPolicy.EgressProxy ignored")
