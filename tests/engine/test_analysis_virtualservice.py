"""VirtualService analyzers, both directions. Rows follow istio's analyzer fixtures:
pkg/config/analysis/analyzers/testdata/virtualservice_{destinationrules,destinationhosts,gateways,
conflictingmeshgatewayhosts}.yaml and the expectations in analyzers_test.go."""

import pytest

from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config_text


def run(name: str, text: str) -> list[str]:
    analyzer = next(a for a in ANALYZERS if a.name == name)
    config = load_config_text(text, "t.yaml")
    config.rejected, config.notes = [], []      # only what this analyzer says
    return [d.render() for d in analyze(config, analyzers=(analyzer,))]


def vs(name, body, ns="default", meta=""):
    return f"apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {name}\n  namespace: {ns}\n{meta}spec:\n{body}---\n"


def svc(name, ns="default", ports=(9080,), annotations=""):
    port_lines = "".join(f"  - name: http-{p}\n    port: {p}\n" for p in ports)
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n{annotations}"
            f"spec:\n  selector:\n    app: {name}\n  ports:\n{port_lines}---\n")


DR_REVIEWS = """apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
---
"""

ROUTE_SUBSET = "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: {host}\n        subset: {subset}\n"

DR_ANALYZER = "virtualservice.DestinationRuleAnalyzer"


@pytest.mark.parametrize("text, expected", [
    # reviews-bogussubset: subset missing from the DestinationRule -> reported at the host's line
    (DR_REVIEWS + vs("reviews", ROUTE_SUBSET.format(host="reviews", subset="v3")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:22) '
      'Referenced host+subset in destinationrule not found: "reviews+v3"']),
    # existing subset: nothing
    (DR_REVIEWS + vs("reviews", ROUTE_SUBSET.format(host="reviews", subset="v1")), []),
    # FQDN on the VirtualService side names the same (namespace, name)
    (DR_REVIEWS + vs("reviews", ROUTE_SUBSET.format(host="reviews.default.svc.cluster.local", subset="v1")), []),
    # `reviews.default` is literal: it does not name default/reviews
    (DR_REVIEWS + vs("reviews", ROUTE_SUBSET.format(host="reviews.default", subset="v1")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:22) '
      'Referenced host+subset in destinationrule not found: "reviews.default+v1"']),
    # DR in another namespace with a short host does not match
    (DR_REVIEWS.replace("namespace: default", "namespace: other")
     + vs("reviews", ROUTE_SUBSET.format(host="reviews", subset="v1")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:22) '
      'Referenced host+subset in destinationrule not found: "reviews+v1"']),
    # reviews-mirror-bogussubset
    (DR_REVIEWS + vs("reviews-mirror", "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n"
                     "        host: reviews\n    mirror:\n      host: reviews\n      subset: v9\n"),
     ['Error [IST0101] (VirtualService default/reviews-mirror t.yaml:24) '
      'Referenced mirror+subset in destinationrule not found: "reviews+v9"']),
    # no subset: never a DR question
    (vs("reviews", "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n"), []),
])
def test_destination_rule_analyzer(text, expected):
    assert run(DR_ANALYZER, text) == expected


HOSTS = "virtualservice.DestinationHostAnalyzer"
ROUTE = "  hosts: [{host}]\n  http:\n  - route:\n    - destination:\n        host: {host}\n{extra}"


