"""Istio's validation tests for VirtualService, as YAML rows:
TestValidateVirtualService, virtualservice_test.go (delegation: TestValidateChainingVirtualService,
TestValidateRootHTTPRoute, TestValidateDelegateHTTPRoute) and agent TestValidateWildcardDomain*.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import BAZ, CLEAN, OK, ONE_PORT, ROUTE, SOUTH_EAST, Table, bad, check, obj, se, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateVirtualService (checkValidation: warnings are compared too) -----------------------
def vs(spec: str) -> str:
    return obj("VirtualService", spec)


case("TestValidateVirtualService", "simple", vs(f"hosts: [foo.bar]\n{BAZ}"), CLEAN)
case("TestValidateVirtualService", "allow sni based domains",
     vs("hosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local]\ngateways: [ns1/gateway]\n"
        "tls: [{match: [{sniHosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local]}], "
        "route: [{destination: {host: istio.istio-system.svc.cluster.local}}]}]"), CLEAN)
case("TestValidateVirtualService", "duplicate hosts", vs(f"hosts: ['*.foo.bar', '*.bar']\n{BAZ}"), bad("duplicate hosts"))
case("TestValidateVirtualService", "with no destination",
     vs("hosts: ['*.foo.bar', '*.bar']\nhttp: [{route: [{}]}]"), bad())
case("TestValidateVirtualService", "destination with out hosts",
     vs("hosts: ['*.foo.bar', '*.bar']\nhttp: [{route: [{destination: {}}]}]"), bad())
case("TestValidateVirtualService", "delegate with no hosts", vs(BAZ), CLEAN)
case("TestValidateVirtualService", "bad host", vs(f"hosts: [foo.ba!r]\n{BAZ}"), bad())
case("TestValidateVirtualService", "no tcp or http routing", vs("hosts: [foo.bar]"), bad())
case("TestValidateVirtualService", "bad gateway", vs(f"hosts: [foo.bar]\ngateways: [b@dgateway]\n{BAZ}"), bad())
case("TestValidateVirtualService", "FQDN for gateway",
     vs(f"hosts: [foo.bar]\ngateways: [gateway.example.com]\n{BAZ}"), warn(""))
case("TestValidateVirtualService", "namespace/name for gateway",
     vs(f"hosts: [foo.bar]\ngateways: [ns1/gateway]\n{BAZ}"), CLEAN)
case("TestValidateVirtualService", "namespace/* for gateway", vs(f"hosts: [foo.bar]\ngateways: ['ns1/*']\n{BAZ}"), bad())
case("TestValidateVirtualService", "*/name for gateway", vs(f"hosts: [foo.bar]\ngateways: ['*/gateway']\n{BAZ}"), bad())
case("TestValidateVirtualService", "wildcard for mesh gateway", vs(f"hosts: ['*']\n{BAZ}"), bad())
case("TestValidateVirtualService", "wildcard for non-mesh gateway",
     vs(f"hosts: ['*']\ngateways: [somegateway]\n{BAZ}"), CLEAN)
case("TestValidateVirtualService", "missing tcp route", vs("hosts: [foo.bar]\ntcp: [{match: [{port: 999}]}]"), bad())
case("TestValidateVirtualService", "missing tls route",
     vs("hosts: [foo.bar]\ntls: [{match: [{port: 999, sniHosts: [foo.bar]}]}]"), bad())
case("TestValidateVirtualService", "deprecated mirror",
     vs("hosts: [foo.bar]\ngateways: [ns1/gateway]\nhttp: [{mirrorPercent: 5, route: [{destination: {host: foo.baz}}]}]"),
     warn(""))
case("TestValidateVirtualService", "set authority",
     vs("hosts: [foo.bar]\nhttp: [{headers: {request: {set: {':authority': foo}}}, route: [{destination: {host: foo.baz}}]}]"),
     CLEAN)
case("TestValidateVirtualService", "set authority in destination",
     vs("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: foo.baz}, headers: {request: {set: {':authority': foo}}}}]}]"),
     CLEAN)
case("TestValidateVirtualService", "set authority in rewrite and header",
     vs("hosts: [foo.bar]\nhttp: [{headers: {request: {set: {':authority': foo}}}, rewrite: {authority: bar}, "
        "route: [{destination: {host: foo.baz}}]}]"), bad())
case("TestValidateVirtualService", "non-method-get",
     vs("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: foo.baz}}], match: [{uri: {prefix: /api/v1/product}}, "
        "{uri: {prefix: /api/v1/products}, method: {exact: GET}}]}]"), warn(""))
case("TestValidateVirtualService", "uri-with-prefix-exact",
     vs("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: foo.baz}}], match: [{uri: {prefix: /}}, "
        "{uri: {exact: /}, method: {exact: GET}}]}]"), CLEAN)
case("TestValidateVirtualService", "jwt claim route without gateway",
     vs("hosts: [foo.bar]\ngateways: [mesh]\nhttp: [{route: [{destination: {host: foo.baz}}], match: [{uri: {prefix: /}, "
        "headers: {'@request.auth.claims.foo': {exact: bar}}}]}]"), bad())
case("TestValidateVirtualService", "ip address as sni host",
     vs("hosts: [foo.bar]\ntls: [{route: [{destination: {host: foo.baz}}], match: [{port: 999, sniHosts: [1.1.1.1]}]}]"),
     warn(""))
case("TestValidateVirtualService", "invalid wildcard as sni host",
     vs("hosts: [foo.bar]\ntls: [{route: [{destination: {host: foo.baz}}], match: [{port: 999, sniHosts: [foo.*.com]}]}]"),
     bad())


# ---- virtualservice_test.go: delegation (TestValidateChainingVirtualService & co) -------------------
DELEGATE = "delegate: {name: test, namespace: test}"
for name, spec, expect in (
        ("root simple", f"hosts: [foo.bar]\ngateways: [test-gateway]\nhttp: [{{{DELEGATE}}}]", OK),
        ("root applies to sidecar with delegate", f"hosts: [foo.bar]\nhttp: [{{{DELEGATE}}}]", OK),
        ("root with delegate and destination in one route",
         f"hosts: [foo.bar]\nhttp: [{{{DELEGATE}, route: [{{destination: {{host: foo.baz}}}}]}}]", bad()),
        ("delegate with no destination", "http: [{}]", bad()),
        ("delegate with delegate", f"http: [{{{DELEGATE}}}]", bad()),
        ("delegate with TCP route", "tcp: [{route: [{destination: {host: foo.baz}}]}]", bad()),
        ("delegate with gateway", "gateways: [test]\nhttp: [{route: [{destination: {host: foo.baz}}]}]", bad()),
        ("delegate with sourceNamespace",
         "http: [{match: [{sourceNamespace: test}], route: [{destination: {host: foo.baz}}]}]", OK)):
    case("TestValidateChainingVirtualService", name, vs(spec), expect)

REDIRECT = "redirect: {uri: /, authority: foo.biz}"
for name, body, expect in (
        ("simple", DELEGATE, OK),
        ("route and delegate conflict", f"route: [{{destination: {{host: foo.baz}}}}], {DELEGATE}", bad()),
        ("redirect and delegate conflict", f"redirect: {{uri: /lerp, authority: foo.biz}}, {DELEGATE}", bad()),
        ("prefix header match", f"{DELEGATE}, match: [{{headers: {{header: {{prefix: test}}}}}}]", OK),
        ("exact header match", f"{DELEGATE}, match: [{{headers: {{header: {{exact: test}}}}}}]", OK),
        ("regex header match", f"{DELEGATE}, match: [{{headers: {{header: {{regex: test}}}}}}]", OK),
        ("regex uri match", f"{DELEGATE}, match: [{{uri: {{regex: test}}}}]", OK),
        ("prefix uri match", f"{DELEGATE}, match: [{{uri: {{prefix: test}}}}]", OK),
        ("exact uri match", f"{DELEGATE}, match: [{{uri: {{exact: test}}}}]", OK),
        ("prefix queryParams match", f"{DELEGATE}, match: [{{queryParams: {{q: {{prefix: test}}}}}}]", OK),
        ("exact queryParams match", f"{DELEGATE}, match: [{{queryParams: {{q: {{exact: test}}}}}}]", OK),
        ("regex queryParams match", f"{DELEGATE}, match: [{{headers: {{q: {{regex: test}}}}}}]", OK),
        ("empty regex match in method", f"match: [{{method: {{regex: ''}}}}], {REDIRECT}", bad()),
        ("empty regex match in uri", f"match: [{{uri: {{regex: ''}}}}], {REDIRECT}", bad()),
        ("empty regex match in query", f"match: [{{queryParams: {{q: {{regex: ''}}}}}}], {REDIRECT}", bad()),
        ("empty regex match in scheme", f"match: [{{scheme: {{regex: ''}}}}], {REDIRECT}", bad())):
    case("TestValidateRootHTTPRoute", name, vs(f"hosts: [foo.bar]\nhttp: [{{{body}}}]"), expect)

FOO_BAZ = "route: [{destination: {host: foo.baz}}]"
for name, body, expect in (
        ("empty", "", bad()),
        ("simple", FOO_BAZ, OK),
        ("no destination", "route: [{destination: null}]", bad()),
        ("weighted", SOUTH_EAST % (25, 75), OK),
        ("total weight > 100", SOUTH_EAST % (55, 50), OK),
        ("total weight < 100", SOUTH_EAST % (49, 50), OK),
        ("simple redirect", "redirect: {uri: /lerp, authority: foo.biz}", OK),
        ("conflicting redirect and route", f"{FOO_BAZ}, redirect: {{uri: /lerp, authority: foo.biz}}", bad()),
        ("empty header name - request add", "route: [{destination: {host: foo.baz}, headers: {request: {add: {'': value}}}}]",
         bad()),
        ("empty header name - response remove",
         "route: [{destination: {host: foo.baz}, headers: {response: {remove: ['']}}}]", bad()),
        ("nil match", ROUTE, OK),
        ("invalid mirror percent", f"mirrorPercent: 101, {ROUTE}", bad()),
        ("invalid mirror percentage", f"mirrorPercentage: {{value: 101}}, {ROUTE}", bad()),
        ("valid mirror percentage", f"mirrorPercentage: {{value: 1}}, {ROUTE}", OK),
        ("delegate route with delegate", DELEGATE, bad())):
    case("TestValidateDelegateHTTPRoute", name, vs(f"http: [{{{body}}}]"), expect)


# ---- TestValidateWildcardDomain (ServiceEntry hosts; `*` alone is refused there by a CEL rule, so
# that row goes through a VirtualService bound to a gateway) and the gateway-bound variant -----------
# that row goes through a VirtualService bound to a gateway) and the gateway-bound variant -----------
for name, host, out in (
        ("empty", "''", "empty"),
        ("too long", "x" * 256, "too long"),
        ("happy", "x" * 63, ""),
        ("wildcard multi-segment", "'*.bar.com'", ""),
        ("wildcard single segment", "'*foo'", ""),
        ("wildcard prefix", "'*foo.bar.com'", ""),
        ("wildcard prefix dash", "'*-foo.bar.com'", ""),
        ("bad wildcard (middle)", "foo.*.com", "invalid"),
        ("bad wildcard (suffix)", "foo*.bar.com", "invalid"),
        ("IP address", "1.1.1.1", "invalid")):
    case("TestValidateWildcardDomain", name, se(f"hosts: [{host}]\n{ONE_PORT}"), bad(out) if out else OK)
case("TestValidateWildcardDomain", "wildcard", vs(f"hosts: ['*']\ngateways: [gw]\n{BAZ}"), OK)

for name, host, sni, out in (
        ("empty", "''", False, "empty"),
        ("too long", "x" * 256, False, "too long"),
        ("happy", "x" * 63, False, ""),
        ("wildcard", "'*'", False, ""),
        ("wildcard multi-segment", "'*.bar.com'", False, ""),
        ("wildcard single segment", "'*foo'", False, ""),
        ("wildcard prefix", "'*foo.bar.com'", False, ""),
        ("wildcard prefix dash", "'*-foo.bar.com'", False, ""),
        ("bad wildcard (middle)", "foo.*.com", False, "invalid"),
        ("bad wildcard (suffix)", "foo*.bar.com", False, "invalid"),
        # agent.ValidateWildcardDomainForVirtualServiceBoundToGateway refuses an IP, but
        # ValidateVirtualService forgives the error when the host is an IP (netutil.IsValidIPAddress)
        ("IP address", "1.1.1.1", False, ""),
        ("SNI domain", "outbound_.80_._.e2e.foobar.mesh", True, ""),
        ("happy (sni)", "outbound.com", True, ""),
        ("invalid SNI domain (direction)", "neverbound_.80_._.e2e.foobar.mesh", True, "invalid"),
        ("invalid SNI domain (port)", "outbound_.thisIsNotAPort_._.e2e.foobar.mesh", True, "invalid"),
        ("invalid SNI domain (no host)", "outbound_.80_._", True, "invalid")):
    routes = (f"tls: [{{match: [{{sniHosts: [{host}]}}], route: [{{destination: {{host: foo.baz}}}}]}}]" if sni else BAZ)
    case("TestValidateWildcardDomainForVirtualServiceBoundToGateway", name,
         vs(f"hosts: [{host}]\ngateways: [ns1/gateway]\n{routes}"), bad(out) if out else OK)


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
