"""Security scenarios from istio.io tasks and Istio's tests, as rows of tests/engine/istio_cases.py:
- `task/mtls-migration`, `task/authn-policy`: content/en/docs/tasks/security/authentication/...
- `task/authz-*`: content/en/docs/tasks/security/authorization/... (http-traffic, tcp-traffic,
  deny-action, allow-nothing)
- `TestInbound/...`: istio:pilot/pkg/networking/core/sidecar_simulation_test.go (plaintext or mTLS
  against DISABLE / PERMISSIVE / STRICT inbound chains)
- `cluster_tls.go`: istio:pilot/pkg/networking/core/cluster_tls.go buildUpstreamTLSSettings (auto mTLS)
"""

import pytest

from tests.engine.istio_cases import Case, check

# The mtls-migration / authn-policy tasks: httpbin and sleep in foo and bar (sidecars), legacy
# without sidecars.
TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
    - {name: foo, injection: true}
    - {name: bar, injection: true}
    - {name: legacy, injection: false}
    - {name: istio-system, injection: false}
  services:
    - {name: httpbin, namespace: foo, ports: [{name: http, port: 8000, targetPort: 80}, {name: tcp, port: 9000}],
       workloads: [{labels: {app: httpbin}, serviceAccount: httpbin}]}
    - {name: httpbin, namespace: bar, ports: [{name: http, port: 8000, targetPort: 80}],
       workloads: [{labels: {app: httpbin}, serviceAccount: httpbin}]}
    - {name: httpbin, namespace: legacy, ports: [{name: http, port: 8000, targetPort: 80}],
       workloads: [{labels: {app: httpbin}, serviceAccount: httpbin}]}
  clients:
    - {name: sleep, namespace: foo, labels: {app: sleep}, serviceAccount: sleep}
    - {name: sleep, namespace: bar, labels: {app: sleep}, serviceAccount: sleep}
    - {name: sleep, namespace: legacy, labels: {app: sleep}, serviceAccount: sleep}
"""


def pa(ns: str, mode: str, name: str = "default", selector: str = "", port_level: str = "") -> str:
    sel = f"\n  selector: {{matchLabels: {selector}}}" if selector else ""
    plm = f"\n  portLevelMtls: {port_level}" if port_level else ""
    return f"""
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {{name: {name}, namespace: {ns}}}
spec:{sel}
  mtls: {{mode: {mode}}}{plm}
"""


def dr(ns: str, host: str, mode: str) -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {host.split('.')[0]}-tls, namespace: {ns}}}
spec:
  host: {host}
  trafficPolicy: {{tls: {{mode: {mode}}}}}
"""


def authz(ns: str, spec: str, name: str = "policy") -> str:
    return f"""
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: {name}, namespace: {ns}}}
spec:
{spec}
"""


def call(src: str, dst: str, extra: str = "", port: int = 8000) -> str:
    return f"{{from: {src}/sleep, to: 'httpbin.{dst}:{port}', requests: 10{extra}}}"


def case(name: str, config: str, stream: str, expect: dict, **kw) -> Case:
    return Case(name, config, stream, expect, topology=TOPOLOGY, **kw)


OK_MTLS = {"status": {"200": 10}, "tls": {"mtls": 10}}
OK_PLAIN = {"status": {"200": 10}, "tls": {"plaintext": 10}}
RESET = {"status": {"reset": 10}}
DENIED = {"status": {"403": 10}}

