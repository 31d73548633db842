"""Resources -> Inventory: Kubernetes objects and Topology expanded to namespaces, services, pods."""

from __future__ import annotations

from engine.mesh.inventory import (
    DEFAULT_GATEWAY_LABELS, DEFAULT_GATEWAY_PORTS, DEFAULT_GATEWAY_TARGET_PORTS, DEFAULT_ROOT_NAMESPACE,
    ExternalHost, Inventory, MeshSettings, Namespace, Pod, Service, ServicePort, port_protocol,
)
from engine.resources import Resource
from engine.resources.meshdrill import Topology

_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet")
_INJECT = "sidecar.istio.io/inject"


def build_inventory(resources: list[Resource], *, default_gateway: bool = True) -> Inventory:
    inv = Inventory()
    topologies = [r for r in resources if r.kind == "Topology"]
    settings = MeshSettings()
    for topo in topologies:
        settings = _settings(topo.spec, settings)
    inv.settings = settings
    for res in resources:
        if res.kind == "Namespace":
            inv.namespaces[res.name] = Namespace(res.name, dict(res.labels), res)
    for topo in topologies:
        _expand_topology(topo.spec, inv)
    for res in resources:
        if res.kind == "Service":
            inv.services.append(_k8s_service(res))
    for res in resources:
        if res.kind in _WORKLOAD_KINDS or res.kind == "Pod":
            inv.pods.extend(_k8s_pods(res, inv))
    # Istio's default ingress gateway is part of every cluster (DESIGN.md; Istio's own analyzer tests add it
    # too, local.AddDefaultResources), beside any gateway of the input -- unless the input replaces it.
    root = inv.settings.root_namespace
    if default_gateway and not any(p.namespace == root and p.workload == "istio-ingressgateway" for p in inv.pods):
        _add_default_gateway(inv)
    return inv.index()


def _settings(spec: Topology, current: MeshSettings) -> MeshSettings:
    mc = spec.mesh_config
    root = spec.mesh_root_namespace or (mc.root_namespace if mc else None) or current.root_namespace
    mode = current.outbound_mode
    if mc and mc.outbound_traffic_policy and mc.outbound_traffic_policy.mode:
        mode = str(mc.outbound_traffic_policy.mode)
    auto = mc.enable_auto_mtls if mc and mc.enable_auto_mtls is not None else current.auto_mtls
    trust = mc.trust_domain if mc and mc.trust_domain else current.trust_domain
    return MeshSettings(root_namespace=root, outbound_mode=mode, auto_mtls=auto, trust_domain=trust)


def _sidecar(explicit: bool | None, namespace: Namespace | None, labels: dict, annotations: dict) -> bool:
    """Injection decision (io:setup/additional-setup/sidecar-injection, "Controlling the injection policy")."""
    if explicit is not None:
        return explicit
    pod_value = labels.get(_INJECT, annotations.get(_INJECT))
    if pod_value is not None and str(pod_value).lower() == "false":
        return False
    ns_injection = namespace.injection if namespace else None
    if ns_injection is False:
        return False
    if ns_injection is True:
        return True
    return pod_value is not None and str(pod_value).lower() == "true"


def _expand_topology(spec: Topology, inv: Inventory) -> None:
    for ns in spec.namespaces:
        labels = dict(ns.labels)
        if ns.injection is not None:
            labels["istio-injection"] = "enabled" if ns.injection else "disabled"
        inv.namespaces[ns.name] = Namespace(ns.name, labels)
    for svc in spec.services:
        namespace = svc.namespace or "default"
        ports = tuple(ServicePort(p.name, p.port, p.target_port or p.port,
                                  port_protocol(p.name, p.app_protocol, p.port), p.app_protocol) for p in svc.ports)
        selector = {"app": svc.name}
        inv.services.append(Service(svc.name, namespace, ports, selector, tuple(svc.export_to)))
        for i, wl in enumerate(svc.workloads):
            labels = {"app": svc.name, **wl.labels}
            name = wl.name or f"{svc.name}-{labels.get('version', f'w{i}')}"
            inv.pods.extend(_replicas(name, namespace, labels, wl.replicas, wl.sidecar, wl.service_account, inv))
    for client in spec.clients:
        namespace = client.namespace or "default"
        labels = dict(client.labels) or {"app": client.name}
        pods = _replicas(client.name, namespace, labels, client.replicas, client.sidecar,
                         client.service_account, inv)
        inv.pods.extend(pods)
        inv.clients[f"{namespace}/{client.name}"] = pods
    for gw in spec.gateways:
        namespace = gw.namespace or DEFAULT_ROOT_NAMESPACE
        labels = dict(gw.labels) or {"istio": gw.name}
        pod = Pod(f"{gw.name}-0", namespace, labels, sidecar=True, service_account=f"{gw.name}-service-account",
                  workload=gw.name, gateway=True)
        inv.pods.append(pod)
        inv.clients[f"{namespace}/{gw.name}"] = [pod]
        ports = tuple(ServicePort(_gateway_port_name(p), p, p, port_protocol(_gateway_port_name(p))) for p in gw.ports)
        inv.services.append(Service(gw.name, namespace, ports, labels))
    for ext in spec.external_hosts:
        inv.external_hosts.append(ExternalHost(ext.host, tuple(ext.ports) or ((443,) if ext.tls else (80,)),
                                               bool(ext.tls)))


