"""Routing table tests: config + stream -> the Plan's named fields (Istio simulation-test style).

Each case cites its source: istio-semantics.md section (§), istio.io page (io:) or Istio source.
"""

import pytest

from engine.config import load_config_text
from engine.errors import EngineError
from engine.mesh import build_mesh
from engine.simulation.routing import plan_stream

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
    - {name: default, injection: true}
    - {name: foo, injection: true}
    - {name: legacy, injection: false}
  services:
    - name: reviews
      ports: [{name: http, port: 9080}]
      workloads:
        - {labels: {version: v1}, replicas: 2}
        - {labels: {version: v2}}
        - {labels: {version: v3}}
    - name: ratings
      namespace: foo
      ports: [{name: http, port: 9080}, {name: http-admin, port: 9090}]
      workloads: [{labels: {version: v1}}]
    - name: db
      ports: [{name: tcp, port: 5432}]
      workloads: [{labels: {version: v1}}, {labels: {version: v2}}]
  clients:
    - {name: productpage, labels: {app: productpage, version: v1}}
    - {name: sleep, namespace: foo}
    - {name: curl, namespace: legacy}
"""

SUBSETS = """
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
    - {name: v3, labels: {version: v3}}
    - {name: v9, labels: {version: v9}}
"""


def plan(config: str, stream: str):
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    return plan_stream(mesh, mesh.streams[0], mesh.backends)


def targets(p):
    return [(t.subset, t.weight, t.exists, len(t.connections)) for t in p.targets]


def outcome(p):
    return (p.immediate.status, p.immediate.flags) if p.immediate else None


def vs(http: str, hosts: str = "[reviews]", extra: str = "") -> str:
    return f"""
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: reviews-vs}}
spec:
  hosts: {hosts}
{extra}  http:
{http}
---
{SUBSETS}"""


CASES = [
    # (id and source, config, stream, expected targets, expected outcome)
    ("§3.2 no VS: default route to the whole service", "", "{from: default/productpage, to: 'reviews:9080'}",
     [(None, 100, True, 4)], None),
    ("§3.4 relative weights 75/25 (need not sum to 100 since 1.15)",
     vs("  - route:\n    - {destination: {host: reviews, subset: v1}, weight: 3}\n"
        "    - {destination: {host: reviews, subset: v2}, weight: 1}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v1", 3, True, 2), ("v2", 1, True, 1)], None),
    ("§3.4 a 0-weight destination among several is dropped",
     vs("  - route:\n    - {destination: {host: reviews, subset: v1}, weight: 100}\n"
        "    - {destination: {host: reviews, subset: v2}, weight: 0}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v1", 100, True, 2)], None),
    ("§3.4 a lone destination gets everything whatever its weight",
     vs("  - route:\n    - {destination: {host: reviews, subset: v2}, weight: 10}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v2", 100, True, 1)], None),
    ("§3.5 subset not in any DR -> cluster missing (503 NC)",
     vs("  - route:\n    - {destination: {host: reviews, subset: v7}}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v7", 100, False, 0)], None),
    ("§3.5 subset defined but selecting no pod -> 0 endpoints (503 UH)",
     vs("  - route:\n    - {destination: {host: reviews, subset: v9}}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v9", 100, True, 0)], None),
    ("§3.2 first match wins: header exact",
     vs("  - match: [{headers: {end-user: {exact: jason}}}]\n    route: [{destination: {host: reviews, subset: v2}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]"),
     "{from: default/productpage, to: 'reviews:9080', headers: {end-user: jason}}", [("v2", 100, True, 1)], None),
    ("§3.2 first match wins: header differs -> next rule",
     vs("  - match: [{headers: {end-user: {exact: jason}}}]\n    route: [{destination: {host: reviews, subset: v2}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]"),
     "{from: default/productpage, to: 'reviews:9080', headers: {end-user: Jason}}", [("v1", 100, True, 2)], None),
    ("§3.2 correction 14: no rule matches in a VS owning the host -> 404 NR",
     vs("  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: reviews, subset: v2}}]"),
     "{from: default/productpage, to: 'reviews:9080', path: /other}", [], (404, ("NR",))),
    ("§0.3 correction 20: a sender without sidecar ignores VS and DR (kube-proxy, all pods)",
     vs("  - route: [{destination: {host: reviews, subset: v2}}]"),
     "{from: legacy/curl, to: 'reviews.default:9080'}", [(None, 100, True, 4)], None),
    ("§2 correction 19: a VS short host resolves in the VS's namespace (foo), not the service's",
     vs("  - route: [{destination: {host: reviews, subset: v2}}]", extra="").replace(
         "metadata: {name: reviews-vs}", "metadata: {name: reviews-vs, namespace: foo}"),
     "{from: default/productpage, to: 'reviews:9080'}", [(None, 100, True, 4)], None),
    ("§2 an FQDN VS host in another namespace applies",
     vs("  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]",
        hosts="[reviews.default.svc.cluster.local]").replace(
         "metadata: {name: reviews-vs}", "metadata: {name: reviews-vs, namespace: foo}"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v2", 100, True, 1)], None),
    ("§3.1 a VS bound only to a gateway does not apply to sidecars",
     vs("  - route: [{destination: {host: reviews, subset: v2}}]", extra="  gateways: [bookinfo-gateway]\n"),
     "{from: default/productpage, to: 'reviews:9080'}", [(None, 100, True, 4)], None),
    ("§3.1 a VS listing mesh applies to sidecars",
     vs("  - route: [{destination: {host: reviews, subset: v2}}]", extra="  gateways: [bookinfo-gateway, mesh]\n"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v2", 100, True, 1)], None),
    ("§3.1 exportTo '.' hides the VS from other namespaces",
     vs("  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]",
        hosts="[reviews.default.svc.cluster.local]", extra="  exportTo: ['.']\n"),
     "{from: foo/sleep, to: 'reviews.default:9080'}", [(None, 100, True, 4)], None),
    ("§3.1 exportTo '.' keeps the VS for its own namespace",
     vs("  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]",
        hosts="[reviews.default.svc.cluster.local]", extra="  exportTo: ['.']\n"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v2", 100, True, 1)], None),
    ("§3.1 sourceLabels is a config-time selector: matches productpage v1",
     vs("  - match: [{sourceLabels: {app: productpage}}]\n    route: [{destination: {host: reviews, subset: v3}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v3", 100, True, 1)], None),
    ("§3.1 sourceNamespace skips clients of other namespaces",
     vs("  - match: [{sourceNamespace: default}]\n    route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]\n"
        "  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]",
        hosts="[reviews.default.svc.cluster.local]"),
     "{from: foo/sleep, to: 'reviews.default:9080'}", [("v1", 100, True, 2)], None),
    ("§3.3 match.port is config-time: another port's clause is absent",
     vs("  - match: [{port: 9999}]\n    route: [{destination: {host: reviews, subset: v3}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]"),
     "{from: default/productpage, to: 'reviews:9080'}", [("v1", 100, True, 2)], None),
]


@pytest.mark.parametrize("name,config,stream,expected,immediate", CASES, ids=[c[0] for c in CASES])
def test_routing_table(name, config, stream, expected, immediate):
    p = plan(config, stream)
    assert outcome(p) == immediate
    assert targets(p) == expected


def test_rule_reference_points_at_the_matched_rule():
    # istio pilot/pkg/simulation traffic.go records the matched route; we record file:line.
    p = plan(vs("  - match: [{uri: {exact: /x}}]\n    route: [{destination: {host: reviews, subset: v2}}]\n"
                "  - route: [{destination: {host: reviews, subset: v1}}]"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert p.rule_reference.startswith("t.yaml:")
    assert p.rule_reference != plan("", "{from: default/productpage, to: 'reviews:9080'}").rule_reference
    assert plan("", "{from: default/productpage, to: 'reviews:9080'}").rule_reference == ""


def test_destination_port_single_port_service_and_request_port():
    # §2 GetDestinationCluster: unset port + single-port service -> that port; else the request port.
    single = plan(vs("  - route: [{destination: {host: reviews}}]"), "{from: default/productpage, to: 'reviews:9080'}")
    assert single.targets[0].port == 9080
    multi = plan("""
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: foo}
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings}}]}]
""", "{from: foo/sleep, to: 'ratings:9090'}")
    assert multi.targets[0].port == 9090 and multi.targets[0].name == "outbound|9090||ratings.foo.svc.cluster.local"


def test_unknown_sender_is_one_clear_error_with_file_and_line():
    with pytest.raises(EngineError) as err:
        plan("", "{from: default/nobody, to: 'reviews:9080'}")
    assert err.value.code == "MD0301" and "t.yaml:" in str(err.value) and "default/nobody" in str(err.value)


# ------------------------------------------------------------- route actions (§3.6) ----

def test_redirect_defaults_to_301_and_redirect_code_overrides():
    p = plan(vs("  - redirect: {uri: /v2, authority: new.example.com}"), "{from: default/productpage, to: 'reviews:9080'}")
    assert outcome(p) == (301, ()) and p.targets == () and "new.example.com/v2" in p.immediate.detail
    p = plan(vs("  - redirect: {uri: /v2, redirectCode: 308}"), "{from: default/productpage, to: 'reviews:9080'}")
    assert outcome(p) == (308, ())


def test_direct_response_status_and_body():
    p = plan(vs("  - directResponse: {status: 418, body: {string: teapot}}"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert outcome(p) == (418, ()) and p.immediate.detail == "teapot"


BACKENDS = """
---
apiVersion: meshdrill/v1
kind: Traffic
spec:
  backends:
    - {namespace: default, selector: {app: reviews}, path: /v2/, errorRate: 1.0, errorStatus: 500}
