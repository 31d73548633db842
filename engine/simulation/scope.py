"""Sidecar resource egress scoping (api:networking/v1alpha3/sidecar.proto `IstioEgressListener.hosts`).

`hosts` entries are `namespace/dnsName`: namespace `*` any, `.` the Sidecar's own, `~` none;
dnsName `*`, `*.suffix` or an FQDN. A host outside every listener is not in the proxy's
config: it is "unmatched" and follows outboundTrafficPolicy; the Sidecar does not block by
itself (istio-semantics §9, correction 17). No Sidecar, or one without egress: everything.
"""

from __future__ import annotations

from engine.mesh.hosts import matches
from engine.simulation.hop import Hop


def _entry_covers(entry: str, sidecar_namespace: str, host: str, owner_namespace: str) -> bool:
    namespace, slash, name = entry.partition("/")
    if not slash:
        namespace, name = "*", entry
    if namespace == "~":
        return False
    if namespace == ".":
        namespace = sidecar_namespace
    if namespace != "*" and namespace != owner_namespace:
        return False
    return matches(name.lower(), host)


def in_scope(hop: Hop, host: str, owner_namespace: str, port: int) -> tuple[bool, str]:
    """Is `host` (a Service or ServiceEntry in `owner_namespace`) in the client's egress scope?"""
    pod = hop.sender.pod
    sidecar = hop.mesh.sidecar_for(pod) if pod is not None and not hop.sender.gateway else None
    if sidecar is None or not sidecar.spec.egress:
        return True, ""
    for i, listener in enumerate(sidecar.spec.egress):
        if listener.port is not None and listener.port.number and listener.port.number != port:
            continue
        for j, entry in enumerate(listener.hosts):
            if _entry_covers(entry, sidecar.namespace, host, owner_namespace):
                return True, sidecar.reference(f"spec.egress[{i}].hosts[{j}]")
    return False, sidecar.reference("spec.egress")


def imports_config(hop: Hop, config_namespace: str, hosts: tuple[str, ...]) -> bool:
    """Does the client's Sidecar import a VirtualService of `config_namespace` with these hosts?
    Egress `ns/host` entries select VirtualServices by *their* namespace too
    (istio:pilot/pkg/model/virtualservice.go `SelectVirtualServices`, hostsByNamespace)."""
    pod = hop.sender.pod
    sidecar = hop.mesh.sidecar_for(pod) if pod is not None and not hop.sender.gateway else None
    if sidecar is None or not sidecar.spec.egress:
        return True
    for listener in sidecar.spec.egress:
        for entry in listener.hosts:
            namespace, slash, name = entry.partition("/")
            if not slash:
                namespace, name = "*", entry
            namespace = sidecar.namespace if namespace == "." else namespace
            if namespace not in ("*", config_namespace):
                continue
            name = name.lower()
            if any(matches(name, h) or matches(h, name) for h in hosts):
                return True
    return False
