"""The CRDs' CEL rules (`x-kubernetes-validations`) and list/map size limits, checked by the
kube-apiserver before Istio's webhook sees the object.

Source: istio `manifests/charts/base/files/crd-all.gen.yaml` (Istio >= 1.23), as summarised in
analyzers.md §5. Each rule is a function of the *raw* JSON object (CEL sees the object, not our
decoded form) returning `(relative path, message)` pairs; the decoder prefixes the path and
reports them as `Invalid value` problems (MD0024). Attached to spec classes as `RULES`.
"""

from __future__ import annotations

import re

from engine.diagnostics import format_path
from engine.resources.schema import parse_duration

Problems = list[tuple[tuple, str]]


def _cel(message: str) -> str:
    return f'Invalid value: "object": {message}'


def _is_port(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def peer_authentication(spec: dict) -> Problems:
    out: Problems = []
    levels = spec.get("portLevelMtls")
    if isinstance(levels, dict):
        selector = spec.get("selector")
        labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        if levels and not labels:
            out.append(((), _cel("portLevelMtls requires selector")))
        if not levels:
            out.append((("portLevelMtls",), "Invalid value: 0: spec.portLevelMtls in body should have at least "
                                             "1 properties"))
        if any(not (str(k).isdigit() and 1 <= int(str(k)) <= 65535) for k in levels):
            out.append((("portLevelMtls",), _cel("port must be between 1-65535")))
    return out


def _items(spec: dict, key: str) -> list:
    value = spec.get(key)
    return value if isinstance(value, list) else []


def service_entry(spec: dict) -> Problems:
    out: Problems = []
    hosts = spec.get("hosts")
    if isinstance(hosts, list):
        if not hosts:
            out.append((("hosts",), "Invalid value: 0: spec.hosts in body should have at least 1 items"))
        if len(hosts) > 256:
            out.append((("hosts",), f"Too many: {len(hosts)}: must have at most 256 items"))
        if "*" in hosts:
            out.append((("hosts",), _cel("hostname cannot be wildcard")))
    if spec.get("workloadSelector") is not None and spec.get("endpoints") is not None:
        out.append(((), _cel("only one of WorkloadSelector or Endpoints can be set")))
    resolution = spec.get("resolution") or "NONE"
    if any(isinstance(a, str) and "/" in a for a in _items(spec, "addresses")) and resolution not in ("NONE", "STATIC"):
        out.append(((), _cel("CIDR addresses are allowed only for NONE/STATIC resolution types")))
    if resolution == "NONE" and spec.get("endpoints") is not None:
        out.append(((), _cel("NONE mode cannot set endpoints")))
    if resolution == "DNS_ROUND_ROBIN" and len(_items(spec, "endpoints")) > 1:
        out.append(((), _cel("DNS_ROUND_ROBIN mode cannot have multiple endpoints")))
    ports = [p for p in _items(spec, "ports") if isinstance(p, dict)]
    numbers = [p.get("number") for p in ports]
    if any(numbers.count(n) > 1 for n in numbers if n is not None):
        out.append((("ports",), _cel("port number cannot be duplicated")))
    for i, port in enumerate(_items(spec, "ports")):
        if not isinstance(port, dict):
            continue
        if "number" in port and isinstance(port["number"], int) and not _is_port(port["number"]):
            out.append((("ports", i), _cel("port must be between 1-65535")))
        if "targetPort" in port and isinstance(port["targetPort"], int) and not _is_port(port["targetPort"]):
            out.append((("ports", i), _cel("port must be between 1-65535")))
    names = [p.get("name") for p in ports]
    for i, port in enumerate(ports):   # listType=map keyed by name
        if port.get("name") is not None and names.index(port.get("name")) < i:
            out.append((("ports", i), f'Duplicate value: map[string]interface {{}}{{"name":"{port.get("name")}"}}'))
    for i, ep in enumerate(_items(spec, "endpoints")):
        if isinstance(ep, dict) and not ep.get("address") and not ep.get("network"):
            out.append((("endpoints", i), _cel("Address is required")))
    return out


def authorization_policy(spec: dict) -> Problems:
    out: Problems = _selector_or_refs(spec) + target_refs(spec)
    for i, rule in enumerate(_items(spec, "rules")):
        if not isinstance(rule, dict):
            continue
        for j, item in enumerate(_items(rule, "from")):
            source = item.get("source") if isinstance(item, dict) else None
            if not isinstance(source, dict):
                continue
            at = ("rules", i, "from", j, "source")
            accounts = _items(source, "serviceAccounts") + _items(source, "notServiceAccounts")
            others = sum(len(_items(source, k)) for k in ("principals", "notPrincipals", "namespaces",
                                                         "notNamespaces"))
            if accounts and others:
                out.append((at, _cel("Cannot set serviceAccounts with namespaces or principals")))
            for key in ("serviceAccounts", "notServiceAccounts"):
                if len(_items(source, key)) > 16:
                    out.append((at + (key,), f"Too many: {len(_items(source, key))}: must have at most 16 items"))
    return out


# ---- targetRef(s) and RequestAuthentication (api: type/v1beta1/selector.proto PolicyTargetReference,
# security/v1beta1/request_authentication.proto field annotations) ----------------------------------
_GROUP = re.compile(r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_KIND = re.compile(r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
_CLAIM_HEADER = re.compile(r"^[-_A-Za-z0-9]+$")


def _body(at: tuple) -> str:
    """The absolute path the API server names inside a message (these rules sit on `spec`)."""
    return format_path(("spec",) + at)


def _min_length(value, at: tuple) -> Problems:
    if isinstance(value, str) and len(value) < 1:
        return [(at, f'Invalid value: "": {_body(at)} in body should be at least 1 chars long')]
    return []


def _pattern(value, at: tuple, pattern: re.Pattern) -> Problems:
    if isinstance(value, str) and not pattern.match(value):
        return [(at, f'Invalid value: "{value}": {_body(at)} in body should match \'{pattern.pattern}\'')]
    return []


def _object_items(spec: dict, key: str, at: tuple) -> list[tuple[tuple, dict]]:
    """The objects of a list; a null item is a type error, as the API server says."""
    out = []
    for i, item in enumerate(_items(spec, key)):
        if item is None:
            continue
        if isinstance(item, dict):
            out.append((at + (key, i), item))
    return out


def _null_items(spec: dict, key: str, at: tuple) -> Problems:
    return [(at + (key, i), f'Invalid value: "null": {_body(at + (key, i))} in body must be of type object: "null"')
            for i, item in enumerate(_items(spec, key)) if item is None]


def _selector_or_refs(spec: dict) -> Problems:
    chosen = sum(spec.get(k) is not None for k in ("selector", "targetRef")) + bool(spec.get("targetRefs"))
    return [((), _cel("only one of targetRefs or selector can be set"))] if chosen > 1 else []


def _target_ref(ref, at: tuple) -> Problems:
    if not isinstance(ref, dict):
        return []
    out: Problems = []
    for key in ("kind", "name"):
        if ref.get(key) is None:
            out.append((at + (key,), "Required value"))
        out += _min_length(ref.get(key), at + (key,))
    out += _pattern(ref.get("group"), at + ("group",), _GROUP)
    out += _pattern(ref.get("kind"), at + ("kind",), _KIND) if ref.get("kind") else []
    if isinstance(ref.get("namespace"), str) and ref["namespace"]:
        out.append((at + ("namespace",), _cel("cross namespace referencing is not currently supported")))
    return out


def target_refs(spec: dict) -> Problems:
    out = _target_ref(spec.get("targetRef"), ("targetRef",))
    for i, ref in enumerate(_items(spec, "targetRefs")):
        out += _target_ref(ref, ("targetRefs", i))
    return out


def request_authentication(spec: dict) -> Problems:
    out = _selector_or_refs(spec) + target_refs(spec) + _null_items(spec, "jwtRules", ())
    for at, rule in _object_items(spec, "jwtRules", ()):
        for key in ("audiences", "fromParams", "fromCookies", "spaceDelimitedClaims"):
            for j, value in enumerate(_items(rule, key)):
                out += _min_length(value, at + (key, j))
        uri = rule.get("jwksUri")
        if isinstance(uri, str):
            out += _min_length(uri, at + ("jwksUri",))
            if uri and not (uri.split("://", 1)[0] in ("http", "https") and "://" in uri):
                out.append((at + ("jwksUri",), 'Invalid value: "string": url must have scheme http:// or https://'))
        timeout = rule.get("timeout")
        if isinstance(timeout, str) and ((d := parse_duration(timeout)) is None or d.ms < 1.0):
            out.append((at + ("timeout",), 'Invalid value: "string": must be a valid duration greater than 1ms'))
        out += _null_items(rule, "fromHeaders", at) + _null_items(rule, "outputClaimToHeaders", at)
        for hat, header in _object_items(rule, "fromHeaders", at):
            if header.get("name") is None:
                out.append((hat + ("name",), "Required value"))
            out += _min_length(header.get("name"), hat + ("name",))
        for cat, claim in _object_items(rule, "outputClaimToHeaders", at):
            for key in ("header", "claim"):
                if claim.get(key) is None:
                    out.append((cat + (key,), "Required value"))
                out += _min_length(claim.get(key), cat + (key,))
            if claim.get("header"):
                out += _pattern(claim.get("header"), cat + ("header",), _CLAIM_HEADER)
    return out
