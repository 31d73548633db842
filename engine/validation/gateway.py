"""Gateway webhook checks (validation.go ValidateGateway, validateServer, validateServerPort,
validateTLSOptions). Mirrors TestValidateGateway, TestValidateServer, TestValidateServerPort
and TestValidateTlsOptions. `server_tls` is shared with Sidecar ingress listeners.
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.networking import Gateway, Port, Server, ServerTLSMode, ServerTLSSettings, TLSProtocol
from engine.validation import common, hosts
from engine.validation.report import Report

UNIX = "unix://"
# security.ValidCipherSuites (pkg/config/security/security.go)
CIPHER_SUITES = frozenset({
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
    "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA"})


def _valid_cipher(cs: str) -> bool:
    return cs in ("", "ALL") or not cs[0].isalnum() or cs in CIPHER_SUITES


def unix_address(addr: str) -> str | None:
    """ValidateUnixAddress."""
    if not addr:
        return "unix address must not be empty"
    if addr.startswith("@"):
        return None
    if not addr.startswith("/") or addr.endswith("/"):
        return f"{addr} is not an absolute path to a file"
    return None


def _go_port(port: Port) -> str:
    """Go's %v of the Port proto: `number:80 protocol:"HTTP"` (what `port name must be set: %v` prints)."""
    parts = []
    if port.number:
        parts.append(f"number:{port.number}")
    if port.protocol:
        parts.append(f'protocol:"{port.protocol}"')
    if port.name:
        parts.append(f'name:"{port.name}"')
    return " ".join(parts)


def server_tls(r: Report, tls: ServerTLSSettings | None, path: str) -> None:
    """validateTLSOptions. An unset mode is PASSTHROUGH (enum value 0)."""
    if tls is None:
        return
    mode = tls.mode or ServerTLSMode.PASSTHROUGH
    if tls.min_protocol_version in (TLSProtocol.TLSV1_0, TLSProtocol.TLSV1_1) and not tls.cipher_suites:
        r.warning(path, "TLS version below TLSV1_2 require setting compatible ciphers as by default they no "
                        "longer include compatible ciphers.")
    invalid, valid, dup = set(), set(), set()
    for cs in tls.cipher_suites:
        if not _valid_cipher(cs):
            invalid.add(cs)
        elif cs in valid:
            dup.add(cs)
        else:
            valid.add(cs)
    if invalid:
        r.warning(f"{path}.cipherSuites", f"ignoring invalid cipher suites: [{' '.join(sorted(invalid))}]")
    if dup:
        r.warning(f"{path}.cipherSuites", f"ignoring duplicate cipher suites: [{' '.join(sorted(dup))}]")
    if mode is ServerTLSMode.ISTIO_MUTUAL:
        for present, what in ((tls.server_certificate, "server certificate"), (tls.private_key, "private key"),
                              (tls.ca_certificates, "CA bundle"), (tls.tls_certificates, "tlsCertificates"),
                              (tls.credential_name, "credentialName"), (tls.credential_names, "credentialNames")):
            if present:
                r.error(path, f"ISTIO_MUTUAL TLS cannot have associated {what}")
        return
    if mode in (ServerTLSMode.PASSTHROUGH, ServerTLSMode.AUTO_PASSTHROUGH) and (
            tls.ca_crl or tls.server_certificate or tls.private_key or tls.ca_certificates or tls.tls_certificates
            or tls.credential_name or tls.credential_names):
        r.warning(path, f"{mode.value} mode does not use certificates, they will be ignored")
    sources = sum(bool(x) for x in (tls.server_certificate and tls.private_key, tls.credential_name,
                                    tls.credential_names, tls.tls_certificates))
    if sources > 1:
        r.error(path, "only one of credential_name, credential_names, server_certificate/private_key, "
                      "tls_certificates should be specified")
    needs_certs = mode in (ServerTLSMode.SIMPLE, ServerTLSMode.MUTUAL, ServerTLSMode.OPTIONAL_MUTUAL)
    if needs_certs and (tls.credential_name or tls.credential_names):
        return   # fetched from the Secret: nothing else is required
    if needs_certs:
        prefix = "SIMPLE TLS" if mode is ServerTLSMode.SIMPLE else "MUTUAL TLS"
        if prefix == "MUTUAL TLS" and not tls.ca_certificates:
            r.error(path, f"{prefix} requires a client CA bundle")
        if len(tls.tls_certificates) > 2:
            r.warning(path, f"{prefix} can support up to 2 server certificates")
        certs = [(c.get("serverCertificate"), c.get("privateKey")) if isinstance(c, dict) else (None, None)
                 for c in tls.tls_certificates] or [(tls.server_certificate, tls.private_key)]
        for cert, key in certs:
            if not cert:
                r.error(path, f"{prefix} requires a server certificate")
            if not key:
                r.error(path, f"{prefix} requires a private key")
    if tls.ca_crl:
        if tls.credential_name:
            r.error(path, "CRL is not supported with credentialName. CRL has to be specified in the credential")
        if mode is ServerTLSMode.SIMPLE:
            r.error(path, "CRL is not supported with SIMPLE TLS")


