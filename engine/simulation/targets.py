"""A route destination -> an Envoy cluster with its policy and one Connection per endpoint.

Cluster `outbound|<port>|<subset>|<host>` (§2). Port: `destination.port`, else the service's only
port, else the request port (`GetDestinationCluster`). A subset missing from the applicable DR
means the cluster is not in CDS (503 NC, §3.5); a subset's labels are ANDed with the service's
selector; no endpoint left means 503 UH. Then per endpoint: TLS (tls.py), AuthorizationPolicy
(authz.py) and how the backend answers (Traffic.backends).
"""

from __future__ import annotations

from engine.mesh.inventory import CLUSTER_DOMAIN, ExternalHost, Pod, Service
from engine.simulation import policy as pol
from engine.simulation.authz import Caller, authorize
from engine.simulation.hop import Hop
from engine.simulation.jwt import server_authn
from engine.simulation.plan import Behaviour, ClusterTarget, Connection, Endpoint, TraceStep
from engine.simulation.tls import TlsDecision, client_tls, external_tls, server_accepts


def cluster_name(port: int, subset: str | None, host: str) -> str:
    return f"outbound|{port}|{subset or ''}|{host}"


def missing(host: str, port: int, subset: str | None, weight: int, why: str) -> ClusterTarget:
    """A cluster Envoy does not have (503 NC): the route is built anyway (`TranslateRoute`)."""
    step = TraceStep("subset" if subset else "cluster", why)
    service, namespace = host, ""
    if host.endswith("." + CLUSTER_DOMAIN):
        service, namespace = host.split(".")[:2]
    return ClusterTarget(cluster_name(port, subset, host), service, namespace, port, subset, weight, exists=False,
                         trace=(step,))


def service_target(hop: Hop, svc: Service, port: int | None, subset: str | None, weight: int) -> ClusterTarget:
    mesh = hop.mesh
    port = port if port is not None else (svc.ports[0].port if len(svc.ports) == 1 else hop.port)
    sp = svc.port(port)
    if sp is None:
        return missing(svc.host, port, subset, weight, f"{svc.host} has no port {port}: no such cluster")
    steps: list[TraceStep] = []
    rule = pol.find_rule(mesh, svc.host, svc.namespace, hop.namespace, hop.sender.labels)
    if rule is not None:
        steps.append(TraceStep("destinationrule", f"{', '.join(r.ref for r in rule.resources)} "
                               f"applies to {svc.host} for clients in {hop.namespace}", rule.reference))
    selector = dict(svc.selector)
    if subset is not None:
        if rule is None or subset not in rule.subsets:
            return missing(svc.host, port, subset, weight,
                           f"subset {subset!r} is not defined in a DestinationRule visible from {hop.namespace}: "
                           "cluster not found (503 NC)")
        sub, dr, index = rule.subsets[subset]
        selector |= sub.labels
        steps.append(TraceStep("subset", f"subset {subset} selects {labels_text(sub.labels)}",
                               dr.reference(f"spec.subsets[{index}]")))
    cp = pol.resolve_cluster_policy(rule, port, subset)
    target_port = sp.target_port if isinstance(sp.target_port, int) else sp.port
    pods = [p for p in mesh.inventory.service_pods(svc) if p.matches(selector)] if svc.selector else []
    steps.append(TraceStep("endpoint", f"{len(pods)} endpoint(s) of {svc.host}:{port}"
                           + (f" with labels {labels_text(selector)}" if subset else "")))
    serves_tls = sp.protocol in ("HTTPS", "TLS")
    connections = tuple(pod_connection(hop, pod, cp.tls, cp.tls_reference, target_port, svc.namespace,
                                       service_port=port, app_serves_tls=serves_tls) for pod in pods)
    return ClusterTarget(cluster_name(port, subset, svc.host), svc.name, svc.namespace, port, subset, weight,
                         connections=connections, lb=pol.load_balancer(cp.load_balancer, hop.hash_source()),
                         pool=pol.connection_pool(cp.connection_pool), outlier=pol.outlier_policy(cp.outlier_detection),
                         trace=tuple(steps))


def labels_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items()) or "(any)"


def endpoint_of(pod: Pod) -> Endpoint:
    return Endpoint(pod.name, pod.namespace, tuple(sorted(pod.labels.items())), pod.sidecar, pod.service_account)


