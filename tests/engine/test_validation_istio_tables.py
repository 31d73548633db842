"""Istio's own validation test tables, re-expressed as YAML in -> diagnostics out.

One row per case of istio/istio `pkg/config/validation/validation_test.go` (TestValidateCORSPolicy,
TestValidateHTTPRetry, ...) and `virtualservice_test.go`, named `<IstioTest>/<case name>`. Go
structs become the object's YAML (proto field names in camelCase), wrapped in the smallest object
that carries them (a sub-message test gets a VirtualService / DestinationRule / Gateway around it).
Expectations, as istioctl analyze and kubectl apply would show them together:
- OK: no Error at any layer (the sub-message tests do not look at warnings);
- CLEAN: no Error and no webhook warning (Istio's checkValidation with `warning: false`);
- bad("text"): some Error whose message contains Istio's error text (any Error when no text);
- warn("text"): admitted, with a webhook warning containing the text (IST0133, or IST0130/IST0131
  for the unreachable-rule warnings that ValidateVirtualService returns as warnings).
Where our layer-2 schema refuses first (a CEL rule, a duration under 1ms), the object is still
an Error, as on a cluster.
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass

import pytest

from engine.config import load_config_text
from engine.diagnostics import Level


@dataclass(frozen=True)
class Expect:
    valid: bool
    text: str = ""
    warning: bool = False
    clean: bool = False      # no webhook warning either


OK = Expect(True)
CLEAN = Expect(True, clean=True)
WARNINGS = ("IST0133", "IST0130", "IST0131")


def bad(text: str = "") -> Expect:
    return Expect(False, text)


def warn(text: str) -> Expect:
    return Expect(True, text, warning=True)


_GROUP = {"VirtualService": "networking.istio.io/v1", "DestinationRule": "networking.istio.io/v1",
          "Gateway": "networking.istio.io/v1", "ServiceEntry": "networking.istio.io/v1",
          "Sidecar": "networking.istio.io/v1", "AuthorizationPolicy": "security.istio.io/v1",
          "PeerAuthentication": "security.istio.io/v1", "RequestAuthentication": "security.istio.io/v1"}


def obj(kind: str, spec: str, name: str = "foo", namespace: str = "bar") -> str:
    """Istio's tests use name `foo`, namespace `bar` (someName / someNamespace)."""
    return (f"apiVersion: {_GROUP[kind]}\nkind: {kind}\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            "spec:\n" + textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ") + "\n")


ROUTE = "route: [{destination: {host: foo.bar}}]"


def http(fields: str, *, route: bool = True) -> str:
    """A VirtualService around one HTTP route with these fields (plus a route unless told not to)."""
    body = f"{fields}, {ROUTE}" if route and fields else (fields or ROUTE)
    return obj("VirtualService", f"hosts: [foo.bar]\nhttp: [{{{body}}}]")


def dr(spec: str, **kw) -> str:
    return obj("DestinationRule", spec, **kw)


def policy(fields: str) -> str:
    """A DestinationRule whose trafficPolicy has these fields (TestValidateTrafficPolicy & co)."""
    return dr(f"host: reviews\ntrafficPolicy: {{{fields}}}")


def gateway(server: str) -> str:
    return obj("Gateway", f"servers: [{server}]")


CASES: list[tuple[str, str, Expect]] = []


def case(test: str, name: str, text: str, expect: Expect) -> None:
    CASES.append((f"{test}/{name}", text, expect))


# ---- TestValidateCORSPolicy --------------------------------------------------------------------
CORS = "allowMethods: [GET, POST], allowHeaders: [header1, header2], exposeHeaders: [header3], maxAge: %s"
case("TestValidateCORSPolicy", "valid", http("corsPolicy: {%s}" % (CORS % "2s")), OK)
case("TestValidateCORSPolicy", "bad method",
     http("corsPolicy: {%s}" % (CORS % "2s").replace("POST", "PUTT")), bad("PUTT"))
case("TestValidateCORSPolicy", "bad header",
     http("corsPolicy: {%s}" % (CORS % "2s").replace("[header3]", "['']")), bad())
case("TestValidateCORSPolicy", "bad max age", http("corsPolicy: {%s}" % (CORS % "2.000000042s")), bad())
case("TestValidateCORSPolicy", "empty matchType AllowOrigins",
     http("corsPolicy: {allowOrigins: [{exact: ''}, {prefix: ''}, {regex: ''}], %s}" % (CORS % "2s")), bad())
case("TestValidateCORSPolicy", "non empty matchType AllowOrigins",
     http("corsPolicy: {allowOrigins: [{exact: exact}, {prefix: prefix}, {regex: regex}], %s}" % (CORS % "2s")), OK)

# ---- TestValidateHTTPStatus (through a direct response) ------------------------------------------
for status, expect in ((-100, bad()), (0, bad()), (200, OK), (600, OK), (601, bad())):
    case("TestValidateHTTPStatus", str(status), http(f"directResponse: {{status: {status}}}", route=False), expect)

# ---- TestValidateHTTPFaultInjectionAbort / Delay ------------------------------------------------
def abort(fields: str) -> str:
    return http("fault: {abort: {%s}}" % fields)


case("TestValidateHTTPFaultInjectionAbort", "valid", abort("percentage: {value: 20}, httpStatus: 200"), OK)
case("TestValidateHTTPFaultInjectionAbort", "valid default", abort("httpStatus: 200"), OK)
case("TestValidateHTTPFaultInjectionAbort", "invalid http status",
     abort("percentage: {value: 20}, httpStatus: 9000"), bad())
case("TestValidateHTTPFaultInjectionAbort", "invalid low http status",
     abort("percentage: {value: 20}, httpStatus: 100"), bad())
case("TestValidateHTTPFaultInjectionAbort", "valid percentage", abort("percentage: {value: 0.001}, httpStatus: 200"), OK)
case("TestValidateHTTPFaultInjectionAbort", "invalid fractional percent",
     abort("percentage: {value: -10.0}, httpStatus: 200"), bad())


def delay(fields: str) -> str:
    return http("fault: {delay: {%s}}" % fields)


case("TestValidateHTTPFaultInjectionDelay", "valid fixed", delay("percentage: {value: 20}, fixedDelay: 3s"), OK)
case("TestValidateHTTPFaultInjectionDelay", "valid default", delay("fixedDelay: 3s"), OK)
case("TestValidateHTTPFaultInjectionDelay", "invalid percent", delay("percentage: {value: 101}, fixedDelay: 3s"), bad())
case("TestValidateHTTPFaultInjectionDelay", "invalid delay",
     delay("percentage: {value: 20}, fixedDelay: 3.000000042s"), bad())
case("TestValidateHTTPFaultInjectionDelay", "valid fractional percentage",
     delay("percentage: {value: 0.001}, fixedDelay: 3s"), OK)
case("TestValidateHTTPFaultInjectionDelay", "invalid fractional percentage",
     delay("percentage: {value: -10.0}, fixedDelay: 3s"), bad())

# ---- TestValidateHTTPRetry ----------------------------------------------------------------------
def retry(fields: str) -> str:
    return http("retries: {%s}" % fields)


case("TestValidateHTTPRetry", "valid", retry("attempts: 10, perTryTimeout: 2s, retryOn: '5xx,gateway-error'"), OK)
case("TestValidateHTTPRetry", "disable retries", retry("attempts: 0"), OK)
case("TestValidateHTTPRetry", "invalid, retry policy configured but attempts set to zero",
     retry("attempts: 0, perTryTimeout: 2s, retryOn: '5xx,gateway-error'"), bad())
case("TestValidateHTTPRetry", "valid default", retry("attempts: 10"), OK)
case("TestValidateHTTPRetry", "valid http status retryOn",
     retry("attempts: 10, perTryTimeout: 2s, retryOn: '503,connect-failure'"), OK)
case("TestValidateHTTPRetry", "invalid attempts", retry("attempts: -1, perTryTimeout: 2s"), bad())
case("TestValidateHTTPRetry", "invalid timeout", retry("attempts: 10, perTryTimeout: 2.000000001s"), bad())
case("TestValidateHTTPRetry", "timeout too small", retry("attempts: 10, perTryTimeout: 999ns"), bad())
case("TestValidateHTTPRetry", "invalid policy retryOn",
     retry("attempts: 10, perTryTimeout: 2s, retryOn: '5xx,invalid policy'"), bad())
case("TestValidateHTTPRetry", "invalid http status retryOn",
     retry("attempts: 10, perTryTimeout: 2s, retryOn: '600,connect-failure'"), bad())
case("TestValidateHTTPRetry", "invalid, retryRemoteLocalities configured but attempts set to zero",
     retry("attempts: 0, retryRemoteLocalities: false"), bad())

# ---- TestValidateHTTPRewrite / TestValidateHTTPRedirect ------------------------------------------
case("TestValidateHTTPRewrite", "uri and authority", http("rewrite: {uri: /path/to/resource, authority: foobar.org}"), OK)
case("TestValidateHTTPRewrite", "uri", http("rewrite: {uri: /path/to/resource}"), OK)
case("TestValidateHTTPRewrite", "authority", http("rewrite: {authority: foobar.org}"), OK)
case("TestValidateHTTPRewrite", "no uri or authority", http("rewrite: {}"), bad())


def redirect(fields: str) -> str:
    return http("redirect: {%s}" % fields, route=False)


case("TestValidateHTTPRedirect", "empty uri and authority", redirect("uri: '', authority: ''"), bad())
case("TestValidateHTTPRedirect", "too small redirect code", redirect("uri: t, authority: '', redirectCode: 299"), bad())
case("TestValidateHTTPRedirect", "too large redirect code", redirect("uri: t, authority: '', redirectCode: 400"), bad())
case("TestValidateHTTPRedirect", "empty authority", redirect("uri: t, authority: ''"), OK)
case("TestValidateHTTPRedirect", "empty uri", redirect("uri: '', authority: t"), OK)
case("TestValidateHTTPRedirect", "empty redirect code", redirect("uri: t, authority: t, redirectCode: 0"), OK)
case("TestValidateHTTPRedirect", "normal redirect", redirect("uri: t, authority: t, redirectCode: 308"), OK)

# ---- TestValidateDestination (a route destination) -----------------------------------------------
def destination(fields: str) -> str:
    return obj("VirtualService", "hosts: [foo.bar]\nhttp: [{route: [{destination: {%s}}]}]" % fields)


case("TestValidateDestination", "empty", destination(""), bad())
case("TestValidateDestination", "simple", destination("host: foo.bar"), OK)
case("TestValidateDestination", "full", destination("host: foo.bar, subset: shiny, port: {number: 5000}"), OK)
case("TestValidateDestination", "unnumbered-selector", destination("host: foo.bar, subset: shiny, port: {}"), bad())


# ---- TestValidateHTTPRoute ------------------------------------------------------------------------
def route(body: str) -> str:
    return obj("VirtualService", "hosts: [foo.bar]\nhttp: [{%s}]" % body)


SOUTH_EAST = "route: [{destination: {host: foo.baz.south}, weight: %d}, {destination: {host: foo.baz.east}, weight: %d}]"
case("TestValidateHTTPRoute", "empty", route(""), bad())
case("TestValidateHTTPRoute", "simple", route("route: [{destination: {host: foo.baz}}]"), OK)
case("TestValidateHTTPRoute", "no destination", route("route: [{destination: null}]"), bad())
case("TestValidateHTTPRoute", "weighted", route(SOUTH_EAST % (25, 75)), OK)
# Istio >= 1.x no longer requires weights to sum to 100 (they are relative)
case("TestValidateHTTPRoute", "total weight > 100", route(SOUTH_EAST % (550, 500)), OK)
case("TestValidateHTTPRoute", "total weight < 100", route(SOUTH_EAST % (49, 50)), OK)
case("TestValidateHTTPRoute", "simple redirect", route("redirect: {uri: /lerp, authority: foo.biz}"), OK)
case("TestValidateHTTPRoute", "conflicting redirect and route",
     route("route: [{destination: {host: foo.baz}}], redirect: {uri: /lerp, authority: foo.biz}"), bad())


def headers(ops: str) -> str:
    return route("route: [{destination: {host: foo.baz}, headers: {%s}}]" % ops)


case("TestValidateHTTPRoute", "valid headers",
     headers("request: {add: {name: ''}, set: {name: ''}, remove: [name]}, "
             "response: {add: {name: ''}, set: {name: ''}, remove: [name]}"), OK)
for where in ("request", "response"):
    case("TestValidateHTTPRoute", f"empty header name - {where} add", headers(f"{where}: {{add: {{'': value}}}}"), bad())
    case("TestValidateHTTPRoute", f"empty header name - {where} set", headers(f"{where}: {{set: {{'': value}}}}"), bad())
    case("TestValidateHTTPRoute", f"empty header name - {where} remove", headers(f"{where}: {{remove: ['']}}"), bad())
case("TestValidateHTTPRoute", "envoy escaped % set", headers("response: {set: {i-love-istio: '100%%'}}"), OK)
case("TestValidateHTTPRoute", "envoy variable set", headers("response: {set: {name: '%HOSTNAME%'}}"), OK)
case("TestValidateHTTPRoute", "envoy unescaped % set", headers("response: {set: {name: 'abcd%oijasodifj'}}"), bad())
case("TestValidateHTTPRoute", "envoy escaped % add", headers("response: {add: {i-love-istio: '100%% and more'}}"), OK)
case("TestValidateHTTPRoute", "envoy variable add", headers("response: {add: {name: 'hello %HOSTNAME%'}}"), OK)
case("TestValidateHTTPRoute", "envoy unescaped % add", headers("response: {add: {name: 'abcd%oijasodifj'}}"), bad())
case("TestValidateHTTPRoute", "empty prefix header match",
     route(f"match: [{{headers: {{emptyprefix: {{prefix: ''}}}}}}], {ROUTE}"), bad())