"""


def test_rewrite_replaces_the_matched_prefix_and_backends_see_the_new_path():
    # §3.6: rewrite.uri replaces the matched prefix (prefix_rewrite); the server sees the result.
    config = vs("  - match: [{uri: {prefix: /v1/}}]\n    rewrite: {uri: /v2/}\n"
                "    route: [{destination: {host: reviews, subset: v1}}]") + BACKENDS
    p = plan(config, "{from: default/productpage, to: 'reviews:9080', path: /v1/items}")
    assert any(s.stage == "rewrite" and "/v2/items" in s.detail for s in p.trace)
    assert {c.behaviour.error_rate for c in p.targets[0].connections} == {1.0}
    unrewritten = plan(vs("  - route: [{destination: {host: reviews, subset: v1}}]") + BACKENDS,
                       "{from: default/productpage, to: 'reviews:9080', path: /v1/items}")
    assert {c.behaviour.error_rate for c in unrewritten.targets[0].connections} == {0.0}


# ------------------------------------------------------------ route policy (§3.7-3.9) ----

def test_default_route_policy_no_timeout_default_retries():
    p = plan("", "{from: default/productpage, to: 'reviews:9080'}")
    assert p.policy.timeout_ms is None and p.policy.retry.attempts == 2
    assert p.policy.retry.retriable_status_codes == frozenset()          # 503 removed in 1.24


def test_vs_timeout_retries_fault_and_mirror_reach_the_plan():
    http = ("  - timeout: 2s\n    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: '5xx,503'}\n"
            "    fault: {delay: {fixedDelay: 1s, percentage: {value: 50}}, abort: {httpStatus: 503, percentage: {value: 10}}}\n"
            "    mirror: {host: reviews, subset: v3}\n    mirrorPercentage: {value: 25}\n"
            "    route: [{destination: {host: reviews, subset: v1}}]")
    p = plan(vs(http), "{from: default/productpage, to: 'reviews:9080'}")
    assert p.policy.timeout_ms == 2000
    r = p.policy.retry
    assert (r.attempts, r.per_try_timeout_ms, r.retriable_status_codes) == (3, 500, frozenset({503}))
    assert r.retry_on == frozenset({"5xx", "retriable-status-codes"})
    f = p.policy.fault
    assert (f.delay_ms, f.delay_fraction, f.abort_status, f.abort_fraction) == (1000, 0.5, 503, 0.1)
    assert [(m.target.subset, m.fraction, len(m.target.connections)) for m in p.policy.mirrors] == [("v3", 0.25, 1)]


def test_tcp_port_ignores_http_routes_and_uses_tcp_routes():
    # §2 protocol selection: a tcp-* port gets only tcp routes; weights split connections (§3.10).
    tcp_vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db}
spec:
  hosts: [db]
  http: [{route: [{destination: {host: db, subset: v2}}]}]
  tcp:
    - match: [{port: 5432}]
      route:
        - {destination: {host: db, subset: v1}, weight: 80}
        - {destination: {host: db, subset: v2}, weight: 20}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db}
spec:
  host: db
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
"""
    p = plan(tcp_vs, "{from: default/productpage, to: 'db:5432'}")
    assert targets(p) == [("v1", 80, True, 1), ("v2", 20, True, 1)]
    assert p.policy.retry.attempts == 0 and p.rule_reference
    only_http = plan(tcp_vs.replace("  tcp:\n    - match: [{port: 5432}]\n      route:\n"
                                    "        - {destination: {host: db, subset: v1}, weight: 80}\n"
                                    "        - {destination: {host: db, subset: v2}, weight: 20}\n", ""),
                     "{from: default/productpage, to: 'db:5432'}")
    assert targets(only_http) == [(None, 100, True, 2)]


