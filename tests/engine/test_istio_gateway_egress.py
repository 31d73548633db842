"""Ingress and egress scenarios as rows of tests/engine/istio_cases.py:
- `TestHTTPGateway/...`: istio:pilot/pkg/networking/core/gateway_simulation_test.go
- `task/ingress-control`, `task/egress-*`: istio.io content/en/docs/tasks/traffic-management/...
- `TestPassthroughTraffic`: istio:pilot/pkg/networking/core/sidecar_simulation_test.go
"""

import pytest

from tests.engine.istio_cases import BASE, HTTPBIN_DR, Case, check


def gateway(name: str, servers: str, ns: str = "default") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{istio: ingressgateway}}
  servers:
{servers}
"""


def gw_vs(name: str, hosts: str, http: str, gateways: str = "[gateway]") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: default}}
spec:
  hosts: {hosts}
  gateways: {gateways}
  http:
{http}
"""


HTTP_FOO_BAR = "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: [foo.bar]}"
INGRESS = "{from: external, via: istio-system/istio-ingressgateway, to: '%s', requests: 10%s}"
BOOKINFO = gw_vs("bookinfo", "['*']", """    - match: [{uri: {exact: /productpage}}]
      route: [{destination: {host: reviews, port: {number: 9080}}}]""")
TO_KNOWN = "    - route: [{destination: {host: known, port: {number: 80}}}]"

NOT_FOUND = {"status": {"404": 10}, "flags": {"NR": 10}}

INGRESS_CASES = [
    Case("TestHTTPGateway/no virtual services: defined port -> blackhole vhost 404",
         gateway("gateway", HTTP_FOO_BAR), INGRESS % ("http://foo.bar/", ""), NOT_FOUND),
    Case("TestHTTPGateway/simple http and virtual service: uri mismatch -> 404 NR",
         gateway("gateway", HTTP_FOO_BAR) + BOOKINFO, INGRESS % ("http://foo.bar/", ""), NOT_FOUND),
    Case("TestHTTPGateway/simple http and virtual service: host mismatch -> 404 NR",
         gateway("gateway", HTTP_FOO_BAR) + BOOKINFO, INGRESS % ("http://bad.bar/productpage", ""), NOT_FOUND),
    Case("TestHTTPGateway/simple http and virtual service: match",
         gateway("gateway", HTTP_FOO_BAR) + BOOKINFO, INGRESS % ("http://foo.bar/productpage", ""),
         {"status": {"200": 10}, "to": {"reviews": 1.0}, "tls": {"mtls": 10}}),
    Case("TestHTTPGateway/virtual service merging: a",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*.example.com']}")
         + gw_vs("a", "[a.example.com]", TO_KNOWN)
         + gw_vs("b", "[b.example.com]", "    - route: [{destination: {host: alt-known, port: {number: 80}}}]"),
         INGRESS % ("http://a.example.com/", ""), {"status": {"200": 10}, "to": {"known": 1.0}}),
    Case("TestHTTPGateway/virtual service merging: b",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*.example.com']}")
         + gw_vs("a", "[a.example.com]", TO_KNOWN)
         + gw_vs("b", "[b.example.com]", "    - route: [{destination: {host: alt-known, port: {number: 80}}}]"),
         INGRESS % ("http://b.example.com/", ""), {"status": {"200": 10}, "to": {"alt-known": 1.0}}),
    Case("TestHTTPGateway/virtual service merging: undefined hostname -> 404",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*.example.com']}")
         + gw_vs("a", "[a.example.com]", TO_KNOWN),
         INGRESS % ("http://c.example.com/", ""), NOT_FOUND),
    Case("TestHTTPGateway/httpsRedirect with routes -> 301",
         gateway("gateway", """    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [example.com]
      tls: {httpsRedirect: true}""") + gw_vs("vs", "[example.com]", TO_KNOWN),
         INGRESS % ("http://example.com/", ""), {"status": {"301": 10}}),
    Case("TestHTTPGateway/mixed httpsRedirect with routes -> 301",
         gateway("gateway", """    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [example.com]
      tls: {httpsRedirect: true}""") + gateway("gateway2", """    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [example.com]""") + gw_vs("vs", "[example.com]", TO_KNOWN),
         INGRESS % ("http://example.com/", ""), {"status": {"301": 10}}),
    Case("task/ingress-control: httpbin-gateway, /status/200 routes to httpbin",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: [httpbin.example.com]}")
         + gw_vs("httpbin", "[httpbin.example.com]", """    - match: [{uri: {prefix: /status}}, {uri: {prefix: /delay}}]
      route: [{destination: {host: httpbin, port: {number: 8000}}}]"""),
         INGRESS % ("http://httpbin.example.com/status/200", ""), {"status": {"200": 10}, "to": {"httpbin": 1.0}}),
    Case("task/ingress-control: /headers is not exposed -> 404",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: [httpbin.example.com]}")
         + gw_vs("httpbin", "[httpbin.example.com]", """    - match: [{uri: {prefix: /status}}, {uri: {prefix: /delay}}]
      route: [{destination: {host: httpbin, port: {number: 8000}}}]"""),
         INGRESS % ("http://httpbin.example.com/headers", ""), NOT_FOUND),
    Case("network-issues: a mesh VS (subset v2) has no effect on ingress requests",
         HTTPBIN_DR + gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: [httpbin.example.com]}")
         + gw_vs("ingress", "[httpbin.example.com]", "    - route: [{destination: {host: httpbin, port: {number: 8000}}}]")
         + gw_vs("mesh", "[httpbin]", "    - route: [{destination: {host: httpbin, subset: v2}}]", "[]"),
         INGRESS % ("http://httpbin.example.com/", ""), {"status": {"200": 10}, "to": {"httpbin": 1.0}}),
    Case("gateway VS: a VS not naming the gateway is not bound (404)",
         gateway("gateway", HTTP_FOO_BAR) + gw_vs("vs", "[foo.bar]", TO_KNOWN, "[other]"),
         INGRESS % ("http://foo.bar/", ""), NOT_FOUND),
    Case("gateway VS: gateway + mesh in one VS serves both",
         gateway("gateway", HTTP_FOO_BAR) + gw_vs("vs", "[foo.bar]", TO_KNOWN, "[gateway, mesh]"),
         INGRESS % ("http://foo.bar/", ""), {"status": {"200": 10}, "to": {"known": 1.0}}),
    Case("gateway VS: a route to a subset missing from every DR -> 503 NC",
         gateway("gateway", HTTP_FOO_BAR)
         + gw_vs("vs", "[foo.bar]", "    - route: [{destination: {host: httpbin, subset: v9}}]"),
         INGRESS % ("http://foo.bar/", ""), {"status": {"503": 10}, "flags": {"NC": 10}}),
]

