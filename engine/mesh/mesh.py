"""The mesh the simulator routes through: the Inventory plus Istio config indexed for lookup.

Config is indexed by the host it is about (VirtualService, DestinationRule, ServiceEntry) or by
namespace (PeerAuthentication, AuthorizationPolicy, RequestAuthentication, Sidecar), so planning one stream costs the
same however many unrelated resources the input holds. Every list keeps input order, which
stands in for creation time (the oldest resource wins Istio's tie-breaks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.mesh.build import build_inventory
from engine.mesh.hosts import HostIndex, exported_to, resolve
from engine.mesh.inventory import Inventory, MeshSettings, Pod, Service
from engine.resources import Resource
from engine.resources.meshdrill import Backend, Stream, Traffic

if TYPE_CHECKING:                       # the mesh needs admitted config, not the admission machinery
    from engine.config import ConfigSet


@dataclass
class Mesh:
    inventory: Inventory
    virtual_services: HostIndex[Resource] = field(default_factory=HostIndex)
    destination_rules: HostIndex[Resource] = field(default_factory=HostIndex)
    service_entries: HostIndex[Resource] = field(default_factory=HostIndex)
    peer_authentications: dict[str, list[Resource]] = field(default_factory=dict)
    authorization_policies: dict[str, list[Resource]] = field(default_factory=dict)
    request_authentications: dict[str, list[Resource]] = field(default_factory=dict)
    sidecars: dict[str, list[Resource]] = field(default_factory=dict)
    gateways: list[Resource] = field(default_factory=list)
    virtual_services_by_name: dict[tuple[str, str], Resource] = field(default_factory=dict)   # delegates
    traffic: Traffic = field(default_factory=Traffic)
    traffic_resources: list[Resource] = field(default_factory=list)

    # ---------------------------------------------------------------- convenience ----
    @property
    def settings(self) -> MeshSettings:
        return self.inventory.settings

    @property
    def root_namespace(self) -> str:
        return self.inventory.settings.root_namespace

    @property
    def streams(self) -> tuple[Stream, ...]:
        return self.traffic.streams

    @property
    def backends(self) -> tuple[Backend, ...]:
        return self.traffic.backends

    @property
    def seed(self) -> int:
        return self.traffic.seed if self.traffic.seed is not None else 0

    def stream_reference(self, stream: Stream, path: str = "") -> str:
        """file:line of a stream (or one of its fields) in the Traffic it came from."""
        for res in self.traffic_resources:
            for i, candidate in enumerate(res.spec.streams):
                if candidate is stream:
                    return res.reference(f"spec.streams[{i}]{'.' + path if path else ''}")
        return ""

    # ------------------------------------------------------------------ services ----
    def service(self, host: str, client_namespace: str) -> Service | None:
        """A Kubernetes Service by FQDN, if its exportTo annotation lets the client see it."""
        svc = self.inventory.service(host)
        if svc is None or not exported_to(svc.export_to, svc.namespace, client_namespace):
            return None
        return svc

    def service_entries_for(self, host: str, client_namespace: str) -> list[tuple[str, Resource]]:
        return [(pattern, se) for pattern, se in self.service_entries.lookup(host)
                if exported_to(se.spec.export_to, se.namespace, client_namespace)]

    def delegate(self, name: str, namespace: str, root_namespace: str) -> Resource | None:
        """A delegate VirtualService (no hosts), if exported to the root VS's namespace."""
        vs = self.virtual_services_by_name.get((namespace, name))
        if vs is None or vs.spec.hosts or not exported_to(vs.spec.export_to, vs.namespace, root_namespace):
            return None
        return vs

    def sidecar_for(self, pod: Pod) -> Resource | None:
        """The Sidecar resource scoping a pod: its own selector match, else its namespace's
        selector-less one, else the root namespace's (api:networking/v1alpha3/sidecar.proto)."""
        own = self.sidecars.get(pod.namespace, [])
        for res in own:
            sel = res.spec.workload_selector
            if sel is not None and sel.labels and pod.matches(sel.labels):
                return res
        for res in own:
            if res.spec.workload_selector is None or not res.spec.workload_selector.labels:
                return res
        for res in self.sidecars.get(self.root_namespace, []):
            if res.spec.workload_selector is None or not res.spec.workload_selector.labels:
                return res
        return None


def build_mesh(config: ConfigSet) -> Mesh:
    """Admitted config -> Mesh. Rejected objects are not in `config.resources`: as on a cluster."""
    resources = [r for r in config.resources if r.simulated and r.spec is not None]
    resources.sort(key=lambda r: r.order)
    mesh = Mesh(build_inventory(resources))
    streams, backends, seed = [], [], None
    for res in resources:
        kind, spec = res.kind, res.spec
        if kind == "VirtualService":
            mesh.virtual_services_by_name[(res.namespace, res.name)] = res
            for host in dict.fromkeys(resolve(h, res.namespace) for h in spec.hosts):
                mesh.virtual_services.add(host, res)
        elif kind == "DestinationRule":
            mesh.destination_rules.add(resolve(spec.host, res.namespace), res)
        elif kind == "ServiceEntry":
            for host in dict.fromkeys(resolve(h, res.namespace) for h in spec.hosts):
                mesh.service_entries.add(host, res)
        elif kind == "PeerAuthentication":
            mesh.peer_authentications.setdefault(res.namespace, []).append(res)
        elif kind == "AuthorizationPolicy":
            mesh.authorization_policies.setdefault(res.namespace, []).append(res)
        elif kind == "RequestAuthentication":
            mesh.request_authentications.setdefault(res.namespace, []).append(res)
        elif kind == "Sidecar":
            mesh.sidecars.setdefault(res.namespace, []).append(res)
        elif kind == "Gateway":
            mesh.gateways.append(res)
        elif kind == "Traffic":
            mesh.traffic_resources.append(res)
            streams += spec.streams
            backends += spec.backends
            seed = spec.seed if seed is None else seed
    mesh.traffic = Traffic(seed=seed, backends=tuple(backends), streams=tuple(streams))
    return mesh