# ------------------------------------------------------- several VSs, one host (§3.1) ----

def second_vs(name: str, subset: str, extra: str = "") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}}}
spec:
  hosts: [reviews]
{extra}  http: [{{route: [{{destination: {{host: reviews, subset: {subset}}}}}]}}]
"""


def test_sidecars_do_not_merge_the_oldest_vs_wins():
    # correction 13; httproute.go "duplicate domain": the later VS for the host is dropped.
    p = plan(vs("  - route: [{destination: {host: reviews, subset: v1}}]") + second_vs("newer", "v2"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert targets(p) == [("v1", 100, True, 2)]
    assert any("shadows" in s.detail for s in p.trace)


def test_private_vs_is_preferred_over_an_older_public_one():
    # virtualservice.go SelectVirtualServices: namespace-private VSs first.
    p = plan(vs("  - route: [{destination: {host: reviews, subset: v1}}]")
             + second_vs("private", "v2", extra="  exportTo: ['.']\n"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert targets(p) == [("v2", 100, True, 1)]


def test_vs_whose_clauses_all_skip_this_proxy_leaves_the_default_route():
    # route.go BuildHTTPRoutesForVirtualService: no route for this proxy -> no vhost -> default route.
    p = plan(vs("  - match: [{sourceLabels: {app: ratings}}]\n    route: [{destination: {host: reviews, subset: v2}}]"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert targets(p) == [(None, 100, True, 4)] and outcome(p) is None


def test_route_to_an_unknown_host_is_a_missing_cluster():
    # TranslateRoute: "it's okay if the target cluster cannot be resolved. Traffic will blackhole" (503 NC).
    p = plan(vs("  - route: [{destination: {host: nowhere}}]"), "{from: default/productpage, to: 'reviews:9080'}")
    assert [(t.name, t.exists) for t in p.targets] == [("outbound|9080||nowhere.default.svc.cluster.local", False)]


def test_backend_behaviour_by_selector():
    config = """
