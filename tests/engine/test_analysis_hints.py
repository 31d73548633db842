"""Our teaching hints (MD codes), each in both directions. Facts cited in each analyzer module."""

import pytest

from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config_text


def run(name: str, text: str) -> list[str]:
    analyzer = next(a for a in ANALYZERS if a.name == name)
    config = load_config_text(text, "t.yaml")
    config.rejected, config.notes = [], []      # only what this analyzer says
    return [d.render() for d in analyze(config, analyzers=(analyzer,))]


TOPOLOGY = """apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
  - {name: foo, injection: true}
  - {name: legacy, injection: false}
  services:
  - name: httpbin
    namespace: foo
    ports: [{name: http, port: 8000}]
    workloads: [{labels: {version: v1}}]
  clients:
  - {name: sleep, namespace: legacy}
---
"""


def pa(name, ns, body):
    return (f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n{body}---\n")


STRICT = "meshdrill.StrictPlaintextClientAnalyzer"


@pytest.mark.parametrize("policies, expected", [
    (pa("default", "foo", "  mtls: {mode: STRICT}\n"),
     ["Warning [MD0101] (PeerAuthentication foo/default t.yaml:21) STRICT here rejects legacy/sleep, which has no "
      "sidecar: its plaintext requests to the workloads this policy covers are refused (add a sidecar, or use "
      "PERMISSIVE while migrating)"]),
    # mesh-wide STRICT decides httpbin too
    (pa("default", "istio-system", "  mtls: {mode: STRICT}\n"),
     ["Warning [MD0101] (PeerAuthentication istio-system/default t.yaml:21) STRICT here rejects legacy/sleep, "
      "which has no sidecar: its plaintext requests to the workloads this policy covers are refused (add a "
      "sidecar, or use PERMISSIVE while migrating)"]),
    # a namespace PERMISSIVE overrides the mesh-wide STRICT for the only sidecar workload
    (pa("default", "istio-system", "  mtls: {mode: STRICT}\n") + pa("default", "foo", "  mtls: {mode: PERMISSIVE}\n"),
     []),
    (pa("default", "foo", "  mtls: {mode: PERMISSIVE}\n"), []),
    # STRICT in a namespace without sidecar workloads protects nothing
    (pa("default", "legacy", "  mtls: {mode: STRICT}\n"), []),
])
def test_strict_with_plaintext_clients(policies, expected):
    assert run(STRICT, TOPOLOGY + policies) == expected


def test_strict_without_plaintext_clients_says_nothing():
    text = TOPOLOGY.replace("{name: sleep, namespace: legacy}", "{name: sleep, namespace: foo}")
    assert run(STRICT, text + pa("default", "foo", "  mtls: {mode: STRICT}\n")) == []


ROOT = "meshdrill.RootSelectorPeerAuthenticationAnalyzer"


def test_root_selector_peer_authentication():
    body = "  selector:\n    matchLabels: {app: httpbin}\n  mtls: {mode: STRICT}\n"
    assert run(ROOT, pa("strict-httpbin", "istio-system", body)) == [
        "Warning [MD0107] (PeerAuthentication istio-system/strict-httpbin t.yaml:7) a PeerAuthentication with a "
        "selector in the root namespace istio-system is ignored: mesh-wide policy has no selector, and a workload "
        "policy belongs in the workload's own namespace"]
    assert run(ROOT, pa("strict-httpbin", "foo", body)) == []
    assert run(ROOT, pa("default", "istio-system", "  mtls: {mode: STRICT}\n")) == []


TLS = "meshdrill.DestinationRuleTlsAnalyzer"


def dr(mode, host="httpbin.foo.svc.cluster.local"):
    return (f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\n  namespace: foo\n"
            f"spec:\n  host: {host}\n  trafficPolicy:\n    tls: {{mode: {mode}}}\n---\n")


def test_tls_disable_towards_strict():
    text = TOPOLOGY + pa("default", "foo", "  mtls: {mode: STRICT}\n") + dr("DISABLE")
    assert run(TLS, text) == [
        "Warning [MD0105] (DestinationRule foo/d t.yaml:31) tls mode DISABLE sends plaintext to "
        "httpbin.foo.svc.cluster.local, but its workloads require mTLS (STRICT from PeerAuthentication "
        "foo/default): the requests are refused"]
    assert run(TLS, TOPOLOGY + dr("DISABLE")) == []                       # PERMISSIVE accepts plaintext


def test_istio_mutual_towards_sidecarless():
    text = TOPOLOGY.replace("{name: foo, injection: true}", "{name: foo, injection: false}") + dr("ISTIO_MUTUAL")
    assert run(TLS, text) == [
        "Warning [MD0105] (DestinationRule foo/d t.yaml:23) tls mode ISTIO_MUTUAL to httpbin.foo.svc.cluster.local, "
        "but its workloads have no sidecar to terminate Istio mTLS: the TLS handshake fails (503)"]
    assert run(TLS, TOPOLOGY + dr("ISTIO_MUTUAL")) == []


SHORT = "meshdrill.ShortHostAnalyzer"


def test_short_host_in_another_namespace():
    vs = ("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: h\n  namespace: legacy\n"
          "spec:\n  hosts: [httpbin]\n  http:\n  - route:\n    - destination: {host: httpbin}\n---\n")
    assert run(SHORT, TOPOLOGY + vs) == [
        "Warning [MD0103] (VirtualService legacy/h t.yaml:21) host httpbin means httpbin.legacy.svc.cluster.local, "
        "but the Service httpbin is in namespace foo: this VirtualService matches no traffic to it; write "
        "httpbin.foo.svc.cluster.local",
        "Warning [MD0103] (VirtualService legacy/h t.yaml:24) destination httpbin means "
        "httpbin.legacy.svc.cluster.local, but the Service httpbin is in namespace foo; write "
        "httpbin.foo.svc.cluster.local"]
    assert run(SHORT, TOPOLOGY + vs.replace("namespace: legacy", "namespace: foo")) == []
    assert run(SHORT, TOPOLOGY + vs.replace("httpbin]", "httpbin.foo.svc.cluster.local]")
               .replace("{host: httpbin}", "{host: httpbin.foo.svc.cluster.local}")) == []


SHADOW = "meshdrill.ShadowedVirtualServiceAnalyzer"


def vs(name, host="reviews", extra=""):
    return (f"apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {name}\nspec:\n"
            f"  hosts: [{host}]\n{extra}  http:\n  - route:\n    - destination: {{host: {host}}}\n---\n")


def test_second_mesh_virtual_service_is_shadowed():
    assert run(SHADOW, vs("reviews-b") + vs("reviews-a")) == [
        "Warning [MD0104] (VirtualService default/reviews-a t.yaml:16) sidecars do not merge VirtualServices: for "
        "reviews.default.svc.cluster.local only default/reviews-b (the oldest) is used, so these routes are "
        "ignored for mesh traffic; merge them into one"]
    assert run(SHADOW, vs("a") + vs("b", host="ratings")) == []
    assert run(SHADOW, vs("a", extra="  gateways: [gw]\n") + vs("b", extra="  gateways: [gw]\n")) == []


def test_strict_names_several_plaintext_workloads():
    text = TOPOLOGY.replace("  - {name: sleep, namespace: legacy}\n", "  - {name: sleep, namespace: legacy}\n"
                            "  - {name: curl, namespace: legacy}\n")
    (line,) = run(STRICT, text + pa("default", "foo", "  mtls: {mode: STRICT}\n"))
    assert "rejects legacy/curl, legacy/sleep, which have no sidecar: their plaintext requests" in line


LEDGER = """apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
  - {name: payments, injection: true}
  - {name: legacy, injection: false}
  services:
  - name: ledger
    namespace: payments
    ports: [{name: http, port: 8080}]
    workloads: [{labels: {version: v1}}]
  - name: cards
    namespace: payments
    ports: [{name: http, port: 8080}]
    workloads: [{labels: {version: v1}}]
  clients:
  - {name: batch, namespace: legacy}
---
""" + pa("default", "payments", "  mtls: {mode: STRICT}\n")

LEDGER_PERMISSIVE = pa("ledger-legacy", "payments",
                       "  selector:\n    matchLabels: {app: ledger}\n  mtls: {mode: PERMISSIVE}\n")


def traffic(to):
    return (f"apiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n"
            f"  - {{from: legacy/batch, to: '{to}', requests: 1}}\n---\n")


REJECTS_BATCH = ["Warning [MD0101] (PeerAuthentication payments/default t.yaml:25) STRICT here rejects legacy/batch, "
                 "which has no sidecar: its plaintext requests to the workloads this policy covers are refused "
                 "(add a sidecar, or use PERMISSIVE while migrating)"]


@pytest.mark.parametrize("extra, expected", [
    # batch calls ledger, which has a workload-level PERMISSIVE exception: nothing refuses it
    (LEDGER_PERMISSIVE + traffic("ledger.payments:8080"), []),
    (LEDGER_PERMISSIVE + traffic("http://ledger.payments.svc.cluster.local:8080/"), []),
    # the exception does not cover cards, which batch calls
    (LEDGER_PERMISSIVE + traffic("cards.payments:8080"), REJECTS_BATCH),
    # no exception: ledger is STRICT
    (traffic("ledger.payments:8080"), REJECTS_BATCH),
    # no stream says what batch calls: cards is STRICT, so it may be refused
    (LEDGER_PERMISSIVE, REJECTS_BATCH),
    # a port-level PERMISSIVE exception for ledger's target port
    (pa("ledger-port", "payments", "  selector:\n    matchLabels: {app: ledger}\n  portLevelMtls:\n"
        "    8080: {mode: PERMISSIVE}\n") + traffic("ledger.payments:8080"), []),
    # a port-level exception for another port leaves 8080 STRICT
    (pa("ledger-port", "payments", "  selector:\n    matchLabels: {app: ledger}\n  portLevelMtls:\n"
        "    9090: {mode: PERMISSIVE}\n") + traffic("ledger.payments:8080"), REJECTS_BATCH),
])
def test_strict_is_judged_per_workload_and_port(extra, expected):
    assert run(STRICT, LEDGER + extra) == expected


def test_workload_strict_names_its_own_policy():
    """A workload-level STRICT under a PERMISSIVE namespace: the workload policy is the one that refuses."""
    text = LEDGER.replace("mode: STRICT", "mode: PERMISSIVE") + pa(
        "ledger-strict", "payments", "  selector:\n    matchLabels: {app: ledger}\n  mtls: {mode: STRICT}\n")
    assert [line.split(")")[0] for line in run(STRICT, text + traffic("ledger.payments:8080"))] == [
        "Warning [MD0101] (PeerAuthentication payments/ledger-strict t.yaml:35"]
    assert run(STRICT, text + traffic("cards.payments:8080")) == []
