"""Shared harness for the Istio-derived scenario tables (tests/engine/test_istio_*.py).

A row is one call from Istio's own tests or an istio.io task step, re-expressed as meshdrill
input: a Topology (BASE unless the row brings its own), Istio config, one Traffic stream, and the
fields a user would read in `simulate -o json` (status, flags, tls, destinations, attempts).
Only the fields a row names are compared, as in istio:pilot/pkg/simulation (`Result.Matches`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.config import load_config_text
from engine.simulation.result import StreamResult
from engine.simulation.run import simulate

# Istio's sidecar_simulation_test.go `TestSidecarRoutes` services (known, alt-known, not-default,
# ports 80 and 8080), Bookinfo's reviews/ratings for the istio.io tasks, httpbin for the
# integration cases, and sidecar / sidecar-less senders.
BASE = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
    - {name: default, injection: true}
    - {name: not-default, injection: true}
    - {name: legacy, injection: false}
    - {name: istio-system, injection: false}
  services:
    - {name: known, namespace: default, ports: [{name: http, port: 80}, {name: http-alt, port: 8080}],
       workloads: [{labels: {app: known}, replicas: 1}]}
    - {name: alt-known, namespace: default, ports: [{name: http, port: 80}, {name: http-alt, port: 8080}],
       workloads: [{labels: {app: alt-known}, replicas: 1}]}
    - {name: not-default, namespace: not-default, ports: [{name: http, port: 80}, {name: http-alt, port: 8080}],
       workloads: [{labels: {app: not-default}, replicas: 1}]}
    - name: reviews
      namespace: default
      ports: [{name: http, port: 9080}]
      workloads:
        - {labels: {app: reviews, version: v1}, replicas: 1, serviceAccount: bookinfo-reviews}
        - {labels: {app: reviews, version: v2}, replicas: 1, serviceAccount: bookinfo-reviews}
        - {labels: {app: reviews, version: v3}, replicas: 1, serviceAccount: bookinfo-reviews}
    - {name: ratings, namespace: default, ports: [{name: http, port: 9080}],
       workloads: [{labels: {app: ratings, version: v1}, replicas: 1, serviceAccount: bookinfo-ratings}]}
    - name: httpbin
      namespace: default
      ports: [{name: http, port: 8000, targetPort: 80}, {name: tcp, port: 9000}]
      workloads:
        - {labels: {app: httpbin, version: v1}, replicas: 1, serviceAccount: httpbin}
        - {labels: {app: httpbin, version: v2}, replicas: 1, serviceAccount: httpbin}
    - {name: legacy-svc, namespace: legacy, ports: [{name: http, port: 8000}],
       workloads: [{labels: {app: legacy-svc}, replicas: 1}]}
  clients:
    - {name: sleep, namespace: default, labels: {app: sleep}, serviceAccount: sleep}
    - {name: productpage, namespace: default, labels: {app: productpage}, serviceAccount: bookinfo-productpage}
    - {name: sleep, namespace: not-default, labels: {app: sleep}, serviceAccount: sleep}
    - {name: sleep, namespace: legacy, labels: {app: sleep}, serviceAccount: sleep}
  gateways:
    - {name: istio-ingressgateway, namespace: istio-system, labels: {istio: ingressgateway}, ports: [80, 443]}
    - {name: istio-egressgateway, namespace: istio-system, labels: {istio: egressgateway}, ports: [80, 443]}
  externalHosts:
    - {host: httpbin.org, ports: [80]}
    - {host: edition.cnn.com, ports: [80, 443], tls: true}
    - {host: www.google.com, ports: [443], tls: true}
"""

REVIEWS_DR = """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
    - {name: v3, labels: {version: v3}}
"""

HTTPBIN_DR = """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin, namespace: default}
spec:
  host: httpbin
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
"""


@dataclass(frozen=True)
class Case:
    """One row. `expect` keys: status, flags (exact dicts); tls (the named counters only);
    to ({"service[/subset]": share}, exact unless `tolerance`); attempts_max, attempts_total,
    mirrored (ints); has_flags (flags that must appear, counts not fixed: e.g. connection-pool
    overflow, whose real counts depend on Envoy's worker threads); latency_p50 (ms, exact)."""

    name: str
    config: str
    stream: str
    expect: dict
    backends: str = "[]"
    topology: str = BASE
    tolerance: float = 0.0
    seed: int = 7

    def __str__(self) -> str:
        return self.name


def run_case(case: Case) -> StreamResult:
    text = case.topology + case.config + f"""
---
apiVersion: meshdrill/v1
kind: Traffic
spec:
  seed: {case.seed}
  backends: {case.backends}
  streams:
    - {case.stream}
"""
    result = simulate(load_config_text(text, "case.yaml"))
    assert not result.rejected, [d.message for d in result.rejected]
    return result.streams[0]


def shares(s: StreamResult) -> dict[str, float]:
    out: dict[str, float] = {}
    for d in s.destinations:
        key = d.service + (f"/{d.subset}" if d.subset else "")
        out[key] = round(out.get(key, 0.0) + d.share, 6)
    return out


def check(case: Case) -> None:
    s = run_case(case)
    e = case.expect
    seen = {"status": s.status, "flags": s.flags, "tls": s.tls, "to": shares(s),
            "attempts": vars(s.attempts), "mirrored": s.mirrored}
    if "status" in e:
        assert s.status == e["status"], seen
    if "flags" in e:
        assert s.flags == e["flags"], seen
    for k, v in e.get("tls", {}).items():
        assert s.tls[k] == v, seen
    if "to" in e:
        got = shares(s)
        assert set(got) == set(e["to"]), seen
        for k, v in e["to"].items():
            assert abs(got[k] - v) <= case.tolerance, seen
    if "attempts_max" in e:
        assert s.attempts.max == e["attempts_max"], seen
    if "attempts_total" in e:
        assert s.attempts.total == e["attempts_total"], seen
    if "mirrored" in e:
        assert s.mirrored == e["mirrored"], seen
    for flag in e.get("has_flags", ()):
        assert s.flags.get(flag, 0) > 0, seen
    if "latency_p50" in e:
        assert s.latency_ms["p50"] == pytest.approx(e["latency_p50"], abs=1.0), seen | {"latency": s.latency_ms}
