"""The destinations of a VirtualService in istioctl's order, with the YAML path of each `host`.

istio:pkg/config/analysis/analyzers/virtualservice/util.go: `getRouteDestinations` walks tcp, then
tls, then http routes; `getHTTPMirrorDestinations` the (single) `mirror` of each http route.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.resources import Resource
from engine.resources.networking import Destination


@dataclass(frozen=True)
class RouteDestination:
    rule: str                 # "tcp", "tls", "http" or "http.mirror"
    index: int                # rule index
    position: int             # destination index in the rule's route
    destination: Destination
    host_path: str            # where istioctl points: the destination's host


def route_destinations(vs: Resource) -> list[RouteDestination]:
    out = []
    for rule, routes in (("tcp", vs.spec.tcp), ("tls", vs.spec.tls), ("http", vs.spec.http)):
        for i, route in enumerate(routes):
            for j, rd in enumerate(route.route):
                if rd.destination is not None:
                    out.append(RouteDestination(rule, i, j, rd.destination,
                                                f"spec.{rule}[{i}].route[{j}].destination.host"))
    return out


def mirror_destinations(vs: Resource) -> list[RouteDestination]:
    return [RouteDestination("http.mirror", i, 0, route.mirror, f"spec.http[{i}].mirror.host")
            for i, route in enumerate(vs.spec.http) if route.mirror is not None]