HTTPS_SERVER = ("    - {port: {number: 443, name: https, protocol: HTTPS}, hosts: [httpbin.example.com],"
                " tls: {mode: SIMPLE, credentialName: httpbin-credential}}")
ANY_HOST = "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}"
TO_HTTPBIN = "    - route: [{destination: {host: httpbin, port: {number: 8000}}}]"


def any_vs(gateways: str, extra: str = "") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: vs, namespace: default}}
spec:
  hosts: ['*']
  gateways: {gateways}{extra}
  http:
{TO_HTTPBIN}
"""


INGRESS_MORE = [
    Case("task/secure-ingress: an HTTPS SIMPLE server terminates TLS and routes (mTLS to the backend)",
         gateway("gateway", HTTPS_SERVER) + gw_vs("vs", "[httpbin.example.com]", TO_HTTPBIN),
         INGRESS % ("https://httpbin.example.com/status/200", ""), {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("TestHTTPGateway/undefined port: no listener, the connection fails",
         gateway("gateway", ANY_HOST) + any_vs("[gateway]"), INGRESS % ("http://x.example.com:8080/", ""),
         {"status": {"reset": 10}}),
    Case("task/secure-ingress: plaintext HTTP to the HTTPS port fails the TLS handshake",
         gateway("gateway", HTTPS_SERVER) + gw_vs("vs", "[httpbin.example.com]", TO_HTTPBIN),
         INGRESS % ("http://httpbin.example.com:443/", ""), {"status": {"reset": 10}}),
    Case("gateway.proto selector: a Gateway selecting no gateway pod opens no listener",
         gateway("gateway", ANY_HOST).replace("istio: ingressgateway", "istio: nothing") + any_vs("[gateway]"),
         INGRESS % ("http://x.example.com/", ""), {"status": {"reset": 10}}),
    Case("virtual_service.proto gateways: <ns>/<name> binds a VS to a Gateway in another namespace",
         gateway("gateway", ANY_HOST, ns="istio-system") + any_vs("[istio-system/gateway]"),
         INGRESS % ("http://x.example.com/", ""), {"status": {"200": 10}, "to": {"httpbin": 1.0}}),
    Case("virtual_service.proto gateways: an unqualified name is the VS's namespace (no such Gateway: 404)",
         gateway("gateway", ANY_HOST, ns="istio-system") + any_vs("[gateway]"),
         INGRESS % ("http://x.example.com/", ""), NOT_FOUND),
    Case("gateway VS exportTo '.': not visible to a gateway in another namespace (404)",
         gateway("gateway", ANY_HOST, ns="istio-system") + any_vs("[istio-system/gateway]", "\n  exportTo: ['.']"),
         INGRESS % ("http://x.example.com/", ""), NOT_FOUND),
    Case("gateway.proto hosts 'other/*': only VirtualServices of namespace other bind (404)",
         gateway("gateway", "    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['other/*']}")
         + any_vs("[gateway]"), INGRESS % ("http://x.example.com/", ""), NOT_FOUND),
    Case("TestGatewayConflicts-style TCP server: tcp routes carry the connection",
         gateway("gateway", "    - {port: {number: 80, name: tcp, protocol: TCP}, hosts: ['*']}") + """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp, namespace: default}
