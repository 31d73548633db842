"""Small checks every kind shares: ports, durations, percentages, labels, selectors, exportTo,
protocols and header names. Texts are Istio's (`pkg/config/validation/validation.go`,
`agent/validation.go`, `pkg/config/labels/instance.go`); each returns the error text or None.
"""

from __future__ import annotations

import re
from decimal import Decimal

from engine.resources.schema import Duration
from engine.validation.hosts import is_dns1123_label

# pkg/config/labels: Kubernetes label keys (optional DNS prefix + qualified name) and values.
_QUALIFIED = r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_DNS_PREFIX = r"[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*/"
_TAG_KEY = re.compile(f"({_DNS_PREFIX})?({_QUALIFIED})")
_LABEL_VALUE = re.compile(f"(?:{_QUALIFIED})?")

# protocol.Parse (pkg/config/protocol/instance.go), case-insensitive.
PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "grpc": "GRPC", "grpc-web": "GRPC-Web", "http": "HTTP",
             "http_proxy": "HTTP_PROXY", "http2": "HTTP2", "https": "HTTPS", "tls": "TLS", "mongo": "Mongo",
             "redis": "Redis", "mysql": "MySQL"}
_HTTP = {"HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-Web"}
_TLS = {"HTTPS", "TLS"}
_TCP = {"TCP", "HTTPS", "TLS", "Mongo", "Redis", "MySQL"}


def protocol(name: str | None) -> str | None:
    """Istio's protocol for a port's `protocol` string; None when unsupported."""
    return PROTOCOLS.get((name or "").lower())


def is_http(name: str | None) -> bool:
    return protocol(name) in _HTTP


def is_tls(name: str | None) -> bool:
    return protocol(name) in _TLS


def is_tcp(name: str | None) -> bool:
    return protocol(name) in _TCP


def validate_protocol(name: str | None) -> str | None:
    if name and protocol(name) is None:
        return f"unsupported protocol: {name}"
    return None


def port(number: int | None) -> str | None:
    number = number or 0
    return None if 1 <= number <= 65535 else f"port number {number} must be in the range 1..65535"


def port_name(name: str) -> str | None:
    return None if is_dns1123_label(name) else f"invalid port name: {name}"


def duration(value: Duration | None) -> str | None:
    """agent.ValidateDuration: >= 1ms (the schema already says so) and whole milliseconds."""
    if value is None:
        return None
    if value.ms < 1.0:
        return "duration must be greater than 1ms"
    if abs(value.ms - round(value.ms)) > 1e-6:
        return "only durations to ms precision are supported"
    return None


def percent(value: int | None) -> str | None:
    """ValidatePercent for int32 percentages (outlier detection)."""
    value = value or 0
    return None if 0 <= value <= 100 else f"percentage {value} is not in range 0..100"


def go_float(value: float) -> str:
    """Go's %v for a float64 (strconv 'g', shortest digits, exponent when < 1e-4 or >= 1e6):
    `101`, `0.5`, `1e-05`, `1e+06`."""
    if value != value or value in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(value)]
    if value == 0:
        return "-0" if repr(value).startswith("-") else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + exponent            # position of the decimal point in `text`
    exp = point - 1
    head = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{head}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{head}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{head}{text}{'0' * (point - len(text))}"
    return f"{head}{text[:point]}.{text[point:]}"


def labels(values: dict[str, str]) -> list[str]:
    """labels.Instance.Validate: Kubernetes label keys and values."""
    out = []
    for key, value in values.items():
        match = _TAG_KEY.fullmatch(key)
        if match is None:
            out.append(f'invalid tag key: "{key}"')
        elif match.group(1) and len(match.group(1)) - 1 > 253:
            out.append(f'invalid tag key: "{key}" (DNS prefix is too long)')
        elif len(match.group(2)) > 63:
            out.append(f'invalid tag key: "{key}" (name is too long)')
        if not _LABEL_VALUE.fullmatch(value):
            out.append(f'invalid tag value: "{value}"')
    return out


def selector(match_labels: dict[str, str] | None) -> tuple[list[str], str | None]:
    """validateWorkloadSelector / ValidateAlphaWorkloadSelector: (errors, warning)."""
    if match_labels is None:
        return [], None
    out = []
    for key, value in match_labels.items():
        if key == "":
            out.append(f'empty key is not supported in selector: "{key}={value}"')
        if "*" in key or "*" in value:
            out.append(f'wildcard is not supported in selector: "{key}={value}"')
    return out, (None if match_labels else "workload selector specified without labels")


