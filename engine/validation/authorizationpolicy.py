"""AuthorizationPolicy webhook checks (validation.go ValidateAuthorizationPolicy and
pkg/config/security/security.go). Mirrors TestValidateAuthorizationPolicy.

Every error carries Istio's prefix `invalid policy <name>.<namespace>: `. `spec: {}` (ALLOW
nothing) is valid; DENY without rules is rejected; a DENY rule using only HTTP attributes warns
that it also denies all TCP traffic in scope.
"""

from __future__ import annotations

import ipaddress

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.security import Action, AuthorizationPolicy, Rule
from engine.validation import common
from engine.validation.report import Report

_SOURCE_LISTS = ("principals", "request_principals", "namespaces", "ip_blocks", "remote_ip_blocks",
                 "not_principals", "not_request_principals", "not_namespaces", "not_ip_blocks",
                 "not_remote_ip_blocks", "service_accounts", "not_service_accounts")
_TCP_SOURCE = ("not_principals", "principals", "ip_blocks", "not_ip_blocks", "namespaces", "not_namespaces",
               "remote_ip_blocks", "not_remote_ip_blocks", "service_accounts", "not_service_accounts")
_OP_LISTS = ("ports", "methods", "paths", "hosts", "not_ports", "not_methods", "not_paths", "not_hosts")
_ALLOWED_TARGETS = {("", "Service"), ("networking.istio.io", "ServiceEntry"),
                    ("gateway.networking.k8s.io", "Gateway"), ("gateway.networking.k8s.io", "GatewayClass")}
_ALLOWED_TEXT = ("[core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway "
                 "gateway.networking.k8s.io/v1/GatewayClass]")
_PASSTHROUGH_KEYS = ("source.namespace", "source.principal", "request.auth.principal", "request.auth.audiences",
                     "request.auth.presenter", "connection.sni")


def _go_name(attr: str) -> str:
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


def selector_type(r: Report, selector, target_ref, refs) -> None:
    if (selector is not None) + (target_ref is not None) + bool(refs) > 1:
        r.error("spec", "only one of targetRefs or workloadSelector can be set")


def target_refs(r: Report, target_ref, refs) -> None:
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


class _Prefixed(Report):
    """Errors get `invalid policy <name>.<namespace>: ` (multierror.Prefix); warnings do not."""

    def error(self, path: str, text: str | None) -> None:
        if text:
            super().error(path, f"invalid policy {self.resource.name}.{self.resource.namespace}: {text}")


def _custom(r: Report, spec: AuthorizationPolicy) -> None:
    if not spec.rules:
        r.error("spec.rules", "CUSTOM action without `rules` is meaningless as it will never be triggered, "
                              "add an empty rule `{}` if you want it be triggered for every request")
    elif spec.provider is None or not spec.provider.name:
        r.error("spec.provider", "`provider.name` must not be empty")
    for i, rule in enumerate(spec.rules or ()):
        for f in rule.from_:
            if f.source is None:
                continue
            for attr in ("namespaces", "not_namespaces", "service_accounts", "not_service_accounts", "principals",
                         "not_principals", "request_principals", "not_request_principals"):
                if getattr(f.source, attr):
                    r.error(f"spec.rules[{i}].from", f"From.{_go_name(attr)} is currently not supported with CUSTOM action")
        for cond in rule.when:
            if cond.key in ("source.namespace", "source.serviceAccount", "source.principal") \
                    or cond.key.startswith("request.auth."):
                r.error(f"spec.rules[{i}].when", f"{cond.key} is currently not supported with CUSTOM action")


