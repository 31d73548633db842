"""Who sends a stream and what its requests look like on the wire.

A stream's `from` names a client, a service (any of its pods) or `external` (with `via` naming
the ingress gateway workload). Its `to` is what the app dials: `reviews`, `reviews:9080`,
`reviews.default`, `http://bookinfo.example.com/productpage`, `https://www.google.com`.
Names resolve like Kubernetes DNS from the sender's namespace (DESIGN.md, Traffic).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from engine.errors import EngineError
from engine.mesh.inventory import Pod
from engine.mesh.mesh import Mesh
from engine.messages import MESSAGES, render
from engine.resources.meshdrill import Stream

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Sender:
    """The proxy (or bare app) that makes the routing decision for a hop."""

    ref: str                       # "default/productpage", "istio-system/istio-ingressgateway"
    pod: Pod | None                # a representative pod (all pods of a workload are alike)
    namespace: str
    sidecar: bool
    gateway: bool = False          # an Istio gateway Envoy (routes with gateway VirtualServices)
    mixed: bool = False            # its pods differ (labels, sidecar, account): planned for the first

    @property
    def labels(self) -> dict[str, str]:
        return self.pod.labels if self.pod else {}

    def principal(self, trust_domain: str) -> str:
        """SPIFFE identity without `spiffe://`, as AuthorizationPolicy writes it (§10)."""
        sa = self.pod.service_account if self.pod else "default"
        return f"{trust_domain}/ns/{self.namespace}/sa/{sa}"


@dataclass(frozen=True)
class Target:
    """`to` split into its parts, before any name resolution."""

    host: str                      # lower-cased name as written
    port: int | None               # None: not written
    scheme: str                    # "http" unless the URL says https (or tls/tcp)
    path: str                      # with the query string
    explicit_port: bool


def unknown_endpoint(field: str, ref: str, what: str, where: str, hint: str) -> EngineError:
    """Bad user input: one line with file:line (MD0301 in the message table)."""
    file, _, line = where.rpartition(":")
    return EngineError(render(MESSAGES["MD0301"].template, field, ref, what), file=file or None,
                       line=int(line) if line.isdigit() else None, code="MD0301", hint=hint)


def find_sender(mesh: Mesh, ref: str, where: str) -> Sender:
    pods = mesh.inventory.workload_of(ref)
    if not pods:
        raise unknown_endpoint("from", ref, "client, service or gateway", where,
                               "write `from: <namespace>/<workload>` or `from: external`")
    pod = pods[0]
    namespace = ref.rpartition("/")[0] or pod.namespace
    mixed = any((p.labels, p.sidecar, p.service_account) != (pod.labels, pod.sidecar, pod.service_account)
                for p in pods)
    return Sender(ref if "/" in ref else f"{namespace}/{ref}", pod, namespace, pod.sidecar, pod.gateway, mixed)


def parse_target(to: str) -> Target:
    text = to.strip()
    if "://" in text:
        parts = urlsplit(text)
        scheme = (parts.scheme or "http").lower()
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        port = parts.port
        return Target((parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme),
                      scheme, path, port is not None)
    host, _, path = text.partition("/")
    name, colon, port_text = host.rpartition(":")
    if colon and port_text.isdigit():
        return Target(name.lower(), int(port_text), "http", "/" + path if path else "/", True)
    return Target(host.lower(), None, "http", "/" + path if path else "/", False)


def authority(target: Target, port: int, headers: dict[str, str]) -> str:
    """The Host header: an explicit `host` header wins; curl adds the port unless it is the default."""
    if "host" in headers:
        return headers["host"]
    if target.explicit_port and DEFAULT_PORTS.get(target.scheme) != port:
        return f"{target.host}:{port}"
    return target.host


def stream_headers(stream: Stream) -> dict[str, str]:
    return {name.lower(): str(value) for name, value in stream.headers.items()}