case("TestValidateHTTPRoute", "nil match", route(ROUTE), OK)
case("TestValidateHTTPRoute", "match with nil element", route(f"match: [null], {ROUTE}"), OK)
case("TestValidateHTTPRoute", "invalid mirror percent", route(f"mirrorPercent: 101, {ROUTE}"), bad())
case("TestValidateHTTPRoute", "invalid mirror percentage", route(f"mirrorPercentage: {{value: 101}}, {ROUTE}"), bad())
case("TestValidateHTTPRoute", "valid mirror percentage", route(f"mirrorPercentage: {{value: 1}}, {ROUTE}"), OK)
case("TestValidateHTTPRoute", "negative mirror percentage", route(f"mirrorPercentage: {{value: -1}}, {ROUTE}"), bad())
case("TestValidateHTTPRoute", "mirrors without destination", route(f"mirrors: [{{destination: null}}], {ROUTE}"), bad())
case("TestValidateHTTPRoute", "mirrors invalid mirror percentage",
     route(f"mirrors: [{{destination: {{host: foo.baz}}}}, {{destination: {{host: foo.baz}}, percentage: {{value: 101}}}}], "
           f"{ROUTE}"), bad())
case("TestValidateHTTPRoute", "mirrors valid mirror percentage",
     route("mirrors: [{destination: {host: foo.baz}, percentage: {value: 1}}, "
           f"{{destination: {{host: foo.baz}}, percentage: {{value: 50}}}}], {ROUTE}"), OK)
case("TestValidateHTTPRoute", "mirrors negative mirror percentage",
     route(f"mirrors: [{{destination: {{host: foo.baz}}, percentage: {{value: -1}}}}], {ROUTE}"), bad())
case("TestValidateHTTPRoute", "conflicting mirror and mirrors",
     route("mirror: {host: foo.baz}, mirrors: [{destination: {host: foo.bar}}], route: [{destination: {host: foo.baz}}]"),
     bad())

# ---- TestValidateRouteDestination (tcp routes: validateRouteDestinations) -------------------------
def tcp(routes: str) -> str:
    return obj("VirtualService", "hosts: [foo.bar]\ntcp: [{route: [%s]}]" % routes)


def weighted(a: int, b: int) -> str:
    return tcp(f"{{destination: {{host: foo.baz.south}}, weight: {a}}}, {{destination: {{host: foo.baz.east}}, weight: {b}}}")


case("TestValidateRouteDestination", "simple", tcp("{destination: {host: foo.baz}}"), OK)
case("TestValidateRouteDestination", "wildcard dash", tcp("{destination: {host: '*-foo.baz'}}"), OK)
case("TestValidateRouteDestination", "wildcard prefix", tcp("{destination: {host: '*foo.baz'}}"), OK)
case("TestValidateRouteDestination", "wildcard", tcp("{destination: {host: '*'}}"), bad())
case("TestValidateRouteDestination", "bad wildcard", tcp("{destination: {host: 'foo.*'}}"), bad())
case("TestValidateRouteDestination", "bad fqdn", tcp("{destination: {host: default/baz}}"), bad())
case("TestValidateRouteDestination", "no destination", tcp("{destination: null}"), bad())
case("TestValidateRouteDestination", "weighted", weighted(25, 75), OK)
case("TestValidateRouteDestination", "weight < 0", weighted(5, -1), bad())
case("TestValidateRouteDestination", "total weight > 100", weighted(550, 500), OK)
case("TestValidateRouteDestination", "total weight < 100", weighted(49, 50), OK)
case("TestValidateRouteDestination", "total weight = 100", weighted(100, 0), OK)
case("TestValidateRouteDestination", "weight = 0", tcp("{destination: {host: foo.baz.south}, weight: 0}"), OK)
case("TestValidateRouteDestination", "total weight = 0 with multi RouteDestination", weighted(0, 0), bad())


# ---- TestValidateVirtualService (checkValidation: warnings are compared too) -----------------------
def vs(spec: str) -> str:
    return obj("VirtualService", spec)


BAZ = "http: [{route: [{destination: {host: foo.baz}}]}]"
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


# ---- TestValidateDestinationRule --------------------------------------------------------------------
SUBSETS = "subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]"
GOOD_POLICY = ("{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnections: 7}, "
               "http: {http2MaxRequests: 11}}, outlierDetection: {minHealthPercent: %d}}")
BAD_POLICY = "{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {}, outlierDetection: {minHealthPercent: 20}}"
case("TestValidateDestinationRule", "simple destination rule", dr(f"host: reviews\n{SUBSETS}"), CLEAN)
case("TestValidateDestinationRule", "simple destination rule with empty selector labels",
     dr(f"host: reviews\n{SUBSETS}\nworkloadSelector: {{}}"), warn(""))
case("TestValidateDestinationRule", "missing destination name", dr(f"host: ''\n{SUBSETS}"), bad())
case("TestValidateDestinationRule", "missing subset name",
     dr("host: reviews\nsubsets: [{name: '', labels: {version: v1}}, {name: v2, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "duplicate subset names",
     dr("host: reviews\nsubsets: [{name: foo, labels: {version: v1}}, {name: foo, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "valid traffic policy, top level",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}\n{SUBSETS}"), CLEAN)
case("TestValidateDestinationRule", "invalid traffic policy, top level",
     dr(f"host: reviews\ntrafficPolicy: {BAD_POLICY}\n{SUBSETS}"), bad())
case("TestValidateDestinationRule", "valid traffic policy, subset level",
     dr(f"host: reviews\nsubsets: [{{name: v1, labels: {{version: v1}}, trafficPolicy: {GOOD_POLICY % 20}}}, "
        "{name: v2, labels: {version: v2}}]"), CLEAN)
case("TestValidateDestinationRule", "invalid traffic policy, subset level",
     dr(f"host: reviews\nsubsets: [{{name: v1, labels: {{version: v1}}, trafficPolicy: {BAD_POLICY}}}, "
        "{name: v2, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "valid traffic policy, both levels",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}\nsubsets: [{{name: v1, labels: {{version: v1}}, "
        f"trafficPolicy: {GOOD_POLICY % 30}}}, {{name: v2, labels: {{version: v2}}}}]"), CLEAN)


def tls(fields: str) -> str:
    return dr("host: reviews\ntrafficPolicy: {tls: {%s}}" % fields)


SAN = "subjectAltNames: [reviews.default.svc]"
KEYS = "privateKey: key, clientCertificate: cert"
for mode in ("simple", "mutual"):
    M = mode.upper()
    keys = f", {KEYS}" if M == "MUTUAL" else ""
    case("TestValidateDestinationRule", f"InsecureSkipVerify is not specified with tls mode {mode}, and the ca cert "
         "is specified by CaCertificates", tls(f"mode: {M}, caCertificates: test{keys}, {SAN}"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is not specified with tls mode {mode}, and the ca cert "
         "is specified by CredentialName", tls(f"mode: {M}, credentialName: test, {SAN}"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is set false with tls mode {mode}, and the ca cert "
         "is specified by CaCertificates",
         tls(f"mode: {M}, caCertificates: test{keys}, {SAN}, insecureSkipVerify: false"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is set false with tls mode {mode}, and the ca cert "
         "is specified by CredentialName", tls(f"mode: {M}, credentialName: test, {SAN}, insecureSkipVerify: false"), CLEAN)
# (Istio's case names for the `true` rows swap CaCertificates and CredentialName; the specs are kept.)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the ca cert is "
     "specified by CaCertificates", tls("mode: SIMPLE, credentialName: test, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the ca cert is "
     "specified by CredentialName", tls("mode: SIMPLE, caCertificates: test, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the san is specified",
     tls(f"mode: SIMPLE, {SAN}, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is "
     "specified by CaCertificates", tls(f"mode: MUTUAL, caCertificates: test, {KEYS}, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is "
     "specified by CaCertificates (credentialName)", tls("mode: MUTUAL, credentialName: test, insecureSkipVerify: true"),
     OK)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is not "
     "specified", tls(f"mode: MUTUAL, {KEYS}, insecureSkipVerify: true"), OK)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the san is specified",
     tls(f"mode: MUTUAL, {KEYS}, {SAN}, insecureSkipVerify: true"), bad())

# ---- TestValidateTrafficPolicy --------------------------------------------------------------------
case("TestValidateTrafficPolicy", "valid traffic policy",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}"), OK)
case("TestValidateTrafficPolicy", "invalid traffic policy, nil entries", policy(""), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, missing port in port level settings",
     policy("portLevelSettings: [{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnections: 7}, "
            "http: {http2MaxRequests: 11}}, outlierDetection: {minHealthPercent: 20}}]"), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, bad connection pool", dr(f"host: reviews\ntrafficPolicy: {BAD_POLICY}"),
     bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, bad max connection duration",
     policy("loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnectionDuration: 500ns}}"), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, panic threshold too low",
     dr("host: reviews\ntrafficPolicy: " + (GOOD_POLICY % -1)), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, both upgrade and use client protocol set",
     policy("connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}"), bad())


# ---- TestValidateConnectionPool ---------------------------------------------------------------------
def pool(fields: str) -> str:
    return policy("connectionPool: {%s}" % fields)


HTTP_POOL = "http1MaxPendingRequests: 2, http2MaxRequests: 11, maxRequestsPerConnection: 5, maxRetries: 4, " \
            "maxConcurrentStreams: 5"
case("TestValidateConnectionPool", "valid connection pool, tcp and http",
     pool(f"tcp: {{maxConnections: 7, connectTimeout: 2s}}, http: {{{HTTP_POOL}, idleTimeout: 30s}}"), OK)
case("TestValidateConnectionPool", "valid connection pool, tcp only", pool("tcp: {maxConnections: 7, connectTimeout: 2s}"), OK)
case("TestValidateConnectionPool", "valid connection pool, http only", pool(f"http: {{{HTTP_POOL}, idleTimeout: 30s}}"), OK)
case("TestValidateConnectionPool", "valid connection pool, http only with empty idle timeout",
     pool(f"http: {{{HTTP_POOL}}}"), OK)
case("TestValidateConnectionPool", "invalid connection pool, empty", pool(""), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad max connections", pool("tcp: {maxConnections: -1}"), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad connect timeout",
     pool("tcp: {connectTimeout: 2.000000005s}"), bad())
for field in ("http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries",
              "maxConcurrentStreams"):
    label = {"http1MaxPendingRequests": "max pending requests", "http2MaxRequests": "max requests",
             "maxRequestsPerConnection": "max requests per connection", "maxRetries": "max retries",
             "maxConcurrentStreams": "max concurrent streams"}[field]
    case("TestValidateConnectionPool", f"invalid connection pool, bad {label}", pool(f"http: {{{field}: -1}}"), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad idle timeout", pool("http: {idleTimeout: 30.000000005s}"),
     bad())
case("TestValidateConnectionPool", "valid connection pool, tcp timeout disabled", pool("tcp: {idleTimeout: 0s}"), OK)

# ---- TestValidateLoadBalancer -----------------------------------------------------------------------
def lb(fields: str) -> str:
    return policy("loadBalancer: {%s}" % fields)


case("TestValidateLoadBalancer", "valid load balancer with simple load balancing", lb("simple: ROUND_ROBIN"), OK)
case("TestValidateLoadBalancer", "valid load balancer with consistentHash load balancing",
     lb("consistentHash: {minimumRingSize: 1024, httpCookie: {name: test, ttl: 3600s}}"), OK)
case("TestValidateLoadBalancer", "invalid load balancer with consistentHash load balancing, missing name",
     lb("consistentHash: {minimumRingSize: 1024, httpCookie: {ttl: 3600s}}"), bad())
case("TestValidateLoadBalancer", "invalid load balancer with consistentHash load balancing, maglev not prime",
     lb("consistentHash: {maglev: {tableSize: 1000}}"), bad())

# ---- TestValidateOutlierDetection -------------------------------------------------------------------
def outlier(fields: str) -> str:
    return policy("outlierDetection: {%s}" % fields)


case("TestValidateOutlierDetection", "valid outlier detection",
     outlier("interval: 2s, baseEjectionTime: 2s, maxEjectionPercent: 50"), CLEAN)
case("TestValidateOutlierDetection", "invalid outlier detection, bad interval", outlier("interval: 2.000000005s"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, bad base ejection time",
     outlier("baseEjectionTime: 2.000000005s"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, bad max ejection percent",
     outlier("maxEjectionPercent: 105"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, panic threshold too low", outlier("minHealthPercent: -1"),
     bad())
case("TestValidateOutlierDetection", "invalid outlier detection, panic threshold too high",
     outlier("minHealthPercent: 101"), bad())
case("TestValidateOutlierDetection", "deprecated outlier detection, ConsecutiveErrors", outlier("consecutiveErrors: 101"),
     warn(""))
case("TestValidateOutlierDetection", "consecutive local origin errors is set but split local origin errors is not set",
     outlier("consecutiveLocalOriginFailures: 10"), bad())

# ---- TestValidateServiceEntries ---------------------------------------------------------------------
def se(spec: str) -> str:
    return obj("ServiceEntry", spec)


HTTP2 = "ports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, protocol: http, name: http-valid2}]"
GOOGLE_EPS = ("endpoints: [{address: lon.google.com, ports: {http-valid1: 8080}}, "
              "{address: in.google.com, ports: {http-valid2: 9080}}]")
case("TestValidateServiceEntries", "discovery type DNS",
     se(f"hosts: ['*.google.com']\n{HTTP2}\n{GOOGLE_EPS}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS Round Robin",
     se(f"hosts: ['*.istio.io']\n{HTTP2}\nendpoints: [{{address: api-v1.istio.io, ports: {{http-valid1: 8080}}}}]\n"
        "resolution: DNS_ROUND_ROBIN"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, label tlsMode: istio",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: lon.google.com, ports: {{http-valid1: 8080}}, "
        "labels: {security.istio.io/tlsMode: istio}}, {address: in.google.com, ports: {http-valid2: 9080}, "
        "labels: {security.istio.io/tlsMode: istio}}]\nresolution: DNS"), CLEAN)
HTTPS3 = ("ports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, protocol: http, name: http-valid2}, "
          "{number: 443, protocol: https, name: https}]")
case("TestValidateServiceEntries", "discovery type DNS, one host set with IP address and https port",
     se(f"hosts: [httpbin.org]\naddresses: [10.10.10.10]\n{HTTPS3}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, multi hosts set with IP address and https port",
     se(f"hosts: [httpbin.org, wikipedia.org]\naddresses: [10.10.10.10]\n{HTTPS3}\nresolution: DNS"), warn(""))
case("TestValidateServiceEntries", "discovery type DNS, IP address set",
     se(f"hosts: ['*.google.com']\naddresses: [10.10.10.10]\n{HTTP2}\n{GOOGLE_EPS}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, IP in endpoints",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: 1.1.1.1, ports: {{http-valid1: 8080}}}}, "
        "{address: in.google.com, ports: {http-valid2: 9080}}]\nresolution: DNS"), CLEAN)
ONE_PORT = "ports: [{number: 80, protocol: http, name: http-valid1}]"
IN_EP = "endpoints: [{address: in.google.com, ports: {http-valid2: 9080}}]"
case("TestValidateServiceEntries", "empty hosts", se(f"{ONE_PORT}\n{IN_EP}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "bad hosts", se(f"hosts: ['-']\n{ONE_PORT}\n{IN_EP}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "full wildcard host", se(f"hosts: [foo.com, '*']\n{ONE_PORT}\n{IN_EP}\nresolution: DNS"),
     bad())
case("TestValidateServiceEntries", "short name host",
     se(f"hosts: [foo, bar.com]\n{ONE_PORT}\nendpoints: [{{address: in.google.com, ports: {{http-valid1: 9080}}}}]\n"
        "resolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "undefined endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 80, protocol: http, name: http-valid2}]\nendpoints: [{address: lon.google.com, "
        "ports: {http-valid1: 8080}}, {address: in.google.com, ports: {http-dne: 9080}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, non-FQDN endpoint",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: '*.lon.google.com', ports: {{http-valid1: 8080}}}}, "
        "{address: in.google.com, ports: {http-dne: 9080}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, non-FQDN host",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, no endpoints",
     se(f"hosts: [google.com]\n{HTTP2}\nresolution: DNS"), CLEAN)

# (An empty Go slice is an absent field in JSON: `Endpoints: []` / `Addresses: []` are left out.)
case("TestValidateServiceEntries", "discovery type DNS, unix endpoint",
     se(f"hosts: ['*.google.com']\n{ONE_PORT}\nendpoints: [{{address: 'unix:///lon/google/com'}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type none", se(f"hosts: [google.com]\n{HTTP2}\nresolution: NONE"), CLEAN)
case("TestValidateServiceEntries", "discovery type none, endpoints provided",
     se(f"hosts: [google.com]\n{HTTP2}\nendpoints: [{{address: lon.google.com, ports: {{http-valid1: 8080}}}}]\n"
        "resolution: NONE"), bad())
case("TestValidateServiceEntries", "discovery type none, cidr addresses",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16/16]\n{HTTP2}\nresolution: NONE"), CLEAN)
STATIC_EPS = ("endpoints: [{address: 1.1.1.1, ports: {http-valid1: 8080}}, "
              "{address: 2.2.2.2, ports: {http-valid2: 9080}}]")
case("TestValidateServiceEntries", "discovery type static, cidr addresses with endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16/16]\n{HTTP2}\n{STATIC_EPS}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n{STATIC_EPS}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static, FQDN in endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n"
        "endpoints: [{address: google.com, ports: {http-valid1: 8080}}, {address: 2.2.2.2, ports: {http-valid2: 9080}}]\n"
        "resolution: STATIC"), bad())
case("TestValidateServiceEntries", "discovery type static, missing endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static, bad endpoint port name",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n"
        "endpoints: [{address: 1.1.1.1, ports: {http-valid1: 8080}}, {address: 2.2.2.2, ports: {http-dne: 9080}}]\n"
        "resolution: STATIC"), bad())
case("TestValidateServiceEntries", "discovery type none, conflicting port names",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-conflict}, "
        "{number: 8080, protocol: http, name: http-conflict}]\nresolution: NONE"), bad())
case("TestValidateServiceEntries", "discovery type none, conflicting port numbers",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-conflict1}, "
        "{number: 80, protocol: http, name: http-conflict2}]\nresolution: NONE"), bad())
GRPC = "ports: [{number: 6553, protocol: grpc, name: grpc-service1}]"
case("TestValidateServiceEntries", "unix socket",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\nendpoints: [{{address: 'unix:///path/to/socket'}}]"),
     CLEAN)
case("TestValidateServiceEntries", "unix socket, relative path",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\n"
        "endpoints: [{address: 'unix://./relative/path.sock'}]"), bad())
case("TestValidateServiceEntries", "unix socket, endpoint ports",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\n"
        "endpoints: [{address: 'unix:///path/to/socket', ports: {grpc-service1: 6553}}]"), bad())
case("TestValidateServiceEntries", "unix socket, multiple service ports",
     se("hosts: [uds.cluster.local]\nports: [{number: 6553, protocol: grpc, name: grpc-service1}, "
        "{number: 80, protocol: http, name: http-service2}]\nresolution: STATIC\n"
        "endpoints: [{address: 'unix:///path/to/socket'}]"), bad())
case("TestValidateServiceEntries", "empty protocol",
     se("hosts: [google.com]\naddresses: [172.1.2.16/16]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 8080, name: http-valid2}]\nresolution: NONE"), CLEAN)
SEL = "workloadSelector: {labels: {foo: bar}}"
case("TestValidateServiceEntries", "selector", se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}"), warn(""))
case("TestValidateServiceEntries", "workload selector without labels",
     se(f"hosts: [google.com]\n{HTTP2}\nworkloadSelector: {{}}"), warn(""))
case("TestValidateServiceEntries", "selector and endpoints",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nendpoints: [{{address: 1.1.1.1}}]"), bad())
case("TestValidateServiceEntries", "selector and resolution NONE",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nresolution: NONE"), warn(""))
case("TestValidateServiceEntries", "selector and resolution DNS",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "bad selector key",
     se(f"hosts: [google.com]\nworkloadSelector: {{labels: {{'': bar}}}}\n{ONE_PORT}"), bad())
case("TestValidateServiceEntries", "repeat target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 80}, "
        "{number: 81, protocol: http, name: http-valid2, targetPort: 80}]"), CLEAN)
case("TestValidateServiceEntries", "valid target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]"),
     CLEAN)
case("TestValidateServiceEntries", "invalid target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, "
        "targetPort: 65536}]"), bad())
