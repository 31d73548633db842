"""Routing scenarios from Istio's own tests and istio.io tasks (see tests/engine/istio_cases.py).

Row names cite their source:
- `TestSidecarRoutes/...`: istio:pilot/pkg/networking/core/sidecar_simulation_test.go
- `integ/...`: istio:tests/integration/pilot/common/routing.go (virtualServiceCases etc.)
- `task/...`: istio.io content/en/docs/tasks/traffic-management/...
"""

import pytest

from tests.engine.istio_cases import Case, check


def vs(name: str, ns: str, hosts: str, dest: str, *, port: int | None = None, match_port: int | None = None,
       extra: str = "") -> str:
    """sidecar_simulation_test.go `vsArgs.Config` ("virtualservice" variant). Input order stands in
    for creationTimestamp (older first)."""
    dport = f", port: {{number: {port}}}" if port else ""
    match = f"\n      match: [{{port: {match_port}}}]" if match_port else ""
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: {ns}}}
spec:
  hosts: {hosts}{extra}
  http:
    - route: [{{destination: {{host: {dest}{dport}}}}}]{match}
"""


def sidecar(ns: str, hosts: str) -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {{name: {ns}, namespace: {ns}}}
spec:
  egress: [{{hosts: {hosts}}}]
"""


OK = {"status": {"200": 10}}
KNOWN = "known.default.svc.cluster.local"
ALT = "alt-known.default.svc.cluster.local"
FROM_DEFAULT = "{from: default/sleep, to: 'known.default.svc.cluster.local:%d', requests: 10}"
FROM_OTHER = "{from: not-default/sleep, to: 'known.default.svc.cluster.local:%d', requests: 10}"

