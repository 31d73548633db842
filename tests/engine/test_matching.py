"""HTTPMatchRequest fields, each in both directions (istio-semantics §3.3; istio route.go
`TranslateRouteMatch`/`translateHeaderMatch`/`canBeConvertedToPresentMatch`/`IsCatchAllRoute`;
Envoy RouteMatch: path matchers ignore the query string, safe_regex is a full match)."""

import pytest
from hypothesis import given, strategies as st

from engine.resources.networking import HTTPMatchRequest, StringMatch
from engine.simulation.matching import HttpFacts, Source, applies, is_catch_all, matches_request


def facts(path="/", method="GET", authority="reviews:9080", scheme="http", headers=None):
    return HttpFacts.of(path, method, authority, scheme, headers or {})


S = StringMatch
CASES = [
    ("uri exact", HTTPMatchRequest(uri=S(exact="/api")), facts("/api"), True),
    ("uri exact ignores the query string", HTTPMatchRequest(uri=S(exact="/api")), facts("/api?x=1"), True),
    ("uri exact is case-sensitive", HTTPMatchRequest(uri=S(exact="/api")), facts("/API"), False),
    ("ignoreUriCase on exact", HTTPMatchRequest(uri=S(exact="/api"), ignore_uri_case=True), facts("/API"), True),
    ("uri prefix is a plain string prefix (/api matches /apix)", HTTPMatchRequest(uri=S(prefix="/api")),
     facts("/apix"), True),
    ("uri prefix mismatch", HTTPMatchRequest(uri=S(prefix="/api")), facts("/ap"), False),
    ("ignoreUriCase on prefix", HTTPMatchRequest(uri=S(prefix="/API"), ignore_uri_case=True), facts("/api/v1"), True),
    ("uri regex is a full match", HTTPMatchRequest(uri=S(regex="/v[0-9]")), facts("/v1/x"), False),
    ("uri regex full match ok", HTTPMatchRequest(uri=S(regex="/v[0-9]/.*")), facts("/v1/x"), True),
    ("uri regex ignores the query string", HTTPMatchRequest(uri=S(regex="/v[0-9]")), facts("/v1?a=b"), True),
    ("ignoreUriCase does not apply to regex", HTTPMatchRequest(uri=S(regex="/api"), ignore_uri_case=True),
     facts("/API"), False),
    ("header exact", HTTPMatchRequest(headers={"end-user": S(exact="jason")}), facts(headers={"end-user": "jason"}), True),
    ("header exact is case-sensitive on the value", HTTPMatchRequest(headers={"end-user": S(exact="jason")}),
     facts(headers={"end-user": "Jason"}), False),
    ("header names are case-insensitive", HTTPMatchRequest(headers={"End-User": S(exact="jason")}),
     facts(headers={"end-user": "jason"}), True),
    ("header prefix", HTTPMatchRequest(headers={"x-v": S(prefix="ab")}), facts(headers={"x-v": "abc"}), True),
    ("header regex full match", HTTPMatchRequest(headers={"x-v": S(regex="a.")}), facts(headers={"x-v": "abc"}), False),
    ("header presence {}", HTTPMatchRequest(headers={"x-v": S()}), facts(headers={"x-v": ""}), True),
    ("header presence {} and the header is missing", HTTPMatchRequest(headers={"x-v": S()}), facts(), False),
    ("header regex '*' means presence", HTTPMatchRequest(headers={"x-v": S(regex="*")}), facts(headers={"x-v": "1"}), True),
    ("missing header never matches a value", HTTPMatchRequest(headers={"x-v": S(prefix="")}), facts(), False),
    ("withoutHeaders: different value matches", HTTPMatchRequest(without_headers={"x-v": S(exact="a")}),
     facts(headers={"x-v": "b"}), True),
    ("withoutHeaders: same value does not match", HTTPMatchRequest(without_headers={"x-v": S(exact="a")}),
     facts(headers={"x-v": "a"}), False),
    ("withoutHeaders: missing header is empty for a value matcher", HTTPMatchRequest(without_headers={"x-v": S(exact="a")}),
     facts(), True),
    ("withoutHeaders: presence with the header present", HTTPMatchRequest(without_headers={"x-v": S()}),
     facts(headers={"x-v": "a"}), False),
    ("withoutHeaders: presence with the header missing", HTTPMatchRequest(without_headers={"x-v": S()}), facts(), True),
    ("queryParams exact", HTTPMatchRequest(query_params={"v": S(exact="2")}), facts("/p?v=2"), True),
    ("queryParams exact mismatch", HTTPMatchRequest(query_params={"v": S(exact="2")}), facts("/p?v=20"), False),
    ("queryParams exact '' matches ?key", HTTPMatchRequest(query_params={"debug": S(exact="")}), facts("/p?debug"), True),
    ("queryParams {} presence", HTTPMatchRequest(query_params={"v": S()}), facts("/p?v=1"), True),
    ("queryParams missing", HTTPMatchRequest(query_params={"v": S()}), facts("/p"), False),
    ("queryParams regex full match", HTTPMatchRequest(query_params={"v": S(regex="[0-9]+")}), facts("/p?v=12"), True),
    ("method exact", HTTPMatchRequest(method=S(exact="POST")), facts(method="POST"), True),
    ("method is case-sensitive", HTTPMatchRequest(method=S(exact="post")), facts(method="POST"), False),
    ("authority includes the port the client sent", HTTPMatchRequest(authority=S(exact="reviews")),
     facts(authority="reviews:9080"), False),
    ("authority prefix", HTTPMatchRequest(authority=S(prefix="reviews")), facts(authority="reviews:9080"), True),
    ("scheme", HTTPMatchRequest(scheme=S(exact="https")), facts(scheme="http"), False),
    ("all fields of one match are ANDed", HTTPMatchRequest(uri=S(prefix="/a"), method=S(exact="GET")),
     facts("/a", method="POST"), False),
    ("header keys uri/method/authority/scheme are ignored under headers",
     HTTPMatchRequest(headers={"method": S(exact="POST")}), facts(method="GET"), True),
]


