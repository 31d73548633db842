"""The CRDs' CEL rules (`x-kubernetes-validations`) and list/map size limits, checked by the
kube-apiserver before Istio's webhook sees the object.

Source: istio `manifests/charts/base/files/crd-all.gen.yaml` (Istio >= 1.23), as summarised in
analyzers.md §5. Each rule is a function of the *raw* JSON object (CEL sees the object, not our
decoded form) returning `(relative path, message)` pairs; the decoder prefixes the path and
reports them as `Invalid value` problems (MD0024). Attached to spec classes as `RULES`.
"""

from __future__ import annotations

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
    for i, ep in enumerate(_items(spec, "endpoints")):
        if isinstance(ep, dict) and not ep.get("address") and not ep.get("network"):
            out.append((("endpoints", i), _cel("Address is required")))
    return out


def authorization_policy(spec: dict) -> Problems:
    out: Problems = []
    chosen = sum(spec.get(k) is not None for k in ("selector", "targetRef")) + bool(spec.get("targetRefs"))
    if chosen > 1:
        out.append(((), _cel("only one of targetRefs or selector can be set")))
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
