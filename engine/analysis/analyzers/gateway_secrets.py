"""IST0101 credentialName: a Gateway's TLS secret must exist where its workload runs.

istio:pkg/config/analysis/analyzers/gateway/secret.go (cluster mode only). The gateway's namespace
is that of the first pod its selector matches -- the secret is read by that workload, so a Secret
next to the Gateway object but not next to the gateway pods is not found (fixture
gateway-secrets.yaml, customgateway-wrongnamespace). No matching pod: IST0101 selector, the same
line IngressGatewayPortAnalyzer reports (istioctl prints it once). A `ns/name` credentialName
names its namespace explicitly (resource.NewShortOrFullName). The certificate contents (IST0161)
are not checked: Secret data is not read.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis.context import Context, report, selector_string
from engine.diagnostics import Diagnostic

NAME = "gateway.SecretAnalyzer"
DESCRIPTION = "Checks a gateway's referenced secrets for correctness"


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    secrets = {(s.namespace, s.name) for s in ctx.of("Secret")}
    for gw in ctx.of("Gateway"):
        selector = dict(gw.spec.selector)
        pod = next((p for p in ctx.pods if p.matches(selector)), None)
        if pod is None:
            path = f"spec.selector.{sorted(selector)[0]}" if selector else ""
            yield report("IST0101", gw, "selector", selector_string(selector), path=path)
            continue
        for i, server in enumerate(gw.spec.servers):
            name = server.tls.credential_name if server.tls is not None else None
            if not name:
                continue
            namespace, slash, short = name.partition("/")
            ref = (namespace, short) if slash else (pod.namespace, name)
            if ref not in secrets:
                yield report("IST0101", gw, "credentialName", name, path=f"spec.servers[{i}].tls.credentialName")
