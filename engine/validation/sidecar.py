"""Sidecar webhook checks (validation.go ValidateSidecar). Mirrors TestValidateSidecar:
egress hosts are `namespace/dnsName` (`./reviews` fails: short name), at most one port-less
egress listener and only as the last one, ingress ports unique, outboundTrafficPolicy rules.
"""

from __future__ import annotations


from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.networking import CaptureMode, OutboundMode, ServerTLSMode, Sidecar, SidecarPort
from engine.validation import common, hosts
from engine.validation.gateway import UNIX, server_tls, unix_address
from engine.validation.destinations import destination
from engine.validation.report import Report
from engine.validation.trafficpolicy import connection_pool

_ENDPOINT_HOSTS = ("127.0.0.1", "0.0.0.0", "::1", "::")


def _port_bind(r: Report, port: SidecarPort, bind: str, path: str) -> None:
    """validateSidecarIngressPortAndBind (and the IP half of the egress variant)."""
    if port.name:
        r.error(f"{path}.name", common.port_name(port.name))
    r.error(f"{path}.protocol", common.validate_protocol(port.protocol))
    r.error(f"{path}.number", common.port(port.number))
    if bind:
        r.error(path.rsplit(".", 1)[0] + ".bind", hosts.ip_address(bind))


def _split_host_port(text: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort, enough for `127.0.0.1:8080` and `[::1]:8080`."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or not text[end + 1:].startswith(":"):
            return None
        return text[1:end], text[end + 2:]
    host, colon, port = text.rpartition(":")
    if not colon or ":" in host:
        return None
    return host, port


def _ingress(r: Report, spec: Sidecar) -> None:
    ports: set[int] = set()
    for i, listener in enumerate(spec.ingress):
        at = f"spec.ingress[{i}]"
        port = listener.port
        if port is None:
            r.error(at, "sidecar: port is required for ingress listeners")
            continue
        if port.target_port:
            r.error(f"{at}.port.targetPort", "targetPort has no impact on Sidecars")
        _port_bind(r, port, listener.bind or "", f"{at}.port")
        if port.number in ports:
            r.error(f"{at}.port", "sidecar: ports on IP bound listeners must be unique")
        ports.add(port.number)
        _default_endpoint(r, listener.default_endpoint or "", f"{at}.defaultEndpoint")
        if (tls := listener.tls) is not None:
            tat = f"{at}.tls"
            for present, text in ((tls.subject_alt_names, "sidecar: subjectAltNames is not supported in ingress tls"),
                                  (tls.https_redirect, "sidecar: httpsRedirect is not supported"),
                                  (tls.credential_name, "sidecar: credentialName is not currently supported"),
                                  (tls.credential_names, "sidecar: credentialNames is not currently supported"),
                                  (tls.tls_certificates, "sidecar: tls_certificates is not currently supported")):
                if present:
                    r.error(tat, text)
            if tls.mode in (ServerTLSMode.ISTIO_MUTUAL, ServerTLSMode.AUTO_PASSTHROUGH):
                r.error(tat, f"configuration is invalid: cannot set mode to {tls.mode.value} in sidecar ingress tls")
            if not common.is_tls(port.protocol):
                r.error(tat, "server cannot have TLS settings for non HTTPS/TLS ports")
            server_tls(r, tls, tat)
        connection_pool(r, listener.connection_pool, f"{at}.connectionPool")
        if listener.connection_pool is not None and listener.connection_pool.http is not None \
                and not common.is_http(port.protocol):
            r.warning(f"{at}.connectionPool", f'sidecar: HTTP connection pool settings are configured for port '
                      f'{port.number} ("{port.name}") but its protocol is not HTTP ({port.protocol}); only TCP '
                      "settings will apply")


def _default_endpoint(r: Report, endpoint: str, path: str) -> None:
    if not endpoint:
        return
    if endpoint.startswith(UNIX):
        r.error(path, unix_address(endpoint[len(UNIX):]))
        return
    split = _split_host_port(endpoint)
    if split is None:   # Go carries on with empty host and port, hence a second error below
        r.error(path, f"address {endpoint}: missing port in address")
        split = ("", "")
    host, port = split
    if host and host not in _ENDPOINT_HOSTS:
        r.error(path, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,"
                      "[::]:port,unix://filepath or unset")
    if port.isdigit() and port.isascii():
        r.error(path, common.port(int(port)))
    else:
        r.error(path, f'sidecar: defaultEndpoint port ({port}) is not a number: strconv.Atoi: parsing "{port}": '
                      "invalid syntax")


def _egress(r: Report, spec: Sidecar, namespace: str) -> None:
    ports: set[int] = set()
    sockets: set[str] = set()
    catch_all = False
    for i, listener in enumerate(spec.egress):
        at = f"spec.egress[{i}]"
        port, bind = listener.port, listener.bind or ""
        if port is None:
            if catch_all:
                r.error(at, "sidecar: egress can have only one listener with empty port")
                continue
            if i == len(spec.egress) - 1:
                catch_all = True
            else:
                r.error(at, "sidecar: the egress listener with empty port should be the last listener in the list")
        else:
            if port.target_port:
                r.error(f"{at}.port.targetPort", "targetPort has no impact on Sidecars")
            if not port.number:   # a unix domain socket listener
                if port.name:
                    r.error(f"{at}.port.name", common.port_name(port.name))
                r.error(f"{at}.port.protocol", common.validate_protocol(port.protocol))
                if not bind.startswith(UNIX):
                    r.error(f"{at}.bind", "sidecar: ports with 0 value must have a unix domain socket bind address")
                else:
                    r.error(f"{at}.bind", unix_address(bind[len(UNIX):]))
                if listener.capture_mode not in (None, CaptureMode.DEFAULT, CaptureMode.NONE):
                    r.error(f"{at}.captureMode", "sidecar: captureMode must be DEFAULT/NONE for unix domain socket "
                                                 "listeners")
                if bind in sockets:
                    r.error(f"{at}.bind", "sidecar: unix domain socket values for listeners must be unique")
                sockets.add(bind)
            else:
                _port_bind(r, port, bind, f"{at}.port")
                if port.number in ports:
                    r.error(f"{at}.port", "sidecar: ports on IP bound listeners must be unique")
                ports.add(port.number)
        _egress_hosts(r, listener.hosts, namespace, f"{at}.hosts")


def _egress_hosts(r: Report, entries: tuple[str, ...], namespace: str, path: str) -> None:
    if not entries:
        r.error(path, "sidecar: egress listener must contain at least one host")
        return
    by_ns: dict[str, set[str]] = {}
    for k, entry in enumerate(entries):
        ns, slash, name = entry.partition("/")
        if slash:
            ns = namespace if ns == "." else ns
            seen = by_ns.setdefault(ns, set())
            if (name != "*" and (name in seen or "*" in seen)) or (name == "*" and seen):
                r.warning(f"{path}[{k}]", f"duplicated egress host: {entry}")
            seen.add(name)
        r.errors(f"{path}[{k}]", hosts.namespace_slash_host(entry, False))
    if "*" in by_ns.get("*", ()) and len(by_ns) != 1:
        r.warning(path, "`*/*` host select all resources, no other hosts can be added")


def validate(resource: Resource) -> list[Diagnostic]:
    spec: Sidecar = resource.spec
    r = Report(resource)
    if spec.workload_selector is not None:
        errors, warning = common.selector(spec.workload_selector.labels)
        if errors:   # the Go code returns on selector errors
            r.errors("spec.workloadSelector", errors)
            return r.diagnostics
        if warning:
            r.warning("spec.workloadSelector", f"sidecar: {warning}, will be applied to all services in namespace")
    if not spec.egress and not spec.ingress and spec.outbound_traffic_policy is None \
            and spec.inbound_connection_pool is None:
        r.error("spec", "sidecar: empty configuration provided")
        return r.diagnostics
    _ingress(r, spec)
    connection_pool(r, spec.inbound_connection_pool, "spec.inboundConnectionPool")
    _egress(r, spec, resource.namespace)
    policy = spec.outbound_traffic_policy
    if policy is not None and policy.egress_proxy is not None:
        at = "spec.outboundTrafficPolicy.egressProxy"
        if policy.mode is not OutboundMode.ALLOW_ANY:
            r.error(at, "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode")
        else:
            r.error(f"{at}.host", hosts.fqdn(policy.egress_proxy.host))
            if policy.egress_proxy.port is None:
                r.error(at, "sidecar: egress_proxy port must be non-nil")
            else:
                destination(r, policy.egress_proxy, at)
    return r.diagnostics


