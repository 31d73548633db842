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
