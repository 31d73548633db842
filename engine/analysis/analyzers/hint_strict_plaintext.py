"""MD0101 (hint): a STRICT PeerAuthentication and the workloads without a sidecar that call into it.

Istio has no PeerAuthentication analyzer (removed in 1.6; analyzers.md §6 "Surprises" 4), yet this
is the classic outage: a client without a sidecar sends plaintext, and a STRICT server sidecar
refuses it (io:tasks/security/authentication/mtls-migration, `legacy/sleep`).

The mode is decided per server workload *and port*, with the simulator's precedence (workload >
namespace > mesh, port-level by target port: `engine.simulation.tls.peer_mode` through
`engine.analysis.peer_auth`), so a workload-level PERMISSIVE exception under a namespace STRICT
(the mtls-migration task's way to keep a legacy client working) is honoured. A sidecar-less client is named on a STRICT policy only if it may call
a port that policy makes STRICT: when Traffic streams say what the client calls, only those
services count; a client with no stream could call anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.analysis import peer_auth
from engine.analysis.context import Context, hint
from engine.diagnostics import Diagnostic
from engine.mesh.inventory import CLUSTER_DOMAIN, Pod, fqdn
from engine.resources import Resource
from engine.simulation.sender import parse_target

NAME = "meshdrill.StrictPlaintextClientAnalyzer"
DESCRIPTION = "Warns when a STRICT PeerAuthentication would refuse workloads that have no sidecar"

Endpoint = tuple[str, int]          # (service host, service port)


def analyze(ctx: Context) -> Iterator[Diagnostic]:
    clients = _plaintext_clients(ctx)
    if not clients or not ctx.of("PeerAuthentication"):
        return
    strict = _strict_endpoints(ctx)
    calls = _calls(ctx, clients)
    rejected: dict[str, tuple[Resource, list[str]]] = {}
    for key in sorted(clients):
        called = calls.get(key)
        for endpoint, policies in sorted(strict.items()):
            if called is not None and not any(_same(endpoint, c) for c in called):
                continue
            for pa in policies:
                names = rejected.setdefault(pa.key, (pa, []))[1]
                if key not in names:
                    names.append(key)
    for pa, names in sorted(rejected.values(), key=lambda item: item[0].key):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        one = len(names) == 1
        yield hint("MD0101", pa, f"STRICT here rejects {shown}, which {'has' if one else 'have'} no sidecar: "
                                 f"{'its' if one else 'their'} plaintext requests to the workloads this policy "
                                 "covers are refused (add a sidecar, or use PERMISSIVE while migrating)",
                   path="spec.mtls.mode")


def _plaintext_clients(ctx: Context) -> dict[str, list[Pod]]:
    """`ns/workload` -> pods, for workloads that send plaintext (no sidecar, not a gateway)."""
    out: dict[str, list[Pod]] = {}
    for pod in ctx.pods:
        if not pod.sidecar and not pod.gateway:
            out.setdefault(f"{pod.namespace}/{pod.workload or pod.name}", []).append(pod)
    return out


def _strict_endpoints(ctx: Context) -> dict[Endpoint, list[Resource]]:
    """Service ports whose sidecar endpoints enforce STRICT -> the policies that decided it."""
    out: dict[Endpoint, list[Resource]] = {}
    for svc in ctx.inventory.services:
        pods = [p for p in ctx.service_pods(svc) if p.sidecar and not p.gateway]
        for port in svc.ports:
            # A named targetPort resolves through container ports we do not model: the port stands in.
            target = port.target_port if isinstance(port.target_port, int) and port.target_port else port.port
            for pod in pods:
                decision = peer_auth.on_port(ctx, pod, target)
                if decision.mode == "STRICT" and decision.policy is not None:
                    found = out.setdefault((svc.host, port.port), [])
                    if not any(p is decision.policy for p in found):
                        found.append(decision.policy)
    return out


def _calls(ctx: Context, clients: dict[str, list[Pod]]) -> dict[str, list[tuple[str, int | None]]]:
    """What each client's Traffic streams dial, as (FQDN, port or None); clients without streams are absent."""
    out: dict[str, list[tuple[str, int | None]]] = {}
    for traffic in ctx.of("Traffic"):
        for stream in traffic.spec.streams:
            pods = ctx.inventory.workload_of(stream.from_) if stream.from_ != "external" else []
            key = next((k for k, members in clients.items() if pods and pods[0] in members), None)
            if key is None:
                continue
            target = parse_target(stream.to)
            out.setdefault(key, []).append((_dns(ctx, target.host, pods[0].namespace), target.port))
    return out


def _dns(ctx: Context, host: str, namespace: str) -> str:
    """Kubernetes DNS from the client's namespace: `reviews`, `reviews.ns`, `reviews.ns.svc`, the FQDN."""
    for candidate in (fqdn(host, namespace), f"{host}.{CLUSTER_DOMAIN}", f"{host}.cluster.local", host):
        if ctx.inventory.service(candidate) is not None:
            return candidate
    return host


def _same(endpoint: Endpoint, call: tuple[str, int | None]) -> bool:
    host, port = call
    return endpoint[0] == host and (port is None or port == endpoint[1])
