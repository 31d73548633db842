"""AuthorizationPolicy webhook checks (validation.go ValidateAuthorizationPolicy and
pkg/config/security/security.go). Mirrors TestValidateAuthorizationPolicy.

Every error carries Istio's prefix `invalid policy <name>.<namespace>: `. `spec: {}` (ALLOW
nothing) is valid; DENY without rules is rejected; a DENY rule using only HTTP attributes warns
that it also denies all TCP traffic in scope.
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.security import Action, AuthorizationPolicy, Rule
from engine.validation.report import Report
from engine.validation.security import (attribute, empty_values, go_name, path_templates, policy_target,
                                        service_accounts, validate_ips, validate_ports)

_SOURCE_LISTS = ("principals", "request_principals", "namespaces", "ip_blocks", "remote_ip_blocks",
                 "not_principals", "not_request_principals", "not_namespaces", "not_ip_blocks",
                 "not_remote_ip_blocks", "service_accounts", "not_service_accounts")
_TCP_SOURCE = ("not_principals", "principals", "ip_blocks", "not_ip_blocks", "namespaces", "not_namespaces",
               "remote_ip_blocks", "not_remote_ip_blocks", "service_accounts", "not_service_accounts")
_OP_LISTS = ("ports", "methods", "paths", "hosts", "not_ports", "not_methods", "not_paths", "not_hosts")


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
                    r.error(f"spec.rules[{i}].from", f"From.{go_name(attr)} is currently not supported with CUSTOM action")
        for cond in rule.when:
            if cond.key in ("source.namespace", "source.serviceAccount", "source.principal") \
                    or cond.key.startswith("request.auth."):
                r.error(f"spec.rules[{i}].when", f"{cond.key} is currently not supported with CUSTOM action")


def _rule(r: Report, rule: Rule, i: int, deny: bool) -> None:
    at = f"spec.rules[{i}]"
    from_exists = to_exists = tcp_from = tcp_to = False
    # `from: []` / `to: []` written out (Go: non-nil but empty); the decoded tuple cannot tell it from
    # an absent field, the document's line map can.
    for field, items in (("from", rule.from_), ("to", rule.to)):
        if not items and f"{at}.{field}" in r.resource.lines:
            r.error(f"{at}.{field}", f"`{field}` must not be empty, found at rule {i}")
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
            r.error(sat, check(go_name(attr), getattr(src, attr)))
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
            r.error(oat, empty_values(go_name(attr), getattr(op, attr)))
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
    policy_target(r, spec)
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
