"""One HTTP route of a VirtualService (istio pkg/config/validation/virtualservice.go validateHTTPRoute,
plus the helpers it calls in validation.go). Mirrors TestValidateHTTPRoute and friends.
"""

from __future__ import annotations

from engine.resources.networking import HTTPMatchRequest, HTTPRoute, StringMatch
from engine.validation import common, hosts, regex
from engine.validation.destinations import header_operations, weights
from engine.validation.httpactions import (authority_rewrite, cors, direct_response, fault, mirrors, redirect,
                                           retries, rewrite)
from engine.validation.report import Report


def string_match(sm: StringMatch | None, where: str, *, allow_empty_prefix: bool = False) -> str | None:
    """validateStringMatch (or validateStringMatchRegexp for `uri`, which may have an empty prefix)."""
    if sm is None:
        return None
    if sm.prefix is not None and sm.exact is None and sm.regex is None:
        return None if sm.prefix or allow_empty_prefix else f'"{where}": prefix string match should not be empty'
    if sm.regex is not None and sm.exact is None and sm.prefix is None:
        if sm.regex == "":
            return f'"{where}": regex string match should not be empty'
        return regex.check(sm.regex, where)
    return None


def gateway_names(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """validateGatewayNames -> (errors, warnings). Like Istio, it stops after the first bare name."""
    errors, warnings = [], []
    for name in names:
        ns, slash, gw = name.partition("/")
        if not slash:
            if "." in name:
                parts = name.split(".")
                warnings.append(f'using legacy gatewayName format "{name}"; prefer the <namespace>/<name> '
                                f'format: "{parts[1]}/{parts[0]}"')
            errors.append(hosts.fqdn(name))
            break   # the Go loop returns here (validation.go validateGatewayNames)
        if not ns or not gw:
            errors.append("config namespace and gateway name cannot be empty")
        if not hosts.is_dns1123_label(ns):
            errors.append(f'invalid value for namespace: "{ns}"')
        if not hosts.is_dns1123_label(gw):
            errors.append(f'invalid value for gateway name: "{gw}"')
    return [e for e in errors if e], warnings


def _match(r: Report, m: HTTPMatchRequest, path: str) -> None:
    for name, header in m.headers.items():
        r.error(f"{path}.headers", common.header_name_or_claim(name))
        r.error(f"{path}.headers.{name}", string_match(header, "headers"))
    for name, header in m.without_headers.items():
        r.error(f"{path}.withoutHeaders", common.header_name_or_claim(name))
        if header.regex != "*":   # `*` is not a regex: it means "header present"
            r.error(f"{path}.withoutHeaders.{name}", string_match(header, "withoutHeaders"))
    r.error(f"{path}.uri", string_match(m.uri, "uri", allow_empty_prefix=True))
    for field in ("scheme", "method", "authority"):
        r.error(f"{path}.{field}", string_match(getattr(m, field), field))
    for name, qp in m.query_params.items():
        r.error(f"{path}.queryParams.{name}", string_match(qp, "queryParams"))
    if m.port:
        r.error(f"{path}.port", common.port(m.port))
    r.errors(f"{path}.sourceLabels", common.labels(m.source_labels))
    errors, _ = gateway_names(m.gateways)   # appendErrors keeps only errors here
    r.errors(f"{path}.gateways", errors)
    if m.source_namespace and not hosts.is_dns1123_label(m.source_namespace):
        r.error(f"{path}.sourceNamespace", f"sourceNamespace match {m.source_namespace} is invalid")


def _conflicts(r: Report, http: HTTPRoute, path: str, root: bool, delegate: bool) -> None:
    """validateHTTPRouteConflict."""
    if root:
        if http.redirect is not None:
            r.error(f"{path}.redirect", f"root HTTP route {http.name or ''} must not specify redirect")
        if http.route:
            r.error(f"{path}.route", f"root HTTP route {http.name or ''} must not specify route")
        return
    if delegate and http.delegate is not None:
        r.error(f"{path}.delegate", "delegate HTTP route cannot contain delegate")
    if http.redirect is not None:
        at = f"{path}.redirect"
        if http.route:
            r.error(at, "HTTP route cannot contain both route and redirect")
        if http.fault is not None:
            r.error(at, "HTTP route cannot contain both fault and redirect")
        if http.rewrite is not None:
            r.error(at, "HTTP route rule cannot contain both rewrite and redirect")
        if http.direct_response is not None:
            r.error(at, "HTTP route rule cannot contain both direct_response and redirect")
    elif http.direct_response is not None:
        at = f"{path}.directResponse"
        if http.route:
            r.error(at, "HTTP route cannot contain both route and direct_response")
        if http.fault is not None:
            r.error(at, "HTTP route cannot contain both fault and direct_response")
        if http.rewrite is not None:
            r.error(at, "HTTP route rule cannot contain both rewrite and direct_response")
    elif not http.route:
        r.error(path, "HTTP route, redirect or direct_response is required")
    if http.mirror is not None and http.mirrors:
        r.error(f"{path}.mirrors", "HTTP route cannot contain both mirror and mirrors")


def validate_http_route(r: Report, http: HTTPRoute, path: str, *, delegate: bool) -> None:
    root = not delegate and http.delegate is not None
    _conflicts(r, http, path, root, delegate)
    for j, m in enumerate(http.match):
        _match(r, m, f"{path}.match[{j}]")
    header_operations(r, http.headers, f"{path}.headers")
    cors(r, http.cors_policy, f"{path}.corsPolicy")
    fault(r, http.fault, f"{path}.fault")
    mirrors(r, http, path)
    r.error(f"{path}.redirect", redirect(http))
    direct_response(r, http, f"{path}.directResponse")
    retries(r, http, f"{path}.retries")
    r.error(f"{path}.rewrite", rewrite(http))
    r.error(f"{path}.headers", authority_rewrite(http))
    weights(r, http.route, f"{path}.route")
    r.error(f"{path}.timeout", common.duration(http.timeout))
