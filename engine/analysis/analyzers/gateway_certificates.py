"""IST0138: two Gateways on the same workload present the same certificate.

istio:pkg/config/analysis/analyzers/gateway/certificate.go (file mode too; envoyproxy/envoy#6767:
browsers reuse an HTTP/2 connection for every host of a certificate, and get 404s from the other
Gateway). For each Gateway, every other Gateway whose selector is a superset of its own (any
Gateway when its own selector is empty; all namespaces, PILOT_SCOPE_GATEWAY_TO_NAMESPACE being off
by default) is compared server by server: the same `credentialName`, or with no credentialName on
either side the same serverCertificate and privateKey. Reported on the first Gateway, at
metadata.name, naming both.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic

NAME = "gateway.CertificateAnalyzer"
DESCRIPTION = "Checks a gateway certificate"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    gateways = ctx.of("Gateway")
    for gw in gateways:
        selector = gw.spec.selector
        for other in gateways:
            if other.key == gw.key or not _subset(selector, other.spec.selector):
                continue
            for mine in gw.spec.servers:
                for theirs in other.spec.servers:
                    if mine.tls is not None and theirs.tls is not None and _same_certificate(mine.tls, theirs.tls):
                        names = [f"{gw.namespace}/{gw.name}", f"{other.namespace}/{other.name}"]
                        yield report("IST0138", gw, names, path="metadata.name")


def _subset(selector: dict[str, str], other: dict[str, str]) -> bool:
    return all(other.get(k) == v for k, v in selector.items())


def _same_certificate(a, b) -> bool:
    if a.credential_name and b.credential_name:
        return a.credential_name == b.credential_name
    if not a.credential_name and not b.credential_name and a.server_certificate and b.server_certificate:
        if a.server_certificate == b.server_certificate and a.private_key and b.private_key:
            return a.private_key == b.private_key
    return False
