"""What every analyzer sees: the objects by kind, the cluster inventory, and Istio's host lookups.

The lookups copy `pkg/config/analysis/analyzers/util/{hosts,service_lookup}.go` exactly, quirks
included (analyzers.md §3 "Analyzer matching details"):

* a host without a dot is `<host>.<config namespace>.svc.cluster.local`; a host with a dot is
  literal, so `reviews.default` is not `reviews.default.svc.cluster.local`;
* Services are visible everywhere unless annotated `networking.istio.io/exportTo`; ServiceEntries
  honour `exportTo`; wildcard ServiceEntry hosts match by suffix;
* DestinationRule subsets are keyed by (namespace, name) parsed from the host;
* gateway references: `name` is `<vs namespace>/name`, `ns/name` is explicit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine import messages
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import CLUSTER_DOMAIN, Inventory, Pod, Service
from engine.resources import Resource

ALL = "*"          # exportTo: every namespace
LOCAL = "."        # exportTo: the object's own namespace
MESH = "mesh"      # the reserved gateway name for sidecars

_FQDN = re.compile(r"^(.+)\.(.+)\.svc\.cluster\.local$")


def to_fqdn(namespace: str, host: str) -> str:
    """util.ConvertHostToFQDN: only dot-less, non-wildcard hosts are expanded."""
    if host.startswith("*") or "." in host:
        return host
    return f"{host}.{namespace}.{CLUSTER_DOMAIN}"


def name_from_host(namespace: str, host: str) -> tuple[str, str]:
    """util.GetResourceNameFromHost: (namespace, name) of an FQDN, else the host in `namespace`."""
    match = _FQDN.match(host)
    if match:
        return match.group(2), match.group(1)
    return namespace, host


def host_matches(a: str, b: str) -> bool:
    """istio:pkg/config/host/name.go `Name.Matches`: do two (possibly wildcard) hosts overlap?"""
    a_wild, b_wild = a.startswith("*"), b.startswith("*")
    if a_wild and b_wild:
        return b[1:].endswith(a[1:]) if len(a) < len(b) else a[1:].endswith(b[1:])
    if a_wild:
        return b.endswith(a[1:])
    if b_wild:
        return a.endswith(b[1:])
    return a == b


def selector_string(labels: dict[str, str]) -> str:
    """k8s labels.SelectorFromSet(...).String(): `k=v` pairs sorted by key, comma-joined."""
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def gateway_ref(vs_namespace: str, name: str) -> tuple[str, str]:
    """resource.NewShortOrFullName: `ns/name` is explicit, a bare name is in the VS namespace."""
    if "/" in name:
        namespace, _, short = name.partition("/")
        return namespace, short
    return vs_namespace, name


@dataclass(frozen=True)
class HostEntry:
    """A Service or ServiceEntry as the analyzers see it (a Service is converted to an entry)."""

    ports: tuple[int, ...]
    selector: dict[str, str]          # ServiceEntry workloadSelector labels (empty for Services)
    resource: Resource | None = None


@dataclass
class Context:
    resources: list[Resource]
    inventory: Inventory
    by_kind: dict[str, list[Resource]] = field(default_factory=dict)
    _hosts: dict[tuple[str, str], HostEntry] = field(default_factory=dict)
    _wildcards: list[tuple[str, str, HostEntry]] = field(default_factory=list)
    memo: dict[str, object] = field(default_factory=dict)     # indexes shared by several analyzers

    @classmethod
    def build(cls, resources: Iterable[Resource], inventory: Inventory) -> Context:
        ordered = sorted(resources, key=lambda r: (r.kind, r.namespace, r.name, r.order))
        ctx = cls(resources=ordered, inventory=inventory)
        for res in ordered:
            ctx.by_kind.setdefault(res.kind, []).append(res)
        ctx._index_hosts()
        return ctx

    # ---------------------------------------------------------------- objects ----

    def of(self, kind: str) -> list[Resource]:
        """Objects of one kind, sorted by namespace and name (istioctl's ForEach order)."""
        return self.by_kind.get(kind, [])

    @property
    def pods(self) -> list[Pod]:
        return self.inventory.pods

    @property
    def root_namespace(self) -> str:
        return self.inventory.settings.root_namespace

    def service_pods(self, svc: Service) -> list[Pod]:
        """Pods a Service selects, through an index by (namespace, label, value) instead of a scan."""
        index = self.memo.get("pods_by_label")
        if index is None:
            index = {}
            for pod in self.pods:
                for pair in pod.labels.items():
                    index.setdefault((pod.namespace, *pair), []).append(pod)
            self.memo["pods_by_label"] = index
        if not svc.selector:
            return []
        pair = min(svc.selector.items())
        return [p for p in index.get((svc.namespace, *pair), ()) if p.matches(svc.selector)]

    # ------------------------------------------------------------------ hosts ----

    def _index_hosts(self) -> None:
        """util.InitServiceEntryHostMap: (scope, fqdn) -> entry; Services after ServiceEntries."""
        for se in self.of("ServiceEntry"):
            spec = se.spec
            entry = HostEntry(tuple(p.number for p in spec.ports if p.number is not None),
                              dict(spec.workload_selector.labels) if spec.workload_selector else {}, se)
            scopes = [ALL] if not spec.export_to or ALL in spec.export_to else \
                [se.namespace if e == LOCAL else e for e in spec.export_to]
            for host in spec.hosts:
                for scope in scopes:
                    self._hosts[(scope, to_fqdn(se.namespace, host))] = entry
        for svc in self.inventory.services:
            entry = HostEntry(tuple(p.port for p in svc.ports), {}, svc.source)
            scopes = [svc.namespace if e == LOCAL else e for e in svc.export_to] or [ALL]
            for scope in scopes:
                self._hosts[(scope, svc.host)] = entry
        self._wildcards = sorted((scope, host, entry) for (scope, host), entry in self._hosts.items()
                                 if host.startswith("*"))

    def destination_host(self, namespace: str, export_to: Iterable[str], host: str) -> HostEntry | None:
        """util.GetDestinationHost: the Service/ServiceEntry a host names, seen from `namespace`."""
        name = to_fqdn(namespace, host)
        found = self._hosts.get((ALL, name))
        if found is not None:
            return found
        scopes = [namespace if e == LOCAL else e for e in export_to] or [namespace]
        for scope in scopes:
            found = self._hosts.get((scope, name))
            if found is not None:
                return found
        bare = host[1:] if host.startswith("*") else host
        for scope, se_host, entry in self._wildcards:
            if scope in (ALL, namespace) and bare.endswith(se_host[1:]):
                return entry
        return None


def namespace_in_ambient(labels: dict[str, str]) -> bool:
    """util.NamespaceInAmbientMode: `istio.io/dataplane-mode=ambient`, unless sidecar injection is also
    asked for (`istio-injection=enabled` or an `istio.io/rev`; fixture sidecar-default-selector.yaml)."""
    return (labels.get("istio.io/dataplane-mode") == "ambient" and labels.get("istio-injection") != "enabled"
            and not labels.get("istio.io/rev"))


def pod_in_ambient(ctx: Context, pod: Pod) -> bool:
    """util.PodInAmbientMode reads the annotation `ambient.istio.io/redirection: enabled`, which the CNI
    agent sets on the sidecar-less pods of an ambient namespace: on a live cluster, either says ambient."""
    if pod.sidecar:
        return False
    source = pod.source
    annotations = {}
    if source is not None and source.kind == "Pod":
        annotations = source.annotations
    elif source is not None and source.spec is not None and getattr(source.spec, "template", None) is not None:
        meta = source.spec.template.metadata
        annotations = dict(meta.annotations) if meta is not None else {}
    if annotations.get("ambient.istio.io/redirection") == "enabled":
        return True
    ns = ctx.inventory.namespaces.get(pod.namespace)
    return ns is not None and namespace_in_ambient(ns.labels)


def report(code: str, res: Resource, *args, path: str = "", line: int | None = None) -> Diagnostic:
    """A finding about `res`, at the line of `path` (istioctl's ErrorLine) or the object's first line."""
    if line is None:
        line = res.lines.get(path, res.line) if path else res.line
    return messages.make(code, *args, origin=res.ref, file=res.file, line=line, path=path)


def hint(code: str, res: Resource, text: str, *, path: str = "") -> Diagnostic:
    """One of our teaching hints (MD codes): same shape as an Istio finding."""
    return report(code, res, text, path=path)