spec:
  hosts: ['*']
  gateways: [gateway]
  tcp: [{route: [{destination: {host: httpbin, port: {number: 9000}}}]}]
""", INGRESS % ("http://x.example.com/", ""), {"status": {"200": 10}, "to": {"httpbin": 1.0}}),
]

def port_less(port: int, host: str) -> str:
    return gateway("gateway", f"    - {{port: {{number: {port}, name: http, protocol: HTTP}}, hosts: ['*']}}") + any_vs(
        "[gateway]").replace("host: httpbin, port: {number: 8000}", f"host: {host}")


SUBSET_VIA_GATEWAY = gateway("gateway", ANY_HOST) + any_vs("[gateway]").replace(
    "host: httpbin, port: {number: 8000}", "host: httpbin, subset: v1, port: {number: 8000}")

GATEWAY_DESTINATIONS = [
    Case("route.go GetDestinationCluster on a gateway: no destination port, one-port service -> that port",
         port_less(443, "reviews"), INGRESS % ("http://x.example.com:443/", ""), {"status": {"200": 10}}),
    Case("route.go GetDestinationCluster on a gateway: no destination port, multi-port service -> the "
         "gateway's port (80: known has it)", port_less(80, "known"), INGRESS % ("http://x.example.com/", ""),
         {"status": {"200": 10}, "to": {"known": 1.0}}),
    Case("route.go GetDestinationCluster on a gateway: no destination port, multi-port service without the "
         "gateway's port -> 503 NC (ingress-control always names the port)", port_less(80, "httpbin"),
         INGRESS % ("http://x.example.com/", ""), {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("push_context.go destinationRule from the gateway's namespace: a default-namespace DR is exported",
         SUBSET_VIA_GATEWAY + HTTPBIN_DR, INGRESS % ("http://x.example.com/", ""),
         {"status": {"200": 10}, "to": {"httpbin/v1": 1.0}}),
    Case("push_context.go destinationRule: a DR exported to '.' is invisible to the gateway -> subset NC",
         SUBSET_VIA_GATEWAY + HTTPBIN_DR.replace("spec:\n  host: httpbin", "spec:\n  exportTo: ['.']\n  host: httpbin"),
         INGRESS % ("http://x.example.com/", ""), {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("gateway -> backend is outbound: auto mTLS to a STRICT backend works",
         SUBSET_VIA_GATEWAY + HTTPBIN_DR + """
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec: {mtls: {mode: STRICT}}
""", INGRESS % ("http://x.example.com/", ""), {"status": {"200": 10}, "tls": {"mtls": 10}}),
    Case("gateway -> a backend without sidecar is plaintext (auto mTLS)",
         gateway("gateway", ANY_HOST) + any_vs("[gateway]").replace(
             "host: httpbin, port: {number: 8000}", "host: legacy-svc.legacy.svc.cluster.local, port: {number: 8000}"),
         INGRESS % ("http://x.example.com/", ""), {"status": {"200": 10}, "tls": {"plaintext": 10}}),
]

SE_HTTPBIN = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  location: MESH_EXTERNAL
"""
SE_GOOGLE = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google, namespace: default}
spec:
  hosts: [www.google.com]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
  location: MESH_EXTERNAL
