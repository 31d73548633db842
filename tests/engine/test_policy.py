"""DestinationRule lookup and cluster policy (istio-semantics §4.1–4.6; istio push_context.go
`destinationRule`, util.go `MergeSubsetTrafficPolicy`, cluster_traffic_policy.go)."""

import pytest

from engine.config import load_config_text
from engine.mesh import build_mesh
from engine.simulation.routing import plan_stream

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}, {name: foo, injection: true}, {name: bar, injection: true}]
  services:
    - name: reviews
      ports: [{name: http, port: 9080}, {name: http-admin, port: 9090}]
      workloads: [{labels: {version: v1}}, {labels: {version: v2}}]
  clients:
    - {name: productpage, labels: {app: productpage}}
    - {name: sleep, namespace: foo, labels: {app: sleep}}
    - {name: other, namespace: bar}
"""


def target(config: str, stream: str = "{from: default/productpage, to: 'reviews:9080'}", index: int = 0):
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    return plan_stream(mesh, mesh.streams[0]).targets[index]


def dr(name: str, namespace: str, host: str, body: str) -> str:
    return (f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            f"spec:\n  host: \"{host}\"\n{body}")


def lb(simple: str) -> str:
    return f"  trafficPolicy: {{loadBalancer: {{simple: {simple}}}}}\n"


FQDN = "reviews.default.svc.cluster.local"
FROM_FOO = "{from: foo/sleep, to: 'reviews.default:9080'}"

LOOKUP = [
    ("§4.4 no DR: LEAST_REQUEST (default since 1.14)", "", FROM_FOO, "LEAST_REQUEST"),
    ("§4.1 the service namespace DR applies to other namespaces", dr("a", "default", "reviews", lb("RANDOM")), FROM_FOO,
     "RANDOM"),
    ("§4.1 the client namespace DR wins over the service namespace one",
     dr("a", "default", "reviews", lb("RANDOM")) + "---\n" + dr("b", "foo", FQDN, lb("ROUND_ROBIN")), FROM_FOO,
     "ROUND_ROBIN"),
    ("§4.1 root namespace DR is the last resort", dr("r", "istio-system", "*.local", lb("RANDOM")), FROM_FOO, "RANDOM"),
    ("§4.1 the service namespace DR beats the root one",
     dr("r", "istio-system", "*.local", lb("RANDOM")) + "---\n" + dr("a", "default", "reviews", lb("ROUND_ROBIN")),
     FROM_FOO, "ROUND_ROBIN"),
    ("§4.1 exportTo '.' hides the service namespace DR from foo",
     dr("a", "default", "reviews", "  exportTo: ['.']\n" + lb("RANDOM")), FROM_FOO, "LEAST_REQUEST"),
    ("§4.1 exportTo '.' keeps it for default", dr("a", "default", "reviews", "  exportTo: ['.']\n" + lb("RANDOM")),
     "{from: default/productpage, to: 'reviews:9080'}", "RANDOM"),
    ("§4.1 the most specific host wins within a namespace",
     dr("w", "default", "*.default.svc.cluster.local", lb("RANDOM")) + "---\n" + dr("a", "default", "reviews",
                                                                                    lb("ROUND_ROBIN")),
     "{from: default/productpage, to: 'reviews:9080'}", "ROUND_ROBIN"),
    ("§2 correction 19: a DR short host resolves in the DR's namespace (foo), not the service's",
     dr("b", "foo", "reviews", lb("ROUND_ROBIN")), FROM_FOO, "LEAST_REQUEST"),
    ("§4.1 workloadSelector: applies to matching clients in its namespace",
     dr("s", "foo", FQDN, "  workloadSelector: {matchLabels: {app: sleep}}\n" + lb("RANDOM")), FROM_FOO, "RANDOM"),
    ("§4.1 workloadSelector: ignored for other clients",
     dr("s", "foo", FQDN, "  workloadSelector: {matchLabels: {app: nope}}\n" + lb("RANDOM")), FROM_FOO, "LEAST_REQUEST"),
    ("§4.4 LEAST_CONN is an alias of LEAST_REQUEST", dr("a", "default", "reviews", lb("LEAST_CONN")), FROM_FOO,
     "LEAST_REQUEST"),
    ("§4.3 port-level settings replace the top level for that port",
     dr("a", "default", "reviews", "  trafficPolicy:\n    loadBalancer: {simple: RANDOM}\n"
        "    portLevelSettings: [{port: {number: 9080}, loadBalancer: {simple: ROUND_ROBIN}}]\n"), FROM_FOO, "ROUND_ROBIN"),
    ("§4.3 port-level settings for another port do not apply",
     dr("a", "default", "reviews", "  trafficPolicy:\n    loadBalancer: {simple: RANDOM}\n"
        "    portLevelSettings: [{port: {number: 9090}, loadBalancer: {simple: ROUND_ROBIN}}]\n"), FROM_FOO, "RANDOM"),
    ("§4.3 a port-level entry without loadBalancer gets the default, not the top level",
     dr("a", "default", "reviews", "  trafficPolicy:\n    loadBalancer: {simple: RANDOM}\n"
        "    portLevelSettings: [{port: {number: 9080}, connectionPool: {tcp: {maxConnections: 1}}}]\n"),
     FROM_FOO, "LEAST_REQUEST"),
]


@pytest.mark.parametrize("name,config,stream,expected", LOOKUP, ids=[c[0] for c in LOOKUP])
def test_destination_rule_lookup(name, config, stream, expected):
    assert target(config, stream).lb.simple == expected


SUBSETS = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
---
"""


