"""Ingress through a gateway (istio-semantics §8; istio:pilot/pkg/networking/core/
gateway_simulation_test.go; io:tasks/traffic-management/ingress/ingress-control;
io:ops/common-problems/network-issues "Route rules have no effect on ingress gateway requests")."""

import pytest

from engine.config import load_config_text
from engine.mesh import build_mesh
from engine.simulation.routing import plan_stream

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}, {name: team, injection: true}]
  services:
    - name: productpage
      ports: [{name: http, port: 9080}]
      workloads: [{labels: {version: v1}}, {labels: {version: v2}}]
    - name: reviews
      ports: [{name: http, port: 9080}]
      workloads: [{labels: {version: v1}}, {labels: {version: v2}}]
"""

GATEWAY = """
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["bookinfo.example.com", "team/*.team.example.com"]
"""

VS = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: default}
spec:
  hosts: ["bookinfo.example.com"]
  gateways: [bookinfo-gateway]
  http:
    - match: [{uri: {prefix: /productpage}}]
      route: [{destination: {host: productpage, port: {number: 9080}}}]
"""

DR = """
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: productpage, namespace: default}
spec:
  host: productpage
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
"""

STREAM = "{from: external, via: istio-system/istio-ingressgateway, to: 'http://bookinfo.example.com/productpage'}"


def plan(config: str, stream: str = STREAM):
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    return plan_stream(mesh, mesh.streams[0])


def summary(p):
    immediate = (p.immediate.status, p.immediate.flags) if p.immediate else None
    return immediate, [(t.service, t.subset, t.weight, t.exists, len(t.connections)) for t in p.targets]


CASES = [
    ("§8 a bound VS routes the gateway request", GATEWAY + "---\n" + VS, STREAM,
     (None, [("productpage", None, 100, True, 2)])),
    ("§8 no Gateway server on the port: the connection fails", VS, STREAM, ((None, ()), [])),
    ("§8 listener but no VS bound: 404 NR", GATEWAY, STREAM, ((404, ("NR",)), [])),
    ("§8 Host matches no server host: 404 NR", GATEWAY + "---\n" + VS,
     "{from: external, to: 'http://other.example.com/productpage'}", ((404, ("NR",)), [])),
    ("§8 vhost matched but no route matches: 404 NR", GATEWAY + "---\n" + VS,
     "{from: external, to: 'http://bookinfo.example.com/other'}", ((404, ("NR",)), [])),
    ("§3.1 a VS without gateways (mesh) does not bind to the gateway",
     GATEWAY + "---\n" + VS.replace("  gateways: [bookinfo-gateway]\n", ""), STREAM, ((404, ("NR",)), [])),
    ("§8 gateway named ns/name binds from another namespace",
     GATEWAY + "---\n" + VS.replace("namespace: default}", "namespace: team}").replace(
         "[bookinfo-gateway]", "[default/bookinfo-gateway]").replace("host: productpage,",
                                                                      "host: productpage.default.svc.cluster.local,")
     .replace("bookinfo.example.com", "a.team.example.com"),
     "{from: external, to: 'http://a.team.example.com/productpage'}", (None, [("productpage", None, 100, True, 2)])),
    ("§8 server host team/* does not admit a VS from another namespace",
     GATEWAY + "---\n" + VS.replace("bookinfo.example.com", "a.team.example.com"),
     "{from: external, to: 'http://a.team.example.com/productpage'}", ((404, ("NR",)), [])),
    ("§8 a VS host not exported to the gateway namespace is not bound",
     GATEWAY + "---\n" + VS.replace("  gateways:", "  exportTo: ['.']\n  gateways:"), STREAM, ((404, ("NR",)), [])),
    ("§8 httpsRedirect: 301", GATEWAY.replace("hosts: [\"bookinfo.example.com\"", "tls: {httpsRedirect: true}\n"
                                              "      hosts: [\"bookinfo.example.com\"") + "---\n" + VS, STREAM,
     ((301, ()), [])),
    ("§8/§4.1 gateway->backend: the service-namespace DR applies when exported to the gateway",
     GATEWAY + "---\n" + VS.replace("port: {number: 9080}}", "port: {number: 9080}, subset: v2}") + "---\n" + DR,
     STREAM, (None, [("productpage", "v2", 100, True, 1)])),
    ("§8/§4.1 gateway->backend: a DR exported only to its namespace is invisible: subset missing (NC)",
     GATEWAY + "---\n" + VS.replace("port: {number: 9080}}", "port: {number: 9080}, subset: v2}") + "---\n"
     + DR.replace("spec:\n", "spec:\n  exportTo: ['.']\n"),
     STREAM, (None, [("productpage", "v2", 100, False, 0)])),
    ("§8 the DR in the gateway's namespace defines the subset",
     GATEWAY + "---\n" + VS.replace("port: {number: 9080}}", "port: {number: 9080}, subset: v2}") + "---\n"
     + DR.replace("namespace: default}", "namespace: istio-system}").replace("host: productpage",
                                                                            "host: productpage.default.svc.cluster.local"),
     STREAM, (None, [("productpage", "v2", 100, True, 1)])),
    ("§8 a gateway selector matching no gateway pod: no listener",
     GATEWAY.replace("istio: ingressgateway", "istio: egressgateway") + "---\n" + VS, STREAM, ((None, ()), [])),
]