MTLS = [
    case("task/mtls-migration: default PERMISSIVE, sidecar -> sidecar is mTLS (auto mTLS)", "",
         call("foo", "bar"), OK_MTLS),
    case("task/mtls-migration: default PERMISSIVE, legacy -> sidecar is plaintext 200", "",
         call("legacy", "foo"), OK_PLAIN),
    case("task/mtls-migration: sidecar -> legacy (no sidecar) is plaintext 200 (auto mTLS)", "",
         call("foo", "legacy"), OK_PLAIN),
    case("task/mtls-migration: namespace foo STRICT, legacy -> foo is reset (curl 56, 000)",
         pa("foo", "STRICT"), call("legacy", "foo"), RESET),
    case("task/mtls-migration: namespace foo STRICT, bar -> foo still mTLS 200",
         pa("foo", "STRICT"), call("bar", "foo"), OK_MTLS),
    case("task/mtls-migration: namespace foo STRICT, legacy -> bar unaffected",
         pa("foo", "STRICT"), call("legacy", "bar"), OK_PLAIN),
    case("task/mtls-migration: mesh-wide STRICT (istio-system), legacy -> bar is reset",
         pa("istio-system", "STRICT"), call("legacy", "bar"), RESET),
    case("task/mtls-migration: mesh-wide STRICT, foo -> legacy still plaintext 200 (client side unchanged)",
         pa("istio-system", "STRICT"), call("foo", "legacy"), OK_PLAIN),
    case("task/authn-policy: workload STRICT on foo/httpbin, legacy -> foo/httpbin reset",
         pa("foo", "STRICT", name="httpbin", selector="{app: httpbin}"), call("legacy", "foo"), RESET),
    case("task/authn-policy: mesh STRICT, namespace foo PERMISSIVE: legacy -> foo is plaintext 200",
         pa("istio-system", "STRICT") + pa("foo", "PERMISSIVE"), call("legacy", "foo"), OK_PLAIN),
    case("task/authn-policy: STRICT with port-level DISABLE on 80 (target port): legacy -> foo 200",
         pa("foo", "STRICT", name="httpbin", selector="{app: httpbin}", port_level="{80: {mode: DISABLE}}"),
         call("legacy", "foo"), OK_PLAIN),
    case("task/authn-policy: portLevelMtls keys are target ports: 8000 (service port) does not apply",
         pa("foo", "STRICT", name="httpbin", selector="{app: httpbin}", port_level="{8000: {mode: DISABLE}}"),
         call("legacy", "foo"), RESET),
    case("peer_authentication.proto: a selector PA in the root namespace is ignored",
         pa("istio-system", "STRICT", name="httpbin", selector="{app: httpbin}"), call("legacy", "foo"), OK_PLAIN),
    case("cluster_tls.go: namespace PA DISABLE on the server makes auto mTLS plaintext",
         pa("foo", "DISABLE"), call("bar", "foo"), OK_PLAIN),
    case("cluster_tls.go: ns DISABLE + workload STRICT: auto mTLS sends plaintext, STRICT refuses it",
         pa("foo", "DISABLE") + pa("foo", "STRICT", name="httpbin", selector="{app: httpbin}"),
         call("bar", "foo"), {"status": {"503": 10}, "tls": {"rejected": 10}}),
    case("task/authn-policy: DR ISTIO_MUTUAL to a service without sidecar -> 503",
         dr("foo", "httpbin.legacy.svc.cluster.local", "ISTIO_MUTUAL"), call("foo", "legacy"),
         {"status": {"503": 10}, "flags": {"UF": 10, "URX": 10}}),
    case("network-issues: DR tls DISABLE to a STRICT server -> 503",
         pa("foo", "STRICT") + dr("bar", "httpbin.foo.svc.cluster.local", "DISABLE"), call("bar", "foo"),
         {"status": {"503": 10}, "tls": {"rejected": 10}}),
    case("network-issues: DR with trafficPolicy but no tls keeps auto mTLS (STRICT server 200)",
         pa("foo", "STRICT") + """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin, namespace: bar}
spec:
  host: httpbin.foo.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
""", call("bar", "foo"), OK_MTLS),
    case("cluster_tls.go: DR ISTIO_MUTUAL to a PERMISSIVE sidecar server is mTLS",
         dr("bar", "httpbin.foo.svc.cluster.local", "ISTIO_MUTUAL"), call("bar", "foo"), OK_MTLS),
    case("TestInbound/tcp, Strict: plaintext TCP from legacy finds no filter chain",
         pa("foo", "STRICT"), call("legacy", "foo", port=9000), RESET),
    case("TestInbound/tcp, Permissive: plaintext TCP from legacy is accepted",
         pa("foo", "PERMISSIVE"), call("legacy", "foo", port=9000), {"tls": {"plaintext": 10, "rejected": 0}}),
    case("TestInbound/tcp, Strict + DR DISABLE: the client's tcp_proxy closes the connection (no HTTP 503)",
         pa("foo", "STRICT") + dr("bar", "httpbin.foo.svc.cluster.local", "DISABLE"), call("bar", "foo", port=9000),
         {"status": {"reset": 10}, "flags": {"UC": 10}, "tls": {"rejected": 10}}),
    case("tcp_proxy: a TCP route to a subset no DR defines closes the connection (NC, no HTTP 503)", """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-tcp, namespace: foo}
spec:
  hosts: [httpbin]
  tcp: [{route: [{destination: {host: httpbin, subset: nope}}]}]
""", call("foo", "foo", port=9000), {"status": {"reset": 10}, "flags": {"NC": 10}}),
    case("tcp_proxy: the app's own HTTP reply passes through a TCP port unchanged", "",
         call("foo", "foo", port=9000), {"status": {"503": 10}, "flags": {}},
         backends="[{selector: {app: httpbin}, errorRate: 1.0}]"),
    case("TestInbound/mtls tcp to tcp, Strict: sidecar TCP is mTLS",
         pa("foo", "STRICT"), call("bar", "foo", port=9000), {"tls": {"mtls": 10, "rejected": 0}}),
]