case("TestValidateServiceEntries", "warn target port",
     se("hosts: [google.com]\nworkloadSelector: {labels: {key: bar}}\n"
        "ports: [{number: 80, protocol: http, name: http-valid1, targetPort: 1234}]"), warn(""))
case("TestValidateServiceEntries", "valid endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]\n"
        "resolution: STATIC\nendpoints: [{address: 1.1.1.1, ports: {http-valid1: 8081}}]"), CLEAN)
case("TestValidateServiceEntries", "invalid endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]\n"
        "resolution: STATIC\nendpoints: [{address: 1.1.1.1, ports: {http-valid1: 65536}}]"), bad())
case("TestValidateServiceEntries", "protocol unset for addresses empty",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, name: http-valid2}]\n"
        "resolution: NONE"), warn("addresses are required"))
case("TestValidateServiceEntries", "protocol is TCP for addresses empty",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 81, protocol: TCP, name: tcp-valid1}]\nresolution: NONE"), warn("addresses are required"))
case("TestValidateServiceEntries", "dns round robin with more than one endpoint",
     se("hosts: [google.com]\nports: [{number: 8081, protocol: http, name: http-valid1}]\n"
        "endpoints: [{address: api-v1.istio.io, ports: {http-valid1: 8081}}, {address: 1.1.1.2, ports: {http-valid1: 8081}}]\n"
        "resolution: DNS_ROUND_ROBIN"), bad())
case("TestValidateServiceEntries", "dns round robin with 0 endpoints",
     se("hosts: [google.com]\nports: [{number: 8081, protocol: http, name: http-valid1}]\nresolution: DNS_ROUND_ROBIN"),
     CLEAN)
case("TestValidateServiceEntries", "partial wildcard hosts",
     se("hosts: ['*.nytimes.com', '*washingtonpost.com']\nports: [{number: 443, protocol: HTTPS, name: https-nytimes}]\n"
        "resolution: NONE"), warn("partial wildcard"))
case("TestValidateServiceEntries", "network set with no address on endpoint",
     se("hosts: [www.example.com]\nports: [{number: 443, protocol: HTTPS, name: https-example}]\n"
        "endpoints: [{network: cluster-1}]\nresolution: STATIC"), warn(""))


# ---- TestValidateAuthorizationPolicy ----------------------------------------------------------------
def ap(spec: str, annotations: str = "") -> str:
    text = obj("AuthorizationPolicy", spec)
    if annotations:
        text = text.replace("metadata: {name: foo, namespace: bar}",
                            f"metadata: {{name: foo, namespace: bar, annotations: {{{annotations}}}}}")
    return text


HTTPBIN = "selector: {matchLabels: {app: httpbin, version: v1}}"
case("TestValidateAuthorizationPolicy", "good",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{principals: [sa1]}}}}, {{source: {{principals: [sa2]}}}}], "
        "to: [{operation: {methods: [GET]}}, {operation: {methods: [POST]}}], "
        "when: [{key: source.ip, values: [1.2.3.4, 5.6.7.0/24]}, {key: 'request.headers[:authority]', values: [v1, v2]}]}]"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "good serviceAccounts",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{serviceAccounts: [ns1/sa1, ns2/sa2]}}}}, "
        "{source: {principals: [sa2]}}]}]"), CLEAN)
case("TestValidateAuthorizationPolicy", "serviceAccounts and namespaces",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{serviceAccounts: [ns1/sa1, ns2/sa2], namespaces: [ns]}}}}]}}]"),
     bad("cannot set serviceAccounts with namespaces or principals"))
case("TestValidateAuthorizationPolicy", "custom-good",
     ap("action: CUSTOM\nprovider: {name: my-custom-authz}\nrules: [{}]"), CLEAN)
case("TestValidateAuthorizationPolicy", "custom-empty-provider", ap("action: CUSTOM\nprovider: {name: ''}\nrules: [{}]"),
     bad())
case("TestValidateAuthorizationPolicy", "custom-nil-provider", ap("action: CUSTOM\nrules: [{}]"), bad())
case("TestValidateAuthorizationPolicy", "custom-invalid-rule",
     ap("action: CUSTOM\nprovider: {name: my-custom-authz}\nrules: [{from: [{source: {namespaces: [ns], "
        "notNamespaces: [ns], principals: [id], notPrincipals: [id], requestPrincipals: [req], "
        "notRequestPrincipals: [req]}}], when: [{key: source.namespace, values: [source.namespace1], "
        "notValues: [source.namespace2]}, {key: source.principal, values: [source.principal1], "
        "notValues: [source.principal2]}, {key: 'request.auth.claims[a]', values: [claims1], notValues: [claims2]}]}]"),
     bad())
case("TestValidateAuthorizationPolicy", "provider-wrong-action", ap("action: ALLOW\nprovider: {name: ''}\nrules: [{}]"),
     bad())
