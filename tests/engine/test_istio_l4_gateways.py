"""Passthrough, egress and ingress L4 scenarios (TLS by SNI, TCP through gateways) as rows of
tests/engine/istio_cases.py. Row names cite their source:
- `TestPassthroughTraffic`: istio:pilot/pkg/networking/core/sidecar_simulation_test.go
- `task/...`: istio.io content/en/docs/tasks/traffic-management/... (egress-gateway, tcp-traffic-shifting,
  ingress-sni-passthrough)
"""

import pytest

from tests.engine.istio_cases import Case, check
from tests.engine.istio_l4_cases import ECHO_DR, TOPOLOGY, conns

# TestPassthroughTraffic's ServiceEntry with all seven ports (80 http .. 86 h2); the http/auto/tcp
# rows live in test_istio_gateway_egress.py. "For blackhole, we will 502 where possible instead of
# blackhole cluster. This only works for HTTP on HTTP" (80, 85, 86); anything else is BlackHoleCluster.
SE_ALL_PORTS = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: default}
spec:
  hosts: [istio.io]
  addresses: [1.2.3.4]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
    - {name: http, number: 80, protocol: HTTP}
    - {name: auto, number: 81}
    - {name: tcp, number: 82, protocol: TCP}
    - {name: tls, number: 83, protocol: TLS}
    - {name: https, number: 84, protocol: HTTPS}
    - {name: grpc, number: 85, protocol: GRPC}
    - {name: h2, number: 86, protocol: HTTP2}
"""
CLOSED = TOPOLOGY.replace("spec:\n  namespaces:", "spec:\n  meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}\n"
                          "  namespaces:", 1)
OPEN_83_86 = TOPOLOGY.replace("{host: httpbin.org, ports: [80]}", "{host: httpbin.org, ports: [80, 83, 86]}")
TLS_83 = TOPOLOGY.replace("{host: httpbin.org, ports: [80]}", "{host: httpbin.org, ports: [83], tls: true}")
PASSTHROUGH = [
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: HTTP on the h2 port 86 -> block_all 502", SE_ALL_PORTS,
         conns("http://httpbin.org:86/"), {"status": {"502": 10}}, topology=CLOSED),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: TLS on the https port 84 -> BlackHoleCluster (reset)",
         SE_ALL_PORTS, conns("https://httpbin.org:84/"), {"status": {"reset": 10}}, topology=CLOSED),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: TLS on the tls port 83 -> BlackHoleCluster (reset)",
         SE_ALL_PORTS, conns("https://httpbin.org:83/"), {"status": {"reset": 10}}, topology=CLOSED),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: HTTP on the https port 84 -> BlackHoleCluster (reset)",
         SE_ALL_PORTS, conns("http://httpbin.org:84/"), {"status": {"reset": 10}}, topology=CLOSED),
    Case("TestPassthroughTraffic/ALLOW_ANY/with VIP: TLS on the tls port 83 -> PassthroughCluster",
         SE_ALL_PORTS, conns("https://httpbin.org:83/"), {"status": {"200": 10}, "tls": {"tls": 10}}, topology=TLS_83),
    Case("TestPassthroughTraffic/ALLOW_ANY/with VIP: HTTP on the h2 port 86 -> PassthroughCluster",
         SE_ALL_PORTS, conns("http://httpbin.org:86/"), {"status": {"200": 10}}, topology=OPEN_83_86),
    Case("tcp_proxy: ALLOW_ANY TLS passthrough to a port nobody listens on closes the app's connection "
         "(UF, no HTTP 503 inside TLS)", SE_ALL_PORTS, conns("https://httpbin.org:83/"),
         {"status": {"reset": 10}, "flags": {"UF": 10}}, topology=TOPOLOGY),
    Case("router: ALLOW_ANY HTTP on an HTTP listener port to a port nobody listens on -> 503 UF (allow_any "
         "route)", SE_ALL_PORTS, conns("http://httpbin.org:86/"), {"status": {"503": 10}, "flags": {"UF": 10}},
         topology=TOPOLOGY),
]


# io:tasks/traffic-management/egress/egress-gateway "Egress gateway for HTTPS traffic": SNI routes
# on both hops, the egress gateway's server in PASSTHROUGH mode, the app's TLS end to end.
EGRESS_TLS = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn, namespace: default}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway, namespace: default}
spec:
  selector: {istio: egressgateway}
  servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [edition.cnn.com], tls: {mode: PASSTHROUGH}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-cnn, namespace: default}
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets: [{name: cnn}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-cnn-through-egress-gateway, namespace: default}
spec:
  hosts: [edition.cnn.com]
  gateways: [mesh, istio-egressgateway]
  tls:
    - match: [{gateways: [mesh], port: 443, sniHosts: [edition.cnn.com]}]
      route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 443}}}]
    - match: [{gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}]
      route: [{destination: {host: edition.cnn.com, port: {number: 443}}, weight: 100}]
"""
# io:tasks/traffic-management/tcp-traffic-shifting through the ingress gateway's port 31400.
INGRESS_31400 = TOPOLOGY.replace("labels: {istio: ingressgateway}, ports: [80, 443]",
                                 "labels: {istio: ingressgateway}, ports: [80, 443, 31400]")