SIDECAR_ROUTES = [
    Case("TestSidecarRoutes/simple port 80", vs("a", "default", f"[{KNOWN}]", ALT),
         FROM_DEFAULT % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/simple port 8080", vs("a", "default", f"[{KNOWN}]", ALT),
         FROM_DEFAULT % 8080, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/unknown port 80 (VS host outside the registry -> cluster not found)",
         vs("a", "default", "[httpbin.org]", "httpbin.org"),
         "{from: default/sleep, to: 'httpbin.org:80', requests: 10}",
         {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("TestSidecarRoutes/producer rule port 80", vs("a", "default", f"[{KNOWN}]", ALT),
         FROM_OTHER % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/producer rule port 8080", vs("a", "default", f"[{KNOWN}]", ALT),
         FROM_OTHER % 8080, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/consumer rule port 80", vs("a", "not-default", f"[{KNOWN}]", ALT),
         FROM_OTHER % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/arbitrary rule port 8080", vs("a", "legacy", f"[{KNOWN}]", ALT),
         FROM_OTHER % 8080, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/multiple rules 80 (oldest wins)",
         vs("a", "legacy", f"[{KNOWN}]", "not-default.not-default.svc.cluster.local")
         + vs("b", "default", f"[{KNOWN}]", ALT) + vs("c", "not-default", f"[{KNOWN}]", KNOWN),
         FROM_OTHER % 80, OK | {"to": {"not-default": 1.0}}),
    Case("TestSidecarRoutes/wildcard first then explicit (explicit host wins)",
         vs("a", "default", "['*.cluster.local']", "not-default.not-default.svc.cluster.local")
         + vs("b", "default", f"[{KNOWN}]", ALT),
         FROM_DEFAULT % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/wildcard first then explicit (other host takes the wildcard)",
         vs("a", "default", "['*.cluster.local']", "not-default.not-default.svc.cluster.local")
         + vs("b", "default", f"[{KNOWN}]", ALT),
         "{from: default/sleep, to: 'alt-known:80', requests: 10}", OK | {"to": {"not-default": 1.0}}),
    Case("TestSidecarRoutes/explicit first then wildcard",
         vs("b", "default", f"[{KNOWN}]", ALT)
         + vs("a", "default", "['*.cluster.local']", "not-default.not-default.svc.cluster.local"),
         FROM_DEFAULT % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/wildcard and explicit with sidecar (VS attaches to an imported host)",
         vs("a", "default", "['*.cluster.local']", "not-default.not-default.svc.cluster.local")
         + vs("b", "default", f"[{KNOWN}]", ALT)
         + sidecar("default", f"['default/{KNOWN}', 'default/{ALT}', 'not-default/*']"),
         "{from: default/sleep, to: 'alt-known:80', requests: 10}", OK | {"to": {"not-default": 1.0}}),
    Case("TestSidecarRoutes/explicit first then wildcard with sidecar cross namespace (wildcard VS not imported)",
         vs("a", "not-default", "['*.cluster.local']", KNOWN)
         + vs("b", "default", f"[{KNOWN}]", ALT)
         + sidecar("default", f"['default/{KNOWN}', 'default/{ALT}']"),
         "{from: default/sleep, to: 'alt-known:80', requests: 10}", OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/wildcard and explicit cross namespace",
         vs("a", "not-default", "['*.cluster.local']", KNOWN)
         + vs("b", "default", f"[{KNOWN}]", ALT),
         "{from: default/sleep, to: 'alt-known:80', requests: 10}", OK | {"to": {"known": 1.0}}),
    Case("TestSidecarRoutes/wildcard random (no VS matches: default route)",
         vs("a", "default", "['*.unknown.example.com']", ALT),
         FROM_DEFAULT % 80, OK | {"to": {"known": 1.0}}),
    Case("TestSidecarRoutes/wildcard match with explicit sidecar",
         vs("a", "default", "['*.cluster.local']", ALT) + sidecar("default", f"['*/{KNOWN}', '*/{ALT}']"),
         FROM_DEFAULT % 80, OK | {"to": {"alt-known": 1.0}}),
    Case("TestSidecarRoutes/sidecar filter (not imported: passthrough, no VS)",
         vs("b", "default", f"[{KNOWN}]", ALT) + sidecar("not-default", "['not-default/*']"),
         FROM_OTHER % 80, OK | {"to": {"known": 1.0}, "tls": {"plaintext": 10}}),
    # route.go buildSidecarVirtualHostsForVirtualService: a VS with no routes on this listener port
    # (`len(routes) == 0`) builds no virtual host, so the service keeps its default route.
    Case("route.go buildSidecarVirtualHostsForVirtualService: match port 8080 only, port 80 keeps the default route",
         vs("a", "default", f"[{KNOWN}]", ALT, match_port=8080),
         FROM_DEFAULT % 80, OK | {"to": {"known": 1.0}}),
    Case("TestSidecarRoutes/match port 8080 only: port 8080 routes",
         vs("a", "default", f"[{KNOWN}]", ALT, match_port=8080),
         FROM_DEFAULT % 8080, OK | {"to": {"alt-known": 1.0}}),
    Case("route.go GetDestinationCluster: destination port unset on a 2-port service = request port",
         vs("a", "default", f"[{KNOWN}]", ALT), FROM_DEFAULT % 8080, OK | {"tls": {"mtls": 10}}),
    Case("route.go GetDestinationCluster: explicit destination port missing on the service -> NC",
         vs("a", "default", f"[{KNOWN}]", ALT, port=9999), FROM_DEFAULT % 80,
         {"status": {"503": 10}, "flags": {"NC": 10}}),
]


@pytest.mark.parametrize("case", SIDECAR_ROUTES, ids=str)
def test_sidecar_routes(case):
    check(case)


# Traffic.backends semantics (engine/resources/meshdrill.py `Traffic` docstring): an entry without
# `namespace` selects pods in every namespace; the first entry selecting an endpoint wins.
BACKENDS = [
    Case("Traffic.backends: no namespace selects the pods of every namespace",
         "", "{from: not-default/sleep, to: 'not-default:80', requests: 10}", {"status": {"500": 10}},
         backends="[{selector: {app: not-default}, errorRate: 1.0, errorStatus: 500}]"),
    Case("Traffic.backends: a namespace limits the entry to that namespace",
         "", "{from: not-default/sleep, to: 'not-default:80', requests: 10}", {"status": {"200": 10}},
         backends="[{namespace: default, selector: {app: not-default}, errorRate: 1.0, errorStatus: 500}]"),
    Case("Traffic.backends: the first selecting entry wins (specific before broad)",
         "", "{from: default/productpage, to: 'reviews:9080', requests: 3000}",
         {"status": {"200": 3000}},
         backends="[{selector: {app: reviews}}, {selector: {version: v2}, errorRate: 1.0}]"),
    Case("Traffic.backends: the first selecting entry wins (a broad entry first hides later ones)",
         "", "{from: default/productpage, to: 'reviews:9080', requests: 10}",
         {"status": {"503": 10}},
         backends="[{selector: {app: reviews}, errorRate: 1.0}, {selector: {version: v2}, latency: 5ms}]"),
    Case("Traffic.backends: path entries see the rewritten path",
         """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: known, namespace: default}
spec:
  hosts: [known]
  http: [{rewrite: {uri: /v2/}, match: [{uri: {prefix: /v1/}}], route: [{destination: {host: known}}]}]
""", "{from: default/sleep, to: 'known:80', path: /v1/x, requests: 10}", {"status": {"501": 10}},
         backends="[{selector: {app: known}, path: /v1/, errorRate: 1.0, errorStatus: 500},"
                  " {selector: {app: known}, path: /v2/, errorRate: 1.0, errorStatus: 501}]"),
]


@pytest.mark.parametrize("case", BACKENDS, ids=str)
def test_traffic_backends(case):
    check(case)


# routing.go hostCases: every form of the Host header (FQDN, <svc>.<ns>.svc, short name; with the
# service port, with a random port) selects the service's virtual host: 200 over mTLS, not the
# passthrough cluster.
HOSTS = ["httpbin.default.svc.cluster.local", "httpbin.default.svc.cluster.local:8000",
         "httpbin.default.svc.cluster.local:12345", "httpbin.default.svc", "httpbin.default.svc:8000",
         "httpbin.default.svc:12345", "httpbin", "httpbin:8000", "httpbin:12345"]


@pytest.mark.parametrize("host", HOSTS)
def test_host_cases(host):
    check(Case(f"integ/hostCases {host}", "", f"{{from: default/sleep, to: 'httpbin:8000', requests: 5, "
               f"headers: {{host: '{host}'}}}}", {"status": {"200": 5}, "tls": {"mtls": 5}}))
