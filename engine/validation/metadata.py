"""Checks Istio's webhook runs on every object's metadata before its spec (validation.go
validateMetadata): the `istio.io/dry-run` annotation and internal annotations. A failure here
is the only error reported for the object, as the Go code returns early.
"""

from __future__ import annotations

from engine.resources import Resource

DRY_RUN = "istio.io/dry-run"
_ALWAYS_REJECT = "internal.istio.io/webhook-always-reject"
_INTERNAL = ("internal.istio.io/parent-namespace", "internal.istio.io/parents")
_GO_BOOLS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})


def metadata_error(resource: Resource) -> str | None:
    ann = resource.annotations
    where = f"{resource.namespace}/{resource.name}"
    if DRY_RUN in ann:
        if resource.kind != "AuthorizationPolicy":
            return f"{where} has unsupported annotation {DRY_RUN}, please remove the annotation"
        action = getattr(getattr(resource.spec, "action", None), "value", None) or "ALLOW"
        if action not in ("ALLOW", "DENY"):
            return (f"the annotation {DRY_RUN} currently only supports action ALLOW/DENY, "
                    f"found action {action} in {where}")
        value = str(ann[DRY_RUN])
        if value not in _GO_BOOLS:
            return (f"{where} has annotation {DRY_RUN} with invalid value ({value}): "
                    f'strconv.ParseBool: parsing "{value}": invalid syntax')
    if _ALWAYS_REJECT in ann:
        return f'"{_ALWAYS_REJECT}" annotation found, rejecting'
    for name in _INTERNAL:
        if name in ann:
            return f'"{name}" annotation found, this may not be set by users'
    return None