@pytest.mark.parametrize("name,config,stream,expected", CASES, ids=[c[0] for c in CASES])
def test_gateway_routing(name, config, stream, expected):
    assert summary(plan(config, stream)) == expected


def test_mesh_vs_subset_routing_has_no_effect_on_ingress_requests():
    # io:ops/common-problems/network-issues: the mesh VS for productpage does not apply at the gateway.
    mesh_vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage-mesh, namespace: default}
spec:
  hosts: [productpage]
  http: [{route: [{destination: {host: productpage, subset: v1}}]}]
"""
    p = plan(GATEWAY + "---\n" + VS + "---\n" + DR + "---\n" + mesh_vs)
    assert [t.subset for t in p.targets] == [None]


def test_several_vs_merge_on_a_gateway_with_catch_all_last():
    # §3.1 SortVHostRoutes: the older VS's catch-all moves after the newer VS's specific rule.
    catch_all = VS.replace("    - match: [{uri: {prefix: /productpage}}]\n      route:", "    - route:")
    specific = VS.replace("name: bookinfo,", "name: bookinfo-reviews,").replace(
        "{uri: {prefix: /productpage}}", "{uri: {prefix: /reviews}}").replace("host: productpage,", "host: reviews,")
    p = plan(GATEWAY + "---\n" + catch_all + "---\n" + specific,
             "{from: external, to: 'http://bookinfo.example.com/reviews/1'}")
    assert [t.service for t in p.targets] == ["reviews"]
    assert p.rule_reference and p.sender == "external via istio-system/istio-ingressgateway"


def test_gateway_to_backend_uses_auto_mtls():
    p = plan(GATEWAY + "---\n" + VS)
    assert {c.tls for c in p.targets[0].connections} == {"mtls"}


def test_https_server_with_plaintext_client_fails_to_connect():
    https = GATEWAY.replace("number: 80, name: http, protocol: HTTP", "number: 443, name: https, protocol: HTTPS") \
        .replace("hosts: [\"bookinfo", "tls: {mode: SIMPLE, credentialName: cert}\n      hosts: [\"bookinfo")
    ok = plan(https + "---\n" + VS, "{from: external, to: 'https://bookinfo.example.com/productpage'}")
    assert ok.immediate is None and ok.targets[0].service == "productpage"
    bad = plan(https + "---\n" + VS, "{from: external, to: 'http://bookinfo.example.com:443/productpage'}")
    assert bad.immediate is not None and bad.immediate.status is None


DELEGATING = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root, namespace: default}
spec:
  hosts: ["bookinfo.example.com"]
  gateways: [bookinfo-gateway]
  http:
    - match: [{uri: {prefix: /productpage}}]
      delegate: {name: productpage-routes, namespace: team}
    - route: [{destination: {host: reviews, port: {number: 9080}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage-routes, namespace: team}
spec:
  http:
    - match: [{uri: {prefix: /productpage/v2}}]
      route: [{destination: {host: productpage.default.svc.cluster.local, subset: v2}}]
"""


@pytest.mark.parametrize("path,expected", [
    ("/productpage/v2/x", [("productpage", "v2")]),      # the delegate's rule (root match AND delegate match)
    ("/productpage/other", [("reviews", None)]),         # no delegate rule: evaluation goes on with the root
    ("/reviews", [("reviews", None)]),
])
def test_delegate_rules_expand_in_place(path, expected):
    # api virtual_service.proto `Delegate`: one level, destinations resolve in the delegate's namespace.
    p = plan(GATEWAY + "---\n" + DELEGATING + "---\n" + DR, "{from: external, to: 'http://bookinfo.example.com" + path + "'}")
    assert [(t.service, t.subset) for t in p.targets] == expected


