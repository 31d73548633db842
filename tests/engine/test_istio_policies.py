"""DestinationRule selection, subset policy inheritance, outlier detection, load balancing,
source selectors and exportTo, as rows of tests/engine/istio_cases.py. Sources:
- istio:pilot/pkg/model/push_context.go `destinationRule` (client ns, then service ns, then root)
- istio:pilot/pkg/networking/util/util.go `MergeSubsetTrafficPolicy`; destination_rule.proto
- istio:pilot/pkg/networking/core/route/route.go `sourceMatchHTTP` (sourceLabels/sourceNamespace)
- io:tasks/traffic-management/circuit-breaking; Envoy outlier detection docs
"""

import pytest

from tests.engine.istio_cases import HTTPBIN_DR, Case, check


def dr(name: str, ns: str, host: str, body: str) -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {name}, namespace: {ns}}}
spec:
  host: {host}
{body}
"""


def vs(http: str, ns: str = "default", extra: str = "") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: httpbin, namespace: {ns}}}
spec:
  hosts: [httpbin.default.svc.cluster.local]{extra}
  http:
{http}
"""


HTTPBIN_FQDN = "httpbin.default.svc.cluster.local"
FROM_DEFAULT = "{from: default/sleep, to: 'httpbin:8000', requests: %d}"
FROM_OTHER = "{from: not-default/sleep, to: 'httpbin.default:8000', requests: %d}"
TLS_DISABLE = "  trafficPolicy: {tls: {mode: DISABLE}}"
V1_FAILS = "[{namespace: default, selector: {app: httpbin, version: v1}, errorRate: 1.0, errorStatus: 503}]"