TCP_GATEWAY = """
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tcp-echo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 31400, name: tcp, protocol: TCP}, hosts: ['*']}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo, namespace: default}
spec:
  hosts: ['*']
  gateways: [tcp-echo-gateway]
  tcp:
    - match: [{port: 31400}]
      route:
        - {destination: {host: tcp-echo, port: {number: 9000}, subset: v1}, weight: 80}
        - {destination: {host: tcp-echo, port: {number: 9000}, subset: v2}, weight: 20}
"""
FROM_OUTSIDE = "{from: external, via: istio-system/istio-ingressgateway, to: 'tcp-echo.example.com:%d', requests: 400}"
# io:tasks/traffic-management/ingress/ingress-sni-passthrough: the gateway forwards the client's
# TLS by SNI without terminating it.
SNI_PASSTHROUGH = """
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: mygateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 443, name: https, protocol: HTTPS}, tls: {mode: PASSTHROUGH}, hosts: [nginx.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: nginx, namespace: default}
spec:
  hosts: [nginx.example.com]
  gateways: [mygateway]
  tls:
    - match: [{port: 443, sniHosts: [nginx.example.com]}]
      route: [{destination: {host: my-nginx, port: {number: 443}}}]
"""
FROM_CURL = "{from: external, via: istio-system/istio-ingressgateway, to: '%s', requests: 10}"
EGRESS = [
    Case("task/ingress-sni-passthrough: SNI nginx.example.com reaches my-nginx:443 untouched",
         SNI_PASSTHROUGH, FROM_CURL % "https://nginx.example.com/", {"status": {"200": 10}, "to": {"my-nginx": 1.0}},
         topology=TOPOLOGY),
    Case("gateway PASSTHROUGH server: http routes never apply to the untouched TLS (no tls route: closed)",
         SNI_PASSTHROUGH.replace("""  tls:
    - match: [{port: 443, sniHosts: [nginx.example.com]}]
      route: [{destination: {host: my-nginx, port: {number: 443}}}]""", """  http:
    - route: [{destination: {host: my-nginx, port: {number: 443}}}]"""),
         FROM_CURL % "https://nginx.example.com/", {"status": {"reset": 10}}, topology=TOPOLOGY),
    Case("gateway SIMPLE server: after termination only http routes apply; tls routes leave no vhost (404 NR)",
         SNI_PASSTHROUGH.replace("tls: {mode: PASSTHROUGH}", "tls: {mode: SIMPLE, credentialName: nginx-cred}"),
         FROM_CURL % "https://nginx.example.com/", {"status": {"404": 10}, "flags": {"NR": 10}}, topology=TOPOLOGY),
    Case("task/ingress-sni-passthrough: another SNI matches no server: the gateway closes the connection",
         SNI_PASSTHROUGH, FROM_CURL % "https://other.example.com/", {"status": {"reset": 10}, "flags": {"NR": 10}},
         topology=TOPOLOGY),
    Case("task/tcp-traffic-shifting: tcp-echo-20-v2 through the ingress gateway's 31400 weighs connections 80/20",
         ECHO_DR + TCP_GATEWAY, FROM_OUTSIDE % 31400,
         {"status": {"200": 400}, "to": {"tcp-echo/v1": 0.8, "tcp-echo/v2": 0.2}}, topology=INGRESS_31400,
         tolerance=0.06),
    Case("gateway.proto: a port no Gateway server opens on the ingress gateway refuses the connection",
         ECHO_DR + TCP_GATEWAY, FROM_OUTSIDE % 443, {"status": {"reset": 400}}, topology=INGRESS_31400),
    Case("task/egress-gateway (HTTPS): sidecar -> egress gateway by SNI -> edition.cnn.com:443 (TLS passthrough)",
         EGRESS_TLS, conns("https://edition.cnn.com/"), {"status": {"200": 10}, "to": {"istio-egressgateway/cnn": 1.0}},
         topology=TOPOLOGY),
    Case("task/egress-gateway (HTTPS): without the gateway-side tls rule the egress gateway closes the connection",
         EGRESS_TLS.replace("""    - match: [{gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}]
      route: [{destination: {host: edition.cnn.com, port: {number: 443}}, weight: 100}]
""", ""), conns("https://edition.cnn.com/"), {"status": {"reset": 10}}, topology=TOPOLOGY),
]


@pytest.mark.parametrize("case", PASSTHROUGH + EGRESS, ids=str)
def test_l4_gateway_scenarios(case):
    check(case)
