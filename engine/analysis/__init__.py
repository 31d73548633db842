"""`istioctl analyze -A` for a set of objects, plus what admission said, plus our teaching hints.

The cluster holds exactly the input objects and Istio's default ingress gateway (DESIGN.md). Like
istioctl, the analyzers also see objects the webhook refused (`ConfigSet.webhook_rejected`); the
admission diagnostics (`rejected`, `notes`) are included so that one list says everything.
Output: sorted Error, Warning, Info, then code, then origin, then the rendered line, and
de-duplicated on the rendered line, as istioctl's diag.Messages.SortedDedupedCopy does.
"""

from __future__ import annotations

from engine.analysis.analyzers import ANALYZERS
from engine.analysis.context import Context
from engine.config import ConfigSet
from engine.diagnostics import Diagnostic
from engine.mesh.build import build_inventory


def analyze(config: ConfigSet, *, analyzers=ANALYZERS) -> list[Diagnostic]:
    resources = list(config.resources) + list(config.webhook_rejected)
    ctx = Context.build(resources, build_inventory(resources))
    found = list(config.rejected) + list(config.notes)
    for analyzer in analyzers:
        found.extend(analyzer.run(ctx))
    return sort_and_dedupe(found)


def istioctl_order(d: Diagnostic) -> tuple:
    """diag.Messages.Sort: level, code, objects before none, origin, then the whole rendered line
    (so `f.yaml:12` sorts before `f.yaml:9`, as Go's string comparison does)."""
    return (d.level, d.code, bool(d.origin), d.origin, d.render())


def sort_and_dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[str] = set()
    out = []
    for diag in sorted(diagnostics, key=istioctl_order):
        line = diag.render()
        if line not in seen:
            seen.add(line)
            out.append(diag)
    return out
