"""HTTPMatchRequest evaluation, as Envoy runs what Istio translates (istio-semantics §3.3).

Sources: istio:pilot/pkg/networking/core/route/route.go `TranslateRouteMatch`,
`translateHeaderMatch`, `canBeConvertedToPresentMatch`, `sourceMatchHTTP`, `IsCatchAllRoute`;
Envoy `RouteMatch` (path matchers ignore the query string; safe_regex must match the whole value).
Source selectors (sourceLabels, sourceNamespace, gateways, port) are config-time: they decide
whether a match clause exists on this proxy at all, so they are checked apart (`applies`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl

import re2

from engine.resources.networking import HTTPMatchRequest, StringMatch

_PSEUDO_HEADERS = frozenset({"uri", "scheme", "method", "authority"})   # ignored under `headers`


@dataclass(frozen=True)
class HttpFacts:
    """What an HTTP match can look at, computed once per request."""

    path: str                      # without the query string
    query: dict[str, str]
    method: str
    authority: str
    scheme: str
    headers: dict[str, str]        # lower-cased names
    claims: dict = field(default_factory=dict)   # payload of a JWT this gateway validated (jwt.py)

    @classmethod
    def of(cls, path_and_query: str, method: str, authority: str, scheme: str,
           headers: dict[str, str]) -> HttpFacts:
        path, _, query = path_and_query.partition("?")
        params: dict[str, str] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            params.setdefault(key, value)     # Envoy matches the first occurrence
        return cls(path or "/", params, method, authority, scheme, headers)


@dataclass(frozen=True)
class Source:
    """The proxy a route table is built for (config-time selectors look at it)."""

    namespace: str
    labels: dict[str, str]
    gateways: frozenset[str]       # {"mesh"} for a sidecar; {"ns/name", ...} for a gateway
    port: int


@lru_cache(maxsize=512)
def _regex(pattern: str):
    return re2.compile(pattern)


def full_match(pattern: str, value: str) -> bool:
    try:
        return _regex(pattern).fullmatch(value) is not None
    except re2.error:
        return False                  # the webhook rejects bad regexes; never crash on one


def is_presence(sm: StringMatch | None) -> bool:
    """`{}` or `regex: "*"` means "header present" (`canBeConvertedToPresentMatch`)."""
    return sm is None or (sm.exact is None and sm.prefix is None and sm.regex is None) or sm.regex == "*"


def string_match(sm: StringMatch, value: str, *, ignore_case: bool = False) -> bool:
    if sm.exact is not None:
        return value.lower() == sm.exact.lower() if ignore_case else value == sm.exact
    if sm.prefix is not None:
        return value.lower().startswith(sm.prefix.lower()) if ignore_case else value.startswith(sm.prefix)
    if sm.regex is not None:
        return full_match(sm.regex, value)   # ignoreUriCase never applies to regex (§3.3)
    return True


def _header(sm: StringMatch, value: str | None) -> bool:
    if is_presence(sm):
        return value is not None
    return value is not None and string_match(sm, value)


def _without_header(sm: StringMatch, value: str | None) -> bool:
    """withoutHeaders inverts; a missing header is empty for a value matcher, a match for presence."""
    if is_presence(sm):
        return value is None
    return not string_match(sm, value if value is not None else "")


def _query(sm: StringMatch, value: str | None) -> bool:
    if value is None:
        return False
    if is_presence(sm):
        return True
    return string_match(sm, value)


CLAIM_PREFIX = "@request.auth.claims."


def _claim(sm: StringMatch, name: str, claims: dict) -> bool:
    """`@request.auth.claims.<a>.<b>`: a (nested) string claim, or any string of a list claim,
    from the JWT the gateway validated (istio:pilot/pkg/networking/core/route/route.go
    `MetadataMatcherForJWTClaims`, a ListMatcher oneOf). No validated token: no claim matches.
    Claim names keep their case."""
    value: object = claims
    for key in name[len(CLAIM_PREFIX):].split("."):
        value = value.get(key) if isinstance(value, dict) else None
    values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, list) else None
    if values is None:
        return False
    return is_presence(sm) or any(string_match(sm, v) for v in values)


def matches_request(m: HTTPMatchRequest, req: HttpFacts) -> bool:
    """The runtime half: every set field must match (fields ANDed)."""
    if m.uri is not None and not string_match(m.uri, req.path, ignore_case=m.ignore_uri_case):
        return False
    if m.method is not None and not string_match(m.method, req.method):
        return False
    if m.authority is not None and not string_match(m.authority, req.authority):
        return False
    if m.scheme is not None and not string_match(m.scheme, req.scheme):
        return False
    for name, sm in m.headers.items():
        lowered = name.lower()
        if lowered.startswith(CLAIM_PREFIX):
            if not _claim(sm, name, req.claims):
                return False
        elif lowered not in _PSEUDO_HEADERS and not _header(sm, req.headers.get(lowered)):
            return False
    for name, sm in m.without_headers.items():
        lowered = name.lower()
        if lowered.startswith(CLAIM_PREFIX):
            if _claim(sm, name, req.claims):
                return False
        elif lowered not in _PSEUDO_HEADERS and not _without_header(sm, req.headers.get(lowered)):
            return False
    for name, sm in m.query_params.items():
        if not _query(sm, req.query.get(name)):
            return False
    return True


def applies(m: HTTPMatchRequest | None, vs_gateways: tuple[str, ...], source: Source,
            gateway_of) -> bool:
    """The config-time half: is this match clause on this proxy's route table at all?

    `match.gateways` overrides the VirtualService's `gateways` (`sourceMatchHTTP`);
    `gateway_of(name)` resolves a gateway name in the VirtualService's namespace.
    """
    gateways = m.gateways if m is not None and m.gateways else vs_gateways
    resolved = {gateway_of(g) for g in gateways} if gateways else {"mesh"}
    if not resolved & source.gateways:
        return False
    if m is None:
        return True
    if m.port is not None and m.port != source.port:
        return False
    if m.gateways:
        return True               # sourceMatchHTTP: with match.gateways, source labels/namespace are not read
    if m.source_namespace is not None and m.source_namespace != source.namespace:
        return False
    return all(source.labels.get(k) == v for k, v in m.source_labels.items())


def is_catch_all(m: HTTPMatchRequest | None) -> bool:
    """A clause that matches every request (`IsCatchAllRoute`): no match, or prefix `/` or
    regex `.*` with no header, query, method, authority or scheme condition."""
    if m is None:
        return True
    if m.headers or m.without_headers or m.query_params or m.method or m.authority or m.scheme:
        return False
    uri = m.uri
    return uri is None or uri.prefix == "/" or uri.regex == ".*"


def _sm(sm: StringMatch | None) -> str:
    if is_presence(sm):
        return "present"
    kind = "exact" if sm.exact is not None else "prefix" if sm.prefix is not None else "regex"
    return f"{kind} {getattr(sm, kind)!r}"


def describe(m: HTTPMatchRequest | None) -> str:
    """A match clause in a learner's words, for traces: `uri prefix '/api', header end-user exact 'jason'`."""
    if m is None:
        return "no match conditions: every request"
    parts = []
    if m.uri is not None:
        parts.append(f"uri {_sm(m.uri)}" + (" (ignoring case)" if m.ignore_uri_case else ""))
    for label, field in (("method", m.method), ("authority", m.authority), ("scheme", m.scheme)):
        if field is not None:
            parts.append(f"{label} {_sm(field)}")
    parts += [f"header {k} {_sm(v)}" for k, v in m.headers.items()]
    parts += [f"without header {k} {_sm(v)}" for k, v in m.without_headers.items()]
    parts += [f"query {k} {_sm(v)}" for k, v in m.query_params.items()]
    if m.port is not None:
        parts.append(f"port {m.port}")
    if m.source_labels:
        parts.append("source labels " + ",".join(f"{k}={v}" for k, v in m.source_labels.items()))
    if m.source_namespace:
        parts.append(f"source namespace {m.source_namespace}")
    if m.gateways:
        parts.append("gateways " + ",".join(m.gateways))
    return ", ".join(parts) or "an empty match: every request"
