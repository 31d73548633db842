"""Rules a VirtualService can never use (validation.go analyzeUnreachableHTTPRules and the
TCP/TLS twins). Webhook *warnings* that istioctl reports as IST0130 (a rule is never used) and
IST0131 (one match of a rule is never used). Mirrors TestValidateVirtualService's
"unreachable"/"duplicate match" cases.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

from engine.resources.networking import HTTPMatchRequest, HTTPRoute
from engine.validation.report import Report


@cache
def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _key(value, drop_name: bool = False):
    """A hashable, order-independent form of a match (Istio compares json.Marshal output, maps sorted)."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is dict:
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if kind in (tuple, list):
        return tuple(_key(v) for v in value)
    if hasattr(kind, "__dataclass_fields__"):
        return tuple(_key(getattr(value, name)) for name in _fields(kind) if not (drop_name and name == "name"))
    return value   # enums


def route_name(route, index: int) -> str:
    name = getattr(route, "name", None)
    return f'"{name}"' if name else f"#{index}"


def _match_name(match, index: int) -> str:
    name = getattr(match, "name", None)
    return f'"{name}"' if name else f"#{index}"


def rules(r: Report, routes: tuple, path: str) -> list[tuple[int, int]]:
    """Unreachable rules and duplicate matches; returns (rule, match) indices of first-seen matches."""
    seen: dict[tuple, int] = {}
    empty_seen = False
    first_seen: list[tuple[int, int]] = []
    for i, route in enumerate(routes):
        at = f"{path}[{i}]"
        if not route.match:
            if empty_seen:
                r.unreachable(at, route_name(route, i), "only the last rule can have no matches")
            empty_seen = True
            continue
        duplicates = 0
        for j, match in enumerate(route.match):
            if empty_seen:
                r.unreachable(at, route_name(route, i), "route without matches defined before")
                continue
            key = _key(match, drop_name=True)
            if key in seen:
                dup = seen[key]
                r.ineffective(f"{at}.match[{j}]", route_name(route, i), _match_name(match, j),
                              route_name(routes[dup], dup))
                duplicates += 1
                continue
            seen[key] = i
            first_seen.append((i, j))
        if duplicates == len(route.match):
            r.unreachable(at, route_name(route, i), "all matches used by prior rules")
    return first_seen


@dataclass(frozen=True)
class _PrefixMatch:
    """OverlappingMatchValidationForHTTPRoute: what decides whether an earlier prefix covers a later one."""

    rule: int
    route_str: str
    match_str: str
    prefix: str
    port: int
    method: str
    authority: str
    headers: dict
    query: dict
    without: dict


def _exact_or_prefix(sm) -> str:
    if sm is None:
        return ""
    if sm.exact:
        return "exact:" + sm.exact
    if sm.prefix:
        return "prefix:" + sm.prefix
    return ""


def _prefix_match(route: HTTPRoute, i: int, match: HTTPMatchRequest, j: int) -> _PrefixMatch | None:
    if match.uri is None or not match.uri.prefix:
        return None
    return _PrefixMatch(i, route_name(route, i), _match_name(match, j), match.uri.prefix, match.port or 0,
                        _exact_or_prefix(match.method) or "exact:GET", _exact_or_prefix(match.authority),
                        {k: _exact_or_prefix(v) for k, v in match.headers.items()},
                        {k: _exact_or_prefix(v) for k, v in match.query_params.items()},
                        {k: _exact_or_prefix(v) for k, v in match.without_headers.items()})


def _same_or_prefixed(a: dict, b: dict) -> bool:
    return len(a) == len(b) and all(k in b and (v == b[k] or v.startswith(b[k])) for k, v in a.items())


def _covers(a: _PrefixMatch, b: _PrefixMatch) -> bool:
    """coveredValidation(vA, vB), kept literally (including its use of HasPrefix on method/authority)."""
    if not b.prefix.startswith(a.prefix) or a.port != b.port:
        return False
    if a.method != b.method and not a.method.startswith(b.method):
        return False
    if a.authority != b.authority and not a.authority.startswith(b.authority):
        return False
    return _same_or_prefixed(a.headers, b.headers) and _same_or_prefixed(a.query, b.query) \
        and _same_or_prefixed(a.without, b.without)


def http_rules(r: Report, routes: tuple[HTTPRoute, ...], path: str) -> None:
    first_seen = rules(r, routes, path)
    prefixed = [p for i, j in first_seen if (p := _prefix_match(routes[i], i, routes[i].match[j], j))]
    for n, earlier in enumerate(prefixed):
        for later in prefixed[n + 1:]:
            if later.prefix == earlier.prefix:
                continue
            if _covers(earlier, later):
                r.ineffective(f"{path}[{later.rule}]", later.route_str, f"{later.match_str} of prefix {later.prefix}",
                              f"{earlier.match_str} of prefix {earlier.prefix} on {earlier.route_str}")