case("TestValidateAuthorizationPolicy", "allow-rules-nil", ap("action: ALLOW"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-valid-allow", ap("action: ALLOW", "istio.io/dry-run: 'true'"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-valid-deny",
     ap("action: DENY\nrules: [{}]", "istio.io/dry-run: 'false'"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-invalid-value", ap("action: ALLOW", "istio.io/dry-run: foo"), bad())
case("TestValidateAuthorizationPolicy", "dry-run-invalid-action-custom", ap("action: CUSTOM", "istio.io/dry-run: 'true'"),
     bad())
case("TestValidateAuthorizationPolicy", "dry-run-invalid-action-audit", ap("action: AUDIT", "istio.io/dry-run: 'true'"),
     bad())
case("TestValidateAuthorizationPolicy", "deny-rules-nil", ap("action: DENY"), bad())
case("TestValidateAuthorizationPolicy", "selector-empty-value", ap("selector: {matchLabels: {app: '', version: v1}}"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "selector-empty-key", ap("selector: {matchLabels: {app: httpbin, '': v1}}"), bad())
case("TestValidateAuthorizationPolicy", "selector-empty-labels", ap("selector: {}"), warn(""))
case("TestValidateAuthorizationPolicy", "selector-wildcard-value", ap("selector: {matchLabels: {app: httpbin-*}}"), bad())
case("TestValidateAuthorizationPolicy", "selector-wildcard-key", ap("selector: {matchLabels: {app-*: httpbin}}"), bad())
TEMP_RULES = "rules: [{from: [{source: {principals: [temp]}}], to: [{operation: {ports: ['8080'], methods: [GET, DELETE]}}]}]"
GW_REF = "{group: gateway.networking.k8s.io, kind: Gateway, name: foo}"
case("TestValidateAuthorizationPolicy", "target-ref-good", ap(f"action: DENY\ntargetRef: {GW_REF}\n{TEMP_RULES}"), CLEAN)
case("TestValidateAuthorizationPolicy", "target-refs-good", ap(f"action: DENY\ntargetRefs: [{GW_REF}]\n{TEMP_RULES}"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "target-refs-good-service",
     ap(f"action: DENY\ntargetRefs: [{{group: '', kind: Service, name: foo}}]\n{TEMP_RULES}"), CLEAN)
case("TestValidateAuthorizationPolicy", "target-ref-non-empty-namespace",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: foo, namespace: bar}}\n"
        f"{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-empty-name",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: Gateway}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-wrong-group",
     ap(f"action: DENY\ntargetRef: {{group: wrong-group, kind: Gateway, name: foo}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-wrong-kind",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: wrong-kind, name: foo}}\n{TEMP_RULES}"),
     bad())
case("TestValidateAuthorizationPolicy", "target-ref-and-selector-cannot-both-be-set",
     ap(f"action: DENY\ntargetRef: {GW_REF}\nselector: {{matchLabels: {{app: httpbin}}}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-refs-and-selector-cannot-both-be-set",
     ap(f"action: DENY\ntargetRefs: [{GW_REF}]\nselector: {{matchLabels: {{app: httpbin}}}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "from-empty", ap("rules: [{from: []}]"), bad())
case("TestValidateAuthorizationPolicy", "source-nil", ap("rules: [{from: [{}]}]"), bad())
case("TestValidateAuthorizationPolicy", "source-empty", ap("rules: [{from: [{source: {}}]}]"), bad())
case("TestValidateAuthorizationPolicy", "to-empty", ap("rules: [{to: []}]"), bad())
case("TestValidateAuthorizationPolicy", "operation-nil", ap("rules: [{to: [{}]}]"), bad())
case("TestValidateAuthorizationPolicy", "operation-empty", ap("rules: [{to: [{operation: {}}]}]"), bad())
for field in ("principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals"):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{from: [{{source: {{{field}: [p1, '']}}}}]}}]"), bad())

for field, values in (("namespaces", "[ns, '']"), ("serviceAccounts", "[ns/sa, '']"), ("notNamespaces", "[ns, '']"),
                      ("ipBlocks", "[1.2.3.4, '']"), ("notIpBlocks", "[1.2.3.4, '']"),
                      ("remoteIpBlocks", "[1.2.3.4, '']"), ("notRemoteIpBlocks", "[1.2.3.4, '']")):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{from: [{{source: {{{field}: {values}}}}}]}}]"), bad())
for field, values in (("hosts", "[host, '']"), ("notHosts", "[host, '']"), ("ports", "['80', '']"),
                      ("notPorts", "['80', '']"), ("methods", "[GET, '']"), ("notMethods", "[GET, '']"),
                      ("paths", "[/path, '']"), ("notPaths", "[/path, '']")):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{to: [{{operation: {{{field}: {values}}}}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "value-empty",
     ap("rules: [{when: [{key: 'request.headers[:authority]', values: [v1, '']}]}]"), bad())
case("TestValidateAuthorizationPolicy", "invalid ip and port in ipBlocks",
     ap("rules: [{from: [{source: {ipBlocks: [1.2.3.4, ip1], notIpBlocks: [5.6.7.8, ip2]}}], "
        "to: [{operation: {ports: ['80', port1], notPorts: ['90', port2]}}]}]"), bad())
case("TestValidateAuthorizationPolicy", "invalid ip and port in remoteIpBlocks",
     ap("rules: [{from: [{source: {remoteIpBlocks: [1.2.3.4, ip1], notRemoteIpBlocks: [5.6.7.8, ip2]}}], "
        "to: [{operation: {ports: ['80', port1], notPorts: ['90', port2]}}]}]"), bad())
APP = "selector: {matchLabels: {app: httpbin}}"
case("TestValidateAuthorizationPolicy", "condition-key-missing", ap(f"{APP}\nrules: [{{when: [{{values: [v1, v2]}}]}}]"),
     bad())
case("TestValidateAuthorizationPolicy", "condition-key-empty",
     ap(f"{APP}\nrules: [{{when: [{{key: '', values: [v1, v2]}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-value-missing",
     ap(f"{APP}\nrules: [{{when: [{{key: source.principal}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-value-invalid",
     ap("rules: [{when: [{key: source.ip, values: [a.b.c.d]}]}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-notValue-invalid",
     ap("rules: [{when: [{key: source.ip, notValues: [a.b.c.d]}]}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-unknown", ap(f"{APP}\nrules: [{{when: [{{key: key1, values: [v1]}}]}}]"),
     bad())
case("TestValidateAuthorizationPolicy", "L7DenyWithFrom",
     ap(f"action: DENY\n{APP}\nrules: [{{from: [{{source: {{requestPrincipals: [example.com/sub-1]}}}}]}}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithTo",
     ap(f"action: DENY\n{APP}\nrules: [{{to: [{{operation: {{methods: [GET, DELETE]}}}}]}}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithFromAndTo",
     ap(f"action: DENY\n{APP}\nrules: [{{from: [{{source: {{principals: [temp]}}}}], "
        "to: [{operation: {methods: [GET, DELETE]}}]}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithFromAndToWithPort", ap(f"action: DENY\n{APP}\n{TEMP_RULES}"), CLEAN)

# ---- TestValidateSidecar ----------------------------------------------------------------------------
def sidecar(spec: str) -> str:
    return obj("Sidecar", spec)


UDS_PORT = "port: {protocol: http, number: 0, name: uds}"
case("TestValidateSidecar", "empty ingress and egress", sidecar("{}"), bad())
case("TestValidateSidecar", "default", sidecar("egress: [{hosts: ['*/*']}]"), CLEAN)
case("TestValidateSidecar", "workload selector without labels",
     sidecar("egress: [{hosts: ['*/*']}]\nworkloadSelector: {}"), warn(""))
case("TestValidateSidecar", "import local namespace with wildcard", sidecar("egress: [{hosts: ['./*']}]"), CLEAN)
case("TestValidateSidecar", "import local namespace with fqdn", sidecar("egress: [{hosts: [./foo.com]}]"), CLEAN)
case("TestValidateSidecar", "import nothing", sidecar("egress: [{hosts: ['~/*']}]"), CLEAN)
case("TestValidateSidecar", "bad egress host 1", sidecar("egress: [{hosts: ['*']}]"), bad())
case("TestValidateSidecar", "bad egress host 2", sidecar("egress: [{hosts: [/]}]"), bad())
case("TestValidateSidecar", "empty egress host", sidecar("egress: [{hosts: []}]"), bad())
case("TestValidateSidecar", "multiple wildcard egress", sidecar("egress: [{hosts: ['*/foo.com']}, {hosts: [ns1/bar.com]}]"),
     bad())
case("TestValidateSidecar", "wildcard egress not in end",
     sidecar("egress: [{hosts: ['*/foo.com']}, {port: {protocol: http, number: 8080, name: h8080}, hosts: [ns1/bar.com]}]"),
     bad())
case("TestValidateSidecar", "invalid Port",
     sidecar("egress: [{port: {protocol: http1, number: 1000000, name: ''}, hosts: [ns1/bar.com]}]"), bad())
case("TestValidateSidecar", "Port without name",
     sidecar("egress: [{port: {protocol: http, number: 8080}, hosts: [ns1/bar.com]}]"), CLEAN)
case("TestValidateSidecar", "UDS bind in outbound",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}]"), CLEAN)
case("TestValidateSidecar", "UDS bind in inbound",
     sidecar(f"ingress: [{{{UDS_PORT}, bind: 'unix:///@foo/bar/com', defaultEndpoint: '127.0.0.1:9999'}}]"), bad())
case("TestValidateSidecar", "UDS bind in outbound 2",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///foo/bar/com'}}]"), CLEAN)
case("TestValidateSidecar", "invalid bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'foobar:///@foo/bar/com'}}]"), bad())
case("TestValidateSidecar", "invalid capture mode with uds bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com', captureMode: IPTABLES}}]"), bad())

case("TestValidateSidecar", "duplicate UDS bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}, "
             f"{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}]"), bad())
case("TestValidateSidecar", "duplicate ports",
     sidecar("egress: [{port: {protocol: http, number: 90, name: foo}, hosts: [ns1/bar.com]}, "
             "{port: {protocol: tcp, number: 90, name: tcp}, hosts: [ns2/bar.com]}]"), bad())
ALL = "egress: [{hosts: ['*/*']}]"
HTTP90 = "port: {protocol: http, number: 90, name: foo}"
TCP90 = "port: {protocol: tcp, number: 90, name: foo}"
for family, local in (("", "127.0.0.1"), (" and IPv6 endpoint", "[::1]")):
    case("TestValidateSidecar", f"ingress without port{' and with IPv6 endpoint' if family else ''}",
         sidecar(f"ingress: [{{defaultEndpoint: '{local}:110'}}]\n{ALL}"), bad())
    case("TestValidateSidecar", f"ingress with duplicate ports{family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:110'}}, "
                 f"{{port: {{protocol: tcp, number: 90, name: bar}}, defaultEndpoint: '{local}:110'}}]\n{ALL}"), bad())
case("TestValidateSidecar", "ingress without default endpoint", sidecar(f"ingress: [{{{HTTP90}}}]\n{ALL}"), CLEAN)
case("TestValidateSidecar", "ingress with invalid default endpoint in IPv4",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '1.1.1.1:90'}}]"), bad())
case("TestValidateSidecar", "ingress with invalid default endpoint in IPv6",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '[1:1:1:1:1:1:1:1]:90'}}]"), bad())
case("TestValidateSidecar", "ingress with invalid default endpoint uds",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: 'unix:///'}}]\n{ALL}"), bad())
for family, local in (("IPv4", "127.0.0.1"), ("IPv6", "[::1]")):
    case("TestValidateSidecar", f"ingress with invalid default endpoint port in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:hi'}}]\n{ALL}"), bad())
    case("TestValidateSidecar", f"valid ingress and egress in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999'}}]\n{ALL}"), CLEAN)
    case("TestValidateSidecar", f"valid ingress and empty egress in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999'}}]"), CLEAN)
    case("TestValidateSidecar", f"empty protocol in {family}",
         sidecar(f"ingress: [{{port: {{number: 90, name: foo}}, defaultEndpoint: '{local}:9999'}}]\n{ALL}"), CLEAN)
    for mode, label in (("ISTIO_MUTUAL", "ISTIO_MUTUAL"), ("AUTO_PASSTHROUGH", "ISTIO_AUTO_PASSTHROUGH")):
        case("TestValidateSidecar", f"ingress tls mode set to {label} in {family}",
             sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999', tls: {{mode: {mode}}}}}]"), bad())
    for label, extra in (("invalid protocol", ""), ("httpRedirect is not supported", ", httpsRedirect: true"),
                         ("SAN entries are not supported", ", subjectAltNames: [httpbin.com]"),
                         ("credentialName is not supported", ", credentialName: secret-name"),
                         ("credentialNames is not supported", ", credentialNames: [secret-name]")):
        case("TestValidateSidecar", f"ingress tls {label} in {family}",
             sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '{local}:9999', tls: {{mode: SIMPLE{extra}}}}}]"), bad())
case("TestValidateSidecar", "empty", sidecar("workloadSelector: null"), bad())
case("TestValidateSidecar", "just outbound traffic policy", sidecar("outboundTrafficPolicy: {mode: ALLOW_ANY}"), CLEAN)
case("TestValidateSidecar", "ALLOW_ANY sidecar egress policy with no egress proxy ",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY}}\n{ALL}"), CLEAN)
PROXY = "egressProxy: {host: foo.bar, subset: shiny, port: {number: 5000}}"
case("TestValidateSidecar", "sidecar egress proxy with RESGISTRY_ONLY(default)",
     sidecar(f"outboundTrafficPolicy: {{{PROXY}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress proxy with ALLOW_ANY",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY, {PROXY}}}\n{ALL}"), CLEAN)
