"""VirtualService webhook checks (validation.go ValidateVirtualService, virtualservice.go).

Mirrors TestValidateVirtualService, TestValidateHTTPRoute, TestValidateTLSRoute and
TestValidateTCPRoute. Hosts are optional (a host-less VirtualService is a delegate), weights
are relative (never "must sum to 100"), and rule reachability is a warning (IST0130/IST0131).
"""

from __future__ import annotations

import re

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.networking import TCPRoute, TLSRoute, VirtualService
from engine.validation import common, hosts, unreachable
from engine.validation.httproute import gateway_names, validate_http_route, weights
from engine.validation.report import Report

MESH = "mesh"
_HAS_DIGIT = re.compile(r"[0-9]")
_HAS_LETTER = re.compile(r"[a-zA-Z]")
_SNI_FORMAT = "outbound_.<PORT>_._.<HOSTNAME>"


def _bound_to_gateway_only(vs: VirtualService) -> bool:
    """isGateway(): true unless `mesh` is listed (also true when no gateway is listed at all)."""
    return MESH not in vs.gateways


def _gateway_domain(sni: bool, domain: str) -> str | None:
    """agent.ValidateWildcardDomainForVirtualServiceBoundToGateway: allows AUTO_PASSTHROUGH SNI names."""
    if sni and domain.startswith("outbound_") and len(domain.encode()) <= 255:
        parts = domain.split("_")
        if len(parts) < 4:
            return f"domain name {domain} invalid, should follow '{_SNI_FORMAT}' format"
        port, hostname = parts[1].strip("."), parts[3].strip(".")
        if not _HAS_DIGIT.search(port):
            return f'domain name "{domain}" invalid (label "{port}" invalid). should follow {_SNI_FORMAT} format'
        if not _HAS_LETTER.search(hostname):
            return f'domain name "{domain}" invalid (label "{hostname}" invalid). should follow {_SNI_FORMAT} format'
        return None
    return hosts.wildcard_domain(domain)


def _hosts(r: Report, vs: VirtualService, applies_to_gateway: bool, applies_to_mesh: bool) -> None:
    sni = any(m.sni_hosts for tls in vs.tls for m in tls.match)
    all_valid = True
    for i, host in enumerate(vs.hosts):
        problem = _gateway_domain(sni, host) if applies_to_gateway else hosts.wildcard_domain(host)
        if problem:
            if not hosts.is_ip(host):
                r.error(f"spec.hosts[{i}]", problem)
                all_valid = False
        elif applies_to_mesh and host == "*":
            r.error(f"spec.hosts[{i}]", "wildcard host * is not allowed for virtual services bound to the mesh gateway")
            all_valid = False
    if all_valid:   # duplicates include wildcard overlaps: *.foo.com and *.com
        for i, a in enumerate(vs.hosts):
            for b in vs.hosts[i + 1:]:
                if hosts.host_matches(a, b):
                    r.error(f"spec.hosts[{i}]", f"duplicate hosts in virtual service: {a} & {b}")


def _jwt_claim_routes(r: Report, vs: VirtualService) -> None:
    for i, http in enumerate(vs.http):
        for j, m in enumerate(http.match):
            for field, headers in (("headers", m.headers), ("withoutHeaders", m.without_headers)):
                for key in headers:
                    if common.is_jwt_claim(key):
                        listed = "[" + " ".join(vs.gateways) + "]"
                        r.error(f"spec.http[{i}].match[{j}].{field}",
                                f"JWT claim based routing (key: {key}) is only supported for gateway, "
                                f"found no gateways: {listed}")


