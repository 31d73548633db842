"""Gateway webhook rules, both directions. Rows mirror istio validation_test.go
TestValidateGateway, TestValidateServer, TestValidateServerPort and TestValidateTlsOptions."""

import textwrap

import pytest

from engine.config import load_config_text

ERR, WARN = "IST0106 Schema validation error: ", "IST0133 Schema validation warning: "
HTTP = "{number: 80, name: http, protocol: HTTP}"
HTTPS = "{number: 443, name: https, protocol: HTTPS}"


def findings(spec: str, name: str = "gw") -> list[str]:
    text = (f"apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}}}\nspec:\n"
            + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "gw.yaml").diagnostics)


REJECTED = [
    ("servers: []", [f"{ERR}gateway must have at least one server"]),
    ("servers: [{port: %s, hosts: []}]" % HTTP, [f"{ERR}server config must contain at least one host"]),
    ("servers: [{port: %s, hosts: [reviews]}]" % HTTP, [f"{ERR}short names (non FQDN) are not allowed"]),
    ("servers: [{port: %s, hosts: ['*bar.com']}]" % HTTP, [f'{ERR}partial wildcard "*bar.com" not allowed']),
    ("servers: [{port: %s, hosts: ['Bad_Ns/foo.com']}]" % HTTP, [f'{ERR}invalid namespace value "Bad_Ns" in gateway']),
    ("servers: [{port: {number: 80, name: http, protocol: HTPP}, hosts: [a.com]}]",
     [f'{ERR}invalid protocol "HTPP", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP']),
    ("servers: [{port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}, hosts: [a.com]}]",
     [f"{ERR}targetPort has no impact on Gateways"]),
    ("servers: [{port: {number: 70000, name: http, protocol: HTTP}, hosts: [a.com]}]",
     [f"{ERR}port number 70000 must be in the range 1..65535"]),
    ("servers: [{port: %s, hosts: [a.com]}, {port: {number: 8080, name: http, protocol: HTTP}, hosts: [b.com]}]" % HTTP,
     [f"{ERR}port names in servers must be unique: duplicate name http"]),
    ("servers: [{port: %s, hosts: [a.com]}]" % HTTPS, [f"{ERR}server must have TLS settings for HTTPS/TLS protocols"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: SIMPLE, credentialName: c}}]" % HTTP,
     [f"{ERR}server cannot have TLS settings for plain text HTTP ports"]),
    ("servers: [{port: {number: 27017, name: mongo, protocol: MONGO}, hosts: [a.com], tls: {mode: SIMPLE, credentialName: c}}]",
     [f"{ERR}server cannot have TLS settings for non HTTPS/TLS ports"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: SIMPLE}}]" % HTTPS,
     [f"{ERR}SIMPLE TLS requires a private key", f"{ERR}SIMPLE TLS requires a server certificate"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: MUTUAL, serverCertificate: /c, privateKey: /k}}]" % HTTPS,
     [f"{ERR}MUTUAL TLS requires a client CA bundle"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: ISTIO_MUTUAL, credentialName: c}}]" % HTTPS,
     [f"{ERR}ISTIO_MUTUAL TLS cannot have associated credentialName"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {credentialName: c}}]" % HTTPS,
     [f"{WARN}PASSTHROUGH mode does not use certificates, they will be ignored"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: SIMPLE, credentialName: c, serverCertificate: /c, privateKey: /k}}]"
     % HTTPS,
     [f"{ERR}only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should "
      "be specified"]),
    ("servers: [{port: %s, hosts: [a.com], tls: {mode: SIMPLE, credentialName: c, cipherSuites: [NOPE]}}]" % HTTPS,
     [f"{WARN}ignoring invalid cipher suites: [NOPE]"]),
    ("servers: [{port: {number: 80, protocol: HTTP, name: ''}, hosts: [a.com]}]",
     [f'{ERR}port name must be set: number:80 protocol:"HTTP"']),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


def test_gateway_name_must_be_a_dns_label():
    assert findings("servers: [{port: %s, hosts: ['*']}]" % HTTP, name="bookinfo.gateway") == [
        f'{ERR}invalid gateway name: "bookinfo.gateway"']


ACCEPTED = [
    "servers: [{port: %s, hosts: ['*']}]" % HTTP,
    "servers: [{port: %s, hosts: ['*.example.com', 'ns1/foo.example.com', './bar.example.com', '*/baz.com', "
    "10.0.0.1]}]" % HTTP,
    "servers: [{port: %s, hosts: [a.com], tls: {httpsRedirect: true}}]" % HTTP,       # redirect only
    "servers: [{port: %s, hosts: [a.com], tls: {mode: SIMPLE, credentialName: cert}}]" % HTTPS,
    "servers: [{port: %s, hosts: [a.com], tls: {mode: MUTUAL, serverCertificate: /c, privateKey: /k, "
    "caCertificates: /ca}}]" % HTTPS,
    "servers: [{port: %s, hosts: [a.com], tls: {mode: PASSTHROUGH}}]" % HTTPS,
    "servers: [{port: {number: 15443, name: tls, protocol: TLS}, hosts: ['*.local'], tls: {mode: AUTO_PASSTHROUGH}}]",
    "servers: [{port: {number: 31400, name: tcp, protocol: TCP}, hosts: ['*']}]",
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []
