"""The object envelope every resource shares: apiVersion, kind, metadata, origin."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.loading import nearest_line
from engine.resources.schema import Raw, f


@dataclass(frozen=True)
class ObjectMeta:
    name: str | None = None
    generate_name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = f(factory=dict)
    annotations: dict[str, str] = f(factory=dict)
    uid: Raw | None = None
    resource_version: Raw | None = None
    generation: Raw | None = None
    creation_timestamp: Raw | None = None
    deletion_timestamp: Raw | None = None
    deletion_grace_period_seconds: Raw | None = None
    owner_references: Raw | None = None
    finalizers: Raw | None = None
    managed_fields: Raw | None = None
    self_link: Raw | None = None


@dataclass(frozen=True)
class Resource:
    """One accepted object. `spec` is the typed spec dataclass (or None for spec-less kinds)."""

    api_version: str
    kind: str
    name: str
    namespace: str            # "" for cluster-scoped kinds
    labels: dict[str, str]
    annotations: dict[str, str]
    spec: object
    file: str
    line: int                 # first line of the object
    order: int                # position in the input: stands in for creation time
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    simulated: bool = True

    @property
    def ref(self) -> str:
        """istioctl's origin: `VirtualService default/reviews`, `Namespace legacy`; a nameless
        meshdrill object (Traffic, Topology) is its kind alone."""
        if self.namespace:
            return f"{self.kind} {self.namespace}/{self.name}"
        return f"{self.kind} {self.name}" if self.name else self.kind

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    def line_of(self, path: str) -> int:
        return nearest_line(self.lines, path, self.line)

    def reference(self, path: str = "") -> str:
        return f"{self.file}:{self.line_of(path) if path else self.line}"
