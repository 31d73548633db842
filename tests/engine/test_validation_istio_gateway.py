"""Istio's validation tests for Gateway, as YAML rows:
TestValidateTlsOptions, TestValidateGateway, TestValidateServer and TestValidateServerPort.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import CLEAN, OK, Table, bad, check, gateway, obj, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateTlsOptions (a TLS server of a Gateway; checkValidationMessage: warnings compared) ---
def server_tls(fields: str) -> str:
    return gateway("{hosts: [foo.bar.com], port: {number: 443, name: tls, protocol: TLS}, tls: {%s}}" % fields)


PICARD, KHAN, RIKER, DATA = "'Captain Jean-Luc Picard'", "'Khan Noonien Singh'", "'Commander William T. Riker'", \
    "'Lieutenant Commander Data'"
CERT_KEY = f"serverCertificate: {PICARD}, privateKey: {KHAN}"
TWO = f"tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
THREE = (f"tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}, "
         f"{{serverCertificate: {DATA}, privateKey: {DATA}}}]")
BOTH = f"{CERT_KEY}, tlsCertificates: [{{{CERT_KEY}}}, {{serverCertificate: {DATA}, privateKey: {DATA}}}]"
MISSING_CERT = f"tlsCertificates: [{{privateKey: {RIKER}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
MISSING_KEY = f"tlsCertificates: [{{serverCertificate: {PICARD}}}, {{serverCertificate: {RIKER}, privateKey: {RIKER}}}]"
ONE_OF = "one of credential_name, credential_names"
for name, fields, out, warning in (
        ("empty", "", "", ""),
        ("simple", f"mode: SIMPLE, {CERT_KEY}", "", ""),
        ("simple with client bundle", f"mode: SIMPLE, {CERT_KEY}, caCertificates: {RIKER}", "", ""),
        ("simple sds with client bundle", "mode: SIMPLE, credentialName: sds-name", "", ""),
        ("simple sds with client bundle but with server cert", f"mode: SIMPLE, {CERT_KEY}, credentialName: sds-name",
         ONE_OF, ""),
        ("simple no server cert", f"mode: SIMPLE, privateKey: {KHAN}", "server certificate", ""),
        ("simple no private key", f"mode: SIMPLE, serverCertificate: {PICARD}", "private key", ""),
        ("simple more than 2 certs", f"mode: SIMPLE, {THREE}", "", "SIMPLE TLS can support up to 2 server certificates"),
        ("simple with both server cert and tls certs", f"mode: SIMPLE, {BOTH}", ONE_OF, ""),
        ("simple 2 certs with missing certificate", f"mode: SIMPLE, {MISSING_CERT}", "server certificate", ""),
        ("simple 2 certs with missing private key", f"mode: SIMPLE, {MISSING_KEY}", "private key", ""),
        ("simple sds no server cert", f"mode: SIMPLE, privateKey: {KHAN}, credentialName: sds-name", "", ""),
        ("simple sds no private key", f"mode: SIMPLE, serverCertificate: {PICARD}, credentialName: sds-name", "", ""),
        ("mutual", f"mode: MUTUAL, {CERT_KEY}, caCertificates: {RIKER}", "", ""),
        ("mutual sds", f"mode: MUTUAL, caCertificates: {RIKER}, credentialName: sds-name", "", ""),
        ("mutual sds with credential name and server cert",
         f"mode: MUTUAL, {CERT_KEY}, caCertificates: {RIKER}, credentialName: sds-name", ONE_OF, ""),
        ("mutual sds with credential name and tls certs",
         f"mode: MUTUAL, caCertificates: {RIKER}, tlsCertificates: [{{{CERT_KEY}}}], credentialName: sds-name", ONE_OF, ""),
        ("mutual no server cert", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}", "server certificate", ""),
        ("credential names and certificates", "mode: MUTUAL, serverCertificate: /etc/istio/certs/server/cert, "
         "privateKey: /etc/istio/certs/server/key, credentialNames: [server-certs]", ONE_OF, ""),
        ("credential names and tls certificates", "mode: MUTUAL, tlsCertificates: [{serverCertificate: "
         "/etc/istio/certs/server/cert, privateKey: /etc/istio/certs/server/key, caCertificates: "
         "/etc/istio/certs/server/cacert2}], credentialNames: [server-certs]", ONE_OF, ""),
        ("only tls certificates", "mode: MUTUAL, tlsCertificates: [{serverCertificate: /etc/istio/certs/server/cert, "
         "privateKey: /etc/istio/certs/server/key}], caCertificates: /etc/istio/certs/server/cacert2", "", ""),
        ("mutual sds no server cert", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}, "
         "credentialName: sds-name", "", ""),
        ("mutual no client CA bundle", f"mode: MUTUAL, {CERT_KEY}", "client CA bundle", ""),
        ("mutual no certs (server certificate)", "mode: MUTUAL", "server certificate", ""),
        ("mutual no certs (private key)", "mode: MUTUAL", "private key", ""),
        ("mutual no certs (client CA bundle)", "mode: MUTUAL", "client CA bundle", ""),
        ("mutual more than 2 certs", f"mode: MUTUAL, caCertificates: {RIKER}, {THREE}", "",
         "MUTUAL TLS can support up to 2 server certificates"),
        ("mutual with both server cert and tls certs", f"mode: MUTUAL, caCertificates: {RIKER}, {BOTH}", ONE_OF, ""),
        ("mutual 2 certs with missing certificate", f"mode: MUTUAL, caCertificates: {DATA}, {MISSING_CERT}",
         "server certificate", ""),
        ("mutual 2 certs with missing private key", f"mode: MUTUAL, caCertificates: {DATA}, {MISSING_KEY}", "private key",
         ""),
        ("mutual 2 certs with missing CA certificate", f"mode: MUTUAL, {TWO}", "client CA bundle", ""),
        ("optional mutual no certs (server certificate)", "mode: OPTIONAL_MUTUAL", "server certificate", ""),
        ("optional mutual no certs (private key)", "mode: OPTIONAL_MUTUAL", "private key", ""),
        ("optional mutual no certs (client CA bundle)", "mode: OPTIONAL_MUTUAL", "client CA bundle", ""),
        ("pass through sds no certs", "mode: PASSTHROUGH, credentialName: sds-name", "",
         "PASSTHROUGH mode does not use certificates"),
        ("pass through sds crl", "mode: PASSTHROUGH, caCrl: scrl", "", "PASSTHROUGH mode does not use certificates"),
        ("istio_mutual no certs", "mode: ISTIO_MUTUAL", "", ""),
        ("istio_mutual with server cert", f"mode: ISTIO_MUTUAL, serverCertificate: {PICARD}",
         "cannot have associated server cert", ""),
        ("istio_mutual with client bundle", f"mode: ISTIO_MUTUAL, {CERT_KEY}, caCertificates: {RIKER}",
         "cannot have associated", ""),
        ("istio_mutual with private key", f"mode: ISTIO_MUTUAL, privateKey: {KHAN}", "cannot have associated private key", ""),
        ("istio_mutual with credential name", "mode: ISTIO_MUTUAL, credentialName: some-cred",
         "cannot have associated credentialName", ""),
        ("invalid cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [not-a-cipher-suite]", "",
         "not-a-cipher-suite"),
        ("valid cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [ECDHE-ECDSA-AES128-SHA]", "", ""),
        ("cipher suites operations", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [-ECDHE-ECDSA-AES128-SHA]",
         "", ""),
        ("duplicate cipher suites", "mode: SIMPLE, credentialName: sds-name, cipherSuites: [ECDHE-ECDSA-AES128-SHA, "
         "ECDHE-ECDSA-AES128-SHA]", "", "ECDHE-ECDSA-AES128-SHA"),
        ("invalid cipher suites with invalid config", "mode: SIMPLE, cipherSuites: [not-a-cipher-suite]",
         "requires a private key", "not-a-cipher-suite"),
        ("crl specified for SIMPLE TLS", "mode: SIMPLE, caCrl: crl", "CRL is not supported with SIMPLE TLS", ""),
        ("crl specified for CredentialName", "mode: SIMPLE, caCrl: crl, credentialName: credential", "", ""),
        ("mutual no server cert (message)", f"mode: MUTUAL, privateKey: {KHAN}, caCertificates: {RIKER}",
         "MUTUAL TLS requires a server certificate", ""),
        ("mutual no private key", f"mode: MUTUAL, serverCertificate: {KHAN}, caCertificates: {RIKER}",
         "MUTUAL TLS requires a private key", ""),
        ("with CredentialNames", "mode: MUTUAL, credentialNames: [credential1, credential2]", "", "")):
    expect = bad(out) if out else warn(warning) if warning else CLEAN
    case("TestValidateTlsOptions", name, server_tls(fields), expect)


def expect_of(out: str, warning: str = "") -> Expect:
    """checkValidationMessage: an error containing `out`, else exactly the warning (or none)."""
    return bad(out) if out else warn(warning) if warning else CLEAN


for name, servers, out, warning in (
        ("empty", "", "server", ""),
        ("happy domain", "{hosts: [foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "", ""),
        ("happy multiple servers", "{hosts: [foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "", ""),
        ("happy k8s gateway-api server with no attached routes",
         "{hosts: [~/foo.bar.com], port: {name: name1, number: 7, protocol: http}}", "invalid namespace value", ""),
        ("invalid port", "{hosts: [foo.bar.com], port: {name: name1, number: 66000, protocol: http}}", "port", ""),
        ("duplicate port names", "{hosts: [foo.bar.com], port: {name: foo, number: 80, protocol: http}}, "
         "{hosts: [scooby.doo.com], port: {name: foo, number: 8080, protocol: http}}", "port names", ""),
        ("invalid domain", "{hosts: [foo.*.bar.com], port: {number: 7, protocol: http}}", "domain", ""),
        ("valid httpsRedirect", "{hosts: [bar.com], port: {name: http, number: 80, protocol: http}, "
         "tls: {httpsRedirect: true}}", "", ""),
        ("invalid https httpsRedirect", "{hosts: [bar.com], port: {name: https, number: 80, protocol: https}, "
         "tls: {httpsRedirect: true}}", "", "tls.httpsRedirect should only be used with http servers"),
        ("invalid partial wildcard", "{hosts: ['*bar.com'], port: {name: tls, number: 443, protocol: tls}, "
         "tls: {mode: ISTIO_MUTUAL}}", 'partial wildcard "*bar.com" not allowed', "")):
    case("TestValidateGateway", name, obj("Gateway", f"servers: [{servers}]" if servers else "{}"), expect_of(out, warning))

HTTP7 = "port: {number: 7, name: http, protocol: http}"
for name, server, out in (
        ("empty (host)", "{}", "host"),
        ("empty (port)", "{}", "port"),
        ("happy", f"{{hosts: [foo.bar.com], {HTTP7}}}", ""),
        ("happy ip", f"{{hosts: [1.1.1.1], {HTTP7}}}", ""),
        ("happy ns/name", f"{{hosts: [ns1/foo.bar.com], {HTTP7}}}", ""),
        ("happy */name", f"{{hosts: ['*/foo.bar.com'], {HTTP7}}}", ""),
        ("happy ./name", f"{{hosts: [./foo.bar.com], {HTTP7}}}", ""),
        ("invalid ~/name", f"{{hosts: [~/foo.bar.com], {HTTP7}}}", "namespace"),
        ("invalid domain ns/name format", f"{{hosts: [ns1/foo.*.bar.com], {HTTP7}}}", "domain"),
        ("invalid domain", f"{{hosts: [foo.*.bar.com], {HTTP7}}}", "domain"),
        ("invalid short name host", f"{{hosts: [foo], {HTTP7}}}", "short names"),
        ("invalid port", "{hosts: [foo.bar.com], port: {number: 66000, name: http, protocol: http}}", "port"),
        ("invalid tls options", "{hosts: [foo.bar.com], port: {number: 1, name: http, protocol: http}, tls: {mode: SIMPLE}}",
         "TLS"),
        ("no tls on HTTPS", "{hosts: [foo.bar.com], port: {number: 10000, name: https, protocol: https}}", "must have TLS"),
        ("tls on HTTP", "{hosts: [foo.bar.com], port: {number: 10000, name: http, protocol: http}, tls: {mode: SIMPLE}}",
         "cannot have TLS"),
        ("tls redirect on HTTP", "{hosts: [foo.bar.com], port: {number: 10000, name: http, protocol: http}, "
         "tls: {httpsRedirect: true}}", ""),
        ("bind ip", f"{{hosts: [foo.bar.com], {HTTP7}, bind: 127.0.0.1}}", ""),
        ("bind unix path with invalid port", f"{{hosts: [foo.bar.com], {HTTP7}, bind: 'unix://@foobar'}}",
         "port number must be 0 for unix domain socket"),
        ("bind unix path", "{hosts: [foo.bar.com], port: {number: 0, name: http, protocol: http}, bind: 'unix://@foobar'}",
         ""),
        ("bind bad ip", "{hosts: [foo.bar.com], port: {number: 0, name: http, protocol: http}, bind: foo.bar}",
         "foo.bar is not a valid IP")):
    case("TestValidateServer", name, gateway(server), bad(out) if out else OK)

for name, port, bind, out in (
        ("empty (invalid protocol)", "{}", "", "invalid protocol"),
        ("empty (port name)", "{}", "", "port name"),
        ("happy", "{protocol: http, number: 1, name: Henry}", "", ""),
        ("invalid protocol", "{protocol: kafka, number: 1, name: Henry}", "", "invalid protocol"),
        ("invalid number", "{protocol: http, number: 1073741824, name: http}", "", "port number"),
        ("name, no number", "{protocol: http, number: 0, name: Henry}", "", "port number"),
        ("name, no number, uds", "{protocol: http, number: 0, name: Henry}", "uds:///tmp", "port number")):
    server = f"{{hosts: [foo.bar.com], port: {port}" + (f", bind: '{bind}'" if bind else "") + "}"
    case("TestValidateServerPort", name, gateway(server), bad(out) if out else OK)


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
