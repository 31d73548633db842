"""IST0134: a ServiceEntry with a TCP (or protocol-less) port and no addresses.

istio:pkg/config/analysis/analyzers/serviceentry/protocoladdresses.go (file mode too). Without a
VIP the sidecar cannot tell such services apart. Not reported when MeshConfig enables DNS capture
with auto-allocation, which the default mesh does not. One message per such port, at its name.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report
from engine.diagnostics import Diagnostic

NAME = "serviceentry.Analyzer"
DESCRIPTION = "Checks the validity of ServiceEntry"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    for se in ctx.of("ServiceEntry"):
        if se.spec.addresses:
            continue
        for i, port in enumerate(se.spec.ports):
            if not port.protocol or port.protocol.upper() == "TCP":
                yield report("IST0134", se, path=f"spec.ports[{i}].name")
