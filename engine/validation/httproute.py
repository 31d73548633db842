"""One HTTP route of a VirtualService (istio pkg/config/validation/virtualservice.go validateHTTPRoute,
plus the helpers it calls in validation.go). Mirrors TestValidateHTTPRoute and friends.
"""

from __future__ import annotations

from engine.resources.networking import (Destination, Headers, HTTPFaultInjection, HTTPMatchRequest, HTTPRoute,
                                         StringMatch)
from engine.validation import common, hosts, regex
from engine.validation.destinationrule import subset_name
from engine.validation.report import Report

# Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on policies (validation.go supportedRetryOnPolicies).
RETRY_ON = frozenset({"5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx",
                      "refused-stream", "retriable-status-codes", "retriable-headers", "envoy-ratelimited",
                      "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
                      "resource-exhausted", "unavailable"})
# Go's net/http StatusText knows these codes; retryOn accepts any of them as a number.
HTTP_STATUS_CODES = frozenset({100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302,
                               303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411,
                               412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
                               500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511})
GRPC_STATUS = frozenset({"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                         "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                         "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"})
CORS_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"})
KB, MB = 1024, 1024 * 1024


def destination(r: Report, dest: Destination | None, path: str) -> None:
    """validateDestination: host (no bare `*`), subset name, port range."""
    if dest is None:
        return
    if dest.host == "*":
        r.error(f"{path}.host", "invalid destination host *")
    else:
        r.error(f"{path}.host", hosts.wildcard_domain(dest.host))
    if dest.subset:
        r.error(f"{path}.subset", subset_name(dest.subset))
    if dest.port is not None:
        r.error(f"{path}.port", common.port(dest.port.number))


def weights(r: Report, routes: tuple, path: str) -> None:
    """validateHTTPRouteDestinations / validateRouteDestinations: weights are relative since 1.15."""
    total = 0
    for i, rd in enumerate(routes):
        at = f"{path}[{i}]"
        if rd.destination is None:
            r.error(at, "destination is required")
        if getattr(rd, "headers", None) is not None:
            header_operations(r, rd.headers, f"{at}.headers")
        destination(r, rd.destination, f"{at}.destination")
        weight = rd.weight or 0
        if weight < 0:
            r.error(f"{at}.weight", f"weight {weight} < 0")
        total += weight
    if len(routes) > 1 and total == 0:
        r.error(path, "total destination weight = 0")


def header_operations(r: Report, headers: Headers | None, path: str) -> None:
    if headers is None:
        return
    for side in ("request", "response"):
        ops = getattr(headers, side)
        if ops is None:
            continue
        at = f"{path}.{side}"
        for verb in ("add", "set"):
            for name, value in getattr(ops, verb).items():
                check = common.header_set_name if side == "request" else common.header_operation_name
                r.error(f"{at}.{verb}", check(name))
                r.error(f"{at}.{verb}", common.header_value(value))
        for name in ops.remove:
            r.error(f"{at}.remove", common.header_operation_name(name))


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


def _fault(r: Report, fault: HTTPFaultInjection | None, path: str) -> None:
    if fault is None:
        return
    if fault.abort is None and fault.delay is None:
        r.error(path, "HTTP fault injection must have an abort and/or a delay")
    if (abort := fault.abort) is not None:
        at = f"{path}.abort"
        r.error(f"{at}.percentage", _percentage(abort.percentage))
        if abort.grpc_status is not None:
            if abort.grpc_status not in GRPC_STATUS:
                r.error(f"{at}.grpcStatus", f'gRPC status "{abort.grpc_status}" is not supported. See '
                        "https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported "
                        "codes, for example 'NOT_FOUND'")
        elif abort.http2_error is not None:
            r.error(f"{at}.http2Error", "HTTP/2 abort fault injection not supported yet")
        elif abort.http_status is not None:
            r.error(f"{at}.httpStatus", http_status(abort.http_status))
        else:
            r.warning(at, "abort configured, but error type not set")
    if (delay := fault.delay) is not None:
        at = f"{path}.delay"
        r.error(f"{at}.percentage", _percentage(delay.percentage))
        if delay.fixed_delay is not None:
            r.error(f"{at}.fixedDelay", common.duration(delay.fixed_delay))
        elif delay.exponential_delay is not None:
            r.error(f"{at}.exponentialDelay", common.duration(delay.exponential_delay))
            r.error(f"{at}.exponentialDelay", "exponentialDelay not supported yet")