def _gateway_port_name(port: int) -> str:
    return {80: "http2", 443: "https", 31400: "tcp", 15443: "tls"}.get(port, f"tcp-{port}")


def _replicas(name, namespace, labels, replicas, sidecar, service_account, inv: Inventory) -> list[Pod]:
    has_sidecar = _sidecar(sidecar, inv.namespaces.get(namespace), labels, {})
    count = 1 if replicas is None else replicas
    return [Pod(f"{name}-{i}", namespace, dict(labels), has_sidecar, service_account or "default", workload=name)
            for i in range(count)]


def _k8s_service(res: Resource) -> Service:
    spec = res.spec
    ports = []
    for p in spec.ports if spec else ():
        ports.append(ServicePort(p.name, p.port, p.target_port if p.target_port is not None else p.port,
                                 port_protocol(p.name, p.app_protocol, p.port),
                                 p.app_protocol))
    export = res.annotations.get("networking.istio.io/exportTo", "")
    export_to = tuple(x.strip() for x in export.split(",") if x.strip())
    return Service(res.name, res.namespace, tuple(ports), dict(spec.selector) if spec else {}, export_to, res)


def _k8s_pods(res: Resource, inv: Inventory) -> list[Pod]:
    spec = res.spec
    if res.kind == "Pod":
        labels, annotations, pod_spec, count = dict(res.labels), dict(res.annotations), spec, 1
    else:
        template = spec.template if spec else None
        meta = template.metadata if template else None
        labels = dict(meta.labels) if meta else {}
        annotations = dict(meta.annotations) if meta else {}
        pod_spec = template.spec if template else None
        count = 1 if spec is None or spec.replicas is None else spec.replicas
    containers = pod_spec.containers if pod_spec else ()
    already_injected = any(c.name == "istio-proxy" for c in containers)
    sidecar = True if already_injected else _sidecar(None, inv.namespaces.get(res.namespace), labels, annotations)
    if pod_spec is not None and pod_spec.host_network:
        sidecar = False
    sa = (pod_spec.service_account_name if pod_spec else None) or "default"
    gateway = any((c.name or "") == "istio-proxy" and (c.image or "").endswith("proxyv2") for c in containers) \
        and len(containers) == 1
    if res.kind == "Pod":
        return [Pod(res.name, res.namespace, labels, sidecar, sa, res.name, bool(pod_spec and pod_spec.host_network),
                    gateway, res)]
    return [Pod(f"{res.name}-{i}", res.namespace, labels, sidecar, sa, res.name, False, gateway, res)
            for i in range(count)]


def _add_default_gateway(inv: Inventory) -> None:
    ns = inv.settings.root_namespace
    labels = dict(DEFAULT_GATEWAY_LABELS) | {"app": "istio-ingressgateway"}
    pod = Pod("istio-ingressgateway-0", ns, labels, sidecar=True, service_account="istio-ingressgateway-service-account",
              workload="istio-ingressgateway", gateway=True)
    inv.pods.append(pod)
    inv.clients[f"{ns}/istio-ingressgateway"] = [pod]
    inv.namespaces.setdefault(ns, Namespace(ns))
    # An input Service of the same name replaces the installed one, as `kubectl apply` would.
    if any(s.name == "istio-ingressgateway" and s.namespace == ns for s in inv.services):
        return
    ports = tuple(ServicePort(_gateway_port_name(p), p, DEFAULT_GATEWAY_TARGET_PORTS.get(p, p),
                              port_protocol(_gateway_port_name(p))) for p in DEFAULT_GATEWAY_PORTS)
    inv.services.append(Service("istio-ingressgateway", ns, ports, dict(DEFAULT_GATEWAY_LABELS)))
