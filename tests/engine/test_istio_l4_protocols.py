"""TCP routes, TLS routes by SNI and protocol selection, as rows of tests/engine/istio_cases.py.

Row names cite their source:
- `task/tcp-traffic-shifting`: istio.io content/en/docs/tasks/traffic-management/tcp-traffic-shifting
- `tcp.go`: istio:pilot/pkg/networking/core/tcp.go (`buildSidecarOutboundTCPTCPFilterChainOpts`,
  `buildSidecarOutboundTLSFilterChainOpts`: tls routes by SNI first, tcp routes next, and a default
  route to the service's own cluster when no rule matches the listener port)
- `protocol-selection`: istio.io content/en/docs/ops/configuration/traffic-management/protocol-selection
  (name prefix `<protocol>[-<suffix>]`, `appProtocol` wins, anything else is sniffed)
- `TestPassthroughTraffic`: istio:pilot/pkg/networking/core/sidecar_simulation_test.go (TLS on an http port)
- `conversion.go`: istio:pkg/config/kube/conversion.go `ConvertProtocol` (appProtocol replaces the
  name; k8s `kubernetes.io/h2c|ws|wss`; `protocol.Parse` of the whole value, else of the part before
  the first '-'; Unsupported is sniffed)
- `virtual_service.proto`: istio/api networking/v1alpha3/virtual_service.proto (L4MatchAttributes,
  TLSMatchAttributes: "sniHosts ... Required")
"""

import pytest

from tests.engine.istio_cases import check
from tests.engine.istio_l4_cases import ECHO_DR, PROTO_DR, TOPOLOGY, Case, case, conns, vs

ALL_V1 = vs("tcp-echo", """  tcp:
    - match: [{port: 9000}]
      route: [{destination: {host: tcp-echo, port: {number: 9000}, subset: v1}}]""")
WEIGHTED_20_V2 = vs("tcp-echo", """  tcp:
    - match: [{port: 9000}]
      route:
        - {destination: {host: tcp-echo, port: {number: 9000}, subset: v1}, weight: 80}
        - {destination: {host: tcp-echo, port: {number: 9000}, subset: v2}, weight: 20}""")
V2_HTTP_ONLY = """  http:
    - route: [{destination: {host: %s, subset: v2}}]"""