def test_host_header_selects_the_gateway_virtual_host():
    # io:tasks/traffic-management/ingress/ingress-control: curl -H "Host: ..." http://$INGRESS_HOST/...
    p = plan(GATEWAY + "---\n" + VS, "{from: external, to: 'http://10.0.0.1/productpage', "
                                     "headers: {Host: bookinfo.example.com}}")
    assert [t.service for t in p.targets] == ["productpage"]


def test_catch_all_clause_moves_last_but_its_sibling_clause_stays():
    # route.go SortVHostRoutes works per Envoy route (one per match clause).
    older = VS.replace("- match: [{uri: {prefix: /productpage}}]", "- match: [{uri: {prefix: /}}, {uri: {prefix: /reviews}}]")
    newer = VS.replace("name: bookinfo,", "name: newer,").replace("{uri: {prefix: /productpage}}", "{uri: {prefix: /r}}") \
        .replace("host: productpage,", "host: reviews,")
    at_reviews = plan(GATEWAY + "---\n" + older + "---\n" + newer, "{from: external, to: 'http://bookinfo.example.com/reviews'}")
    assert [t.service for t in at_reviews.targets] == ["productpage"]     # older /reviews clause keeps its place
    at_r = plan(GATEWAY + "---\n" + older + "---\n" + newer, "{from: external, to: 'http://bookinfo.example.com/rx'}")
    assert [t.service for t in at_r.targets] == ["reviews"]              # the older catch-all moved after /r


def test_delegate_rule_conflicting_with_its_root_is_dropped_and_inherits_root_actions():
    # virtualservice.go mergeHTTPRoute: a delegate match outside the root's is dropped; timeout inherited.
    config = DELEGATING.replace("      delegate: {name: productpage-routes, namespace: team}",
                                "      delegate: {name: productpage-routes, namespace: team}\n      timeout: 5s") \
        .replace("    - match: [{uri: {prefix: /productpage/v2}}]", "    - match: [{uri: {prefix: /other}}]\n"
                 "      route: [{destination: {host: productpage.default.svc.cluster.local, subset: v1}}]\n"
                 "    - match: [{uri: {prefix: /productpage/v2}}]")
    p = plan(GATEWAY + "---\n" + config + "---\n" + DR, "{from: external, to: 'http://bookinfo.example.com/productpage/v2'}")
    assert [(t.service, t.subset) for t in p.targets] == [("productpage", "v2")]
    assert p.policy.timeout_ms == 5000
    assert "prefix '/productpage/v2'" in next(s.detail for s in p.trace if s.stage == "route")


def test_gateway_in_the_root_namespace_prefers_the_service_namespace_dr_over_a_public_root_one():
    # push_context.go destinationRule: a root-namespace proxy sees root `.` DRs first, then the
    # service namespace's exported DRs, then the root's exported ones.
    root_dr = ("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: all, namespace: istio-system}\n"
               "spec: {host: '*.local', trafficPolicy: {loadBalancer: {simple: RANDOM}}}\n")
    p = plan(GATEWAY + "---\n" + VS + "---\n" + DR.replace("  host: productpage\n",
             "  host: productpage\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n") + "---\n" + root_dr)
    assert p.targets[0].lb.simple == "ROUND_ROBIN"
    private_root = root_dr.replace("spec: {", "spec: {exportTo: ['.'], ")
    p = plan(GATEWAY + "---\n" + VS + "---\n" + DR + "---\n" + private_root)
    assert p.targets[0].lb.simple == "RANDOM"


def test_tls_passthrough_server_routes_by_sni_with_tls_routes():
    # io:tasks/traffic-management/ingress/ingress-sni-passthrough: TLS PASSTHROUGH + VS tls sniHosts.
    passthrough = """
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
      route: [{destination: {host: reviews, port: {number: 9080}}}]
"""
    p = plan(passthrough, "{from: external, to: 'https://nginx.example.com'}")
    assert [t.service for t in p.targets] == ["reviews"] and p.policy.retry.attempts == 0
    other = plan(passthrough.replace("sniHosts: [nginx.example.com]", "sniHosts: [other.example.com]")
                 .replace("hosts: [nginx.example.com]\n  gateways", "hosts: [nginx.example.com, other.example.com]\n  gateways"),
                 "{from: external, to: 'https://nginx.example.com'}")
    assert other.immediate is not None and other.immediate.status is None