def export_to(namespace: str, entries: tuple[str, ...], *, service_entry: bool = False,
              rule_with_selector: bool = False) -> list[str]:
    """validateExportTo: `.`, `*`, `~` (ServiceEntry only) or namespace names, no duplicates."""
    if not entries:
        return []
    out, seen = [], []
    for entry in entries:
        key = namespace if entry == "." else entry
        if key in seen:
            out.append(f"duplicate entries in exportTo: . and current namespace {namespace}" if key != entry
                       else f"duplicate entries in exportTo for entry {entry}")
        elif service_entry and entry == "~":
            seen.append(key)
        elif key in ("*", ".") or is_dns1123_label(key):
            seen.append(key)
        else:
            # visibility.Instance.Validate (pkg/config/visibility)
            out.append("exportTo ~ (none) is not allowed for Istio configuration objects" if key == "~"
                       else "only .,*, or a valid DNS 1123 label is allowed as exportTo entry")
    if rule_with_selector and seen:
        if namespace in seen:
            if len(seen) > 1:
                out.append("destination rule with workload selector cannot have multiple entries in exportTo")
        else:
            out.append("destination rule with workload selector cannot have exportTo beyond current namespace")
    if "*" in seen and len(entries) > 1:
        out.append("cannot have both public (*) and non-public exportTo values for a resource")
    if "~" in seen and len(entries) > 1:
        out.append("cannot export service entry to no one (~) and someone")
    return out


# HTTP header names (RFC 7230 tchar), as validation.go's validHeaderNameRegex.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~A-Za-z0-9]+")
_PSEUDO_HEADERS = frozenset({":method", ":scheme", ":authority", ":path", ":status"})
_JWT_CLAIM = re.compile(r"@request\.auth\.claims(?:\.[^.\[\]]+)+|@request\.auth\.claims\[[^\]]+\](?:\[[^\]]+\])*")
_HEADER_VALUE = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]*")


_STRICT_HEADER = re.compile(r"[-A-Za-z0-9]+")


def is_strict_header(name: str) -> bool:
    """ValidateStrictHTTPHeaderName."""
    return _STRICT_HEADER.fullmatch(name) is not None


def is_header_token(name: str) -> bool:
    return _HEADER_NAME.fullmatch(name) is not None


def is_jwt_claim(name: str) -> bool:
    return _JWT_CLAIM.fullmatch(name) is not None


def header_name_or_claim(name: str) -> str | None:
    """ValidateHTTPHeaderNameOrJwtClaimRoute: match header names."""
    if name == "":
        return "header name cannot be empty"
    if is_jwt_claim(name) or name in _PSEUDO_HEADERS or _HEADER_NAME.fullmatch(name):
        return None
    return f"header name {name} is not a valid header name"


def _internal(name: str) -> bool:
    return name.startswith(":") or name.lower() == "host"


def _authority(name: str) -> bool:
    return name.lower() in (":authority", "host")


def header_set_name(name: str) -> str | None:
    """ValidateHTTPHeaderWithAuthorityOperationName (request add/set)."""
    if name == "":
        return "header name cannot be empty"
    if _internal(name) and not _authority(name):
        return f'invalid header "{name}": header cannot have ":" prefix'
    return None


def header_operation_name(name: str) -> str | None:
    """ValidateHTTPHeaderOperationName (request remove, any response operation)."""
    if name == "":
        return "header name cannot be empty"
    if name.lower() == "host":
        return f'invalid header "{name}": cannot set Host header'
    if _internal(name):
        return f'invalid header "{name}": header cannot have ":" prefix'
    return None


def header_value(value: str) -> str | None:
    """ValidateHTTPHeaderValue: no control characters, and Envoy's %VAR% formatter grammar."""
    if not _HEADER_VALUE.fullmatch(value):
        return f"header value configuration {value} is invalid"
    problem = _formatter_error(value)
    return f"header value configuration: {problem}" if problem else None


def _formatter_error(value: str) -> str | None:
    """istio header_value_validator.go, a port of Envoy's header_parser.cc: `%%` is a literal
    percent, `%VAR%` / `%VAR(args)%` a variable; an unterminated variable is an error."""
    state, pos = "literal", 0
    while pos < len(value):
        ch, has_next = value[pos], pos + 1 < len(value)
        if state == "literal":
            if ch == "%":
                if not has_next:
                    return "invalid header configuration. Un-escaped %"
                if value[pos + 1] == "%":
                    pos += 1
                else:
                    state = "name"
        elif state == "name":
            state = "literal" if ch == "%" else "array" if ch == "(" else "name"
        elif state == "array":
            state = "string_start" if ch == "[" else "string" if ch != " " else "array"
        elif state == "delimiter":
            if ch in ",]":
                state = "string_start" if ch == "," else "args_end"
            elif ch != " ":
                return "invalid header configuration. Expecting ',', ']', or whitespace"
        elif state == "string_start":
            if ch == '"':
                state = "string"
            elif ch != " ":
                return "invalid header configuration. Expecting '\"'"
        elif state == "string":
            if ch == "\\":
                if not has_next:
                    return "invalid header configuration. Un-terminated backslash in JSON string"
                pos += 1
            elif ch in ')"':
                state = "variable_end" if ch == ")" else "delimiter"
        elif state == "args_end":
            if ch == ")":
                state = "variable_end"
            elif ch != " ":
                return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'"
        elif state == "variable_end":
            if ch == "%":
                state = "literal"
            elif ch != " ":
                return "invalid header configuration. Expecting '%' or whitespace after"
        pos += 1
    if state != "literal":
        return f"invalid header configuration. Un-terminated variable expression '{value}'"
    return None


def is_authority_header(name: str) -> bool:
    return _authority(name)
