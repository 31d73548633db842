"""Istio's own validation test tables, re-expressed as YAML in -> diagnostics out.

One row per case of istio/istio `pkg/config/validation/validation_test.go` (TestValidateCORSPolicy,
TestValidateHTTPRetry, ...) and `virtualservice_test.go`, named `<IstioTest>/<case name>`. Go
structs become the object's YAML (proto field names in camelCase), wrapped in the smallest object
that carries them (a sub-message test gets a VirtualService / DestinationRule / Gateway around it).
Expectations, as istioctl analyze and kubectl apply would show them together:
- OK: no Error at any layer (warnings allowed unless the row names one);
- bad("text"): some Error whose message contains Istio's error text (any Error when no text);
- warn("text"): admitted, with an IST0133 warning containing the text.
Where our layer-2 schema refuses first (a CEL rule, a duration under 1ms), the object is still
an Error, as on a cluster.
"""

from __future__ import annotations

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


OK = Expect(True)


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
    if expect.warning:
        assert any(d.code == "IST0133" and expect.text in d.message for d in diags), \
            f"no IST0133 warning mentions {expect.text!r}:\n{_render(diags)}"
