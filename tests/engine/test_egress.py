"""Egress: ServiceEntry, outboundTrafficPolicy, Sidecar scoping (istio-semantics §9;
io:tasks/traffic-management/egress/egress-control; istio:pilot/pkg/networking/core/
sidecar_simulation_test.go `TestPassthroughTraffic`; api:networking/v1alpha3/sidecar.proto)."""

import pytest

from engine.config import load_config_text
from engine.mesh import build_mesh
from engine.simulation.routing import plan_stream

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  meshConfig: {outboundTrafficPolicy: {mode: MODE}}
  namespaces: [{name: default, injection: true}, {name: foo, injection: true}, {name: legacy, injection: false}]
  services:
    - name: reviews
      namespace: foo
      ports: [{name: http, port: 9080}]
      workloads: [{labels: {version: v1}}]
  clients:
    - {name: sleep}
    - {name: curl, namespace: legacy}
  externalHosts:
    - {host: httpbin.org, ports: [80]}
    - {host: www.google.com, ports: [443], tls: true}
"""

SE = """
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  location: MESH_EXTERNAL
"""

SE_TLS = """
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google}
spec:
  hosts: [www.google.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
"""


def plan(config: str, stream: str, mode: str = "ALLOW_ANY"):
    text = TOPOLOGY.replace("MODE", mode) + "\n---\n" + config + \
        "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    return plan_stream(mesh, mesh.streams[0])


def summary(p):
    immediate = (p.immediate.status, p.immediate.flags) if p.immediate else None
    return immediate, [(t.name, t.exists, [(c.tls, c.refused, c.behaviour.down) for c in t.connections])
                       for t in p.targets]


HTTPBIN = "{from: default/sleep, to: 'http://httpbin.org/get'}"
GOOGLE = "{from: default/sleep, to: 'https://www.google.com'}"

CASES = [
    ("§9 ALLOW_ANY: unknown host -> PassthroughCluster, reaches the external host", "", HTTPBIN, "ALLOW_ANY",
     (None, [("PassthroughCluster", True, [("plaintext", "", False)])])),
    ("§9 ALLOW_ANY: app TLS passes through", "", GOOGLE, "ALLOW_ANY",
     (None, [("PassthroughCluster", True, [("tls", "", False)])])),
    ("§9 REGISTRY_ONLY: unknown HTTP host -> 502 block_all", "", HTTPBIN, "REGISTRY_ONLY", ((502, ()), [])),
    ("§9 REGISTRY_ONLY: unknown TLS host -> reset (curl 35)", "", GOOGLE, "REGISTRY_ONLY", ((None, ()), [])),
    ("§9 REGISTRY_ONLY + ServiceEntry: the host is in the registry", SE, HTTPBIN, "REGISTRY_ONLY",
     (None, [("outbound|80||httpbin.org", True, [("plaintext", "", False)])])),
    ("§9 REGISTRY_ONLY + TLS ServiceEntry for google", SE_TLS, GOOGLE, "REGISTRY_ONLY",
     (None, [("outbound|443||www.google.com", True, [("tls", "", False)])])),
    ("§9 ServiceEntry for a host nothing answers: connection fails (down)",
     SE.replace("httpbin.org", "nothing.example.org"), "{from: default/sleep, to: 'http://nothing.example.org/'}",
     "ALLOW_ANY", (None, [("outbound|80||nothing.example.org", True, [("plaintext", "", True)])])),
    ("§9 a name with no DNS entry: the client cannot resolve it", "",
     "{from: default/sleep, to: 'http://nowhere.invalid/'}", "ALLOW_ANY", ((None, ()), [])),
    ("§0.3 sidecar-less client to an external host: straight out, REGISTRY_ONLY does not apply", "",
     "{from: legacy/curl, to: 'http://httpbin.org/get'}", "REGISTRY_ONLY",
     (None, [("direct|80|httpbin.org", True, [("plaintext", "", False)])])),
    ("§6 DR tls SIMPLE to a plaintext external port: the handshake fails",
     SE + "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: o}\n"
          "spec: {host: httpbin.org, trafficPolicy: {tls: {mode: SIMPLE}}}\n", HTTPBIN, "ALLOW_ANY",
     (None, [("outbound|80||httpbin.org", True, [("tls", "UF", False)])])),
]


@pytest.mark.parametrize("name,config,stream,mode,expected", CASES, ids=[c[0] for c in CASES])
def test_egress(name, config, stream, mode, expected):
    assert summary(plan(config, stream, mode)) == expected


def test_vs_timeout_applies_to_a_service_entry_host():
    # §9 egress-control task: a VS timeout 3s on httpbin.org turns /delay/5 into 504.
    vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin.org]
  http: [{timeout: 3s, route: [{destination: {host: httpbin.org}}]}]
"""
    p = plan(SE + "---\n" + vs, "{from: default/sleep, to: 'http://httpbin.org/delay/5'}", "REGISTRY_ONLY")
    assert p.policy.timeout_ms == 3000 and p.targets[0].name == "outbound|80||httpbin.org"


SIDECAR = """
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
"""

VS_REVIEWS = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: foo}
spec:
  hosts: [reviews]
  http: [{fault: {abort: {httpStatus: 500, percentage: {value: 100}}}, route: [{destination: {host: reviews}}]}]