AUTHZ = [
    case("task/authz-http: allow-nothing (spec: {}) denies everything with 403",
         authz("foo", "  {}", "allow-nothing"), call("bar", "foo"), DENIED),
    case("task/authz-http: deny-all ALLOW policy does not affect other namespaces",
         authz("foo", "  {}", "allow-nothing"), call("foo", "bar"), OK_MTLS),
    case("task/authz-http: ALLOW GET from principal bar/sleep",
         authz("foo", """  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules:
    - from: [{source: {principals: [cluster.local/ns/bar/sa/sleep]}}]
      to: [{operation: {methods: [GET]}}]"""), call("bar", "foo"), OK_MTLS),
    case("task/authz-http: ALLOW from bar/sleep, a POST is denied",
         authz("foo", """  action: ALLOW
  rules:
    - from: [{source: {principals: [cluster.local/ns/bar/sa/sleep]}}]
      to: [{operation: {methods: [GET]}}]"""), call("bar", "foo", ", method: POST"), DENIED),
    case("task/authz-http: ALLOW from bar/sleep, foo/sleep is denied",
         authz("foo", """  action: ALLOW
  rules: [{from: [{source: {principals: [cluster.local/ns/bar/sa/sleep]}}]}]"""), call("foo", "foo"), DENIED),
    case("authorization_policy.proto: plaintext has no identity, namespaces rule denies it",
         authz("foo", """  action: ALLOW
  rules: [{from: [{source: {namespaces: [legacy]}}]}]"""), call("legacy", "foo"), DENIED),
    case("authorization_policy.proto: rules: [{}] allows everything",
         authz("foo", "  rules: [{}]"), call("legacy", "foo"), OK_PLAIN),
    case("task/authz-deny: DENY with a header value denies a matching request",
         authz("foo", """  action: DENY
  rules: [{when: [{key: "request.headers[x-token]", values: [admin]}]}]"""),
         call("bar", "foo", ", headers: {x-token: admin}"), DENIED),
    case("task/authz-deny: DENY with a header value lets others through",
         authz("foo", """  action: DENY
  rules: [{when: [{key: "request.headers[x-token]", values: [admin]}]}]"""),
         call("bar", "foo", ", headers: {x-token: guest}"), OK_MTLS),
    case("task/authz-deny: DENY beats ALLOW",
         authz("foo", "  rules: [{}]", "allow-all")
         + authz("foo", """  action: DENY
  rules: [{to: [{operation: {paths: [/admin*]}}]}]""", "deny-admin"),
         call("bar", "foo", ", path: /admin/x"), DENIED),
    case("task/authz-http: paths prefix match (/headers*) allows /headers/x",
         authz("foo", """  rules: [{to: [{operation: {paths: ['/headers*']}}]}]"""),
         call("bar", "foo", ", path: /headers/x"), OK_MTLS),
    case("task/authz-http: notPaths excludes /ip",
         authz("foo", """  rules: [{to: [{operation: {notPaths: [/ip]}}]}]"""),
         call("bar", "foo", ", path: /ip"), DENIED),
    case("authorization_policy.proto: root-namespace policy with a selector applies in every namespace",
         authz("istio-system", """  selector: {matchLabels: {app: httpbin}}
  action: DENY
  rules: [{}]"""), call("foo", "bar"), DENIED),
    case("task/authz-tcp: ALLOW on ports 9000 only; an HTTP port request is denied",
         authz("foo", """  rules: [{to: [{operation: {ports: ['9000']}}]}]"""), call("bar", "foo"), DENIED),
    case("task/authz-tcp: DENY with an HTTP-only field on TCP traffic denies (the rule matches)",
         authz("foo", """  action: DENY
  rules: [{to: [{operation: {methods: [GET]}}]}]"""), call("bar", "foo", port=9000),
         {"tls": {"mtls": 10}, "status": {"reset": 10}}),
    case("task/authz-tcp: ALLOW with an HTTP-only field on TCP traffic never matches (deny)",
         authz("foo", """  rules: [{to: [{operation: {methods: [GET], ports: ['9000']}}]}]"""),
         call("bar", "foo", port=9000), {"status": {"reset": 10}}),
]


# The same operations against the BASE topology (httpbin in default, port 8000 -> target 80).
def base_authz(spec: str, ns: str = "default") -> str:
    return authz(ns, spec)


BASE_CALL = "{from: default/sleep, to: 'httpbin:8000', requests: 10%s}"
GATEWAY_TO_HTTPBIN = """
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [httpbin.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ingress, namespace: default}
spec:
  hosts: [httpbin.example.com]
  gateways: [gateway]
  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]
"""
INGRESS = "{from: external, via: istio-system/istio-ingressgateway, to: 'http://httpbin.example.com/', requests: 10}"
BASE_OK = {"status": {"200": 10}}

