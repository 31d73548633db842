"""ServiceEntry rules, both directions: the webhook (istio validation_test.go
TestValidateServiceEntries) and the CRD's CEL rules that the API server checks first."""

import textwrap

import pytest

from engine.config import load_config_text

ERR, WARN = "IST0106 Schema validation error: ", "IST0133 Schema validation warning: "
PORT = "ports: [{number: 443, name: tls, protocol: TLS}]"
TCP_WARNING = (f"{WARN}addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is "
               "not enabled")


def findings(spec: str) -> list[str]:
    text = ("apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n"
            + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "se.yaml").diagnostics)


REJECTED = [
    # webhook
    (f"hosts: [foo.*.com]\n{PORT}", [f'{ERR}domain name "*.com" invalid (label "*" invalid)',
                                     f'{WARN}partial wildcard "foo.*.com" not allowed']),
    (f"hosts: ['*bar.com']\n{PORT}", [f'{WARN}partial wildcard "*bar.com" not allowed']),
    (f"hosts: [a.com]\naddresses: [1.2.3.300]\n{PORT}", [f"{ERR}1.2.3.300 is not a valid IP"]),
    ("hosts: [a.com]\nports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: http, protocol: HTTP}]",
     [f'{ERR}service entry port name "http" already defined',
      # ports is a list-map keyed by name in the CRD (testdata/crds/serviceentry-invalid.yaml)
      'MD0024 spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}']),
    ("hosts: [a.com]\nports: [{number: 80, name: Bad_Name, protocol: HTTP}]", [f"{ERR}invalid port name: Bad_Name"]),
    ("hosts: [a.com]\nports: [{number: 443, name: ssl, protocol: SSL}]", [f"{ERR}unsupported protocol: SSL"]),
    ("hosts: [a.com]\nports: [{number: 3306, name: db, protocol: TCP}]",
     [f"{WARN}addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not "
      "enabled"]),
    (f"hosts: ['*.a.com']\n{PORT}\nresolution: DNS",
     [f"{ERR}hosts must be FQDN if no endpoints are provided for resolution mode DNS"]),
    (f"hosts: [a.com]\n{PORT}\nresolution: STATIC\nendpoints: [{{address: a.example.com}}]",
     [f'{ERR}endpoint address "a.example.com" is not a valid IP address']),
    (f"hosts: [a.com]\n{PORT}\nresolution: STATIC\nendpoints: [{{address: 1.1.1.1, ports: {{other: 80}}}}]",
     [f"{ERR}endpoint port 80 is not defined by the service entry"]),
    (f"hosts: [a.com]\n{PORT}\nresolution: DNS\nendpoints: [{{address: 'bad_name'}}]",
     [f'{ERR}endpoint address "bad_name" is not a valid FQDN or an IP address']),
    ("hosts: [a.com, b.com]\nports: [{number: 3306, name: db, protocol: TCP}]\nresolution: DNS",
     [f"{ERR}multiple hosts provided with non-HTTP, non-TLS ports"]),
    (f"hosts: [a.com]\n{PORT}\nexportTo: ['~', ns1]", [f"{ERR}cannot export service entry to no one (~) and someone"]),
    (f"hosts: [a.com]\n{PORT}\nworkloadSelector: {{labels: {{}}}}",
     [f"{WARN}service entry: workload selector specified without labels, will be applied to all services in "
      "namespace", f"{WARN}workloadSelector should not be set when resolution mode is NONE"]),
    # CRD CEL (API server, before the webhook): the object is rejected there, and the webhook's
    # verdict (what istioctl analyze, which skips the CRD schema, prints) is reported as well
    (f"hosts: ['*']\n{PORT}", ['MD0024 spec.hosts: Invalid value: "object": hostname cannot be wildcard',
                               f"{ERR}invalid host *"]),
    (f"hosts: [a.com]\n{PORT}\nendpoints: [{{address: 1.1.1.1}}]",
     ['MD0024 spec: Invalid value: "object": NONE mode cannot set endpoints',
      f"{ERR}no endpoints should be provided for resolution type none"]),
    (f"hosts: [a.com]\naddresses: [10.0.0.0/8]\n{PORT}\nresolution: DNS",
     ['MD0024 spec: Invalid value: "object": CIDR addresses are allowed only for NONE/STATIC resolution types',
      f"{ERR}CIDR addresses are allowed only for NONE/STATIC resolution types"]),
    ("hosts: [a.com]\nports: [{number: 80, name: a}, {number: 80, name: b}]",
     ['MD0024 spec.ports: Invalid value: "object": port number cannot be duplicated',
      f"{ERR}service entry port 80 already defined", TCP_WARNING, TCP_WARNING]),
    ("hosts: [a.com]\nports: [{number: 70000, name: a}]",
     ['MD0024 spec.ports[0]: Invalid value: "object": port must be between 1-65535',
      f"{ERR}port number 70000 must be in the range 1..65535", TCP_WARNING]),
    (f"hosts: [a.com]\n{PORT}\nresolution: DNS_ROUND_ROBIN\nendpoints: [{{address: a.com}}, {{address: b.com}}]",
     ['MD0024 spec: Invalid value: "object": DNS_ROUND_ROBIN mode cannot have multiple endpoints',
      f"{ERR}there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN"]),
    (f"hosts: []\n{PORT}", ["MD0024 spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items",
                           f"{ERR}service entry must have at least one host"]),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


ACCEPTED = [
    "hosts: [www.googleapis.com]\nports: [{number: 443, name: https, protocol: HTTPS}]\nlocation: MESH_EXTERNAL\n"
    "resolution: DNS",
    "hosts: [httpbin.org]\nports: [{number: 80, name: http, protocol: HTTP}]\nresolution: DNS",
    "hosts: ['*.example.com']\nports: [{number: 443, name: tls, protocol: TLS}]",          # NONE allows wildcards
    "hosts: [db.internal]\naddresses: [10.1.2.3]\nports: [{number: 3306, name: tcp, protocol: TCP}]\n"
    "resolution: STATIC\nendpoints: [{address: 10.1.2.3}]",
    "hosts: [mysql.example.com]\nports: [{number: 3306, name: tcp, protocol: TCP}]\nresolution: DNS",  # auto-allocation
    "hosts: [a.com]\nports: [{number: 80, name: http, protocol: HTTP}]\nresolution: DNS\n"
    "endpoints: [{address: a.example.com, ports: {http: 8080}}]",
    "hosts: [a.com]\nports: [{number: 80, name: http, protocol: HTTP}]\nexportTo: ['~']",
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []
