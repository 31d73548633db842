"""IST0128 / IST0129: TLS origination (SIMPLE or MUTUAL) without caCertificates.

istio:pkg/config/analysis/analyzers/destinationrule/ca-certificates.go (file mode too): the
sidecar would not verify the server's certificate. Skipped when both `credentialName` and a
`workloadSelector` are set (analyzers.md §3). Line: the missing caCertificates' parent, i.e. the
object's first line unless the field exists. Port level prints `at port number:<n>`.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic
from engine.resources import Resource

NAME = "destinationrule.CaCertificateAnalyzer"
DESCRIPTION = "Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    for dr in ctx.of("DestinationRule"):
        policy = dr.spec.traffic_policy
        if policy is None:
            continue
        name = f"{dr.namespace}/{dr.name}"
        if _unverified(dr, policy.tls):
            yield report("IST0128", dr, name, dr.namespace, str(policy.tls.mode), dr.spec.host,
                         line=_line(dr, "spec.trafficPolicy.tls.caCertificates"))
        for i, pls in enumerate(policy.port_level_settings):
            if _unverified(dr, pls.tls):
                port = pls.port.number if pls.port is not None and pls.port.number is not None else 0
                yield report("IST0129", dr, name, dr.namespace, str(pls.tls.mode), dr.spec.host, port,
                             line=_line(dr, f"spec.trafficPolicy.portLevelSettings[{i}].tls.caCertificates"))


def _unverified(dr: Resource, tls) -> bool:
    if tls is None or str(tls.mode) not in ("SIMPLE", "MUTUAL") or tls.ca_certificates:
        return False
    return not (tls.credential_name and dr.spec.workload_selector is not None)


def _line(dr: Resource, path: str) -> int:
    return dr.lines.get(path, dr.line)
