"""ServiceEntry webhook checks (validation.go ValidateServiceEntry). Mirrors
TestValidateServiceEntries. Resolution defaults to NONE, which is why endpoints without a
resolution are rejected.
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.networking import Resolution, ServiceEntry, WorkloadEntrySpec
from engine.validation import common, hosts
from engine.validation.gateway import UNIX, unix_address
from engine.validation.report import Report

# IP auto-allocation (v2) applies unless the entry opts out with this label (or resolution is NONE).
_OPT_OUT = "networking.istio.io/enable-autoallocate-ip"


def _auto_allocates(resource: Resource, spec: ServiceEntry) -> bool:
    """serviceentry.ShouldV2AutoAllocateIPFromConfig, with Istio's default (feature on)."""
    if (spec.resolution or Resolution.NONE) is Resolution.NONE:
        return False
    if any("*" in h for h in spec.hosts):
        return False
    return str(resource.labels.get(_OPT_OUT, "true")).lower() != "false"


def _endpoint(r: Report, ep: WorkloadEntrySpec, ports: set[str], allow_fqdn: bool, path: str) -> None:
    """validateWorkloadEntry as called for STATIC endpoints."""
    addr = ep.address or ""
    if not addr:
        if not ep.network:
            r.error(path, "address is required")
            return
        r.warning(path, f'address is unset with network "{ep.network}"')
    unix = addr.startswith(UNIX)
    if unix:
        r.error(f"{path}.address", unix_address(addr[len(UNIX):]))
        if ep.ports:
            r.error(f"{path}.ports", f"unix endpoint {addr} must not include ports")
    elif addr and not hosts.is_ip(addr):
        if not allow_fqdn:
            r.error(f"{path}.address", f'endpoint address "{addr}" is not a valid IP address')
        elif hosts.fqdn(addr):
            r.error(f"{path}.address", f'endpoint address "{addr}" is not a valid FQDN or an IP address')
    for name, number in ep.ports.items():
        if name not in ports:
            r.error(f"{path}.ports", f"endpoint port {number} is not defined by the service entry")
        r.error(f"{path}.ports", common.port_name(name))
        r.error(f"{path}.ports", common.port(number))
    r.errors(f"{path}.labels", common.labels(ep.labels))
    if unix and len(ports) != 1:
        r.error(path, "exactly 1 service port required for unix endpoints")


def validate(resource: Resource) -> list[Diagnostic]:
    spec: ServiceEntry = resource.spec
    r = Report(resource)
    resolution = spec.resolution or Resolution.NONE
    if spec.workload_selector is not None:
        errors, warning = common.selector(spec.workload_selector.labels)
        if errors:   # ValidateAlphaWorkloadSelector errors end validation
            r.errors("spec.workloadSelector", errors)
            return r.diagnostics
        if warning:
            r.warning("spec.workloadSelector", f"service entry: {warning}, will be applied to all services in namespace")
        if spec.endpoints:
            r.error("spec", "only one of WorkloadSelector or Endpoints is allowed in Service Entry")
    if not spec.hosts:
        r.error("spec.hosts", "service entry must have at least one host")
    for i, host in enumerate(spec.hosts):
        if host == "*":
            r.error(f"spec.hosts[{i}]", f"invalid host {host}")
        else:
            r.error(f"spec.hosts[{i}]", hosts.wildcard_domain(host))
            r.warning(f"spec.hosts[{i}]", hosts.partial_wildcard(host))
    cidr = False
    for i, address in enumerate(spec.addresses):
        cidr = cidr or "/" in address
        r.error(f"spec.addresses[{i}]", hosts.ip_subnet(address))
    if cidr and resolution not in (Resolution.NONE, Resolution.STATIC):
        r.error("spec.addresses", "CIDR addresses are allowed only for NONE/STATIC resolution types")
    auto = _auto_allocates(resource, spec)
    names: set[str] = set()
    numbers: set[int] = set()
    for i, port in enumerate(spec.ports):
        at = f"spec.ports[{i}]"
        if port.name in names:
            r.error(f"{at}.name", f'service entry port name "{port.name}" already defined')
        names.add(port.name)
        if port.number in numbers:
            r.error(f"{at}.number", f"service entry port {port.number} already defined")
        numbers.add(port.number)
        if port.target_port:
            r.error(f"{at}.targetPort", common.port(port.target_port))
        if not spec.addresses and not auto and (port.protocol or "") in ("", "TCP"):
            r.warning(at, "addresses are required for ports serving TCP (or unset) protocol when IP "
                          "Autoallocation is not enabled")
        r.error(f"{at}.name", common.port_name(port.name))
        r.error(f"{at}.protocol", common.validate_protocol(port.protocol))
        r.error(f"{at}.number", common.port(port.number))
    if resolution is Resolution.NONE:
        if spec.endpoints:
            r.error("spec.endpoints", "no endpoints should be provided for resolution type none")
        if spec.workload_selector is not None:
            r.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is NONE")
    elif resolution is Resolution.STATIC:
        for i, ep in enumerate(spec.endpoints):
            _endpoint(r, ep, names, False, f"spec.endpoints[{i}]")
    elif resolution in (Resolution.DNS, Resolution.DNS_ROUND_ROBIN):
        _dns(r, spec, resolution, names)
    # DYNAMIC_DNS (Istio 1.28+) has rules of its own (wildcard hosts only, no addresses or endpoints,
    # HTTP/TLS ports); their exact wording is not in the sources we checked, so we report nothing
    # rather than a made-up sentence.
    if resolution is not Resolution.NONE and len(spec.hosts) > 1:
        if any(not common.is_http(p.protocol) and not common.is_tls(p.protocol) for p in spec.ports):
            r.error("spec.hosts", "multiple hosts provided with non-HTTP, non-TLS ports")
    r.errors("spec.exportTo", common.export_to(resource.namespace, spec.export_to, service_entry=True))
    return r.diagnostics


def _dns(r: Report, spec: ServiceEntry, resolution: Resolution, ports: set[str]) -> None:
    if not spec.endpoints:
        for i, host in enumerate(spec.hosts):
            if hosts.fqdn(host):
                r.error(f"spec.hosts[{i}]", "hosts must be FQDN if no endpoints are provided for resolution "
                                            f"mode {resolution.value}")
    if resolution is Resolution.DNS_ROUND_ROBIN and len(spec.endpoints) > 1:
        r.error("spec.endpoints", f"there must only be 0 or 1 endpoint for resolution mode {resolution.value}")
    for i, ep in enumerate(spec.endpoints):
        at = f"spec.endpoints[{i}]"
        addr = ep.address or ""
        if not hosts.is_ip(addr) and hosts.fqdn(addr):
            r.error(f"{at}.address", f'endpoint address "{addr}" is not a valid FQDN or an IP address')
        r.errors(f"{at}.labels", common.labels(ep.labels))
        for name, number in ep.ports.items():
            if name not in ports:
                r.error(f"{at}.ports", f"endpoint port {number} is not defined by the service entry")
            r.error(f"{at}.ports", common.port_name(name))
            r.error(f"{at}.ports", common.port(number))
    if spec.addresses and len(spec.hosts) > 1 and any(common.is_tcp(p.protocol) for p in spec.ports):
        r.warning("spec.hosts", "service entry can not have more than one host specified simultaneously with "
                                "address and tcp port")
