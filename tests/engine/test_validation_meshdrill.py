"""Semantics of our own meshdrill/v1 Topology and Traffic (layer `schema`, MD0030/MD0031)."""

import textwrap

import pytest

from engine.config import load_config_text


def findings(kind: str, spec: str) -> list[tuple[str, str, str]]:
    text = f"apiVersion: meshdrill/v1\nkind: {kind}\nspec:\n" + textwrap.indent(textwrap.dedent(spec), "  ")
    cs = load_config_text(text, "m.yaml")
    return sorted((d.code, d.path, d.message) for d in cs.diagnostics)


@pytest.mark.parametrize("spec,expected", [
    ("namespaces: [{name: default}, {name: default}]",
     [("MD0030", "spec.namespaces[1].name", "duplicate namespace default: each namespace may be declared once")]),
    ("services: [{name: reviews}, {name: reviews, namespace: default}]",
     [("MD0030", "spec.services[1].name", "duplicate service default/reviews: each service may be declared once")]),
    ("services: [{name: reviews, ports: [{port: 9080}, {port: 9080}]}]",
     [("MD0030", "spec.services[0].ports[1].port", "duplicate port 9080: each port may be declared once")]),
    ("services: [{name: reviews, ports: [{port: 70000}]}]",
     [("MD0030", "spec.services[0].ports[0].port", "port number 70000 must be in the range 1..65535")]),
    ("services: [{name: Reviews}]",
     [("MD0030", "spec.services[0].name", "service name 'Reviews' is not a DNS-1123 label")]),
    ("clients: [{name: sleep, labels: {app: 'bad value'}}]",
     [("MD0030", "spec.clients[0].labels", 'invalid tag value: "bad value"')]),
])
def test_topology_rejected(spec, expected):
    assert findings("Topology", spec) == expected


@pytest.mark.parametrize("spec,expected", [
    ("streams: [{from: default/sleep, to: 'reviews:9080', rate: 0}]",
     [("MD0031", "spec.streams[0].rate", "rate 0 must be a positive number of requests per second or \"max\"")]),
    ("streams: [{from: default/sleep, to: 'reviews:9080', rate: fast}]",
     [("MD0031", "spec.streams[0].rate", "rate 'fast' must be a positive number of requests per second or \"max\"")]),
    ("streams: [{from: a/b/c, to: reviews}]",
     [("MD0031", "spec.streams[0].from",
       "from 'a/b/c' must be `external`, `<namespace>/<name>` or `<name>` of a client or service")]),
    ("streams: [{from: external, via: ingress, to: 'http://bookinfo.example.com/'}]",
     [("MD0031", "spec.streams[0].via", "via 'ingress' must be `<namespace>/<gateway>`")]),
    ("streams: [{from: sleep, to: 'reviews:99999'}]",
     [("MD0031", "spec.streams[0].to", "to 'reviews:99999': port number 99999 must be in the range 1..65535")]),
    ("streams: [{from: sleep, to: 'bad host:80'}]",
     [("MD0031", "spec.streams[0].to", "to 'bad host:80' must be `host[:port]` or `http(s)://host[:port]/path`")]),
    ("backends: [{namespace: default, selector: {app: r}, errorRate: 1.5, resetRate: -0.1}]",
     [("MD0031", "spec.backends[0].errorRate", "errorRate 1.5 must be between 0 and 1 (a fraction of requests)"),
      ("MD0031", "spec.backends[0].resetRate", "resetRate -0.1 must be between 0 and 1 (a fraction of requests)")]),
    ("backends: [{errorRate: 0.5}]",
     [("MD0031", "spec.backends[0]",
       "a backend must select workloads (namespace + selector) or an external host")]),
    ("backends: [{host: httpbin.org, errorStatus: 700}]",
     [("MD0031", "spec.backends[0].errorStatus", "errorStatus 700 is not an HTTP status (100-599)")]),
])
def test_traffic_rejected(spec, expected):
    assert findings("Traffic", spec) == expected


def test_design_examples_are_valid():
    topology = """\
        meshRootNamespace: istio-system
        meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}, enableAutoMtls: true}
        namespaces:
          - {name: default, injection: true}
          - {name: legacy, injection: false}
        services:
          - name: reviews
            namespace: default
            ports: [{name: http, port: 9080, targetPort: 9080}]
            workloads:
              - {labels: {app: reviews, version: v1}, replicas: 2, serviceAccount: bookinfo-reviews}
              - {labels: {app: reviews, version: v2}, replicas: 1, sidecar: false}
        clients:
          - {name: productpage, namespace: default, labels: {app: productpage}}
        gateways:
          - {name: istio-ingressgateway, namespace: istio-system, labels: {istio: ingressgateway}, ports: [80, 443]}
        externalHosts:
          - {host: httpbin.org, ports: [80]}
          - {host: www.google.com, ports: [443], tls: true}
        """
    traffic = """\
        seed: 1
        backends:
          - {namespace: default, selector: {app: ratings, version: v2}, errorRate: 0.5, errorStatus: 503, latency: 10ms}
        streams:
          - {from: default/productpage, to: "reviews:9080", requests: 10000, method: GET, path: /,
             headers: {end-user: jason}, concurrency: 1}
          - {from: external, via: istio-system/istio-ingressgateway, to: "http://bookinfo.example.com:80/productpage",
             requests: 100}
          - {from: default/fortio, to: "httpbin:8000", requests: 30, concurrency: 3, rate: max}
        """
    assert findings("Topology", topology) == []
    assert findings("Traffic", traffic) == []