AUTHZ_OPERATIONS = [
    # matcher/header.go HostMatcher: an exact, case-insensitive match on the whole Host header.
    Case("authz hosts (HostMatcher): 'httpbin' does not match Host 'httpbin:8000' (exact match)",
         base_authz("  rules: [{to: [{operation: {hosts: [httpbin]}}]}]"), BASE_CALL % "", {"status": {"403": 10}}),
    Case("authz hosts (HostMatcher): 'httpbin:*' matches any port", base_authz(
        '  rules: [{to: [{operation: {hosts: [httpbin, "httpbin:*"]}}]}]'), BASE_CALL % "", BASE_OK),
    Case("authz hosts (HostMatcher): host:port matches the authority exactly", base_authz(
        '  rules: [{to: [{operation: {hosts: ["httpbin:8000"]}}]}]'), BASE_CALL % "", BASE_OK),
    Case("authz hosts (HostMatcher): case-insensitive", base_authz(
        '  rules: [{to: [{operation: {hosts: ["HTTPBIN:8000"]}}]}]'), BASE_CALL % "", BASE_OK),
    Case("authz notHosts (HostMatcher): a DENY on 'httpbin' misses 'httpbin:8000'", base_authz(
        "  action: DENY\n  rules: [{to: [{operation: {hosts: [httpbin]}}]}]"), BASE_CALL % "", BASE_OK),
    Case("authz paths: the query string is not part of the path", base_authz(
        '  rules: [{to: [{operation: {paths: ["/get"]}}]}]'), BASE_CALL % ", path: '/get?x=1'", BASE_OK),
    Case("authz methods: case-sensitive (get does not match GET)", base_authz(
        '  rules: [{to: [{operation: {methods: ["get"]}}]}]'), BASE_CALL % "", {"status": {"403": 10}}),
    Case("authz when: request.headers names are case-insensitive", base_authz(
        '  rules: [{when: [{key: "request.headers[X-Token]", values: ["a"]}]}]'),
         BASE_CALL % ", headers: {x-token: a}", BASE_OK),
    Case("authz when: destination.port is the workload (target) port", base_authz(
        '  rules: [{when: [{key: destination.port, values: ["80"]}]}]'), BASE_CALL % "", BASE_OK),
    Case("authz when: source.namespace from the peer certificate", base_authz(
        '  rules: [{when: [{key: source.namespace, values: ["default"]}]}]'), BASE_CALL % "", BASE_OK),
    Case("authz serviceAccounts: <ns>/<sa> of the mTLS peer", base_authz(
        "  rules: [{from: [{source: {serviceAccounts: [default/sleep]}}]}]"), BASE_CALL % "", BASE_OK),
    Case("authz serviceAccounts: a bare <sa> is in the policy's namespace (serviceAccountRegex): default/sleep ok",
         base_authz("  rules: [{from: [{source: {serviceAccounts: [sleep]}}]}]"), BASE_CALL % "", BASE_OK),
    Case("authz serviceAccounts: a bare <sa> is in the policy's namespace: not-default/sleep denied",
         base_authz("  rules: [{from: [{source: {serviceAccounts: [sleep]}}]}]"),
         "{from: not-default/sleep, to: 'httpbin.default:8000', requests: 10}", {"status": {"403": 10}}),
    Case("authorization_policy.proto AUDIT never changes the decision", base_authz(
        "  action: AUDIT\n  rules: [{}]"), BASE_CALL % "", BASE_OK),
    Case("task/authz-ingress: the gateway's identity reaches the backend over mTLS (principal ALLOW)",
         GATEWAY_TO_HTTPBIN + base_authz("""  selector: {matchLabels: {app: httpbin}}
  rules: [{from: [{source: {principals: [cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account]}}]}]"""),
         INGRESS, BASE_OK | {"tls": {"mtls": 10}}),
    Case("task/authz-ingress: a DENY on the ingress gateway answers 403 at the edge",
         GATEWAY_TO_HTTPBIN + base_authz("""  selector: {matchLabels: {istio: ingressgateway}}
  action: DENY
  rules: [{to: [{operation: {paths: ["/"]}}]}]""", ns="istio-system"), INGRESS, {"status": {"403": 10}}),
]


@pytest.mark.parametrize("case", AUTHZ_OPERATIONS, ids=str)
def test_authz_operations(case):
    check(case)


@pytest.mark.parametrize("case", MTLS + AUTHZ, ids=str)
def test_security_scenarios(case):
    check(case)