def _rule(r: Report, rule: Rule, i: int, deny: bool) -> None:
    at = f"spec.rules[{i}]"
    from_exists = to_exists = tcp_from = tcp_to = False
    for k, f in enumerate(rule.from_):
        if f.source is None:
            r.error(f"{at}.from[{k}]", f"`from.source` must not be nil, found at rule {i}")
            continue
        from_exists, src, sat = True, f.source, f"{at}.from[{k}].source"
        if (src.principals or src.not_principals or src.namespaces or src.not_namespaces) and \
                (src.service_accounts or src.not_service_accounts):
            r.error(sat, f"cannot set serviceAccounts with namespaces or principals, found at rule {i}")
        if not any(getattr(src, a) for a in _SOURCE_LISTS):
            r.error(sat, f"`from.source` must not be empty, found at rule {i}")
        for attr in ("ip_blocks", "not_ip_blocks", "remote_ip_blocks", "not_remote_ip_blocks"):
            r.errors(sat, validate_ips(getattr(src, attr)))
        for attr in ("principals", "request_principals", "namespaces", "service_accounts", "ip_blocks",
                     "remote_ip_blocks", "not_principals", "not_request_principals", "not_namespaces",
                     "not_service_accounts", "not_ip_blocks", "not_remote_ip_blocks"):
            check = service_accounts if "service_accounts" in attr else empty_values
            r.error(sat, check(_go_name(attr), getattr(src, attr)))
        tcp_from = tcp_from or any(getattr(src, a) for a in _TCP_SOURCE)
    for k, t in enumerate(rule.to):
        if t.operation is None:
            r.error(f"{at}.to[{k}]", f"`to.operation` must not be nil, found at rule {i}")
            continue
        to_exists, op, oat = True, t.operation, f"{at}.to[{k}].operation"
        if not any(getattr(op, a) for a in _OP_LISTS):
            r.error(oat, f"`to.operation` must not be empty, found at rule {i}")
        r.errors(f"{oat}.ports", validate_ports(op.ports))
        r.errors(f"{oat}.notPorts", validate_ports(op.not_ports))
        for attr in _OP_LISTS:
            r.error(oat, empty_values(_go_name(attr), getattr(op, attr)))
        r.error(f"{oat}.paths", path_templates("Paths", op.paths))
        r.error(f"{oat}.notPaths", path_templates("NotPaths", op.not_paths))
        tcp_to = tcp_to or bool(op.ports or op.not_ports)
    for k, cond in enumerate(rule.when):
        cat = f"{at}.when[{k}]"
        if cond.key == "":
            r.error(cat, "`key` must not be empty")
        elif not cond.values and not cond.not_values:
            r.error(cat, f"at least one of `values` or `notValues` must be set for key {cond.key}")
        else:
            problem = attribute(cond.key, cond.values)
            if problem:
                r.error(cat, f"invalid `value` for `key` {cond.key}: {problem}")
            problem = attribute(cond.key, cond.not_values)
            if problem:
                r.error(cat, f"invalid `notValue` for `key` {cond.key}: {problem}")
    if deny and ((from_exists and not to_exists and not tcp_from) or (to_exists and not tcp_to)):
        r.warning(at, "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to "
                      "the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify "
                      "the port")


def validate(resource: Resource) -> list[Diagnostic]:
    spec: AuthorizationPolicy = resource.spec
    r = _Prefixed(resource)
    selector_type(r, spec.selector, spec.target_ref, spec.target_refs)
    if spec.selector is not None:
        errors, warning = common.selector(spec.selector.match_labels)
        r.errors("spec.selector", errors)
        r.warning("spec.selector", warning)
    target_refs(r, spec.target_ref, spec.target_refs)
    action = spec.action or Action.ALLOW
    if action is Action.CUSTOM:
        _custom(r, spec)
    if spec.provider is not None and action is not Action.CUSTOM:
        r.error("spec.provider", f"`provider` must not be with non CUSTOM action, found {action.value}")
    if action is Action.DENY and not spec.rules:
        r.error("spec", "DENY action without `rules` is meaningless as it will never be triggered, add an empty "
                        "rule `{}` if you want it be triggered for every request")
    for i, rule in enumerate(spec.rules or ()):
        _rule(r, rule, i, action is Action.DENY)
    return r.diagnostics
