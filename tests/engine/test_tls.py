"""TLS per endpoint: the client/server matrix of istio-semantics §6 and PeerAuthentication §5.

Rows name the matrix row they reproduce; sources: istio:pilot/pkg/networking/core/cluster_tls.go,
istio:pilot/pkg/xds/endpoints/mtls_checker.go, io:tasks/security/authentication/mtls-migration,
io:ops/common-problems/network-issues ("503 errors after setting destination rule").
"""

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
    - {name: legacy, injection: false}
  services:
    - name: web
      ports: [{name: http, port: 80, targetPort: 8080}]
      workloads: [{labels: {version: v1}}]
    - name: plain
      ports: [{name: http, port: 80}]
      workloads: [{labels: {version: v1}, sidecar: false}]
  clients:
    - {name: app}
    - {name: curl, namespace: legacy}
"""


def conn(config: str, stream: str):
    text = TOPOLOGY + "\n---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + stream
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    mesh = build_mesh(cs)
    p = plan_stream(mesh, mesh.streams[0])
    c = p.targets[0].connections[0]
    return c.tls, c.refused, p.uncertain


def pa(mode: str, namespace: str = "default", selector: str = "", port_level: str = "") -> str:
    sel = f"  selector: {{matchLabels: {selector}}}\n" if selector else ""
    plm = f"  portLevelMtls: {port_level}\n" if port_level else ""
    mtls = f"  mtls: {{mode: {mode}}}\n" if mode else ""
    return (f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {{name: pa-{mode.lower() or 'x'}"
            f"{'-w' if selector else ''}, namespace: {namespace}}}\nspec:\n{sel}{mtls}{plm}")


def dr(mode: str, host: str = "web") -> str:
    return (f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: dr-{host}}}\n"
            f"spec:\n  host: {host}\n  trafficPolicy: {{tls: {{mode: {mode}}}}}\n")


SC = "{from: default/app, to: 'web:80'}"
NOSC = "{from: legacy/curl, to: 'web.default:80'}"
TO_PLAIN = "{from: default/app, to: 'plain:80'}"

MATRIX = [
    ("§6 sc, auto, sc server PERMISSIVE (default) -> mTLS", "", SC, ("mtls", "")),
    ("§6 sc, auto, sc server STRICT -> mTLS", pa("STRICT"), SC, ("mtls", "")),
    ("§6 sc, auto, namespace DISABLE -> plaintext (exception A)", pa("DISABLE"), SC, ("plaintext", "")),
    ("§6 sc, auto, workload DISABLE -> plaintext (exception B)", pa("DISABLE", selector="{app: web}"), SC,
     ("plaintext", "")),
    ("§6 sc, auto, no-sidecar server -> plaintext", "", TO_PLAIN, ("plaintext", "")),
    ("§6 sc, ISTIO_MUTUAL, STRICT -> mTLS", pa("STRICT") + "---\n" + dr("ISTIO_MUTUAL"), SC, ("mtls", "")),
    ("§6 sc, ISTIO_MUTUAL, server DISABLE -> handshake fails (503 UF)",
     pa("DISABLE") + "---\n" + dr("ISTIO_MUTUAL"), SC, ("mtls", "UF")),
    ("§6 sc, ISTIO_MUTUAL, no-sidecar server -> 503 UF (io authn-policy 'non-Istio services')",
     dr("ISTIO_MUTUAL", "plain"), TO_PLAIN, ("mtls", "UF")),
    ("§6 sc, DISABLE, PERMISSIVE -> plaintext", dr("DISABLE"), SC, ("plaintext", "")),
    ("§6 sc, DISABLE, STRICT -> 503 UC (uncertain UC/UF, §13)", pa("STRICT") + "---\n" + dr("DISABLE"), SC,
     ("plaintext", "UC")),
    ("§6 sc, DISABLE, no-sidecar server -> plaintext", dr("DISABLE", "plain"), TO_PLAIN, ("plaintext", "")),
    ("§6 no sc, PERMISSIVE -> plaintext 200", "", NOSC, ("plaintext", "")),
    ("§6 no sc, STRICT -> connection reset (curl 56)", pa("STRICT"), NOSC, ("plaintext", "reset")),
    ("§6 no sc ignores a DR ISTIO_MUTUAL (client-side config)", dr("ISTIO_MUTUAL"), NOSC, ("plaintext", "")),
    ("§6 pitfall: a DR without tls keeps auto mTLS",
     "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: lb}\n"
     "spec: {host: web, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}\n", SC, ("mtls", "")),
]


@pytest.mark.parametrize("name,config,stream,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_tls_matrix(name, config, stream, expected):
    tls, refused, _ = conn(config, stream)
    assert (tls, refused) == expected


def test_plaintext_sidecar_to_strict_says_it_is_uncertain():
    _, _, uncertain = conn(pa("STRICT") + "---\n" + dr("DISABLE"), SC)
    assert any("UC, not retried" in u and "503" in u for u in uncertain)
    assert conn(pa("STRICT"), SC)[2] == ()


PRECEDENCE = [
    ("§5 mesh STRICT (root namespace, no selector) applies everywhere", pa("STRICT", "istio-system"), NOSC, "reset"),
    ("§5 namespace PERMISSIVE beats mesh STRICT",
     pa("STRICT", "istio-system") + "---\n" + pa("PERMISSIVE"), NOSC, ""),
    ("§5 workload STRICT beats namespace PERMISSIVE",
     pa("PERMISSIVE") + "---\n" + pa("STRICT", selector="{app: web}"), NOSC, "reset"),
    ("§5 correction 18: a selector PA in the root namespace is ignored",
     pa("STRICT", "istio-system", selector="{app: web}"), NOSC, ""),
    ("§5 UNSET inherits the namespace mode",
     pa("STRICT") + "---\n" + pa("UNSET", selector="{app: web}"), NOSC, "reset"),
    ("§5 portLevelMtls keys on the target port (8080), not the service port",
     pa("STRICT", selector="{app: web}", port_level="{'8080': {mode: PERMISSIVE}}"), NOSC, ""),
    ("§5 portLevelMtls on the service port (80) does not apply",
     pa("STRICT", selector="{app: web}", port_level="{'80': {mode: PERMISSIVE}}"), NOSC, "reset"),
    ("§5 port-level UNSET inherits the workload mode",
     pa("STRICT", selector="{app: web}", port_level="{'8080': {mode: UNSET}}"), NOSC, "reset"),
]


@pytest.mark.parametrize("name,config,stream,refused", PRECEDENCE, ids=[p[0] for p in PRECEDENCE])
def test_peer_authentication_precedence(name, config, stream, refused):
    assert conn(config, stream)[1] == refused


def test_two_namespace_policies_oldest_wins():
    # §5: with several PAs at one level the oldest (creation time; here input order) wins.
    older_strict = pa("STRICT") + "---\n" + pa("PERMISSIVE")
    older_permissive = pa("PERMISSIVE") + "---\n" + pa("STRICT")
    assert conn(older_strict, NOSC)[1] == "reset"
    assert conn(older_permissive, NOSC)[1] == ""


def test_namespace_disable_with_workload_strict_rejects_sidecar_clients():
    # §6 pitfall: exception A makes the whole cluster plaintext; the STRICT workload refuses it.
    tls, refused, _ = conn(pa("DISABLE") + "---\n" + pa("STRICT", selector="{app: web}"), SC)
    assert (tls, refused) == ("plaintext", "UC")


def test_auto_mtls_off_sends_plaintext():
    # §6 rule 3: auto mTLS off and no DR tls -> plaintext (the pre-1.5 "503 after adding a DR").
    off = "apiVersion: meshdrill/v1\nkind: Topology\nspec: {meshConfig: {enableAutoMtls: false}}\n"
    assert conn(off + "---\n" + pa("STRICT"), SC)[:2] == ("plaintext", "UC")


def test_tls_origination_to_an_app_serving_https_without_sidecar_is_fine():
    # DR tls SIMPLE originates TLS; an https-* port's app terminates it itself.
    https = TOPOLOGY.replace("    - name: plain\n      ports: [{name: http, port: 80}]",
                             "    - name: plain\n      ports: [{name: https, port: 80}]")
    text = https + "\n---\n" + dr("SIMPLE", "plain") + \
        "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + TO_PLAIN
    mesh = build_mesh(load_config_text(text, "t.yaml"))
    c = plan_stream(mesh, mesh.streams[0]).targets[0].connections[0]
    assert (c.tls, c.refused) == ("tls", "")
    assert conn(dr("SIMPLE", "plain"), TO_PLAIN)[:2] == ("tls", "UF")      # an http port: the app speaks plaintext


def test_permissive_passes_other_tls_through_on_a_tcp_port():
    # §5 PERMISSIVE: on a TCP port, non-Istio TLS passes as opaque TCP; on an HTTP port it has no chain.
    tcp = TOPOLOGY.replace("ports: [{name: http, port: 80, targetPort: 8080}]",
                           "ports: [{name: tcp, port: 80, targetPort: 8080}]")
    text = tcp + "\n---\n" + dr("SIMPLE") + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + SC
    mesh = build_mesh(load_config_text(text, "t.yaml"))
    c = plan_stream(mesh, mesh.streams[0]).targets[0].connections[0]
    assert (c.tls, c.refused) == ("tls", "")
    assert conn(dr("SIMPLE"), SC)[:2] == ("tls", "UF")
