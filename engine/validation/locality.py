"""agent.ValidateLocalityLbSetting and validateLocalities (pkg/config/validation/agent/validation.go),
on the raw `loadBalancer.localityLbSetting` block of a DestinationRule traffic policy.

Istio returns early on the first structural problem (distribute with failover, a failover
with topology labels in failoverPriority, a bad weight, a total other than 100); the rest are
gathered. Locality strings are `region[/zone[/subzone]]` with at most one trailing `*`.
"""

from __future__ import annotations

from engine.validation.report import Report

_TOPOLOGY_LABELS = ("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone")


def locality_lb_setting(r: Report, setting, has_outlier_detection: bool, path: str) -> None:
    if not isinstance(setting, dict):
        return
    distribute = [d for d in setting.get("distribute") or [] if isinstance(d, dict)]
    failover = [f for f in setting.get("failover") or [] if isinstance(f, dict)]
    priority = [str(p) for p in setting.get("failoverPriority") or []]
    if distribute and failover:
        r.error(path, "can not simultaneously specify 'distribute' and 'failover'")
        return
    if failover:
        for label in priority:
            if label in _TOPOLOGY_LABELS:
                r.error(path, f"can not simultaneously set 'failover' and topology label '{label}' in "
                              "'failover_priority'")
                return
    for item in distribute:
        weights = item.get("to") if isinstance(item.get("to"), dict) else {}
        if any(not isinstance(w, int) or isinstance(w, bool) or not 1 <= w <= 100 for w in weights.values()):
            r.error(path, "locality weight must be in range [1, 100]")
            return
        if sum(weights.values()) != 100:
            r.error(path, f"total locality weight {sum(weights.values())} != 100")
            return
        r.error(path, localities_error([str(k) for k in weights]))
    r.error(path, localities_error([str(d.get("from") or "") for d in distribute]))
    if (failover or priority) and not has_outlier_detection:
        r.warning(path, "outlier detection policy must be provided for failover")
    for item in failover:
        src, dst = str(item.get("from") or ""), str(item.get("to") or "")
        if src == dst:
            r.error(path, "locality lb failover settings must specify different regions")
        if "/" in src or "/" in dst:
            r.error(path, "locality lb failover only specify region")
        if "*" in src or "*" in dst:
            r.error(path, "locality lb failover region should not contain '*' wildcard")


def localities_error(localities: list[str]) -> str | None:
    """validateLocalities: no overlap between region / zone / subzone prefixes (a `*` or a shorter
    locality covers the longer ones)."""
    seen: dict[str, dict[str, set[str]]] = {}
    for locality in localities:
        stars = locality.count("*")
        if stars and (stars > 1 or not locality.endswith("*")):
            return f"locality {locality} wildcard '*' number can not exceed 1 and must be in the end"
        overlap = f"locality {locality} overlap with previous specified ones"
        if "*" in seen:
            return overlap
        parts = locality.split("/", 2)
        if any(p == "" for p in parts):
            return f"locality {locality} must not contain empty region/zone/subzone info"
        region = parts[0]
        if len(parts) == 1:
            if region in seen:
                return overlap
            seen[region] = {"*": {"*"}}
            continue
        zones = seen.setdefault(region, {})
        if "*" in zones:
            return overlap
        zone = parts[1]
        if len(parts) == 2:
            if zone in zones:
                return overlap
            zones[zone] = {"*"}
            continue
        subzones = zones.setdefault(zone, set())
        if "*" in subzones or parts[2] in subzones:
            return overlap
        subzones.add(parts[2])
    return None
