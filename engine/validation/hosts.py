"""Host names, labels, IPs and `namespace/host` entries, as Istio's webhook checks them.

Ported from istio `pkg/config/validation/agent/validation.go` (ValidateWildcardDomain,
ValidateFQDN, ValidatePartialWildCard, ValidateNamespaceSlashWildcardHostname, ValidateIPSubnet),
`pkg/config/labels/instance.go` (DNS-1123 labels: note the *case-insensitive* character class,
so `V1` and `Reviews.Example.COM` are valid) and `pkg/config/host/name.go` (Matches, SubsetOf).
Every check returns Istio's error text, or None when the value is fine.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

_LABEL = r"[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?"
_DNS1123_LABEL = re.compile(_LABEL)
_WILDCARD_LABEL = re.compile(r"(?:\*|(?:\*|\*-)?" + _LABEL + ")")
_ALL_NUMERIC = re.compile(r"[+-]?[0-9]+")       # what Go's strconv.Atoi accepts
MAX_LABEL = 63


def is_dns1123_label(value: str) -> bool:
    return len(value) <= MAX_LABEL and _DNS1123_LABEL.fullmatch(value) is not None


def is_wildcard_label(value: str) -> bool:
    return len(value) <= MAX_LABEL and _WILDCARD_LABEL.fullmatch(value) is not None


def _preconditions(name: str) -> str | None:
    if len(name.encode()) > 255:
        return f'domain name "{name}" too long (max 255)'
    if not name:
        return "empty domain name not allowed"
    return None


def _labels(domain: str) -> str | None:
    parts = domain.split(".")
    if _ALL_NUMERIC.fullmatch(parts[-1]):
        return f'domain name "{domain}" invalid (top level domain "{parts[-1]}" cannot be all-numeric)'
    for i, label in enumerate(parts):
        if i == len(parts) - 1 and label == "":   # `istio.io.` is unambiguous, hence allowed
            return None
        if not is_dns1123_label(label):
            return f'domain name "{domain}" invalid (label "{label}" invalid)'
    return None


@lru_cache(maxsize=65536)
def wildcard_domain(domain: str) -> str | None:
    """A FQDN whose first label may be a wildcard (`*`, `*.x`, `*foo.x`). Cached: hosts repeat."""
    problem = _preconditions(domain)
    if problem:
        return problem
    first, dot, rest = domain.partition(".")
    if not is_wildcard_label(first):
        return f'domain name "{domain}" invalid (label "{first}" invalid)'
    return _labels(rest) if dot else None


@lru_cache(maxsize=65536)
def fqdn(name: str) -> str | None:
    return _preconditions(name) or _labels(name)


def partial_wildcard(host: str) -> str | None:
    if "*" in host and len(host) != 1 and not host.startswith("*."):
        return f'partial wildcard "{host}" not allowed'
    return None


@lru_cache(maxsize=65536)
def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def ip_address(value: str) -> str | None:
    return None if is_ip(value) else f"{value} is not a valid IP"


def ip_subnet(value: str) -> str | None:
    """ValidateIPSubnet: `a.b.c.d/nn` (a prefix, host bits allowed as in Go's netip) or a plain IP."""
    if value.count("/") == 1:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return f"{value} is not a valid CIDR block"
        return None
    return ip_address(value)


def _host_part(hostname: str, is_gateway: bool) -> list[str]:
    """validateSidecarOrGatewayHostnamePart: FQDN or wildcard, never a short name."""
    out = []
    if hostname != "*" and "." not in hostname:
        out.append("short names (non FQDN) are not allowed")
    problem = wildcard_domain(hostname)
    if problem:
        if not is_gateway:
            out.append(problem)
        if not is_ip(hostname):   # a gateway may list an IP; the Go code then reports nothing extra
            out.append(problem)
    out.append(partial_wildcard(hostname))
    return [p for p in out if p]


def namespace_slash_host(hostname: str, is_gateway: bool) -> list[str]:
    """Sidecar egress hosts (`ns/dnsName` required) and Gateway server hosts (bare host allowed)."""
    ns, slash, name = hostname.partition("/")
    if not slash:
        if is_gateway:
            return _host_part(hostname, True)
        return ["host must be of form namespace/dnsName"]
    out = []
    if not ns or not name:
        out.append("config namespace and dnsName in host entry cannot be empty")
    allowed = ("*", ".") if is_gateway else ("*", ".", "~")
    if ns not in allowed and not is_dns1123_label(ns):
        out.append(f'invalid namespace value "{ns}" in {"gateway" if is_gateway else "sidecar"}')
    return out + _host_part(name, is_gateway)


def host_matches(a: str, b: str) -> bool:
    """host.Name.Matches: the two (possibly wildcard) hosts overlap."""
    aw, bw = a.startswith("*"), b.startswith("*")
    if aw and bw:
        return b[1:].endswith(a[1:]) if len(a) < len(b) else a[1:].endswith(b[1:])
    if aw:
        return b.endswith(a[1:])
    if bw:
        return a.endswith(b[1:])
    return a == b


def host_subset_of(a: str, b: str) -> bool:
    """host.Name.SubsetOf: every host matched by `a` is matched by `b`."""
    aw, bw = a.startswith("*"), b.startswith("*")
    if aw:
        return bw and len(a) >= len(b) and a[1:].endswith(b[1:])
    if bw:
        return a.endswith(b[1:])
    return a == b
