"""Ports of istio `pkg/config/security/security.go` (attribute, IP, port, service-account and
path-template checks) and of the policy-target checks shared by AuthorizationPolicy and
RequestAuthentication (validation.go validateOneOfSelectorType, validatePolicyTargetReference).
Go's own error texts are reproduced, including strconv/netip reasons and multierror framing.
"""

from __future__ import annotations

import ipaddress

from engine.validation import common
from engine.validation.report import Report

_ALLOWED_TARGETS = {("", "Service"), ("networking.istio.io", "ServiceEntry"),
                    ("gateway.networking.k8s.io", "Gateway"), ("gateway.networking.k8s.io", "GatewayClass")}
_ALLOWED_TEXT = ("[core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway "
                 "gateway.networking.k8s.io/v1/GatewayClass]")
_PASSTHROUGH_KEYS = ("source.namespace", "source.principal", "request.auth.principal", "request.auth.audiences",
                     "request.auth.presenter", "connection.sni")


def go_name(attr: str) -> str:
    """principals -> Principals, not_ip_blocks -> NotIpBlocks (the Go field names in messages)."""
    return "".join(p.capitalize() for p in attr.split("_"))


def go_multierror(errors: list[str]) -> str:
    """hashicorp/go-multierror's Error() text, as `%v` prints a nested multierror."""
    head = "1 error occurred" if len(errors) == 1 else f"{len(errors)} errors occurred"
    return head + ":\n\t" + "\n\t".join(f"* {e}" for e in errors) + "\n\n"


def validate_ips(values: tuple[str, ...]) -> list[str]:
    out = []
    for v in values:
        if "/" in v:
            problem = _prefix_error(v)
            if problem:
                out.append(f'bad CIDR range ({v}): netip.ParsePrefix("{v}"): {problem}')
        elif not _is_ip(v):
            out.append(f"bad IP address ({v})")
    return out


def _prefix_error(v: str) -> str | None:
    """The reason Go's netip.ParsePrefix gives, for the usual mistakes."""
    addr, _, bits = v.rpartition("/")
    if not _is_ip(addr):
        return f'ParseAddr("{addr}"): unable to parse IP'
    if not (bits.isdigit() and bits.isascii()) or (len(bits) > 1 and bits[0] == "0"):
        return f'bad bits after slash: "{bits}"'
    if int(bits) > (32 if ":" not in addr else 128):
        return "prefix length out of range"
    return None


def _is_ip(v: str) -> bool:
    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return True


def validate_ports(values: tuple[str, ...]) -> list[str]:
    out = []
    for v in values:
        if not (v.isdigit() and v.isascii()):
            out.append(f'bad port ({v}): strconv.ParseUint: parsing "{v}": invalid syntax')
        elif int(v) > 0xFFFFFFFF:
            out.append(f'bad port ({v}): strconv.ParseUint: parsing "{v}": value out of range')
        elif int(v) > 65535:
            out.append(f"bad port ({v}): <nil>")
    return out


def empty_values(key: str, values: tuple[str, ...]) -> str | None:
    return f"empty value not allowed, found in {key}" if "" in values else None


def service_accounts(key: str, values: tuple[str, ...]) -> str | None:
    """security.CheckServiceAccount: `sa` or `ns/sa`, no wildcard, at most 16."""
    if len(values) > 16:
        return "may not have more than 16 values"
    for v in values:
        if v == "":
            return f"empty value not allowed, found in {key}"
        if "*" in v:
            return f"wildcard not allowed, found in {key}"
        if v.count("/") > 1:
            return f"expected format 'serviceAccount' or 'namespace/serviceAccount', found \"{v}\" in {key}"
        if len(v) > 320:
            return f'value cannot exceed 320 characters, found "{v}" in {key}'
        ns, slash, sa = v.partition("/")
        if slash and not ns:
            return f"expected format 'serviceAccount' or 'namespace/serviceAccount', found empty namespace \"{v}\" in {key}"
        if slash and not sa:
            return (f"expected format 'serviceAccount' or 'namespace/serviceAccount', found empty serviceAccount "
                    f"\"{v}\" in {key}")
    return None