DR_SELECTION = [
    Case("push_context.go destinationRule: a DR in the client's namespace wins over the service's",
         dr("svc", "default", HTTPBIN_FQDN, "  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}")
         + dr("client", "not-default", HTTPBIN_FQDN, TLS_DISABLE), FROM_OTHER % 10,
         {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("push_context.go destinationRule: the service's namespace DR applies to other clients (exported)",
         dr("svc", "default", HTTPBIN_FQDN, TLS_DISABLE), FROM_OTHER % 10,
         {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("push_context.go destinationRule: a service-namespace DR exported only to '.' does not reach others",
         dr("svc", "default", HTTPBIN_FQDN, "  exportTo: ['.']\n" + TLS_DISABLE), FROM_OTHER % 10,
         {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("push_context.go destinationRule: a root-namespace DR is the last resort",
         dr("root", "istio-system", HTTPBIN_FQDN, TLS_DISABLE), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("push_context.go destinationRule: no merging across namespaces (client DR without subsets -> NC)",
         HTTPBIN_DR + dr("client", "not-default", HTTPBIN_FQDN, "  trafficPolicy: {loadBalancer: {simple: RANDOM}}")
         + vs("    - route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v1}}]", extra="\n  exportTo: ['*']"),
         FROM_OTHER % 10, {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("destination_rule.proto host: a short host resolves in the DR's namespace (wrong ns: ignored)",
         dr("svc", "not-default", "httpbin", TLS_DISABLE), FROM_OTHER % 10,
         {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("push_context.go: the most specific host wins inside one namespace (exact over wildcard)",
         dr("wild", "default", "'*.default.svc.cluster.local'", TLS_DISABLE)
         + dr("exact", "default", HTTPBIN_FQDN, "  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}"), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("mergeDestinationRule: two DRs for one host in one namespace merge their subsets",
         dr("a", "default", "httpbin", "  subsets: [{name: v1, labels: {version: v1}}]")
         + dr("b", "default", "httpbin", "  subsets: [{name: v2, labels: {version: v2}}]")
         + vs("    - route: [{destination: {host: httpbin, subset: v2}}]"), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
]

SUBSETS = [
    Case("MergeSubsetTrafficPolicy: a subset tls replaces the top-level tls for that subset only",
         dr("d", "default", "httpbin", """  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
  subsets:
    - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: DISABLE}}}
    - {name: v2, labels: {version: v2}}""") + vs("    - route: [{destination: {host: httpbin, subset: v1}}]"),
         FROM_DEFAULT % 10, {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("MergeSubsetTrafficPolicy: a subset without tls inherits the top-level tls",
         dr("d", "default", "httpbin", """  trafficPolicy: {tls: {mode: DISABLE}}
  subsets:
    - {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}""")
         + vs("    - route: [{destination: {host: httpbin, subset: v2}}]"),
         FROM_DEFAULT % 10, {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("best-practices 'Set default routes': subset policies do not apply to the plain service cluster",
         dr("d", "default", "httpbin", """  subsets:
    - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: DISABLE}}}"""), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("destination_rule.proto portLevelSettings: a port entry replaces the top-level policy for that port",
         dr("d", "default", "httpbin", """  trafficPolicy:
    tls: {mode: DISABLE}
    portLevelSettings: [{port: {number: 8000}, loadBalancer: {simple: ROUND_ROBIN}}]"""), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("destination_rule.proto portLevelSettings: another port keeps the top-level policy",
         dr("d", "default", "httpbin", """  trafficPolicy:
    tls: {mode: DISABLE}
    portLevelSettings: [{port: {number: 9000}, loadBalancer: {simple: ROUND_ROBIN}}]"""), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("subset labels match no pod: cluster with no endpoints -> 503 UH",
         dr("d", "default", "httpbin", "  subsets: [{name: v9, labels: {version: v9}}]")
         + vs("    - route: [{destination: {host: httpbin, subset: v9}}]"), FROM_DEFAULT % 10,
         {"status": {"503": 10}, "flags": {"UH": 10}}),
]

OUTLIER = [
    Case("outlier detection: consecutive5xxErrors 1 ejects the failing host; the other answers",
         dr("d", "default", "httpbin", """  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 200, rate: 10}",
         {"has_flags": []}, backends=V1_FAILS),
    Case("outlier detection: every host ejected with panic threshold 0 -> 503 UH",
         dr("d", "default", "httpbin", """  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 50, rate: 10}",
         {"has_flags": ["UH"]}, backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0}]"),
    Case("outlier detection: consecutiveErrors is ignored since 1.7 (Envoy default 5 consecutive 5xx)",
         dr("d", "default", "httpbin", """  trafficPolicy:
    outlierDetection: {consecutiveErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 8, concurrency: 1, rate: 1}",
         {"status": {"503": 8}, "flags": {}}, backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0}]"),
]

SOURCES = [
    Case("route.go sourceMatchHTTP: sourceLabels selects the client's rule (productpage -> v2)",
         HTTPBIN_DR + vs("""    - match: [{sourceLabels: {app: productpage}}]
      route: [{destination: {host: httpbin, subset: v2}}]
    - route: [{destination: {host: httpbin, subset: v1}}]"""),
         "{from: default/productpage, to: 'httpbin:8000', requests: 10}", {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
    Case("route.go sourceMatchHTTP: other clients skip the sourceLabels rule (sleep -> v1)",
         HTTPBIN_DR + vs("""    - match: [{sourceLabels: {app: productpage}}]
      route: [{destination: {host: httpbin, subset: v2}}]
    - route: [{destination: {host: httpbin, subset: v1}}]"""),
         FROM_DEFAULT % 10, {"status": {"200": 10}, "to": {"httpbin/v1": 1.0}}),
    Case("route.go sourceMatchHTTP: sourceNamespace",
         HTTPBIN_DR + vs("""    - match: [{sourceNamespace: not-default}]
      route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v2}}]
    - route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v1}}]"""),
         FROM_OTHER % 10, {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
    Case("virtual_service.proto exportTo '.': a VS private to its namespace does not route other clients",
         HTTPBIN_DR + vs("    - route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v2}}]",
                         extra="\n  exportTo: ['.']"), FROM_OTHER % 2000,
         {"status": {"200": 2000}, "to": {"httpbin": 1.0}}),
    Case("virtual_service.proto hosts: a short VS host resolves in the VS's namespace (not-default: no effect)",
         HTTPBIN_DR.replace("namespace: default", "namespace: not-default").replace("host: httpbin", "host: httpbin.default.svc.cluster.local")
         + """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: short, namespace: not-default}
spec:
  hosts: [httpbin]
  http: [{route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v2}}]}]
""", FROM_OTHER % 2000, {"status": {"200": 2000}, "to": {"httpbin": 1.0}}),
]

LOAD_BALANCING = [
    Case("consistentHash on a header keeps one client on one pod (expected shares: one endpoint)",
         dr("d", "default", "httpbin", "  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}"),
         "{from: default/sleep, to: 'httpbin:8000', requests: 100, headers: {x-user: alice}}",
         {"status": {"200": 100}}),
]


@pytest.mark.parametrize("case", DR_SELECTION + SUBSETS + OUTLIER + SOURCES + LOAD_BALANCING, ids=str)
def test_policy_scenarios(case):
    check(case)


def test_consistent_hash_sends_every_request_of_a_key_to_one_pod():
    from tests.engine.istio_cases import run_case
    s = run_case(LOAD_BALANCING[0])
    assert len(s.destinations) == 1 and s.destinations[0].requests == 100


def test_outlier_detection_moves_traffic_off_the_failing_host():
    from tests.engine.istio_cases import run_case
    s = run_case(OUTLIER[0])
    # v1 fails once, is ejected for 3 minutes: the rest of the 20 s stream goes to v2.
    assert s.status.get("503", 0) <= 2 and s.status["200"] >= 198


def test_a_weighted_destination_whose_subset_is_missing_fails_only_its_share():
    """route.go TranslateRoute: "it's okay if the target cluster cannot be resolved. Traffic to such
    clusters will blackhole": the weighted cluster is kept, its share gets 503 NC, the rest 200."""
    from tests.engine.istio_cases import run_case
    s = run_case(Case("missing subset share", HTTPBIN_DR + vs("""    - route:
        - {destination: {host: httpbin, subset: v1}, weight: 50}
        - {destination: {host: httpbin, subset: v9}, weight: 50}"""), FROM_DEFAULT % 4000, {}))
    assert set(s.status) == {"200", "503"} and s.flags == {"NC": s.status["503"]}
    assert abs(s.status["503"] / 4000 - 0.5) < 0.04
