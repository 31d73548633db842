"""Istio's validation tests for HTTP route sub-messages, as YAML rows:
TestValidateCORSPolicy, TestValidateHTTPStatus, TestValidateHTTPFaultInjection*, TestValidateHTTPRetry,
TestValidateHTTPRewrite, TestValidateUriRegexRewrite, TestValidateHTTPRedirect, TestValidateHTTPDirectResponse,
TestValidatePortName, TestValidateDestination, TestValidateHTTPRoute, TestValidateRouteDestination and
TestValidateHTTPHeaderValue, each wrapped in a VirtualService.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import base64

import pytest

from tests.engine.istio_tables import CLEAN, OK, ROUTE, SOUTH_EAST, Table, bad, check, http, obj, route, se, warn

TABLE = Table()
case = TABLE.case


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

for status, expect in ((-100, bad()), (0, bad()), (200, OK), (600, OK), (601, bad())):
    case("TestValidateHTTPStatus", str(status), http(f"directResponse: {{status: {status}}}", route=False), expect)

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

def destination(fields: str) -> str:
    return obj("VirtualService", "hosts: [foo.bar]\nhttp: [{route: [{destination: {%s}}]}]" % fields)


case("TestValidateDestination", "empty", destination(""), bad())
case("TestValidateDestination", "simple", destination("host: foo.bar"), OK)
case("TestValidateDestination", "full", destination("host: foo.bar, subset: shiny, port: {number: 5000}"), OK)
case("TestValidateDestination", "unnumbered-selector", destination("host: foo.bar, subset: shiny, port: {}"), bad())


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


# ---- newer rows of the HTTP sub-message tests: gRPC aborts, backoff, regex rewrite, port names,
# direct responses ----------------------------------------------------------------------------------
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


# ---- TestValidateHTTPHeaderValue (a request header set on a route) ---------------------------------
for value, out in (("foo", ""), ("%HOSTNAME%", ""), ("100%%", ""), ("prefix %HOSTNAME% suffix", ""),
                   ("%DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%", ""),
                   ("%DYNAMIC_METADATA(com.test.my_filter)%", ""),
                   ("%START_TIME%%", "header value configuration"), ("abc%123", "header value configuration")):
    case("TestValidateHTTPHeaderValue", value, http(f"headers: {{request: {{set: {{x-foo: '{value}'}}}}}}"),
         bad(out) if out else OK)



# ---- TestValidateHTTPHeaderName (ValidateHTTPHeaderNameOrJwtClaimRoute, on match header keys) -------
for name, expect in (("header1", OK), ("X-Requested-With", OK), (":authority", OK), ("funky!$#_", OK),
                     ("", bad()), ("::", bad()), ('illegal"char', bad())):
    key = "'" + name.replace("'", "''") + "'"
    case("TestValidateHTTPHeaderName", name or "empty",
         route(f"match: [{{headers: {{{key}: {{exact: v}}}}}}], {ROUTE}"), expect)

@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