def pod_connection(hop: Hop, pod: Pod, dr_tls, tls_reference: str, target_port: int, service_namespace: str,
                   *, proxy: bool | None = None, service_port: int | None = None, auto_mtls: bool = True,
                   app_serves_tls: bool = False) -> Connection:
    """This hop's client reaching one pod: TLS, then AuthorizationPolicy, then the app (or, for a
    gateway pod, the gateway's own routing, summarised: gateway.py `through_gateway`)."""
    mesh = hop.mesh
    proxy = hop.sender.sidecar if proxy is None else proxy
    if proxy:
        sent = client_tls(mesh, dr_tls, tls_reference, pod, target_port, service_namespace, auto_mtls=auto_mtls)
    else:
        why = "passthrough: the app's bytes as sent, no mTLS" if hop.sender.sidecar else "the client has no sidecar"
        sent = TlsDecision("plaintext", detail=why)
    decision = server_accepts(mesh, sent, pod, target_port, client_is_proxy=proxy, http=hop.http,
                              app_serves_tls=app_serves_tls)
    hop.doubt(decision.uncertain)
    steps = [TraceStep("tls", f"{pod.name}: {decision.tls}"
                       + (f", refused ({decision.refused})" if decision.refused else "") + f" — {decision.detail}",
                       decision.reference)]
    denied = unauthenticated = False
    if not decision.refused:
        # RequestAuthentication (401) runs before AuthorizationPolicy (403): Envoy's jwt_authn filter
        # precedes RBAC in the server proxy's HTTP filter chain (io:concepts/security "Request authentication").
        authn = server_authn(mesh, pod, hop.facts.headers, hop.facts.query, http=hop.http)
        hop.doubt(authn.uncertain)
        if authn.active:
            steps.append(TraceStep("authn", f"{pod.name}: {authn.detail}", authn.reference))
        unauthenticated = bool(authn.failed)
    if not decision.refused and not unauthenticated:
        mtls = decision.tls == "mtls"
        caller = Caller(hop.sender.principal(mesh.settings.trust_domain) if mtls else None,
                        hop.sender.namespace if mtls else None, hop.facts.method, hop.facts.path,
                        hop.facts.authority, target_port, hop.facts.headers, http=hop.http, authn=authn)
        verdict = authorize(mesh, pod, caller)
        hop.doubt(verdict.uncertain)
        denied = verdict.denied
        steps.append(TraceStep("authz", f"{pod.name}: {verdict.detail}", verdict.reference))
    answer = behaviour(hop, namespace=pod.namespace, labels=pod.labels)
    if pod.gateway and not decision.refused and not denied and not unauthenticated:
        from engine.simulation.gateway import through_gateway     # gateway.py builds on this module
        answer, more = through_gateway(hop, pod, service_port or target_port)
        steps += more
    return Connection(endpoint_of(pod), decision.tls, decision.refused, denied, answer, tuple(steps),
                      l4=not hop.http, unauthenticated=unauthenticated)


def external_connection(hop: Hop, name: str, labels: dict[str, str], dr_tls, tls_reference: str,
                        *, proxy: bool | None = None, port: int | None = None) -> Connection:
    """A hop to an address outside the mesh (on `port`, the request's unless a ServiceEntry
    targetPort says otherwise); it answers only if the topology lists it."""
    proxy = hop.sender.sidecar if proxy is None else proxy
    port = hop.port if port is None else port
    ext = external_host(hop, name, port)
    decision = external_tls(dr_tls if proxy else None, tls_reference, hop.app_tls, ext, proxy)
    detail = decision.detail if ext else f"{name}:{port} is not an external host of the topology: nothing answers"
    step = TraceStep("tls", f"{name}:{port}: {decision.tls}"
                     + (f", refused ({decision.refused})" if decision.refused else "") + f" — {detail}",
                     decision.reference)
    answer = behaviour(hop, host=name) if ext is not None else Behaviour(down=True)
    endpoint = Endpoint(name, "", tuple(sorted(labels.items())), False, "", external=True)
    return Connection(endpoint, decision.tls, decision.refused, False, answer, (step,))


def external_host(hop: Hop, name: str, port: int) -> ExternalHost | None:
    for ext in hop.mesh.inventory.external_hosts:
        if ext.host.lower() == name.lower() and port in ext.ports:
            return ext
    return None


def behaviour(hop: Hop, *, namespace: str | None = None, labels: dict[str, str] | None = None,
              host: str | None = None) -> Behaviour:
    """The first Traffic.backends entry selecting this endpoint (and this path, if it names one)."""
    for b in hop.backends:
        if b.path and not hop.facts.path.startswith(b.path):
            continue
        if host is not None:
            if b.host is None or b.host.lower() != host.lower():
                continue
        else:
            if b.host is not None or (b.namespace is not None and b.namespace != namespace):
                continue
            if not all((labels or {}).get(k) == v for k, v in b.selector.items()):
                continue
        return Behaviour(error_rate=b.error_rate or 0.0, error_status=b.error_status or 503,
                         latency_ms=b.latency.ms if b.latency else 1.0, reset_rate=b.reset_rate or 0.0,
                         down=bool(b.down))
    return Behaviour()
