"""VirtualService webhook rules, both directions. Rows mirror istio
pkg/config/validation/validation_test.go TestValidateVirtualService / TestValidateHTTPRoute /
TestValidateTLSRoute / TestValidateTCPRoute and virtualservice_test.go."""

import textwrap

import pytest

from engine.config import load_config_text

ERR, WARN = "Schema validation error: ", "Schema validation warning: "


def findings(spec: str, *, name: str = "reviews") -> list[str]:
    """What `istioctl analyze` would print for a VirtualService with this spec (webhook layer)."""
    text = (f"apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: {name}}}\nspec:\n"
            + textwrap.indent(textwrap.dedent(spec), "  "))
    cs = load_config_text(text, "vs.yaml")
    return [f"{d.code} {d.message}" for d in cs.diagnostics]


ROUTE = "route: [{destination: {host: reviews}}]"

REJECTED = [
    # TestValidateVirtualService
    ("hosts: ['*']\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}wildcard host * is not allowed for virtual services bound to the mesh gateway"]),
    ("hosts: ['*']\ngateways: [gw, mesh]\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}wildcard host * is not allowed for virtual services bound to the mesh gateway"]),
    ("hosts: [foo.bar, foo.bar]\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}duplicate hosts in virtual service: foo.bar & foo.bar"]),
    ("hosts: ['*.foo.com', '*.com']\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}duplicate hosts in virtual service: *.foo.com & *.com"]),
    ("hosts: [foo.*.com]\nhttp: [{%s}]" % ROUTE,
     # Go reports the rest of the name after the first label (ValidateDNS1123Labels(parts[1]))
     [f'IST0106 {ERR}domain name "*.com" invalid (label "*" invalid)']),
    ("hosts: [foo.bar]", [f"IST0106 {ERR}http, tcp or tls must be provided in virtual service"]),
    ("hosts: [foo.bar]\ngateways: ['ns/Bad_Gw']\nhttp: [{%s}]" % ROUTE,
     [f'IST0106 {ERR}invalid value for gateway name: "Bad_Gw"']),
    ("hosts: [foo.bar]\ngateways: ['/gw']\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}config namespace and gateway name cannot be empty",
      f'IST0106 {ERR}invalid value for namespace: ""']),
    ("gateways: [gw]\ntcp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}delegate virtual service must have no gateways specified",
      f"IST0106 {ERR}delegate virtual service must have no tcp route specified"]),
    ("hosts: [foo.bar]\nhttp: [{match: [{headers: {'@request.auth.claims.group': {exact: admin}}}], %s}]" % ROUTE,
     [f"IST0106 {ERR}JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, "
      "found no gateways: []"]),
    # TestValidateHTTPRoute: rule shape
    ("hosts: [foo.bar]\nhttp: [{redirect: {uri: /x}, %s}]" % ROUTE,
     [f"IST0106 {ERR}HTTP route cannot contain both route and redirect"]),
    ("hosts: [foo.bar]\nhttp: [{redirect: {uri: /x}, fault: {abort: {httpStatus: 500}}}]",
     [f"IST0106 {ERR}HTTP route cannot contain both fault and redirect"]),
    ("hosts: [foo.bar]\nhttp: [{redirect: {uri: /x}, rewrite: {uri: /y}}]",
     [f"IST0106 {ERR}HTTP route rule cannot contain both rewrite and redirect"]),
    ("hosts: [foo.bar]\nhttp: [{directResponse: {status: 200}, %s}]" % ROUTE,
     [f"IST0106 {ERR}HTTP route cannot contain both route and direct_response"]),
    ("hosts: [foo.bar]\nhttp: [{directResponse: {status: 200}, fault: {delay: {fixedDelay: 1s}}}]",
     [f"IST0106 {ERR}HTTP route cannot contain both fault and direct_response"]),
    ("hosts: [foo.bar]\nhttp: [{timeout: 5s}]", [f"IST0106 {ERR}HTTP route, redirect or direct_response is required"]),
    ("hosts: [foo.bar]\nhttp: [{mirror: {host: a.b}, mirrors: [{destination: {host: c.d}}], %s}]" % ROUTE,
     [f"IST0106 {ERR}HTTP route cannot contain both mirror and mirrors"]),
    ("hosts: [foo.bar]\nhttp: [{delegate: {name: d}, %s}]" % ROUTE,
     [f"IST0106 {ERR}root HTTP route  must not specify route"]),
    ("http: [{delegate: {name: d}, %s}]" % ROUTE, [f"IST0106 {ERR}delegate HTTP route cannot contain delegate"]),
    # matches
    ("hosts: [foo.bar]\nhttp: [{match: [{uri: {regex: '(abc'}}], %s}]" % ROUTE,
     [f'IST0106 {ERR}"uri": error parsing regexp: missing closing ): `(abc`; Istio uses RE2 style regex-based '
      "match (https://github.com/google/re2/wiki/Syntax)"]),
    ("hosts: [foo.bar]\nhttp: [{match: [{headers: {x: {regex: '(?!a)b'}}}], %s}]" % ROUTE,
     [f'IST0106 {ERR}"headers": error parsing regexp: invalid or unsupported Perl syntax: `(?!`; Istio uses RE2 '
      "style regex-based match (https://github.com/google/re2/wiki/Syntax)"]),
    ("hosts: [foo.bar]\nhttp: [{match: [{uri: {regex: ''}}], %s}]" % ROUTE,
     [f'IST0106 {ERR}"uri": regex string match should not be empty']),
    ("hosts: [foo.bar]\nhttp: [{match: [{method: {prefix: ''}}], %s}]" % ROUTE,
     [f'IST0106 {ERR}"method": prefix string match should not be empty']),
    ("hosts: [foo.bar]\nhttp: [{match: [{uri: {regex: '%s'}}], %s}]" % ("a" * 1025, ROUTE),
     [f'IST0106 {ERR}"uri": regex is too large, max length allowed is 1024']),
    ("hosts: [foo.bar]\nhttp: [{match: [{headers: {'bad header': {exact: x}}}], %s}]" % ROUTE,
     [f"IST0106 {ERR}header name bad header is not a valid header name"]),
    ("hosts: [foo.bar]\nhttp: [{match: [{port: 70000}], %s}]" % ROUTE,
     [f"IST0106 {ERR}port number 70000 must be in the range 1..65535"]),
    ("hosts: [foo.bar]\nhttp: [{match: [{sourceNamespace: Bad_Ns}], %s}]" % ROUTE,
     [f"IST0106 {ERR}sourceNamespace match Bad_Ns is invalid"]),
    # destinations and weights (relative since 1.15: never "must sum to 100")
    ("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b}, weight: -10}]}]", [f"IST0106 {ERR}weight -10 < 0"]),
    ("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b}}, {destination: {host: c.d}}]}]",
     [f"IST0106 {ERR}total destination weight = 0"]),
    ("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b, subset: v1.0}}]}]",
     [f"IST0106 {ERR}subset name is invalid: v1.0"]),
    ("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: '*'}}]}]", [f"IST0106 {ERR}invalid destination host *"]),
    ("hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b, port: {number: 0}}}]}]",
     [f"IST0106 {ERR}port number 0 must be in the range 1..65535"]),
    # retries
    ("hosts: [foo.bar]\nhttp: [{retries: {attempts: -1}, %s}]" % ROUTE, [f"IST0106 {ERR}attempts cannot be negative"]),
    ("hosts: [foo.bar]\nhttp: [{retries: {attempts: 0, perTryTimeout: 2s}, %s}]" % ROUTE,
     [f"IST0106 {ERR}http retry policy configured when attempts are set to 0 (disabled)"]),
    ("hosts: [foo.bar]\nhttp: [{retries: {attempts: 3, retryOn: '5xx, gateway-error'}, %s}]" % ROUTE,
     [f'IST0106 {ERR}" gateway-error" is not a valid retryOn policy']),
    ("hosts: [foo.bar]\nhttp: [{retries: {attempts: 3, retryOn: '5xx,999'}, %s}]" % ROUTE,
     [f'IST0106 {ERR}"999" is not a valid retryOn policy']),
    ("hosts: [foo.bar]\nhttp: [{retries: {attempts: 3, perTryTimeout: 1.5ms}, %s}]" % ROUTE,
     [f"IST0106 {ERR}only durations to ms precision are supported"]),
    # fault injection
    ("hosts: [foo.bar]\nhttp: [{fault: {}, %s}]" % ROUTE,
     [f"IST0106 {ERR}HTTP fault injection must have an abort and/or a delay"]),
    ("hosts: [foo.bar]\nhttp: [{fault: {abort: {httpStatus: 700}}, %s}]" % ROUTE,
     [f"IST0106 {ERR}HTTP status 700 is not in range 200-599"]),
    ("hosts: [foo.bar]\nhttp: [{fault: {delay: {fixedDelay: 1s, percentage: {value: 101}}}, %s}]" % ROUTE,
     [f"IST0106 {ERR}percentage 101 is neither 0.0, nor in range [0.0001, 100.0]"]),
    ("hosts: [foo.bar]\nhttp: [{fault: {delay: {fixedDelay: 1s, percentage: {value: 0.00001}}}, %s}]" % ROUTE,
     [f"IST0106 {ERR}percentage 1e-05 is neither 0.0, nor in range [0.0001, 100.0]"]),
    ("hosts: [foo.bar]\nhttp: [{fault: {abort: {grpcStatus: NOPE}}, %s}]" % ROUTE,
     [f'IST0106 {ERR}gRPC status "NOPE" is not supported. See https://github.com/grpc/grpc/blob/master/doc/'
      "statuscodes.md for a list of supported codes, for example 'NOT_FOUND'"]),
    ("hosts: [foo.bar]\nhttp: [{fault: {abort: {percentage: {value: 10}}}, %s}]" % ROUTE,
     [f"IST0133 {WARN}abort configured, but error type not set"]),
    # mirrors
    ("hosts: [foo.bar]\nhttp: [{mirror: {host: a.b}, mirrorPercentage: {value: 101}, %s}]" % ROUTE,
     [f"IST0106 {ERR}mirror_percentage must have a max value of 100 (it has 101.000000)"]),
    ("hosts: [foo.bar]\nhttp: [{mirror: {host: a.b}, mirrorPercent: 150, %s}]" % ROUTE,
     [f"IST0106 {ERR}mirror_percent must have a max value of 100 (it has 150)",
      f'IST0133 {WARN}using deprecated setting "mirrorPercent", use "mirrorPercentage" instead']),
    # redirect, rewrite, direct response, headers
    ("hosts: [foo.bar]\nhttp: [{redirect: {}}]", [f"IST0106 {ERR}redirect must specify URI, authority, scheme, or port"]),
    ("hosts: [foo.bar]\nhttp: [{redirect: {uri: /x, redirectCode: 200}}]",
     [f"IST0106 {ERR}200 is not a valid redirect code, must be 3xx"]),
    ("hosts: [foo.bar]\nhttp: [{redirect: {scheme: ftp}}]", [f'IST0106 {ERR}invalid redirect scheme, must be "http" or "https"']),
    ("hosts: [foo.bar]\nhttp: [{rewrite: {}, %s}]" % ROUTE,
     [f"IST0106 {ERR}rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or "
      "UriRegexRewrite may be specified"]),
    ("hosts: [foo.bar]\nhttp: [{directResponse: {status: 700}}]", [f"IST0106 {ERR}HTTP status 700 is not in range 200-599"]),
    ("hosts: [foo.bar]\nhttp: [{headers: {request: {set: {':path': /x}}, response: {remove: [Host]}}, %s}]" % ROUTE,
     [f'IST0106 {ERR}invalid header ":path": header cannot have ":" prefix',
      f'IST0106 {ERR}invalid header "Host": cannot set Host header']),
    ("hosts: [foo.bar]\nhttp: [{rewrite: {authority: a.com}, headers: {request: {set: {host: b.com}}}, %s}]" % ROUTE,
     [f'IST0106 {ERR}authority header cannot be set multiple times: have "a.com", attempting to set "b.com"']),
    # TLS and TCP routes
    ("hosts: [foo.bar]\ntls: [{match: [{sniHosts: [other.com]}], %s}]" % ROUTE,
     [f'IST0106 {ERR}SNI host "other.com" is not a compatible subset of any of the virtual service hosts: [foo.bar]']),
    ("hosts: [foo.bar]\ntls: [{match: [{sniHosts: [foo.bar]}]}]", [f"IST0106 {ERR}TLS route is required"]),
    ("hosts: [foo.bar]\ntcp: [{match: [{destinationSubnets: [10.0.0.0/33]}]}]",
     [f"IST0106 {ERR}10.0.0.0/33 is not a valid CIDR block", f"IST0106 {ERR}TCP route is required"]),
    ("hosts: [foo.bar]\nexportTo: ['*', ns1]\nhttp: [{%s}]" % ROUTE,
     [f"IST0106 {ERR}cannot have both public (*) and non-public exportTo values for a resource"]),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert sorted(findings(spec)) == sorted(expected)


