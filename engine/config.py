"""Admission: what a cluster would hold after `kubectl apply -f` of the given input.

load -> decode (kind + schema layers) -> webhook validation. Rejected objects are dropped,
as on a real cluster; every problem stays available as a diagnostic. This is the one entry
point that analyze, simulate and grade share.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from engine import validation
from engine.diagnostics import Diagnostic
from engine.loading import DEFAULT_LIMITS, Document, Limits, load_paths, load_text
from engine.resources import Resource, decode_documents
from engine.resources.kinds import ADDITIVE_KINDS


@dataclass
class ConfigSet:
    resources: list[Resource] = field(default_factory=list)      # admitted objects, input order
    rejected: list[Diagnostic] = field(default_factory=list)     # what kubectl apply would refuse
    notes: list[Diagnostic] = field(default_factory=list)        # warnings and infos (refused objects' too)
    # Objects the webhook refused, or that broke only CRD value rules (CEL/format), which istioctl
    # analyze does not run. Not in the cluster (not simulated), but istioctl analyze still analyzes
    # them, so analysis may look at them.
    webhook_rejected: list[Resource] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.rejected + self.notes

    def merged_with(self, other: ConfigSet) -> ConfigSet:
        """`other` applied on top of this one: same kind/namespace/name replaces (kubectl apply)."""
        replaced = {r.key for r in other.resources if r.kind not in ADDITIVE_KINDS}
        keep = [r for r in self.resources if r.key not in replaced]
        return ConfigSet(resources=keep + other.resources, rejected=self.rejected + other.rejected,
                         notes=self.notes + other.notes,
                         webhook_rejected=self.webhook_rejected + other.webhook_rejected)


def admit(documents: list[Document], diagnostics: list[Diagnostic] | None = None,
          *, default_namespace: str = "default") -> ConfigSet:
    out = ConfigSet()
    for diag in diagnostics or []:
        (out.rejected if diag.rejects else out.notes).append(diag)
    decoded = decode_documents(documents, default_namespace=default_namespace)
    for diag in decoded.diagnostics:
        (out.rejected if diag.rejects else out.notes).append(diag)
    # Objects the API server refused for value rules alone still get the webhook's verdict (what
    # istioctl analyze prints for them), and stay out of the cluster.
    refused = {id(r) for r in decoded.schema_rejected}
    for resource in sorted(decoded.resources + decoded.schema_rejected, key=lambda r: r.order):
        problems = validation.validate(resource)
        errors = [d for d in problems if d.rejects]
        out.rejected += errors
        out.notes += [d for d in problems if not d.rejects]
        if errors or id(resource) in refused:
            out.webhook_rejected.append(resource)
        else:
            out.resources.append(resource)
    return out


def load_config(paths: list[str], *, stdin=None, limits: Limits = DEFAULT_LIMITS) -> ConfigSet:
    with _gc_paused():
        loaded = load_paths(paths, stdin=stdin, limits=limits)
        return admit(loaded.documents, loaded.diagnostics)


def load_config_text(text: str, filename: str = "<input>", *, limits: Limits = DEFAULT_LIMITS) -> ConfigSet:
    with _gc_paused():
        loaded = load_text(text, filename, limits=limits)
        return admit(loaded.documents, loaded.diagnostics)


@contextmanager
def _gc_paused():
    """Loading only builds objects that live on (no garbage cycles), yet the cyclic collector
    keeps re-scanning them: about a quarter of load time at 5,000 services. Paused for the
    load, restored after, whatever it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
