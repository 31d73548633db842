"""exportTo, subset policy overrides, connection pools, outlier detection, retry conditions and
rewrites, as rows of tests/engine/istio_cases.py (complements test_istio_policies/test_istio_tasks).

Row names cite their source:
- `push_context.go`: istio:pilot/pkg/model/push_context.go (`initVirtualServices` exportTo sets;
  `setDestinationRules`: "a proxy from this namespace will first look here ... This pool consists of
  both public/private destination rules", so a DR always applies in its own namespace)
- `MergeSubsetTrafficPolicy`: istio:pilot/pkg/networking/util/util.go (a subset's connectionPool /
  loadBalancer / tls replace the top-level field; unset fields are inherited)
- `destination_rule.proto`: istio/api networking/v1alpha3/destination_rule.proto
  (http2MaxRequests "applicable to both HTTP/1.1 and HTTP2"; consecutiveGatewayErrors "502, 503, 504")
- `retry.go`: istio:pilot/pkg/networking/core/route/retry/retry.go (`parseRetryOn`: numeric
  entries become retriable_status_codes + `retriable-status-codes`)
- `route.go`: istio:pilot/pkg/networking/core/route/route.go (prefix rewrite = Envoy prefix_rewrite)
"""

import pytest

from tests.engine.istio_cases import HTTPBIN_DR, Case, check, run_case

FQDN = "httpbin.default.svc.cluster.local"
FROM_DEFAULT = "{from: default/sleep, to: 'httpbin:8000', requests: %d}"
FROM_OTHER = "{from: not-default/sleep, to: 'httpbin.default:8000', requests: %d}"


def vs(http: str, extra: str = "") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: httpbin, namespace: default}}
spec:
  hosts: [{FQDN}]{extra}
  http:
{http}
"""


def dr(body: str, extra: str = "") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: httpbin, namespace: default}}
spec:
  host: httpbin{extra}
{body}
"""