case("TestValidateSidecar", "sidecar egress proxy with ALLOW_ANY, service hostname invalid fqdn",
     sidecar("outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: 'foobar*123', subset: shiny, "
             f"port: {{number: 5000}}}}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress proxy(without Port) with ALLOW_ANY",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY, egressProxy: {{host: foo.bar, subset: shiny}}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress only one wildcarded", sidecar("egress: [{hosts: ['*/*', test/a.com]}]"),
     warn(""))
case("TestValidateSidecar", "sidecar egress wildcarded ns", sidecar("egress: [{hosts: ['*/b.com', test/a.com]}]"), CLEAN)
case("TestValidateSidecar", "sidecar egress duplicated with wildcarded same namespace",
     sidecar("egress: [{hosts: ['test/*', test/a.com]}]"), warn(""))
case("TestValidateSidecar", "invalid partial wildcard", sidecar("egress: [{hosts: ['test/*a.com']}]"), bad())
case("TestValidateSidecar", "sidecar egress duplicated with wildcarded same namespace .",
     sidecar("egress: [{hosts: ['./*', bar/a.com]}]"), warn(""))

case("TestValidateSidecar", "ingress tls tlsCertificates is not supported in IPv4",
     sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '127.0.0.1:9999', tls: {{mode: SIMPLE, tlsCertificates: ["
             "{serverCertificate: /etc/istio/ingress-certs/tls.crt, privateKey: /etc/istio/ingress-certs/tls.key}, "
             "{serverCertificate: /etc/istio/ingress-certs/tls2.crt, privateKey: /etc/istio/ingress-certs/tls2.key}]}}]"),
     bad())
case("TestValidateSidecar", "ingress tls tlsCertificates is not supported in IPv6",
     sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '[::1]:9999', tls: {{mode: SIMPLE, tlsCertificates: ["
             "{serverCertificate: /etc/istio/ingress-certs/tls.crt, privateKey: /etc/istio/ingress-certs/tls.key}]}}]"),
     bad())
POOL_1024 = "connectionPool: {http: {http1MaxPendingRequests: 1024, http2MaxRequests: 1024, " \
            "maxRequestsPerConnection: 1024, maxRetries: 1024}}"
case("TestValidateSidecar", "valid inbound connection pool", sidecar(f"inbound{POOL_1024[0].upper()}{POOL_1024[1:]}"), CLEAN)
case("TestValidateSidecar", "valid port-level connection pool with top level default",
     sidecar(f"ingress: [{{{HTTP90}, {POOL_1024}}}]\ninbound{POOL_1024[0].upper()}{POOL_1024[1:]}"), CLEAN)
case("TestValidateSidecar", "valid port-level connection pool without a top level default",
     sidecar(f"ingress: [{{{HTTP90}, {POOL_1024}}}]"), CLEAN)
case("TestValidateSidecar", "warn http connection settings on tcp port", sidecar(f"ingress: [{{{TCP90}, {POOL_1024}}}]"),
     warn(""))
case("TestValidateSidecar", "invalid top level connection pool", sidecar("inboundConnectionPool: {}"), bad())
case("TestValidateSidecar", "invalid port-level connection pool", sidecar(f"ingress: [{{{TCP90}, connectionPool: {{}}}}]"),
     bad())

# ---- TestValidateRequestAuthentication -------------------------------------------------------------
def ra(spec: str, name: str = "foo", annotations: str = "") -> str:
    text = obj("RequestAuthentication", spec, name=name)
    if annotations:
        text = text.replace(f"metadata: {{name: {name}, namespace: bar}}",
                            f"metadata: {{name: {name}, namespace: bar, annotations: {{{annotations}}}}}")
    return text


FOO_RULE = "jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com/cert'}]"
JWKS = ('{ "keys":[ {"e":"AQAB","kid":"DHFbpoIUqrY8t2zpA2qXfCmr5VO5ZEr4RzHU_-envvQ","kty":"RSA","n":"xAE7eB6qugXyCAG3yhh7'
        'pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3W'
        'YtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAF'
        'jIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ"}]}')
XFOO = "fromHeaders: [{name: x-foo, prefix: 'Bearer '}]"
case("TestValidateRequestAuthentication", "empty spec", ra("{}", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "another empty spec", ra("selector: {}", name="default"), warn(""))
case("TestValidateRequestAuthentication", "empty spec with non default name", ra("{}"), CLEAN)
case("TestValidateRequestAuthentication", "dry run annotation not supported",
     ra("{}", annotations="istio.io/dry-run: 'true'"), bad())
case("TestValidateRequestAuthentication", "default name with non empty selector",
     ra("selector: {matchLabels: {app: httpbin}}", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "empty jwt rule", ra("jwtRules: [{}]"), bad())
case("TestValidateRequestAuthentication", "empty issuer", ra("jwtRules: [{issuer: ''}]"), bad())
case("TestValidateRequestAuthentication", "bad JwksUri - no protocol", ra("jwtRules: [{issuer: foo.com, jwksUri: foo.com}]"),
     bad())
case("TestValidateRequestAuthentication", "bad JwksUri - invalid port",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com:not-a-number'}]"), bad())
case("TestValidateRequestAuthentication", "empty value",
     ra(f"selector: {{matchLabels: {{app: httpbin, version: ''}}}}\n{FOO_RULE}"), CLEAN)
case("TestValidateRequestAuthentication", "bad workload selector - empty key",
     ra(f"selector: {{matchLabels: {{app: httpbin, '': v1}}}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "good targetRef", ra(f"targetRef: {GW_REF}\n{FOO_RULE}"), CLEAN)
case("TestValidateRequestAuthentication", "bad targetRef - empty name",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: Gateway}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - non-empty namespace",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: foo, namespace: bar}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - wrong group",
     ra(f"targetRef: {{group: wrong-group, kind: Gateway, name: foo}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - wrong kind",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: wrong-kind, name: foo}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "targetRef and selector cannot both be set",
     ra(f"targetRef: {GW_REF}\n{FOO_RULE}\nselector: {{matchLabels: {{app: httpbin}}}}"), bad())
case("TestValidateRequestAuthentication", "bad header location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromHeaders: [{name: '', prefix: 'Bearer '}]}]",
        name="default"), bad())
case("TestValidateRequestAuthentication", "bad param location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromParams: ['']}]", name="default"), bad())
case("TestValidateRequestAuthentication", "good",
     ra(f"jwtRules: [{{issuer: foo.com, jwksUri: 'https://foo.com', {XFOO}}}]", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "bad cookie location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromCookies: ['', foo]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "jwks ok",
     ra("jwtRules: [{issuer: foo.com, jwks: '%s', %s}]" % (JWKS, XFOO), name="default"), CLEAN)
case("TestValidateRequestAuthentication", "jwks error", ra(f"jwtRules: [{{issuer: foo.com, jwks: foo, {XFOO}}}]",
                                                           name="default"), bad())
case("TestValidateRequestAuthentication", "null outputClaimToHeader",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{}]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "null claim value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: x-jwt-claim, "
        "claim: ''}]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "null header value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: '', claim: sub}]}]",
        name="default"), bad())
case("TestValidateRequestAuthentication", "invalid header value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: 'abc%123', "
        "claim: sub}]}]", name="default"), bad())


# ---- TestValidatePeerAuthentication -----------------------------------------------------------------
def pa(spec: str, name: str = "default") -> str:
    return obj("PeerAuthentication", spec, name=name)


case("TestValidatePeerAuthentication", "empty spec", pa("{}"), CLEAN)
case("TestValidatePeerAuthentication", "empty mtls with selector of empty labels", pa("selector: {}"), warn(""))
case("TestValidatePeerAuthentication", "empty spec with non default name", pa("{}", name="foo"), CLEAN)
case("TestValidatePeerAuthentication", "default name with non empty selector", pa("selector: {matchLabels: {app: httpbin}}"),
     CLEAN)
# (Go's empty map is a non-nil map here: the YAML writes `portLevelMtls: {}` out.)
case("TestValidatePeerAuthentication", "empty port level mtls",
     pa("selector: {matchLabels: {app: httpbin}}\nportLevelMtls: {}", name="foo"), bad())
case("TestValidatePeerAuthentication", "empty selector with port level mtls", pa("portLevelMtls: {'8080': {mode: UNSET}}"),
     bad("mesh/namespace peer authentication cannot have port level mTLS"))
case("TestValidatePeerAuthentication", "port 0", pa("portLevelMtls: {'0': {mode: UNSET}}", name="foo"), bad())
case("TestValidatePeerAuthentication", "unset mode", pa("mtls: {mode: UNSET}"), CLEAN)
case("TestValidatePeerAuthentication", "port level",
     pa("selector: {matchLabels: {app: httpbin}}\nportLevelMtls: {'8080': {mode: UNSET}}", name="port-level"), CLEAN)

# ---- Test_validateExportTo (through the kind that carries exportTo) --------------------------------
def export(kind: str, entries: str, selector: bool = False) -> str:
    spec = {"VirtualService": f"hosts: [foo.bar]\n{BAZ}", "ServiceEntry": f"hosts: [google.com]\n{ONE_PORT}\n"
            "resolution: DNS", "DestinationRule": "host: reviews"}[kind]
    if selector:
        spec += "\nworkloadSelector: {matchLabels: {app: foo}}"
    if entries:
        spec += f"\nexportTo: {entries}"
    return obj(kind, spec, namespace="ns5")


for name, kind, entries, expect in (
        ("empty exportTo is okay", "VirtualService", "", CLEAN),
        ("* is allowed", "VirtualService", "['*']", CLEAN),
        (". and ns1 are allowed", "VirtualService", "['.', ns1]", CLEAN),
        ("bunch of namespaces in exportTo is okay", "VirtualService", "[ns1, ns2, ns5]", CLEAN),
        ("~ is allowed for service entry configs", "ServiceEntry", "['~']", CLEAN),
        ("~ not allowed for non service entry configs", "VirtualService", "['~', ns1]", bad()),
        (". and * together are not allowed", "VirtualService", "['.', '*']", bad()),
        ("* and ns1 together are not allowed", "VirtualService", "['*', ns1]", bad()),
        (". and same namespace in exportTo is not okay", "VirtualService", "['.', ns5]", bad()),
        ("duplicate namespaces in exportTo is not okay", "VirtualService", "[ns1, ns2, ns1]", bad()),
        ("duplicate none in service entry exportTo is not okay", "ServiceEntry", "['~', '~', ns1]", bad()),
        ("invalid namespace names are not okay", "VirtualService", "[ns1_]", bad()),
        ("none and other namespaces cannot be combined in service entry exportTo", "ServiceEntry", "['~', ns1]", bad())):
    case("Test_validateExportTo", name, export(kind, entries), expect)
for name, entries, expect in (
        ("destination rule with workloadselector cannot have exportTo (*)", "['*']", bad()),
        ("destination rule with workloadselector can have only exportTo (.)", "['.']", CLEAN),
        ("destination rule with workloadselector cannot have another ns in exportTo (.)", "[somens]", bad()),
        ("destination rule with workloadselector cannot have another ns in addition to own ns in exportTo (.)",
         "['.', somens]", bad())):
    case("Test_validateExportTo", name, export("DestinationRule", entries, selector=True), expect)


# ---- TestValidateTlsOptions (a TLS server of a Gateway; checkValidationMessage: warnings compared) ---
def server_tls(fields: str) -> str:
    return gateway("{hosts: [foo.bar.com], port: {number: 443, name: tls, protocol: TLS}, tls: {%s}}" % fields)


PICARD, KHAN, RIKER, DATA = "'Captain Jean-Luc Picard'", "'Khan Noonien Singh'", "'Commander William T. Riker'", \
    "'Lieutenant Commander Data'"
CERT_KEY = f"serverCertificate: {PICARD}, privateKey: {KHAN}"
TWO = f"tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
THREE = (f"tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}, "
         f"{{serverCertificate: {DATA}, privateKey: {DATA}}}]")
BOTH = f"{CERT_KEY}, tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {DATA}, privateKey: {DATA}}}]"
MISSING_CERT = f"tlsCertificates: [{{privateKey: {RIKER}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
MISSING_KEY = f"tlsCertificates: [{{serverCertificate: {PICARD}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
ONE_OF = "one of credential_name, credential_names"
for name, fields, out, warning in (
        ("empty", "", "", ""),
        ("simple", f"mode: SIMPLE, {CERT_KEY}", "", ""),
        ("simple with client bundle", f"mode: SIMPLE, {CERT_KEY}, caCertificates: {RIKER}", "", ""),
        ("simple sds with client bundle", "mode: SIMPLE, credentialName: sds-name", "", ""),
        ("simple sds with client bundle but with server cert", f"mode: SIMPLE, {CERT_KEY}, credentialName: sds-name",
         ONE_OF, ""),
        ("simple no server cert", f"mode: SIMPLE, privateKey: {KHAN}", "server certificate", ""),
        ("simple no private key", f"mode: SIMPLE, serverCertificate: {PICARD}", "private key", ""),
        ("simple more than 2 certs", f"mode: SIMPLE, {THREE}", "", "SIMPLE TLS can support up to 2 server certificates"),
        ("simple with both server cert and tls certs", f"mode: SIMPLE, {BOTH}", ONE_OF, ""),
        ("simple 2 certs with missing certificate", f"mode: SIMPLE, {MISSING_CERT}", "server certificate", ""),
        ("simple 2 certs with missing private key", f"mode: SIMPLE, {MISSING_KEY}", "private key", ""),
        ("simple sds no server cert", f"mode: SIMPLE, privateKey: {KHAN}, credentialName: sds-name", "", ""),
        ("simple sds no private key", f"mode: SIMPLE, serverCertificate: {PICARD}, credentialName: sds-name", "", ""),
        ("mutual", f"mode: MUTUAL, {CERT_KEY}, caCertificates: {RIKER}", "", ""),
        ("mutual sds", f"mode: MUTUAL, caCertificates: {RIKER}, credentialName: sds-name", "", ""),
        ("mutual sds with credential name and server cert",
         f"mode: MUTUAL, {CERT_KEY}, caCertificates: {RIKER}, credentialName: sds-name", ONE_OF, ""),
        ("mutual sds with credential name and tls certs",
         f"mode: MUTUAL, caCertificates: {RIKER}, tlsCertificates: [{{{CERT_KEY}}}], credentialName: sds-name", ONE_OF, ""),
        ("mutual no server cert", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}", "server certificate", ""),
        ("credential names and certificates", "mode: MUTUAL, serverCertificate: /etc/istio/certs/server/cert, "
         "privateKey: /etc/istio/certs/server/key, credentialNames: [server-certs]", ONE_OF, ""),
        ("credential names and tls certificates", "mode: MUTUAL, tlsCertificates: [{serverCertificate: "
         "/etc/istio/certs/server/cert, privateKey: /etc/istio/certs/server/key, caCertificates: "
         "/etc/istio/certs/server/cacert2}], credentialNames: [server-certs]", ONE_OF, ""),
        ("only tls certificates", "mode: MUTUAL, tlsCertificates: [{serverCertificate: /etc/istio/certs/server/cert, "
         "privateKey: /etc/istio/certs/server/key}], caCertificates: /etc/istio/certs/server/cacert2", "", ""),
        ("mutual sds no server cert", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}, "
         "credentialName: sds-name", "", ""),
        ("mutual no client CA bundle", f"mode: MUTUAL, {CERT_KEY}", "client CA bundle", ""),
        ("mutual no certs (server certificate)", "mode: MUTUAL", "server certificate", ""),
        ("mutual no certs (private key)", "mode: MUTUAL", "private key", ""),
        ("mutual no certs (client CA bundle)", "mode: MUTUAL", "client CA bundle", ""),
        ("mutual more than 2 certs", f"mode: MUTUAL, caCertificates: {RIKER}, {THREE}", "",
         "MUTUAL TLS can support up to 2 server certificates"),
        ("mutual with both server cert and tls certs", f"mode: MUTUAL, caCertificates: {RIKER}, {BOTH}", ONE_OF, ""),
        ("mutual 2 certs with missing certificate", f"mode: MUTUAL, caCertificates: {DATA}, {MISSING_CERT}",
         "server certificate", ""),
        ("mutual 2 certs with missing private key", f"mode: MUTUAL, caCertificates: {DATA}, {MISSING_KEY}", "private key",
         ""),
        ("mutual 2 certs with missing CA certificate", f"mode: MUTUAL, {TWO}", "client CA bundle", ""),
        ("optional mutual no certs (server certificate)", "mode: OPTIONAL_MUTUAL", "server certificate", ""),
        ("optional mutual no certs (private key)", "mode: OPTIONAL_MUTUAL", "private key", ""),
        ("optional mutual no certs (client CA bundle)", "mode: OPTIONAL_MUTUAL", "client CA bundle", ""),
        ("pass through sds no certs", "mode: PASSTHROUGH, credentialName: sds-name", "",
         "PASSTHROUGH mode does not use certificates"),
        ("pass through sds crl", "mode: PASSTHROUGH, caCrl: scrl", "", "PASSTHROUGH mode does not use certificates"),
        ("istio_mutual no certs", "mode: ISTIO_MUTUAL", "", ""),
        ("istio_mutual with server cert", f"mode: ISTIO_MUTUAL, serverCertificate: {PICARD}",
         "cannot have associated server cert", ""),
        ("istio_mutual with client bundle", f"mode: ISTIO_MUTUAL, {CERT_KEY}, caCertificates: {RIKER}",
         "cannot have associated", ""),
        ("istio_mutual with private key", f"mode: ISTIO_MUTUAL, privateKey: {KHAN}", "cannot have associated private key", ""),
        ("istio_mutual with credential name", "mode: ISTIO_MUTUAL, credentialName: some-cred",
         "cannot have associated credentialName", ""),
        ("invalid cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [not-a-cipher-suite]", "",
         "not-a-cipher-suite"),
        ("valid cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [ECDHE-ECDSA-AES128-SHA]", "", ""),
        ("cipher suites operations", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [-ECDHE-ECDSA-AES128-SHA]",
         "", ""),
        ("duplicate cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [ECDHE-ECDSA-AES128-SHA, "
         "ECDHE-ECDSA-AES128-SHA]", "", "ECDHE-ECDSA-AES128-SHA"),
        ("invalid cipher suites with invalid config", "mode: SIMPLE, cipherSuites: [not-a-cipher-suite]",
         "requires a private key", "not-a-cipher-suite"),
        ("crl specified for SIMPLE TLS", "mode: SIMPLE, caCrl: crl", "CRL is not supported with SIMPLE TLS", ""),
        ("crl specified for CredentialName", "mode: SIMPLE, caCrl: crl, credentialName: credential", "", ""),
        ("mutual no server cert (message)", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}",
         "MUTUAL TLS requires a server certificate", ""),
        ("mutual no private key", f"mode: MUTUAL, serverCertificate: {KHAN}, caCertificates: {RIKER}",
         "MUTUAL TLS requires a private key", ""),
        ("with CredentialNames", "mode: MUTUAL, credentialNames: [credential1, credential2]", "", "")):
    expect = bad(out) if out else warn(warning) if warning else CLEAN
    case("TestValidateTlsOptions", name, server_tls(fields), expect)


