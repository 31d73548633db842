"""ServiceEntry schema: field names and enums as in api:networking/v1alpha3/service_entry.proto."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources import cel
from engine.resources.common import LabelSelector
from engine.resources.schema import f


class Location(StrEnum):
    MESH_EXTERNAL = "MESH_EXTERNAL"
    MESH_INTERNAL = "MESH_INTERNAL"


class Resolution(StrEnum):
    NONE = "NONE"
    STATIC = "STATIC"
    DNS = "DNS"
    DNS_ROUND_ROBIN = "DNS_ROUND_ROBIN"
    DYNAMIC_DNS = "DYNAMIC_DNS"


@dataclass(frozen=True)
class ServicePort:
    number: int | None = f(required=True, minimum=0)
    protocol: str | None = None
    name: str = f("", required=True)
    target_port: int | None = f(minimum=0)


@dataclass(frozen=True)
class WorkloadEntrySpec:
    address: str | None = None
    ports: dict[str, int] = f(factory=dict)
    labels: dict[str, str] = f(factory=dict)
    network: str | None = None
    locality: str | None = None
    weight: int | None = f(minimum=0)
    service_account: str | None = None


@dataclass(frozen=True)
class ServiceEntry:
    RULES = (cel.service_entry,)

    hosts: tuple[str, ...] = f((), required=True)
    addresses: tuple[str, ...] = ()
    ports: tuple[ServicePort, ...] = ()
    location: Location | None = None
    resolution: Resolution | None = None
    endpoints: tuple[WorkloadEntrySpec, ...] = ()
    workload_selector: LabelSelector | None = None
    export_to: tuple[str, ...] = ()
    subject_alt_names: tuple[str, ...] = ()