"""


def test_sidecar_egress_out_of_scope_is_passthrough_without_vs():
    # correction 17: the Sidecar scopes config, it does not block; no VS applies to passthrough.
    p = plan(SIDECAR + "---\n" + VS_REVIEWS, "{from: default/sleep, to: 'reviews.foo:9080'}")
    assert p.immediate is None and p.policy.fault is None
    assert p.targets[0].name == "PassthroughCluster"
    assert [c.tls for c in p.targets[0].connections] == ["plaintext"]


def test_sidecar_egress_in_scope_keeps_vs():
    p = plan(SIDECAR.replace('"./*"', '"foo/*"') + "---\n" + VS_REVIEWS, "{from: default/sleep, to: 'reviews.foo:9080'}")
    assert p.policy.fault is not None and p.policy.fault.abort_status == 500


def test_sidecar_outbound_policy_registry_only_blocks_out_of_scope_http():
    # Out of scope, reviews.foo:9080 gives this sidecar no listener on 9080 (listeners come from the
    # service ports in its egress scope), so no block_all virtual host can answer 502: the catch-all
    # TCP chain blackholes the connection (sidecar_simulation_test.go TestPassthroughTraffic: 502
    # only "for HTTP on HTTP" ports).
    sidecar = SIDECAR + "  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n"
    p = plan(sidecar, "{from: default/sleep, to: 'reviews.foo:9080'}")
    assert (p.immediate.status, p.targets) == (None, ())
    in_scope = SIDECAR.replace('"./*"', '"./*", "foo/ratings.foo.svc.cluster.local"') \
        + "  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n"
    ratings = """
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: foo}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
"""
    p = plan(in_scope + ratings, "{from: default/sleep, to: 'reviews.foo:9080'}")
    assert (p.immediate.status, p.targets) == (502, ())


EGRESS_GATEWAY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  gateways: [{name: istio-egressgateway, namespace: istio-system, labels: {istio: egressgateway}, ports: [80, 443]}]
  externalHosts: [{host: edition.cnn.com, ports: [80]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 80, name: http-port, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway}
spec:
  selector: {istio: egressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [edition.cnn.com]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-cnn}
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets: [{name: cnn}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-cnn-through-egress-gateway}
spec:
  hosts: [edition.cnn.com]
  gateways: [istio-egressgateway, mesh]
  http:
    - match: [{gateways: [mesh], port: 80}]
      route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 80}}}]
    - match: [{gateways: [istio-egressgateway], port: 80}]
      route: [{destination: {host: edition.cnn.com, port: {number: 80}}}]
"""

CNN = "{from: default/sleep, to: 'http://edition.cnn.com/politics'}"


def test_egress_gateway_route_reaches_the_external_host():
    # io:tasks/traffic-management/egress/egress-gateway "Egress gateway for HTTP traffic".
    p = plan(EGRESS_GATEWAY, CNN, "REGISTRY_ONLY")
    t = p.targets[0]
    assert (t.name, t.subset) == ("outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local", "cnn")
    c = t.connections[0]
    assert (c.tls, c.refused, c.behaviour.error_rate, c.behaviour.down) == ("mtls", "", 0.0, False)
    assert any(s.stage == "gateway" for s in c.trace) and any("gateway" in u for u in p.uncertain)


def test_egress_gateway_without_its_gateway_rule_answers_404():
    without = EGRESS_GATEWAY.replace("    - match: [{gateways: [istio-egressgateway], port: 80}]\n"
                                     "      route: [{destination: {host: edition.cnn.com, port: {number: 80}}}]\n", "")
    c = plan(without, CNN, "REGISTRY_ONLY").targets[0].connections[0]
    assert (c.behaviour.error_rate, c.behaviour.error_status) == (1.0, 404)