def _tls_route(r: Report, vs: VirtualService, tls: TLSRoute, path: str) -> None:
    if not tls.match:
        r.error(path, "TLS route must have at least one match condition")
    for j, m in enumerate(tls.match):
        at = f"{path}.match[{j}]"
        if not m.sni_hosts:
            r.error(at, "TLS match must have at least one SNI host")
        for k, sni in enumerate(m.sni_hosts):
            _sni_host(r, vs, sni, f"{at}.sniHosts[{k}]")
        for k, subnet in enumerate(m.destination_subnets):
            r.error(f"{at}.destinationSubnets[{k}]", hosts.ip_subnet(subnet))
        if m.port:
            r.error(f"{at}.port", common.port(m.port))
        r.errors(f"{at}.sourceLabels", common.labels(m.source_labels))
        errors, warnings = gateway_names(m.gateways)
        r.errors(f"{at}.gateways", errors)
        for w in warnings:
            r.warning(f"{at}.gateways", w)
    if not tls.route:
        r.error(path, "TLS route is required")
    weights(r, tls.route, f"{path}.route")


def _sni_host(r: Report, vs: VirtualService, sni: str, path: str) -> None:
    problem = _gateway_domain(True, sni) if _bound_to_gateway_only(vs) else hosts.wildcard_domain(sni)
    if problem:
        if hosts.is_ip(sni):
            r.warning(path, f'using an IP address ("{sni}") goes against SNI spec and most clients do not support this')
        else:
            r.error(path, problem)
        return
    if not any(hosts.host_subset_of(sni, h) for h in vs.hosts):
        r.error(path, f'SNI host "{sni}" is not a compatible subset of any of the virtual service hosts: '
                      f'[{", ".join(vs.hosts)}]')


def _tcp_route(r: Report, tcp: TCPRoute, path: str) -> None:
    for j, m in enumerate(tcp.match):
        at = f"{path}.match[{j}]"
        for k, subnet in enumerate(m.destination_subnets):
            r.error(f"{at}.destinationSubnets[{k}]", hosts.ip_subnet(subnet))
        if m.port:
            r.error(f"{at}.port", common.port(m.port))
        r.errors(f"{at}.sourceLabels", common.labels(m.source_labels))
        errors, _ = gateway_names(m.gateways)   # appendErrors: warnings dropped, as in Istio
        r.errors(f"{at}.gateways", errors)
    if not tcp.route:
        r.error(path, "TCP route is required")
    weights(r, tcp.route, f"{path}.route")


def validate(resource: Resource) -> list[Diagnostic]:
    vs: VirtualService = resource.spec
    r = Report(resource)
    delegate = not vs.hosts
    if delegate:
        if vs.gateways:
            r.error("spec.gateways", "delegate virtual service must have no gateways specified")
        if vs.tls:
            r.error("spec.tls", "delegate virtual service must have no tls route specified")
        if vs.tcp:
            r.error("spec.tcp", "delegate virtual service must have no tcp route specified")
    applies_to_mesh, applies_to_gateway = True, False
    if vs.gateways:
        errors, warnings = gateway_names(vs.gateways)
        r.errors("spec.gateways", errors)
        for w in warnings:
            r.warning("spec.gateways", w)
        applies_to_gateway = _bound_to_gateway_only(vs)
        applies_to_mesh = not applies_to_gateway
    if not applies_to_gateway:
        _jwt_claim_routes(r, vs)
    _hosts(r, vs, applies_to_gateway, applies_to_mesh)
    if not vs.http and not vs.tcp and not vs.tls:
        r.error("spec", "http, tcp or tls must be provided in virtual service")
    for i, http in enumerate(vs.http):
        validate_http_route(r, http, f"spec.http[{i}]", delegate=delegate)
    for i, tls in enumerate(vs.tls):
        _tls_route(r, vs, tls, f"spec.tls[{i}]")
    for i, tcp in enumerate(vs.tcp):
        _tcp_route(r, tcp, f"spec.tcp[{i}]")
    r.errors("spec.exportTo", common.export_to(resource.namespace, vs.export_to))
    unreachable.http_rules(r, vs.http, "spec.http")
    unreachable.rules(r, vs.tcp, "spec.tcp")
    unreachable.rules(r, vs.tls, "spec.tls")
    return r.diagnostics