# ---- TestValidateGateway / TestValidateServer / TestValidateServerPort -----------------------------
def expect_of(out: str, warning: str = "") -> Expect:
    """checkValidationMessage: an error containing `out`, else exactly the warning (or none)."""
    return bad(out) if out else warn(warning) if warning else CLEAN


for name, servers, out, warning in (
        ("empty", "", "server", ""),
        ("happy domain", "{hosts: [foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "", ""),
        ("happy multiple servers", "{hosts: [foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "", ""),
        ("happy k8s gateway-api server with no attached routes",
         "{hosts: [~/foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "invalid namespace value", ""),
        ("invalid port", "{hosts: [foo.bar.com], port: {name: name1, number: 66000, protocol: http}}", "port", ""),
        ("duplicate port names", "{hosts: [foo.bar.com], port: {name: foo, number: 80, protocol: http}}, "
         "{hosts: [scooby.doo.com], port: {name: foo, number: 8080, protocol: http}}", "port names", ""),
        ("invalid domain", "{hosts: [foo.*.bar.com], port: {number: 7, protocol: http}}", "domain", ""),
        ("valid httpsRedirect", "{hosts: [bar.com], port: {name: http, number: 80, protocol: http}, "
         "tls: {httpsRedirect: true}}", "", ""),
        ("invalid https httpsRedirect", "{hosts: [bar.com], port: {name: https, number: 80, protocol: https}, "
         "tls: {httpsRedirect: true}}", "", "tls.httpsRedirect should only be used with http servers"),
        ("invalid partial wildcard", "{hosts: ['*bar.com'], port: {name: tls, number: 443, protocol: tls}, "
         "tls: {mode: ISTIO_MUTUAL}}", 'partial wildcard "*bar.com" not allowed', "")):
    case("TestValidateGateway", name, obj("Gateway", f"servers: [{servers}]" if servers else "{}"), expect_of(out, warning))

HTTP7 = "port: {number: 7, name: http, protocol: http}"
for name, server, out in (
        ("empty (host)", "{}", "host"),
        ("empty (port)", "{}", "port"),
        ("happy", f"{{hosts: [foo.bar.com], {HTTP7}}}", ""),
        ("happy ip", f"{{hosts: [1.1.1.1], {HTTP7}}}", ""),
        ("happy ns/name", f"{{hosts: [ns1/foo.bar.com], {HTTP7}}}", ""),
        ("happy */name", f"{{hosts: ['*/foo.bar.com'], {HTTP7}}}", ""),
        ("happy ./name", f"{{hosts: [./foo.bar.com], {HTTP7}}}", ""),
        ("invalid ~/name", f"{{hosts: [~/foo.bar.com], {HTTP7}}}", "namespace"),
        ("invalid domain ns/name format", f"{{hosts: [ns1/foo.*.bar.com], {HTTP7}}}", "domain"),
        ("invalid domain", f"{{hosts: [foo.*.bar.com], {HTTP7}}}", "domain"),
        ("invalid short name host", f"{{hosts: [foo], {HTTP7}}}", "short names"),
        ("invalid port", "{hosts: [foo.bar.com], port: {number: 66000, name: http, protocol: http}}", "port"),
        ("invalid tls options", "{hosts: [foo.bar.com], port: {number: 1, name: http, protocol: http}, tls: {mode: SIMPLE}}",
         "TLS"),
        ("no tls on HTTPS", "{hosts: [foo.bar.com], port: {number: 10000, name: https, protocol: https}}", "must have TLS"),
        ("tls on HTTP", "{hosts: [foo.bar.com], port: {number: 10000, name: http, protocol: http}, tls: {mode: SIMPLE}}",
         "cannot have TLS"),
        ("tls redirect on HTTP", "{hosts: [foo.bar.com], port: {number: 10000, name: http, protocol: http}, "
         "tls: {httpsRedirect: true}}", ""),
        ("bind ip", f"{{hosts: [foo.bar.com], {HTTP7}, bind: 127.0.0.1}}", ""),
        ("bind unix path with invalid port", f"{{hosts: [foo.bar.com], {HTTP7}, bind: 'unix://@foobar'}}",
         "port number must be 0 for unix domain socket"),
        ("bind unix path", "{hosts: [foo.bar.com], port: {number: 0, name: http, protocol: http}, bind: 'unix://@foobar'}",
         ""),
        ("bind bad ip", "{hosts: [foo.bar.com], port: {number: 0, name: http, protocol: http}, bind: foo.bar}",
         "foo.bar is not a valid IP")):
    case("TestValidateServer", name, gateway(server), bad(out) if out else OK)

for name, port, bind, out in (
        ("empty (invalid protocol)", "{}", "", "invalid protocol"),
        ("empty (port name)", "{}", "", "port name"),
        ("happy", "{protocol: http, number: 1, name: Henry}", "", ""),
        ("invalid protocol", "{protocol: kafka, number: 1, name: Henry}", "", "invalid protocol"),
        ("invalid number", "{protocol: http, number: 1073741824, name: http}", "", "port number"),
        ("name, no number", "{protocol: http, number: 0, name: Henry}", "", "port number"),
        ("name, no number, uds", "{protocol: http, number: 0, name: Henry}", "uds:///tmp", "port number")):
    server = f"{{hosts: [foo.bar.com], port: {port}" + (f", bind: '{bind}'" if bind else "") + "}"
    case("TestValidateServerPort", name, gateway(server), bad(out) if out else OK)


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


# ---- agent/validation_test.go: TestValidateTLS (DestinationRule client TLS) -----------------------
for name, fields, expect in (
        ("SIMPLE: Credential Name set correctly", "mode: SIMPLE, credentialName: some credential", OK),
        ("SIMPLE CredentialName set with ClientCertificate specified",
         "mode: SIMPLE, credentialName: credential, clientCertificate: cert", bad()),
        ("SIMPLE: CredentialName set with PrivateKey specified", "mode: SIMPLE, credentialName: credential, privateKey: key",
         bad()),
        ("SIMPLE: CredentialName set with CACertficiates specified",
         "mode: SIMPLE, credentialName: credential, caCertificates: ca", bad()),
        ("MUTUAL: Credential Name set correctly", "mode: MUTUAL, credentialName: some credential", OK),
        ("MUTUAL CredentialName set with ClientCertificate specified",
         "mode: MUTUAL, credentialName: credential, clientCertificate: cert", bad()),
        ("MUTUAL: CredentialName set with PrivateKey specified", "mode: MUTUAL, credentialName: credential, privateKey: key",
         bad()),
        ("MUTUAL: CredentialName set with CACertficiates specified",
         "mode: MUTUAL, credentialName: credential, caCertificates: ca", bad()),
        ("MUTUAL: CredentialName set with CACRL specified", "mode: MUTUAL, credentialName: credential, caCrl: ca", bad()),
        ("MUTUAL: CredentialName not set with ClientCertificate and Key specified",
         "mode: MUTUAL, clientCertificate: cert, privateKey: key", OK),
        ("MUTUAL: CredentialName not set with ClientCertificate specified and Key missing",
         "mode: MUTUAL, clientCertificate: cert", bad()),
        ("MUTUAL: CredentialName not set with ClientCertificate missing and Key specified",
         "mode: MUTUAL, privateKey: key", bad())):
    case("TestValidateTLS", name, tls(fields), expect)

# ---- TestValidateWildcardDomain (ServiceEntry hosts; `*` alone is refused there by a CEL rule, so
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

# ---- newer rows of the HTTP sub-message tests: gRPC aborts, backoff, regex rewrite, port names,
# direct responses ----------------------------------------------------------------------------------
case("TestValidateHTTPFaultInjectionAbort", "grpc: valid", abort("percentage: {value: 20}, grpcStatus: DEADLINE_EXCEEDED"),
     OK)
case("TestValidateHTTPFaultInjectionAbort", "grpc: valid default percentage", abort("grpcStatus: DEADLINE_EXCEEDED"), OK)
case("TestValidateHTTPFaultInjectionAbort", "grpc: invalid status", abort("percentage: {value: 20}, grpcStatus: BAD_STATUS"),
     bad())
case("TestValidateHTTPFaultInjectionAbort", "grpc: valid percentage", abort("percentage: {value: 0.001}, grpcStatus: INTERNAL"),
     OK)
case("TestValidateHTTPFaultInjectionAbort", "grpc: invalid fractional percent",
     abort("percentage: {value: -10.0}, grpcStatus: DEADLINE_EXCEEDED"), bad())
case("TestValidateHTTPRetry", "invalid backoff", retry("attempts: 10, backoff: 999ns"), bad())

REGEX_REWRITE = "uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}"
case("TestValidateHTTPRewrite", "uriRegexRewrite", http(f"rewrite: {{{REGEX_REWRITE}}}"), OK)
case("TestValidateHTTPRewrite", "uriRegexRewrite and authority", http(f"rewrite: {{authority: foobar.org, {REGEX_REWRITE}}}"),
     OK)
case("TestValidateHTTPRewrite", "uriRegexRewrite and uri", http(f"rewrite: {{uri: /path/to/resource, {REGEX_REWRITE}}}"),
     bad())
case("TestValidateUriRegexRewrite", "uriRegexRewrite happy path", http(f"rewrite: {{{REGEX_REWRITE}}}"), OK)
case("TestValidateUriRegexRewrite", "uriRegexRewrite missing match",
     http("rewrite: {uriRegexRewrite: {rewrite: '\\2/instance/\\1'}}"), bad())
case("TestValidateUriRegexRewrite", "uriRegexRewrite missing rewrite",
     http("rewrite: {uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$'}}"), bad())
case("TestValidateUriRegexRewrite", "uriRegexRewrite invalid regex patterns",
     http("rewrite: {uriRegexRewrite: {match: '[', rewrite: '['}}"), bad())

for name, expect in (("''", bad()), ("simple", OK), ("full", OK), ("toolong" * 15, bad())):
    case("TestValidatePortName", name.strip("'") or "empty",
         se(f"hosts: [google.com]\nports: [{{number: 80, protocol: http, name: {name}}}]\nresolution: DNS"), expect)

KB, MB = 1024, 1024 * 1024


def direct(status: int, body: str = "") -> str:
    return http(f"directResponse: {{status: {status}{', body: {' + body + '}' if body else ''}}}", route=False)


case("TestValidateHTTPDirectResponse", "status 200", direct(200), CLEAN)
case("TestValidateHTTPDirectResponse", "status 100", direct(199), bad())
case("TestValidateHTTPDirectResponse", "status 600", direct(601), bad())
case("TestValidateHTTPDirectResponse", "with string body", direct(200, "string: hello"), CLEAN)
case("TestValidateHTTPDirectResponse", "with string body over 100kb", direct(200, f"string: {'a' * 101 * KB}"), warn(""))
case("TestValidateHTTPDirectResponse", "with bytes body", direct(200, "bytes: aGVsbG8="), CLEAN)

case("TestValidateHTTPDirectResponse", "with string body over 1mb", direct(200, f"string: {'a' * 2 * MB}"),
     bad("large direct_responses may impact control plane performance"))
case("TestValidateHTTPDirectResponse", "with bytes body over 100kb",
     direct(200, f"bytes: {base64.b64encode(b'a' * (100 * KB + 1)).decode()}"), warn("large direct_responses"))
case("TestValidateHTTPDirectResponse", "with bytes body over 1mb",
     direct(200, f"bytes: {base64.b64encode(b'a' * (MB + 1)).decode()}"), bad("large direct_responses"))


# ---- pkg/config/security/security_test.go ------------------------------------------------------------
for uri, expect in (("foo.bar.com", bad()), ("tcp://foo.bar.com:abc", bad()), ("http://foo.bar.com:abc", bad()),
                    ("http://foo.bar.com", OK), ("https://foo.bar.com", OK), ("http://foo.bar.com:1234", OK),
                    ("https://foo.bar.com:1234/secure/key", OK)):
    case("TestParseJwksURI", uri, ra(f"jwtRules: [{{issuer: foo.com, jwksUri: '{uri}'}}]"), expect)

for key, values, expect in (
        ("request.headers[:authority]", "[productpage, '']", bad()),
        ("request.headers[:authority]", "[productpage]", OK),
        ("request.headers[]", "[productpage]", bad()),
        ("source.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("source.ip", "[a.b.c.d]", bad()),
        ("remote.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("remote.ip", "[a.b.c.d]", bad()),
        ("source.namespace", "[value]", OK),
        ("source.user", "[value]", bad()),
        ("source.principal", "[value]", OK),
        ("request.auth.principal", "[value]", OK),
        ("request.auth.audiences", "[value]", OK),
        ("request.auth.presenter", "[value]", OK),
        ("request.auth.claims[id]", "['123']", OK),
        ("request.auth.claims[]", "[value]", bad()),
        ("destination.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("destination.ip", "[a.b.c.d]", bad()),
        ("destination.port", "['80', '90']", OK),
        ("destination.port", "['80', x]", bad()),
        ("destination.labels[app]", "[value]", bad()),
        ("destination.name", "[value]", bad()),
        ("destination.namespace", "[value]", bad()),
        ("destination.user", "[value]", bad()),
        ("connection.sni", "[value]", OK),
        ("experimental.envoy.filters.a.b[c]", "[value]", OK),
        ("experimental.envoy.filters.a.b.x", "[value]", bad())):
    case("TestValidateCondition", f"{key} {values}", ap(f"rules: [{{when: [{{key: '{key}', values: {values}}}]}}]"), expect)

for name, path, expect in (
        ("valid path template - matchOneTemplate", "/{*}/foo", OK),
        ("valid path template - matchAnyTemplate", "/foo/{**}/bar", OK),
        ("invalid path template - empty curly braces", "/{*}/foo/{}/bar", bad()),
        ("unsupported path template - matchOneTemplate with `*`", "/foo/{*}/bar/*", bad()),
        ("unsupported path template - matchOneTemplate with `**`", "/foo/{*}/bar/**/buzz", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz}", "/foo/{buzz}/bar/{**}.txt", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz=*}", "/foo/{buzz=*}/bar/{**}.txt", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz=**}", "/{*}/foo/{buzz=**}/bar", bad())):
    case("TestCheckValidPathTemplate", name, ap(f"rules: [{{to: [{{operation: {{paths: ['{path}']}}}}]}}]"), expect)


# ---- TestValidateHTTPHeaderValue (a request header set on a route) ---------------------------------
for value, out in (("foo", ""), ("%HOSTNAME%", ""), ("100%%", ""), ("prefix %HOSTNAME% suffix", ""),
                   ("%DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%", ""),
                   ("%DYNAMIC_METADATA(com.test.my_filter)%", ""),
                   ("%START_TIME%%", "header value configuration"), ("abc%123", "header value configuration")):
    case("TestValidateHTTPHeaderValue", value, http(f"headers: {{request: {{set: {{x-foo: '{value}'}}}}}}"),
         bad(out) if out else OK)


# ---- pkg/config/validation/testdata/crds/*-{valid,invalid}.yaml (TestCRDs: the API server's verdict) -
def crd(kind: str, spec: str | None, name: str, api: str = "") -> str:
    text = obj(kind, spec if spec is not None else "{}", name=name, namespace="default")
    if spec is None:
        text = text[:text.index("spec:")]
    return text.replace(_GROUP[kind], api) if api else text


RATINGS = "host: ratings.prod.svc.cluster.local\ntrafficPolicy: "
for name, spec in (
        ("bookinfo-ratings warmup", RATINGS + "{loadBalancer: {warmup: {duration: 300s}}}"),
        ("bookinfo-ratings warmup minimumPercent", RATINGS + "{loadBalancer: {warmup: {duration: 300s, minimumPercent: 5.0}}}"),
        ("bookinfo-ratings warmup aggression",
         RATINGS + "{loadBalancer: {warmup: {duration: 300s, minimumPercent: 5.0, aggression: 5.0}}}"),
        ("bookinfo-ratings-http2-ping", RATINGS + "{connectionPool: {http: {http2KeepAlive: {interval: 15s, timeout: 5s}}}}")):
    case("TestCRDs/destinationrule-valid", name, crd("DestinationRule", spec, "bookinfo-ratings"), OK)
for name, spec, err in (
        ("warmup minimumPercent 150", RATINGS + "{loadBalancer: {warmup: {duration: 300s, minimumPercent: 150.0}}}",
         "spec.trafficPolicy.loadBalancer.warmup.minimumPercent"),
        ("warmup without duration", RATINGS + "{loadBalancer: {warmup: {minimumPercent: 5.0}}}",
         "spec.trafficPolicy.loadBalancer.warmup.duration: Required value"),
        ("warmup aggression 0.3", RATINGS + "{loadBalancer: {warmup: {duration: 300s, aggression: 0.3}}}",
         "spec.trafficPolicy.loadBalancer.warmup.aggression")):
    case("TestCRDs/destinationrule-invalid", name, crd("DestinationRule", spec, "bookinfo-ratings"), bad(err))

FOO_PORT = "ports: [{name: foo, protocol: HTTP, number: 1234, targetPort: 2345}]"
for name, spec, api in (
        ("full", "hosts: [example.com]\nworkloadSelector: {labels: {foo: bar}}\naddresses: [1.2.3.4, '001:db8::']\n"
         f"exportTo: [foo, .]\nlocation: MESH_EXTERNAL\n{FOO_PORT}\nsubjectAltNames: [sa]\nresolution: DNS", ""),
        ("static-endpoints", f"hosts: [example.com]\nendpoints: [{{address: sub.example.com}}]\n{FOO_PORT}\nresolution: DNS",
         ""),
        ("empty-selector", "workloadSelector: {}\nhosts: [example.com]", "networking.istio.io/v1alpha3"),
        ("partial-wildcard", "hosts: ['*x']", "networking.istio.io/v1alpha3"),
        ("none-cidr", "hosts: [example.com]\naddresses: [1.1.1.1/32]", "networking.istio.io/v1alpha3")):
    case("TestCRDs/serviceentry-valid", name, crd("ServiceEntry", spec, name, api), OK)
for name, spec, err in (
        ("no-spec", None, "spec: Required value"),
        ("missing-host", "{}", "spec.hosts: Required value"),
        ("bad-selector-value", "hosts: [example.com]\nworkloadSelector: {labels: {val: '*'}}",
         "wildcard is not supported in selector"),
        ("selector-and-endpoints", "hosts: [example.com]\nworkloadSelector: {}\nendpoints: [{address: 1.2.3.4}]",
         "only one of WorkloadSelector or Endpoints can be set"),
        ("bad-host-wildcard", "hosts: ['*']", "hostname cannot be wildcard"),
        ("bad-cidr-resolution", "hosts: [example.com]\naddresses: [1.2.3.4/16]\nresolution: DNS",
         "CIDR addresses are allowed only for NONE/STATIC resolution types"),
        ("duplicate-ports-name", "hosts: [example.com]\nports: [{name: a, number: 1}, {name: a, number: 12}]",
         "Duplicate value"),
        ("duplicate-ports-number", "hosts: [example.com]\nports: [{name: a, number: 1}, {name: b, number: 1}]",
         "port number cannot be duplicated"),
        ("bad-port", "hosts: [example.com]\nports: [{name: a, number: 99999}]", "port must be between 1-65535"),
        ("bad-port-target", "hosts: [example.com]\nports: [{name: a, number: 1, targetPort: 99999}]",
         "port must be between 1-65535"),
        ("none-with-endpoints", "hosts: [example.com]\nendpoints: [{address: 1.2.3.4}]\nresolution: NONE",
         "NONE mode cannot set endpoints"),
        ("dns-rr-with-multiple-endpoints", "hosts: [example.com]\nresolution: DNS_ROUND_ROBIN\n"
         "endpoints: [{address: sub1.example.com}, {address: sub2.example.com}]",
         "DNS_ROUND_ROBIN mode cannot have multiple endpoints")):
    case("TestCRDs/serviceentry-invalid", name, crd("ServiceEntry", spec, name), bad(err))

WILD = "'*-suffix-{0}', '{0}-prefix-*', '*'"
AUTHZ_FULL = (
    "selector: {matchLabels: {app: httpbin}}\nrules:\n- from:\n  - source:\n"
    "      principals: [principal, 'principal-prefix-*', '*-suffix-principal', '*']\n"
    "      requestPrincipals: [requestPrincipals, 'requestPrincipals-prefix-*', '*-suffix-requestPrincipals', '*']\n"
    "      namespaces: [ns, 'ns-prefix-*', '*-ns-suffix', '*']\n"
    "      ipBlocks: [1.2.3.4, 5.6.0.0/16]\n      remoteIpBlocks: [1.2.3.4, 5.6.0.0/16]\n"
    "      notPrincipals: [not-principal, '*']\n      notRequestPrincipals: [not-requestPrincipals, '*']\n"
    "      notNamespaces: [not-ns, '*']\n      notIpBlocks: [9.0.0.1, 9.2.0.0/16]\n"
    "      notRemoteIpBlocks: [9.0.0.1, 9.2.0.0/16]\n"
    "  to:\n  - operation:\n"
    "      methods: [method, 'method-prefix-*', '*-suffix-method', '*']\n"
    "      hosts: [exact.com, '*.suffix.com', 'prefix.*', '*']\n      ports: ['80', '90']\n"
    "      paths: [/exact, '/prefix/*', '*/suffix', '*', '/path/template/{*}', '/{**}/path/template']\n"
    "      notMethods: [not-method, '*']\n      notHosts: [not-exact.com, '*']\n      notPorts: ['8000', '9000']\n"
    "      notPaths: [/not-exact, '*', '/not-path/template/{*}', '/{**}/not-path/template']\n"
    "  when:\n"
    "  - {key: 'request.headers[X-header]', values: [header, 'header-prefix-*', '*'], notValues: [not-header]}\n"
    "  - {key: source.ip, values: [10.10.10.10, 192.168.10.0/24], notValues: [90.10.10.10, 90.168.10.0/24]}\n"
    "  - {key: remote.ip, values: [10.10.10.10, 192.168.10.0/24], notValues: [90.10.10.10]}\n"
    "  - {key: source.namespace, values: [ns, '*'], notValues: [not-ns]}\n"
    "  - {key: source.principal, values: [principal, '*'], notValues: [not-principal]}\n"
    "  - {key: request.auth.principal, values: [requestPrincipals, '*', 'https://example.com/*'], notValues: [x]}\n"
    "  - {key: request.auth.audiences, values: [audiences, '*'], notValues: [not-audiences]}\n"
    "  - {key: request.auth.presenter, values: [presenter, '*'], notValues: [not-presenter]}\n"
    "  - {key: 'request.auth.claims[iss]', values: [iss, '*'], notValues: [not-iss]}\n"
    "  - {key: 'request.auth.claims[nested1][nested2]', values: [nested, '*'], notValues: [not-nested]}\n"
    "  - {key: destination.ip, values: [10.10.10.10, 192.168.10.0/24], notValues: [90.10.10.10]}\n"
    "  - {key: destination.port, values: ['91', '92'], notValues: ['9001', '9002']}\n"
    "  - {key: connection.sni, values: [exact.com, '*.suffix.com', 'prefix.*', '*'], notValues: [not-exact.com]}\n"
    "  - {key: 'experimental.envoy.filters.a.b[c]', values: [exact, 'prefix-*', '*'], notValues: [not-exact]}")
case("TestCRDs/authz-valid", "full", crd("AuthorizationPolicy", AUTHZ_FULL, "full"), OK)
case("TestCRDs/authz-valid", "service-account-and-namespace-principal-split",
     crd("AuthorizationPolicy", "rules: [{from: [{source: {serviceAccounts: [baz/sa, sa]}}, {source: {principals: [bar]}}, "
         "{source: {namespaces: [bar]}}]}]", "split"), OK)
for name, source in (("service-account-and-namespace", "serviceAccounts: [bar/sa], namespaces: [bar]"),
                     ("service-account-and-namespace-principal", "serviceAccounts: [baz/sa], principals: [bar]")):
    case("TestCRDs/authz-invalid", name, crd("AuthorizationPolicy", f"rules: [{{from: [{{source: {{{source}}}}}]}}]", name),
         bad("Cannot set serviceAccounts with namespaces or principals"))

case("TestCRDs/peerauth-valid", "full", crd("PeerAuthentication", "selector: {matchLabels: {foo: bar}}\n"
                                          "mtls: {mode: PERMISSIVE}\nportLevelMtls: {'80': {mode: STRICT}}", "full"), OK)
case("TestCRDs/peerauth-valid", "partial-selector", crd("PeerAuthentication", "selector: {}", "partial-selector"), OK)
SEL_FOO = "selector: {matchLabels: {foo: bar}}\n"
for name, spec, err in (
        ("bad-mode", "mtls: {mode: BLAH}", 'Unsupported value: "BLAH"'),
        ("bad-port", SEL_FOO + "portLevelMtls: {acd: {mode: STRICT}}", ""),
        ("port-level-global", "portLevelMtls: {'80': {mode: STRICT}}", "portLevelMtls requires selector"),
        ("empty-port-level", SEL_FOO + "portLevelMtls: {}", "spec.portLevelMtls in body should have at least 1 properties"),
        ("zero-port", SEL_FOO + "portLevelMtls: {'0': {mode: STRICT}}", "port must be between 1-65535"),
        ("high-port", SEL_FOO + "portLevelMtls: {'42949672': {mode: STRICT}}", "port must be between 1-65535")):
    case("TestCRDs/peerauth-invalid", name, crd("PeerAuthentication", spec, name), bad(err))

case("TestCRDs/reqauth-valid", "full", crd("RequestAuthentication",
     "targetRefs: [{group: '', kind: Service, name: foo}]\njwtRules:\n- issuer: example.com\n"
     "  jwksUri: https://example.com/.well-known/jwks.json\n  forwardOriginalToken: true\n  fromCookies: [foo]\n"
     "  fromHeaders: [{name: foo, prefix: baz}]\n  outputClaimToHeaders: [{claim: abc, header: def}]\n  timeout: 5s\n"
     "  outputPayloadToHeader: header\n  spaceDelimitedClaims: [custom_scope, provider.login.scope]", "full"), OK)
EXAMPLE = "jwtRules: [{issuer: example, %s}]"
for name, spec, err in (
        ("multi-refs", "targetRefs: [{group: '', kind: Service, name: foo, namespace: bar}]\n"
         "targetRef: {group: '', kind: Service, name: foo, namespace: bar}", "only one of targetRefs or selector can be set"),
        ("ref-and-selector", "selector: {matchLabels: {a: b}}\ntargetRef: {group: '', kind: Service, name: foo}",
         "only one of targetRefs or selector can be set"),
        ("bad-target-name", "targetRef: {group: '', kind: Service}", "spec.targetRef.name: Required value"),
        ("bad-target-namespace", "targetRef: {group: '', kind: Service, name: foo, namespace: bar}",
         "cross namespace referencing is not currently supported"),
        ("bad-target-group", "targetRef: {group: __, kind: Service, name: foo, namespace: bar}",
         "spec.targetRef.group in body should match"),
        ("bad-target-kind", "targetRef: {group: '', kind: Serv_ice, name: foo, namespace: bar}",
         "spec.targetRef.kind in body should match"),
        ("no-issuer", "jwtRules: [null]", ""),
        ("empty-aud", EXAMPLE % "audiences: ['']", "audiences[0] in body should be at least 1 chars long"),
        ("invalid-jwks", EXAMPLE % "jwksUri: 'hTPp\\\\blah'", ""),
        ("invalid-from-headers-no-name", EXAMPLE % "fromHeaders: [{prefix: baz}]",
         "spec.jwtRules[0].fromHeaders[0].name: Required value"),
        ("invalid-from-headers-empty-name", EXAMPLE % "fromHeaders: [{name: '', prefix: baz}]",
         "spec.jwtRules[0].fromHeaders[0].name in body should be at least 1 chars long"),
        ("invalid-from-params", EXAMPLE % "fromParams: ['']", "fromParams[0] in body should be at least 1 chars long"),
        ("invalid-from-cookies", EXAMPLE % "fromCookies: ['']", "fromCookies[0] in body should be at least 1 chars long"),
        ("invalid-claim-to-header-claim-empty", EXAMPLE % "outputClaimToHeaders: [{claim: '', header: h}]",
         "spec.jwtRules[0].outputClaimToHeaders[0].claim in body should be at least 1 chars long"),
        ("invalid-claim-to-header-header-empty", EXAMPLE % "outputClaimToHeaders: [{claim: x, header: ''}]",
         "header in body should be at least 1 chars long"),
        ("invalid-claim-to-header-bad-header", EXAMPLE % "outputClaimToHeaders: [{claim: x, header: ':authority'}]",
         "header in body should match"),
        ("bad-timeout", EXAMPLE % "timeout: apple", "must be a valid duration greater than"),
        ("invalid-space-delimited-claims", EXAMPLE % "spaceDelimitedClaims: ['']",
         "spaceDelimitedClaims[0] in body should be at least 1 chars long"),
        # `presence` (an enum newer than our schema) is an unknown field here: still refused, in other words
        ("invalid-presence-value", EXAMPLE % "presence: MANDATORY", "")):
    case("TestCRDs/reqauth-invalid", name, crd("RequestAuthentication", spec, name), bad(err))


# ---- agent/validation_test.go: TestValidateLocalityLbSetting / TestValidateLocalities ---------------
def locality(setting: str, outlier: bool = True) -> str:
    fields = f"loadBalancer: {{simple: ROUND_ROBIN, localityLbSetting: {setting}}}"
    return policy(fields + (", outlierDetection: {consecutive5xxErrors: 5}" if outlier else ""))


for name, setting, outlier, expect in (
        ("invalid LocalityLoadBalancerSetting_Distribute total weight > 100",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 25}}]}", True, bad("total locality weight 105 != 100")),
        ("invalid LocalityLoadBalancerSetting_Distribute total weight < 100",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 15}}]}", True, bad("total locality weight 95 != 100")),
        ("invalid LocalityLoadBalancerSetting_Distribute weight = 0",
         "{distribute: [{from: a/b/c, to: {a/b/c: 0, a/b1: 100}}]}", True, bad("locality weight must be in range [1, 100]")),
        ("invalid LocalityLoadBalancerSetting specify both distribute and failover",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 20}}], failover: [{from: region1, to: region2}]}", True,
         bad("can not simultaneously specify 'distribute' and 'failover'")),
        ("invalid failover src and dst have same region", "{failover: [{from: region1, to: region1}]}", True,
         bad("must specify different regions")),
        ("invalid failover src contain '*' wildcard", "{failover: [{from: '*', to: region2}]}", True, bad("wildcard")),
        ("invalid failover dst contain '*' wildcard", "{failover: [{from: region1, to: '*'}]}", True, bad("wildcard")),
        ("invalid failover src contain '/' separator", "{failover: [{from: region1/zone1, to: region2}]}", True,
         bad("locality lb failover only specify region")),
        ("invalid failover dst contain '/' separator", "{failover: [{from: region1, to: region2/zone1}]}", True,
         bad("locality lb failover only specify region")),
        ("failover priority provided without outlier detection policy",
         "{failoverPriority: [topology.istio.io/network, topology.kubernetes.io/region, topology.kubernetes.io/zone, "
         "topology.istio.io/subzone]}", False, warn("outlier detection policy must be provided for failover")),
        ("failover provided without outlier detection policy",
         "{failover: [{from: us-east, to: eu-west}, {from: us-west, to: eu-east}]}", False,
         warn("outlier detection policy must be provided for failover")),
        ("invalid LocalityLoadBalancerSetting specify both failoverPriority and region in failover",
         "{failover: [{from: region1, to: region2}], failoverPriority: [topology.kubernetes.io/region]}", True,
         bad("can not simultaneously set 'failover' and topology label"))):
    case("TestValidateLocalityLbSetting", name, locality(setting, outlier), expect)

