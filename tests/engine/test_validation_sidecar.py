"""Sidecar webhook rules, both directions (istio validation_test.go TestValidateSidecar)."""

import textwrap

import pytest

from engine.config import load_config_text

ERR, WARN = "IST0106 Schema validation error: ", "IST0133 Schema validation warning: "


def findings(spec: str) -> list[str]:
    text = ("apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: bookinfo}\n"
            "spec:\n" + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "sc.yaml").diagnostics)


REJECTED = [
    ("{}", [f"{ERR}sidecar: empty configuration provided"]),
    ("egress: [{hosts: [reviews]}]", [f"{ERR}host must be of form namespace/dnsName"]),
    ("egress: [{hosts: [./reviews]}]", [f"{ERR}short names (non FQDN) are not allowed"]),
    ("egress: [{hosts: ['/foo.com']}]", [f"{ERR}config namespace and dnsName in host entry cannot be empty",
                                         f'{ERR}invalid namespace value "" in sidecar']),
    ("egress: [{hosts: ['Bad_Ns/foo.com']}]", [f'{ERR}invalid namespace value "Bad_Ns" in sidecar']),
    ("egress: [{hosts: ['ns/*bar.com']}]", [f'{ERR}partial wildcard "*bar.com" not allowed']),  # `*bar` is a label
    ("egress: [{hosts: ['*/*']}, {port: {number: 80, protocol: HTTP, name: http}, hosts: ['*/*']}]",
     [f"{ERR}sidecar: the egress listener with empty port should be the last listener in the list"]),
    ("egress: [{port: {number: 80, protocol: HTTP, name: a}, hosts: ['*/*']}, "
     "{port: {number: 80, protocol: HTTP, name: b}, hosts: ['*/*']}]",
     [f"{ERR}sidecar: ports on IP bound listeners must be unique"]),
    ("egress: [{port: {number: 80, protocol: HTPP, name: a}, hosts: ['*/*']}]", [f"{ERR}unsupported protocol: HTPP"]),
    ("egress: [{hosts: [ns1/a.com, ns1/a.com, './*', 'bookinfo/b.com']}]",
     [f"{WARN}duplicated egress host: bookinfo/b.com", f"{WARN}duplicated egress host: ns1/a.com"]),
    ("egress: [{hosts: ['*/*', 'ns1/a.com']}]",
     [f"{WARN}`*/*` host select all resources, no other hosts can be added"]),
    ("ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: '1.2.3.4:9080'}]",
     [f"{ERR}sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,"
      "unix://filepath or unset"]),
    ("ingress: [{port: {number: 9080, protocol: HTTP, name: http, targetPort: 1}, defaultEndpoint: '127.0.0.1:9080'}]",
     [f"{ERR}targetPort has no impact on Sidecars"]),
    ("ingress: [{port: {number: 9080, protocol: HTTP, name: http}, tls: {mode: SIMPLE, credentialName: c}}]",
     [f"{ERR}server cannot have TLS settings for non HTTPS/TLS ports",
      f"{ERR}sidecar: credentialName is not currently supported"]),
    ("ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: '127.0.0.1'}]",
     [f"{ERR}address 127.0.0.1: missing port in address",
      f'{ERR}sidecar: defaultEndpoint port () is not a number: strconv.Atoi: parsing "": invalid syntax']),
    ("outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: proxy.example.com, port: {number: 3128}}}",
     [f"{ERR}sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode"]),
    ("outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: proxy.example.com}}",
     [f"{ERR}sidecar: egress_proxy port must be non-nil"]),
    ("workloadSelector: {labels: {}}\negress: [{hosts: ['./*']}]",
     [f"{WARN}sidecar: workload selector specified without labels, will be applied to all services in namespace"]),
    ("workloadSelector: {labels: {app: '*'}}\negress: [{hosts: ['./*']}]",
     [f'{ERR}wildcard is not supported in selector: "app=*"']),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


ACCEPTED = [
    "egress: [{hosts: ['./*', 'istio-system/*']}]",
    "egress: [{hosts: ['~/*']}]",
    "egress: [{port: {number: 9080, protocol: HTTP, name: http}, hosts: ['bookinfo/reviews.bookinfo.svc.cluster.local']}, "
    "{hosts: ['*/*']}]",
    "ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: '127.0.0.1:8080'}]",
    "ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: 'unix:///var/run/app.sock'}]",
    "outboundTrafficPolicy: {mode: REGISTRY_ONLY}",
    "outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: proxy.example.com, port: {number: 3128}}}",
    "workloadSelector: {labels: {app: ratings}}\negress: [{hosts: ['./*']}]",
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []
