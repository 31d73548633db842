"""AuthorizationPolicy on the server side (istio-semantics §7; api authorization_policy.proto;
io:concepts/security "Authorization policies"; io:reference/config/security/authorization-policy)."""

import pytest

from engine.config import load_config_text
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
    - name: httpbin
      ports: [{name: http, port: 8000, targetPort: 80}]
      workloads: [{labels: {version: v1}, serviceAccount: httpbin}]
    - name: mongo
      ports: [{name: tcp, port: 27017}]
      workloads: [{labels: {version: v1}}]
  clients:
    - {name: sleep, serviceAccount: sleep}
    - {name: other, namespace: foo}
    - {name: curl, namespace: legacy}
"""

FROM_SLEEP = "{from: default/sleep, to: 'httpbin:8000', path: /get}"
FROM_FOO = "{from: foo/other, to: 'httpbin.default:8000', method: POST, path: /post}"
FROM_LEGACY = "{from: legacy/curl, to: 'httpbin.default:8000', path: /get}"


def denied(config: str, stream: str) -> bool:
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    p = plan_stream(mesh, mesh.streams[0])
    c = p.targets[0].connections[0]
    assert not c.refused
    return c.denied


def policy(spec: str, namespace: str = "default", name: str = "p") -> str:
    return (f"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: {name}, "
            f"namespace: {namespace}}}\nspec:\n{spec}")


SEL = "  selector: {matchLabels: {app: httpbin}}\n"

CASES = [
    ("§7 no policy -> allow", "", FROM_SLEEP, False),
    ("§7 ALLOW with rules absent (spec: {}) is deny-all", policy("  {}\n"), FROM_SLEEP, True),
    ("§7 ALLOW with rules: [{}] is allow-all", policy("  rules: [{}]\n"), FROM_SLEEP, False),
    ("§7 ALLOW principal matches over mTLS",
     policy(SEL + "  rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}]}]\n"), FROM_SLEEP, False),
    ("§7 ALLOW principal: another identity is denied",
     policy(SEL + "  rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}]}]\n"), FROM_FOO, True),
    ("§7 ALLOW namespaces: plaintext has no namespace -> denied (correction 2)",
     policy(SEL + "  rules: [{from: [{source: {namespaces: [legacy]}}]}]\n"), FROM_LEGACY, True),
    ("§7 ALLOW namespaces matches an mTLS caller", policy(SEL + "  rules: [{from: [{source: {namespaces: [foo]}}]}]\n"),
     FROM_FOO, False),
    ("§7 principals '*' requires an identity (plaintext denied)",
     policy("  rules: [{from: [{source: {principals: ['*']}}]}]\n"), FROM_LEGACY, True),
    ("§7 DENY notPrincipals '*' denies plaintext (io authz recipe)",
     policy("  action: DENY\n  rules: [{from: [{source: {notPrincipals: ['*']}}]}]\n"), FROM_LEGACY, True),
    ("§7 DENY notPrincipals '*' keeps mTLS callers", policy("  action: DENY\n  rules: [{from: [{source: {notPrincipals: ['*']}}]}]\n"),
     FROM_SLEEP, False),
    ("§7 DENY beats ALLOW", policy("  rules: [{}]\n", name="allow") + "---\n"
     + policy("  action: DENY\n  rules: [{to: [{operation: {methods: [POST]}}]}]\n", name="deny"), FROM_FOO, True),
    ("§7 DENY not matching -> falls through to allow",
     policy("  action: DENY\n  rules: [{to: [{operation: {methods: [POST]}}]}]\n"), FROM_SLEEP, False),
    ("§7 operation paths prefix*", policy(SEL + "  rules: [{to: [{operation: {paths: ['/ge*']}}]}]\n"), FROM_SLEEP, False),
    ("§7 operation paths *suffix", policy(SEL + "  rules: [{to: [{operation: {paths: ['*/post']}}]}]\n"), FROM_SLEEP, True),
    ("§7 operation ports are the workload's target port (80)",
     policy(SEL + "  rules: [{to: [{operation: {ports: ['80']}}]}]\n"), FROM_SLEEP, False),
    ("§7 operation ports: the service port 8000 does not match",
     policy(SEL + "  rules: [{to: [{operation: {ports: ['8000']}}]}]\n"), FROM_SLEEP, True),
    ("§7 from AND to within one rule",
     policy(SEL + "  rules: [{from: [{source: {namespaces: [foo]}}], to: [{operation: {methods: [GET]}}]}]\n"),
     FROM_FOO, True),
    ("§7 when request.headers", policy(SEL + "  rules: [{when: [{key: 'request.headers[x-token]', values: [abc]}]}]\n"),
     "{from: default/sleep, to: 'httpbin:8000', headers: {X-Token: abc}}", False),
    ("§7 when request.headers missing -> no match -> denied",
     policy(SEL + "  rules: [{when: [{key: 'request.headers[x-token]', values: [abc]}]}]\n"), FROM_SLEEP, True),
    ("§7 a namespace policy does not apply to another namespace", policy("  {}\n", namespace="foo"), FROM_SLEEP, False),
    ("§7 root-namespace policy is mesh-wide", policy("  {}\n", namespace="istio-system"), FROM_SLEEP, True),
    ("§7 root-namespace selector matches workloads in every namespace",
     policy(SEL + "  action: DENY\n  rules: [{}]\n", namespace="istio-system"), FROM_SLEEP, True),
    ("§7 selector not matching the workload -> policy ignored",
     policy("  selector: {matchLabels: {app: other}}\n  rules: []\n"), FROM_SLEEP, False),
    ("§7 AUDIT never decides", policy("  action: AUDIT\n  rules: [{}]\n"), FROM_SLEEP, False),
]


@pytest.mark.parametrize("name,config,stream,expected", CASES, ids=[c[0] for c in CASES])
def test_authorization(name, config, stream, expected):
    assert denied(config, stream) is expected


def test_custom_policy_is_reported_as_uncertain():
    text = TOPOLOGY + "\n---\n" + policy("  action: CUSTOM\n  provider: {name: ext}\n  rules: [{}]\n") + \
        "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + FROM_SLEEP
    mesh = build_mesh(load_config_text(text, "t.yaml"))
    p = plan_stream(mesh, mesh.streams[0])
    assert not p.targets[0].connections[0].denied
    assert any("CUSTOM" in u for u in p.uncertain)


def test_server_without_sidecar_enforces_nothing():
    text = TOPOLOGY.replace("serviceAccount: httpbin}", "serviceAccount: httpbin, sidecar: false}") + "\n---\n" + \
        policy("  {}\n") + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + FROM_SLEEP
    mesh = build_mesh(load_config_text(text, "t.yaml"))
    assert not plan_stream(mesh, mesh.streams[0]).targets[0].connections[0].denied


TCP = "{from: default/sleep, to: 'mongo:27017'}"
MONGO = "  selector: {matchLabels: {app: mongo}}\n"


@pytest.mark.parametrize("name,config,expected", [
    ("§7 TCP: an ALLOW rule with HTTP-only fields never matches -> denied",
     policy(MONGO + "  rules: [{to: [{operation: {methods: [GET]}}]}]\n"), True),
    ("§7 TCP: an ALLOW rule on ports matches", policy(MONGO + "  rules: [{to: [{operation: {ports: ['27017']}}]}]\n"),
     False),
    ("§7 TCP: a DENY rule with HTTP-only fields denies (HTTP fields dropped)",
     policy(MONGO + "  action: DENY\n  rules: [{to: [{operation: {methods: [POST]}}]}]\n"), True),
    ("§7 TCP: DENY keeps its non-HTTP conditions (namespace foo does not match sleep)",
     policy(MONGO + "  action: DENY\n  rules: [{from: [{source: {namespaces: [foo]}}], "
            "to: [{operation: {paths: [/x]}}]}]\n"), False),
])
def test_authorization_for_tcp(name, config, expected):
    # io:concepts/security "Authorization for TCP traffic"; istio-semantics §7 last bullet.
    assert denied(config, TCP) is expected


def test_ip_based_rules_are_reported_as_uncertain():
    # Client IPs are not simulated (io:tasks/security/authorization/authz-ingress uses ipBlocks).
    text = TOPOLOGY + "\n---\n" + policy(SEL + "  rules: [{from: [{source: {ipBlocks: [1.2.3.4]}}]}]\n") + \
        "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + FROM_SLEEP
    mesh = build_mesh(load_config_text(text, "t.yaml"))
    p = plan_stream(mesh, mesh.streams[0])
    assert p.targets[0].connections[0].denied and any("ipBlocks" in u for u in p.uncertain)