apiVersion: meshdrill/v1
kind: Traffic
spec:
  backends:
    - {namespace: default, selector: {app: reviews, version: v2}, errorRate: 0.5, errorStatus: 503, latency: 10ms}
    - {namespace: default, selector: {app: reviews, version: v3}, down: true, resetRate: 0.1}
"""
    p = plan(config, "{from: default/productpage, to: 'reviews:9080'}")
    by_version = {dict(c.endpoint.labels)["version"]: c.behaviour for c in p.targets[0].connections}
    assert (by_version["v2"].error_rate, by_version["v2"].error_status, by_version["v2"].latency_ms) == (0.5, 503, 10)
    assert by_version["v3"].down and by_version["v3"].reset_rate == 0.1
    assert by_version["v1"].error_rate == 0.0 and not by_version["v1"].down


def test_sidecarless_sender_plan_has_no_envoy_retries_and_plaintext():
    p = plan("", "{from: legacy/curl, to: 'reviews.default:9080'}")
    assert not p.sender_sidecar and p.policy.retry.attempts == 0 and p.uncertain == ()
    assert {c.tls for c in p.targets[0].connections} == {"plaintext"}
    assert p.targets[0].lb.simple == "RANDOM"


# ---------------------------------------------------------------------- property ----

from hypothesis import assume, given, strategies as st  # noqa: E402

_strings = st.sampled_from(["/", "/api", "/v1", "", "jason", "a.b", "x"])
_string_match = st.one_of(
    st.builds(lambda v: {"exact": v}, _strings), st.builds(lambda v: {"prefix": v}, _strings),
    st.builds(lambda v: {"regex": v}, st.sampled_from([".*", "/v[0-9]+", "j.*", "("])), st.just({}))
_match = st.fixed_dictionaries({}, optional={
    "uri": _string_match, "headers": st.dictionaries(st.sampled_from(["end-user", "x-v"]), _string_match, max_size=2),
    "queryParams": st.dictionaries(st.sampled_from(["q"]), _string_match, max_size=1),
    "method": st.builds(lambda v: {"exact": v}, st.sampled_from(["GET", "POST"])),
    "ignoreUriCase": st.booleans(), "port": st.sampled_from([9080, 9090]),
    "sourceLabels": st.dictionaries(st.sampled_from(["app"]), st.sampled_from(["productpage", "x"]), max_size=1),
    "withoutHeaders": st.dictionaries(st.sampled_from(["x-v"]), _string_match, max_size=1)})
_destination = st.fixed_dictionaries(
    {"host": st.sampled_from(["reviews", "ratings.foo.svc.cluster.local", "nowhere", "db"])},
    optional={"subset": st.sampled_from(["v1", "v2", "v9", "v7"]), "port": st.builds(lambda n: {"number": n},
                                                                                    st.sampled_from([9080, 9090]))})
_route = st.fixed_dictionaries(
    {"route": st.lists(st.fixed_dictionaries({"destination": _destination},
                                             optional={"weight": st.integers(0, 100)}), min_size=1, max_size=3)},
    optional={"match": st.lists(_match, max_size=2), "timeout": st.sampled_from(["1s", "250ms"]),
              "retries": st.fixed_dictionaries({"attempts": st.integers(0, 4)}),
              "mirror": _destination,
              "fault": st.fixed_dictionaries({"abort": st.fixed_dictionaries(
                  {"httpStatus": st.sampled_from([500, 503]), "percentage": st.builds(
                      lambda v: {"value": v}, st.sampled_from([0, 50, 100]))})})})
_action = st.one_of(_route, st.builds(lambda m: {"match": m, "redirect": {"uri": "/new"}}, st.lists(_match, max_size=1)),
                    st.builds(lambda m: {"match": m, "directResponse": {"status": 503}}, st.lists(_match, max_size=1)))


@given(st.lists(_action, min_size=1, max_size=4), st.sampled_from(["default/productpage", "legacy/curl", "foo/sleep"]),
       st.sampled_from(["/", "/api/x", "/v1?q=jason"]), st.dictionaries(st.sampled_from(["end-user", "x-v"]),
                                                                       _strings, max_size=2))
def test_any_valid_virtualservice_plans_without_crashing(http, sender, path, headers):
    import json
    config = json.dumps({"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
                         "metadata": {"name": "gen", "namespace": "default"},
                         "spec": {"hosts": ["reviews"], "http": http}}) + "\n---\n" + SUBSETS
    stream = json.dumps({"from": sender, "to": "reviews.default:9080", "path": path, "headers": headers})
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assume(not cs.rejected)
    mesh = build_mesh(cs)
    p = plan_stream(mesh, mesh.streams[0])
    assert (p.immediate is None) == bool(p.targets)      # either an outcome now or somewhere to go
    if p.targets:
        assert p.total_weight > 0 and all(t.weight > 0 for t in p.targets)
    assert all(step.stage and step.detail for step in p.trace)


@pytest.mark.parametrize("redirect,location", [
    ("{uri: /v2}", "http://reviews:9080/v2"),
    ("{uri: /v2, authority: new.example.com, port: 8080}", "http://new.example.com:8080/v2"),
    ("{scheme: https, port: 443}", "https://reviews/"),
    ("{derivePort: FROM_REQUEST_PORT, authority: a.b}", "http://a.b:9080/"),
])
def test_redirect_location(redirect, location):
    # route.go ApplyRedirect: explicit or derived port, omitted when it is the scheme's default.
    p = plan(vs(f"  - redirect: {redirect}"), "{from: default/productpage, to: 'reviews:9080'}")
    assert p.immediate.detail == f"redirect to {location}"


def test_vs_exported_to_the_client_namespace_by_name_beats_an_older_public_one():
    # virtualservice.go SelectVirtualServices: private, then exportedToNamespace, then public.
    p = plan(vs("  - route: [{destination: {host: reviews, subset: v1}}]")
             + second_vs("named", "v2", extra="  exportTo: [default]\n"),
             "{from: default/productpage, to: 'reviews:9080'}")
    assert targets(p) == [("v2", 100, True, 1)]


def test_wildcard_vs_host_applies_and_an_exact_host_beats_it():
    # §2 wildcards; Envoy domain matching prefers an exact domain over a suffix wildcard.
    wild = vs("  - route: [{destination: {host: reviews, subset: v1}}]", hosts='["*.default.svc.cluster.local"]')
    assert targets(plan(wild, "{from: default/productpage, to: 'reviews:9080'}")) == [("v1", 100, True, 2)]
    both = wild + second_vs("exact", "v2")
    assert targets(plan(both, "{from: default/productpage, to: 'reviews:9080'}")) == [("v2", 100, True, 1)]


def test_service_not_exported_to_the_client_is_passthrough_without_vs():
    # §3.1 exportTo on Services (annotation networking.istio.io/exportTo): not in the client's registry.
    hidden = """
