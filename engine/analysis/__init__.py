"""`istioctl analyze -A` for a set of objects, plus what admission said, plus our teaching hints.

The cluster holds exactly the input objects and Istio's default ingress gateway (DESIGN.md). Like
istioctl, the analyzers also see objects the webhook refused (`ConfigSet.webhook_rejected`); the
admission diagnostics (`rejected`, `notes`) are included so that one list says everything.
Output: sorted Error, Warning, Info, then code, then origin, and de-duplicated on the rendered
line, as istioctl's formatter does.
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


def sort_and_dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[str] = set()
    out = []
    for diag in sorted(diagnostics, key=lambda d: d.sort_key()):
        line = diag.render()
        if line not in seen:
            seen.add(line)
            out.append(diag)
    return out