def test_subset_blocks_replace_whole_top_level_blocks():
    # §4.2: subset connectionPool {http} drops top-level connectionPool.tcp; unset blocks inherit.
    p = target(SUBSETS + dr("a", "default", "reviews", """  trafficPolicy:
    loadBalancer: {simple: RANDOM}
    connectionPool: {tcp: {maxConnections: 10}, http: {http1MaxPendingRequests: 5}}
  subsets:
    - name: v1
      labels: {version: v1}
      trafficPolicy: {connectionPool: {http: {http2MaxRequests: 7}}}
"""))
    assert p.lb.simple == "RANDOM"
    assert (p.pool.max_connections, p.pool.http1_max_pending_requests, p.pool.http2_max_requests) == (None, None, 7)


def test_subset_port_level_entry_replaces_all_blocks():
    p = target(SUBSETS + dr("a", "default", "reviews", """  trafficPolicy:
    loadBalancer: {simple: RANDOM}
    outlierDetection: {consecutive5xxErrors: 2}
  subsets:
    - name: v1
      labels: {version: v1}
      trafficPolicy:
        portLevelSettings: [{port: {number: 9080}, connectionPool: {tcp: {maxConnections: 3}}}]
"""))
    assert (p.lb.simple, p.outlier, p.pool.max_connections) == ("LEAST_REQUEST", None, 3)


def test_subset_policy_only_for_traffic_routed_to_the_subset():
    # §4.2 correction 12: without a VS subset route the plain cluster uses the top level only.
    p = target(dr("a", "default", "reviews", """  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets: [{name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}]
"""))
    assert p.subset is None and p.lb.simple == "RANDOM"


def test_several_drs_for_one_host_merge_subsets_first_policy_kept():
    # §4.1 mergeDestinationRule: subsets concatenated, first top-level trafficPolicy kept.
    p = target(SUBSETS.replace("subset: v1", "subset: v2") + dr("a", "default", "reviews",
               "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n  subsets: [{name: v1, labels: {version: v1}}]\n")
               + "---\n" + dr("b", "default", "reviews",
                              "  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n"
                              "  subsets: [{name: v2, labels: {version: v2}}]\n"))
    assert (p.subset, p.exists, len(p.connections), p.lb.simple) == ("v2", True, 1, "RANDOM")


@pytest.mark.parametrize("name,body,expected", [
    ("§4.6 outlierDetection present: Envoy defaults (5, 10s, 30s, 10%)", "outlierDetection: {}",
     (5, None, 10_000.0, 30_000.0, 10, 0)),
    ("§4.6 consecutive5xxErrors and times", "outlierDetection: {consecutive5xxErrors: 1, interval: 1s, "
     "baseEjectionTime: 3m, maxEjectionPercent: 100}", (1, None, 1000.0, 180_000.0, 100, 0)),
    ("§4.6 consecutive5xxErrors: 0 disables 5xx ejection", "outlierDetection: {consecutive5xxErrors: 0, "
     "consecutiveGatewayErrors: 3}", (None, 3, 10_000.0, 30_000.0, 10, 0)),
    ("§4.6 correction 5: consecutiveErrors alone is ignored (defaults remain)", "outlierDetection: {consecutiveErrors: 1}",
     (5, None, 10_000.0, 30_000.0, 10, 0)),
])
def test_outlier_detection(name, body, expected):
    o = target(dr("a", "default", "reviews", f"  trafficPolicy: {{{body}}}\n")).outlier
    assert (o.consecutive_5xx, o.consecutive_gateway_errors, o.interval_ms, o.base_ejection_ms,
            o.max_ejection_percent, o.min_health_percent) == expected


def test_no_outlier_detection_block_means_none():
    assert target("").outlier is None


def test_connection_pool_zero_means_unset():
    # §4.5 applyConnectionPool: 0 is "unset" (the FIXME in Istio's code).
    p = target(dr("a", "default", "reviews", "  trafficPolicy: {connectionPool: {tcp: {maxConnections: 0}, "
                  "http: {http1MaxPendingRequests: 1, maxRetries: 2, maxRequestsPerConnection: 1}}}\n")).pool
    assert (p.max_connections, p.http1_max_pending_requests, p.max_retries, p.max_requests_per_connection) == \
        (None, 1, 2, 1)


@pytest.mark.parametrize("name,hash_spec,stream,expected", [
    ("§4.4 consistentHash on a header present in the stream", "{httpHeaderName: end-user}",
     "{from: default/productpage, to: 'reviews:9080', headers: {End-User: jason}}", ("RING_HASH", "header:end-user=jason")),
    ("§4.4 consistentHash header missing: no key (Envoy picks at random)", "{httpHeaderName: end-user}",
     "{from: default/productpage, to: 'reviews:9080'}", ("RING_HASH", None)),
    ("§4.4 consistentHash cookie", "{httpCookie: {name: user, ttl: 0s}}",
     "{from: default/productpage, to: 'reviews:9080', headers: {cookie: 'a=1; user=bob'}}", ("RING_HASH", "cookie:user=bob")),
    ("§4.4 consistentHash query parameter", "{httpQueryParameterName: id}",
     "{from: default/productpage, to: 'reviews:9080/x?id=7'}", ("RING_HASH", "query:id=7")),
    ("§4.4 consistentHash source IP: one client pod, one key", "{useSourceIp: true}",
     "{from: default/productpage, to: 'reviews:9080'}", ("RING_HASH", "source:productpage-0")),
    ("§4.4 maglev", "{httpHeaderName: x, maglev: {tableSize: 65537}}",
     "{from: default/productpage, to: 'reviews:9080', headers: {x: '1'}}", ("MAGLEV", "header:x=1")),
])
def test_consistent_hash_key(name, hash_spec, stream, expected):
    p = target(dr("a", "default", "reviews", f"  trafficPolicy: {{loadBalancer: {{consistentHash: {hash_spec}}}}}\n"),
               stream)
    assert (p.lb.simple, p.lb.hash_key) == expected


# ---------------------------------------------------------------------- property ----

from hypothesis import assume, given, strategies as st  # noqa: E402

_tls = st.sampled_from(["DISABLE", "SIMPLE", "ISTIO_MUTUAL"]).map(lambda m: {"mode": m})
_lb = st.one_of(st.sampled_from(["RANDOM", "ROUND_ROBIN", "LEAST_REQUEST", "PASSTHROUGH"]).map(lambda s: {"simple": s}),
                st.just({"consistentHash": {"httpHeaderName": "x"}}))
_policy = st.fixed_dictionaries({}, optional={
    "tls": _tls, "loadBalancer": _lb,
    "outlierDetection": st.fixed_dictionaries({}, optional={"consecutive5xxErrors": st.integers(0, 5),
                                                            "maxEjectionPercent": st.integers(0, 100)}),
    "connectionPool": st.fixed_dictionaries({}, optional={"tcp": st.fixed_dictionaries({"maxConnections": st.integers(0, 9)})})})
