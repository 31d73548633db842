"""IST0149: routing on `@request.auth.claims.*` at a gateway whose pods validate no JWT.

istio:pkg/config/analysis/analyzers/virtualservice/jwtclaimroute.go (cluster mode only). Claims exist
only after a RequestAuthentication validated the token, so a header match on
`@request.auth.claims.<claim>` needs one selecting each gateway pod: from istio-system or from the
pod's own namespace (a RequestAuthentication without selector selects every pod there). One message
per pod of each referenced, existing Gateway. The key is the first claim header of the first match.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import MESH, Context, gateway_ref, report
from engine.diagnostics import Diagnostic

NAME = "virtualservice.JWTClaimRouteAnalyzer"
DESCRIPTION = "Checks the VirtualService using JWT claim based routing has corresponding RequestAuthentication"

_CLAIM = "@request.auth.claims"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    selectors: dict[str, list[dict[str, str]]] = {}
    for ra in ctx.of("RequestAuthentication"):
        selector = ra.spec.selector.match_labels if ra.spec is not None and ra.spec.selector is not None else {}
        selectors.setdefault(ra.namespace, []).append(dict(selector))
    gateways = {(gw.namespace, gw.name): gw for gw in ctx.of("Gateway")}
    for vs in ctx.of("VirtualService"):
        key = _claim_key(vs)
        if key is None:
            continue
        for name in vs.spec.gateways:
            ref = gateway_ref(vs.namespace, name)
            gw = gateways.get(ref) if name != MESH else None
            if gw is None:
                continue
            for pod in ctx.pods:
                if not pod.matches(gw.spec.selector):
                    continue
                candidates = selectors.get("istio-system", []) + selectors.get(pod.namespace, [])
                if not any(pod.matches(selector) for selector in candidates):
                    yield report("IST0149", vs, key, f"{ref[0]}/{ref[1]}", pod.name)


def _claim_key(vs) -> str | None:
    for route in vs.spec.http:
        for match in route.match:
            for key in (*match.headers, *match.without_headers):
                if key.startswith(_CLAIM):
                    return key
    return None