def _percentage(p) -> str | None:
    value = p.value if p is not None and p.value is not None else None
    if value is None:
        return None
    if value < 0.0 or value > 100.0 or 0.0 < value < 0.0001:
        return f"percentage {common.go_float(value)} is neither 0.0, nor in range [0.0001, 100.0]"
    return None


def http_status(status: int) -> str | None:
    return None if 200 <= status <= 600 else f"HTTP status {status} is not in range 200-599"


def _mirrors(r: Report, http: HTTPRoute, path: str) -> None:
    if http.mirror_percent is not None:
        if http.mirror_percent > 100:
            r.error(f"{path}.mirrorPercent", f"mirror_percent must have a max value of 100 (it has {http.mirror_percent})")
        r.warning(f"{path}.mirrorPercent", 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead')
    if http.mirror_percentage is not None:
        value = http.mirror_percentage.value or 0.0
        if value > 100:
            r.error(f"{path}.mirrorPercentage", f"mirror_percentage must have a max value of 100 (it has {value:f})")
        if value < 0:
            r.error(f"{path}.mirrorPercentage", f"mirror_percentage must have a min value of 0 (it has {value:f})")
    destination(r, http.mirror, f"{path}.mirror")
    for i, mirror in enumerate(http.mirrors):
        at = f"{path}.mirrors[{i}]"
        if mirror.destination is None:
            r.error(at, "destination is required for mirrors")
            continue
        destination(r, mirror.destination, f"{at}.destination")
        if mirror.percentage is not None:
            value = mirror.percentage.value or 0.0
            if value > 100:
                r.error(f"{at}.percentage", f"mirror percentage must have a max value of 100 (it has {value:f})")
            if value < 0:
                r.error(f"{at}.percentage", f"mirror percentage must have a min value of 0 (it has {value:f})")


def _redirect(http: HTTPRoute) -> str | None:
    """validateHTTPRedirect: the first problem only, as Istio returns early."""
    rd = http.redirect
    if rd is None:
        return None
    if not rd.uri and not rd.authority and rd.port is None and rd.derive_port is None and not rd.scheme:
        return "redirect must specify URI, authority, scheme, or port"
    if rd.redirect_code and not 300 <= rd.redirect_code <= 399:
        return f"{rd.redirect_code} is not a valid redirect code, must be 3xx"
    if rd.scheme and rd.scheme not in ("http", "https"):
        return 'invalid redirect scheme, must be "http" or "https"'
    if rd.port:
        return common.port(rd.port)
    return None


def _direct_response(r: Report, http: HTTPRoute, path: str) -> None:
    dr = http.direct_response
    if dr is None:
        return
    if dr.body is not None:
        size = len((dr.body.string or dr.body.bytes or "").encode())
        if size > MB:
            r.error(f"{path}.body", "large direct_responses may impact control plane performance, "
                                    "must be less than 1MB")
        elif size > 100 * KB:
            r.warning(f"{path}.body", "large direct_responses may impact control plane performance")
    r.error(f"{path}.status", http_status(dr.status or 0))


def _rewrite(http: HTTPRoute) -> str | None:
    rw = http.rewrite
    if rw is None:
        return None
    if rw.uri and rw.uri_regex_rewrite is not None:
        return "rewrite may only contain one of URI or UriRegexRewrite"
    if not rw.uri and rw.uri_regex_rewrite is None and not rw.authority:
        return ("rewrite must specify at least one of URI, UriRegexRewrite, or authority. "
                "Only one of URI or UriRegexRewrite may be specified")
    rr = rw.uri_regex_rewrite
    if rr is not None:
        if not rr.match or not rr.rewrite:
            problem = "UriRegexRewrite requires both Rewrite and Match fields to be specified"
        else:
            problem = regex.check(rr.match, "HTTPRewrite.UriRegexRewrite.Match")
        if problem:   # errors.Join prints one error per line
            return f"UriRegexRewrite has errors\n{problem}"
    return None


def _authority_rewrite(http: HTTPRoute) -> str | None:
    current = http.rewrite.authority if http.rewrite is not None and http.rewrite.authority else ""
    request = http.headers.request if http.headers is not None else None
    if request is None:
        return None
    for values in (request.set, request.add):
        for name, value in values.items():
            if not common.is_authority_header(name):
                continue
            if current:
                return f'authority header cannot be set multiple times: have "{current}", attempting to set "{value}"'
            current = value
    return None


def _retries(r: Report, http: HTTPRoute, path: str) -> None:
    retries = http.retries
    if retries is None:
        return
    attempts = retries.attempts or 0
    if attempts < 0:
        r.error(f"{path}.attempts", "attempts cannot be negative")
    if attempts == 0 and (retries.per_try_timeout is not None or retries.retry_on
                          or retries.retry_remote_localities is not None):
        r.error(path, "http retry policy configured when attempts are set to 0 (disabled)")
    r.error(f"{path}.perTryTimeout", common.duration(retries.per_try_timeout))
    if retries.retry_on:
        for policy in retries.retry_on.split(","):   # not trimmed: "5xx, reset" is rejected
            if policy not in RETRY_ON and _atoi(policy) not in HTTP_STATUS_CODES:
                r.error(f"{path}.retryOn", f'"{policy}" is not a valid retryOn policy')
    r.error(f"{path}.backoff", common.duration(retries.backoff))


def _atoi(text: str) -> int:
    """Go's strconv.Atoi, 0 on error (as Istio ignores the error)."""
    body = text[1:] if text[:1] in "+-" else text
    return int(text) if body.isdigit() and body.isascii() else 0


def _cors(r: Report, cors, path: str) -> None:
    """validateCORSPolicy on the raw block (the schema keeps corsPolicy as-is)."""
    if not isinstance(cors, dict):
        return
    for i, origin in enumerate(cors.get("allowOrigins") or []):
        if not isinstance(origin, dict):
            continue
        value = next((origin[k] for k in ("exact", "prefix", "regex") if isinstance(origin.get(k), str)), "")
        if value == "":
            r.error(f"{path}.allowOrigins[{i}]", "'' is not a valid match type for CORS allow origins")
        elif isinstance(origin.get("regex"), str):
            r.error(f"{path}.allowOrigins[{i}]", regex.check(origin["regex"], "corsPolicy.allowOrigins"))
    for method in cors.get("allowMethods") or []:
        if str(method) not in CORS_METHODS:
            r.error(f"{path}.allowMethods", f'"{method}" is not a supported HTTP method')
    for field in ("allowHeaders", "exposeHeaders"):
        for name in cors.get(field) or []:
            name = str(name)
            if name == "":
                r.error(f"{path}.{field}", "header name cannot be empty")
            elif name != "*" and not common.is_header_token(name):   # ValidateCORSHTTPHeaderName
                r.error(f"{path}.{field}", f"header name {name} is not a valid header name")


def validate_http_route(r: Report, http: HTTPRoute, path: str, *, delegate: bool) -> None:
    root = not delegate and http.delegate is not None
    _conflicts(r, http, path, root, delegate)
    for j, m in enumerate(http.match):
        _match(r, m, f"{path}.match[{j}]")
    header_operations(r, http.headers, f"{path}.headers")
    _cors(r, http.cors_policy, f"{path}.corsPolicy")
    _fault(r, http.fault, f"{path}.fault")
    _mirrors(r, http, path)
    r.error(f"{path}.redirect", _redirect(http))
    _direct_response(r, http, f"{path}.directResponse")
    _retries(r, http, f"{path}.retries")
    r.error(f"{path}.rewrite", _rewrite(http))
    r.error(f"{path}.headers", _authority_rewrite(http))
    weights(r, http.route, f"{path}.route")
    r.error(f"{path}.timeout", common.duration(http.timeout))
