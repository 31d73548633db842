"""Diagnostics: every problem found in input, as a value.

One type for all layers (yaml, kind, schema, webhook, analysis) so that the CLI, the
simulator's `rejected` list and the grader can treat them alike. Codes, levels and
sentences come from `engine.messages`; nothing here writes a message inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """Ordered so that sorting by level puts Error first, as istioctl does."""

    ERROR = 0
    WARNING = 1
    INFO = 2

    def __str__(self) -> str:  # istioctl's words: Error, Warning, Info
        return self.name.capitalize()


class Layer:
    """Which part of a real cluster speaks (DESIGN.md: `layer` in `rejected`)."""

    YAML = "yaml"          # kubectl's YAML decoding
    KIND = "kind"          # unknown apiVersion/kind: no CRD serves it
    SCHEMA = "schema"      # kube-apiserver: CRD OpenAPI schema, CEL, strict field validation
    WEBHOOK = "webhook"    # Istio's validating admission webhook
    ANALYSIS = "analysis"  # istioctl analyze (cross-resource), or our teaching hints

    REJECTING = frozenset({YAML, KIND, SCHEMA, WEBHOOK})


@dataclass(frozen=True)
class Diagnostic:
    code: str
    level: Level
    message: str
    layer: str
    origin: str = ""          # istioctl style: "VirtualService default/reviews"
    file: str | None = None
    line: int | None = None
    path: str = ""            # YAML path of the field: spec.http[0].route[1].weight

    @property
    def reference(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def rejects(self) -> bool:
        """True when `kubectl apply` would refuse the object (errors of the admission layers)."""
        return self.level is Level.ERROR and self.layer in Layer.REJECTING

    def render(self) -> str:
        """istioctl's line: `Error [IST0101] (VirtualService default/reviews vs.yaml:12) msg`."""
        where = " ".join(p for p in (self.origin, self.reference) if p)
        where = f" ({where})" if where else ""
        return f"{self.level} [{self.code}]{where} {self.message}"


def format_path(path: tuple) -> str:
    """('spec', 'http', 0, 'route', 1, 'weight') -> 'spec.http[0].route[1].weight'."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out)
