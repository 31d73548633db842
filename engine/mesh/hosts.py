"""Host names as Istio reads them in config: short names, FQDNs, wildcards, exportTo.

Sources: api:networking/v1alpha3/virtual_service.proto field `hosts` ("Note for Kubernetes
users": short names resolve against the namespace of the *rule*); istio:pilot/pkg/model/
virtualservice.go `ResolveVirtualServiceShortnames`; istio:pkg/config/host/name.go (`Matches`:
a `*.` prefix matches any longer suffix, `*` matches everything); istio-semantics §2, §3.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from engine.mesh.inventory import fqdn

T = TypeVar("T")


def resolve(host: str, namespace: str) -> str:
    """A config host as Istio resolves it: a name without a dot is short for `<name>.<config ns>`.

    Anything with a dot is taken literally (`reviews.default` is *not* expanded), and so are
    wildcards; `*` stays `*`.
    """
    if host == "*" or host.startswith("*") or "." in host:
        return host.lower()
    return fqdn(host, namespace).lower()


def matches(pattern: str, host: str) -> bool:
    """Does a config host (exact or `*.suffix`/`*`) cover a concrete or wildcard host?"""
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        suffix = pattern[1:]                      # ".example.com"
        if host.startswith("*"):
            return host[1:].endswith(suffix)
        return host.endswith(suffix) and len(host) > len(suffix)
    if host.startswith("*"):
        return pattern.endswith(host[1:])         # a wildcard host covering this exact name
    return pattern == host


def specificity(pattern: str) -> int:
    """Higher is more specific: exact names beat longer wildcards beat shorter ones beat `*`."""
    if pattern == "*":
        return 0
    if pattern.startswith("*"):
        return len(pattern)
    return 1_000_000


def wildcard_keys(host: str) -> Iterator[str]:
    """The wildcard patterns that could cover `host`: `*.b.c`, `*.c`, `*` for `a.b.c`."""
    labels = host.split(".")
    for i in range(1, len(labels)):
        yield "*." + ".".join(labels[i:])
    yield "*"


def exported_to(export_to: Iterable[str], owner_namespace: str, namespace: str) -> bool:
    """exportTo: empty or `*` = everywhere, `.` = the owner's namespace, `~` = nowhere, else names."""
    values = tuple(export_to)
    if not values:
        return True
    for value in values:
        if value == "*" or (value == "." and namespace == owner_namespace) or value == namespace:
            return True
    return False


@dataclass
class HostIndex(Generic[T]):
    """Items keyed by their resolved host, so a lookup costs O(labels of the host), not O(config).

    `lookup(host)` returns (pattern, item) pairs for every pattern covering `host`, most
    specific first and, within one pattern, in insertion order (oldest first).
    """

    exact: dict[str, list[T]] = field(default_factory=dict)
    wild: dict[str, list[T]] = field(default_factory=dict)

    def add(self, pattern: str, item: T) -> None:
        bucket = self.wild if pattern.startswith("*") else self.exact
        bucket.setdefault(pattern, []).append(item)

    def lookup(self, host: str) -> list[tuple[str, T]]:
        if host.startswith("*"):
            # A wildcard asking (gateway server hosts): every pattern it overlaps, rare and small.
            found = [(p, item) for bucket in (self.exact, self.wild) for p, items in bucket.items()
                     if matches(host, p) or matches(p, host) for item in items]
            return sorted(found, key=lambda pair: -specificity(pair[0]))
        found = [(host, item) for item in self.exact.get(host, [])]
        for key in wildcard_keys(host):
            found += [(key, item) for item in self.wild.get(key, [])]
        return found

    def items(self) -> Iterator[tuple[str, T]]:
        for bucket in (self.exact, self.wild):
            for pattern, items in bucket.items():
                for item in items:
                    yield pattern, item