for name, froms, expect in (
        ("multi wildcard locality", ["*/zone/*"], bad("wildcard '*' number can not exceed 1")),
        ("wildcard not in suffix", ["*/zone"], bad("must be in the end")),
        ("explicit wildcard region overlap", ["*", "a/b/c"], bad("overlap with previous specified ones")),
        ("implicit wildcard region overlap", ["a", "a/b/c"], bad("overlap")),
        ("explicit wildcard zone overlap", ["a/*", "a/b/c"], bad("overlap")),
        ("implicit wildcard zone overlap", ["a/b", "a/b/c"], bad("overlap")),
        ("explicit wildcard subzone overlap", ["a/b/*", "a/b/c"], bad("overlap")),
        ("valid localities", ["a1/*", "a2/*", "a3/b3/c3", "a4/b4", "a5/b5/*"], OK)):
    # distribute sources are validated together (validateLocalities(srcLocalities))
    distribute = ", ".join(f"{{from: '{src}', to: {{r/z: 100}}}}" for src in froms)
    case("TestValidateLocalities", name, locality(f"{{distribute: [{distribute}]}}"), expect)

# The webhook's side of the same rules (agent.ValidateLoadBalancer warmup, validateConnectionPool):
case("TestCRDs/destinationrule-invalid", "warmup without duration (webhook)",
     crd("DestinationRule", RATINGS + "{loadBalancer: {warmup: {minimumPercent: 5.0}}}", "bookinfo-ratings"),
     bad("duration is required"))
