"""Property: any mix of (possibly inconsistent) objects analyzes without raising, and the result is
istioctl-shaped: sorted, de-duplicated, codes from the table at their table level, file:line set."""

import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine import messages
from engine.analysis import analyze, istioctl_order
from engine.config import load_config_text

names = st.sampled_from(["a", "b", "reviews"])
namespaces = st.sampled_from(["default", "foo", "istio-system"])
hosts = st.sampled_from(["a", "b", "reviews", "reviews.foo.svc.cluster.local", "*.example.com", "api.example.com", "*"])
labels = st.dictionaries(st.sampled_from(["app", "version", "istio"]), st.sampled_from(["a", "v1", "ingressgateway"]),
                         max_size=2)
ports = st.lists(st.sampled_from([80, 8080, 9080, 443]), min_size=1, max_size=2, unique=True)


def meta(name, ns, **extra):
    return {"name": name, "namespace": ns, **extra}


service = st.builds(lambda n, ns, p, sel: {"apiVersion": "v1", "kind": "Service", "metadata": meta(n, ns),
                                          "spec": {"selector": sel, "ports": [{"name": f"http-{x}", "port": x} for x in p]}},
                    names, namespaces, ports, labels)
deployment = st.builds(lambda n, ns, lab, inject: {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(n, ns),
    "spec": {"template": {"metadata": {"labels": lab, "annotations": {"sidecar.istio.io/inject": inject}},
                          "spec": {"containers": [{"name": "app", "image": "app"}]}}}},
    names, namespaces, labels, st.sampled_from(["true", "false"]))
virtual_service = st.builds(lambda n, ns, h, d, sub, gws, mirror: {
    "apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": meta(n, ns),
    "spec": {"hosts": [h], **({"gateways": gws} if gws else {}),
             "http": [{"route": [{"destination": {"host": d, **({"subset": sub} if sub else {})}}],
                       **({"mirror": {"host": d}} if mirror else {})}]}},
    names, namespaces, hosts, hosts, st.sampled_from([None, "v1", "v2"]),
    st.lists(st.sampled_from(["mesh", "gw", "foo/gw"]), max_size=2, unique=True), st.booleans())
destination_rule = st.builds(lambda n, ns, h, subs, mode: {
    "apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": meta(n, ns),
    "spec": {"host": h, "subsets": [{"name": s, "labels": {"version": s}} for s in subs],
             **({"trafficPolicy": {"tls": {"mode": mode}}} if mode else {})}},
    names, namespaces, hosts, st.lists(st.sampled_from(["v1", "v2"]), unique=True),
    st.sampled_from([None, "DISABLE", "SIMPLE", "ISTIO_MUTUAL"]))
gateway = st.builds(lambda n, ns, sel, p, h: {
    "apiVersion": "networking.istio.io/v1", "kind": "Gateway", "metadata": meta(n, ns),
    "spec": {"selector": sel, "servers": [{"port": {"number": p, "name": "http", "protocol": "HTTP"}, "hosts": [h]}]}},
    st.sampled_from(["gw", "other"]), namespaces, labels, st.sampled_from([80, 8080, 9999]),
    st.sampled_from(["*", "shop.example.com", "foo/*"]))
sidecar = st.builds(lambda n, ns, sel: {
    "apiVersion": "networking.istio.io/v1", "kind": "Sidecar", "metadata": meta(n, ns),
    "spec": {**({"workloadSelector": {"labels": sel}} if sel else {}), "egress": [{"hosts": ["./*"]}]}},
    names, namespaces, labels)
peer_auth = st.builds(lambda n, ns, sel, mode: {
    "apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": meta(n, ns),
    "spec": {**({"selector": {"matchLabels": sel}} if sel else {}), "mtls": {"mode": mode}}},
    names, namespaces, labels, st.sampled_from(["STRICT", "PERMISSIVE", "DISABLE"]))
authz = st.builds(lambda n, ns, sel, src: {
    "apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": meta(n, ns),
    "spec": {**({"selector": {"matchLabels": sel}} if sel else {}),
             "rules": [{"from": [{"source": {"namespaces": [src]}}]}]}},
    names, namespaces, labels, st.sampled_from(["foo", "nowhere", "fo*"]))
service_entry = st.builds(lambda n, ns, h, p, addr: {
    "apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": meta(n, ns),
    "spec": {"hosts": [h], "ports": [{"number": p, "name": f"tcp-{p}", "protocol": "TCP"}],
             **({"addresses": ["10.0.0.1"]} if addr else {})}},
    names, namespaces, st.sampled_from(["api.example.com", "*.example.com"]), st.sampled_from([443, 5432]), st.booleans())
namespace = st.builds(lambda n, lab: {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": lab}},
                      namespaces, st.sampled_from([{}, {"istio-injection": "enabled"}, {"istio-injection": "disabled"}]))

objects = st.lists(st.one_of(service, deployment, virtual_service, destination_rule, gateway, sidecar, peer_auth,
                             authz, service_entry, namespace), max_size=12)


@given(objects)
def test_any_mix_analyzes_into_istioctl_shaped_output(docs):
    found = analyze(load_config_text(yaml.safe_dump_all(docs), "p.yaml"))
    assert found == sorted(found, key=istioctl_order)
    rendered = [d.render() for d in found]
    assert len(rendered) == len(set(rendered))
    for d in found:
        message = messages.MESSAGES[d.code]
        assert d.level == message.level or d.code == "MD0012", d
        assert d.code not in messages.RETIRED
        if d.file:
            assert d.line and d.line >= 1, d