_port_level = st.lists(st.builds(lambda port, pol: {"port": {"number": port}, **pol},
                                 st.sampled_from([9080, 9090]), _policy.filter(bool)), max_size=2,
                       unique_by=lambda d: d["port"]["number"])


@given(_policy, _port_level, st.sampled_from(["v1", "v2", "v3"]), _policy,
       st.sampled_from(["STRICT", "PERMISSIVE", "DISABLE", None]), st.sampled_from(["default/productpage", "foo/sleep"]))
def test_any_destination_rule_and_peer_authentication_plans_without_crashing(top, levels, subset, sub_policy, mode, sender):
    import json
    top = {**top, "portLevelSettings": levels} if levels else top
    v1 = {"name": "v1", "labels": {"version": "v1"}} | ({"trafficPolicy": sub_policy} if sub_policy else {})
    dr_spec = {"host": "reviews", "subsets": [v1, {"name": "v2", "labels": {"version": "v2"}}]} | \
        ({"trafficPolicy": top} if top else {})
    docs = [{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
             "metadata": {"name": "r", "namespace": "default"}, "spec": dr_spec},
            {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "r", "namespace": "default"},
             "spec": {"hosts": ["reviews.default.svc.cluster.local"],
                      "http": [{"route": [{"destination": {"host": "reviews.default.svc.cluster.local", "subset": subset,
                                                           "port": {"number": 9080}}}]}]}}]
    if mode:
        docs.append({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                     "metadata": {"name": "p", "namespace": "default"}, "spec": {"mtls": {"mode": mode}}})
    config = "\n---\n".join(json.dumps(d) for d in docs)
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + \
        json.dumps({"from": sender, "to": "reviews.default:9080"})
    cs = load_config_text(text, "t.yaml")
    assume(not cs.rejected)
    mesh = build_mesh(cs)
    p = plan_stream(mesh, mesh.streams[0])
    (t,) = p.targets
    assert t.exists is (subset != "v3") and t.subset == subset
    for c in t.connections:
        assert c.tls in ("mtls", "plaintext", "tls") and c.refused in ("", "reset", "UF", "UC")
        assert not (c.refused and c.denied)


def test_client_namespace_dr_without_the_subset_shadows_the_service_namespace_subsets():
    # §4.1: the first namespace with a DR wins, no merging across namespaces -> subset missing (503 NC).
    vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
---
"""
    subsets = dr("a", "default", "reviews", "  subsets: [{name: v1, labels: {version: v1}}]\n")
    assert target(vs + subsets, FROM_FOO).exists
    shadowing = dr("b", "foo", FQDN, "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n")
    t = target(vs + subsets + "---\n" + shadowing, FROM_FOO)
    assert (t.subset, t.exists) == ("v1", False)


def test_workload_selected_dr_replaces_the_namespace_wide_one_without_merging():
    # push_context.go / SidecarScope.DestinationRule: the selected DR wins; subsets are not merged in.
    wide = dr("w", "foo", FQDN, "  subsets: [{name: v1, labels: {version: v1}}]\n")
    selected = dr("s", "foo", FQDN, "  workloadSelector: {matchLabels: {app: sleep}}\n"
                  "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n")
    vs = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
---
"""
    t = target(vs + wide + "---\n" + selected, FROM_FOO)
    assert (t.exists, t.subset) == (False, "v1")
    assert target(wide + "---\n" + selected, FROM_FOO).lb.simple == "RANDOM"


def test_a_client_namespace_dr_selecting_other_workloads_still_stops_the_lookup():
    # push_context.go destinationRule returns the client namespace's DRs for the host; SidecarScope then
    # finds neither a selected nor a catch-all rule: no DR applies, the service namespace's is not consulted.
    other = dr("s", "foo", FQDN, "  workloadSelector: {matchLabels: {app: nope}}\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n")
    service_ns = dr("a", "default", "reviews", lb("RANDOM"))
    assert target(service_ns, FROM_FOO).lb.simple == "RANDOM"
    assert target(service_ns + "---\n" + other, FROM_FOO).lb.simple == "LEAST_REQUEST"
