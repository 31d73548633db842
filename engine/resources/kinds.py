"""Which apiVersion/kind pairs exist, which spec class models each, and how fully.

Served versions follow the CRDs (istio-semantics.md §1): networking kinds at v1, v1beta1,
v1alpha3; security kinds at v1, v1beta1 only. One explicit table, no discovery.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.resources import kube, meshdrill, networking, security

NETWORKING = "networking.istio.io"
SECURITY = "security.istio.io"
MESHDRILL = "meshdrill"


@dataclass(frozen=True)
class KindInfo:
    group: str
    kind: str
    versions: tuple[str, ...]
    spec: type | None              # None: no spec (Namespace) or not modeled
    simulated: bool = True         # False: loaded and validated, not simulated (an Info says so)
    namespaced: bool = True
    spec_field: str = "spec"
    spec_required: bool = False    # the CRD lists `spec` as required (ServiceEntry)


_NET = ("v1", "v1beta1", "v1alpha3")
_SEC = ("v1", "v1beta1")

KINDS: tuple[KindInfo, ...] = (
    KindInfo(NETWORKING, "VirtualService", _NET, networking.VirtualService),
    KindInfo(NETWORKING, "DestinationRule", _NET, networking.DestinationRule),
    KindInfo(NETWORKING, "Gateway", _NET, networking.Gateway),
    KindInfo(NETWORKING, "ServiceEntry", _NET, networking.ServiceEntry, spec_required=True),
    KindInfo(NETWORKING, "Sidecar", _NET, networking.Sidecar),
    KindInfo(NETWORKING, "WorkloadEntry", _NET, None, simulated=False),
    KindInfo(NETWORKING, "WorkloadGroup", _NET, None, simulated=False),
    KindInfo(NETWORKING, "EnvoyFilter", ("v1alpha3",), None, simulated=False),
    KindInfo(NETWORKING, "ProxyConfig", ("v1beta1",), None, simulated=False),
    KindInfo(SECURITY, "PeerAuthentication", _SEC, security.PeerAuthentication),
    KindInfo(SECURITY, "AuthorizationPolicy", _SEC, security.AuthorizationPolicy),
    KindInfo(SECURITY, "RequestAuthentication", _SEC, security.RequestAuthentication),
    KindInfo("telemetry.istio.io", "Telemetry", ("v1", "v1alpha1"), None, simulated=False),
    KindInfo("extensions.istio.io", "WasmPlugin", ("v1alpha1",), None, simulated=False),
    KindInfo("", "Namespace", ("v1",), kube.NamespaceSpec, namespaced=False),
    KindInfo("", "Service", ("v1",), kube.ServiceSpec),
    KindInfo("", "Pod", ("v1",), kube.PodSpec),
    KindInfo("", "Node", ("v1",), kube.NodeSpec, namespaced=False),
    # A Secret matters only by its name (gateway.SecretAnalyzer: does a credentialName exist?);
    # its data is never read, so there is no spec class.
    KindInfo("", "Secret", ("v1",), None),
    KindInfo("apps", "Deployment", ("v1",), kube.WorkloadSpec),
    KindInfo("apps", "StatefulSet", ("v1",), kube.WorkloadSpec),
    KindInfo("apps", "ReplicaSet", ("v1",), kube.WorkloadSpec),
    KindInfo("apps", "DaemonSet", ("v1",), kube.WorkloadSpec),
    KindInfo(MESHDRILL, "Topology", ("v1",), meshdrill.Topology, namespaced=False),
    KindInfo(MESHDRILL, "Traffic", ("v1",), meshdrill.Traffic, namespaced=False),
)

# Built-in Kubernetes kinds that are fine in a manifest set but irrelevant to the mesh.
IGNORED_KUBE_KINDS = frozenset({
    "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
    "Ingress", "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "CronJob",
    "PersistentVolumeClaim", "CustomResourceDefinition", "Endpoints", "EndpointSlice", "LimitRange",
    "ResourceQuota", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
})

# meshdrill kinds have no identity: every Topology/Traffic document adds to the others, none
# replaces another (unlike `kubectl apply` of a second object with the same kind/namespace/name).
ADDITIVE_KINDS = frozenset({"Topology", "Traffic"})

BY_KIND: dict[str, tuple[KindInfo, ...]] = {}
for _info in KINDS:
    BY_KIND[_info.kind] = BY_KIND.get(_info.kind, ()) + (_info,)


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def lookup(api_version: str, kind: str) -> KindInfo | None:
    group, version = split_api_version(api_version)
    for info in BY_KIND.get(kind, ()):
        if info.group == group and version in info.versions:
            return info
    return None


def supported_summary() -> str:
    names = []
    for info in KINDS:
        if info.spec is not None or not info.simulated:
            api = f"{info.group}/" if info.group else ""
            names.append(f"{info.kind} ({api}{'|'.join(info.versions)})")
    return ", ".join(names)
