"""Istio's validation tests for Sidecar, as YAML rows:
TestValidateSidecar.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import CLEAN, Table, bad, check, obj, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateSidecar ----------------------------------------------------------------------------
def sidecar(spec: str) -> str:
    return obj("Sidecar", spec)


UDS_PORT = "port: {protocol: http, number: 0, name: uds}"
case("TestValidateSidecar", "empty ingress and egress", sidecar("{}"), bad())
case("TestValidateSidecar", "default", sidecar("egress: [{hosts: ['*/*']}]"), CLEAN)
case("TestValidateSidecar", "workload selector without labels",
     sidecar("egress: [{hosts: ['*/*']}]\nworkloadSelector: {}"), warn(""))
case("TestValidateSidecar", "import local namespace with wildcard", sidecar("egress: [{hosts: ['./*']}]"), CLEAN)
case("TestValidateSidecar", "import local namespace with fqdn", sidecar("egress: [{hosts: [./foo.com]}]"), CLEAN)
case("TestValidateSidecar", "import nothing", sidecar("egress: [{hosts: ['~/*']}]"), CLEAN)
case("TestValidateSidecar", "bad egress host 1", sidecar("egress: [{hosts: ['*']}]"), bad())
case("TestValidateSidecar", "bad egress host 2", sidecar("egress: [{hosts: [/]}]"), bad())
case("TestValidateSidecar", "empty egress host", sidecar("egress: [{hosts: []}]"), bad())
case("TestValidateSidecar", "multiple wildcard egress", sidecar("egress: [{hosts: ['*/foo.com']}, {hosts: [ns1/bar.com]}]"),
     bad())
case("TestValidateSidecar", "wildcard egress not in end",
     sidecar("egress: [{hosts: ['*/foo.com']}, {port: {protocol: http, number: 8080, name: h8080}, hosts: [ns1/bar.com]}]"),
     bad())
case("TestValidateSidecar", "invalid Port",
     sidecar("egress: [{port: {protocol: http1, number: 1000000, name: ''}, hosts: [ns1/bar.com]}]"), bad())
case("TestValidateSidecar", "Port without name",
     sidecar("egress: [{port: {protocol: http, number: 8080}, hosts: [ns1/bar.com]}]"), CLEAN)
case("TestValidateSidecar", "UDS bind in outbound",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}]"), CLEAN)
case("TestValidateSidecar", "UDS bind in inbound",
     sidecar(f"ingress: [{{{UDS_PORT}, bind: 'unix:///@foo/bar/com', defaultEndpoint: '127.0.0.1:9999'}}]"), bad())
case("TestValidateSidecar", "UDS bind in outbound 2",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///foo/bar/com'}}]"), CLEAN)
case("TestValidateSidecar", "invalid bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'foobar:///@foo/bar/com'}}]"), bad())
case("TestValidateSidecar", "invalid capture mode with uds bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com', captureMode: IPTABLES}}]"), bad())

case("TestValidateSidecar", "duplicate UDS bind",
     sidecar(f"egress: [{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}, "
             f"{{{UDS_PORT}, hosts: [ns1/bar.com], bind: 'unix:///@foo/bar/com'}}]"), bad())
case("TestValidateSidecar", "duplicate ports",
     sidecar("egress: [{port: {protocol: http, number: 90, name: foo}, hosts: [ns1/bar.com]}, "
             "{port: {protocol: tcp, number: 90, name: tcp}, hosts: [ns2/bar.com]}]"), bad())
ALL = "egress: [{hosts: ['*/*']}]"
HTTP90 = "port: {protocol: http, number: 90, name: foo}"
TCP90 = "port: {protocol: tcp, number: 90, name: foo}"
for family, local in (("", "127.0.0.1"), (" and IPv6 endpoint", "[::1]")):
    case("TestValidateSidecar", f"ingress without port{' and with IPv6 endpoint' if family else ''}",
         sidecar(f"ingress: [{{defaultEndpoint: '{local}:110'}}]\n{ALL}"), bad())
    case("TestValidateSidecar", f"ingress with duplicate ports{family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:110'}}, "
                 f"{{port: {{protocol: tcp, number: 90, name: bar}}, defaultEndpoint: '{local}:110'}}]\n{ALL}"), bad())
case("TestValidateSidecar", "ingress without default endpoint", sidecar(f"ingress: [{{{HTTP90}}}]\n{ALL}"), CLEAN)
case("TestValidateSidecar", "ingress with invalid default endpoint in IPv4",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '1.1.1.1:90'}}]"), bad())
case("TestValidateSidecar", "ingress with invalid default endpoint in IPv6",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '[1:1:1:1:1:1:1:1]:90'}}]"), bad())
case("TestValidateSidecar", "ingress with invalid default endpoint uds",
     sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: 'unix:///'}}]\n{ALL}"), bad())
for family, local in (("IPv4", "127.0.0.1"), ("IPv6", "[::1]")):
    case("TestValidateSidecar", f"ingress with invalid default endpoint port in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:hi'}}]\n{ALL}"), bad())
    case("TestValidateSidecar", f"valid ingress and egress in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999'}}]\n{ALL}"), CLEAN)
    case("TestValidateSidecar", f"valid ingress and empty egress in {family}",
         sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999'}}]"), CLEAN)
    case("TestValidateSidecar", f"empty protocol in {family}",
         sidecar(f"ingress: [{{port: {{number: 90, name: foo}}, defaultEndpoint: '{local}:9999'}}]\n{ALL}"), CLEAN)
    for mode, label in (("ISTIO_MUTUAL", "ISTIO_MUTUAL"), ("AUTO_PASSTHROUGH", "ISTIO_AUTO_PASSTHROUGH")):
        case("TestValidateSidecar", f"ingress tls mode set to {label} in {family}",
             sidecar(f"ingress: [{{{HTTP90}, defaultEndpoint: '{local}:9999', tls: {{mode: {mode}}}}}]"), bad())
    for label, extra in (("invalid protocol", ""), ("httpRedirect is not supported", ", httpsRedirect: true"),
                         ("SAN entries are not supported", ", subjectAltNames: [httpbin.com]"),
                         ("credentialName is not supported", ", credentialName: secret-name"),
                         ("credentialNames is not supported", ", credentialNames: [secret-name]")):
        case("TestValidateSidecar", f"ingress tls {label} in {family}",
             sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '{local}:9999', tls: {{mode: SIMPLE{extra}}}}}]"), bad())
case("TestValidateSidecar", "empty", sidecar("workloadSelector: null"), bad())
case("TestValidateSidecar", "just outbound traffic policy", sidecar("outboundTrafficPolicy: {mode: ALLOW_ANY}"), CLEAN)
case("TestValidateSidecar", "ALLOW_ANY sidecar egress policy with no egress proxy ",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY}}\n{ALL}"), CLEAN)
PROXY = "egressProxy: {host: foo.bar, subset: shiny, port: {number: 5000}}"
case("TestValidateSidecar", "sidecar egress proxy with RESGISTRY_ONLY(default)",
     sidecar(f"outboundTrafficPolicy: {{{PROXY}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress proxy with ALLOW_ANY",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY, {PROXY}}}\n{ALL}"), CLEAN)
case("TestValidateSidecar", "sidecar egress proxy with ALLOW_ANY, service hostname invalid fqdn",
     sidecar("outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: 'foobar*123', subset: shiny, "
             f"port: {{number: 5000}}}}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress proxy(without Port) with ALLOW_ANY",
     sidecar(f"outboundTrafficPolicy: {{mode: ALLOW_ANY, egressProxy: {{host: foo.bar, subset: shiny}}}}\n{ALL}"), bad())
case("TestValidateSidecar", "sidecar egress only one wildcarded", sidecar("egress: [{hosts: ['*/*', test/a.com]}]"),
     warn(""))
case("TestValidateSidecar", "sidecar egress wildcarded ns", sidecar("egress: [{hosts: ['*/b.com', test/a.com]}]"), CLEAN)
case("TestValidateSidecar", "sidecar egress duplicated with wildcarded same namespace",
     sidecar("egress: [{hosts: ['test/*', test/a.com]}]"), warn(""))
case("TestValidateSidecar", "invalid partial wildcard", sidecar("egress: [{hosts: ['test/*a.com']}]"), bad())
case("TestValidateSidecar", "sidecar egress duplicated with wildcarded same namespace .",
     sidecar("egress: [{hosts: ['./*', bar/a.com]}]"), warn(""))

case("TestValidateSidecar", "ingress tls tlsCertificates is not supported in IPv4",
     sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '127.0.0.1:9999', tls: {{mode: SIMPLE, tlsCertificates: ["
             "{serverCertificate: /etc/istio/ingress-certs/tls.crt, privateKey: /etc/istio/ingress-certs/tls.key}, "
             "{serverCertificate: /etc/istio/ingress-certs/tls2.crt, privateKey: /etc/istio/ingress-certs/tls2.key}]}}]"),
     bad())
case("TestValidateSidecar", "ingress tls tlsCertificates is not supported in IPv6",
     sidecar(f"ingress: [{{{TCP90}, defaultEndpoint: '[::1]:9999', tls: {{mode: SIMPLE, tlsCertificates: ["
             "{serverCertificate: /etc/istio/ingress-certs/tls.crt, privateKey: /etc/istio/ingress-certs/tls.key}]}}]"),
     bad())
POOL_1024 = "connectionPool: {http: {http1MaxPendingRequests: 1024, http2MaxRequests: 1024, " \
            "maxRequestsPerConnection: 1024, maxRetries: 1024}}"
case("TestValidateSidecar", "valid inbound connection pool", sidecar(f"inbound{POOL_1024[0].upper()}{POOL_1024[1:]}"), CLEAN)
case("TestValidateSidecar", "valid port-level connection pool with top level default",
     sidecar(f"ingress: [{{{HTTP90}, {POOL_1024}}}]\ninbound{POOL_1024[0].upper()}{POOL_1024[1:]}"), CLEAN)
case("TestValidateSidecar", "valid port-level connection pool without a top level default",
     sidecar(f"ingress: [{{{HTTP90}, {POOL_1024}}}]"), CLEAN)
case("TestValidateSidecar", "warn http connection settings on tcp port", sidecar(f"ingress: [{{{TCP90}, {POOL_1024}}}]"),
     warn(""))
case("TestValidateSidecar", "invalid top level connection pool", sidecar("inboundConnectionPool: {}"), bad())
case("TestValidateSidecar", "invalid port-level connection pool", sidecar(f"ingress: [{{{TCP90}, connectionPool: {{}}}}]"),
     bad())


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