case("TestCRDs/destinationrule-invalid", "http2KeepAlive without timeout",
     crd("DestinationRule", RATINGS + "{connectionPool: {http: {http2KeepAlive: {interval: 15s}}}}", "r"),
     bad("http2 keepalive timeout is required"))


# ---- the test ------------------------------------------------------------------------------------
def _render(diags) -> str:
    return "\n".join(f"{d.level} {d.code} {d.message}" for d in diags) or "(nothing)"


@pytest.mark.parametrize("text,expect", [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_istio_case(text: str, expect: Expect):
    diags = load_config_text(text, "istio.yaml").diagnostics
    errors = [d for d in diags if d.level == Level.ERROR]
    if not expect.valid:
        assert errors, f"expected an Error, got:\n{_render(diags)}"
        assert any(expect.text in d.message for d in errors), f"no Error mentions {expect.text!r}:\n{_render(diags)}"
        return
    assert not errors, f"expected no Error, got:\n{_render(diags)}"
    warnings = [d for d in diags if d.code in WARNINGS]
    if expect.clean:
        assert not warnings, f"expected no warning, got:\n{_render(diags)}"
    if expect.warning:
        assert any(expect.text in d.message for d in warnings), \
            f"no webhook warning mentions {expect.text!r}:\n{_render(diags)}"


def test_every_row_is_named_once():
    names = [name for name, _, _ in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
