"""The Kubernetes objects users already write, modeled as far as the mesh needs them.

Only the fields that matter to Istio are typed; the rest of a pod spec is accepted as-is
(`OPEN`), because validating all of Kubernetes is not our job.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.resources.schema import IntOrString, Raw, f


@dataclass(frozen=True)
class ServicePortK8s:
    OPEN = True
    name: str | None = None
    port: int | None = f(required=True)
    target_port: IntOrString | None = None
    protocol: str | None = None
    app_protocol: str | None = None
    node_port: int | None = None


@dataclass(frozen=True)
class ServiceSpec:
    OPEN = True
    selector: dict[str, str] = f(factory=dict)
    ports: tuple[ServicePortK8s, ...] = ()
    type: str | None = None
    cluster_ip: str | None = f(json="clusterIP")
    external_name: str | None = None


@dataclass(frozen=True)
class Container:
    OPEN = True
    name: str | None = None
    image: str | None = None
    ports: tuple[Raw, ...] = ()


@dataclass(frozen=True)
class PodSpec:
    OPEN = True
    service_account_name: str | None = None
    containers: tuple[Container, ...] = ()
    host_network: bool | None = None
    node_name: str | None = None


@dataclass(frozen=True)
class TemplateMeta:
    OPEN = True
    labels: dict[str, str] = f(factory=dict)
    annotations: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class PodTemplate:
    OPEN = True
    metadata: TemplateMeta | None = None
    spec: PodSpec | None = None


@dataclass(frozen=True)
class LabelSelectorK8s:
    OPEN = True
    match_labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class WorkloadSpec:
    """Deployment, StatefulSet, ReplicaSet, DaemonSet: replicas + pod template."""

    OPEN = True
    replicas: int | None = None
    selector: LabelSelectorK8s | None = None
    template: PodTemplate | None = None


@dataclass(frozen=True)
class NodeSpec:
    """A Node matters only through its labels (topology region/zone, which Istio adds to the labels of
    the pods scheduled on it); its spec is accepted as-is."""

    OPEN = True


@dataclass(frozen=True)
class NamespaceSpec:
    OPEN = True
    finalizers: tuple[str, ...] = ()