def test_egress_gateway_to_an_unregistered_host_fails_with_503():
    without_se = EGRESS_GATEWAY.replace("kind: ServiceEntry", "kind: ServiceEntry").replace(
        "hosts: [edition.cnn.com]\n  ports: [{number: 80, name: http-port, protocol: HTTP}]", "hosts: [other.example.com]\n"
        "  ports: [{number: 80, name: http-port, protocol: HTTP}]")
    p = plan(without_se, CNN, "ALLOW_ANY")
    c = p.targets[0].connections[0]
    assert (c.behaviour.error_rate, c.behaviour.error_status) == (1.0, 503)


def test_vs_for_a_host_outside_the_registry_applies_on_port_80_but_its_cluster_is_missing():
    # route.go separateVSHostsAndServices: non-registry VS hosts get a port-80 vhost; the destination
    # cluster outbound|80||httpbin.org exists only with a ServiceEntry (otherwise 503 NC) [M].
    vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin.org]
  http: [{timeout: 3s, route: [{destination: {host: httpbin.org}}]}]
"""
    p = plan(vs, HTTPBIN)
    assert p.policy.timeout_ms == 3000
    assert [(t.name, t.exists) for t in p.targets] == [("outbound|80||httpbin.org", False)]


@pytest.mark.parametrize("location,tls", [("MESH_INTERNAL", "mtls"), ("MESH_EXTERNAL", "plaintext")])
def test_service_entry_location_decides_auto_mtls(location, tls):
    # §6 / §9: MESH_EXTERNAL never gets auto mTLS; MESH_INTERNAL endpoints with sidecars do.
    se = f"""
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: internal-db, namespace: foo}}
spec:
  hosts: [db.internal.example]
  ports: [{{number: 9080, name: http, protocol: HTTP}}]
  location: {location}
  resolution: STATIC
  workloadSelector: {{labels: {{app: reviews}}}}
"""
    p = plan(se, "{from: default/sleep, to: 'http://db.internal.example:9080/'}")
    assert [(c.endpoint.name, c.tls) for c in p.targets[0].connections] == [("reviews-v1-0", tls)]


def test_sidecar_egress_imports_virtualservices_by_their_namespace():
    # virtualservice.go SelectVirtualServices: a VS is imported only from namespaces the egress
    # hosts name; reviews.foo is in scope ("foo/*") but a VS kept in "default" is not imported
    # by "foo/*" alone.
    vs_in_default = VS_REVIEWS.replace("namespace: foo}", "namespace: default}").replace(
        "hosts: [reviews]", "hosts: [reviews.foo.svc.cluster.local]").replace(
        "destination: {host: reviews}", "destination: {host: reviews.foo.svc.cluster.local}")
    scoped = SIDECAR.replace('"./*"', '"foo/*"')
    assert plan(scoped + "---\n" + vs_in_default, "{from: default/sleep, to: 'reviews.foo:9080'}").policy.fault is None
    both = SIDECAR.replace('"./*"', '"foo/*", "./*"')
    assert plan(both + "---\n" + vs_in_default, "{from: default/sleep, to: 'reviews.foo:9080'}").policy.fault is not None


ORIGINATION = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  externalHosts: [{host: edition.cnn.com, ports: [443], tls: true}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: edition-cnn-com}
spec:
  hosts: [edition.cnn.com]
  ports:
    - {number: 80, name: http-port, protocol: HTTP, targetPort: 443}
    - {number: 443, name: https-port, protocol: HTTPS}
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: edition-cnn-com}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings: [{port: {number: 80}, tls: {mode: SIMPLE}}]
"""


def test_tls_origination_to_the_service_entry_target_port():
    # io:tasks/traffic-management/egress/egress-tls-origination: http on 80, TLS originated to 443.
    p = plan(ORIGINATION, "{from: default/sleep, to: 'http://edition.cnn.com/politics'}")
    (c,) = p.targets[0].connections
    assert (c.tls, c.refused, c.behaviour.down) == ("tls", "", False)
    without_dr = ORIGINATION[:ORIGINATION.index("---\napiVersion: networking.istio.io/v1\nkind: DestinationRule")]
    (c,) = plan(without_dr, "{from: default/sleep, to: 'http://edition.cnn.com/politics'}").targets[0].connections
    assert (c.tls, c.refused) == ("plaintext", "UC")       # plaintext to a TLS-only port: closed


def test_registry_only_http_without_an_http_listener_on_that_port_is_reset():
    # httproute.go block_all lives in an HTTP route table; with no HTTP service on the port the
    # catch-all TCP listener blackholes the connection instead (sidecar_simulation_test TestPassthroughTraffic).
    assert plan("", HTTPBIN, "REGISTRY_ONLY").immediate.status == 502        # the ingress gateway Service has http2 on 80
    p = plan("", "{from: default/sleep, to: 'http://httpbin.org:8081/get'}", "REGISTRY_ONLY")
    assert (p.immediate.status, p.targets) == (None, ())