TO_V2 = vs(f"    - route: [{{destination: {{host: {FQDN}, subset: v2}}}}]")
SUBSETS = "  subsets:\n    - {name: v1, labels: {version: v1}}\n    - {name: v2, labels: {version: v2}}"
EXPORT = [
    Case("push_context.go initVirtualServices: exportTo [not-default] routes that namespace's clients",
         HTTPBIN_DR + TO_V2.replace(f"hosts: [{FQDN}]", f"hosts: [{FQDN}]\n  exportTo: [not-default]"),
         FROM_OTHER % 10, {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
    Case("push_context.go initVirtualServices: exportTo [not-default] hides the VS from its own namespace",
         HTTPBIN_DR + TO_V2.replace(f"hosts: [{FQDN}]", f"hosts: [{FQDN}]\n  exportTo: [not-default]"),
         FROM_DEFAULT % 2000, {"status": {"200": 2000}, "to": {"httpbin": 1.0}}),
    Case("push_context.go initVirtualServices: exportTo ['.', not-default] reaches both namespaces",
         HTTPBIN_DR + TO_V2.replace(f"hosts: [{FQDN}]", f"hosts: [{FQDN}]\n  exportTo: ['.', not-default]"),
         FROM_OTHER % 10, {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
    Case("push_context.go setDestinationRules: a DR exported only to not-default is not in its own namespace's "
         "index ('add only if ... exportTo containing this namespace'): subset v2 -> 503 NC",
         dr(SUBSETS, "\n  exportTo: [not-default]") + TO_V2,
         FROM_DEFAULT % 10, {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("push_context.go setDestinationRules: exportTo naming its own namespace keeps the DR local",
         dr(SUBSETS, "\n  exportTo: [default]") + TO_V2,
         FROM_DEFAULT % 10, {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
    Case("push_context.go setDestinationRules: a DR exported to not-default serves that namespace's clients",
         dr(SUBSETS, "\n  exportTo: [not-default]") + TO_V2, FROM_OTHER % 10,
         {"status": {"200": 10}, "to": {"httpbin/v2": 1.0}}),
]

TIGHT_POOL = """    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}"""
WIDE_POOL = "{tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 100}}"
CONCURRENT = "{from: default/sleep, to: 'httpbin:8000', requests: 30, concurrency: 3, rate: max}"
SLOW = "[{namespace: default, selector: {app: httpbin}, latency: 10ms}]"
POOL = [
    Case("MergeSubsetTrafficPolicy: a subset connectionPool replaces the tight top-level pool (no overflow)",
         dr(f"""  trafficPolicy:
{TIGHT_POOL}
  subsets:
    - {{name: v1, labels: {{version: v1}}, trafficPolicy: {{connectionPool: {WIDE_POOL}}}}}""")
         + vs(f"    - route: [{{destination: {{host: {FQDN}, subset: v1}}}}]"), CONCURRENT,
         {"status": {"200": 30}, "flags": {}}, backends=SLOW),
    Case("MergeSubsetTrafficPolicy: a subset without connectionPool inherits the tight pool (503 UO)",
         dr(f"""  trafficPolicy:
{TIGHT_POOL}
  subsets:
    - {{name: v1, labels: {{version: v1}}}}""")
         + vs(f"    - route: [{{destination: {{host: {FQDN}, subset: v1}}}}]"), CONCURRENT,
         {"has_flags": ["UO"]}, backends=SLOW),
    Case("destination_rule.proto http2MaxRequests: caps active HTTP/1.1 requests too (503 UO)",
         dr("  trafficPolicy: {connectionPool: {http: {http2MaxRequests: 1}}}"), CONCURRENT,
         {"has_flags": ["UO"]}, backends=SLOW),
    Case("destination_rule.proto maxRequestsPerConnection 1 alone never overflows (new connection per request)",
         dr("  trafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: 1}}}"), CONCURRENT,
         {"status": {"200": 30}, "flags": {}}, backends=SLOW),
]


def retry_vs(retry_on: str, attempts: int = 2) -> str:
    return vs(f"""    - retries: {{attempts: {attempts}, retryOn: "{retry_on}"}}
      route: [{{destination: {{host: {FQDN}}}}}]""")


FAILS = "[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: %d}]"
RETRIES = [
    Case("retry.go parseRetryOn: retryOn '503' retries 503 (2 retries, then URX)", retry_vs("503"),
         FROM_DEFAULT % 10, {"status": {"503": 10}, "flags": {"URX": 10}, "attempts_max": 3}, backends=FAILS % 503),
    Case("retry.go parseRetryOn: 'retriable-status-codes,503' is the same policy", retry_vs("retriable-status-codes,503"),
         FROM_DEFAULT % 10, {"status": {"503": 10}, "flags": {"URX": 10}, "attempts_max": 3}, backends=FAILS % 503),
    Case("retry.go parseRetryOn: 'connect-failure,500' retries the 500 (status code list)",
         retry_vs("connect-failure,500"), FROM_DEFAULT % 10,
         {"status": {"500": 10}, "flags": {"URX": 10}, "attempts_max": 3}, backends=FAILS % 500),
    Case("Envoy retriable-status-codes without any code retries nothing",
         retry_vs("retriable-status-codes"), FROM_DEFAULT % 10,
         {"status": {"503": 10}, "attempts_max": 1}, backends=FAILS % 503),
    Case("Envoy retry_state: 5xx retries 500 as well as 503", retry_vs("5xx"), FROM_DEFAULT % 10,
         {"status": {"500": 10}, "flags": {"URX": 10}, "attempts_max": 3}, backends=FAILS % 500),
    Case("Envoy retry_state: a refused connection is not retried by retryOn '503' alone (UF, one try)",
         retry_vs("503"), FROM_DEFAULT % 10, {"status": {"503": 10}, "flags": {"UF": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, down: true}]"),
]

REWRITES = [
    Case("route.go prefix rewrite: only the matched prefix is replaced (/api/v1/x -> /backend/v1/x)",
         vs(f"""    - match: [{{uri: {{prefix: /api}}}}]
      rewrite: {{uri: /backend}}
      route: [{{destination: {{host: {FQDN}}}}}]"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, path: /api/v1/x}", {"status": {"418": 5}},
         backends="[{namespace: default, selector: {app: httpbin}, path: /backend/v1, errorRate: 1.0, errorStatus: 418}]"),
    Case("route.go rewrite.authority: the path is untouched (backend path entry still matches)",
         vs(f"""    - rewrite: {{authority: other.example.com}}
      route: [{{destination: {{host: {FQDN}}}}}]"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, path: /status/x}", {"status": {"418": 5}},
         backends="[{namespace: default, selector: {app: httpbin}, path: /status, errorRate: 1.0, errorStatus: 418}]"),
    Case("virtual_service.proto uriRegexRewrite: Envoy regex_rewrite with \\N groups (/service/foo/bar -> "
         "/bar/instance/foo)",
         vs(f"""    - match: [{{uri: {{prefix: /service}}}}]
      rewrite: {{uriRegexRewrite: {{match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}}}}
      route: [{{destination: {{host: {FQDN}}}}}]"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, path: /service/foo/bar}", {"status": {"418": 5}},
         backends="[{namespace: default, selector: {app: httpbin}, path: /bar/instance/foo, errorRate: 1.0, "
                  "errorStatus: 418}]"),
    Case("route.go: an exact-match rewrite does not apply to other paths (404 NR, nothing reaches the backend)",
         vs(f"""    - match: [{{uri: {{exact: /api}}}}]
      rewrite: {{uri: /backend}}
      route: [{{destination: {{host: {FQDN}}}}}]"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, path: /api/v1}",
         {"status": {"404": 5}, "flags": {"NR": 5}}),
]


V1_ROUTE = f"    - route: [{{destination: {{host: {FQDN}, subset: v1}}}}]"
MIRRORING = [
    Case("route.go MirrorPercent: mirrorPercentage 0 explicitly mirrors nothing",
         HTTPBIN_DR + vs(V1_ROUTE + f"""
      mirror: {{host: {FQDN}, subset: v2}}
      mirrorPercentage: {{value: 0}}"""), FROM_DEFAULT % 50, {"status": {"200": 50}, "mirrored": 0}),
    Case("route.go MirrorPercent: the deprecated mirrorPercent 100 mirrors every request",
         HTTPBIN_DR + vs(V1_ROUTE + f"""
      mirror: {{host: {FQDN}, subset: v2}}
      mirrorPercent: 100"""), FROM_DEFAULT % 50, {"status": {"200": 50}, "mirrored": 50}),
    Case("virtual_service.proto mirrors: a mirror to an undefined subset never changes the primary answer",
         HTTPBIN_DR + vs(V1_ROUTE + f"""
      mirror: {{host: {FQDN}, subset: v9}}"""), FROM_DEFAULT % 50, {"status": {"200": 50}, "to": {"httpbin/v1": 1.0}}),
]

# route.go GetDestinationCluster: `destination.port` picks the cluster outbound|<port>||host; the
# DR's portLevelSettings for that port decide its TLS, which makes the chosen port visible.
KNOWN_TO_ALT = """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: known, namespace: default}
spec:
  hosts: [known]
  http: [{route: [{destination: {host: alt-known, port: {number: %d}}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: alt-known, namespace: default}
spec:
  host: alt-known
  trafficPolicy:
    portLevelSettings: [{port: {number: 8080}, tls: {mode: DISABLE}}]
"""
PORTS = [
    Case("route.go GetDestinationCluster: destination.port 8080 from a port-80 request uses the 8080 cluster",
         KNOWN_TO_ALT % 8080, "{from: default/sleep, to: 'known:80', requests: 10}",
         {"status": {"200": 10}, "to": {"alt-known": 1.0}, "tls": {"plaintext": 10}}),
    Case("route.go GetDestinationCluster: destination.port 80 keeps that port's policy (auto mTLS)",
         KNOWN_TO_ALT % 80, "{from: default/sleep, to: 'known:8080', requests: 10}",
         {"status": {"200": 10}, "to": {"alt-known": 1.0}, "tls": {"mtls": 10}}),
]


# virtual_service.proto Headers: "Header manipulation rules" on the request the client's proxy
# forwards; the server's AuthorizationPolicy reads the request as it arrives.
ALLOW_JASON = """
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: jason-only, namespace: default}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules: [{when: [{key: 'request.headers[x-user]', values: [jason]}]}]
"""
HEADERS = [
    Case("virtual_service.proto Headers: a route's request.set reaches the server (authz sees x-user: jason)",
         ALLOW_JASON + vs(f"""    - headers: {{request: {{set: {{x-user: jason}}}}}}
      route: [{{destination: {{host: {FQDN}}}}}]"""), FROM_DEFAULT % 5, {"status": {"200": 5}}),
    Case("virtual_service.proto Headers: without the operation the server denies (403)",
         ALLOW_JASON + vs(f"    - route: [{{destination: {{host: {FQDN}}}}}]"), FROM_DEFAULT % 5, {"status": {"403": 5}}),
    Case("virtual_service.proto Headers: a destination's request.remove strips the app's header (403)",
         ALLOW_JASON + vs(f"    - route: [{{destination: {{host: {FQDN}}}, headers: {{request: {{remove: [x-user]}}}}}}]"),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, headers: {x-user: jason}}", {"status": {"403": 5}}),
    Case("virtual_service.proto Headers: request.set never changes which rule matched (set on rule 1, rule 2 "
         "matches x-user)", HTTPBIN_DR + vs(f"""    - match: [{{headers: {{x-user: {{exact: jason}}}}}}]
      route: [{{destination: {{host: {FQDN}, subset: v2}}}}]
    - headers: {{request: {{set: {{x-user: jason}}}}}}
      route: [{{destination: {{host: {FQDN}, subset: v1}}}}]"""), FROM_DEFAULT % 10,
         {"status": {"200": 10}, "to": {"httpbin/v1": 1.0}}),
]


@pytest.mark.parametrize("case", EXPORT + POOL + RETRIES + REWRITES + MIRRORING + PORTS + HEADERS, ids=str)
def test_route_policy_scenarios(case):
    check(case)


V1_FAILS = "[{namespace: default, selector: {app: httpbin, version: v1}, errorRate: 1.0, errorStatus: %d}]"
GATEWAY_ERRORS_ONLY = dr("""  trafficPolicy:
    outlierDetection: {consecutiveGatewayErrors: 1, consecutive5xxErrors: 0, interval: 1s, baseEjectionTime: 3m,
                       maxEjectionPercent: 100}""")


def test_consecutive_gateway_errors_eject_a_host_answering_503():
    """destination_rule.proto: gateway errors are 502/503/504; one ejects v1, so v2 answers the rest."""
    s = run_case(Case("gateway errors 503", GATEWAY_ERRORS_ONLY, "{from: default/sleep, to: 'httpbin:8000', "
                      "requests: 200, rate: 10}", {}, backends=V1_FAILS % 503))
    assert 0 < s.status.get("503", 0) <= 3, s.status


def test_consecutive_gateway_errors_ignore_500s():
    """500 is not a gateway error, and consecutive5xxErrors 0 disables the 5xx detector: v1 stays in."""
    s = run_case(Case("gateway errors 500", GATEWAY_ERRORS_ONLY, "{from: default/sleep, to: 'httpbin:8000', "
                      "requests: 200, rate: 10}", {}, backends=V1_FAILS % 500))
    assert s.status.get("500", 0) >= 60, s.status


TWO_V1_PODS = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}]
  services:
    - name: httpbin
      namespace: default
      ports: [{name: http, port: 8000}]
      workloads:
        - {labels: {app: httpbin, version: v1, pod: a}, replicas: 1}
        - {labels: {app: httpbin, version: v1, pod: b}, replicas: 1}
  clients: [{name: sleep, namespace: default, labels: {app: sleep}}]
"""


def _pods_hit(subset_policy: str) -> int:
    config = dr(f"""  trafficPolicy: {{loadBalancer: {{consistentHash: {{httpHeaderName: x-user}}}}}}
  subsets:
    - {{name: v1, labels: {{version: v1}}{subset_policy}}}""") + vs(
        f"    - route: [{{destination: {{host: {FQDN}, subset: v1}}}}]")
    s = run_case(Case("lb", config, "{from: default/sleep, to: 'httpbin:8000', requests: 200, "
                      "headers: {x-user: alice}}", {}, topology=TWO_V1_PODS))
    return sum(1 for d in s.destinations if d.requests > 0)


def test_a_subset_load_balancer_replaces_the_top_level_consistent_hash():
    """MergeSubsetTrafficPolicy: the subset's loadBalancer replaces the top-level one: ROUND_ROBIN
    spreads one user's requests over both pods; the inherited consistentHash pins them to one."""
    assert _pods_hit(", trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}") == 2
    assert _pods_hit("") == 1
