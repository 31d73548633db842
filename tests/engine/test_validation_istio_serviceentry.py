"""Istio's validation tests for ServiceEntry, as YAML rows:
TestValidateServiceEntries and Test_validateExportTo.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import BAZ, CLEAN, ONE_PORT, Table, bad, check, obj, se, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateServiceEntries ---------------------------------------------------------------------
HTTP2 = "ports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, protocol: http, name: http-valid2}]"
GOOGLE_EPS = ("endpoints: [{address: lon.google.com, ports: {http-valid1: 8080}}, "
              "{address: in.google.com, ports: {http-valid2: 9080}}]")
case("TestValidateServiceEntries", "discovery type DNS",
     se(f"hosts: ['*.google.com']\n{HTTP2}\n{GOOGLE_EPS}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS Round Robin",
     se(f"hosts: ['*.istio.io']\n{HTTP2}\nendpoints: [{{address: api-v1.istio.io, ports: {{http-valid1: 8080}}}}]\n"
        "resolution: DNS_ROUND_ROBIN"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, label tlsMode: istio",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: lon.google.com, ports: {{http-valid1: 8080}}, "
        "labels: {security.istio.io/tlsMode: istio}}, {address: in.google.com, ports: {http-valid2: 9080}, "
        "labels: {security.istio.io/tlsMode: istio}}]\nresolution: DNS"), CLEAN)
HTTPS3 = ("ports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, protocol: http, name: http-valid2}, "
          "{number: 443, protocol: https, name: https}]")
case("TestValidateServiceEntries", "discovery type DNS, one host set with IP address and https port",
     se(f"hosts: [httpbin.org]\naddresses: [10.10.10.10]\n{HTTPS3}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, multi hosts set with IP address and https port",
     se(f"hosts: [httpbin.org, wikipedia.org]\naddresses: [10.10.10.10]\n{HTTPS3}\nresolution: DNS"), warn(""))
case("TestValidateServiceEntries", "discovery type DNS, IP address set",
     se(f"hosts: ['*.google.com']\naddresses: [10.10.10.10]\n{HTTP2}\n{GOOGLE_EPS}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "discovery type DNS, IP in endpoints",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: 1.1.1.1, ports: {{http-valid1: 8080}}}}, "
        "{address: in.google.com, ports: {http-valid2: 9080}}]\nresolution: DNS"), CLEAN)
IN_EP = "endpoints: [{address: in.google.com, ports: {http-valid2: 9080}}]"
case("TestValidateServiceEntries", "empty hosts", se(f"{ONE_PORT}\n{IN_EP}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "bad hosts", se(f"hosts: ['-']\n{ONE_PORT}\n{IN_EP}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "full wildcard host", se(f"hosts: [foo.com, '*']\n{ONE_PORT}\n{IN_EP}\nresolution: DNS"),
     bad())
case("TestValidateServiceEntries", "short name host",
     se(f"hosts: [foo, bar.com]\n{ONE_PORT}\nendpoints: [{{address: in.google.com, ports: {{http-valid1: 9080}}}}]\n"
        "resolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "undefined endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 80, protocol: http, name: http-valid2}]\nendpoints: [{address: lon.google.com, "
        "ports: {http-valid1: 8080}}, {address: in.google.com, ports: {http-dne: 9080}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, non-FQDN endpoint",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nendpoints: [{{address: '*.lon.google.com', ports: {{http-valid1: 8080}}}}, "
        "{address: in.google.com, ports: {http-dne: 9080}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, non-FQDN host",
     se(f"hosts: ['*.google.com']\n{HTTP2}\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type DNS, no endpoints",
     se(f"hosts: [google.com]\n{HTTP2}\nresolution: DNS"), CLEAN)

# (An empty Go slice is an absent field in JSON: `Endpoints: []` / `Addresses: []` are left out.)
case("TestValidateServiceEntries", "discovery type DNS, unix endpoint",
     se(f"hosts: ['*.google.com']\n{ONE_PORT}\nendpoints: [{{address: 'unix:///lon/google/com'}}]\nresolution: DNS"), bad())
case("TestValidateServiceEntries", "discovery type none", se(f"hosts: [google.com]\n{HTTP2}\nresolution: NONE"), CLEAN)
case("TestValidateServiceEntries", "discovery type none, endpoints provided",
     se(f"hosts: [google.com]\n{HTTP2}\nendpoints: [{{address: lon.google.com, ports: {{http-valid1: 8080}}}}]\n"
        "resolution: NONE"), bad())
case("TestValidateServiceEntries", "discovery type none, cidr addresses",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16/16]\n{HTTP2}\nresolution: NONE"), CLEAN)
STATIC_EPS = ("endpoints: [{address: 1.1.1.1, ports: {http-valid1: 8080}}, "
              "{address: 2.2.2.2, ports: {http-valid2: 9080}}]")
case("TestValidateServiceEntries", "discovery type static, cidr addresses with endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16/16]\n{HTTP2}\n{STATIC_EPS}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n{STATIC_EPS}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static, FQDN in endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n"
        "endpoints: [{address: google.com, ports: {http-valid1: 8080}}, {address: 2.2.2.2, ports: {http-valid2: 9080}}]\n"
        "resolution: STATIC"), bad())
case("TestValidateServiceEntries", "discovery type static, missing endpoints",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\nresolution: STATIC"), CLEAN)
case("TestValidateServiceEntries", "discovery type static, bad endpoint port name",
     se(f"hosts: [google.com]\naddresses: [172.1.2.16]\n{HTTP2}\n"
        "endpoints: [{address: 1.1.1.1, ports: {http-valid1: 8080}}, {address: 2.2.2.2, ports: {http-dne: 9080}}]\n"
        "resolution: STATIC"), bad())
case("TestValidateServiceEntries", "discovery type none, conflicting port names",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-conflict}, "
        "{number: 8080, protocol: http, name: http-conflict}]\nresolution: NONE"), bad())
case("TestValidateServiceEntries", "discovery type none, conflicting port numbers",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-conflict1}, "
        "{number: 80, protocol: http, name: http-conflict2}]\nresolution: NONE"), bad())
GRPC = "ports: [{number: 6553, protocol: grpc, name: grpc-service1}]"
case("TestValidateServiceEntries", "unix socket",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\nendpoints: [{{address: 'unix:///path/to/socket'}}]"),
     CLEAN)
case("TestValidateServiceEntries", "unix socket, relative path",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\n"
        "endpoints: [{address: 'unix://./relative/path.sock'}]"), bad())
case("TestValidateServiceEntries", "unix socket, endpoint ports",
     se(f"hosts: [uds.cluster.local]\n{GRPC}\nresolution: STATIC\n"
        "endpoints: [{address: 'unix:///path/to/socket', ports: {grpc-service1: 6553}}]"), bad())
case("TestValidateServiceEntries", "unix socket, multiple service ports",
     se("hosts: [uds.cluster.local]\nports: [{number: 6553, protocol: grpc, name: grpc-service1}, "
        "{number: 80, protocol: http, name: http-service2}]\nresolution: STATIC\n"
        "endpoints: [{address: 'unix:///path/to/socket'}]"), bad())
case("TestValidateServiceEntries", "empty protocol",
     se("hosts: [google.com]\naddresses: [172.1.2.16/16]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 8080, name: http-valid2}]\nresolution: NONE"), CLEAN)
SEL = "workloadSelector: {labels: {foo: bar}}"
case("TestValidateServiceEntries", "selector", se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}"), warn(""))
case("TestValidateServiceEntries", "workload selector without labels",
     se(f"hosts: [google.com]\n{HTTP2}\nworkloadSelector: {{}}"), warn(""))
case("TestValidateServiceEntries", "selector and endpoints",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nendpoints: [{{address: 1.1.1.1}}]"), bad())
case("TestValidateServiceEntries", "selector and resolution NONE",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nresolution: NONE"), warn(""))
case("TestValidateServiceEntries", "selector and resolution DNS",
     se(f"hosts: [google.com]\n{SEL}\n{ONE_PORT}\nresolution: DNS"), CLEAN)
case("TestValidateServiceEntries", "bad selector key",
     se(f"hosts: [google.com]\nworkloadSelector: {{labels: {{'': bar}}}}\n{ONE_PORT}"), bad())
case("TestValidateServiceEntries", "repeat target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 80}, "
        "{number: 81, protocol: http, name: http-valid2, targetPort: 80}]"), CLEAN)
case("TestValidateServiceEntries", "valid target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]"),
     CLEAN)
case("TestValidateServiceEntries", "invalid target port",
     se("hosts: [google.com]\nresolution: DNS\nports: [{number: 80, protocol: http, name: http-valid1, "
        "targetPort: 65536}]"), bad())
case("TestValidateServiceEntries", "warn target port",
     se("hosts: [google.com]\nworkloadSelector: {labels: {key: bar}}\n"
        "ports: [{number: 80, protocol: http, name: http-valid1, targetPort: 1234}]"), warn(""))
case("TestValidateServiceEntries", "valid endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]\n"
        "resolution: STATIC\nendpoints: [{address: 1.1.1.1, ports: {http-valid1: 8081}}]"), CLEAN)
case("TestValidateServiceEntries", "invalid endpoint port",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1, targetPort: 81}]\n"
        "resolution: STATIC\nendpoints: [{address: 1.1.1.1, ports: {http-valid1: 65536}}]"), bad())
case("TestValidateServiceEntries", "protocol unset for addresses empty",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, {number: 8080, name: http-valid2}]\n"
        "resolution: NONE"), warn("addresses are required"))
case("TestValidateServiceEntries", "protocol is TCP for addresses empty",
     se("hosts: [google.com]\nports: [{number: 80, protocol: http, name: http-valid1}, "
        "{number: 81, protocol: TCP, name: tcp-valid1}]\nresolution: NONE"), warn("addresses are required"))
case("TestValidateServiceEntries", "dns round robin with more than one endpoint",
     se("hosts: [google.com]\nports: [{number: 8081, protocol: http, name: http-valid1}]\n"
        "endpoints: [{address: api-v1.istio.io, ports: {http-valid1: 8081}}, {address: 1.1.1.2, ports: {http-valid1: 8081}}]\n"
        "resolution: DNS_ROUND_ROBIN"), bad())
case("TestValidateServiceEntries", "dns round robin with 0 endpoints",
     se("hosts: [google.com]\nports: [{number: 8081, protocol: http, name: http-valid1}]\nresolution: DNS_ROUND_ROBIN"),
     CLEAN)
case("TestValidateServiceEntries", "partial wildcard hosts",
     se("hosts: ['*.nytimes.com', '*washingtonpost.com']\nports: [{number: 443, protocol: HTTPS, name: https-nytimes}]\n"
        "resolution: NONE"), warn("partial wildcard"))
case("TestValidateServiceEntries", "network set with no address on endpoint",
     se("hosts: [www.example.com]\nports: [{number: 443, protocol: HTTPS, name: https-example}]\n"
        "endpoints: [{network: cluster-1}]\nresolution: STATIC"), warn(""))


# ---- Test_validateExportTo (through the kind that carries exportTo) --------------------------------
def export(kind: str, entries: str, selector: bool = False) -> str:
    spec = {"VirtualService": f"hosts: [foo.bar]\n{BAZ}", "ServiceEntry": f"hosts: [google.com]\n{ONE_PORT}\n"
            "resolution: DNS", "DestinationRule": "host: reviews"}[kind]
    if selector:
        spec += "\nworkloadSelector: {matchLabels: {app: foo}}"
    if entries:
        spec += f"\nexportTo: {entries}"
    return obj(kind, spec, namespace="ns5")


for name, kind, entries, expect in (
        ("empty exportTo is okay", "VirtualService", "", CLEAN),
        ("* is allowed", "VirtualService", "['*']", CLEAN),
        (". and ns1 are allowed", "VirtualService", "['.', ns1]", CLEAN),
        ("bunch of namespaces in exportTo is okay", "VirtualService", "[ns1, ns2, ns5]", CLEAN),
        ("~ is allowed for service entry configs", "ServiceEntry", "['~']", CLEAN),
        ("~ not allowed for non service entry configs", "VirtualService", "['~', ns1]", bad()),
        (". and * together are not allowed", "VirtualService", "['.', '*']", bad()),
        ("* and ns1 together are not allowed", "VirtualService", "['*', ns1]", bad()),
        (". and same namespace in exportTo is not okay", "VirtualService", "['.', ns5]", bad()),
        ("duplicate namespaces in exportTo is not okay", "VirtualService", "[ns1, ns2, ns1]", bad()),
        ("duplicate none in service entry exportTo is not okay", "ServiceEntry", "['~', '~', ns1]", bad()),
        ("invalid namespace names are not okay", "VirtualService", "[ns1_]", bad()),
        ("none and other namespaces cannot be combined in service entry exportTo", "ServiceEntry", "['~', ns1]", bad())):
    case("Test_validateExportTo", name, export(kind, entries), expect)
for name, entries, expect in (
        ("destination rule with workloadselector cannot have exportTo (*)", "['*']", bad()),
        ("destination rule with workloadselector can have only exportTo (.)", "['.']", CLEAN),
        ("destination rule with workloadselector cannot have another ns in exportTo (.)", "[somens]", bad()),
        ("destination rule with workloadselector cannot have another ns in addition to own ns in exportTo (.)",
         "['.', somens]", bad())):
    case("Test_validateExportTo", name, export("DestinationRule", entries, selector=True), expect)


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