@pytest.mark.parametrize("name,match,request_facts,expected", CASES, ids=[c[0] for c in CASES])
def test_match_fields(name, match, request_facts, expected):
    assert matches_request(match, request_facts) is expected


def resolver(name):
    return name if name == "mesh" or "/" in name else f"default/{name}"


SIDECAR = Source("default", {"app": "productpage", "version": "v1"}, frozenset({"mesh"}), 9080)


@pytest.mark.parametrize("name,match,vs_gateways,expected", [
    ("no match, VS for mesh", None, (), True),
    ("VS bound to a gateway only", None, ("gw",), False),
    ("sourceLabels subset of the proxy labels", HTTPMatchRequest(source_labels={"app": "productpage"}), (), True),
    ("sourceLabels not matching", HTTPMatchRequest(source_labels={"app": "reviews"}), (), False),
    ("sourceNamespace", HTTPMatchRequest(source_namespace="foo"), (), False),
    ("match.gateways overrides the VS gateways", HTTPMatchRequest(gateways=("mesh",)), ("gw",), True),
    ("match.gateways naming only a gateway drops the clause for sidecars", HTTPMatchRequest(gateways=("gw",)),
     ("gw", "mesh"), False),
    ("with match.gateways, sourceLabels are not read (sourceMatchHTTP)",
     HTTPMatchRequest(gateways=("mesh",), source_labels={"app": "other"}), (), True),
    ("port selects the listener", HTTPMatchRequest(port=9090), (), False),
])
def test_config_time_selectors(name, match, vs_gateways, expected):
    # §3.1: source selectors decide whether the clause exists on this proxy (route.go sourceMatchHTTP).
    assert applies(match, vs_gateways, SIDECAR, resolver) is expected


@pytest.mark.parametrize("match,expected", [
    (None, True),
    (HTTPMatchRequest(uri=S(prefix="/")), True),
    (HTTPMatchRequest(uri=S(regex=".*")), True),
    (HTTPMatchRequest(uri=S(prefix="/"), headers={"x": S(exact="1")}), False),
    (HTTPMatchRequest(uri=S(prefix="/"), method=S(exact="GET")), False),
    (HTTPMatchRequest(uri=S(prefix="/a")), False),
    (HTTPMatchRequest(uri=S(prefix="/"), query_params={"a": S()}), False),
])
def test_catch_all(match, expected):
    # route.go IsCatchAllRoute: prefix / or regex .* with no header or query matcher.
    assert is_catch_all(match) is expected


@given(st.text(max_size=30), st.text(max_size=10), st.text(max_size=10))
def test_matching_never_raises_on_odd_input(path, pattern, value):
    match = HTTPMatchRequest(uri=S(regex=pattern), headers={"h": S(regex=pattern)}, query_params={"q": S(prefix=pattern)})
    assert matches_request(match, facts("/" + path, headers={"h": value})) in (True, False)


def test_describe_says_the_clause_in_words():
    from engine.simulation.matching import describe
    m = HTTPMatchRequest(uri=S(prefix="/api"), headers={"end-user": S(exact="jason")}, source_labels={"app": "x"})
    assert describe(m) == "uri prefix '/api', header end-user exact 'jason', source labels app=x"
    assert describe(None) == "no match conditions: every request"