ACCEPTED = [
    "hosts: [foo.bar]\nhttp: [{%s}]" % ROUTE,
    "hosts: ['*']\ngateways: [gw]\nhttp: [{%s}]" % ROUTE,                       # `*` is fine on a gateway
    "hosts: [10.0.0.1]\nhttp: [{%s}]" % ROUTE,                                  # an IP host
    "hosts: [Reviews.Example.COM]\nhttp: [{route: [{destination: {host: a.b, subset: V1}}]}]",  # case-insensitive
    "http: [{%s}]" % ROUTE,                                                     # no hosts: a delegate
    "hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b}, weight: 30}, {destination: {host: c.d}, weight: 30}]}]",
    "hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b}, weight: 0}]}]",   # a lone destination
    "hosts: [foo.bar]\nhttp: [{route: [{destination: {host: a.b}, weight: 150}, {destination: {host: c.d}, weight: 0}]}]",
    "hosts: [foo.bar]\nhttp: [{retries: {attempts: 3, retryOn: 'gateway-error,connect-failure,503,reset-before-request'}, %s}]" % ROUTE,
    "hosts: [foo.bar]\nhttp: [{retries: {attempts: 0}, %s}]" % ROUTE,
    "hosts: [foo.bar]\nhttp: [{fault: {abort: {httpStatus: 503, percentage: {value: 0.0001}}}, %s}]" % ROUTE,
    "hosts: [foo.bar]\nhttp: [{match: [{uri: {prefix: ''}}], %s}]" % ROUTE,   # uri allows an empty prefix
    "hosts: [foo.bar]\nhttp: [{match: [{withoutHeaders: {x: {regex: '*'}}}], %s}]" % ROUTE,
    "hosts: [foo.bar]\ngateways: [istio-system/gw]\nhttp: [{match: [{headers: {'@request.auth.claims.group': {exact: a}}}], %s}]" % ROUTE,
    "hosts: [foo.bar]\nhttp: [{directResponse: {status: 503, body: {string: down}}}]",
    "hosts: [foo.bar]\nhttp: [{redirect: {uri: /new, redirectCode: 301}}]",
    "hosts: [foo.bar]\ntls: [{match: [{sniHosts: [foo.bar]}], %s}]" % ROUTE,
    "hosts: [foo.bar]\ntcp: [{match: [{port: 3306}], %s}]" % ROUTE,
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []


def test_legacy_gateway_name_is_a_warning():
    assert findings("hosts: [foo.bar]\ngateways: [gw.istio-system]\nhttp: [{%s}]" % ROUTE) == [
        f'IST0133 {WARN}using legacy gatewayName format "gw.istio-system"; prefer the <namespace>/<name> format: '
        '"istio-system/gw"']


def test_all_errors_of_one_object_are_reported_with_their_paths_and_lines():
    text = textwrap.dedent("""\
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
              weight: -10
            - destination: {host: reviews, subset: v2.0}
              weight: 10
            retries: {attempts: -1}
        """)
    cs = load_config_text(text, "vs.yaml")
    got = sorted((d.path, d.line, d.message) for d in cs.diagnostics)
    assert got == [   # -10 + 10: the total is 0 as well
        ("spec.http[0].retries.attempts", 12, f"{ERR}attempts cannot be negative"),
        ("spec.http[0].route", 7, f"{ERR}total destination weight = 0"),
        ("spec.http[0].route[0].weight", 9, f"{ERR}weight -10 < 0"),
        ("spec.http[0].route[1].destination.subset", 10, f"{ERR}subset name is invalid: v2.0"),
    ]
    assert all(d.layer == "webhook" and d.origin == "VirtualService default/reviews" for d in cs.diagnostics)
    assert cs.resources == [] and [r.name for r in cs.webhook_rejected] == ["reviews"]


UNREACHABLE = [
    # analyzeUnreachableHTTPRules (TestValidateVirtualService "unreachable" rows)
    ("hosts: [foo.bar]\nhttp: [{%s}, {match: [{uri: {prefix: /a}}], %s}]" % (ROUTE, ROUTE),
     ["IST0130 VirtualService rule #1 not used (route without matches defined before)."]),
    ("hosts: [foo.bar]\nhttp: [{%s}, {name: second, %s}]" % (ROUTE, ROUTE),
     ['IST0130 VirtualService rule "second" not used (only the last rule can have no matches).']),
    ("hosts: [foo.bar]\nhttp: [{match: [{uri: {exact: /a}}], %s}, {match: [{name: m, uri: {exact: /a}}], %s}]"
     % (ROUTE, ROUTE),
     ['IST0131 VirtualService rule #1 match "m" is not used (duplicate/overlapping match in rule #0).',
      "IST0130 VirtualService rule #1 not used (all matches used by prior rules)."]),
    ("hosts: [foo.bar]\nhttp: [{match: [{uri: {prefix: /}}], %s}, {match: [{uri: {prefix: /api}}], %s}]"
     % (ROUTE, ROUTE),
     ["IST0131 VirtualService rule #1 match #0 of prefix /api is not used (duplicate/overlapping match in rule "
      "#0 of prefix / on #0)."]),
    ("hosts: [foo.bar]\ntcp: [{match: [{port: 1}], %s}, {match: [{port: 1}], %s}]" % (ROUTE, ROUTE),
     ["IST0131 VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).",
      "IST0130 VirtualService rule #1 not used (all matches used by prior rules)."]),
]


@pytest.mark.parametrize("spec,expected", UNREACHABLE)
def test_unreachable_and_ineffective_rules(spec, expected):
    assert sorted(findings(spec)) == sorted(expected)


def test_prefix_overlap_needs_equal_other_conditions():
    spec = ("hosts: [foo.bar]\nhttp: [{match: [{uri: {prefix: /}, headers: {a: {exact: b}}}], %s}, "
            "{match: [{uri: {prefix: /api}}], %s}]" % (ROUTE, ROUTE))
    assert findings(spec) == []