def _server_port(r: Report, port: Port | None, bind: str, path: str) -> bool:
    """validateServerPort; True when the port has no error (Istio then checks TLS against protocol)."""
    if port is None:
        r.error(path, "port is required")
        return False
    before = len(r.diagnostics)
    if common.protocol(port.protocol) is None:
        r.error(f"{path}.protocol", f'invalid protocol "{port.protocol}", supported protocols are HTTP, HTTP2, '
                                    "GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP")
    if (port.number or 0) > 0 or not bind.startswith(UNIX):
        r.error(f"{path}.number", common.port(port.number))
    if (port.target_port or 0) > 0:
        r.error(f"{path}.targetPort", "targetPort has no impact on Gateways")
    if not port.name:
        r.error(f"{path}.name", f"port name must be set: {_go_port(port)}")
    return len(r.diagnostics) == before


def _server(r: Report, server: Server, path: str) -> None:
    if not server.hosts:
        r.error(f"{path}.hosts", "server config must contain at least one host")
    for i, host in enumerate(server.hosts):
        r.errors(f"{path}.hosts[{i}]", hosts.namespace_slash_host(host, True))
    bind = server.bind or ""
    port_ok = _server_port(r, server.port, bind, f"{path}.port")
    if bind.startswith(UNIX):
        r.error(f"{path}.bind", unix_address(bind[len(UNIX):]))
        if server.port is not None and server.port.number:
            r.error(f"{path}.bind", f"port number must be 0 for unix domain socket: {_go_port(server.port)}")
    elif bind:
        r.error(f"{path}.bind", hosts.ip_address(bind))
    server_tls(r, server.tls, f"{path}.tls")
    if port_ok:
        proto, tls = server.port.protocol, server.tls
        if common.is_tls(proto) and tls is None:
            r.error(path, "server must have TLS settings for HTTPS/TLS protocols")
        elif not common.is_tls(proto) and tls is not None:
            if common.is_http(proto):
                # gateway.IsPassThroughServer: only redirects (mode PASSTHROUGH, no certs) are allowed
                passthrough = tls.mode in (None, ServerTLSMode.PASSTHROUGH, ServerTLSMode.AUTO_PASSTHROUGH)
                if not passthrough or tls.ca_certificates or tls.private_key or tls.server_certificate:
                    r.error(f"{path}.tls", "server cannot have TLS settings for plain text HTTP ports")
            else:
                r.error(f"{path}.tls", "server cannot have TLS settings for non HTTPS/TLS ports")


def validate(resource: Resource) -> list[Diagnostic]:
    spec: Gateway = resource.spec
    r = Report(resource)
    if not hosts.is_dns1123_label(resource.name):
        r.error("metadata.name", f'invalid gateway name: "{resource.name}"')
    if not spec.servers:
        r.error("spec.servers", "gateway must have at least one server")
    for i, server in enumerate(spec.servers):
        _server(r, server, f"spec.servers[{i}]")
    names: set[str] = set()
    for i, server in enumerate(spec.servers):
        if server.port is None:
            continue
        if server.port.name in names:
            r.error(f"spec.servers[{i}].port.name",
                    f"port names in servers must be unique: duplicate name {server.port.name}")
        names.add(server.port.name)
        if not common.is_http(server.port.protocol) and server.tls is not None and server.tls.https_redirect:
            r.warning(f"spec.servers[{i}].tls", "tls.httpsRedirect should only be used with http servers")
    return r.diagnostics
