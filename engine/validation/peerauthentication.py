"""PeerAuthentication webhook checks (validation.go ValidatePeerAuthentication). Mirrors
TestValidatePeerAuthentication. The webhook checks almost nothing: port-level mTLS needs a
selector, ports are in range, selectors are well-formed. No rule on the name (`default` is a
convention), the namespace, or STRICT against workloads without sidecars.
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.security import PeerAuthentication
from engine.validation import common
from engine.validation.report import Report


def validate(resource: Resource) -> list[Diagnostic]:
    spec: PeerAuthentication = resource.spec
    r = Report(resource)
    selector = spec.selector.match_labels if spec.selector is not None else {}
    if not selector and spec.port_level_mtls:
        r.error("spec.portLevelMtls", "mesh/namespace peer authentication cannot have port level mTLS")
    for key in spec.port_level_mtls:
        number = int(key) if key.isdigit() and key.isascii() else 0
        if not 1 <= number <= 65535:
            r.error(f"spec.portLevelMtls.{key}", "port must be in range 1..65535")
    if spec.selector is not None:
        errors, warning = common.selector(spec.selector.match_labels)
        r.errors("spec.selector", errors)
        r.warning("spec.selector", warning)
    return r.diagnostics
