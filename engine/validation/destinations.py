"""Route destinations, weights and per-destination header operations (validation.go
validateDestination, validateSubsetName, validateHTTPRouteDestinations, validateRouteDestinations).
Shared by VirtualService routes, mirrors, DestinationRule subsets and the Sidecar egress proxy.
"""

from __future__ import annotations

from engine.resources.networking import Destination, Headers
from engine.validation import common, hosts
from engine.validation.report import Report


def subset_name(name: str) -> str | None:
    if not name:
        return "subset name cannot be empty"
    return None if hosts.is_dns1123_label(name) else f"subset name is invalid: {name}"


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
