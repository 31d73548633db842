"""Semantics of our own meshdrill/v1 kinds, beyond their schema: Topology must describe one
cluster (no duplicate names, valid labels and ports) and Traffic must be runnable (rates,
probabilities, status codes, `from`/`to`/`via` forms). Reported at layer `schema` (it is the
only admission our kinds have) with MD0030/MD0031.
"""

from __future__ import annotations

import re

from engine.diagnostics import Diagnostic, Layer
from engine.resources import Resource
from engine.resources.meshdrill import Topology, Traffic
from engine.validation import common, hosts
from engine.validation.report import Report

_NAME = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_WORKLOAD_REF = re.compile(f"(?:{_NAME}/)?{_NAME}")
_GATEWAY_REF = re.compile(f"{_NAME}/{_NAME}")
_TARGET = re.compile(r"(?:(?P<scheme>https?)://)?(?P<host>[^/:]+)(?::(?P<port>[^/]*))?(?P<path>/.*)?")


def _topology(r: Report, spec: Topology) -> None:
    def dup(kind: str, path: str, key: str, seen: set) -> None:
        if key in seen:
            r.code("MD0030", path, f"duplicate {kind} {key}: each {kind} may be declared once")
        seen.add(key)

    namespaces: set[str] = set()
    for i, ns in enumerate(spec.namespaces):
        dup("namespace", f"spec.namespaces[{i}].name", ns.name, namespaces)
        if not hosts.is_dns1123_label(ns.name) or ns.name != ns.name.lower():
            r.code("MD0030", f"spec.namespaces[{i}].name", f"namespace name {ns.name!r} is not a DNS-1123 label")
        for text in common.labels(ns.labels):
            r.code("MD0030", f"spec.namespaces[{i}].labels", text)
    default_ns = "default"
    services: set[str] = set()
    for i, svc in enumerate(spec.services):
        at = f"spec.services[{i}]"
        dup("service", f"{at}.name", f"{svc.namespace or default_ns}/{svc.name}", services)
        if not hosts.is_dns1123_label(svc.name) or svc.name != svc.name.lower():
            r.code("MD0030", f"{at}.name", f"service name {svc.name!r} is not a DNS-1123 label")
        ports: set[int] = set()
        for j, port in enumerate(svc.ports):
            dup("port", f"{at}.ports[{j}].port", str(port.port), ports)
            for field, value in (("port", port.port), ("targetPort", port.target_port)):
                if value is not None and common.port(value):
                    r.code("MD0030", f"{at}.ports[{j}].{field}", common.port(value))
        for j, workload in enumerate(svc.workloads):
            for text in common.labels(workload.labels):
                r.code("MD0030", f"{at}.workloads[{j}].labels", text)
    clients: set[str] = set()
    for i, client in enumerate(spec.clients):
        dup("client", f"spec.clients[{i}].name", f"{client.namespace or default_ns}/{client.name}", clients)
        for text in common.labels(client.labels):
            r.code("MD0030", f"spec.clients[{i}].labels", text)
    gateways: set[str] = set()
    for i, gw in enumerate(spec.gateways):
        dup("gateway", f"spec.gateways[{i}].name", f"{gw.namespace or 'istio-system'}/{gw.name}", gateways)
        for j, number in enumerate(gw.ports):
            if common.port(number):
                r.code("MD0030", f"spec.gateways[{i}].ports[{j}]", common.port(number))
    external: set[str] = set()
    for i, ext in enumerate(spec.external_hosts):
        dup("external host", f"spec.externalHosts[{i}].host", ext.host, external)
        if hosts.fqdn(ext.host) and not hosts.is_ip(ext.host):
            r.code("MD0030", f"spec.externalHosts[{i}].host", hosts.fqdn(ext.host))
        for j, number in enumerate(ext.ports):
            if common.port(number):
                r.code("MD0030", f"spec.externalHosts[{i}].ports[{j}]", common.port(number))


def _probability(r: Report, value: float | None, path: str, field: str) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        r.code("MD0031", path, f"{field} {common.go_float(value)} must be between 0 and 1 (a fraction of requests)")


def _traffic(r: Report, spec: Traffic) -> None:
    for i, backend in enumerate(spec.backends):
        at = f"spec.backends[{i}]"
        if backend.host is None and not backend.selector:
            r.code("MD0031", at, "a backend must select workloads (namespace + selector) or an external host")
        if backend.host is not None and backend.selector:
            r.code("MD0031", at, "a backend selects workloads or an external host, not both")
        _probability(r, backend.error_rate, f"{at}.errorRate", "errorRate")
        _probability(r, backend.reset_rate, f"{at}.resetRate", "resetRate")
        if backend.error_status is not None and not 100 <= backend.error_status <= 599:
            r.code("MD0031", f"{at}.errorStatus", f"errorStatus {backend.error_status} is not an HTTP status (100-599)")
        if backend.path is not None and not backend.path.startswith("/"):
            r.code("MD0031", f"{at}.path", f"path {backend.path!r} must start with /")
        for text in common.labels(backend.selector):
            r.code("MD0031", f"{at}.selector", text)
    for i, stream in enumerate(spec.streams):
        at = f"spec.streams[{i}]"
        if stream.from_ != "external" and not _WORKLOAD_REF.fullmatch(stream.from_):
            r.code("MD0031", f"{at}.from", f"from {stream.from_!r} must be `external`, `<namespace>/<name>` or "
                                           "`<name>` of a client or service")
        if stream.via is not None and not _GATEWAY_REF.fullmatch(stream.via):
            r.code("MD0031", f"{at}.via", f"via {stream.via!r} must be `<namespace>/<gateway>`")
        _target(r, stream.to, f"{at}.to")
        rate = stream.rate
        if rate is not None and not (rate == "max" or (isinstance(rate, int) and rate > 0)):
            r.code("MD0031", f"{at}.rate", f"rate {rate!r} must be a positive number of requests per second or \"max\"")
        if stream.path is not None and not stream.path.startswith("/"):
            r.code("MD0031", f"{at}.path", f"path {stream.path!r} must start with /")


def _target(r: Report, to: str, path: str) -> None:
    m = _TARGET.fullmatch(to)
    host = m.group("host") if m else ""
    if not m or (hosts.fqdn(host) and not hosts.is_ip(host)):
        r.code("MD0031", path, f"to {to!r} must be `host[:port]` or `http(s)://host[:port]/path`")
        return
    port = m.group("port")
    if port is not None:
        number = int(port) if port.isdigit() and port.isascii() else 0
        if common.port(number):
            r.code("MD0031", path, f"to {to!r}: {common.port(number)}")


def validate(resource: Resource) -> list[Diagnostic]:
    r = Report(resource, layer=Layer.SCHEMA)
    if isinstance(resource.spec, Topology):
        _topology(r, resource.spec)
    elif isinstance(resource.spec, Traffic):
        _traffic(r, resource.spec)
    return r.diagnostics
