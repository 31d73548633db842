"""TLS between the two sides of a hop: what the client sends, what the server accepts (§5, §6).

Server side: the effective PeerAuthentication for the endpoint and its target port: workload
(selector, not in the root namespace: correction 18) > namespace > mesh (root, no selector) >
PERMISSIVE; UNSET inherits; portLevelMtls by the *target* port (istio:pilot/pkg/security/authn/
policy_applier.go `ComposePeerAuthentication`, istio:pilot/pkg/model/authentication.go).
Client side: the DR `tls` block as written, else auto mTLS: mTLS to endpoints with a sidecar,
except a namespace/mesh DISABLE for the service (exception A) or a workload/port DISABLE for the
endpoint (exception B) (istio:pilot/pkg/networking/core/cluster_tls.go, xds/endpoints/mtls_checker.go).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.mesh.inventory import ExternalHost, Pod
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.networking import ClientTLSSettings

# The STRICT listener has no filter chain for plaintext (sidecar_simulation_test.go TestInbound:
# ErrNoFilterChain) and closes the connection once the request bytes arrive, after the client's TCP
# connect succeeded: Envoy's "disconnect/reset before headers. reset reason: connection termination",
# flag UC, which the default retry policy (connect-failure, refused-stream, ...) does not retry.
PLAINTEXT_TO_STRICT_FLAG = (
    "a sidecar sending plaintext to a STRICT server: istio.io only says 503; the flag is Envoy's for a "
    "connection the server closes after connect (UC, not retried), a TCP port sees the connection closed; "
    "grade on 503 (or reset) + not mTLS")


@dataclass(frozen=True)
class PeerMode:
    mode: str                      # STRICT | PERMISSIVE | DISABLE
    reference: str = ""            # file:line of the PeerAuthentication that decided, "" for the default
    scope: str = "default"         # port | workload | namespace | mesh | default
    policy: Resource | None = None  # the PeerAuthentication that decided (None: Istio's default)


@dataclass(frozen=True)
class TlsDecision:
    tls: str                       # mtls | plaintext | tls
    refused: str = ""              # "" | reset | UF | UC
    detail: str = ""
    reference: str = ""
    uncertain: str = ""


def _mode(res: Resource | None) -> str | None:
    if res is None or res.spec.mtls is None or res.spec.mtls.mode in (None, "UNSET"):
        return None
    return str(res.spec.mtls.mode)


def _oldest(policies: list[Resource], selector: bool, pod: Pod | None = None) -> Resource | None:
    for res in policies:           # input order stands in for creation time: oldest wins
        sel = res.spec.selector
        has = sel is not None and bool(sel.match_labels)
        if has != selector:
            continue
        if not selector or (pod is not None and pod.matches(sel.match_labels)):
            return res
    return None


def namespace_mode(mesh: Mesh, namespace: str) -> PeerMode:
    """The namespace-or-mesh level mode (what auto mTLS's exception A looks at)."""
    root = mesh.root_namespace
    ns_pa = _oldest(mesh.peer_authentications.get(namespace, []), False) if namespace != root else None
    mesh_pa = _oldest(mesh.peer_authentications.get(root, []), False)
    for res, scope in ((ns_pa, "namespace"), (mesh_pa, "mesh")):
        mode = _mode(res)
        if mode is not None:
            return PeerMode(mode, res.reference("spec.mtls.mode"), scope, res)
    return PeerMode("PERMISSIVE")


def peer_mode(mesh: Mesh, pod: Pod, target_port: int) -> PeerMode:
    """The mode the endpoint's sidecar enforces on this port."""
    inherited = namespace_mode(mesh, pod.namespace)
    if pod.namespace == mesh.root_namespace:
        return inherited           # selector PAs in the root namespace are ignored (correction 18)
    workload = _oldest(mesh.peer_authentications.get(pod.namespace, []), True, pod)
    if workload is None:
        return inherited
    effective = inherited
    mode = _mode(workload)
    if mode is not None:
        effective = PeerMode(mode, workload.reference("spec.mtls.mode"), "workload", workload)
    port_mtls = workload.spec.port_level_mtls.get(str(target_port))
    if port_mtls is not None and port_mtls.mode not in (None, "UNSET"):
        return PeerMode(str(port_mtls.mode), workload.reference(f"spec.portLevelMtls.{target_port}"), "port",
                        workload)
    return effective


def client_tls(mesh: Mesh, dr_tls: ClientTLSSettings | None, tls_reference: str, pod: Pod,
               target_port: int, service_namespace: str, *, auto_mtls: bool = True) -> TlsDecision:
    """What a client *sidecar* sends to an in-mesh endpoint (`auto_mtls=False`: a MESH_EXTERNAL
    ServiceEntry, which never gets auto mTLS)."""
    if dr_tls is not None and dr_tls.mode is not None:
        mode = str(dr_tls.mode)
        sent = {"DISABLE": "plaintext", "ISTIO_MUTUAL": "mtls"}.get(mode, "tls")
        return TlsDecision(sent, detail=f"DestinationRule tls.mode {mode}", reference=tls_reference)
    if not mesh.settings.auto_mtls:
        return TlsDecision("plaintext", detail="auto mTLS is off and no DestinationRule sets tls")
    if not auto_mtls:
        return TlsDecision("plaintext", detail="MESH_EXTERNAL ServiceEntry: no auto mTLS")
    service_level = namespace_mode(mesh, service_namespace)
    if service_level.mode == "DISABLE":
        return TlsDecision("plaintext", detail=f"auto mTLS: {service_level.scope}-level PeerAuthentication "
                           "DISABLE for the service's namespace", reference=service_level.reference)
    if not pod.sidecar:
        return TlsDecision("plaintext", detail="auto mTLS: the endpoint has no sidecar")
    endpoint = peer_mode(mesh, pod, target_port)
    if endpoint.mode == "DISABLE":
        return TlsDecision("plaintext", detail=f"auto mTLS: {endpoint.scope}-level PeerAuthentication DISABLE "
                           "for this endpoint", reference=endpoint.reference)
    return TlsDecision("mtls", detail="auto mTLS: the endpoint has a sidecar")


def server_accepts(mesh: Mesh, sent: TlsDecision, pod: Pod, target_port: int, client_is_proxy: bool,
                   *, http: bool = True, app_serves_tls: bool = False) -> TlsDecision:
    """The server sidecar (or bare app) meets what the client sent: the matrix of §6.

    `http`: the port carries HTTP (PERMISSIVE passes other TLS through as opaque TCP on TCP
    ports, §5); `app_serves_tls`: an https/tls port, whose app terminates TLS itself."""
    if pod.gateway:
        # A gateway's listeners come from Gateway servers, not PeerAuthentication; they accept
        # the Istio mTLS that auto mTLS sends them (istio egress-gateway tasks rely on it).
        return TlsDecision(sent.tls, detail=f"{sent.detail}; gateway listener", reference=sent.reference)
    if not pod.sidecar:
        if sent.tls == "plaintext" or (sent.tls == "tls" and app_serves_tls):
            return sent
        return TlsDecision(sent.tls, "UF", "TLS sent to an app without a sidecar: the handshake fails",
                           sent.reference)
    peer = peer_mode(mesh, pod, target_port)
    where = peer.reference or sent.reference
    if peer.mode == "STRICT":
        if sent.tls == "mtls":
            return TlsDecision("mtls", detail=f"{sent.detail}; server STRICT", reference=sent.reference or where)
        if sent.tls == "plaintext":
            if not client_is_proxy:
                return TlsDecision("plaintext", "reset", "plaintext to a STRICT server: connection reset", where)
            return TlsDecision("plaintext", "UC", "plaintext from a sidecar to a STRICT server: connection closed",
                               where, PLAINTEXT_TO_STRICT_FLAG)
        return TlsDecision(sent.tls, "UF", "non-Istio TLS to a STRICT server: handshake fails", where)
    if peer.mode == "DISABLE":
        if sent.tls == "plaintext" or (sent.tls == "tls" and not http):   # TCP: passed through untouched
            return TlsDecision("plaintext", detail=f"{sent.detail}; server DISABLE", reference=sent.reference or where)
        return TlsDecision(sent.tls, "UF", "TLS to a server with mTLS DISABLE: the handshake fails", where)
    if sent.tls == "tls" and http:
        return TlsDecision("tls", "UF", "non-Istio TLS to a PERMISSIVE HTTP port: no filter chain", where)
    return TlsDecision(sent.tls, detail=f"{sent.detail}; server PERMISSIVE", reference=sent.reference or where)


def external_tls(dr_tls: ClientTLSSettings | None, tls_reference: str, app_tls: bool, ext: ExternalHost | None,
                 client_is_proxy: bool) -> TlsDecision:
    """A hop to an address outside the mesh: no auto mTLS; DR SIMPLE/MUTUAL originates TLS."""
    if dr_tls is not None and dr_tls.mode is not None and not app_tls:
        mode = str(dr_tls.mode)
        sent = TlsDecision({"DISABLE": "plaintext", "ISTIO_MUTUAL": "mtls"}.get(mode, "tls"),
                           detail=f"DestinationRule tls.mode {mode}", reference=tls_reference)
    else:
        sent = TlsDecision("tls" if app_tls else "plaintext",
                           detail="the app speaks TLS" if app_tls else "plaintext to an external host")
    if ext is None:
        return sent
    if app_tls and dr_tls is not None and str(dr_tls.mode or "DISABLE") != "DISABLE":
        # The cluster's transport socket wraps whatever the tcp_proxy forwards (cluster_tls.go
        # applies DR tls whatever the port protocol): the server terminates the sidecar's TLS and
        # then reads the app's own ClientHello as data; the app's handshake fails (curl exit 35).
        # That is why io:tasks/traffic-management/egress/egress-tls-origination sends plain HTTP
        # to port 80 and originates TLS there only (portLevelSettings).
        return TlsDecision("tls", "reset", f"the app already speaks TLS and DestinationRule tls.mode "
                           f"{dr_tls.mode} adds another TLS layer: the app's handshake fails", tls_reference)
    if ext.tls and sent.tls == "plaintext":
        return TlsDecision("plaintext", "UC" if client_is_proxy else "reset",
                           "plaintext to a TLS-only external host: connection closed", sent.reference)
    if not ext.tls and sent.tls != "plaintext":
        return TlsDecision(sent.tls, "UF", "TLS to a plaintext external host: the handshake fails", sent.reference)
    if sent.tls == "mtls":
        return TlsDecision("mtls", "UF", "Istio mTLS to an external host: certificate check fails", sent.reference)
    return sent
