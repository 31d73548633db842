"""VirtualService delegation: a root rule's `delegate` expands to the delegate's rules, merged.

As istio:pilot/pkg/model/virtualservice.go `mergeHTTPRoutes`/`mergeHTTPRoute`/
`mergeHTTPMatchRequests`/`hasConflict`: every delegate match must fit inside some root match
(else that delegate rule is dropped); merged matches take the delegate's fields and fill the
rest from the root; the delegate rule inherits rewrite, timeout, retries, fault, mirrors and
headers it does not set. One level only (api virtual_service.proto `Delegate`).
"""

from __future__ import annotations

from dataclasses import replace

from engine.resources.networking import HTTPMatchRequest, HTTPRoute, StringMatch

_INHERITED = ("rewrite", "direct_response", "timeout", "retries", "fault", "mirror", "mirror_percent",
              "mirror_percentage", "cors_policy", "headers")


def _string_conflict(root: StringMatch | None, leaf: StringMatch | None) -> bool:
    """`stringMatchConflict`: the leaf must be a subset of the root."""
    if root is None or leaf is None:
        return False
    if root.regex or leaf.regex:
        return True                # a regex on either side cannot be proven a subset
    if root.exact:
        return bool(leaf.prefix) or leaf.exact != root.exact
    if root.prefix:
        value = leaf.prefix or leaf.exact
        return value is None or not value.startswith(root.prefix)
    return True


def _conflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest) -> bool:
    pairs = ((root.uri, leaf.uri), (root.scheme, leaf.scheme), (root.method, leaf.method),
             (root.authority, leaf.authority))
    if any(_string_conflict(r, lf) for r, lf in pairs):
        return True
    for mine, theirs in ((root.headers, leaf.headers), (root.without_headers, leaf.without_headers),
                         (root.query_params, leaf.query_params)):
        if any(_string_conflict(mine.get(k), v) for k, v in theirs.items()):
            return True
    if root.ignore_uri_case != leaf.ignore_uri_case:
        return True
    if root.port and leaf.port and root.port != leaf.port:
        return True
    if root.source_namespace and leaf.source_namespace != root.source_namespace:
        return True
    if any(k in root.source_labels and root.source_labels[k] != v for k, v in leaf.source_labels.items()):
        return True
    return bool(root.gateways and leaf.gateways and not set(leaf.gateways) <= set(root.gateways))


def _merge_match(root: HTTPMatchRequest, leaf: HTTPMatchRequest) -> HTTPMatchRequest:
    return replace(
        leaf,
        uri=leaf.uri or root.uri, scheme=leaf.scheme or root.scheme, method=leaf.method or root.method,
        authority=leaf.authority or root.authority, headers={**root.headers, **leaf.headers},
        without_headers={**root.without_headers, **leaf.without_headers},
        query_params={**root.query_params, **leaf.query_params}, port=leaf.port or root.port,
        source_labels={**root.source_labels, **leaf.source_labels},
        source_namespace=leaf.source_namespace or root.source_namespace, gateways=leaf.gateways or root.gateways)


def merge(root: HTTPRoute, leaf: HTTPRoute) -> list[tuple[HTTPMatchRequest | None, int | None]] | None:
    """The merged clauses of a delegate rule as (match, the delegate's own match index), or None
    when the rule conflicts with the root and is dropped."""
    if not root.match:
        return [(m, i) for i, m in enumerate(leaf.match)] or [(None, None)]
    if not leaf.match:
        return [(m, None) for m in root.match]
    out = []
    for i, sub in enumerate(leaf.match):
        fits = [_merge_match(r, sub) for r in root.match if not _conflict(r, sub)]
        if not fits:
            return None
        out += [(m, i) for m in fits]
    return out


def inherit(root: HTTPRoute, leaf: HTTPRoute) -> HTTPRoute:
    """The delegate rule with the root's actions filled in where it sets none."""
    filled = {name: getattr(root, name) for name in _INHERITED if getattr(leaf, name) is None}
    if not leaf.mirrors and root.mirrors:
        filled["mirrors"] = root.mirrors
    return replace(leaf, **filled)