def test_https_redirect_on_any_server_for_the_host_redirects_the_whole_vhost():
    # gateway_simulation_test.go "mixed httpsRedirect with routes": ErrTLSRedirect even with routes.
    plain = GATEWAY.replace("name: bookinfo-gateway", "name: plain")
    redirecting = GATEWAY.replace("name: bookinfo-gateway", "name: redirecting").replace(
        "hosts: [\"bookinfo.example.com\"", "tls: {httpsRedirect: true}\n      hosts: [\"bookinfo.example.com\"")
    vs = VS.replace("[bookinfo-gateway]", "[plain, redirecting]")
    p = plan(plain + "---\n" + redirecting + "---\n" + vs)
    assert (p.immediate.status, p.targets) == (301, ())


def test_vs_host_star_serves_the_server_hosts_only():
    # gateway_simulation_test.go TestHTTPGateway "simple http and virtual service": host mismatch -> no vhost.
    star = VS.replace('hosts: ["bookinfo.example.com"]', 'hosts: ["*"]')
    assert [t.service for t in plan(GATEWAY + "---\n" + star).targets] == ["productpage"]
    p = plan(GATEWAY + "---\n" + star, "{from: external, to: 'http://bad.example.com/productpage'}")
    assert (p.immediate.status, p.immediate.flags) == (404, ("NR",))


def test_namespace_scoped_server_hosts_disambiguate_virtual_services():
    # gateway_simulation_test.go "multiple wildcards with virtual service disambiguator".
    gateways = "".join(f"""
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: {name}, namespace: default}}
spec:
  selector: {{istio: ingressgateway}}
  servers: [{{port: {{number: 80, name: http, protocol: HTTP}}, hosts: ["{ns}/*.example.com"]}}]
---""" for name, ns in (("alpha", "team"), ("beta", "default")))
    vss = "".join(f"""
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: vs, namespace: {ns}}}
spec:
  hosts: ["{ns}.example.com"]
  gateways: [default/{gw}]
  http: [{{route: [{{destination: {{host: {dest}, port: {{number: 9080}}}}}}]}}]
---""" for ns, gw, dest in (("team", "alpha", "reviews.default.svc.cluster.local"), ("default", "beta", "productpage")))
    team = plan(gateways + vss, "{from: external, to: 'http://team.example.com/'}")
    assert [t.service for t in team.targets] == ["reviews"]
    default = plan(gateways + vss, "{from: external, to: 'http://default.example.com/'}")
    assert [t.service for t in default.targets] == ["productpage"]
    crossed = plan(gateways + vss.replace("gateways: [default/alpha]", "gateways: [default/beta]"),
                   "{from: external, to: 'http://team.example.com/'}")
    assert (crossed.immediate.status, crossed.immediate.flags) == (404, ("NR",))   # beta admits only default/*


def test_mesh_client_calling_the_ingress_gateway_service_goes_through_its_routes():
    # A pod curling istio-ingressgateway.istio-system with a Host header (io ingress-control task from a pod):
    # the Host names no mesh virtual host, so the sidecar passes through; the gateway then routes.
    text = TOPOLOGY + "  clients: [{name: sleep}]\n"
    config = text + "\n---\n" + GATEWAY + "---\n" + VS + \
        "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + \
        "{from: default/sleep, to: 'istio-ingressgateway.istio-system:80/productpage', headers: {Host: bookinfo.example.com}}"
    mesh = build_mesh(load_config_text(config, "t.yaml"))
    p = plan_stream(mesh, mesh.streams[0])
    (c,) = p.targets[0].connections
    assert c.endpoint.name == "istio-ingressgateway-0" and c.behaviour.error_rate == 0.0
    assert any("productpage" in s.detail for s in c.trace if s.stage == "gateway")


def test_gateway_server_on_the_container_port_also_listens():
    # The default ingress Service maps 80 -> 8080; a server written with the container port still
    # gets the traffic (gateway_simulation_test.go TestTargetPort / TestDisablePortTranslation).
    p = plan(GATEWAY.replace("number: 80, name: http", "number: 8080, name: http") + "---\n" + VS)
    assert [t.service for t in p.targets] == ["productpage"]