"""
REGISTRY_ONLY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}
"""
TO_HTTPBIN_ORG = "{from: default/sleep, to: 'http://httpbin.org/headers', requests: 10}"
TO_GOOGLE = "{from: default/sleep, to: 'https://www.google.com', requests: 10}"


def registry_only(base: str) -> str:
    return base.replace("spec:\n  namespaces:", "spec:\n  meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}\n"
                        "  namespaces:", 1)


def egress(name: str, config: str, stream: str, expect: dict, *, closed: bool = False, **kw) -> Case:
    return Case(name, config, stream, expect, topology=registry_only(BASE) if closed else BASE, **kw)


EGRESS_GATEWAY = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn, namespace: default}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 80, name: http-port, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway, namespace: default}
spec:
  selector: {istio: egressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [edition.cnn.com]}]
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
  gateways: [istio-egressgateway, mesh]
  http:
    - match: [{gateways: [mesh], port: 80}]
      route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 80}}, weight: 100}]
    - match: [{gateways: [istio-egressgateway], port: 80}]
      route: [{destination: {host: edition.cnn.com, port: {number: 80}}, weight: 100}]
"""
CNN_PLAIN_80 = BASE.replace("{host: edition.cnn.com, ports: [80, 443], tls: true}", "{host: edition.cnn.com, ports: [80]}")
TO_CNN = "{from: default/sleep, to: 'http://edition.cnn.com/politics', requests: 10}"

EGRESS_GATEWAY_CASES = [
    Case("task/egress-gateway: sidecar -> egress gateway (mTLS) -> edition.cnn.com:80", EGRESS_GATEWAY, TO_CNN,
         {"status": {"200": 10}, "tls": {"mtls": 10}, "to": {"istio-egressgateway/cnn": 1.0}}, topology=CNN_PLAIN_80),
    Case("task/egress-gateway: without the gateway-side rule the egress gateway answers 404",
         EGRESS_GATEWAY.replace("""    - match: [{gateways: [istio-egressgateway], port: 80}]
      route: [{destination: {host: edition.cnn.com, port: {number: 80}}, weight: 100}]
""", ""), TO_CNN, {"status": {"404": 10}}, topology=CNN_PLAIN_80),
]

WIKIPEDIA = registry_only(BASE).replace(
    "    - {host: www.google.com, ports: [443], tls: true}",
    "    - {host: www.google.com, ports: [443], tls: true}\n    - {host: en.wikipedia.org, ports: [443], tls: true}"
    "\n    - {host: de.wikipedia.org, ports: [443], tls: true}")
SE_WIKIPEDIA = """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wikipedia, namespace: default}
spec:
  hosts: ['*.wikipedia.org']
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: NONE
"""

EGRESS_WILDCARD = [
    Case("task/egress-wildcard: SE *.wikipedia.org (NONE) lets REGISTRY_ONLY reach en.wikipedia.org", SE_WIKIPEDIA,
         "{from: default/sleep, to: 'https://en.wikipedia.org/wiki/Main_Page', requests: 10}",
         {"status": {"200": 10}, "tls": {"tls": 10}}, topology=WIKIPEDIA),
    Case("task/egress-wildcard: the SE is exported everywhere by default (de.wikipedia.org from not-default)",
         SE_WIKIPEDIA, "{from: not-default/sleep, to: 'https://de.wikipedia.org/', requests: 10}",
         {"status": {"200": 10}}, topology=WIKIPEDIA),
    Case("service_entry.proto exportTo '.': other namespaces do not see it (REGISTRY_ONLY reset)",
         SE_WIKIPEDIA.replace("resolution: NONE", "resolution: NONE\n  exportTo: ['.']"),
         "{from: not-default/sleep, to: 'https://de.wikipedia.org/', requests: 10}",
         {"status": {"reset": 10}}, topology=WIKIPEDIA),
]

def se_istio_io(addresses: str) -> str:
    """TestPassthroughTraffic's ServiceEntry: ports 80 http, 81 auto, 82 tcp, 85 grpc."""
    return f"""
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: se, namespace: default}}
spec:
  hosts: [istio.io]{addresses}
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
    - {{name: http, number: 80, protocol: HTTP}}
    - {{name: auto, number: 81}}
    - {{name: tcp, number: 82, protocol: TCP}}
    - {{name: grpc, number: 85, protocol: GRPC}}
"""


WITH_VIP, WITHOUT_VIP = se_istio_io("\n  addresses: [1.2.3.4]"), se_istio_io("")
UNKNOWN_ON = "{from: default/sleep, to: 'http://httpbin.org:%d/', requests: 10}"

PASSTHROUGH = [
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: HTTP on the http port 80 -> block_all 502",
         WITH_VIP, UNKNOWN_ON % 80, {"status": {"502": 10}}, topology=registry_only(BASE)),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: HTTP on the grpc port 85 -> block_all 502",
         WITH_VIP, UNKNOWN_ON % 85, {"status": {"502": 10}}, topology=registry_only(BASE)),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/with VIP: HTTP on the auto port 81 -> BlackHoleCluster (reset)",
         WITH_VIP, UNKNOWN_ON % 81, {"status": {"reset": 10}}, topology=registry_only(BASE)),
    Case("TestPassthroughTraffic/REGISTRY_ONLY/without VIP: HTTP on the auto port 81 -> block_all 502",
         WITHOUT_VIP, UNKNOWN_ON % 81, {"status": {"502": 10}}, topology=registry_only(BASE)),
    Case("TestPassthroughTraffic/REGISTRY_ONLY: HTTP on the tcp port 82 -> BlackHoleCluster (reset)",
         WITH_VIP, UNKNOWN_ON % 82, {"status": {"reset": 10}}, topology=registry_only(BASE)),
    Case("TestPassthroughTraffic/ALLOW_ANY/with VIP: HTTP on the http port 80 -> allow_any, PassthroughCluster",
         WITH_VIP, "{from: default/sleep, to: 'http://httpbin.org:80/', requests: 10}",
         {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    Case("listener.go: a Service's unnamed (sniffed) port binds its ClusterIP: REGISTRY_ONLY HTTP to another "
         "host on that port is reset, not 502", "", "{from: default/sleep, to: 'http://httpbin.org:7070/', requests: 10}",
         {"status": {"reset": 10}}, topology=registry_only(BASE).replace(
             "  clients:", "    - {name: sniffed, namespace: default, ports: [{port: 7070}], workloads: [{labels: {app: s}}]}\n"
             "  clients:", 1)),
    Case("listener.go: a Service's http-named port is a 0.0.0.0 listener: REGISTRY_ONLY HTTP to another host "
         "on that port gets block_all 502", "", "{from: default/sleep, to: 'http://httpbin.org:9080/', requests: 10}",
         {"status": {"502": 10}}, topology=registry_only(BASE)),
]

EGRESS_CASES = [
    egress("task/egress-control: ALLOW_ANY, http://httpbin.org passes through", "", TO_HTTPBIN_ORG,
           {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    egress("task/egress-control: ALLOW_ANY, https://www.google.com passes through", "", TO_GOOGLE,
           {"status": {"200": 10}}),
    egress("TestPassthroughTraffic: REGISTRY_ONLY, HTTP on an HTTP listener port -> 502 (block_all)", "",
           TO_HTTPBIN_ORG, {"status": {"502": 10}}, closed=True),
    egress("task/egress-control: REGISTRY_ONLY, https://www.google.com is reset (curl 35)", "", TO_GOOGLE,
           {"status": {"reset": 10}}, closed=True),
    egress("task/egress-control: REGISTRY_ONLY + ServiceEntry httpbin.org -> 200", SE_HTTPBIN, TO_HTTPBIN_ORG,
           {"status": {"200": 10}, "tls": {"plaintext": 10}}, closed=True),
    egress("task/egress-control: REGISTRY_ONLY + ServiceEntry www.google.com:443 HTTPS -> 200", SE_GOOGLE, TO_GOOGLE,
           {"status": {"200": 10}}, closed=True),
    egress("TestPassthroughTraffic: REGISTRY_ONLY, HTTP to a port with no HTTP listener is reset", "",
           "{from: default/sleep, to: 'http://httpbin.org:8081/', requests: 10}", {"status": {"reset": 10}},
           closed=True),
    egress("Sidecar outboundTrafficPolicy REGISTRY_ONLY overrides ALLOW_ANY for its namespace", """
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
""", TO_HTTPBIN_ORG, {"status": {"502": 10}}),
    egress("task/egress-control: a sidecar-less pod is not subject to REGISTRY_ONLY", "",
           "{from: legacy/sleep, to: 'http://httpbin.org/headers', requests: 10}", {"status": {"200": 10}},
           closed=True),
    egress("task/egress-tls-origination: DR SIMPLE on port 80 -> TLS to edition.cnn.com:443, 200", """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: edition-cnn-com, namespace: default}
spec:
  hosts: [edition.cnn.com]
  ports:
    - {number: 80, name: http-port, protocol: HTTP, targetPort: 443}
    - {number: 443, name: https-port, protocol: HTTPS}
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: edition-cnn-com, namespace: default}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings: [{port: {number: 80}, tls: {mode: SIMPLE}}]
""", "{from: default/sleep, to: 'http://edition.cnn.com/politics', requests: 10}",
           {"status": {"200": 10}, "tls": {"tls": 10}}),
    egress("task/egress-tls-origination: DR SIMPLE on every port while the app itself sends https -> TLS "
           "inside TLS, the app's handshake fails (reset)", """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: edition-cnn-com, namespace: default}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 443, name: https-port, protocol: HTTPS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: edition-cnn-com, namespace: default}
spec:
  host: edition.cnn.com
  trafficPolicy: {tls: {mode: SIMPLE}}
""", "{from: default/sleep, to: 'https://edition.cnn.com/politics', requests: 10}",
           {"status": {"reset": 10}, "tls": {"rejected": 10}}),
    egress("open question 3 / route.go separateVSHostsAndServices: VS for a non-registry host on port 80 "
           "routes (cluster outbound|80||httpbin.org missing -> 503 NC)", """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  http: [{timeout: 3s, route: [{destination: {host: httpbin.org}}]}]
""", TO_HTTPBIN_ORG, {"status": {"503": 10}, "flags": {"NC": 10}}),
    egress("route.go: the port-80 virtual host needs an HTTP listener on 80; with none in the Sidecar's scope "
           "the request is unmatched traffic (ALLOW_ANY passthrough)", """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  http: [{route: [{destination: {host: httpbin.org}}]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["./httpbin.default.svc.cluster.local"]}]
""", TO_HTTPBIN_ORG, {"status": {"200": 10}, "tls": {"plaintext": 10}}),
    egress("TestPassthroughTraffic: REGISTRY_ONLY with no HTTP listener on 80 in the Sidecar's scope is reset", """
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["./httpbin.default.svc.cluster.local"]}]
""", TO_HTTPBIN_ORG, {"status": {"reset": 10}}, closed=True),
    egress("TestSidecarOutboundHTTPRouteConfig/sidecar config port that is not in any service: "
           "an HTTP egress listener on 9000 answers REGISTRY_ONLY with block_all 502", """
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
    - {port: {number: 9000, protocol: HTTP, name: something}, hosts: ["*/httpbin.default.svc.cluster.local"]}
    - {hosts: ["*/*"]}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
""", "{from: default/sleep, to: 'http://httpbin.org:9000/', requests: 10}", {"status": {"502": 10}}),
    egress("TestSidecarOutboundHTTPRouteConfig: no listener on 9000 without that egress port (reset)", """
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["*/*"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
""", "{from: default/sleep, to: 'http://httpbin.org:9000/', requests: 10}", {"status": {"reset": 10}}),
    egress("route.go separateVSHostsAndServices: a non-registry VS host routed to a mesh service works", """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  http: [{route: [{destination: {host: httpbin.default.svc.cluster.local, port: {number: 8000}}}]}]
""", TO_HTTPBIN_ORG, {"status": {"200": 10}, "to": {"httpbin": 1.0}, "tls": {"mtls": 10}}),
]


@pytest.mark.parametrize("case", INGRESS_CASES + INGRESS_MORE + GATEWAY_DESTINATIONS + EGRESS_GATEWAY_CASES + EGRESS_WILDCARD + PASSTHROUGH + EGRESS_CASES, ids=str)
def test_gateway_and_egress_scenarios(case):
    check(case)