apiVersion: v1
kind: Service
metadata: {name: hidden, namespace: default, annotations: {networking.istio.io/exportTo: "."}}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
"""
    p = plan(hidden, "{from: foo/sleep, to: 'hidden.default:9080'}")
    assert [t.name for t in p.targets] == ["PassthroughCluster"]
    mine = plan(hidden, "{from: default/productpage, to: 'hidden:9080'}")
    assert [t.name for t in mine.targets] == ["outbound|9080||hidden.default.svc.cluster.local"]


@pytest.mark.parametrize("port_name,http_routes", [("http-web", True), ("web", True), ("https-web", False),
                                                   ("tcp-web", False), ("grpc", True)])
def test_protocol_by_port_name_decides_http_routes(port_name, http_routes):
    # §2 protocol selection: http*/grpc and AUTO (sniffed HTTP) get HTTP routes; https/tcp do not.
    service = f"""
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: default}}
spec: {{selector: {{app: reviews}}, ports: [{{name: {port_name}, port: 8000}}]}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: web}}
spec:
  hosts: [web]
  http: [{{fault: {{abort: {{httpStatus: 500, percentage: {{value: 100}}}}}}, route: [{{destination: {{host: web}}}}]}}]
"""
    p = plan(service, "{from: default/productpage, to: 'web:8000'}")
    assert (p.policy.fault is not None) is http_routes


@pytest.mark.parametrize("retries,attempts,retry_on,codes", [
    ("{attempts: 0}", 0, frozenset(), frozenset()),                                     # disabled
    ("{attempts: 3}", 3, frozenset({"connect-failure", "refused-stream", "unavailable", "cancelled",
                                    "retriable-status-codes"}), frozenset()),          # default conditions kept
    ("{attempts: 2, retryOn: 'gateway-error,connect-failure'}", 2, frozenset({"gateway-error", "connect-failure"}),
     frozenset()),
    ("{attempts: 1, retryOn: '503'}", 1, frozenset({"retriable-status-codes"}), frozenset({503})),
])
def test_retry_policy_conversion(retries, attempts, retry_on, codes):
    # §3.8 retry.go ConvertPolicy: attempts 0 disables; retryOn unset keeps the default; codes imply
    # retriable-status-codes.
    p = plan(vs(f"  - retries: {retries}\n    route: [{{destination: {{host: reviews, subset: v1}}}}]"),
             "{from: default/productpage, to: 'reviews:9080'}")
    r = p.policy.retry
    assert (r.attempts, r.retry_on, r.retriable_status_codes) == (attempts, retry_on, codes)


@pytest.mark.parametrize("fault,expected", [
    ("{delay: {fixedDelay: 2s}}", None),                                     # §3.9 unset percentage = 0%
    ("{delay: {fixedDelay: 2s, percent: 30}}", (2000, 0.3, None, 0.0)),      # deprecated integer percent
    ("{abort: {httpStatus: 418}}", None),                                    # unset abort percentage: none
    ("{abort: {httpStatus: 418, percentage: {value: 0.5}}}", (0, 0, 418, 0.005)),
])
def test_fault_percentages(fault, expected):
    p = plan(vs(f"  - fault: {fault}\n    route: [{{destination: {{host: reviews, subset: v1}}}}]"),
             "{from: default/productpage, to: 'reviews:9080'}")
    f = p.policy.fault
    assert (None if f is None else (f.delay_ms, f.delay_fraction, f.abort_status, f.abort_fraction)) == expected


def test_mirror_percentage_zero_means_no_mirror_and_unset_means_all():
    # route.go MirrorPercent: unset -> 100%, explicit 0 -> none.
    base = "  - mirror: {host: reviews, subset: v3}\nEXTRA    route: [{destination: {host: reviews, subset: v1}}]"
    unset = plan(vs(base.replace("EXTRA", "")), "{from: default/productpage, to: 'reviews:9080'}")
    assert [m.fraction for m in unset.policy.mirrors] == [1.0]
    zero = plan(vs(base.replace("EXTRA", "    mirrorPercentage: {value: 0}\n")),
                "{from: default/productpage, to: 'reviews:9080'}")
    assert zero.policy.mirrors == ()


@pytest.mark.parametrize("host,expected", [
    ("reviews", "outbound|9080||reviews.default.svc.cluster.local"),                 # an alias of the service
    ("reviews.default.svc", "outbound|9080||reviews.default.svc.cluster.local"),
    ("ratings.foo", "outbound|9080||ratings.foo.svc.cluster.local"),                 # Envoy routes by Host
    ("unknown.example.com", "PassthroughCluster"),                                   # allow_any catch-all
])
def test_explicit_host_header_picks_the_virtual_host(host, expected):
    # Envoy picks the virtual host by Host on the port's route table (httproute.go vhost domains).
    p = plan("", "{from: default/productpage, to: 'reviews:9080', headers: {Host: " + host + "}}")
    assert [t.name for t in p.targets] == [expected]


SNIPPETS = [
    SUBSETS,
    vs("  - route: [{destination: {host: reviews, subset: v1}, weight: 1}, {destination: {host: reviews, subset: v2}, weight: 3}]"),
    vs("  - match: [{uri: {prefix: /api}}]\n    redirect: {uri: /v2}\n  - route: [{destination: {host: ratings.foo.svc.cluster.local}}]")
    .split("---")[0].replace("reviews-vs", "other-vs"),
    "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: istio-system}\n"
    "spec: {mtls: {mode: STRICT}}\n",
    "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: default}\nspec: {}\n",
    "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: s, namespace: default}\n"
    "spec: {egress: [{hosts: ['./*']}], outboundTrafficPolicy: {mode: REGISTRY_ONLY}}\n",
    "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: e}\n"
    "spec: {hosts: [httpbin.org], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}\n",
    "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\n"
    "spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]}\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ingress}\n"
    "spec: {hosts: ['*'], gateways: [gw], http: [{route: [{destination: {host: reviews, subset: v2}}]}]}\n",
    "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: tls, namespace: foo}\n"
    "spec: {host: '*.local', trafficPolicy: {tls: {mode: DISABLE}}}\n",
]
STREAMS = ["{from: default/productpage, to: 'reviews:9080'}", "{from: foo/sleep, to: 'reviews.default:9080/api/x'}",
           "{from: legacy/curl, to: 'reviews.default'}", "{from: default/productpage, to: 'http://httpbin.org/get'}",
           "{from: external, to: 'http://any.example.com/'}", "{from: foo/sleep, to: 'db.default:5432'}",
           "{from: default/productpage, to: 'https://www.google.com'}", "{from: foo/sleep, to: 'ratings:9090'}"]


@given(st.lists(st.sampled_from(range(len(SNIPPETS))), unique=True, max_size=len(SNIPPETS)),
       st.sampled_from(STREAMS))
def test_any_mix_of_config_plans_every_stream_consistently(chosen, stream):
    config = "\n---\n".join(SNIPPETS[i] for i in sorted(chosen)) or "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}"
    p = plan(config, stream)
    assert (p.immediate is None) == bool(p.targets)
    for t in p.targets:
        assert t.weight > 0 and (t.exists or not t.connections)
        for c in t.connections:
            assert c.tls in ("mtls", "plaintext", "tls") and c.refused in ("", "reset", "UF", "UC")
    if not p.sender_sidecar:
        assert p.uncertain == () and all(c.tls == "plaintext" for t in p.targets for c in t.connections)


def test_a_service_as_sender_with_differing_pods_says_which_pod_was_planned():
    # DESIGN.md: `from` may name a service (any of its workloads); sourceLabels differ per pod.
    p = plan("", "{from: default/reviews, to: 'reviews:9080'}")
    assert any("reviews-v1-0" in u for u in p.uncertain)
    assert plan("", "{from: default/productpage, to: 'reviews:9080'}").uncertain == ()


def test_literal_dotted_vs_host_applies_on_port_80_only():
    # §2 `reviews.default` is taken literally; route.go gives non-registry VS hosts a vhost on port 80 only.
    literal = vs("  - route: [{destination: {host: reviews, subset: v2}}]", hosts="[reviews.default]")
    assert targets(plan(literal, "{from: foo/sleep, to: 'reviews.default:9080'}")) == [(None, 100, True, 4)]
    web = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: reviews}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-literal, namespace: default}
spec:
  hosts: [web.default]
  http: [{fault: {abort: {httpStatus: 500, percentage: {value: 100}}}, route: [{destination: {host: web}}]}]
"""
    assert plan(web, "{from: foo/sleep, to: 'web.default'}").policy.fault is not None