TCP = [
    case("task/tcp-traffic-shifting: tcp-echo-all-v1 sends every connection to v1", ECHO_DR + ALL_V1,
         conns("tcp-echo:9000"), {"status": {"200": 10}, "to": {"tcp-echo/v1": 1.0}}),
    case("task/tcp-traffic-shifting: tcp-echo-20-v2 weighs connections 80/20", ECHO_DR + WEIGHTED_20_V2,
         conns("tcp-echo:9000", 400), {"status": {"200": 400}, "to": {"tcp-echo/v1": 0.8, "tcp-echo/v2": 0.2}},
         tolerance=0.06),
    case("tcp.go: a tcp rule matching port 9000 only leaves port 9001 on the default route", ECHO_DR + ALL_V1,
         conns("tcp-echo:9001"), {"status": {"200": 10}, "to": {"tcp-echo": 1.0}}),
    case("virtual_service.proto L4MatchAttributes.sourceLabels: productpage's connections take the v2 rule",
         ECHO_DR + vs("tcp-echo", """  tcp:
    - match: [{sourceLabels: {app: productpage}}]
      route: [{destination: {host: tcp-echo, subset: v2}}]
    - route: [{destination: {host: tcp-echo, subset: v1}}]"""),
         conns("tcp-echo:9000", src="default/productpage"), {"status": {"200": 10}, "to": {"tcp-echo/v2": 1.0}}),
    case("virtual_service.proto L4MatchAttributes.sourceLabels: other clients fall to the next tcp rule",
         ECHO_DR + vs("tcp-echo", """  tcp:
    - match: [{sourceLabels: {app: productpage}}]
      route: [{destination: {host: tcp-echo, subset: v2}}]
    - route: [{destination: {host: tcp-echo, subset: v1}}]"""),
         conns("tcp-echo:9000"), {"status": {"200": 10}, "to": {"tcp-echo/v1": 1.0}}),
    case("virtual_service.proto L4MatchAttributes.sourceNamespace: only not-default's connections match",
         ECHO_DR + vs("tcp-echo.default.svc.cluster.local", """  tcp:
    - match: [{sourceNamespace: not-default}]
      route: [{destination: {host: tcp-echo.default.svc.cluster.local, subset: v2}}]""")
         .replace("namespace: default}\nspec:\n  hosts: [tcp-echo", "namespace: default}\nspec:\n  hosts: [tcp-echo"),
         conns("tcp-echo.default:9000", src="not-default/sleep"), {"status": {"200": 10}, "to": {"tcp-echo/v2": 1.0}}),
    case("virtual_service.proto weight: a tcp route's lone destination with weight 0 still gets every connection",
         ECHO_DR + vs("tcp-echo", """  tcp:
    - route: [{destination: {host: tcp-echo, subset: v2}, weight: 0}]"""),
         conns("tcp-echo:9000"), {"status": {"200": 10}, "to": {"tcp-echo/v2": 1.0}}),
    case("virtual_service.proto weight: a 0-weight tcp destination gets no connection",
         ECHO_DR + vs("tcp-echo", """  tcp:
    - route:
        - {destination: {host: tcp-echo, subset: v1}, weight: 100}
        - {destination: {host: tcp-echo, subset: v2}, weight: 0}"""),
         conns("tcp-echo:9000", 50), {"status": {"200": 50}, "to": {"tcp-echo/v1": 1.0}}),
    case("protocol-selection: http routes do not apply on a tcp-named port (default route)",
         ECHO_DR + vs("tcp-echo", V2_HTTP_ONLY % "tcp-echo"),
         conns("tcp-echo:9000"), {"status": {"200": 10}, "to": {"tcp-echo": 1.0}}),
    case("protocol-selection: tcp routes do not apply on an http-named port (default route)",
         PROTO_DR + vs("proto", """  tcp:
    - route: [{destination: {host: proto, subset: v2}}]"""),
         conns("http://proto/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol-selection: a sniffed port that detects HTTP uses the HTTP chain: tcp routes ignored",
         PROTO_DR + vs("proto", """  tcp:
    - route: [{destination: {host: proto, subset: v2}}]"""),
         conns("http://proto:9999/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("tcp.go: an HTTP request on a tcp-named port is carried as bytes: tcp routes apply",
         PROTO_DR + vs("proto", """  tcp:
    - route: [{destination: {host: proto, subset: v2}}]"""),
         conns("http://proto:3306/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("Envoy conn_pool_base: TCP connections over maxConnections wait as pending (default limit), none overflow",
         """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tcp-echo, namespace: default}
spec:
  host: tcp-echo
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}
""", "{from: default/sleep, to: 'tcp-echo:9000', requests: 30, concurrency: 3, rate: max}",
         {"status": {"200": 30}, "flags": {}}, backends="[{selector: {app: tcp-echo}, latency: 10ms}]"),
    case("tcp.go: a tcp route to a subset no DestinationRule defines -> the tcp_proxy closes the connection (NC)",
         vs("tcp-echo", """  tcp:
    - route: [{destination: {host: tcp-echo, subset: v9}}]"""),
         conns("tcp-echo:9000"), {"status": {"reset": 10}, "flags": {"NC": 10}}),
]

PROTO = "proto.default.svc.cluster.local"
# validation.go validateSniHost: every sniHost must be a subset of a VS host, so TLS VSs name the FQDN.
TLS_BY_SNI = vs(PROTO, """  tls:
    - match: [{port: 8443, sniHosts: [proto.default.svc.cluster.local]}]
      route: [{destination: {host: proto, port: {number: 8443}, subset: v2}}]""")

TLS = [
    case("virtual_service.proto TLSRoute: sniHosts matching the SNI the app sends route the connection",
         PROTO_DR + TLS_BY_SNI, conns("https://proto.default.svc.cluster.local:8443/"),
         {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("tcp.go buildSidecarOutboundTLSFilterChainOpts: another SNI takes the default route",
         PROTO_DR + TLS_BY_SNI.replace("sniHosts: [proto.default.svc.cluster.local]", "sniHosts: [other.example.com]").replace(
             f"hosts: [{PROTO}]", f"hosts: [{PROTO}, other.example.com]"),
         conns("https://proto.default.svc.cluster.local:8443/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("virtual_service.proto TLSMatchAttributes: a wildcard sniHost matches",
         PROTO_DR + TLS_BY_SNI.replace("sniHosts: [proto.default.svc.cluster.local]", "sniHosts: ['*.svc.cluster.local']").replace(
             f"hosts: [{PROTO}]", "hosts: ['*.svc.cluster.local']"),
         conns("https://proto.default.svc.cluster.local:8443/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("virtual_service.proto TLSMatchAttributes.port: a tls rule for another port does not apply",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, sniHosts", "port: 443, sniHosts"),
         conns("https://proto.default.svc.cluster.local:8443/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol-selection: an https-named port carries the app's TLS: tls routes by SNI",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, ", "").replace("number: 8443", "number: 443"),
         conns("https://proto.default.svc.cluster.local/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("protocol-selection: http routes do not apply to the app's TLS on an https port",
         PROTO_DR + vs("proto", V2_HTTP_ONLY % "proto"),
         conns("https://proto.default.svc.cluster.local/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol-selection: a sniffed (unnamed) port detects TLS: tls routes by SNI",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, ", "").replace("number: 8443", "number: 9999"),
         conns(f"https://{PROTO}:9999/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("TestPassthroughTraffic: the app's TLS on an http port takes the passthrough chain (no VS, no mTLS)",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, ", "").replace("number: 8443", "number: 80"),
         conns(f"https://{PROTO}:80/"), {"status": {"200": 10}, "to": {"proto": 1.0}, "tls": {"mtls": 0}}),
    Case("TestPassthroughTraffic/REGISTRY_ONLY: the app's TLS on a known service's http port -> BlackHoleCluster",
         PROTO_DR, conns(f"https://{PROTO}:80/"), {"status": {"reset": 10}},
         topology=TOPOLOGY.replace("spec:\n  namespaces:", "spec:\n  meshConfig: {outboundTrafficPolicy: {mode: "
                                   "REGISTRY_ONLY}}\n  namespaces:", 1)),
    case("virtual_service.proto TLSMatchAttributes.sourceLabels: productpage's TLS takes the rule",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, ", "sourceLabels: {app: productpage}, "),
         conns(f"https://{PROTO}:8443/", src="default/productpage"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("virtual_service.proto TLSMatchAttributes.sourceLabels: sleep's TLS keeps the default route",
         PROTO_DR + TLS_BY_SNI.replace("port: 8443, ", "sourceLabels: {app: productpage}, "),
         conns(f"https://{PROTO}:8443/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("tcp.go: a tls rule and a tcp rule on one VS: TLS traffic takes the tls rule",
         PROTO_DR + vs(PROTO, """  tls:
    - match: [{sniHosts: [proto.default.svc.cluster.local]}]
      route: [{destination: {host: proto, subset: v2}}]
  tcp:
    - route: [{destination: {host: proto, subset: v1}}]"""),
         conns("https://proto.default.svc.cluster.local:8443/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("task/egress-control (TLS passthrough): a tls route on www.google.com's ServiceEntry routes by SNI",
         """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google, namespace: default}
spec:
  hosts: [www.google.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
""" + vs("www.google.com", """  tls:
    - match: [{port: 443, sniHosts: [www.google.com]}]
      route: [{destination: {host: www.google.com, port: {number: 443}}, weight: 100}]"""),
         conns("https://www.google.com/"), {"status": {"200": 10}, "to": {"www.google.com": 1.0},
                                             "tls": {"tls": 10}}),
]

V2_ROUTES = PROTO_DR + vs("proto", V2_HTTP_ONLY % "proto")

PROTOCOLS = [
    case("protocol-selection: http-web (name prefix http) gets http routes", V2_ROUTES,
         conns("http://proto/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("protocol-selection: grpc gets http routes", V2_ROUTES,
         conns("http://proto:7070/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("protocol-selection: appProtocol http on a port named foo gets http routes", V2_ROUTES,
         conns("http://proto:8081/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("protocol-selection: appProtocol tcp wins over nothing in the name: http routes ignored", V2_ROUTES,
         conns("http://proto:8082/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol-selection: an unnamed port is sniffed, HTTP is detected: http routes apply", V2_ROUTES,
         conns("http://proto:9999/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("conversion.go ConvertProtocol: an unknown appProtocol replaces the name and is sniffed: HTTP detected",
         V2_ROUTES, conns("http://proto:8083/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("conversion.go ConvertProtocol: appProtocol kubernetes.io/h2c is HTTP2 (wins over a tcp name)",
         V2_ROUTES, conns("http://proto:8084/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("conversion.go ConvertProtocol: tcp_c has no '-' prefix: sniffed, HTTP detected", V2_ROUTES,
         conns("http://proto:8085/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("conversion.go ConvertProtocol: an unnamed well-known port (27017) is TCP, not sniffed: http routes "
         "ignored", V2_ROUTES, conns("http://proto:27017/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol.Parse is case-insensitive: HTTP-d is http", V2_ROUTES,
         conns("http://proto:8086/"), {"status": {"200": 10}, "to": {"proto/v2": 1.0}}),
    case("protocol-selection: tcp-db (name prefix tcp): http routes ignored", V2_ROUTES,
         conns("http://proto:3306/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
    case("protocol-selection: tls-x (name prefix tls): http routes ignored for TLS", V2_ROUTES,
         conns("https://proto.default.svc.cluster.local:8443/"), {"status": {"200": 10}, "to": {"proto": 1.0}}),
]


@pytest.mark.parametrize("case", TCP + TLS + PROTOCOLS, ids=str)
def test_l4_and_protocol_scenarios(case):
    check(case)