@pytest.mark.parametrize("text, expected", [
    # reviews-bogushost
    (vs("reviews", ROUTE.format(host="bogus", extra="")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:11) Referenced host not found: "bogus"']),
    (svc("reviews") + vs("reviews", ROUTE.format(host="reviews", extra="")), []),
    # a Service is visible from every namespace by its FQDN
    (svc("reviews", ns="other") + vs("reviews", ROUTE.format(host="reviews.other.svc.cluster.local", extra="")), []),
    # cross-namespace-details: a short name resolves in the VirtualService's namespace
    (svc("details") + vs("d", ROUTE.format(host="details", extra=""), ns="istio-system"),
     ['Error [IST0101] (VirtualService istio-system/d t.yaml:23) Referenced host not found: "details"']),
    # exportTo annotation hides the Service from other namespaces
    (svc("hello", ns="hello", annotations="  annotations:\n    networking.istio.io/exportTo: .\n")
     + vs("h", ROUTE.format(host="hello.hello.svc.cluster.local", extra=""), ns="other"),
     ['Error [IST0101] (VirtualService other/h t.yaml:25) '
      'Referenced host not found: "hello.hello.svc.cluster.local"']),
    # reviews-bogusport
    (svc("reviews") + vs("reviews", ROUTE.format(host="reviews", extra="        port:\n          number: 7777\n")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:23) Referenced host:port not found: "reviews:7777"']),
    (svc("reviews") + vs("reviews", ROUTE.format(host="reviews", extra="        port:\n          number: 9080\n")), []),
    # reviews-2port-missing
    (svc("reviews", ports=(8080, 9090)) + vs("reviews", ROUTE.format(host="reviews", extra="")),
     ['Error [IST0112] (VirtualService default/reviews t.yaml:25) This VirtualService routes to a service '
      '"reviews" that exposes multiple ports [8080 9090]. Specifying a port in the destination is required '
      'to disambiguate.']),
    # reviews-mirror-bogushost
    (svc("reviews") + vs("reviews", ROUTE.format(host="reviews", extra="    mirror:\n      host: bogus\n")),
     ['Error [IST0101] (VirtualService default/reviews t.yaml:25) Referenced mirror host not found: "bogus"']),
    # ServiceEntry hosts, wildcard by suffix, exportTo honoured
    ("apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext\nspec:\n"
     "  hosts: ['*.example.com']\n  ports:\n  - {number: 443, name: tls, protocol: TLS}\n  resolution: NONE\n---\n"
     + vs("api", "  hosts: [api.example.com]\n  tls:\n  - match:\n    - sniHosts: [api.example.com]\n"
          "    route:\n    - destination:\n        host: api.example.com\n"), []),
    ("apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext\n  namespace: a\nspec:\n"
     "  hosts: [api.example.com]\n  exportTo: ['.']\n  ports:\n  - {number: 443, name: tls, protocol: TLS}\n---\n"
     + vs("api", ROUTE.format(host="api.example.com", extra=""), ns="b"),
     ['Error [IST0101] (VirtualService b/api t.yaml:22) Referenced host not found: "api.example.com"']),
])
def test_destination_host_analyzer(text, expected):
    assert run(HOSTS, text) == expected


def test_ingress_route_rules_not_affected():
    """IST0140: gateway VS routes to reviews without subset while a mesh VS splits it by subset."""
    text = (svc("reviews") + vs("reviews", "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n"
                                "        host: reviews\n        subset: v1\n")
            + vs("bookinfo", "  hosts: ['*']\n  gateways: [bookinfo-gateway]\n  http:\n  - route:\n"
                 "    - destination:\n        host: reviews\n"))
    assert run(HOSTS, text) == [
        "Warning [IST0140] (VirtualService default/bookinfo t.yaml:26) Subset in virtual service "
        "default/reviews has no effect on ingress gateway default/bookinfo requests"]
    mesh_only = text.replace("gateways: [bookinfo-gateway]\n", "")
    assert run(HOSTS, mesh_only) == []


GATEWAYS = "virtualservice.GatewayAnalyzer"
GW = """apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector: {{istio: ingressgateway}}
  servers:
  - port: {{number: 8080, name: http, protocol: HTTP}}
    hosts: [{hosts}]
---
"""


@pytest.mark.parametrize("text, expected", [
    # httpbin-bogus: missing gateway -> IST0101 and IST0132 (no hosts to match)
    (vs("httpbin", "  hosts: [httpbin.example.com]\n  gateways: [bogus-gateway]\n  http:\n"
        "  - route:\n    - destination: {host: httpbin}\n"),
     ['Error [IST0101] (VirtualService default/httpbin t.yaml:8) Referenced gateway not found: "bogus-gateway"',
      'Warning [IST0132] (VirtualService default/httpbin t.yaml:8) one or more host [httpbin.example.com] '
      'defined in VirtualService default/httpbin not found in Gateway default/bogus-gateway.']),
    (GW.format(name="gw", ns="default", hosts="'*'")
     + vs("httpbin", "  hosts: [httpbin.example.com]\n  gateways: [gw, mesh]\n  http:\n"
          "  - route:\n    - destination: {host: httpbin}\n"), []),
    # host not served by the gateway
    (GW.format(name="gw", ns="default", hosts="shop.example.com")
     + vs("httpbin", "  hosts: [httpbin.example.com]\n  gateways: [gw]\n  http:\n"
          "  - route:\n    - destination: {host: httpbin}\n"),
     ['Warning [IST0132] (VirtualService default/httpbin t.yaml:19) one or more host [httpbin.example.com] '
      'defined in VirtualService default/httpbin not found in Gateway default/gw.']),
    # cross-test: `frontend/*` admits only VirtualServices of frontend
    (GW.format(name="gw", ns="istio-system", hosts="frontend/*")
     + vs("cross", "  hosts: [shop.example.com]\n  gateways: [istio-system/gw]\n  http:\n"
          "  - route:\n    - destination: {host: shop}\n"),
     ['Warning [IST0132] (VirtualService default/cross t.yaml:19) one or more host [shop.example.com] '
      'defined in VirtualService default/cross not found in Gateway istio-system/gw.']),
    (GW.format(name="gw", ns="istio-system", hosts="default/*")
     + vs("cross", "  hosts: [shop.example.com]\n  gateways: [istio-system/gw]\n  http:\n"
          "  - route:\n    - destination: {host: shop}\n"), []),
    # a bare name is looked up in the VirtualService's namespace
    (GW.format(name="gw", ns="istio-system", hosts="'*'")
     + vs("shop", "  hosts: [shop.example.com]\n  gateways: [gw]\n  http:\n"
          "  - route:\n    - destination: {host: shop}\n"),
     ['Error [IST0101] (VirtualService default/shop t.yaml:19) Referenced gateway not found: "gw"',
      'Warning [IST0132] (VirtualService default/shop t.yaml:19) one or more host [shop.example.com] '
      'defined in VirtualService default/shop not found in Gateway default/gw.']),
])
def test_gateway_analyzer(text, expected):
    assert run(GATEWAYS, text) == expected


MESH = "virtualservice.ConflictingMeshGatewayHostsAnalyzer"
SIMPLE = "  hosts: [{host}]\n{extra}  http:\n  - route:\n    - destination: {{host: {host}}}\n"


def test_conflicting_mesh_hosts_reported_on_both():
    text = vs("reviews-a", SIMPLE.format(host="reviews", extra="")) + vs("reviews-b", SIMPLE.format(
        host="reviews", extra=""))
    expected = ("Error [IST0109] (VirtualService default/reviews-{} t.yaml:{}) The VirtualServices "
                "default/reviews-a,default/reviews-b associated with mesh gateway define the same host "
                "*/reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed "
                "by merging the conflicting VirtualServices into a single resource.")
    assert run(MESH, text) == [expected.format("a", 4), expected.format("b", 15)]


@pytest.mark.parametrize("text", [
    # gateway-bound VirtualServices are merged by the gateway: no conflict
    vs("a", SIMPLE.format(host="reviews", extra="  gateways: [gw]\n"))
    + vs("b", SIMPLE.format(host="reviews", extra="  gateways: [gw]\n")),
    # same short host in different namespaces: different FQDNs
    vs("a", SIMPLE.format(host="reviews", extra=""), ns="x") + vs("a", SIMPLE.format(host="reviews", extra=""), ns="y"),
    # exported to disjoint namespaces
    vs("a", SIMPLE.format(host="reviews.default.svc.cluster.local", extra="  exportTo: [x]\n"))
    + vs("b", SIMPLE.format(host="reviews.default.svc.cluster.local", extra="  exportTo: [y]\n")),
])
def test_conflicting_mesh_hosts_not_reported(text):
    assert run(MESH, text) == []


def test_namespace_scoped_conflicts_with_public():
    text = (vs("a", SIMPLE.format(host="reviews.default.svc.cluster.local", extra="  exportTo: ['.']\n"))
            + vs("b", SIMPLE.format(host="reviews", extra="")))
    assert [line.split(")")[0] for line in run(MESH, text)] == [
        "Error [IST0109] (VirtualService default/a t.yaml:4", "Error [IST0109] (VirtualService default/b t.yaml:16"]


DEPRECATION = "deprecation.DeprecationAnalyzer"


def test_deprecated_fields():
    """deprecation.yaml: VirtualService foo/productpage (fault.delay.percent), Sidecar default/no-selector."""
    text = (vs("productpage", "  hosts: [productpage]\n  http:\n  - fault:\n      delay: {percent: 50, fixedDelay: 5s}\n"
               "    route:\n    - destination: {host: productpage}\n", ns="foo")
            + "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: no-selector\nspec:\n"
              "  egress:\n  - hosts: ['./*']\n  outboundTrafficPolicy:\n    mode: ALLOW_ANY\n"
              "    egressProxy: {host: foo.bar, subset: shiny, port: {number: 5000}}\n")
    assert run(DEPRECATION, text) == [
        "Warning [IST0002] (Sidecar default/no-selector t.yaml:14) Deprecated: OutboundTrafficPolicy.EgressProxy ignored",
        "Warning [IST0002] (VirtualService foo/productpage t.yaml:1) Deprecated: HTTPRoute.fault.delay.percent is "
        "deprecated; use HTTPRoute.fault.delay.percentage"]
    assert run(DEPRECATION, text.replace("percent: 50", "percentage: {value: 50}")
               .replace("    egressProxy: {host: foo.bar, subset: shiny, port: {number: 5000}}\n", "")) == []


JWT = "virtualservice.JWTClaimRouteAnalyzer"
CLAIM_VS = vs("claims", "  hosts: [shop.example.com]\n  gateways: [istio-system/public]\n  http:\n  - match:\n"
                        "    - headers:\n        '@request.auth.claims.group': {exact: admin}\n"
                        "    route:\n    - destination: {host: shop}\n")
PUBLIC_GW = GW.format(name="public", ns="istio-system", hosts="shop.example.com")


def request_authentication(ns, selector=""):
    sel = f"  selector:\n    matchLabels: {{{selector}}}\n" if selector else ""
    return (f"apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\n  namespace: {ns}\n"
            f"spec:\n{sel}  jwtRules:\n  - issuer: https://issuer.example.com\n---\n")


def test_jwt_claim_routing_needs_request_authentication_on_the_gateway():
    """virtualservice_jwtclaimroute.yaml: claims exist only after a RequestAuthentication validated the token."""
    assert run(JWT, PUBLIC_GW + CLAIM_VS) == [
        "Error [IST0149] (VirtualService default/claims t.yaml:12) The virtual service uses the JWT claim based routing "
        "(key: @request.auth.claims.group) but found no request authentication for the gateway (istio-system/public) "
        "pod (istio-ingressgateway-0). The request authentication must first be applied for the gateway pods to "
        "validate the JWT token and make the claims available for routing."]
    assert run(JWT, PUBLIC_GW + CLAIM_VS + request_authentication("istio-system", "istio: ingressgateway")) == []
    assert run(JWT, PUBLIC_GW + CLAIM_VS + request_authentication("istio-system")) == []
    assert len(run(JWT, PUBLIC_GW + CLAIM_VS + request_authentication("default"))) == 1
    assert run(JWT, PUBLIC_GW + CLAIM_VS.replace("@request.auth.claims.group", "x-group")) == []