def path_templates(key: str, paths: tuple[str, ...]) -> str | None:
    """security.CheckValidPathTemplate: `{*}` and `{**}` (last) only."""
    for original in paths:
        templated = "{*}" in original or "{**}" in original
        path = original.strip("/")
        any_seen = False
        for glob in path.split("/"):
            if glob == "{*}" and not any_seen:
                continue
            if glob == "{**}" and not any_seen:
                any_seen = True
                continue
            if glob in ("{*}", "{**}"):
                return f"invalid or unsupported path {path}, found in {key}. {{**}} is not the last operator"
            if "{" in glob or "}" in glob:
                return (f"invalid or unsupported path {path}, found in {key}. "
                        "Contains '{' or '}' beyond a supported path template")
            if templated and not _valid_literal(glob):
                return (f"invalid or unsupported path {path}, found in {key}. "
                        f"Contains segment {glob} with invalid string literal")
    return None


def _valid_literal(glob: str) -> bool:
    return bool(glob) and all(c.isascii() and (c.isalnum() or c in "-._~%!$&'()+,;:@=") for c in glob)


def _map_key(key: str) -> str | None:
    i = key.find("[")
    return None if key.endswith("]") and 0 < i < len(key) - 2 else f"bad key ({key}): should have format a[b]"


def attribute(key: str, values: tuple[str, ...]) -> str | None:
    """security.ValidateAttribute."""
    if "" in values:
        return f"empty value not allowed, found in {key}"
    if key.startswith(("request.headers", "request.experimental.inline.headers", "request.auth.claims",
                       "experimental.envoy.filters.")):
        return _map_key(key)
    if key in ("source.ip", "remote.ip", "destination.ip"):
        errors = validate_ips(values)
        return go_multierror(errors) if errors else None
    if key == "destination.port":
        errors = validate_ports(values)
        return go_multierror(errors) if errors else None
    if key == "source.serviceAccount":
        return service_accounts(key, values)
    if key in _PASSTHROUGH_KEYS:
        return None
    if key == "destination.namespace":
        return f"attribute {key} is replaced by the metadata.namespace"
    if key.startswith("destination.labels"):
        return f"attribute {key} is replaced by the workload selector"
    if key in ("destination.name", "destination.user"):
        return f"deprecated attribute {key}: only supported in v1alpha1"
    return f"unknown attribute: {key}"


def policy_target(r: Report, spec) -> None:
    """The workload selector or targetRef(s) of an AuthorizationPolicy or a RequestAuthentication
    (validation.go validateOneOfSelectorType, ValidateWorkloadSelector, validatePolicyTargetReference)."""
    if (spec.selector is not None) + (spec.target_ref is not None) + bool(spec.target_refs) > 1:
        r.error("spec", "only one of targetRefs or workloadSelector can be set")
    if spec.selector is not None:
        errors, warning = common.selector(spec.selector.match_labels)
        r.errors("spec.selector", errors)
        r.warning("spec.selector", warning)
    _target_refs(r, spec.target_ref, spec.target_refs)


def _target_refs(r: Report, target_ref, refs) -> None:
    for path, ref in [("spec.targetRef", target_ref)] + [(f"spec.targetRefs[{i}]", x) for i, x in enumerate(refs)]:
        if not isinstance(ref, dict):
            continue
        if not ref.get("name"):
            r.error(path, "targetRef name must be set")
        if ref.get("namespace"):
            r.error(path, "targetRef namespace must not be set; cross namespace referencing is not supported")
        group, kind = str(ref.get("group") or ""), str(ref.get("kind") or "")
        if ((group if group != "core" else ""), kind) not in _ALLOWED_TARGETS:
            r.error(path, f"targetRef must be to one of {_ALLOWED_TEXT} but was {group}/{kind}")
