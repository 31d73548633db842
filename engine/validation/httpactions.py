"""What an HTTP route *does*: fault injection, mirroring, redirects, direct responses, rewrites,
retries and CORS (istio virtualservice.go validateHTTPRoute and the validation.go helpers it calls:
validateHTTPFaultInjection, validateHTTPMirrors, validateHTTPRedirect, validateHTTPDirectResponse,
validateHTTPRewrite, validateAuthorityRewrite, validateHTTPRetry, validateCORSPolicy).
"""

from __future__ import annotations

from engine.resources.networking import HTTPFaultInjection, HTTPRoute
from engine.resources.schema import parse_duration
from engine.validation import common, regex
from engine.validation.destinations import destination
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


def fault(r: Report, spec: HTTPFaultInjection | None, path: str) -> None:
    if spec is None:
        return
    if spec.abort is None and spec.delay is None:
        r.error(path, "HTTP fault injection must have an abort and/or a delay")
    if (abort := spec.abort) is not None:
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
    if (delay := spec.delay) is not None:
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


def mirrors(r: Report, http: HTTPRoute, path: str) -> None:
    if http.mirror_percent is not None:
        if http.mirror_percent > 100:
            r.error(f"{path}.mirrorPercent", f"mirror_percent must have a max value of 100 (it has {http.mirror_percent})")
        r.warning(f"{path}.mirrorPercent", 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead')
    if http.mirror_percentage is not None:
        _mirror_range(r, f"{path}.mirrorPercentage", "mirror_percentage", http.mirror_percentage.value or 0.0)
    destination(r, http.mirror, f"{path}.mirror")
    for i, mirror in enumerate(http.mirrors):
        at = f"{path}.mirrors[{i}]"
        if mirror.destination is None:
            r.error(at, "destination is required for mirrors")
            continue
        destination(r, mirror.destination, f"{at}.destination")
        if mirror.percentage is not None:
            _mirror_range(r, f"{at}.percentage", "mirror percentage", mirror.percentage.value or 0.0)


def _mirror_range(r: Report, path: str, name: str, value: float) -> None:
    """0..100; `name` differs between the deprecated field and `mirrors` as it does in validation.go."""
    if value > 100:
        r.error(path, f"{name} must have a max value of 100 (it has {value:f})")
    if value < 0:
        r.error(path, f"{name} must have a min value of 0 (it has {value:f})")


def redirect(http: HTTPRoute) -> str | None:
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


def direct_response(r: Report, http: HTTPRoute, path: str) -> None:
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


def rewrite(http: HTTPRoute) -> str | None:
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


def authority_rewrite(http: HTTPRoute) -> str | None:
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


def retries(r: Report, http: HTTPRoute, path: str) -> None:
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


def cors(r: Report, policy, path: str) -> None:
    """validateCORSPolicy on the raw block (the schema keeps corsPolicy as-is)."""
    if not isinstance(policy, dict):
        return
    for i, origin in enumerate(policy.get("allowOrigins") or []):
        if not isinstance(origin, dict):
            continue
        value = next((origin[k] for k in ("exact", "prefix", "regex") if isinstance(origin.get(k), str)), "")
        if value == "":
            r.error(f"{path}.allowOrigins[{i}]", "'' is not a valid match type for CORS allow origins")
        elif isinstance(origin.get("regex"), str):
            r.error(f"{path}.allowOrigins[{i}]", regex.check(origin["regex"], "corsPolicy.allowOrigins"))
    for method in policy.get("allowMethods") or []:
        if str(method) not in CORS_METHODS:
            r.error(f"{path}.allowMethods", f'"{method}" is not a supported HTTP method')
    for field in ("allowHeaders", "exposeHeaders"):
        for name in policy.get(field) or []:
            name = str(name)
            if name == "":
                r.error(f"{path}.{field}", "header name cannot be empty")
            elif name != "*" and not common.is_header_token(name):   # ValidateCORSHTTPHeaderName
                r.error(f"{path}.{field}", f"header name {name} is not a valid header name")
    max_age = policy.get("maxAge")
    if isinstance(max_age, str) and (parsed := parse_duration(max_age)) is not None:
        r.error(f"{path}.maxAge", common.duration(parsed))
        if parsed.ms % 1000:   # MaxAge.Nanos > 0: Access-Control-Max-Age is whole seconds
            r.error(f"{path}.maxAge", "max_age duration is accurate only to seconds precision")
